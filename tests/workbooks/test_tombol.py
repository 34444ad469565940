"""The Hitung button: the VBA project (read back with oletools), the button drawings, lossless pasang-tombol, and
LibreOffice opening every .xlsm written. Excel itself (clicking the button) cannot run on Linux: what the click
does is tested in test_live.py through xlwings' real Book API."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.workbooks import layout, vba
from kinerja.workbooks.errors import EXISTS, WRONG_EXTENSION, WorkbookError
from kinerja.workbooks.tombol import STATUS_PREFIX, VBA_EXISTS, pasang_tombol, rules_from_status
from kinerja.workbooks.writer import read_meta
from libreoffice import convert, roundtrip_xlsx, sheets_as_csv
from oletools.olevba import VBA_Parser, decompress_stream
from wb_builders import members

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def macros(path: Path) -> dict[str, str]:
    """Module name → VBA source, as oletools reads it from xl/vbaProject.bin."""
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def buttons(path: Path) -> dict[str, list[str]]:
    """Sheet name → the macros of the form buttons captioned Hitung on it (from the VML drawings)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        rels = {r.get("Id"): r.get("Target") for r in
                ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).findall("p:Relationship", ns)}
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iterfind(".//m:sheet", ns):
            target = rels[sheet.get(rid_attr)]
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            rel_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
            if rel_name not in z.namelist():
                continue
            for r in ET.fromstring(z.read(rel_name)).findall("p:Relationship", ns):
                if not r.get("Type").endswith("/vmlDrawing"):
                    continue
                vml = z.read(posixpath.normpath(posixpath.join(posixpath.dirname(part), r.get("Target")))).decode()
                for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
                    if 'ObjectType="Button"' in shape and ">Hitung<" in re.sub(r"</?b>", "", shape):
                        out.setdefault(sheet.get("name"), []).append(
                            re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape).group(1))
    return out


def content_type(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        ct = z.read("[Content_Types].xml").decode()
    return re.search(rf'PartName="/{re.escape(part)}" ContentType="([^"]+)"', ct).group(1)


# --- the VBA project ----------------------------------------------------------------------------------------


def test_vba_project_has_the_hitung_macro_calling_the_fixed_entry_point(tmp_path):
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(vba.vba_project())
    code = macros(path)
    assert "Sub Hitung()\r\nApplication.CalculateFull\r\nRunPython" in code["Module1.bas"]  # format checks current
    assert f'RunPython "{vba.ENTRY}"' in code["Module1.bas"]
    assert "SampleCall" not in code["Module1.bas"]
    assert "Function RunPython" in code["xlwings.bas"] or "Sub RunPython" in code["xlwings.bas"]
    # the entry point exists and is what the macro imports
    assert vba.ENTRY == "import kinerja.workbooks.live as l;l.hitung_caller()"


@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 64, 170, 500])
def test_compressed_container_has_exact_size_and_decompresses_to_the_source(n):
    """Every size from the smallest literal-only container + 8 up (below that a few sizes are unreachable),
    read back by our decompressor and by oletools'."""
    source = bytes((65 + i % 26) for i in range(n))
    smallest = 3 + n + (n + 7) // 8
    for size in range(smallest + 8, smallest + 40):
        blob = vba.compress_to(source, size)
        assert len(blob) == size
        text = vba.decompress(blob)
        assert text.startswith(source)
        assert text[len(source):].strip(b" '\r\n") == b""
        assert bytes(decompress_stream(bytearray(blob))) == text


def test_compressed_container_too_small_is_refused():
    with pytest.raises(vba.VbaError):
        vba.compress_to(b"x" * 100, 50)


# --- kinerja templat … .xlsm ----------------------------------------------------------------------------------


def test_templat_xlsm_has_a_hitung_button_on_each_input_sheet_and_ringkasan(tmp_path):
    dest = tmp_path / "templat-pk2024.xlsm"
    res = CliRunner().invoke(main, ["templat", "--keluaran", str(dest)])
    assert res.exit_code == 0, res.output
    assert content_type(dest, "xl/workbook.xml") == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert content_type(dest, "xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"
    code = macros(dest)
    assert f'RunPython "{vba.ENTRY}"' in code["Module1.bas"]
    wb = openpyxl.load_workbook(dest)
    want = [s for s in wb.sheetnames if s not in ("Audit", "Temuan", layout.FORMAT_SHEET)]
    assert "Ringkasan" in want and len(want) >= 3
    assert buttons(dest) == {s: ["[0]!Hitung"] for s in want}
    # status cells next to the buttons, recording the rule set
    statuses = [c.value for s in want for row in wb[s].iter_rows(max_row=3) for c in row
                if isinstance(c.value, str) and c.value.startswith(STATUS_PREFIX)]
    assert len(statuses) == len(want)
    assert {rules_from_status(s) for s in statuses} == {"pk2024-sumsel"}
    assert read_meta(dest)["aturan"] == "pk2024-sumsel"
    # LibreOffice opens it (every sheet, status text included)
    sheets = sheets_as_csv(dest, tmp_path)
    assert any(STATUS_PREFIX in cell for row in sheets["Ringkasan"][:3] for cell in row)
    # LibreOffice as an independent reader of the VBA project and of the button → macro binding
    ods = convert(dest, "ods", tmp_path / "ods")[0]
    with zipfile.ZipFile(ods) as z:
        module = z.read("Basic/VBAProject/Module1.xml").decode()
        content = z.read("content.xml").decode()
    assert "Sub Hitung()" in module and "RunPython &quot;import kinerja.workbooks.live as l;" in module
    assert content.count('form:label="Hitung"') == len(want)
    assert content.count("vnd.sun.star.script:VBAProject.Module1.Hitung?") == len(want)


def test_templat_xlsm_refuses_existing_file(tmp_path):
    dest = tmp_path / "t.xlsm"
    dest.write_bytes(b"punya operator")
    res = CliRunner().invoke(main, ["templat", "--keluaran", str(dest)])
    assert res.exit_code == 2
    assert EXISTS in res.output
    assert dest.read_bytes() == b"punya operator"


# --- kinerja pasang-tombol ------------------------------------------------------------------------------------


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> tuple[set[str], set[str]]:
    changed = {n for n in before if after.get(n) != before[n]}
    added = set(after) - set(before)
    return changed, added


def test_pasang_tombol_sample_is_lossless(tmp_path):
    src = tmp_path / "contoh-pk2024-sumsel.xlsx"
    src.write_bytes(SAMPLE.read_bytes())
    dest = tmp_path / "contoh-pk2024-sumsel.xlsm"
    res = CliRunner().invoke(main, ["pasang-tombol", str(src), "--keluaran", str(dest)])
    assert res.exit_code == 0, res.output
    assert src.read_bytes() == SAMPLE.read_bytes()  # the source is never touched
    before, after = members(src), members(dest)
    changed, added = _changed(before, after)
    sheet_parts = {n for n in changed if n.startswith("xl/worksheets/sheet")}
    assert changed - sheet_parts == {"[Content_Types].xml", "xl/_rels/workbook.xml.rels"}
    assert added == ({"xl/vbaProject.bin"} | {f"xl/drawings/vmlDrawing{i}.vml" for i in range(1, len(sheet_parts) + 1)}
                     | {p.replace("worksheets/", "worksheets/_rels/") + ".rels" for p in sheet_parts})
    # the sheets changed only by the drawing reference and the status cell
    for part in sheet_parts:
        old, new = before[part].decode(), after[part].decode()
        new = re.sub(r"<legacyDrawing [^>]*/>", "", new)
        new = re.sub(r'<c r="[A-Z]+3" t="inlineStr"><is><t>Status Hitung:[^<]*</t></is></c>', "", new)
        old = re.sub(r'<dimension ref="[^"]*"\s*/>', "", old)
        new = re.sub(r'<dimension ref="[^"]*"\s*/>', "", new)
        new = new.replace('<row r="3"></row>', "")
        assert new == old or new.replace('<row r="3"/>', "") == old, part
    wb_old, wb_new = openpyxl.load_workbook(src), openpyxl.load_workbook(dest)
    assert wb_old.sheetnames == wb_new.sheetnames
    assert wb_old.defined_names.keys() == wb_new.defined_names.keys()
    for s in wb_old.sheetnames:
        old_vals = {c.coordinate: c.value for row in wb_old[s].iter_rows() for c in row if c.value is not None}
        new_vals = {c.coordinate: c.value for row in wb_new[s].iter_rows() for c in row if c.value is not None}
        extra = {k: v for k, v in new_vals.items() if k not in old_vals}
        assert {k: v for k, v in new_vals.items() if k in old_vals} == old_vals
        assert all(v.startswith(STATUS_PREFIX) for v in extra.values()) and len(extra) <= 1
    assert read_meta(dest) == read_meta(src)
    assert set(buttons(dest)) == {s for s in wb_old.sheetnames if s not in ("Audit", "Temuan", layout.FORMAT_SHEET)}
    roundtrip_xlsx(dest, tmp_path)


def test_pasang_tombol_keeps_the_operators_comment_button_chart_and_image(operator_xlsx, tmp_path):
    src = operator_xlsx.path
    dest = tmp_path / "divisi.xlsm"
    placed = pasang_tombol(src, dest, sheets=["Input"])
    assert [p.sheet for p in placed] == ["Input"]
    before, after = members(src), members(dest)
    changed, added = _changed(before, after)
    vml = placed[0].vml_part
    # Input already had legacy shapes (a comment and the operator's own button): ours is appended to that VML
    assert changed == {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", vml}
    assert added == {"xl/vbaProject.bin"}
    old_vml, new_vml = before[vml].decode(), after[vml].decode()
    assert new_vml.startswith(old_vml[:old_vml.rindex("</xml>")])
    assert "Isi jumlah rencana aksi" in new_vml or "x:ClientData ObjectType=\"Note\"" in new_vml
    assert buttons(dest)["Input"] == ["[0]!Hitung", "[0]!Hitung"]
    assert len(set(re.findall(r'id="(_x0000_s\d+)"', new_vml))) == len(re.findall(r'id="(_x0000_s\d+)"', new_vml))
    wb = openpyxl.load_workbook(dest)
    assert wb["Input"]["C5"].comment is not None
    roundtrip_xlsx(dest, tmp_path)


def test_pasang_tombol_refuses_xlsx_output_and_existing_vba(operator_xlsx, operator_xlsm, tmp_path):
    with pytest.raises(WorkbookError) as e:
        pasang_tombol(operator_xlsx.path, tmp_path / "x.xlsx")
    assert e.value.code == WRONG_EXTENSION
    with pytest.raises(WorkbookError) as e:
        pasang_tombol(operator_xlsm.path, tmp_path / "y.xlsm")
    assert e.value.code == VBA_EXISTS
    assert "makro" in e.value.message_id
    assert not (tmp_path / "y.xlsm").exists()
    res = CliRunner().invoke(main, ["pasang-tombol", str(operator_xlsm.path), "--keluaran", str(tmp_path / "z.xlsm")])
    assert res.exit_code == 2 and VBA_EXISTS in res.output and "Traceback" not in res.output


def test_pasang_tombol_twice_says_the_button_is_already_there(tmp_path):
    """Found by running it twice: the second time named "a VBA project" as if it were the operator's macros and told
    them to install into a macro-free copy; kinerja's own project is recognised and the message says so."""
    first = tmp_path / "a.xlsm"
    pasang_tombol(SAMPLE, first)
    with pytest.raises(WorkbookError) as e:
        pasang_tombol(first, tmp_path / "b.xlsm")
    assert e.value.code == VBA_EXISTS and "sudah terpasang" in e.value.message_id
    assert "already installed" in e.value.message_en and not (tmp_path / "b.xlsm").exists()


def test_kinerja_hitung_on_the_buttoned_workbook_keeps_macro_buttons_and_status(tmp_path):
    """The file route still works on the .xlsm: the VBA project, the drawings and the status cells survive."""
    src = tmp_path / "contoh.xlsx"
    src.write_bytes(SAMPLE.read_bytes())
    dest = tmp_path / "contoh.xlsm"
    pasang_tombol(src, dest)
    before, placed = members(dest), buttons(dest)
    assert len(placed) >= 3
    res = CliRunner().invoke(main, ["hitung", str(dest)])
    assert res.exit_code in (0, 1), res.output  # 1: the report's contradictions are findings
    after = members(dest)
    kept = [n for n in before if n == "xl/vbaProject.bin" or n.endswith(".vml") or "/_rels/sheet" in n]
    assert kept and all(after[n] == before[n] for n in kept)
    assert buttons(dest) == placed
    wb = openpyxl.load_workbook(dest)
    assert sum(isinstance(c.value, str) and c.value.startswith(STATUS_PREFIX)
               for ws in wb.worksheets for row in ws.iter_rows(max_row=3) for c in row) == len(buttons(dest))
