"""PK 2024: every table declares its key, the report's own data has no duplicate key, and a row copied twice is
B222 naming both rows — the ILK, the Eselon's pagu, the NKA mean or the year's total it fed become galat, never
the figure with the row counted twice (measured before the keys, the same rows copied: ILK Kanwil 3,34 instead of
3,14, pagu awal PAS 471.040.084.000 instead of 305.496.521.000, NKA mean 81,30 instead of 80,89, pagu belanja 2024
487.640.731.000 instead of 352.837.680.000 — each with no word). The report figures of `kinerja contoh` are those of
tests/pk2024/harapan_laporan.yaml (test_laporan), unchanged by the keys.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.engine import load_rules
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.refs import cell_name, parse_ref

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "workbooks" / "contoh-pk2024-sumsel.xlsx"
DATA = REPO / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml"  # a byte copy of the report's data
RULES = "pk2024-sumsel"

KEYS = {"setjen_ikm_kanwil_survei": ("unit",), "pas_ikm_upt_survei": ("unit",), "imi_ikm_upt_survei": ("unit",),
        "ham_ikm_survei": ("unit",), "anggaran_sasaran": ("sasaran",), "anggaran_belanja": ("tahun", "jenis"),
        "kinerja_anggaran_satker": ("satker",), "pegawai_satker": ("satker",)}


def test_every_table_of_the_rule_set_declares_its_key():
    tables = load_rules(RULES).rules.tables
    assert {name: t.key for name, t in tables.items()} == KEYS


def test_the_report_itself_has_no_duplicate_key():
    """No row refused in the report's own data (`kinerja contoh` reads it, with angka-tercetak.yaml's Tabel 1)."""
    r = CliRunner().invoke(main, ["contoh", "--json"])
    out = json.loads(r.stdout)
    assert [p for p in out["masalah_masukan"] if p["kode"] == "B222"] == []
    assert out["anggaran"]["pagu_awal_pas"] == 305496521000


def run(args: list[str]) -> dict:
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Traceback" not in r.output and "galat internal" not in r.output, r.output
    assert r.exit_code == 1, r.output
    return json.loads(r.stdout)


def b222(out: dict) -> list[str]:
    return [p["lokasi"] for p in out["masalah_masukan"] if p["kode"] == "B222"]


def realisasi(out: dict, ident: str):
    return next(i["realisasi"] for i in out["indikator"] if i["id"] == ident)


# ---- the data file (YAML): a row copied -------------------------------------------------------------------
# a row copied in each table (0-based data row), and what must follow: the figures it feeds are galat, the others
# are computed (the sample workbook also checks that ham_ikm's own survey table is untouched by setjen's copy)
COPIED_ROWS = [
    ("setjen_ikm_kanwil_survei", 1, lambda o: realisasi(o, "setjen_ikm_kanwil") is None),
    ("anggaran_sasaran", 1, lambda o: o["anggaran"]["pagu_awal_pas"] is None
     and o["anggaran"]["pagu_awal_setjen"] == 20390985000),
    ("kinerja_anggaran_satker", 5, lambda o: o["anggaran"]["rata_rata_nilai_kinerja_anggaran"] is None),
    ("anggaran_belanja", 3, lambda o: o["anggaran"]["pagu_belanja_tahun_ini"] is None
     and o["anggaran"]["pagu_belanja_tahun_lalu"] == 332577857000),
]
ALSO_IN_THE_SAMPLE = {"setjen_ikm_kanwil_survei": lambda o: realisasi(o, "ham_ikm") == 3.96}


@pytest.mark.parametrize("table,row,check", COPIED_ROWS)
def test_a_copied_row_in_the_data_file_is_B222_and_its_figures_galat(tmp_path, table, row, check):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    rows = data["tabel"][table]
    rows.append(dict(rows[row]))
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = run(["hitung", "--aturan", RULES, "--data", str(path), "--json"])
    assert b222(out) == [f"data.yaml: tabel.{table}[{row + 1}] (laporan baris {rows[row]['baris']}).{KEYS[table][0]}",
                         f"data.yaml: tabel.{table}[{len(rows)}] (laporan baris {rows[row]['baris']}).{KEYS[table][0]}"]
    assert check(out)


# ---- the operator's workbook (the bundled sample) ---------------------------------------------------------
def with_copied_row(tmp_path: Path, table: str, row: int) -> tuple[Path, str, str]:
    """The sample with data row ``row`` (0-based) of ``table`` typed again into the table's first empty row;
    returns the book and the key cells of the original row and of the copy."""
    book = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, book)
    wb = openpyxl.load_workbook(book)
    sheet, ref = next(iter(wb.defined_names[table].destinations))
    area = parse_ref(f"'{sheet}'!{ref.replace('$', '')}")  # 1-based; its first row holds the column names
    ws = wb[sheet]
    first = area.row1 + 1
    values = [ws.cell(first + row, c).value for c in range(area.col1, area.col2 + 1)]
    empty = next(r for r in range(first, area.row2 + 1) if ws.cell(r, area.col1).value in (None, ""))
    wb.close()
    pkg = Package(book)
    pkg.set_cells(sheet, {(empty, area.col1 + j): (v, None, None) for j, v in enumerate(values) if v is not None})
    pkg.save()
    shown = f"'{sheet}'" if " " in sheet else sheet
    return book, f"{shown}!{cell_name(first + row, area.col1)}", f"{shown}!{cell_name(empty, area.col1)}"


@pytest.mark.parametrize("table,row,check", COPIED_ROWS)
def test_a_copied_row_in_the_sample_workbook_is_B222_naming_both_cells(tmp_path, table, row, check):
    book, original, copy = with_copied_row(tmp_path, table, row)
    dest = tmp_path / "hasil.xlsx"
    out = run(["hitung", str(book), "--keluaran", str(dest), "--json"])
    assert b222(out) == [original, copy]
    message = next(p["pesan"] for p in out["masalah_masukan"] if p["lokasi"] == original)
    assert "baris ganda" in message and f"({copy})" in message and "Hapus salah satu baris" in message
    assert check(out) and ALSO_IN_THE_SAMPLE.get(table, lambda o: True)(out)
    assert dest.exists()
