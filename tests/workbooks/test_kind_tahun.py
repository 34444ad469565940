"""A year is not an amount (issue 8 follow-up): the kind ``tahun``.

Tabel 115's ``tahun`` column was declared ``angka`` and showed 2,023.00 / 2.023,00 in the input sheet. A ``tahun``
is a whole number 1900–9999, shown without separators (format ``0``), with Excel validation "whole number
between 1900 and 9999", read by one rule for every source (a fraction: B220, out of range: B214, text: B201),
and compared with numbers in filters (``untuk tahun = tahun_berlaku - 1``). The kinds are declared once
(engine/vocabulary.py). Then the worst things an operator types — into the ``tahun`` column and into rows pasted
past the visible ones — each a coded message naming the cell, never a silent number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import input_specs, load_rules
from kinerja.engine.batasan import NOT_WHOLE, OUT_OF_RANGE, Batas, batas, value_faults
from kinerja.engine.interface import Inputs
from kinerja.workbooks import errors as E
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs, workbook_names
from kinerja.workbooks.refs import parse_ref
from libreoffice import convert
from test_bad_cells_sample import PCT, SAMPLE, edited, hitung, status_of
from test_print import page_texts

ROOT = Path(__file__).parents[2]
TAHUN = "Anggaran!B116"  # anggaran_belanja row 1: 2023 · Belanja Pegawai


# --- one vocabulary -----------------------------------------------------------------------------------------


def test_the_kinds_are_declared_once():
    from kinerja.engine import interface, vocabulary

    assert "tahun" in vocabulary.KINDS and "tahun" in vocabulary.NUMERIC
    assert interface.KINDS is vocabulary.KINDS and interface.NUMERIC_KINDS is vocabulary.NUMERIC
    listed = re.compile(r"\(\s*\"cacah\",\s*\"rupiah\",\s*\"persen\"|cacah, rupiah, persen, indeks, angka, teks")
    spelled = [p.name for p in (ROOT / "engine").glob("*.py") if p.name != "vocabulary.py"
               and listed.search(p.read_text(encoding="utf-8"))]
    assert spelled == []
    from kinerja.engine.syntax import _TERMINAL_WORDS_EN, _TERMINAL_WORDS_ID

    assert "tahun" in _TERMINAL_WORDS_ID["KIND"] and "tahun" in _TERMINAL_WORDS_EN["KIND"]


def test_bounds_of_a_year():
    assert batas("tahun") == Batas(Decimal(1900), Decimal(9999), True)
    assert value_faults(Decimal(2024), "tahun", None, set(), None) == []
    (fault,) = value_faults(Decimal("2024.5"), "tahun", None, set(), None)
    assert fault[3] == NOT_WHOLE and "2024,5" in fault[0] and "2024,5" in fault[1]
    for v in (Decimal(202), Decimal(20244), Decimal(-2024), Decimal(0)):
        (fault,) = value_faults(v, "tahun", None, set(), None)
        assert fault[3] == OUT_OF_RANGE and "1900–9999" in fault[0], v
    assert E.NOT_WHOLE == NOT_WHOLE and NOT_WHOLE in E.CODES


# --- the rule language -------------------------------------------------------------------------------------

RULES = """
pengaturan { berlaku = 2024 }
tabel belanja "Belanja" {
  tahun: tahun "Tahun anggaran"
  pagu: rupiah "Pagu"
}
nilai pagu_ini "Pagu tahun ini" = jumlah(belanja.pagu untuk tahun = tahun_berlaku)
nilai pagu_lalu "Pagu tahun lalu" = jumlah(belanja.pagu untuk tahun = tahun_berlaku - 1)
nilai pagu_2023 "Pagu 2023" = jumlah(belanja.pagu untuk tahun = 2023)
nilai pagu_baru "Pagu sejak 2024" = jumlah(belanja.pagu untuk tahun >= 2024)
"""


def test_a_year_compares_with_numbers_in_filters(tmp_path):
    from kinerja.engine import Tracer, evaluate

    p = tmp_path / "aturan.kin"
    p.write_text(RULES, encoding="utf-8")
    checked = load_rules(p)
    (spec,) = input_specs(checked)
    assert [c.kind for c in spec.columns] == ["tahun", "rupiah"]
    rows = [{"tahun": Decimal(2023), "pagu": Decimal(10)}, {"tahun": Decimal(2024), "pagu": Decimal(32)},
            {"tahun": Decimal(2025), "pagu": Decimal(100)}]
    res = evaluate(checked, Inputs(tables={"belanja": rows}), Tracer())
    got = {k: res.values[k].value for k in ("pagu_ini", "pagu_lalu", "pagu_2023", "pagu_baru")}
    assert got == {"pagu_ini": 32, "pagu_lalu": 10, "pagu_2023": 10, "pagu_baru": 132}


def test_a_year_is_not_text_and_not_a_misspelt_kind(tmp_path):
    from kinerja.engine import check_rules

    p = tmp_path / "aturan.kin"
    p.write_text(RULES + 'nilai salah "Salah" = jumlah(belanja.pagu untuk tahun = "2024")\n', encoding="utf-8")
    _, diags = check_rules(p)
    assert [d.code for d in diags if d.code.startswith("E")] == ["E301"]
    p.write_text(RULES.replace("tahun: tahun", "tahun: tahunn"), encoding="utf-8")
    _, diags = check_rules(p)
    assert any(d.code.startswith("E") and "tahun" in str(d.to_dict()) for d in diags)


def test_the_bundled_budget_table_declares_a_year():
    specs = {s.name: s for s in input_specs(load_rules("pk2024-sumsel"))}
    cols = {c.name: c.kind for c in specs["anggaran_belanja"].columns}
    assert cols["tahun"] == "tahun"


# --- the input sheet ----------------------------------------------------------------------------------------


def _year_validations(ws) -> list:
    return [dv for dv in ws.data_validations.dataValidation if dv.type == "whole" and dv.formula1 == "1900"]


def test_template_year_column_is_a_whole_number_without_separators(tmp_path):
    path = tmp_path / "templat.xlsx"
    res = CliRunner().invoke(main, ["templat", "--keluaran", str(path)])
    assert res.exit_code == 0, res.output
    ref = parse_ref(workbook_names(path)["anggaran_belanja"])
    ws = openpyxl.load_workbook(path)[ref.sheet]
    assert ws.cell(ref.row1, ref.col1).value == "tahun"
    cells = [ws.cell(r, ref.col1) for r in range(ref.row1 + 1, ref.row2 + 1)]
    assert {c.number_format for c in cells} == {"0"}
    (dv,) = _year_validations(ws)
    assert dv.operator == "between" and dv.formula2 == "9999" and dv.showErrorMessage
    col = ws.cell(ref.row1, ref.col1).column_letter
    assert str(dv.sqref) == f"{col}{ref.row1 + 1}:{col}{ref.row2}"
    # the other numbers of the table keep their formats
    assert ws.cell(ref.row1 + 1, ref.col1 + 2).number_format == "#,##0"


def test_sample_prints_years_as_years(tmp_path):
    ws = openpyxl.load_workbook(SAMPLE)["Anggaran"]
    assert ws["B116"].value == 2023 and ws["B116"].number_format == "0"
    pages = page_texts(convert(SAMPLE, "pdf", tmp_path / "pdf")[0])
    budget = "\n".join(p for p in pages if "Anggaran — halaman" in p)
    assert re.search(r"\b2023\b", budget) and re.search(r"\b2024\b", budget)
    assert not re.search(r"2[.,]02[34]", budget)


def test_sample_figures_are_unchanged(tmp_path):
    """The recalculated sample gives the report's Tabel 115 totals (tests/test_tahun.py has the same numbers)."""
    _, out, _ = hitung(edited(tmp_path, {}))  # a copy: hitung writes into the workbook
    a = out["anggaran"]
    assert a["pagu_belanja_tahun_ini"] == 352837680000 and a["pagu_belanja_tahun_lalu"] == 332577857000
    assert out["masalah_masukan"] == []


def test_a_row_of_another_year_is_a_finding_never_silently_out_of_the_totals(tmp_path):
    """2022 typed for 2023 (a valid year, so no input problem): the row matched neither `untuk tahun =
    tahun_berlaku` nor `… - 1`, and its 125.276.419.000 left the 2023 totals (332.577.857.000 → 207.301.438.000)
    with no word (found by the operator9 acceptance run). Now a T301 tinggi finding (a check of the PK 2024 rules)
    counts the rows of another year; the correct sample has none."""
    def other_year(out: dict) -> list[dict]:
        return [t for t in out["temuan"]
                if t["kode"] == "T301" and "tahun selain 2024 dan tahun sebelumnya" in t["pesan"]]

    _, good, _ = hitung(edited(tmp_path, {}))
    assert other_year(good) == []
    (tmp_path / "buku.xlsx").unlink()
    code, bad, _ = hitung(edited(tmp_path, {TAHUN: 2022}))
    assert code == Exit.FINDINGS
    (t,) = other_year(bad)
    assert t["tingkat"] == "tinggi" and "Ada 1 baris Tabel 115" in t["pesan"]
    assert bad["anggaran"]["pagu_belanja_tahun_lalu"] == 207301438000  # the rule computes what it says; told now


# --- the worst things an operator types ---------------------------------------------------------------------

YEAR_CASES = {
    "teks-persen": ("85%", "B201", ["85%"]),
    "format-persen": ((PCT, Decimal("0.85")), "B217", ["85%"]),
    "teks-ribuan-koma": ("1.234,5", "B201", ["1.234,5"]),
    "teks-spasi": ("2024 ", "B201", ["2024"]),
    "pecahan": (Decimal("2024.5"), "B220", ["2024,5"]),
    "teks-koma": ("2024,5", "B201", ["2024,5"]),
    "tiga-digit": (Decimal(202), "B214", ["202", "1900–9999"]),
    "lima-digit": (Decimal(20244), "B214", ["20244", "1900–9999"]),
    "kosong": (None, "B205", []),
    "id": ("pas_s1", "B201", ["pas_s1"]),
}


@pytest.mark.parametrize("case", sorted(YEAR_CASES))
def test_bad_year_is_a_coded_message_naming_the_cell(tmp_path, case):
    value, code, words = YEAR_CASES[case]
    exit_code, out, text = hitung(edited(tmp_path, {TAHUN: value}))
    assert exit_code == Exit.FINDINGS, text
    (p,) = out["masalah_masukan"]
    assert p["kode"] == code and p["lokasi"] == TAHUN, p
    for w in [TAHUN, "anggaran_belanja.tahun", "Belanja Pegawai", *words]:
        assert w in p["pesan"], (w, p["pesan"])
    assert p["saran"] and p["pesan_en"]
    # a row whose year is unknown could belong to either total: neither is a silent number
    for total in ("pagu_belanja_tahun_lalu", "pagu_belanja_tahun_ini"):
        assert status_of(out, total)[1] is None, (total, out["anggaran"][total])
    assert status_of(out, "ham_ikm")[0] == "ok"


# Rows pasted past the visible ones (anggaran_belanja: rows 116–121 filled, 122… hidden), with the worst entries;
# row 123 left empty in the middle (skipped, stays hidden), a wrong sasaran id in anggaran_sasaran's hidden rows.
PASTED = {
    "Anggaran!B122": "2024 ", "Anggaran!C122": "Belanja Modal", "Anggaran!D122": Decimal(5), "Anggaran!E122": 5,
    "Anggaran!B124": Decimal(2024), "Anggaran!C124": "Belanja Barang", "Anggaran!D124": "1.234,5",
    "Anggaran!E124": Decimal(1),
    "Anggaran!B125": Decimal(2024), "Anggaran!C125": "Belanja Pegawai", "Anggaran!D125": (PCT, Decimal("0.85")),
    "Anggaran!E125": Decimal(1),
    "Anggaran!B126": Decimal("2024.5"), "Anggaran!C126": "Belanja Barang", "Anggaran!D126": Decimal(7),
    "Anggaran!E126": Decimal(7),
    "Anggaran!B30": "Pas_S9", "Anggaran!C30": Decimal(1), "Anggaran!D30": Decimal(1), "Anggaran!E30": Decimal(1),
}
PASTED_PROBLEMS = {"Anggaran!B122": "B201", "Anggaran!D124": "B201", "Anggaran!D125": "B217",
                   "Anggaran!B126": "B220", "Anggaran!B30": "B215",
                   # (2024, Belanja Barang) and (2024, Belanja Pegawai) pasted again: the report's rows 120 and 119
                   # hold them already — each pair is B222 at both key cells (kunci tahun, jenis)
                   "Anggaran!B119": "B222", "Anggaran!B125": "B222", "Anggaran!B120": "B222", "Anggaran!B124": "B222"}


def test_worst_entries_in_pasted_rows_are_reported_and_shown(tmp_path):
    book = edited(tmp_path, PASTED)
    ws = openpyxl.load_workbook(book)["Anggaran"]
    assert all(ws.row_dimensions[r].hidden for r in (30, 122, 123, 124, 125, 126))  # pasted into hidden rows
    exit_code, out, text = hitung(book)
    assert exit_code == Exit.FINDINGS, text
    got = {p["lokasi"]: p["kode"] for p in out["masalah_masukan"]}
    assert got == PASTED_PROBLEMS, out["masalah_masukan"]
    for p in out["masalah_masukan"]:
        assert p["lokasi"] in p["pesan"] and ("baris" in p["pesan"]), p
    for total in ("pagu_belanja_tahun_ini", "pagu_awal_pas"):
        assert status_of(out, total)[1] is None, total
    ws = openpyxl.load_workbook(book)["Anggaran"]
    assert [r for r in (30, 122, 123, 124, 125, 126) if ws.row_dimensions[r].hidden] == [123]
    names = workbook_names(book)
    specs = [s for s in input_specs(load_rules("pk2024-sumsel")) if s.name == "anggaran_belanja"]
    rows = read_inputs(book, specs).tables["anggaran_belanja"]
    assert len(rows) == 10  # six of the report, four pasted; the empty row 123 is skipped
    assert parse_ref(names["anggaran_belanja"]).row2 == 215
    assert Package(book).sheet("Anggaran") is not None


def test_a_year_in_a_derivation_reads_as_a_year(tmp_path):
    from kinerja.engine import Tracer, evaluate

    p = tmp_path / "aturan.kin"
    p.write_text('masukan tahun_data: tahun "Tahun data"\n'
                 'nilai umur "Umur data" = 2026 - tahun_data\n', encoding="utf-8")
    res = evaluate(load_rules(p), Inputs(values={"tahun_data": Decimal(2023)}), Tracer())
    line = res.values["umur"].step.line()
    assert "2023" in line and "2.023" not in line, line


@pytest.mark.parametrize("year, code", [("2023.5", "B220"), ("203", "B214"), ("'2023'", None)])
def test_a_data_file_year_is_read_by_the_same_rule(tmp_path, year, code):
    """The same bounds for a YAML data file (tabel.anggaran_belanja[1].tahun)."""
    import json

    import yaml

    data = yaml.safe_load((ROOT / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml").read_text(encoding="utf-8"))
    data["tabel"]["anggaran_belanja"][0]["tahun"] = "@@"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace("'@@'", year)
    p = tmp_path / "data.yaml"
    p.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["hitung", "--data", str(p), "--json"], catch_exceptions=False)
    problems = [x for x in json.loads(r.stdout)["masalah_masukan"] if "anggaran_belanja" in x["pesan"]]
    if code is None:  # a data file is text: a quoted whole year reads as that year (docs/berkas-data.md)
        assert problems == [] and json.loads(r.stdout)["anggaran"]["pagu_belanja_tahun_lalu"] == 332577857000
        return
    assert [x["kode"] for x in problems] == [code], problems
    assert "tahun" in problems[0]["pesan"] and "1900–9999" in problems[0]["pesan"]
