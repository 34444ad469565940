"""A worksheet read from its text (issue 7: no tree built for a part in the plain form) answers exactly what the
same worksheet read from its ElementTree answers: every cell (kind, text, formula, style), all cells at once, the
last row, the merged ranges, whether a row or column among those asked is hidden — on generated sheets mixing
what the text reader reads itself (shared and inline strings, numbers, booleans, errors, ``t="str"`` formulas with
their cached values, dates, shared-formula followers, entities and character references, literal CR/LF, Excel's
``_x000D_`` escapes, styles, whitespace, duplicates) and what sends it to the tree (rich text, phonetic runs,
``extLst`` children, text between a cell's children); a part not in the plain form is never read from its text.
A damaged part is reported exactly as before, and a recalculation of the sample builds no tree of an input sheet.
"""

from __future__ import annotations

import functools
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import opc
from kinerja.workbooks import sheetplain as SP
from kinerja.workbooks import unhide as U
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.refs import col_letters
from kinerja.workbooks.sheetcells import sheet_cells
from kinerja.workbooks.sheetplain import PlainSheetCells, plain_sheet_cells

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
SST = ["nol", "satu & dua", " tiga ", "#N/A"]
SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
COLS = 7


def tree_of(data: bytes):
    return sheet_cells(ET.fromstring(data), data, SST, "S", Path("b.xlsx"), "xl/worksheets/s.xml")


def plain_of(data: bytes, fresh: bool = True) -> PlainSheetCells | None:
    """The plain reader of ``data``; ``fresh``: with the part's layout found again, nothing found by an earlier
    reader of the same bytes (else it shares their rows, blank rows and cells: :data:`.sheetplain._LAYOUTS`)."""
    if fresh:
        SP._LAYOUTS.pop(data, None)
    return plain_sheet_cells(data, SST, "S", lambda: tree_of(data))


def assert_same(data: bytes, rows: int, hidden_rows: list[frozenset[int]] = (), hidden_cols=(),
                shared: bool = False) -> PlainSheetCells:
    """Both readers agree on ``data`` (which must be in the plain form), whatever is asked first; ``shared``: every
    plain reader made here shares what the ones before it found in the same bytes."""
    tree = tree_of(data)
    plain_of = functools.partial(globals()["plain_of"], fresh=not shared)
    plain = plain_of(data)
    assert plain is not None, data
    grid = [(r, c) for r in range(0, rows + 2) for c in range(1, COLS + 2)]
    assert {rc: plain.get(*rc) for rc in grid} == {rc: tree.get(*rc) for rc in grid}
    for rc in grid:  # each cell the first asked of its row: found without reading the row's other cells
        assert plain_of(data).get(*rc) == tree.get(*rc), rc
    assert plain.cells == tree.cells
    first = plain_of(data)  # everything asked before any single cell
    assert first.cells == tree.cells and first.last_row() == tree.last_row()
    assert plain.last_row() == tree.last_row()
    assert plain.merged == tree.merged
    assert [plain.merge_at(*rc) for rc in grid] == [tree.merge_at(*rc) for rc in grid]
    fresh = plain_of(data)
    for r in range(0, rows + 2):
        for lo in range(1, COLS + 1):
            for hi in (lo, COLS):
                if fresh.surely_blank(r, lo, hi):  # never says blank where the tree holds a value
                    assert all(tree.get(r, c).kind == "empty" or (tree.get(r, c).kind == "text"
                                                                  and not tree.get(r, c).text)
                               for c in range(lo, hi + 1)), (r, lo, hi)
    root = ET.fromstring(data)
    for asked in hidden_rows:
        assert plain.any_hidden_row(asked) == U.any_hidden_row(root, asked), asked
    for asked in hidden_cols:
        assert plain.any_hidden_col(asked) == U.any_hidden_col(root, asked), asked
    return plain


# --- generated sheets ----------------------------------------------------------------------------------------

def escaped(draw, text: str, attr: bool = False) -> str:
    """``text`` written as XML character data (or a double-quoted attribute value), each special character in one
    of the ways a writer may choose."""
    out = []
    for i, ch in enumerate(text):
        if ch == "&":
            out.append(draw(st.sampled_from(["&amp;", "&#38;", "&#x26;"])))
        elif ch == "<":
            out.append(draw(st.sampled_from(["&lt;", "&#60;"])))
        elif ch == ">":
            out.append("&gt;" if text[max(0, i - 2):i] == "]]" else draw(st.sampled_from([">", "&gt;"])))
        elif ch == '"' and attr:
            out.append(draw(st.sampled_from(["&quot;", "&#34;"])))
        elif ch in "\r\n\t":
            out.append(draw(st.sampled_from([ch, f"&#{ord(ch)};"])))
        elif ch == "'":
            out.append(draw(st.sampled_from(["'", "&apos;"])))
        else:
            out.append(ch)
    return "".join(out)


TEXT = st.lists(st.sampled_from(list("aZ09 .,-&<>\"'\r\n\t_é—😀]x") + ["_x000D_", "_x0041_", "\r\n"]),
                max_size=12).map("".join)
NUMBER = st.sampled_from(["1", "0", "-2.5", " 3 ", "26943", "94.359999999999999", "1E+35", "", "abc", "4.2E-3"])


@st.composite
def child(draw, t: str | None) -> tuple[str, bool]:
    """One child element of a ``<c>`` (its XML, and whether it sends the cell to the tree)."""
    kind = draw(st.sampled_from(["v", "v", "v", "vempty", "vnone", "f", "fshared", "fmaster", "is", "ispre",
                                 "rich", "phonetic", "isempty", "ext"]))
    if kind == "v":
        value = draw(st.sampled_from(["0", "1", "3", " 2 ", "9", "x"])) if t == "s" else draw(
            st.one_of(NUMBER, TEXT))
        return f"<v>{escaped(draw, value)}</v>", False
    if kind == "vempty":
        return "<v></v>", False
    if kind == "vnone":
        return "<v/>", False
    if kind == "f":
        return f"<f>{escaped(draw, draw(TEXT))}</f>", False
    if kind == "fshared":
        return '<f t="shared" si="0"/>', False
    if kind == "fmaster":
        return f'<f t="shared" ref="A1:A3" si="0">{escaped(draw, draw(TEXT))}</f>', False
    if kind == "is":
        return f"<is><t>{escaped(draw, draw(TEXT))}</t></is>", False
    if kind == "ispre":
        return f'<is><t xml:space="preserve">{escaped(draw, draw(TEXT))}</t></is>', False
    if kind == "rich":
        return (f"<is><r><t>{escaped(draw, draw(TEXT))}</t></r><r><rPr><b/></rPr><t>b</t></r></is>", True)
    if kind == "phonetic":
        return '<is><t>kanji</t><rPh sb="0" eb="1"><t>kana</t></rPh></is>', True
    if kind == "isempty":
        return "<is/>", True
    return '<extLst><ext uri="{X}"/></extLst>', True


@st.composite
def cell(draw, row: int, col: int) -> tuple[str, bool]:
    ref_row = row if draw(st.integers(0, 9)) else draw(st.integers(1, 40))  # r naming another row: column counts
    attrs = []
    t = draw(st.sampled_from([None, None, "n", "s", "str", "inlineStr", "b", "e", "d", ""]))
    if draw(st.booleans()):
        attrs.append(("s", draw(st.sampled_from(["0", "3", "12", "07", "x", "&#49;", " 2"]))))
    if t is not None:  # sometimes written with character references: the parser's value is what counts
        attrs.append(("t", t if draw(st.booleans()) else "".join(f"&#{ord(ch)};" for ch in t)))
    if draw(st.integers(0, 5)) == 0:
        attrs.append(("x14ac:u", "1"))
    attrs = draw(st.permutations(attrs))
    quote = draw(st.sampled_from(['"', '"', '"', "'"]))
    eq = draw(st.sampled_from(["=", "=", " = "]))
    tag = f'<c r="{col_letters(col)}{ref_row}"' + "".join(f" {k}{eq}{quote}{v}{quote}" for k, v in attrs)
    tag += draw(st.sampled_from(["", "", " "]))
    shape = draw(st.sampled_from(["self", "self", "empty", "children", "children", "children"]))
    if shape == "self":
        return tag + "/>", False
    if shape == "empty":
        return tag + ">" + draw(st.sampled_from(["", "  ", "\n"])) + "</c>", False
    kids = draw(st.lists(child(t), min_size=1, max_size=3))
    gap = draw(st.sampled_from(["", "", " ", "\n  ", "x"]))
    odd = any(k[1] for k in kids) or (gap.strip() != "" and len(kids) > 1)
    return tag + ">" + gap.join(k[0] for k in kids) + "</c>", odd


@st.composite
def sheets(draw) -> tuple[bytes, int, list[frozenset[int]], list[frozenset[int]]]:
    nrows = draw(st.integers(1, 9))
    order = draw(st.permutations(range(1, nrows + 1))) if draw(st.integers(0, 4)) == 0 else range(1, nrows + 1)
    rows = []
    for r in order:
        attrs = ""
        if draw(st.booleans()):
            attrs += f' spans="1:{COLS}"'
        hidden = draw(st.sampled_from([None, None, "1", "true", "0", "false", " 1 ", "&#49;", "\t1"]))
        if hidden is not None:
            attrs += f' hidden="{hidden}"'
        if draw(st.booleans()):
            attrs += ' ht="17.3" customHeight="1" x14ac:dyDescent="0.25"'
        cols = draw(st.lists(st.integers(1, COLS), max_size=COLS))  # duplicates: the later one counts
        if not cols and draw(st.booleans()):
            rows.append(f'<row r="{r}"{attrs}{draw(st.sampled_from(["/>", " />", "></row>"]))}')
            continue
        gap = draw(st.sampled_from(["", "", " ", "\n"]))
        parts = [draw(cell(r, c))[0] for c in cols]
        if draw(st.integers(0, 5)) == 0:  # a child of the row that is not a cell, holding one (not the row's)
            inner = f'<c r="{col_letters(draw(st.integers(1, COLS)))}{r}"><v>7</v></c>'
            nested = f'<extLst><ext uri="x">{inner}</ext></extLst>'
            parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from([nested, "text", "<extLst/>"])))
        body = gap.join(parts)
        rows.append(f'<row r="{r}"{attrs}>{body}</row>')
    sep = draw(st.sampled_from(["", "\n", "\n  "]))
    cols = draw(st.lists(st.tuples(st.sampled_from(["1", "2", "4", "x", ""]), st.sampled_from(["1", "3", "9"]),
                                   st.sampled_from([None, "1", "true", "0"])), max_size=3))
    col_xml = "".join(f'<col min="{a}" max="{b}" width="9"' + (f' hidden="{h}"' if h else "") + "/>"
                      for a, b, h in cols)
    merges = draw(st.lists(st.sampled_from(["A1:B2", "B2:C3", "A1", "C1:C9000", "A3:B3", "A2&#58;B2", "x"]),
                           max_size=4))
    merge_xml = ("<mergeCells>" + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
                 if merges else "")
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "",
                                 "\ufeff<?xml version='1.0'?>"]))
    xml = (f'{head}<worksheet xmlns="{NS}" xmlns:x14ac="{X14AC}"><dimension ref="A1"/>'
           f"<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
           + (f"<cols>{col_xml}</cols>" if cols else "")
           + f"<sheetData>{sep}{sep.join(rows)}{sep}</sheetData>{merge_xml}</worksheet>")
    asked_rows = [frozenset(draw(st.lists(st.integers(1, nrows + 1), max_size=3))) for _ in range(3)]
    asked_cols = [frozenset(draw(st.lists(st.integers(1, 10), max_size=3))) for _ in range(3)]
    return xml.encode("utf-8"), nrows, asked_rows, asked_cols


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_the_text_reader_answers_what_the_tree_answers(case):
    data, nrows, asked_rows, asked_cols = case
    assert_same(data, nrows, asked_rows, asked_cols)
    assert_same(data, nrows, asked_rows, asked_cols, shared=True)  # readers of the same bytes sharing their finds


def test_the_text_reader_reads_the_usual_cells_itself():
    """The plain shapes are read from the text (the tree is never built for them): the comparison above is not
    between the tree and itself."""
    rows = ('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="3"><v>2.5</v></c><c r="C1" t="inlineStr"><is>'
            '<t xml:space="preserve"> a &amp; b&#10;</t></is></c><c r="D1" t="str"><f>A1&amp;"x"</f><v>x</v></c>'
            '<c r="E1" t="e"><v>#DIV/0!</v></c><c r="F1" t="b"><v>1</v></c><c r="G1"><f t="shared" si="0"/>'
            "</c></row>")
    data = f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    built = []
    plain = plain_sheet_cells(data, SST, "S", lambda: built.append(1) or tree_of(data))
    assert [plain.get(1, c) for c in range(1, 8)] == [tree_of(data).get(1, c) for c in range(1, 8)]
    assert plain.get(1, 3).text == " a & b\n" and plain.get(1, 1).text == "satu & dua"
    assert plain.get(1, 7).kind == "uncached" and plain.plain and not built
    rich = data.replace(b"<is><t", b"<is><r><t").replace(b"</t></is>", b"</t></r></is>")
    sent = []
    plain = plain_sheet_cells(rich, SST, "S", lambda: sent.append(1) or tree_of(rich))
    assert plain.get(1, 3) == tree_of(rich).get(1, 3) and sent and not plain.plain


def test_merged_ranges_remembered_by_content_are_never_stale():
    """The merged ranges of a sheet are remembered by the sheet's name and the ranges' text (a template's workbooks
    share them): a sheet with other ranges, or the same ranges under another name, gets its own."""
    one = sheet(after='<mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="C3:D4"/></mergeCells>')
    two = sheet(after='<mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="C3:D5"/></mergeCells>')
    odd = sheet(after='<mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="C3&#58;D5"/></mergeCells>')
    for data in (one, two, one, odd, two):
        assert plain_of(data).merged == tree_of(data).merged
    other = plain_sheet_cells(one, SST, "T", lambda: None).merged
    assert {m.sheet for m in other} == {"T"} and plain_of(one).merged[1].row2 == 4 and plain_of(odd).merged[1].row2 == 5


# --- parts not in the plain form, damaged parts ---------------------------------------------------------------

PLAIN_ROWS = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2" t="inlineStr"><is><t>x</t></is></c></row>'


def sheet(rows: str = PLAIN_ROWS, root: str = f'xmlns="{NS}"', before: str = "", after: str = "",
          head: str = "") -> bytes:
    return f"{head}<worksheet {root}>{before}<sheetData>{rows}</sheetData>{after}</worksheet>".encode()


@pytest.mark.parametrize("data", [
    sheet(after="<!-- x -->"), sheet(rows=PLAIN_ROWS.replace("<v>1</v>", "<v><![CDATA[1]]></v>")),
    sheet(after="<?pi x?>"), sheet(head='<?xml version="1.0" encoding="ISO-8859-1"?>'),
    sheet(root=f'xmlns:x="{NS}"').replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>",
                                                                                      b"</x:sheetData>"),
    sheet(root=f'xmlns="{NS}" xmlns:x="{NS}"'), sheet(after='<extLst xmlns="urn:other"><row r="9"/></extLst>'),
    sheet(rows=PLAIN_ROWS.replace('<row r="2">', '<row spans="1:2" r="2">')),
    sheet(rows=PLAIN_ROWS.replace('<row r="2">', "<row>")), sheet(rows=PLAIN_ROWS + '<row r="1"/>'),
    sheet(rows=PLAIN_ROWS.replace('<c r="B2"', '<c s="1" r="B2"')), sheet(rows=PLAIN_ROWS + "<extLst/>"),
    sheet(before="<x><sheetData/></x>"), sheet(before="<sheetViews>", after="</sheetViews>"),
    sheet(rows=PLAIN_ROWS.replace("</row><row", "<row r=\"5\"/></row><row")),
    sheet(root=f'xmlns="{NS}"><foo', after="</foo"),
])
def test_a_part_not_in_the_plain_form_is_read_from_the_tree(data):
    assert plain_of(data) is None


@pytest.mark.parametrize("damage", [
    lambda d: d[:-20], lambda d: d.replace(b"<v>1</v>", b"<v>1</w>"), lambda d: d.replace(b"<v>1", b"<v>&nbsp;1"),
    lambda d: d.replace(b"<v>1", b"<v>\x01"), lambda d: d.replace(b"<v>1", b"<v>\xff"),
    lambda d: d.replace(b"<dimension", b"<y:dimension").replace(b'ref="A1"/>', b'ref="A1"></y:dimension>'),
    lambda d: d + b"<x/>", lambda d: d.replace(b'<c r="A1">', b'<c r="A1" r="A1">'),
])
def test_a_damaged_part_is_reported_as_before(tmp_path, damage):
    """Not well-formed (as ElementTree's expat says): never read from the text; the package reports it as it
    always did (B102, the parser's own words)."""
    data = damage(sheet(before='<dimension ref="A1"/>'))
    assert plain_of(data) is None
    path = tmp_path / "rusak.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    with pytest.raises(WorkbookError) as err:
        Package(path).cells("S")
    with pytest.raises(ET.ParseError) as parsed:
        ET.fromstring(data)
    assert err.value.code == "B102" and str(parsed.value) in str(err.value)


# --- real writers' sheets -------------------------------------------------------------------------------------

def every_sheet(path: Path):
    pkg = Package(path)
    for s in pkg.sheets():
        if s.is_worksheet and s.part:
            data = pkg.read(s.part)
            yield s.name, data, pkg.shared_strings()


def assert_same_sheet(data: bytes, sst: list[str]) -> bool:
    tree = sheet_cells(ET.fromstring(data), data, sst, "S", Path("b.xlsx"), "p")
    plain = plain_sheet_cells(data, sst, "S", lambda: tree)
    if plain is None:
        return False
    assert plain.cells == tree.cells and plain.last_row() == tree.last_row() and plain.merged == tree.merged
    last = tree.last_row()
    assert all(plain.get(r, c) == tree.get(r, c) for r in range(1, last + 2) for c in range(1, 12))
    return plain.plain


def test_the_sample_and_other_writers_sheets_read_the_same(tmp_path):
    from libreoffice import convert

    plain = []
    for _name, data, sst in every_sheet(SAMPLE):
        plain.append(assert_same_sheet(data, sst))
    assert all(plain), "every sheet of the sample (openpyxl + kinerja) is read from its text"
    book = tmp_path / "xw.xlsx"  # xlsxwriter: shared strings, formulas with cached values, numbers, booleans
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("A")
    ws.write_row(0, 0, ["satu & <dua>", 5, 2.5, True, "=A2*2", "  spasi  ", "baris\nbaru"])
    ws.write_formula(1, 0, "=1+1", None, 2)
    ws.merge_range("B3:C4", "gabung")
    ws.set_row(5, None, None, {"hidden": True})
    wb.close()
    assert all(assert_same_sheet(data, sst) for _, data, sst in every_sheet(book))
    out = convert(book, "xlsx", tmp_path / "lo")  # LibreOffice's own way of writing the same sheet
    for _, data, sst in every_sheet(out[0]):
        assert_same_sheet(data, sst)


# --- nothing parses an input sheet -----------------------------------------------------------------------------

def test_a_recalculation_builds_no_tree_of_an_input_sheet(tmp_path, monkeypatch):
    from kinerja.workbooks import recalc as R

    book = tmp_path / "pk.xlsx"
    shutil.copy(SAMPLE, book)
    R.recalculate_workbook(book)
    inputs = {s.part for s in Package(book).sheets()[:10]}
    parsed = []
    real = opc.OpcPackage._xml

    def spy(self, name):
        if ("xml", name) not in self._cache:
            parsed.append(name)
        return real(self, name)

    monkeypatch.setattr(opc.OpcPackage, "_xml", spy)
    R.recalculate_workbook(book)
    assert parsed and not inputs & set(parsed), parsed



# --- the layout remembered by a part's content ------------------------------------------------------------------

def test_a_remembered_layout_is_never_served_for_a_changed_part(tmp_path):
    """The checks and the row index of a part are remembered by its whole content: a part changed in one byte —
    a value of the same length, a damage, a row moved — is checked and indexed again, never read with the layout
    of the part it was."""
    base = sheet(rows='<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2"><v>7</v></c></row>')
    assert plain_of(base).get(2, 2).text == "7" and base in SP._LAYOUTS
    same_length = base.replace(b"<v>7</v>", b"<v>8</v>")
    assert plain_of(same_length).get(2, 2).text == "8" and plain_of(base).get(2, 2).text == "7"
    moved = base.replace(b'<row r="2"><c r="B2">', b'<row r="3"><c r="B3">')
    assert plain_of(moved).get(2, 2).kind == "empty" and plain_of(moved).get(3, 2).text == "7"
    damaged = base.replace(b"<v>7</v>", b"<v>7</w>")
    assert plain_of(damaged) is None and plain_of(base) is not None
    strings = sheet(rows='<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>')
    for sst in (["satu"], ["dua"], ["satu"]):  # a shared string is the workbook's: never shared between readers
        got = plain_sheet_cells(strings, sst, "S", lambda: None)
        assert [got.get(1, 1).text, got.get(1, 2).text] == [sst[0], "5"] and got.cells[(1, 1)].text == sst[0]
    for i in range(SP._LAYOUTS_MAX + 5):  # bounded in entries
        plain_of(sheet(rows=f'<row r="{i + 1}"><c r="A{i + 1}"><v>{i}</v></c></row>'))
    assert len(SP._LAYOUTS) <= SP._LAYOUTS_MAX
    assert sum(len(k) for k in SP._LAYOUTS) <= SP._LAYOUTS_BYTES
    # through the package: the sample read, its input cell changed in place (same length), read again
    book = tmp_path / "pk.xlsx"
    shutil.copy(SAMPLE, book)
    pkg = Package(book)
    name = pkg.sheets()[0].name
    cells = pkg.cells(name)
    (r, c), cell = next(((rc, v) for rc, v in cells.cells.items() if v.kind == "number" and len(v.text) == 1))
    part = pkg.sheets()[0].part
    data = pkg.read(part)
    at = data.index(f'<c r="{col_letters(c)}{r}"'.encode())
    end = data.index(b"</c>", at)
    changed = data[:at] + data[at:end].replace(f"<v>{cell.text}</v>".encode(), b"<v>9</v>" if cell.text != "9"
                                                 else b"<v>8</v>") + data[end:]
    assert len(changed) == len(data) and changed != data
    with zipfile.ZipFile(book) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members[part] = changed
    with zipfile.ZipFile(book, "w") as z:
        for member, body in members.items():
            z.writestr(member, body)
    again = Package(book).cells(name)
    assert isinstance(again, PlainSheetCells) and again.get(r, c).text != cell.text
    assert again.get(r, c) == tree_of_sheet(changed, Package(book).shared_strings()).get(r, c)


def tree_of_sheet(data: bytes, sst: list[str]):
    return sheet_cells(ET.fromstring(data), data, sst, "S", Path("b.xlsx"), "p")
