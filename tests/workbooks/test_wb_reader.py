"""read_inputs on real files: good values come back exact, every wrong cell becomes a located problem."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine.interface import CellKey, ColumnSpec, InputSpec
from kinerja.workbooks import errors as E
from kinerja.workbooks.cellxml import excel_number
from kinerja.workbooks.reader import read_inputs, workbook_names
from kinerja.workbooks.writer import CellWrite, write_back
from wb_builders import PEMBILANG, PENYEBUT

GOOD_SPECS = [
    InputSpec("setjen_rb_kanwil_pembilang", "cacah"),
    InputSpec("setjen_rb_kanwil_penyebut", "cacah"),
    InputSpec("ahu_pnbp_tahun_ini", "rupiah"),
    InputSpec("nama_satker", "teks"),
    InputSpec("ILK_NILAI", "indeks"),
    InputSpec("survei", "tabel", columns=(
        ColumnSpec("unit", "teks"), ColumnSpec("responden", "cacah", label="Jumlah responden"),
        ColumnSpec("nilai", "indeks"))),
    InputSpec("satker_pnbp", "tabel", columns=(
        ColumnSpec("satker", "teks"), ColumnSpec("pnbp", "rupiah"), ColumnSpec("catatan", "teks", required=False))),
]


def test_good_values_are_exact_decimals_with_sources(operator_workbook):
    inputs = read_inputs(operator_workbook.path, GOOD_SPECS)
    assert inputs.problems == []
    v = inputs.values
    assert v["setjen_rb_kanwil_pembilang"] == Decimal(PEMBILANG)
    assert str(v["setjen_rb_kanwil_pembilang"]) == str(PEMBILANG)  # built from the XML text, not a float
    assert v["setjen_rb_kanwil_penyebut"] == Decimal(PENYEBUT)  # name matched case-insensitively
    assert v["ahu_pnbp_tahun_ini"] == Decimal("8219700000")
    assert v["nama_satker"] == "Kanwil Sumatera Selatan"
    assert v["ILK_NILAI"] == Decimal("3.74") and str(v["ILK_NILAI"]) == "3.74"
    assert inputs.sources["setjen_rb_kanwil_pembilang"] == "Input!C5"
    assert inputs.sources["ILK_NILAI"] == "Input!C9"
    assert inputs.origin == str(operator_workbook.path)


def test_excel_table_is_a_table_source(operator_xlsx):
    inputs = read_inputs(operator_xlsx.path, GOOD_SPECS)
    rows = inputs.tables["survei"]
    assert rows == [
        {"unit": "Januari", "responden": Decimal(8), "nilai": Decimal("2.54")},
        {"unit": "Februari", "responden": Decimal(31), "nilai": Decimal("3.74")},
        {"unit": "Maret", "responden": Decimal(12), "nilai": Decimal("3.1")},
    ]
    # header " Jumlah Responden " matched the column label, "NILAI" the name: case and spaces ignored
    assert inputs.sources[CellKey("survei", 1, "responden")] == "'Data Satker'!C4"
    assert inputs.sources["survei"] == "'Data Satker'!B2:D5"


def test_defined_name_table_skips_empty_rows(operator_xlsx):
    inputs = read_inputs(operator_xlsx.path, GOOD_SPECS)
    assert inputs.tables["satker_pnbp"] == [
        {"satker": "Lapas Palembang", "pnbp": Decimal(1200000), "catatan": "ok"},
        {"satker": "Rutan Pakjo", "pnbp": Decimal(0), "catatan": None},
    ]
    assert inputs.sources[CellKey("satker_pnbp", 1, "satker")] == "'Data Satker'!B12"  # empty row 11 skipped


def test_workbook_names_expose_output_cells(operator_xlsx):
    names = workbook_names(operator_xlsx.path)
    assert names["hasil_rb"] == "Input!E5"
    assert names["satker_pnbp"] == "'Data Satker'!B9:D14"
    assert "lokal" not in names  # sheet-scoped names are not workbook-level inputs


BAD = [  # name, kind, code, location, words the message must carry
    ("teks_di_angka", "cacah", E.WRONG_TYPE, "Input!C5", ['berisi teks "lima puluh"', "bilangan cacah", "mis. 55"]),
    ("negatif", "cacah", E.NOT_A_COUNT, "Input!C6", ["negatif -3"]),
    ("pecahan", "cacah", E.NOT_A_COUNT, "Input!C7", ["pecahan 2,5"]),  # Indonesian decimal comma, like B220
    ("kosong", "cacah", E.REQUIRED_EMPTY, "Input!C8", ["kosong"]),
    ("bagi_nol", "cacah", E.ERROR_VALUE, "Input!C9", ["#DIV/0!"]),
    ("ref_galat", "angka", E.ERROR_VALUE, "Input!C10", ["#REF!"]),
    ("gabungan", "cacah", E.NOT_ONE_CELL, "Input!C11:D11", ["gabungan", "Input!C11"]),
    ("rentang", "cacah", E.NOT_ONE_CELL, "Input!C12:C13", ["rentang"]),
    ("logika", "angka", E.WRONG_TYPE, "Input!C14", ["TRUE"]),
    ("angka_teks", "cacah", E.WRONG_TYPE, "Input!C15", ["tersimpan sebagai teks", "Convert to Number"]),
    ("rupiah_negatif", "rupiah", E.NEGATIVE_RUPIAH, "Input!C16", ["negatif -10", "rupiah"]),
    ("dalam_gabungan", "cacah", E.NOT_ONE_CELL, "Input!C19", ["C18:C19", "Input!C18"]),
    ("sheet_dihapus", "cacah", E.NAME_DELETED_SHEET, "#REF!C5", ["#REF!", "Name Manager"]),
    ("konstanta", "angka", E.NAME_NOT_A_RANGE, "0.5", ["bukan rujukan"]),
    ("tidak_ada", "cacah", E.NAME_MISSING, "salah.xlsx", ["tidak ditemukan", "Name Manager"]),
]


@pytest.mark.parametrize("name,kind,code,location,words", BAD, ids=[b[0] for b in BAD])
def test_each_bad_input_is_a_located_problem(bad_workbook, name, kind, code, location, words):
    inputs = read_inputs(bad_workbook, [InputSpec(name, kind)])
    assert len(inputs.problems) == 1, inputs.problems
    p = inputs.problems[0]
    assert (p.code, p.input, p.location) == (code, name, location)
    assert p.message.startswith(f"{location} ({name}): ")
    for w in words:
        assert w in p.message
    assert p.hint and p.hint in p.message
    assert p.message_en.startswith(f"{location} ({name}): ")
    if name == "pecahan":  # each language writes the number its way (was "pecahan 2.5" in the Indonesian one)
        assert "fraction 2.5" in p.message_en
    assert inputs.values[name] is None


def test_reader_keeps_going_and_reports_everything(bad_workbook):
    specs = [InputSpec(name, kind) for name, kind, *_ in BAD]
    inputs = read_inputs(bad_workbook, specs)
    assert [p.input for p in inputs.problems] == [b[0] for b in BAD]
    assert {p.code for p in inputs.problems} == {b[2] for b in BAD}


def test_optional_empty_cell_is_none_without_problem(bad_workbook):
    inputs = read_inputs(bad_workbook, [InputSpec("kosong", "cacah", required=False)])
    assert inputs.problems == [] and inputs.values["kosong"] is None
    assert inputs.sources["kosong"] == "Input!C8"


def test_table_problems(bad_workbook):
    spec = InputSpec("tabel_salah", "tabel", columns=(
        ColumnSpec("unit", "teks"), ColumnSpec("responden", "cacah"), ColumnSpec("nilai", "indeks")))
    empty = InputSpec("tabel_kosong", "tabel", columns=(ColumnSpec("unit", "teks"),))
    inputs = read_inputs(bad_workbook, [spec, empty])
    got = [(p.code, p.input, p.location) for p in inputs.problems]
    assert got == [
        (E.COLUMN_MISSING, "tabel_salah", "Data!A1:B1"),
        (E.WRONG_TYPE, "tabel_salah", "Data!B2"),
        (E.TABLE_EMPTY, "tabel_kosong", "Data!D1:E4"),
    ]
    assert "responden" in inputs.problems[0].message and "'Unit', 'Nilai'" in inputs.problems[0].message
    assert "tabel_salah.nilai" in inputs.problems[1].message and '"tinggi"' in inputs.problems[1].message
    assert inputs.tables["tabel_salah"][1]["nilai"] == Decimal("3.5")


def test_sheet_scoped_name_gets_a_scope_hint(operator_xlsx):
    inputs = read_inputs(operator_xlsx.path, [InputSpec("lokal", "cacah")])
    (p,) = inputs.problems
    assert p.code == E.NAME_MISSING and "cakupan (Scope) Workbook" in p.hint and "Input" in p.hint


def test_formula_without_cached_value_openpyxl(tmp_path: Path):
    """openpyxl saves formulas without results; the operator must open and save in Excel first."""
    path = tmp_path / "skrip.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Input"
    ws["C5"] = "=C6*2"
    ws["C6"] = 21
    wb.defined_names["dihitung"] = openpyxl.workbook.defined_name.DefinedName("dihitung", attr_text="Input!$C$5")
    wb.save(path)
    inputs = read_inputs(path, [InputSpec("dihitung", "cacah")])
    (p,) = inputs.problems
    assert (p.code, p.location) == (E.NO_CACHED_VALUE, "Input!C5")
    assert "dihitung" in p.message and "buka dan simpan ulang di excel" in p.message.lower()


def test_formula_written_by_kinerja_has_no_cached_value(operator_xlsx, tmp_path):
    out = write_back(operator_xlsx.path, out_path=tmp_path / "keluar.xlsx",
                     cells={"hasil_rb": CellWrite(formula="=Input!C5*2")})
    inputs = read_inputs(out, [InputSpec("hasil_rb", "angka")])
    assert inputs.problems[0].code == E.NO_CACHED_VALUE


def test_number_in_text_input_becomes_text(operator_xlsx):
    inputs = read_inputs(operator_xlsx.path, [InputSpec("setjen_rb_kanwil_pembilang", "teks")])
    assert inputs.values["setjen_rb_kanwil_pembilang"] == str(PEMBILANG)


@settings(max_examples=2000, deadline=None)
@given(digits=st.integers(min_value=1, max_value=10 ** 15 - 1), exponent=st.integers(min_value=-12, max_value=0),
       negative=st.booleans())
def test_what_excel_saves_is_read_as_what_was_typed(digits, exponent, negative):
    """Excel keeps what is typed (≤ 15 significant digits) as the nearest double and saves it with 17 digits
    (``%.17g``); reading that text gives back exactly the typed number, and the shortest round-trip text
    (``repr``, what xlwings hands over as a float) too."""
    typed = Decimal((int(negative), tuple(int(c) for c in str(digits)), exponent))
    as_double = float(typed)
    for saved in ("%.17g" % as_double, repr(as_double)):
        assert excel_number(saved) == typed, saved


def test_numbers_of_at_most_fifteen_digits_are_kept_as_saved():
    for saved in ("26943", "111.40", "0.5", "999999999999999", "1E+35", "-0.001"):
        assert str(excel_number(saved)) == str(Decimal(saved))
    assert str(excel_number("2.6943000000000001E+4")) == "26943"
    assert str(excel_number("0.30000000000000004")) == "0.3"  # =0,1+0,2 shows 0,3
