"""kinerja templat on the bundled PK 2024 rules: every input and output has its defined name, input cells are
validated and formatted, every sheet prints and freezes, the meta and ownership record let ``kinerja hitung``
run without --aturan, LibreOffice opens what is written, and the report's data survives fill → read exactly."""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja import __version__
from kinerja.cli import Exit, main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import errors as E
from kinerja.workbooks import layout
from kinerja.workbooks.datafile import bundled_data, read_data
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.fill import fill_workbook
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs
from kinerja.workbooks.template import TABLE_ROWS, build_template, build_template_summary, sheet_title
from kinerja.workbooks.writer import read_meta, read_ownership
from libreoffice import roundtrip_xlsx, sheets_as_csv

RULES = "pk2024-sumsel"
DATA = bundled_data(RULES)  # the report's data file and its further tables (Tabel 1)
DV_TYPE = {"cacah": "whole", "rupiah": "decimal", "persen": "decimal", "indeks": "decimal", "angka": "decimal",
           "tahun": "whole"}
FORMAT = {"cacah": "#,##0", "rupiah": "#,##0", "persen": "#,##0.00", "indeks": "#,##0.00", "angka": "#,##0.00",
          "tahun": "0", "teks": "@"}


@pytest.fixture(scope="module")
def checked():
    return load_rules(RULES)


@pytest.fixture(scope="module")
def specs(checked):
    return input_specs(checked)


@pytest.fixture(scope="module")
def data(specs):
    inputs = read_data(DATA, specs)
    assert inputs.problems == []
    return inputs


@pytest.fixture(scope="module")
def built(checked, tmp_path_factory):
    path = tmp_path_factory.mktemp("templat") / "templat.xlsx"
    return build_template_summary(checked, path, rules_ref=RULES)


@pytest.fixture(scope="module")
def filled(checked, data, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("terisi") / "terisi.xlsx"
    return build_template(checked, path, rules_ref=RULES, inputs=data)


def all_outputs(rs) -> set[str]:
    objects = [("indikator", rs.indicators), ("indeks", rs.indices), ("sasaran", rs.sasaran), ("nilai", rs.values)]
    return {layout.output_name(f, ident) for kind, objs in objects for ident in objs
            for f in layout.FIELDS[kind]} | {layout.TEMUAN_COUNT}


def cell_of(wb, ref):
    return wb[ref.sheet].cell(ref.row1, ref.col1)


# --- names ---------------------------------------------------------------------------------------------------


def test_a_name_for_every_input_and_output_and_nothing_else(built, checked, specs):
    names = Package(built.path).workbook_names()
    outputs = all_outputs(checked.rules)
    # 45 budget values + 3 staff totals (Tabel 1), + the count of findings (jumlah_temuan)
    assert len(outputs) == 30 * 4 + 9 * 4 + 19 * 3 + (45 + 3) * 3 + 1
    assert {n.name for n in names.values()} == {s.name for s in specs} | outputs
    assert set(built.output_names) == outputs and sorted(built.input_names) == sorted(s.name for s in specs)
    for spec in specs:
        ref = names[spec.name.casefold()].ref()
        if spec.is_table:
            assert ref.row2 - ref.row1 >= TABLE_ROWS and ref.col2 - ref.col1 + 1 == len(spec.columns)
        else:
            assert ref.is_single, spec.name
            assert ref.sheet not in (layout.SUMMARY_SHEET, layout.AUDIT_SHEET)
    for name in outputs:
        ref = names[name.casefold()].ref()
        assert ref.is_single and ref.sheet == layout.SUMMARY_SHEET, name


def test_table_ranges_start_with_the_column_names(built, specs):
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)
    for spec in (s for s in specs if s.is_table):
        ref = names[spec.name].ref()
        header = [wb[ref.sheet].cell(ref.row1, c).value for c in range(ref.col1, ref.col2 + 1)]
        assert header == [c.name for c in spec.columns], spec.name
        data_rows = [[wb[ref.sheet].cell(r, c).value for c in range(ref.col1, ref.col2 + 1)]
                     for r in range(ref.row1 + 1, ref.row2 + 1)]
        assert all(v is None for row in data_rows for v in row)
    # the budget tables (no eselon) are on "Anggaran", the survey tables on their eselon's sheet
    assert names["anggaran_sasaran"].ref().sheet == "Anggaran"
    assert names["setjen_ikm_kanwil_survei"].ref().sheet == names["setjen_rb_kanwil_pembilang"].ref().sheet


def test_one_input_sheet_per_eselon_in_rule_order(built, checked):
    eselon_sheets = built.sheets[:len(checked.rules.eselons)]
    assert eselon_sheets[:3] == ["Setjen", "Ditjen Pemasyarakatan", "Ditjen Imigrasi"]
    assert built.sheets[-5:] == ["Anggaran", layout.SUMMARY_SHEET, layout.AUDIT_SHEET, layout.TEMUAN_SHEET,
                                 layout.FORMAT_SHEET]
    assert openpyxl.load_workbook(built.path).sheetnames == built.sheets
    assert all(len(s) <= 31 for s in built.sheets) and len({s.casefold() for s in built.sheets}) == len(built.sheets)


def test_sheet_titles_are_short_legal_and_unique():
    taken = {"ringkasan"}
    assert sheet_title("Direktorat Jenderal Peraturan Perundang-undangan", taken) == "Ditjen PP"
    assert sheet_title("Direktorat Jenderal Administrasi Hukum Umum", taken) == "Ditjen Administrasi Hukum Umum"
    assert sheet_title("Badan Strategi Kebijakan Hukum dan HAM", taken) == "BSK Hukum dan HAM"  # no "…" cut
    long = sheet_title("Lembaga Penelitian dan Pengembangan Sumber Daya", taken)
    assert long == "Lembaga Penelitian dan…"
    assert sheet_title("Ringkasan", taken) == "Ringkasan (2)"
    assert sheet_title("a/b:c*d", taken) == "a-b-c-d"
    again = sheet_title("Lembaga Penelitian dan Pengembangan Sumber Daya", taken)
    assert again != long and len(again) <= 31


# --- validation, formats, print setup ------------------------------------------------------------------------


def test_input_cells_are_validated_and_formatted_by_kind(built, specs):
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)

    def validation(sheet, coord):
        found = [dv for dv in wb[sheet].data_validations.dataValidation if coord in dv.sqref]
        assert len(found) == 1, (sheet, coord)
        return found[0]

    checked_cells = 0
    for spec in specs:
        ref = names[spec.name.casefold()].ref()
        columns = [(ref.col1, spec.kind, None)] if not spec.is_table else \
            [(ref.col1 + i, c.kind, c.choices) for i, c in enumerate(spec.columns)]
        rows = [ref.row1] if not spec.is_table else [ref.row1 + 1, ref.row2]
        for col, kind, choices in columns:
            for row in rows:
                cell = wb[ref.sheet].cell(row, col)
                assert cell.number_format == FORMAT[kind], (spec.name, kind)
                assert cell.protection.locked is False
                if choices:  # a dropdown of the values the rules know (sasaran ids, months, jenis belanja)
                    dv = validation(ref.sheet, cell.coordinate)
                    assert dv.type == "list" and dv.formula1 == '"' + ",".join(choices) + '"' and dv.error
                    continue
                if kind == "teks":
                    assert not [dv for dv in wb[ref.sheet].data_validations.dataValidation
                                if cell.coordinate in dv.sqref]
                    continue
                dv = validation(ref.sheet, cell.coordinate)
                assert dv.type == DV_TYPE[kind] and dv.showErrorMessage and dv.error and dv.prompt
                assert dv.allow_blank
                if kind in ("cacah", "rupiah"):
                    assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
                if kind == "persen":  # the engine's bounds (B214), refused at typing time too
                    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "0", "100")
                if kind == "indeks":  # 0 to the rule set's index scale
                    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "0", "4")
                if kind == "tahun":  # a year: whole, 1900–9999, shown without separators
                    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "1900", "9999")
                checked_cells += 1
    assert checked_cells > 150
    assert built.validations == sum(len(ws.data_validations.dataValidation) for ws in wb.worksheets)


def test_required_inputs_are_marked(built, specs):
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)
    for spec in (s for s in specs if not s.is_table):
        ref = names[spec.name].ref()
        label = wb[ref.sheet].cell(ref.row1, ref.col1 - 1).value
        note = wb[ref.sheet].cell(ref.row1, ref.col1 + 3).value
        assert label.endswith(" *") == spec.required and note.startswith("wajib") == spec.required
        assert wb[ref.sheet].cell(ref.row1, ref.col1 + 2).value == spec.name  # Nama masukan


def test_every_sheet_freezes_its_header_and_prints_on_a4(built):
    wb = openpyxl.load_workbook(built.path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":  # the format checks a live Hitung reads: never shown nor printed
            assert ws.title == layout.FORMAT_SHEET and ws.sheet_state == "hidden"
            continue
        assert ws.freeze_panes, ws.title
        if ws.title in (layout.AUDIT_SHEET, layout.TEMUAN_SHEET):  # recreated by every Hitung; the writer lays it out
            continue
        assert ws.print_area, ws.title
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # 9 = A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows, ws.title
        assert ws.page_setup.orientation == "landscape"


def test_ringkasan_output_cells_are_green_locked_and_formatted(built, checked):
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)
    ws = wb[layout.SUMMARY_SHEET]
    assert ws.protection.sheet
    for name in built.output_names:
        cell = cell_of(wb, names[name].ref())
        assert cell.value is None and cell.fill.fgColor.rgb == "FFE2EFDA" and cell.protection.locked
        text = name.startswith(("status_", "derivasi_")) or name == layout.TEMUAN_COUNT
        whole = name.startswith("nilai_") and checked.kinds.get(name[len("nilai_"):]) in ("rupiah", "cacah")
        assert cell.number_format == ("@" if text else "#,##0" if whole else "#,##0.00"), name
    # Tabel 4 rows: the indicator row carries its name, satuan and the target from the rules
    row = names["realisasi_setjen_rb_kanwil"].ref().row1
    assert [ws.cell(row, c).value for c in (3, 4, 5)] == ["setjen_rb_kanwil", "persen", 100]
    assert ws.cell(row, 2).value == checked.rules.indicators["setjen_rb_kanwil"].name
    sub = names["nilai_iphp_pelayanan_tahanan"].ref().row1
    assert ws.cell(sub, 2).alignment.indent > ws.cell(names["nilai_iphp"].ref().row1, 2).alignment.indent


# --- meta, ownership, determinism ----------------------------------------------------------------------------


def test_meta_and_ownership_let_hitung_run_without_aturan(built, checked):
    assert read_meta(built.path) == {layout.META_RULES: RULES, layout.META_VERSION: checked.rules.version,
                                     layout.META_ENGINE: __version__, layout.META_LAYOUT: layout.layout_key(checked),
                                     layout.META_YEAR: "2024"}  # the year `kinerja pindah` compares with
    owned = read_ownership(built.path)
    assert owned.sheets == (layout.AUDIT_SHEET, layout.TEMUAN_SHEET, layout.FORMAT_SHEET)
    assert set(owned.names) == set(built.output_names)


def test_generating_twice_gives_the_same_workbook(checked, tmp_path):
    a = build_template(checked, tmp_path / "a.xlsx", rules_ref=RULES)
    b = build_template(checked, tmp_path / "b.xlsx", rules_ref=RULES)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        differ = [n for n in za.namelist() if za.read(n) != zb.read(n)]
    assert set(differ) <= {"docProps/core.xml"}  # openpyxl's creation/modification time


def test_refuses_an_existing_file_unless_overwrite(checked, tmp_path):
    dest = tmp_path / "ada.xlsx"
    dest.write_bytes(b"milik operator")
    with pytest.raises(WorkbookError) as err:
        build_template(checked, dest, rules_ref=RULES)
    assert err.value.code == E.EXISTS and dest.read_bytes() == b"milik operator"
    build_template(checked, dest, rules_ref=RULES, overwrite=True)
    assert zipfile.is_zipfile(dest)
    assert [p.name for p in tmp_path.iterdir()] == ["ada.xlsx"]  # no temporary file left behind
    with pytest.raises(WorkbookError) as err:
        build_template(checked, tmp_path / "makro.xlsm", rules_ref=RULES)
    assert err.value.code == E.WRONG_EXTENSION


# --- fill and read back --------------------------------------------------------------------------------------


def test_filled_template_reads_back_exactly_the_data_file(filled, data, specs):
    back = read_inputs(filled, specs)
    assert set(back.values) == set(data.values)
    for name, value in data.values.items():
        assert isinstance(back.values[name], Decimal) and back.values[name] == value, name
    assert set(back.tables) == set(data.tables)
    for name, rows in data.tables.items():
        assert len(back.tables[name]) == len(rows), name
        for got, want in zip(back.tables[name], rows):
            assert got == want, name
    # the ILK UPT Imigrasi table is empty ("-" in Tabel 36): no data for its aggregates, not an input error
    assert back.problems == []


def test_fill_refuses_a_table_longer_than_its_range(built, data, specs, tmp_path):
    path = shutil.copy(built.path, tmp_path / "kecil.xlsx")
    before = Path(path).read_bytes()
    rows = [{"unit": f"UPT {i}", "responden": Decimal(1), "nilai": Decimal("3")} for i in range(TABLE_ROWS + 1)]
    inputs = type(data)(tables={"setjen_ikm_kanwil_survei": rows})
    with pytest.raises(WorkbookError) as err:
        fill_workbook(path, inputs, specs=specs)
    assert err.value.code == E.BAD_TARGET and "setjen_ikm_kanwil_survei" in err.value.message_id
    assert f"{TABLE_ROWS + 1} baris" in err.value.message_id
    assert Path(path).read_bytes() == before


def test_fill_twice_replaces_rows(built, data, specs, tmp_path):
    path = shutil.copy(built.path, tmp_path / "ulang.xlsx")
    Inputs = type(data)
    three = [{"unit": m, "responden": Decimal(5), "nilai": Decimal("3.5")} for m in ("Jan", "Feb", "Mar")]
    fill_workbook(path, Inputs(tables={"setjen_ikm_kanwil_survei": three}), specs=specs)
    fill_workbook(path, Inputs(tables={"setjen_ikm_kanwil_survei": three[:1]}), specs=specs)
    back = read_inputs(path, [s for s in specs if s.name == "setjen_ikm_kanwil_survei"])
    assert back.tables["setjen_ikm_kanwil_survei"] == three[:1]


def test_fill_without_specs_reports_unknown_names(built, data, tmp_path):
    path = shutil.copy(built.path, tmp_path / "asing.xlsx")
    with pytest.raises(WorkbookError) as err:
        fill_workbook(path, type(data)(values={"tidak_ada": Decimal(1)}))
    assert "tidak_ada" in err.value.message_id


# --- LibreOffice ---------------------------------------------------------------------------------------------


def test_libreoffice_opens_the_template(built, tmp_path):
    sheets = sheets_as_csv(built.path, tmp_path)
    assert set(sheets) == set(built.sheets)
    assert sheets["Setjen"][0][0].startswith("Perjanjian Kinerja 2024")


def test_libreoffice_opens_the_filled_workbook_and_keeps_the_names(filled, data, specs, tmp_path):
    sheets = sheets_as_csv(filled, tmp_path)
    setjen = [row for row in sheets["Setjen"] if row and row[4:5] == ["setjen_rb_kanwil_pembilang"]]
    assert setjen and setjen[0][2] == "55"
    saved = roundtrip_xlsx(filled, tmp_path)  # saved again by LibreOffice: names, values and tables survive
    back = read_inputs(saved, specs)
    assert back.values == data.values
    assert back.tables == data.tables


# --- CLI -----------------------------------------------------------------------------------------------------


def test_cli_templat_writes_once_and_refuses_to_overwrite(tmp_path):
    dest = tmp_path / "buku.xlsx"
    runner = CliRunner()
    r = runner.invoke(main, ["templat", "--keluaran", str(dest)], catch_exceptions=False)
    assert r.exit_code == Exit.OK, r.output
    assert "ditulis ke" in r.stdout and str(dest) in r.stdout and r.stdout.count("\n") == 1
    assert read_meta(dest)[layout.META_RULES] == RULES
    again = runner.invoke(main, ["template", "--aturan", RULES, "--keluaran", str(dest)], catch_exceptions=False)
    assert again.exit_code == Exit.USAGE
    assert "B119" in again.stderr and "sudah ada" in again.stderr and "--timpa" in again.stderr
    assert "Traceback" not in again.output
    fill = [a for p in DATA for a in ("--isi", str(p))]
    forced = runner.invoke(main, ["templat", "--keluaran", str(dest), "--overwrite", *fill], catch_exceptions=False)
    assert forced.exit_code == Exit.OK and "terisi" in forced.stdout


def test_cli_templat_with_bad_data_writes_nothing(tmp_path):
    bad = tmp_path / "data.yaml"
    bad.write_text("masukan:\n  setjen_rb_kanwil_pembilang: -3\n", encoding="utf-8")
    dest = tmp_path / "buku.xlsx"
    r = CliRunner().invoke(main, ["templat", "--keluaran", str(dest), "--isi", str(bad)], catch_exceptions=False)
    assert r.exit_code == Exit.FINDINGS and "B202" in r.stderr and not dest.exists()


# --- other rule sets -----------------------------------------------------------------------------------------

SMALL = """
aturan kecil "Aturan kecil"
target { rb = 90 }
masukan lepas: rupiah opsional "Masukan tanpa eselon"
tabel lebar "Tabel lebar tanpa eselon" {
  a: teks "A"
  b: persen "B"
}
eselon e "Eselon Satu" divisi "Divisi" {
  masukan x: cacah "terlaksana"
  masukan y: cacah "total"
  tabel t "Tabel enam kolom" {
    k1: teks "K1"
    k2: cacah "K2"
    k3: rupiah "K3"
    k4: persen "K4"
    k5: indeks "K5"
    k6: angka opsional "K6"
  }
  sasaran s "Sasaran" { indikator rb "RB" { satuan persen  realisasi = rasio x / y } }
}
"""


def test_ungrouped_inputs_and_wide_tables_get_their_own_sheets(tmp_path):
    (tmp_path / "aturan.kin").write_text(SMALL, encoding="utf-8")
    checked = load_rules(tmp_path / "aturan.kin")
    done = build_template_summary(checked, tmp_path / "kecil.xlsx", rules_ref=str(tmp_path / "aturan.kin"))
    assert done.sheets == ["Eselon Satu", "t", "Masukan lain", "Anggaran", "Ringkasan", "Audit", layout.TEMUAN_SHEET,
                           layout.FORMAT_SHEET]
    names = Package(done.path).workbook_names()
    assert names["lepas"].ref().sheet == "Masukan lain" and names["lebar"].ref().sheet == "Anggaran"
    assert names["t"].ref().sheet == "t" and names["x"].ref().sheet == "Eselon Satu"
    assert set(done.output_names) == {"realisasi_rb", "capaian_rb", "status_rb", "derivasi_rb",
                                      "capaian_s", "status_s", "derivasi_s", layout.TEMUAN_COUNT}


# --- the shipped sample --------------------------------------------------------------------------------------


def test_shipped_sample_is_the_filled_template(data, specs, checked):
    """workbooks/contoh-pk2024-sumsel.xlsx (python -m kinerja.workbooks.buat_contoh): regenerate it when the
    rules' inputs or the report's data change."""
    from kinerja.workbooks.buat_contoh import SAMPLE

    assert SAMPLE.is_file()
    assert read_meta(SAMPLE)[layout.META_RULES] == RULES
    assert read_meta(SAMPLE)[layout.META_VERSION] == checked.rules.version, (
        "the rules changed since the sample was built: run python -m kinerja.workbooks.buat_contoh")
    back = read_inputs(SAMPLE, specs)
    assert back.values == data.values and back.tables == data.tables
    names = Package(SAMPLE).workbook_names()
    assert all_outputs(checked.rules) <= {n.name for n in names.values()}


# --- issue 8: protection, dropdowns, named fonts -------------------------------------------------------------


def test_input_sheets_are_protected_without_password_inputs_unlocked(built):
    wb = openpyxl.load_workbook(built.path)
    for title in built.sheets:
        if title in (layout.SUMMARY_SHEET, layout.AUDIT_SHEET, layout.TEMUAN_SHEET, layout.FORMAT_SHEET):
            continue
        ws = wb[title]
        assert ws.protection.sheet and not ws.protection.password, title
        assert ws.cell(1, 1).protection.locked  # the title (and every label, name and heading) is locked


def test_reference_columns_offer_the_values_the_rules_know(built):
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)

    def dropdown(table: str, column: int) -> str:
        ref = names[table].ref()
        coord = wb[ref.sheet].cell(ref.row1 + 1, ref.col1 + column).coordinate
        (dv,) = [dv for dv in wb[ref.sheet].data_validations.dataValidation if coord in dv.sqref]
        assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
        return dv.formula1

    sasaran = dropdown("anggaran_sasaran", 0)
    assert '"setjen_s1,pas_s1,pas_s2,' in sasaran and "bsk_s1" in sasaran and "Pas_S1" not in sasaran
    assert dropdown("anggaran_belanja", 1) == '"Belanja Pegawai,Belanja Barang,Belanja Modal"'
    assert dropdown("setjen_ikm_kanwil_survei", 0).startswith('"Januari,Februari,Maret,')
    ref = names["kinerja_anggaran_satker"].ref()  # satker names are free text: no list
    coord = wb[ref.sheet].cell(ref.row1 + 1, ref.col1).coordinate
    assert not [dv for dv in wb[ref.sheet].data_validations.dataValidation if coord in dv.sqref]


def test_every_font_has_a_name(built):
    """A font without a name falls back to a serif face in LibreOffice (issue 8: the headings did)."""
    with zipfile.ZipFile(built.path) as z:
        styles = z.read("xl/styles.xml").decode()
    fonts = styles.split("<fonts", 1)[1].split("</fonts>", 1)[0].split("<font>")[1:] + \
        styles.split("<fonts", 1)[1].split("</fonts>", 1)[0].split("<font ")[1:]
    assert fonts and all("<name " in f for f in fonts), [f for f in fonts if "<name " not in f]


def test_single_inputs_are_grouped_under_what_uses_them(built):
    """Issue 8: 94 Pemasyarakatan inputs in one flat list ("Total responden" six times); now each input sits under
    its sasaran, indicator (with target and formula in words), sub-index, dimension and constituent indicator."""
    names = Package(built.path).workbook_names()
    wb = openpyxl.load_workbook(built.path)

    def headings_above(name: str) -> list[str]:
        ref = names[name].ref()
        ws = wb[ref.sheet]
        out = []
        for r in range(ref.row1 - 1, 0, -1):
            if ws.cell(r, 3).value is None and ws.cell(r, 1).value is None and isinstance(ws.cell(r, 2).value, str):
                out.append(ws.cell(r, 2).value)
            if ws.cell(r, 1).value == "No":
                break
        return out

    jasmani = headings_above("iphp_pelayanan_tahanan_pelayanan_jasmani_penyebut")
    assert jasmani[0].startswith("% Tahanan yang mendapatkan Pelayanan Jasmani: «")
    assert any(h.startswith("Dimensi Pelayanan Tahanan (bobot 50%)") for h in jasmani)
    assert any(h.startswith("Indeks pelayanan tahanan di wilayah") for h in jasmani)
    assert any("target 3,6 indeks" in h for h in jasmani)
    rb = headings_above("setjen_rb_kanwil_penyebut")
    assert rb[0].startswith("Indikator: Persentase Pelaksanaan Rencana Aksi") and "target 100 persen" in rb[0]
    assert "× 100%" in rb[0] and "«Total rencana aksi RB Kantor Wilayah»" in rb[0]
    assert rb[1].startswith("Sasaran: Meningkatnya pelaksanaan Reformasi Birokrasi")


def test_every_link_of_the_template_leads_to_a_sheet_it_has(built):
    """Ringkasan links to Temuan and Audit: before the first Hitung they lead to the placeholders saying what
    Hitung will put there (a link to a missing sheet is an error box in Excel)."""
    wb = openpyxl.load_workbook(built.path)
    links = [(ws.title, c.coordinate, c.hyperlink.location) for ws in wb.worksheets for row in ws.iter_rows()
             for c in row if c.hyperlink is not None and c.hyperlink.location]
    assert any(loc.startswith(layout.TEMUAN_SHEET + "!") for _, _, loc in links)
    for title, cell, loc in links:
        sheet = loc.rsplit("!", 1)[0].strip("'")
        assert sheet in wb.sheetnames, (title, cell, loc)
    notes = [c.value for row in wb[layout.TEMUAN_SHEET].iter_rows() for c in row if c.value]
    assert notes[0] == layout.TEMUAN_SHEET and any("Hitung" in str(n) for n in notes)
