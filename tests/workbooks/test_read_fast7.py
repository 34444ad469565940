"""The seventh round's reading fast paths against what they replace (issue 7): a table's surely-blank rows asked at
once (``blank_rows``) are the rows ``surely_blank`` says one by one — on every sheet test_sheetplain generates, for
every window of rows and columns, fresh and shared with an earlier reader of the same bytes — and a blank row is
only ever one whose cells in the table's columns are all empty as the tree reads them."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import sheetplain as SP
from test_sheetplain import COLS, plain_of, sheets, tree_of


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.integers(0, 10), st.integers(0, 10), st.integers(1, COLS + 1), st.integers(1, COLS + 1))
def test_blank_rows_are_the_rows_surely_blank_says(case, lo, n, first, width):
    data, nrows, _, _ = case
    rows, last = range(lo, lo + n), first + width - 1
    tree = tree_of(data)
    for shared in (False, True):
        plain = plain_of(data, fresh=not shared)
        one_by_one = plain_of(data, fresh=False) if shared else plain_of(data)
        want = frozenset(r for r in rows if one_by_one.surely_blank(r, first, last))
        assert plain.blank_rows(rows, first, last) == want
        assert plain.blank_rows(rows, first, last) == want  # asked again: kept with the layout
        for r in want:  # never a row with something in the window
            assert all(tree.get(r, c).kind == "empty" or (tree.get(r, c).kind == "text" and not tree.get(r, c).text)
                       for c in range(first, last + 1))
    assert tree.blank_rows(rows, first, last) == frozenset()  # the tree knows no row blank unread
    SP._LAYOUTS.pop(data, None)
