"""The memo of cell XML in kinerja's own sheets (issue 7: the Audit sheet's labels, formulas and rule lines are the
same in every workbook of a template) is keyed by everything the XML depends on: the text or formula, the style
index, and for a wrapped row's height the column width. Every cell written from the memo is the XML
``cell_xml_at`` writes for it; a text seen before with another style, or in a column of another width, is never
written as before; a full memo is emptied and still right."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.workbooks import sheetxml
from kinerja.workbooks.cellxml import cell_xml_at
from kinerja.workbooks.plan import SheetLayout
from kinerja.workbooks.writer import CellWrite, owned_sheet_xml

STYLES = {"wrap": 8, "header": 7, "atas": 3}
TEXTS = ["x", " lead", "trail ", "a&b<c>d", "_x0041_ literal", "bell\x07", "dua\nbaris", "Σ ≥ 0", ""]


@pytest.fixture(autouse=True)
def empty_memo():
    for memo in (sheetxml._TEXT_XML, sheetxml._FORMULA_XML, sheetxml._LINES):
        memo.clear()
    yield


def rows_of(texts, style):
    return [[CellWrite(t, style=style), CellWrite(formula=f'=IF(A{i + 1}="{t}","<",B{i + 1})', style=style)]
            for i, t in enumerate(texts)]


def cells(xml: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<c r="([A-Z]+\d+)".*?(?:/>|</c>)', xml, re.S)}


def test_each_cell_is_what_cell_xml_at_writes_cold_and_warm():
    rows = rows_of(TEXTS, "atas")
    cold = owned_sheet_xml(rows, STYLES, "t")
    warm = owned_sheet_xml(rows, STYLES, "t")
    assert cold == warm
    got = cells(warm)
    for i, row in enumerate(rows, start=1):
        for col, w in zip("AB", row):
            assert got[f"{col}{i}"] == cell_xml_at("", f"{col}{i}", w.value, w.formula, STYLES["atas"])


def test_another_style_is_written_with_its_own_index():
    first = owned_sheet_xml(rows_of(["sama"], "atas"), STYLES, "t")
    other = owned_sheet_xml(rows_of(["sama"], "wrap"), STYLES, "t")
    plain = owned_sheet_xml([[CellWrite("sama"), CellWrite(formula="=1")]], STYLES, "t")
    assert 's="3"' in first and 's="8"' in other and 's="3"' not in other
    assert cells(plain)["A1"] == '<c r="A1" t="inlineStr"><is><t>sama</t></is></c>'
    assert cells(plain)["B1"] == '<c r="B1"><f>1</f></c>'


def test_a_wrapped_text_in_another_width_gets_its_own_height():
    text = " ".join(["kata"] * 40)
    narrow = owned_sheet_xml([[CellWrite(text, style="wrap")]], STYLES, "t", SheetLayout(widths={1: 20}))
    wide = owned_sheet_xml([[CellWrite(text, style="wrap")]], STYLES, "t", SheetLayout(widths={1: 60}))
    height = re.compile(r'<row r="1" ht="([\d.]+)"')
    assert float(height.search(narrow).group(1)) > float(height.search(wide).group(1))
    sheetxml._LINES.clear()
    assert owned_sheet_xml([[CellWrite(text, style="wrap")]], STYLES, "t", SheetLayout(widths={1: 60})) == wide


def test_a_full_memo_is_emptied_and_still_right(monkeypatch):
    monkeypatch.setattr(sheetxml, "_MEMO_KEPT", 3)
    rows = rows_of(TEXTS, "wrap")
    first = owned_sheet_xml(rows, STYLES, "t", SheetLayout(widths={1: 10, 2: 10}))
    assert len(sheetxml._TEXT_XML) <= 3 and len(sheetxml._FORMULA_XML) <= 3
    for memo in (sheetxml._TEXT_XML, sheetxml._FORMULA_XML, sheetxml._LINES):
        memo.clear()
    assert owned_sheet_xml(rows, STYLES, "t", SheetLayout(widths={1: 10, 2: 10})) == first


def test_the_same_plan_object_with_other_styles_or_a_changed_layout_is_written_anew():
    from kinerja.workbooks.plan import SheetPlan
    from kinerja.workbooks.sheetxml import sheet_xml_once

    sp = SheetPlan(tuple((CellWrite(formula=f"=A{i}", style="atas"),) for i in range(1, 30)), SheetLayout(hidden=True))
    first = sheet_xml_once(sp, STYLES)
    assert sheet_xml_once(sp, STYLES) is first
    other = sheet_xml_once(sp, {**STYLES, "atas": 9})
    assert 's="9"' in other and 's="3"' not in other
    sp.layout.widths[1] = 33.0  # a mutable field of a frozen layout, changed after the first write
    assert 'width="33.00"' in sheet_xml_once(sp, STYLES)
    assert sheet_xml_once(sp, STYLES) == owned_sheet_xml(list(sp.rows), STYLES, "", sp.layout)


def _word_by_word(text: str, width: float) -> int:
    """Lines counted by filling them word by word (a word longer than a line broken across lines): the reference
    for the faster count."""
    per = max(int(width * 1.1) - 1, 4)
    if len(text) <= per and "\n" not in text:
        return 1
    total = 0
    for para in text.split("\n"):
        lines = [""]
        for word in para.split(" "):
            piece = (" " if lines[-1] else "") + word
            if lines[-1] and len(lines[-1]) + len(piece) > per:
                lines.append("")
                piece = word
            lines[-1] += piece
            while len(lines[-1]) > per:  # a word longer than a line is broken, its rest starts the next line
                lines[-1], rest = lines[-1][:per], lines[-1][per:]
                lines.append(rest)
        total += len(lines)
    return total


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.text("ab", max_size=30), st.sampled_from([" ", " ", "  ", "\n", " \n", "\n "])),
                max_size=30), st.sampled_from([5.0, 8.43, 10.0, 22.0, 30.0, 44.0, 70.0]))
def test_lines_counted_by_last_space_as_word_by_word(parts, width):
    text = "".join(w + sep for w, sep in parts)
    assert sheetxml._lines(text, width) == _word_by_word(text, width)
    assert sheetxml._lines(text.strip(), width) == _word_by_word(text.strip(), width)
