"""Whether a row is surely blank in some columns, remembered by the row's content, number and columns
(sheetplain._BLANK_BY_TEXT, tenth speed round: a template's ≈ 600 spare table rows were searched again in every
workbook): the remembered answer is the answer found with nothing remembered — on every sheet test_sheetplain
generates, after every other generated sheet has filled the memory — and never a row with something in the window."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import sheetplain as SP
from test_sheetplain import COLS, plain_of, sheets, tree_of


def answers(data, nrows, first, last):
    plain = plain_of(data)  # a fresh layout: nothing kept with the part itself
    return {r: plain.surely_blank(r, first, last) for r in range(0, nrows + 2)}


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.integers(1, COLS + 1), st.integers(1, COLS + 1))
def test_a_remembered_answer_is_the_answer_found_afresh(case, first, width):
    data, nrows, _, _ = case
    last = first + width - 1
    remembered = answers(data, nrows, first, last)  # the memory as every earlier example left it
    SP._BLANK_BY_TEXT.clear()
    assert answers(data, nrows, first, last) == remembered
    assert answers(data, nrows, first, last) == remembered  # now answered from what this sheet put there
    tree = tree_of(data)
    for r, blank in remembered.items():
        if blank:
            assert all(tree.get(r, c).kind == "empty" or (tree.get(r, c).kind == "text" and not tree.get(r, c).text)
                       for c in range(first, last + 1))
    SP._LAYOUTS.pop(data, None)


NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def sheet(*rows: bytes) -> bytes:
    return NS + b"".join(rows) + b"</sheetData></worksheet>"


def test_the_same_row_content_elsewhere_gets_its_own_answer():
    spare = b'<c r="A5" s="3"/><c r="B5" s="4"/><c r="C5" s="4"/>'
    one = sheet(b'<row r="4"><c r="B4"><v>1</v></c></row>', b'<row r="5">' + spare + b"</row>")
    two = sheet(b'<row r="5">' + spare + b"</row>", b'<row r="6"><c r="C6"><v>2</v></c></row>')
    filled = sheet(b'<row r="5"><c r="A5" s="3"/><c r="B5" s="4"><v>7</v></c><c r="C5" s="4"/></row>')
    moved = sheet(b'<row r="6">' + spare + b"</row>")  # the row 5 cells written in row 6: not plain cells of it
    SP._BLANK_BY_TEXT.clear()
    assert plain_of(one).surely_blank(5, 2, 3) and plain_of(two).surely_blank(5, 2, 3)
    assert not plain_of(filled).surely_blank(5, 2, 3)
    assert plain_of(moved).surely_blank(6, 2, 3) == answers(moved, 6, 2, 3)[6]
    SP._BLANK_BY_TEXT.clear()
    assert plain_of(moved).surely_blank(6, 2, 3) == answers(moved, 6, 2, 3)[6]


def test_the_memory_is_bounded():
    SP._BLANK_BY_TEXT.clear()
    for r in range(1, SP._BLANK_KEPT + 50):
        plain_of(sheet(b'<row r="%d"><c r="A%d" s="1"/></row>' % (r, r))).surely_blank(r, 1, 2)
    assert len(SP._BLANK_BY_TEXT) <= SP._BLANK_KEPT
    long = b"".join(b'<c r="%s7" s="1"/>' % c.encode() for c in "ABCDEFG") * 20
    plain_of(sheet(b'<row r="7">' + long + b"</row>")).surely_blank(7, 1, 2)
    assert not any(len(k[0]) > SP._BLANK_TEXT_MAX for k in SP._BLANK_BY_TEXT)


def test_the_row_number_and_the_columns_are_part_of_the_key():
    """Contents for which the row asked, or the window of columns, changes the answer: each is found afresh."""
    naming_other = b'<c r="B6"/><c r="B5"/>'  # blank in B:C as row 6 (its B6 cell is empty), not as row 5
    in5, in6 = sheet(b'<row r="5">' + naming_other + b"</row>"), sheet(b'<row r="6">' + naming_other + b"</row>")
    a_then_b = sheet(b'<row r="5"><c r="A5"><v>1</v></c><c r="B5"/></row>')  # blank from B on, not from A
    out_of_order = sheet(b'<row r="5"><c r="D5"/><c r="B5"/></row>')  # the D5 before B5 counts only up to D
    cases = [(in5, 5, 2, 3), (in6, 6, 2, 3), (a_then_b, 5, 1, 3), (a_then_b, 5, 2, 3), (out_of_order, 5, 2, 3),
             (out_of_order, 5, 2, 5)]
    fresh = []
    for data, r, first, last in cases:
        SP._BLANK_BY_TEXT.clear()
        fresh.append(plain_of(data).surely_blank(r, first, last))
    assert fresh == [False, True, False, True, True, False]
    for order in (cases, cases[::-1]):
        SP._BLANK_BY_TEXT.clear()
        got = {c: plain_of(c[0]).surely_blank(*c[1:]) for c in order}
        assert [got[c] for c in cases] == fresh
