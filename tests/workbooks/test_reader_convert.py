"""The reader's quick way for the usual number cell (issue 7, reading: ``_Reader.convert`` takes a number in no
percent, date or unknown format, in range and of its kind, at once) gives exactly what every check in order gives
(``_Reader._convert``): the same value, the same problems — for every kind of cell, format, kind of input and
stored text, in a file's reader and a live book's (whose unknown formats are a third set)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine.interface import CellKey, ColumnSpec, Inputs, InputSpec
from kinerja.workbooks.cellxml import Cell
from kinerja.workbooks.reader import _EXPECTED, _Reader

PERCENT, DATE, UNKNOWN, PLAIN = 1, 2, 3, 4
TEXTS = ["0", "-0", "1", "55", "-3", "2.5", "0.85", "94.359999999999999", "0.28499999999999998", "26943",
         "1E+35", "1e400", "-1E+20", "9.99999999999999E+14", "123456789012345678", " 7 ", "NaN", "Infinity", "abc",
         "", "1.0", "1E-3", "#N/A", "TRUE", "4.2E-3", "100"]
SPEC = InputSpec("T", "tabel", columns=(ColumnSpec("x", "teks", choices=("a", "b")), ColumnSpec("n", "cacah")))


def reader() -> _Reader:
    """A reader of no package: only what ``convert`` asks (formats, the problems it records)."""
    r = _Reader.__new__(_Reader)
    r.file, r.inputs = "b.xlsx", Inputs()
    r.percent, r.dates, r.unknown = frozenset({PERCENT}), frozenset({DATE}), frozenset({UNKNOWN})
    r.special = r.percent | r.dates | r.unknown
    return r


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(kind=st.sampled_from(sorted(_EXPECTED) + ["tahun", "lain"]),
       cell_kind=st.sampled_from(["number", "number", "number", "text", "empty", "boolean", "error", "uncached",
                                  "date"]),
       text=st.sampled_from(TEXTS), style=st.sampled_from([None, PERCENT, DATE, UNKNOWN, PLAIN]),
       required=st.booleans(), table=st.booleans())
def test_the_quick_way_gives_what_every_check_gives(kind, cell_kind, text, style, required, table):
    cell = Cell(cell_kind, text, "A1*2" if cell_kind == "uncached" else None, style)
    extra = dict(key=CellKey("T", 0, "n"), labels=(SPEC, 0, "n", "baris")) if table else dict(label="Isian")
    quick, slow = reader(), reader()
    got = quick.convert(cell, kind, required, "T", "Input!C5", **extra)
    want = slow._convert(cell, kind, required, "T", "Input!C5", **extra)
    assert (got, type(got)) == (want, type(want)) and str(got) == str(want)
    assert quick.inputs.problems == slow.inputs.problems


def test_the_quick_way_is_taken():
    """The usual number does not go through every check (else the comparison above compares a path with itself)."""
    r = reader()
    r._convert = None  # the quick way never calls it
    assert str(r.convert(Cell("number", "94.359999999999999", None, PLAIN), "angka", True, "T", "Input!C5")) == "94.36"
    assert r.convert(Cell("number", "55", None, None), "cacah", True, "T", "Input!C5") == 55
