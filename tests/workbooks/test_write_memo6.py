"""What the sixth speed round of writing remembers is never served stale (issue 7, issue 11):

* an edited output row is remembered by its old text and the exact key of its edits (``xmltext._ROWS_MADE``):
  values that compare equal but are written differently (``Decimal("1.0")``/``Decimal("1.00")``, ``1``/``True``/
  ``1.0``), another style, formula or text, another old row, each get their own XML — the same XML the splice
  writes with nothing remembered;
* the shape of a plain row (``plainrow._SHAPES``) and the row index of a sheet (``xmltext._ROW_INDEX``) are those of
  the very text: the same row at another place in the part, or a part with one row more, is spliced right;
* a row of kinerja's own sheets (``sheetxml._ROWS_MADE``) is remembered with the sheet's columns, merges and style
  indices: another width, another style index or an equal-looking number gives the XML written from scratch;
* a text cell's XML after its address (``cellxml._TEXT_TAILS``) is keyed by prefix, text and style;
* which of the rows asked about are hidden in an input sheet (``ooxml._HIDDEN_ASKED``) is remembered for the part's
  very bytes: a part changed in one row is asked anew.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import cellxml, plainrow, sheetxml
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.cellwrite import CellWrite
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.plan import SheetLayout

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def _forget() -> None:
    for memo in (X._ROWS_MADE, X._ROW_INDEX, plainrow._SHAPES, sheetxml._ROWS_MADE, cellxml._TEXT_TAILS,
                 sheetxml._TEXT_XML, sheetxml._FORMULA_XML):
        memo.clear()


def _ringkasan(book: Path, cells: dict, forget: bool) -> str:
    if forget:
        _forget()
    pkg = Package(book)
    pkg.set_cells("Ringkasan", cells)
    return pkg.text(pkg.sheet("Ringkasan").part)


EQUAL_BUT_WRITTEN_APART = [Decimal("100.65"), Decimal("100.650"), Decimal("1E+2"), Decimal("100"), 100, 100.0,
                           True, 1, Decimal("1"), Decimal("-0"), Decimal("0"), 0, False, "100", "100 ", None]


def test_equal_looking_values_in_a_remembered_row_are_written_each_as_itself(tmp_path):
    book = Path(shutil.copy(SAMPLE, tmp_path / "b.xlsx"))
    seen = set()
    for value in EQUAL_BUT_WRITTEN_APART:
        for style in (None, 3):
            cells = {(8, 7): (value, None, style), (8, 8): ("Tercapai", None, None), (9, 7): (value, None, None)}
            warm = _ringkasan(book, cells, forget=False)  # after every other value: the memories are full
            cold = _ringkasan(book, cells, forget=True)
            assert warm == cold
            assert _ringkasan(book, cells, forget=False) == cold  # now answered from the memory
            seen.add(cold)
    # 11 different writings for each style: 100.65 | 100.650 | 1E+2, Decimal 100 and 100 as "100" | 100.0 | TRUE |
    # 1 and Decimal 1 as "1" | -0, 0 and Decimal 0 as "0" | FALSE | the text "100" | the text "100 " | empty
    assert len(seen) == 22


def test_a_formula_or_another_old_row_is_not_answered_from_the_memory(tmp_path):
    book = Path(shutil.copy(SAMPLE, tmp_path / "b.xlsx"))
    one = {(10, 6): (Decimal("3.14"), None, None)}
    formula = {(10, 6): (None, "=1+2", None)}
    assert _ringkasan(book, one, False) == _ringkasan(book, one, True)
    assert _ringkasan(book, formula, False) == _ringkasan(book, formula, True)
    assert "<f>1+2</f>" in _ringkasan(book, formula, False)
    # the row edited again in the written part (its old text is now the result): the same as from scratch
    pkg = Package(book)
    pkg.set_cells("Ringkasan", one)
    book2 = tmp_path / "c.xlsx"
    pkg.save(book2)
    again = {(10, 6): (Decimal("2.5"), None, None)}
    assert _ringkasan(book2, again, False) == _ringkasan(book2, again, True)


ROW_CELL = st.sampled_from(['<c r="{a}"/>', '<c r="{a}" s="2"><v>1</v></c>', '<c r="{a}" t="inlineStr"><is><t>x</t>'
                            '</is></c>', '<c r="{a}" s="5" t="n" />'])
VALUES = st.sampled_from(EQUAL_BUT_WRITTEN_APART + ["teks", "a & b", " spasi"])


@st.composite
def sheets(draw):
    """A sheet of plain rows (some repeated at other row numbers) and edits of some of their cells."""
    rows = {}
    for r in sorted(draw(st.sets(st.integers(1, 9), min_size=1, max_size=6))):
        cols = sorted(draw(st.sets(st.integers(1, 5), max_size=4)))
        rows[r] = "".join(draw(ROW_CELL).format(a=f"{'ABCDE'[c - 1]}{r}") for c in cols)
    gap = draw(st.sampled_from(["", "\n", "  "]))
    body = gap.join(f'<row r="{r}">{cells}</row>' for r, cells in rows.items())
    xml = (f'<worksheet xmlns="{cellxml.NS}"><dimension ref="A1:E9"/><sheetData>{gap}{body}{gap}</sheetData>'
           "</worksheet>")
    edits = draw(st.dictionaries(st.tuples(st.integers(1, 10), st.integers(1, 5)),
                                 st.tuples(VALUES, st.sampled_from([None, 4])), min_size=1, max_size=6))
    return xml, {k: (v, None, s) for k, (v, s) in edits.items()}


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sheets(), min_size=2, max_size=4))
def test_spliced_rows_with_the_memories_full_equal_rows_spliced_from_scratch(cases):
    for xml, cells in cases:  # each after the others: the memories hold their rows, shapes and row indexes
        edits, keys = cellxml.cell_edits("", cells, "b.xlsx: S!", Path("b.xlsx"), "S")
        warm = X.edit_sheet_cells(xml, edits, "", keys)
        _forget()
        cold = X.edit_sheet_cells(xml, edits, "")  # no keys: nothing remembered is asked
        assert warm == cold
        X.check_well_formed(warm.encode())
    for xml, cells in cases:  # again, now answered from the memories
        edits, keys = cellxml.cell_edits("", cells, "b.xlsx: S!", Path("b.xlsx"), "S")
        _forget()
        cold = X.edit_sheet_cells(xml, edits, "")
        X.edit_sheet_cells(xml, edits, "", keys)
        assert X.edit_sheet_cells(xml, edits, "", keys) == cold


def test_the_same_plain_row_elsewhere_in_a_part_is_spliced_at_its_own_place():
    row = '<c r="A{r}" s="1"><v>1</v></c><c r="C{r}"/>'
    a = f'<worksheet><sheetData><row r="2">{row.format(r=2)}</row></sheetData></worksheet>'
    b = f'<worksheet><dimension ref="A1"/><sheetData>  <row r="2">{row.format(r=2)}</row></sheetData></worksheet>'
    for xml in (a, b, a):
        edits, keys = cellxml.cell_edits("", {(2, 3): ("x", None, None)}, "w", Path("b.xlsx"), "S")
        got = X.edit_sheet_cells(xml, edits, "", keys)
        assert '<c r="C2" t="inlineStr"><is><t>x</t></is></c></row>' in got
        assert got.replace('<c r="C2" t="inlineStr"><is><t>x</t></is></c>', '<c r="C2"/>').replace(
            "A1:C2", "A1") == xml.replace("A1:C2", "A1")


def _own(rows, widths, ids):
    return sheetxml.owned_sheet_xml(rows, ids, "t", SheetLayout(widths=widths))


def test_an_own_sheet_row_is_remembered_with_its_columns_and_styles():
    ids = {"wrap": 5, "angka2": 6, "atas": 7}
    long = "kata " * 30
    contexts = (({1: 10, 2: 20}, ids), ({1: 10, 2: 40}, ids), ({1: 10, 2: 20}, {**ids, "wrap": 9}))
    cases = [([[CellWrite(value, style="angka2"), CellWrite(long, style="wrap"), CellWrite(formula="=A1")]], widths,
               style_ids)
             for value in EQUAL_BUT_WRITTEN_APART for widths, style_ids in contexts]
    cold = []
    for case in cases:
        sheetxml._ROWS_MADE.clear()
        cold.append(_own(*case))
    for _ in range(2):  # each after all the others: the memory holds every other row
        assert [_own(*case) for case in cases] == cold
    narrow = _own([[CellWrite("a", style="atas"), CellWrite(long, style="wrap")]], {1: 10, 2: 20}, ids)
    wide = _own([[CellWrite("a", style="atas"), CellWrite(long, style="wrap")]], {1: 10, 2: 40}, ids)
    assert 'ht="' in narrow and narrow != wide  # another width: another row height, not the remembered one


def test_a_text_cell_is_remembered_by_prefix_text_and_style():
    plain = cellxml.cell_xml_at("", "A1", "x", None, None)
    styled = cellxml.cell_xml_at("", "A1", "x", None, 3)
    prefixed = cellxml.cell_xml_at("x:", "A1", "x", None, 3)
    assert plain == '<c r="A1" t="inlineStr"><is><t>x</t></is></c>'
    assert styled == '<c r="A1" s="3" t="inlineStr"><is><t>x</t></is></c>'
    assert prefixed == '<x:c r="A1" s="3" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
    assert cellxml.cell_xml_at("", "B2", " x", None, 3) == (
        '<c r="B2" s="3" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>')


def _hidden(pkg: Package, sheet: str, row: int) -> bool:
    text = pkg.text(pkg.sheet(sheet).part)
    start = text.index(f'<row r="{row}"')
    tag = text[start:text.index(">", start) + 1]
    return 'hidden="1"' in tag


def test_hidden_rows_asked_of_the_same_bytes_are_answered_again_and_other_bytes_are_asked_anew(tmp_path):
    from kinerja.workbooks import ooxml
    book = Path(shutil.copy(SAMPLE, tmp_path / "b.xlsx"))
    ooxml._HIDDEN_ASKED.clear()
    hidden, visible = 18, 9  # Setjen: row 18 is a hidden spare table row, row 9 a visible input row
    for _ in range(2):  # asked, then answered from the memory: the same outcome
        pkg = Package(book)
        part = pkg.sheet("Setjen").part
        before = pkg.read(part)
        pkg.show("Setjen", frozenset({visible}))
        assert pkg.read(part) is before  # nothing hidden among the rows asked: the part is not rewritten
        pkg.show("Setjen", frozenset({hidden}))
        assert not _hidden(pkg, "Setjen", hidden) and _hidden(pkg, "Setjen", hidden + 1)
    assert len(ooxml._HIDDEN_ASKED) == 2
    # the same rows asked of other bytes (row 9 hidden now): asked anew, and shown
    pkg = Package(book)
    part = pkg.sheet("Setjen").part
    text = pkg.text(part)
    start = text.index(f'<row r="{visible}"')
    pkg.write(part, text[:start] + f'<row r="{visible}" hidden="1"' + text[start + len(f'<row r="{visible}"'):])
    assert _hidden(pkg, "Setjen", visible)
    pkg.show("Setjen", frozenset({visible}))
    assert not _hidden(pkg, "Setjen", visible)
