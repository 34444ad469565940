"""What the fifth speed round of writing remembers is never served stale (issue 7, issue 11):

* the style keys of an owned sheet's plan (``sheetxml.styles_used``) are remembered for the plan object itself —
  another plan, even an equal-looking one with one style changed, is walked again;
* the index of sheets and defined names survives a write of an existing worksheet part, and only that: writing the
  workbook part, a relationship part, the content types or a new member rebuilds it;
* a kept cell's style index is read from its start tag (``ooxml._style_of``), whichever tag it is;
* every member kinerja writes (its own sheets, an operator's part it edits) is deflated at ``opc.QUICK_LEVEL``,
  every member it does not change is copied as it was, and the memory of deflated members answers only for the
  same data at the same level;
* a long text found while an owned sheet is written sends the sheet through ``split_long_texts`` (the same XML
  as splitting first).
"""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from pathlib import Path

from kinerja.workbooks import ooxml, opc, sheetxml
from kinerja.workbooks.cellwrite import CellWrite
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.plan import SheetLayout, SheetPlan

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def test_styles_of_a_plan_are_those_of_that_plan():
    a = SheetPlan(((CellWrite("x", style="wrap"), None), (CellWrite(1, style="angka0"),)))
    b = SheetPlan(((CellWrite("x", style="atas"), None), (CellWrite(1, style="angka0"),)))
    assert sheetxml.styles_used(a) == {"wrap", "angka0"}
    assert sheetxml.styles_used(a) == {"wrap", "angka0"}  # remembered for a
    assert sheetxml.styles_used(b) == {"atas", "angka0"}  # b is its own plan
    c = SheetPlan(((CellWrite("x"),),))
    assert sheetxml.styles_used(c) == {None}


def test_the_sheet_index_is_kept_only_across_a_worksheet_written_again(tmp_path):
    book = tmp_path / "b.xlsx"
    shutil.copy(SAMPLE, book)
    pkg = Package(book)
    first = pkg.sheets()
    ring = pkg.sheet("Ringkasan")
    pkg.write(ring.part, pkg.read(ring.part))  # an existing worksheet: the index stays
    assert "sheets" in pkg._cache and pkg.sheets() == first
    pkg.put_sheet("Baru", '<?xml version="1.0" encoding="UTF-8"?>\n'
                          f'<worksheet xmlns="{ooxml.NS}"><sheetData/></worksheet>')
    assert [s.name for s in pkg.sheets()] == [s.name for s in first] + ["Baru"]  # rebuilt after the new part
    assert pkg.sheet("baru") is not None and pkg.sheet("baru").part
    text = pkg.text(pkg.workbook_part)
    pkg.write(pkg.workbook_part, text.replace('name="Baru"', 'name="Lain"'))
    assert "sheets" not in pkg._cache
    assert pkg.sheet("Baru") is None and pkg.sheet("Lain") is not None


def test_a_written_relationship_part_is_read_again(tmp_path):
    book = tmp_path / "b.xlsx"
    shutil.copy(SAMPLE, book)
    pkg = Package(book)
    before = pkg.rels(pkg.workbook_part)
    ring = pkg.sheet("Ringkasan").part
    pkg.rels(ring)
    pkg.write(ring, pkg.read(ring))
    assert ("rels", pkg.workbook_part) in pkg._cache  # another part's relationships stay
    rels = pkg.rels_part(pkg.workbook_part)
    pkg.write(rels, pkg.text(rels).replace("</Relationships>", '<Relationship Id="rIdX" Type="urn:x" '
                                                              'Target="x.xml"/></Relationships>'))
    assert len(pkg.rels(pkg.workbook_part)) == len(before) + 1


def test_the_kept_style_is_read_from_each_start_tag():
    assert ooxml._style_of('<c r="A1" s="7" t="n"/>') == 7
    assert ooxml._style_of('<c r="A1" s="8" t="n"/>') == 8
    assert ooxml._style_of('<c r="A1" t="n"/>') is None
    assert ooxml._style_of("<c r='A1' s = '12'>") == 12


def test_a_long_text_found_while_writing_gives_the_split_sheet():
    long = "kata; " * 7000  # 42 000 characters: more than one cell holds
    rows = [[CellWrite("Judul", style="header"), CellWrite("Isi", style="header")],
            [CellWrite("a", style="atas"), CellWrite(long, style="wrap")]]
    ids = {"header": 3, "atas": 4, "wrap": 5}
    got = sheetxml.owned_sheet_xml(rows, ids, "t", SheetLayout(widths={1: 10, 2: 40}))
    want = sheetxml._sheet_xml(sheetxml.split_long_texts(rows, 1), ids, "t", SheetLayout(widths={1: 10, 2: 40}))
    assert got == want
    assert sheetxml.CONTINUED.format(n=1) in got


def _deflated(data: bytes, level: int) -> int:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(c.compress(data) + c.flush())


def test_written_members_are_deflated_at_the_quick_level_and_the_memory_knows_the_level(tmp_path):
    book = tmp_path / "b.xlsx"
    shutil.copy(SAMPLE, book)
    cells = "".join(f'<row r="{r}"><c r="A{r}"><f>ROW(Isian!C{r})&amp;CELL("format",Isian!C{r})</f></c></row>'
                    for r in range(1, 3000))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
           f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')
    data = xml.encode()
    assert _deflated(data, opc.QUICK_LEVEL) != _deflated(data, 6)
    opc._DEFLATED.clear()
    own = Package(book)
    part = own.put_sheet("Besar", xml)  # kinerja's own sheet
    other = Package(book)
    ring = other.sheet("Ringkasan").part
    other.write(ring, xml)  # the same bytes as an operator's part kinerja edited
    for _ in range(2):  # deflated, then from the memory
        with zipfile.ZipFile(io.BytesIO(own.to_bytes())) as z:
            assert z.read(part) == data and z.getinfo(part).compress_size == _deflated(data, opc.QUICK_LEVEL)
        with zipfile.ZipFile(io.BytesIO(other.to_bytes())) as z:
            assert z.read(ring) == data and z.getinfo(ring).compress_size == _deflated(data, opc.QUICK_LEVEL)
    for _ in range(2):  # the same data at another level: deflated at that level, never served from the memory
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            info = zipfile.ZipInfo("x.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            opc._write_member(z, info, data, 6)
        with zipfile.ZipFile(buf) as z:
            assert z.read("x.xml") == data and z.getinfo("x.xml").compress_size == _deflated(data, 6)
    with zipfile.ZipFile(io.BytesIO(own.to_bytes())) as z:  # an untouched member is still copied as it was
        with zipfile.ZipFile(book) as src:
            assert z.getinfo(ring).compress_size == src.getinfo(ring).compress_size
