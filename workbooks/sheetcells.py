"""The stored cells of one worksheet, read from its parsed XML: which ``<row>``/``<c>`` sits where (every address
checked when the sheet is first read: a bad one is a damaged package, ``B102``), the merged ranges, and each cell's
content, read into a :class:`~.cellxml.Cell` only when the cell is first asked for (a row's cells are found by
column when the row is first asked for) — an input sheet holds many label and layout cells that a recalculation
never looks at.

:meth:`kinerja.workbooks.ooxml.Package.cells` builds one per sheet and package state.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from . import unhide as U
from .cellxml import EMPTY, NS, Cell, qname, read_cell
from .errors import corrupt
from .refs import MAX_ROW, Ref, parse_area, parse_cell

_TAG_ROW, _TAG_C = qname("row"), qname("c")


class SheetCells:
    """The stored cells and merged ranges of one worksheet (the cells of a package state never change: an edit
    drops them). ``rows``: row number → its ``<row>`` element (addresses checked already); when the row is first
    asked for, its cells by column; a cell's content is read when it is first asked for."""

    def __init__(self, cells: dict[tuple[int, int], Cell], merged: tuple[Ref, ...],
                 rows: dict[int, ET.Element] | None = None, sst: list[str] | None = None):
        self._cells = cells
        self.merged = merged
        self._rows: dict[int, ET.Element | dict[int, ET.Element]] = rows or {}  # row → <row>, or its <c>s by column
        self._sst = sst or []
        self._all: dict[tuple[int, int], Cell] | None = None if self._rows else cells
        self._merges: dict[int, list[Ref]] | None = None
        self._root: ET.Element | None = None  # the parsed sheet, when read from one

    @property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every stored cell, in document order."""
        if self._all is None:
            self._all = dict(self._cells)
            for r, row in self._rows.items():
                for c, el in (row if type(row) is dict else dict(_row_cells(row))).items():  # a later duplicate wins
                    if (r, c) not in self._all:
                        self._all[(r, c)] = read_cell(el, self._sst)
        return self._all

    def get(self, row: int, col: int) -> Cell:
        cell = self._cells.get((row, col))
        if cell is not None:
            return cell
        found = self._rows.get(row)
        if found is None:
            return EMPTY
        if type(found) is not dict:  # the row first asked for: its cells by column (a later duplicate wins)
            found = self._rows[row] = dict(_row_cells(found))
        el = found.get(col)
        if el is None:
            return EMPTY
        cell = self._cells[(row, col)] = read_cell(el, self._sst)
        return cell

    def get_row(self, row: int, first: int, last: int) -> list[Cell]:
        """The cells of columns ``first``–``last`` of a row (:meth:`get` of each)."""
        return [self.get(row, c) for c in range(first, last + 1)]

    def any_hidden_row(self, rows: set[int] | frozenset[int]) -> bool:
        """:func:`.unhide.any_hidden_row` of the parsed sheet (what :meth:`.ooxml.Package.show` asks first)."""
        return U.any_hidden_row(self._root, rows)

    def any_hidden_col(self, cols: set[int] | frozenset[int]) -> bool:
        """:func:`.unhide.any_hidden_col` of the parsed sheet."""
        return U.any_hidden_col(self._root, cols)

    def surely_blank(self, row: int, first: int = 1, last: int = 702) -> bool:
        """True only when no stored cell of the row in columns ``first``–``last`` holds anything (a formatted blank
        at most); False when that is not known without reading the row's cells."""
        return False

    def blank_rows(self, rows: range, first: int, last: int) -> frozenset[int]:
        """The rows of ``rows`` of which :meth:`surely_blank` (``first``, ``last``) is true."""
        return frozenset(r for r in rows if self.surely_blank(r, first, last))

    def merge_at(self, row: int, col: int) -> Ref | None:
        """The first merged range (in the sheet's order) holding the cell."""
        if self._merges is None:  # (position, range) by the rows each covers; very tall ranges tried for every row
            self._merges, self._tall = {}, []
            for i, m in enumerate(self.merged):
                if m.row2 - m.row1 > 4096:
                    self._tall.append((i, m))
                    continue
                for r in range(m.row1, m.row2 + 1):
                    self._merges.setdefault(r, []).append((i, m))
        hits = [(i, m) for i, m in (*self._merges.get(row, ()), *self._tall) if m.contains(row, col)]
        return min(hits, key=lambda h: h[0])[1] if hits else None

    def last_row(self) -> int:
        """The last row holding a cell."""
        if not hasattr(self, "_last"):
            unread = next((r for r in sorted(self._rows, reverse=True) if _has_cells(self._rows[r])), 0)
            self._last = max(max((r for r, _ in self._cells), default=0), unread)
        return self._last


def _has_cells(row: ET.Element | dict) -> bool:
    return bool(row) if type(row) is dict else any(el.tag == _TAG_C for el in row)


def _row_cells(row: ET.Element) -> list[tuple[int, ET.Element]]:
    """(column, ``<c>``) of a row's cells in document order (addresses checked by :func:`sheet_cells`)."""
    out = []
    col_num = 0
    for c in row:
        if c.tag != _TAG_C:
            continue
        ref = c.get("r")
        col_num = parse_cell(ref)[1] if ref else col_num + 1
        out.append((col_num, c))
    return out


def int_attr(text: str, path: Path, part: str, what: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer attribute of a part, or B102 naming the part and the attribute."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        value = None
    if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise corrupt(path, part, f"{what} bukan bilangan yang sah", f"{what} is not a valid number")
    return value


# In a part whose main namespace is the default one and declared once, with no comment, CDATA or processing
# instruction after the prolog, every cell is an unprefixed <c …> start tag: when each starts with r="…" in the
# plain form below (columns A–ZZ, rows 1–999999), every address is valid, and one search of the text says so.
_UNPLAIN_C = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,2}[1-9][0-9]{0,5}")')  # a <c> start tag not of that form


def _addresses_plain(data: bytes | None) -> bool:
    ns = NS.encode()
    if not data or data.count(ns) != 1 or b'xmlns="' + ns + b'"' not in data or b"<!--" in data \
            or b"<![CDATA[" in data or data.count(b"<?") > 1:
        return False
    return _UNPLAIN_C.search(data) is None


def sheet_cells(root: ET.Element, data: bytes | None, sst: list[str], sheet: str, path: Path,
                part: str) -> SheetCells:
    """The cells of a parsed worksheet part (``data``: its bytes, for the quick check of the cell addresses)."""
    rows: dict[int, ET.Element] = {}
    twice = False
    row_num = 0
    check = not _addresses_plain(data)  # else every <c r> was found valid in the text
    for row in root.iter(_TAG_ROW):
        r = row.get("r")
        row_num = row_num + 1 if r is None else int_attr(r, path, part, f'<row r="{r}">', 1, MAX_ROW)
        if check:
            col_num = 0
            for c in row:  # the <c> children: every address checked now, the values read when asked for
                if c.tag != _TAG_C:
                    continue
                ref = c.get("r")
                try:
                    col_num = parse_cell(ref)[1] if ref else col_num + 1
                except ValueError:
                    raise corrupt(path, part, f'<c r="{ref}"> bukan alamat sel',
                                  f'<c r="{ref}"> is not a cell address') from None
        if len(row):
            twice = twice or row_num in rows
            rows[row_num] = row
    cells: dict[tuple[int, int], Cell] = {}
    if twice:  # a row written twice (not by Excel): every cell read now, in document order, the last one wins
        rows, cells = {}, _all_cells(root, sst)
    merged = merged_refs((m.get("ref", "") for m in root.iter(qname("mergeCell"))), sheet)
    out = SheetCells(cells, merged, rows, sst)
    out._root = root
    return out


def merged_refs(refs: Iterable[str], sheet: str) -> tuple[Ref, ...]:
    """The merged ranges of the ``ref`` attributes of a sheet's ``<mergeCell>``s in order (one not a range is
    left out)."""
    merged = []
    for ref in refs:
        try:
            r1, c1, r2, c2 = parse_area(ref)
        except ValueError:
            continue
        merged.append(Ref(sheet, r1, c1, r2, c2))
    return tuple(merged)


def _all_cells(root: ET.Element, sst: list[str]) -> dict[tuple[int, int], Cell]:
    """Every cell of a sheet whose addresses were checked, read in document order."""
    cells: dict[tuple[int, int], Cell] = {}
    row_num = 0
    for row in root.iter(_TAG_ROW):
        r = row.get("r")
        row_num = row_num + 1 if r is None else int(r)
        for c, el in _row_cells(row):
            cells[(row_num, c)] = read_cell(el, sst)
    return cells
