"""Issue 8, input half: every kind of bad cell in every kind of input of the PK 2024 sample workbook.

Each case edits one cell of a copy of the bundled sample (the way Excel stores what the operator typed: text
for "85%" typed into a text-formatted cell, 0,85 with a percent format for 85% typed into a number cell, an empty
cell, a number out of range, an unknown or mis-cased id) and runs `kinerja hitung BUKU.xlsx --json`. Expected:
exit 1, never `galat internal`; one problem with its B2xx code whose message names the cell and the row's label
(satker name, bulan, jenis belanja); the results that depend on the cell are `galat`, the others are computed;
the operator's input sheets are byte-identical after the write.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks.ooxml import REL_STYLES, Package
from kinerja.workbooks.reader import workbook_names
from kinerja.workbooks.refs import cell_name, parse_ref
from kinerja.workbooks.writer import read_ownership
from libreoffice import convert
from wb_builders import members

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
PCT = 9  # marker: store the number with the built-in percent format 9 (``0%``), as Excel does when "85%" is typed
DATE = 14  # marker: the built-in date format 14, as Excel does when "15/3" or "3-5" is typed (a day number)


def format_style(pkg: Package, num_fmt_id: int) -> int:
    """Append a cell format with built-in number format ``num_fmt_id`` to styles.xml; return its index."""
    part = next(r.target for r in pkg.rels(pkg.workbook_part) if r.type == REL_STYLES)
    text = pkg.text(part)
    m = re.search(r'<cellXfs count="(\d+)"', text)
    n = int(m.group(1))
    text = text.replace(m.group(0), f'<cellXfs count="{n + 1}"', 1)
    text = text.replace("</cellXfs>", f'<xf numFmtId="{num_fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
                        'applyNumberFormat="1"/></cellXfs>', 1)
    pkg.write(part, text)
    return n


def edited(tmp_path: Path, cells: dict[str, object]) -> Path:
    """A copy of the sample with ``cells`` (``Sheet!A1`` → value, or (PCT or DATE, number)) changed."""
    dest = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, dest)
    pkg = Package(dest)
    for where, value in cells.items():
        ref = parse_ref(where)
        style = None
        if isinstance(value, tuple):
            style, value = format_style(pkg, value[0]), value[1]
        pkg.set_cells(ref.sheet, {(ref.row1, ref.col1): (value, None, style)})
    pkg.save()
    return dest


def hitung(book: Path) -> tuple[int, dict, str]:
    r = CliRunner().invoke(main, ["hitung", str(book), "--json"], catch_exceptions=False)
    assert "galat internal" not in r.output and "Traceback" not in r.output, r.output
    return r.exit_code, json.loads(r.stdout), r.output


def status_of(out: dict, ident: str) -> tuple[str | None, object]:
    for group in ("indikator", "indeks", "sasaran"):
        for o in out[group]:
            if o["id"] == ident:
                return o["status"], o.get("realisasi", o.get("nilai", o.get("capaian")))
    return None, out["anggaran"].get(ident)


def _first_row(table: str, column: int) -> str:
    ref = parse_ref(_NAMES[table])
    return f"{ref.sheet}!{cell_name(ref.row1 + 1, ref.col1 + column)}"


_NAMES = workbook_names(SAMPLE)
# (cell, value, code, words in the message (cell, row label, column), a result that must be galat / no value)
SINGLE = _NAMES["setjen_rb_kanwil_pembilang"]  # Setjen!C9 (cacah)
SURVEY = _first_row("setjen_ikm_kanwil_survei", 2)  # row 1: September, nilai (indeks 0–4)
SURVEY_UNIT = _first_row("setjen_ikm_kanwil_survei", 0)
SATKER = "Anggaran!C221"  # kinerja_anggaran_satker row 1: Rupbasan Kelas II Baturaja, capaian_ro (persen)
BELANJA = "Anggaran!D116"  # anggaran_belanja row 1: 2023 Belanja Pegawai, pagu (rupiah)
SV = "setjen_ikm_kanwil_survei"
CASES = {
    "tunggal-teks-persen": (SINGLE, "85%", "B201", [SINGLE, "setjen_rb_kanwil_pembilang", "85%"],
                            "setjen_rb_kanwil"),
    "tunggal-teks": (SINGLE, "abc", "B201", [SINGLE, "abc"], "setjen_rb_kanwil"),
    "tunggal-kosong": (SINGLE, None, "B205", [SINGLE], "setjen_rb_kanwil"),
    "tunggal-format-persen": (SINGLE, (PCT, Decimal("0.55")), "B217", [SINGLE, "55%"], "setjen_rb_kanwil"),
    "tunggal-negatif": (SINGLE, -5, "B202", [SINGLE, "-5"], "setjen_rb_kanwil"),
    # "15/3" typed into a count: Excel stores the day number 45366 (15 March 2024) and shows a date
    "tunggal-format-tanggal": (SINGLE, (DATE, 45366), "B219", [SINGLE, "45366", "tanggal"], "setjen_rb_kanwil"),
    # "3/5" typed for an IKM of 3,5 becomes 3 May 2024
    "survei-format-tanggal": (SURVEY, (DATE, 45415), "B219", [SURVEY, "September", SV + ".nilai"],
                              "setjen_ikm_kanwil"),
    "survei-bulan-tanggal": (SURVEY_UNIT, (DATE, 45536), "B219", [SURVEY_UNIT, SV + ".unit"], None),
    "belanja-format-tanggal": (BELANJA, (DATE, 45366), "B219", ["Anggaran!D116", "Belanja Pegawai"],
                               "pagu_belanja_tahun_lalu"),
    "survei-teks-persen": (SURVEY, "85%", "B201", [SURVEY, "September", SV + ".nilai"], "setjen_ikm_kanwil"),
    "survei-teks": (SURVEY, "abc", "B201", [SURVEY, "September", SV + ".nilai"], "setjen_ikm_kanwil"),
    "survei-kosong": (SURVEY, None, "B205", [SURVEY, "September", SV + ".nilai"], "setjen_ikm_kanwil"),
    "survei-di-atas-skala": (SURVEY, Decimal("6.58"), "B214", [SURVEY, "September", "6,58", "0–4"],
                             "setjen_ikm_kanwil"),
    "survei-negatif": (SURVEY, Decimal("-2.5"), "B214", [SURVEY, "September"], "setjen_ikm_kanwil"),
    "survei-bulan-salah": (SURVEY_UNIT, "september", "B215", [SURVEY_UNIT, "September", SV + ".unit"], None),
    "satker-teks-persen": (SATKER, "85%", "B201", ["Anggaran!C221", "Rupbasan Kelas II Baturaja", "capaian_ro"],
                           "rata_rata_nilai_kinerja_anggaran"),
    "satker-teks": (SATKER, "abc", "B201", ["Anggaran!C221", "Rupbasan Kelas II Baturaja"],
                    "rata_rata_nilai_kinerja_anggaran"),
    "satker-kosong": (SATKER, None, "B205", ["Anggaran!C221", "Rupbasan Kelas II Baturaja"],
                      "rata_rata_nilai_kinerja_anggaran"),
    "satker-di-atas-100": (SATKER, 150, "B214", ["Anggaran!C221", "Rupbasan Kelas II Baturaja", "0–100"],
                           "rata_rata_nilai_kinerja_anggaran"),
    "satker-persen-negatif": (SATKER, -5, "B214", ["Anggaran!C221", "Rupbasan Kelas II Baturaja"],
                              "rata_rata_nilai_kinerja_anggaran"),
    "satker-id-internal": ("Anggaran!B221", "setjen_s1", "B216", ["Anggaran!B221", "setjen_s1"], None),
    "belanja-teks-persen": (BELANJA, "85%", "B201", ["Anggaran!D116", "Belanja Pegawai", "anggaran_belanja.pagu"],
                            "pagu_belanja_tahun_lalu"),
    "belanja-format-persen": (BELANJA, (PCT, Decimal("0.85")), "B217", ["Anggaran!D116", "Belanja Pegawai"],
                              "pagu_belanja_tahun_lalu"),
    "belanja-jenis-salah": ("Anggaran!C116", "Belanja pegawai", "B215", ["Anggaran!C116", "Belanja Pegawai"],
                            None),
    "sasaran-salah-huruf": ("Anggaran!B12", "Pas_S1", "B215", ["Anggaran!B12", "Pas_S1", "pas_s1"],
                            "pagu_awal_pas"),
    "sasaran-tak-dikenal": ("Anggaran!B12", "pas_s9", "B215", ["Anggaran!B12", "pas_s9"], "pagu_awal_pas"),
    # a zero-width space pasted with the id: the message used to quote "pas_s1" as unknown beside the choice
    # pas_s1 — the difference cannot be seen; now it is named
    "sasaran-karakter-tak-terlihat": ("Anggaran!B12", "pas_s1\u200b", "B215",
                                      ["Anggaran!B12", "U+200B", "tak terlihat", '"pas_s1"'], "pagu_awal_pas"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_cell_is_reported_with_cell_and_row_label(tmp_path, case):
    cell, value, code, words, dependent = CASES[case]
    book = edited(tmp_path, {cell: value})
    before = members(book)
    exit_code, out, text = hitung(book)
    assert exit_code == Exit.FINDINGS, text
    problems = [p for p in out["masalah_masukan"] if p["lokasi"] == cell]
    assert len(problems) == 1, out["masalah_masukan"]
    (p,) = problems
    assert p["kode"] == code, p
    for w in words:
        assert w in p["pesan"], (w, p["pesan"])
    assert p["saran"] and p["pesan_en"]
    assert len(out["masalah_masukan"]) == 1, out["masalah_masukan"]  # nothing else in the sample is wrong
    if dependent is not None:
        status, value_out = status_of(out, dependent)
        assert status in ("galat", None) and value_out is None, (dependent, status, value_out)
    # other indicators are computed as in the sample
    assert status_of(out, "ham_ikm")[0] == "ok" and status_of(out, "imi_layanan")[0] == "ok"
    # the operator's other input sheets are byte-identical
    pkg = Package(book)
    edited_sheet = parse_ref(cell).sheet
    owned = set(read_ownership(book).sheets) | {"Ringkasan"}  # Ringkasan: kinerja's output cells
    others = [s.part for s in pkg.sheets() if s.name not in owned | {edited_sheet} and s.part]
    assert others and all(members(book)[m] == before[m] for m in others)


def test_percent_formatted_percentage_is_read_as_the_operator_sees_it(tmp_path):
    """85% typed in Excel is stored as 0,85 with a percent format: read as 85, not 0,85 (issue: a satker's nilai
    fell from 100 to 62,82 without warning). Rupbasan Baturaja: (85×75% + 100×10% + 100×15%) × 50% = 44,38."""
    book = edited(tmp_path, {SATKER: (PCT, Decimal("0.85"))})
    _, out, _ = hitung(book)
    assert out["masalah_masukan"] == []
    row = out["anggaran"]["satker"][0]
    assert row["satker"] == "Rupbasan Kelas II Baturaja"
    assert row["capaian_ro"] == 85 and row["nilai_smart"] == 44.38 and row["nilai_kinerja_anggaran"] == 94.38


@pytest.mark.parametrize("stored", [Decimal("94.359999999999999"), (PCT, Decimal("0.94359999999999999"))],
                         ids=["angka", "persen"])
def test_number_is_read_as_the_fifteen_digits_excel_shows(tmp_path, stored):
    """Excel keeps a typed 94,36 as the nearest binary double and saves it with 17 digits (94.359999999999999; a
    typed 94,36% as 0.94359999999999999), while showing — in the cell and in the formula bar — the 15 significant
    digits it calculates with: 94,36. Read as saved, Rupbasan Baturaja's nilai_smart
    (94,36×75% + 100×10% + 100×15%) × 50% = 47,885 rounds half-up to 47,88 instead of 47,89, without a word."""
    book = edited(tmp_path, {SATKER: stored})
    _, out, _ = hitung(book)
    assert out["masalah_masukan"] == []
    row = out["anggaran"]["satker"][0]
    assert row["satker"] == "Rupbasan Kelas II Baturaja"
    assert row["capaian_ro"] == 94.36 and row["nilai_smart"] == 47.89 and row["nilai_kinerja_anggaran"] == 97.89


def test_unknown_sasaran_never_drops_its_budget_silently(tmp_path):
    """`Pas_S1` used to be dropped: the Pemasyarakatan pagu fell from 305.496.521.000 to 139.952.958.000."""
    _, good, _ = hitung(edited(tmp_path, {}))
    assert good["anggaran"]["pagu_awal_pas"] == 305496521000
    (tmp_path / "buku.xlsx").unlink()
    _, bad, _ = hitung(edited(tmp_path, {"Anggaran!B12": "Pas_S1"}))
    assert bad["anggaran"]["pagu_awal_pas"] is None  # galat, never 139.952.958.000


def test_workbook_with_bad_table_cell_opens_in_libreoffice(tmp_path):
    book = edited(tmp_path, {SATKER: "85%", BELANJA: None})
    exit_code, out, _ = hitung(book)
    assert exit_code == Exit.FINDINGS
    assert {p["lokasi"] for p in out["masalah_masukan"]} == {"Anggaran!C221", "Anggaran!D116"}
    assert convert(book, "csv", tmp_path / "lo")


@pytest.mark.parametrize("cell, example", [("Anggaran!B12", "setjen_s1"), ("Anggaran!C116", "Belanja Pegawai"),
                                           (SURVEY_UNIT, "Januari"), ("Anggaran!B221", None)],
                         ids=["sasaran", "jenis-belanja", "bulan", "satker"])
def test_empty_text_cell_suggests_what_belongs_there(tmp_path, cell, example):
    """An emptied required text cell used to suggest "mis. Januari" whatever the column: a sasaran id, a jenis
    belanja or a satker name (found by the operator9 acceptance run). A column with allowed values suggests one
    of them; a free-text column suggests no month."""
    _, out, _ = hitung(edited(tmp_path, {cell: None}))
    (p,) = [p for p in out["masalah_masukan"] if p["lokasi"] == cell]
    assert p["kode"] == "B205"
    if example is None:
        assert "Januari" not in p["saran"] and "Januari" not in p["pesan"], p
    else:
        assert f"mis. {example}" in p["saran"] and "pilihan" in p["saran"], p


@pytest.mark.parametrize("merge, cell, column, label", [
    ("C16:C17", "Setjen!C17", "setjen_ikm_kanwil_survei.responden", "Oktober"),  # optional: was dropped silently
    ("D183:D184", "'Ditjen Pemasyarakatan'!D184", "pas_ikm_upt_survei.nilai", "LPKA Kelas I Palembang"),
    ("C13:D13", "Anggaran!D13", "anggaran_sasaran.pagu_akhir", "pas_s2"),
], ids=["opsional-vertikal", "wajib-vertikal", "horizontal"])
def test_table_cell_inside_a_merged_cell_is_reported_not_read_empty(tmp_path, merge, cell, column, label):
    """Merging two table cells (an unprotected sheet, or the operator's own workbook): Excel shows the top-left
    value across both, the file stores nothing in the other. The optional responden of Oktober (31) was read
    empty without a word while the sheet showed 8 there; a required cell was "kosong" although a value showed.
    Now B211 names the merged range and the cell whose value it shows (found by the operator9 acceptance run)."""
    book = edited(tmp_path, {cell: None})  # Excel keeps only the top-left value of a merge
    pkg = Package(book)
    part = pkg.sheet(parse_ref(cell).sheet).part
    text = pkg.text(part)
    assert "</mergeCells>" in text
    pkg.write(part, text.replace("</mergeCells>", f'<mergeCell ref="{merge}"/></mergeCells>', 1))
    pkg.save()
    code, out, _ = hitung(book)
    assert code == Exit.FINDINGS
    (p,) = [p for p in out["masalah_masukan"] if p["lokasi"] == cell]
    assert p["kode"] == "B211" and merge in p["pesan"] and column in p["pesan"] and label in p["pesan"], p
    assert len(out["masalah_masukan"]) == 1, out["masalah_masukan"]


@pytest.mark.parametrize("cell, kind_words", [(SINGLE, "bilangan cacah"), ("Anggaran!B221", "teks")],
                         ids=["cacah", "satker"])
def test_iso_date_cell_is_a_date_never_text(tmp_path, cell, kind_words):
    """A cell stored as an ISO 8601 date (``t="d"``, written by some tools; Excel shows it as a date) was read as
    the text "2024-03-15": B201 "berisi teks" in a number cell, and silently the satker name "2024-03-15" in a
    text cell. It is a date: B219, as for a date-formatted day number."""
    book = edited(tmp_path, {cell: "x"})  # a text cell there, then made a date below
    pkg = Package(book)
    ref = parse_ref(cell)
    part = pkg.sheet(ref.sheet).part
    text = pkg.text(part)
    a1 = cell_name(ref.row1, ref.col1)
    new, n = re.subn(rf'<c r="{a1}"([^>]*?) t="inlineStr"><is><t>x</t></is></c>',
                     rf'<c r="{a1}"\1 t="d"><v>2024-03-15</v></c>', text)
    assert n == 1
    pkg.write(part, new)
    pkg.save()
    _, out, _ = hitung(book)
    (p,) = [p for p in out["masalah_masukan"] if p["lokasi"] == cell]
    assert p["kode"] == "B219" and "2024-03-15" in p["pesan"] and kind_words in p["pesan"], p
