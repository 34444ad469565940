"""The cells of a worksheet row written the usual way — each ``<c>`` with its own ``r="…"`` first, one after
another — recognised by one match of the whole row, remembered by the row's text (:class:`PlainRow`: the addresses, the
column numbers, each cell's place); the row and column numbers a ``<row r>``/``<c r>`` stands for, and
:class:`BadPosition` for one that is none. Works on the *masked* text of a part (:func:`.xmltext.masked`); the
splicer (:mod:`.xmltext`) reads any other row tag by tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .refs import MAX_ROW, parse_cell


class BadPosition(ValueError):
    """A ``<row r>``/``<c r>`` that is no row number or cell address: the part cannot be edited."""

    def __init__(self, message: str, en: str):
        super().__init__(message)
        self.en = en


def row_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW:
        raise BadPosition(f'<row r="{text}"> bukan nomor baris', f'<row r="{text}"> is not a row number')
    return int(text)


def col_number(text: str) -> int:
    try:
        return parse_cell(text)[1]
    except ValueError:
        raise BadPosition(f'<c r="{text}"> bukan alamat sel', f'<c r="{text}"> is not a cell address') from None


_PATTERNS: dict[str, tuple] = {}  # prefix → (one cell after whitespace, a whole row)


def plain_cells(text: str, prefix: str, lo: int, hi: int) -> PlainRow | None:
    """(start, end, r) of every ``<c>`` of one row in the masked ``text[lo:hi]``: each cell a start tag whose first
    attribute is ``r="…"`` and either self-closing or closed by the next ``</c>`` with no other ``<c`` tag in it,
    only whitespace between cells. None for anything else (a cell without ``r`` or with it later in the tag, a
    nested or stray cell tag, markup between cells): the splicer reads such a row tag by tag. Whether the row is
    of that form is one match of the whole row (in C), remembered by the row's text; the cells are a
    :class:`PlainRow`. A cell address that is none raises :class:`BadPosition`."""
    pats = _PATTERNS.get(prefix)
    if pats is None:
        q = re.escape(prefix + "c")
        one = (rf"""<{q} r="([^"&]+)"(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
               rf"""(?:/>|>[^<]*(?:<(?!/?{q}[\s/>])[^<]*)*</{q}\s*>)""")
        bare = one.replace("([^", "(?:[^", 1)
        pats = _PATTERNS[prefix] = (re.compile(rf"\s*({one})"), re.compile(rf"(?:\s*{bare})*\s*"))
    key = (prefix, text[lo:hi])
    shape = _SHAPES.get(key)
    if shape is None:
        if not pats[1].fullmatch(text, lo, hi):
            shape = False
        else:
            cells = [(m.start(1) - lo, m.end(1) - lo, m.group(2)) for m in pats[0].finditer(text, lo, hi)]
            refs = [ref for _, _, ref in cells]
            cols = list(map(COLUMNS.__getitem__, refs))  # every address checked (BadPosition)
            shape = refs, cells, (cols if cols == sorted(set(cols)) else None)
        if len(_SHAPES) >= 4096:
            _SHAPES.clear()
        _SHAPES[key] = shape
    return PlainRow(lo, shape) if shape else None


# (prefix, a row's masked text between its tags) → False when its cells are not written the usual way, else (their
# addresses, (start, end, address) of each from the row's start, their column numbers when in column order): an
# output row of a template is the same in every workbook made from it, and a recalculated workbook's rows that
# got the same results are the same as the last time. Bounded: emptied when full.
_SHAPES: dict[tuple[str, str], tuple | bool] = {}


class PlainRow(Sequence):
    """The cells of a row :func:`plain_cells` vouched for: ``refs`` their addresses, ``cols`` their column numbers
    when they are in column order (None when not), ``span(i)`` where the ``i``-th cell is (start, end). As a
    sequence: the (start, end, r) of every cell."""

    def __init__(self, lo: int, shape: tuple) -> None:
        self.lo = lo
        self.refs, self._rel, self.cols = shape

    def span(self, i: int) -> tuple[int, int]:
        start, end, _ = self._rel[i]
        return self.lo + start, self.lo + end

    def _cells(self) -> list[tuple[int, int, str]]:
        lo = self.lo
        return [(lo + start, lo + end, ref) for start, end, ref in self._rel]

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, i):
        return self._cells()[i]

    def __eq__(self, other: object) -> bool:
        return self._cells() == (other._cells() if isinstance(other, PlainRow) else other)

    __hash__ = None  # type: ignore[assignment]


class Columns(dict):
    """Cell address → column number (:func:`col_number`, raising for a bad one), for the addresses of plain
    rows: a template's addresses repeat in every workbook made from it. Emptied when full."""

    def __missing__(self, ref: str) -> int:
        col = col_number(ref)
        if len(self) >= 100_000:
            self.clear()
        self[ref] = col
        return col


COLUMNS = Columns()
