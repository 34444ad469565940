"""write_back on real operator workbooks: what kinerja does not own comes back byte for byte, what it writes
opens in openpyxl and in LibreOffice, and LibreOffice computes kinerja's check formulas."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.engine.errors import KinerjaError
from kinerja.workbooks import errors as E
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.writer import CellWrite, read_meta, read_ownership, write_back
from libreoffice import roundtrip_xlsx, sheets_as_csv
from wb_builders import CHECK, PEMBILANG, PENYEBUT, members

H = CellWrite


def hasil_rows() -> list[list[CellWrite | None]]:
    return [
        [H("Indikator", style="header"), H("Realisasi", style="header"), H("Cek", style="header")],
        [H("Persentase rencana aksi RB"), H(Decimal("93.88"), style="number2"),
         H(formula="=ROUND(Input!C5/Input!C6*100,2)", style="number2")],
        [H("Catatan"), None, H("baris 3 & <teks> \"khusus\"", style="wrap")],
    ]


ARGS = dict(
    cells={"hasil_rb": H(Decimal("93.88"), style="number2"), "Input!E6": H("sesuai"), "Input!E7": H(True)},
    owned_sheets={"Hasil": hasil_rows(), "Audit": [[H("langkah", style="header")], [H("26943 / 28699 × 100")]]},
    owned_names={"hasil_rb_cek": "Hasil!$C$2", "audit_awal": "Audit!$A$2"},
    meta={"waktu": "2024-12-31T10:00:00+07:00", "aturan": "pk2024_sumsel"},
)

# Members kinerja edits (plus the parts it creates). Everything else must be byte-identical.
EDITED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
          "docProps/custom.xml", "_rels/.rels", "xl/worksheets/sheet1.xml"}


def cell_element(sheet_xml: str, ref: str) -> str:
    m = re.search(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', sheet_xml)
    return m.group(0) if m else ""


def test_write_back_keeps_everything_it_does_not_own(operator_workbook, tmp_path):
    src = operator_workbook.path
    before = members(src)
    before_infos = {i.filename: i for i in zipfile.ZipFile(src).infolist()}
    out = write_back(src, out_path=tmp_path / ("hasil" + src.suffix), **ARGS)
    after = members(out)

    # every member kinerja does not own: identical bytes and metadata, same order
    for name, data in before.items():
        if name not in EDITED:
            assert after[name] == data, name
    infos = {i.filename: i for i in zipfile.ZipFile(out).infolist()}
    for name, info in before_infos.items():
        if name not in EDITED:
            got = infos[name]
            assert (got.date_time, got.compress_type, got.external_attr) == \
                (info.date_time, info.compress_type, info.external_attr), name
    assert list(after)[: len(before)] == list(before)  # originals first, in order; new parts after
    new = set(after) - set(before)
    assert new == {"xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml"}  # Hasil, Audit (custom.xml existed)

    # input cells: same value, formula and style attributes
    old_sheet, new_sheet = before["xl/worksheets/sheet1.xml"].decode(), after["xl/worksheets/sheet1.xml"].decode()
    for ref in ("B4", "B5", "C5", "C6", "C7", "C8", "C9", "B12"):
        assert cell_element(new_sheet, ref) == cell_element(old_sheet, ref) != "", ref
    # outside <sheetData> only the dimension may change
    assert new_sheet.split("</sheetData>")[1] == old_sheet.split("</sheetData>")[1]
    assert new_sheet.split("<dimension")[0] == old_sheet.split("<dimension")[0]
    # output cells: E5 asked for kinerja's number2 format; E6 asked for none, so it keeps none
    assert re.fullmatch(r'<c r="E5" s="\d+"><v>93.88</v></c>', cell_element(new_sheet, "E5"))
    assert cell_element(new_sheet, "E6") == '<c r="E6" t="inlineStr"><is><t>sesuai</t></is></c>'

    # the button still runs its macro; the VBA project is untouched
    vml = after["xl/drawings/vmlDrawing1.vml"].decode()
    assert f"<x:FmlaMacro>[0]!{operator_workbook.macro}</x:FmlaMacro>" in vml
    if src.suffix == ".xlsm":
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]

    # workbook.xml: only the new <sheet>s and <definedName>s were added (calcPr already asked for full calc)
    wb_old, wb_new = before["xl/workbook.xml"].decode(), after["xl/workbook.xml"].decode()
    stripped = re.sub(r'<sheet name="(Hasil|Audit)"[^>]*/>', "", wb_new)
    stripped = re.sub(r'<definedName name="(hasil_rb_cek|audit_awal)">[^<]*</definedName>', "", stripped)
    assert stripped == wb_old
    assert 'fullCalcOnLoad="1"' in wb_new

    # openpyxl loads it
    wb = openpyxl.load_workbook(out, keep_vba=src.suffix == ".xlsm")
    assert wb.sheetnames == ["Input", "Data Satker", "Rumus", "Hasil", "Audit"]
    assert wb["Input"]["C5"].value == PEMBILANG and wb["Input"]["E5"].value == 93.88
    assert wb["Input"]["E6"].value == "sesuai" and wb["Input"]["E7"].value is True
    assert wb["Hasil"]["C2"].value == "=ROUND(Input!C5/Input!C6*100,2)"
    assert wb["Hasil"]["A1"].font.b and wb["Hasil"]["B2"].number_format == "#,##0.00"
    assert wb["Hasil"]["C3"].value == 'baris 3 & <teks> "khusus"'
    assert "hasil_rb_cek" in wb.defined_names and "setjen_rb_kanwil_pembilang" in wb.defined_names

    # LibreOffice opens it and recalculates the check formula
    csv = sheets_as_csv(out, tmp_path)
    assert csv["Hasil"][1] == ["Persentase rencana aksi RB", "93.88", CHECK]
    assert csv["Input"][4][2] == str(PEMBILANG) and csv["Input"][5][2] == str(PENYEBUT)
    assert csv["Input"][4][4] == "93.88" and csv["Input"][5][4] == "sesuai"
    assert csv["Audit"][1] == ["26943 / 28699 × 100"]
    assert csv["Rumus"][0][0] == str(PEMBILANG + PENYEBUT)


def test_in_place_by_default_and_rerun_is_identical(operator_xlsm, tmp_path):
    path = operator_xlsm.path
    copy = tmp_path / "salinan.xlsm"
    shutil.copy2(path, copy)
    assert write_back(path, **ARGS) == path
    first = path.read_bytes()
    write_back(copy, **ARGS)
    assert copy.read_bytes() == first  # deterministic
    write_back(path, **ARGS)
    assert path.read_bytes() == first  # re-running on its own output changes nothing
    assert Package(path).sheets()[-1].name == "Audit" and len(Package(path).sheets()) == 5

    # a new run with other results replaces only the owned parts
    rows = hasil_rows()
    rows[1][1] = H(Decimal("50"), style="number2")
    write_back(path, **{**ARGS, "owned_sheets": {"Hasil": rows}, "meta": {"waktu": "2025-01-01"}})
    changed = {n for n, d in members(path).items() if members_at(first).get(n) != d}
    assert changed == {"xl/worksheets/sheet4.xml", "docProps/custom.xml"}
    assert read_meta(path) == {"waktu": "2025-01-01"}
    assert sheets_as_csv(path, tmp_path)["Hasil"][1][1] == "50"


def members_at(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_meta_round_trip_keeps_operator_properties(operator_xlsx, tmp_path):
    long = "aturan " * 100  # longer than Excel's 255-character property limit
    meta = {"waktu": "2024-12-31T10:00:00", "sidik": long, "catatan": "Kanwil «Sumsel» & <UPT>"}
    out = write_back(operator_xlsx.path, out_path=tmp_path / "m.xlsx", meta=meta)
    assert read_meta(out) == meta
    props = Package(out).custom_properties()
    assert props["Penyusun"] == "Operator Divisi Administrasi"
    assert all(len(v) <= 255 for v in props.values())
    assert read_ownership(out).sheets == ()
    write_back(out, cells={"Input!E6": H("x")})
    assert read_meta(out) == meta  # no meta given: kept
    write_back(out, meta={"waktu": "2025"})
    assert read_meta(out) == {"waktu": "2025"}  # meta is replaced as a whole
    assert Package(out).custom_properties()["Penyusun"] == "Operator Divisi Administrasi"
    sheets_as_csv(out, tmp_path)


def test_refuses_to_replace_operator_sheet_or_name(operator_xlsx, tmp_path):
    path = operator_xlsx.path
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as exc:
        write_back(path, owned_sheets={"rumus": [[H("x")]]})
    assert exc.value.code == E.NOT_OWNED and "rumus" in exc.value.location
    with pytest.raises(WorkbookError) as exc:
        write_back(path, owned_names={"HASIL_RB": "Input!$E$5"})
    assert exc.value.code == E.NOT_OWNED
    assert path.read_bytes() == before
    # a template may hand a sheet over explicitly
    write_back(path, owned_sheets={"Rumus": [[H("diambil alih")]]}, adopt=["Rumus"])
    assert read_ownership(path).sheets == ("Rumus",)
    write_back(path, owned_sheets={"Rumus": [[H("lagi")]]})  # now kinerja's, no adopt needed
    assert sheets_as_csv(path, tmp_path)["Rumus"] == [["lagi"]]


@pytest.mark.parametrize("key,code", [
    ("tidak_ada", E.BAD_TARGET),
    ("Hilang!A1", E.SHEET_NOT_FOUND),
    ("satker_pnbp", E.BAD_TARGET),  # a range
    ("Input!A1:B2", E.BAD_TARGET),
    ("Hasil!A1", E.BAD_TARGET),  # inside a sheet this call recreates
])
def test_bad_write_targets_change_nothing(operator_xlsx, key, code):
    path = operator_xlsx.path
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as exc:
        write_back(path, cells={key: H(1)}, owned_sheets={"Hasil": [[H("x")]]})
    assert exc.value.code == code and key in exc.value.location
    assert exc.value.message_id and exc.value.message_en and exc.value.hint_id
    assert path.read_bytes() == before
    assert isinstance(exc.value, KinerjaError)


def test_merged_output_cell_writes_its_top_left(operator_xlsx, tmp_path):
    pkg = Package(operator_xlsx.path)
    pkg.set_defined_names({"catatan_hasil": "Input!$B$12:$C$12"})
    pkg.save()
    out = write_back(operator_xlsx.path, out_path=tmp_path / "g.xlsx", cells={"catatan_hasil": H("ditulis")})
    assert openpyxl.load_workbook(out)["Input"]["B12"].value == "ditulis"
    assert sheets_as_csv(out, tmp_path)["Input"][11][1] == "ditulis"


def test_refuses_overwriting_a_shared_formula_master(operator_xlsx):
    pkg = Package(operator_xlsx.path)
    part = pkg.sheet("Rumus").part
    text = pkg.text(part).replace('<c r="A1"><f>Input!C5+Input!C6</f>',
                                  '<c r="A1"><f t="shared" ref="A1:A2" si="0">Input!C5+Input!C6</f>')
    pkg.write(part, text)
    pkg.save()
    with pytest.raises(WorkbookError) as exc:
        write_back(operator_xlsx.path, cells={"Rumus!A1": H(1)})
    assert exc.value.code == E.BAD_TARGET and "Rumus!A1" in exc.value.location


def test_macro_workbook_cannot_become_xlsx(operator_xlsm, tmp_path):
    with pytest.raises(WorkbookError) as exc:
        write_back(operator_xlsm.path, out_path=tmp_path / "hasil.xlsx", meta={"a": "b"})
    assert exc.value.code == E.WRONG_EXTENSION
    assert not (tmp_path / "hasil.xlsx").exists()


def test_calc_chain_is_dropped_with_its_references(operator_xlsx, tmp_path):
    pkg = Package(operator_xlsx.path)
    pkg.write("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<calcChain xmlns='
              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="A1" i="3"/></calcChain>')
    pkg.add_rel(pkg.workbook_part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain",
                "xl/calcChain.xml")
    pkg.add_override("xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    pkg.save()
    out = write_back(operator_xlsx.path, out_path=tmp_path / "c.xlsx", cells={"Rumus!A1": H(5)})
    m = members(out)
    assert "xl/calcChain.xml" not in m
    assert b"calcChain" not in m["xl/_rels/workbook.xml.rels"] and b"calcChain" not in m["[Content_Types].xml"]
    assert sheets_as_csv(out, tmp_path)["Rumus"][0] == ["5"]


def test_cells_are_inserted_in_row_and_column_order(operator_xlsx, tmp_path):
    cells = {"Input!A1": H("awal"), "Input!Z5": H(1), "Input!A5": H(2), "Input!D11": H(3), "Input!B200": H(4),
             "'Data Satker'!F3": H("ok")}
    out = write_back(operator_xlsx.path, out_path=tmp_path / "o.xlsx", cells=cells)
    ws = openpyxl.load_workbook(out)["Input"]
    assert [ws["A1"].value, ws["Z5"].value, ws["A5"].value, ws["D11"].value, ws["B200"].value] == ["awal", 1, 2, 3, 4]
    assert ws["C5"].value == PEMBILANG
    xml = members(out)["xl/worksheets/sheet1.xml"].decode()
    rows = [int(r) for r in re.findall(r'<row r="(\d+)"', xml)]
    assert rows == sorted(rows)
    row5 = re.search(r'<row r="5".*?</row>', xml).group(0)
    assert re.findall(r'<c r="([A-Z]+)5"', row5) == ["A", "B", "C", "E", "Z"]
    assert 'spans="1:26"' in row5 and '<dimension ref="A1:Z200"/>' in xml
    csv = sheets_as_csv(out, tmp_path)
    assert csv["Input"][0][0] == "awal" and csv["Input"][4][25] == "1" and csv["Input"][199][1] == "4"
    assert csv["Data Satker"][2][5] == "ok"


def test_styles_are_appended_never_shifted(operator_xlsx, tmp_path):
    old = members(operator_xlsx.path)["xl/styles.xml"].decode()
    out = write_back(operator_xlsx.path, out_path=tmp_path / "s.xlsx", owned_sheets={"Hasil": hasil_rows()})
    new = members(out)["xl/styles.xml"].decode()
    for block in ("fonts", "fills", "cellXfs"):
        old_items = re.search(rf"<{block} [^>]*>(.*)</{block}>", old).group(1)
        new_items = re.search(rf"<{block} [^>]*>(.*)</{block}>", new).group(1)
        assert new_items.startswith(old_items), block
    assert new.split("</cellXfs>")[1] == old.split("</cellXfs>")[1]  # dxfs, cellStyles… untouched


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NUMBER = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, number=NUMBER)
def test_written_values_read_back_exactly(operator_xlsx, text, number):
    with tempfile.TemporaryDirectory() as d:
        out = write_back(operator_xlsx.path, out_path=Path(d) / "h.xlsx",
                         cells={"Input!E6": H(text), "Input!E7": H(number)})
        cells = Package(out).cells("Input")
        got_text, got_number = cells.get(6, 5), cells.get(7, 5)
        assert got_text.kind == "text" and got_text.text == text
        assert got_number.kind == "number" and Decimal(got_number.text) == number


def test_overwriting_keeps_the_cell_format_unless_told(operator_xlsx, tmp_path):
    old = members(operator_xlsx.path)["xl/worksheets/sheet1.xml"].decode()
    s = re.search(r'<c r="E5" s="(\d+)"/>', old).group(1)  # the template's output format
    out = write_back(operator_xlsx.path, out_path=tmp_path / "k.xlsx", cells={"hasil_rb": H(Decimal("93.88"))})
    assert cell_element(members(out)["xl/worksheets/sheet1.xml"].decode(), "E5") == \
        f'<c r="E5" s="{s}"><v>93.88</v></c>'
    assert openpyxl.load_workbook(out)["Input"]["E5"].number_format == "0.00"
    assert sheets_as_csv(out, tmp_path)["Input"][4][4] == "93.88"


def test_workbook_saved_by_libreoffice(operator_xlsx, tmp_path):
    """Another producer's conventions (hidden="false", no spans, its own styles): read and write back too."""
    from kinerja.engine.interface import InputSpec
    from kinerja.workbooks.reader import read_inputs

    saved = roundtrip_xlsx(operator_xlsx.path, tmp_path)
    inputs = read_inputs(saved, [InputSpec("setjen_rb_kanwil_pembilang", "cacah"), InputSpec("nama_satker", "teks")])
    assert inputs.problems == [] and inputs.values["setjen_rb_kanwil_pembilang"] == Decimal(PEMBILANG)
    before = members(saved)
    out = write_back(saved, out_path=tmp_path / "lo-hasil.xlsx", **ARGS)
    after = members(out)
    assert all(after[n] == d for n, d in before.items() if n not in EDITED)
    csv = sheets_as_csv(out, tmp_path)
    assert csv["Hasil"][1][2] == CHECK and csv["Input"][4][4] == "93.88"


def test_workbook_saved_by_excel(tmp_path):
    """xlwings' template was saved by Excel itself: mc:Ignorable, x14ac, <definedNames />, <sheetData />."""
    import os

    import xlwings

    src = tmp_path / "excel.xlsm"
    shutil.copy(Path(os.path.dirname(xlwings.__file__)) / "quickstart_standalone.xlsm", src)
    before = members(src)
    out = write_back(src, out_path=tmp_path / "excel-hasil.xlsm",
                     cells={"Sheet1!B2": H(Decimal("4")), "Sheet1!C2": H(formula="=B2*2")},
                     owned_sheets={"Hasil": [[H("Cek", style="header")], [H(formula="=ROUND(Sheet1!B2/8*100,2)")]]},
                     owned_names={"hasil_cek": "Hasil!$A$2"})
    after = members(out)
    edited = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
              "xl/worksheets/sheet1.xml", "_rels/.rels"}
    assert all(after[n] == d for n, d in before.items() if n not in edited)
    assert '<definedNames><definedName name="hasil_cek">Hasil!$A$2</definedName></definedNames>' in \
        after["xl/workbook.xml"].decode()
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb.sheetnames == ["Sheet1", "_xlwings.conf", "Hasil"] and wb["Sheet1"]["B2"].value == 4
    csv = sheets_as_csv(out, tmp_path)
    assert csv["Sheet1"][1][1:3] == ["4", "8"] and csv["Hasil"] == [["Cek"], ["50"]]
