"""The cells of a worksheet row written the usual way — each ``<c>`` with its own ``r="…"`` first, one after
another — recognised by one match of the whole row and read lazily (:class:`PlainRow`: the addresses at once, a
cell's place only when a splice asks for it); the row and column numbers a ``<row r>``/``<c r>`` stands for, and
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


_PATTERNS: dict[str, tuple] = {}  # prefix → (one cell after whitespace, one cell, a whole row, addresses, opener)


def plain_cells(text: str, prefix: str, lo: int, hi: int) -> Sequence[tuple[int, int, str]] | None:
    """(start, end, r) of every ``<c>`` of one row in the masked ``text[lo:hi]``: each cell a start tag whose first
    attribute is ``r="…"`` and either self-closing or closed by the next ``</c>`` with no other ``<c`` tag in it,
    only whitespace between cells. None for anything else (a cell without ``r`` or with it later in the tag, a
    nested or stray cell tag, markup between cells): the splicer reads such a row tag by tag. Whether the row is
    of that form is one match of the whole row (in C); the cells are a :class:`PlainRow`."""
    pats = _PATTERNS.get(prefix)
    if pats is None:
        q = re.escape(prefix + "c")
        one = (rf"""<{q} r="([^"&]+)"(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
               rf"""(?:/>|>[^<]*(?:<(?!/?{q}[\s/>])[^<]*)*</{q}\s*>)""")
        bare = one.replace("([^", "(?:[^", 1)
        pats = _PATTERNS[prefix] = (re.compile(rf"\s*({one})"), re.compile(bare), re.compile(rf"(?:\s*{bare})*\s*"),
                                    re.compile(rf'<{q} r="([^"&]+)"'), f'<{prefix}c r="')
    if not pats[2].fullmatch(text, lo, hi):
        return None
    return PlainRow(text, lo, hi, pats)


class PlainRow(Sequence):
    """The cells of a row :func:`plain_cells` vouched for, read lazily: their addresses at once (one scan in C),
    where one cell is (start, end) when asked — a splice needs only the cells it edits. As a sequence: the (start,
    end, r) of every cell, found by one match each."""

    def __init__(self, text: str, lo: int, hi: int, pats: tuple) -> None:
        self.text, self.lo, self.hi, self._pats = text, lo, hi, pats
        self.refs: list[str] = pats[3].findall(text, lo, hi)  # in a plain row each `<c r="` opens a cell
        self._all: list[tuple[int, int, str]] | None = None

    def span(self, i: int) -> tuple[int, int]:
        """(start, end) of the ``i``-th cell: its address is unique in the row when the caller asks by index."""
        start = self.text.find(f'{self._pats[4]}{self.refs[i]}"', self.lo, self.hi)
        return start, self._pats[1].match(self.text, start, self.hi).end()

    def _cells(self) -> list[tuple[int, int, str]]:
        if self._all is None:
            self._all = [(m.start(1), m.end(1), m.group(2)) for m in self._pats[0].finditer(self.text, self.lo,
                                                                                             self.hi)]
        return self._all

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
