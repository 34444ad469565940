"""A worksheet read from its text, without building a tree, when the text is in the plain form spreadsheet writers
use (Excel, LibreOffice, openpyxl, xlsxwriter, kinerja): what :class:`.sheetcells.SheetCells` answers from the
parsed tree — cells, merged ranges, the last row, and whether a row or column that holds input data is hidden —
answered from the bytes of the part, with the same :class:`~.cellxml.Cell` for every cell.

The plain form (:func:`plain_sheet_cells` says whether a part is in it; anything else is read from the tree as
before): UTF-8; no comment, CDATA section, DOCTYPE or processing instruction after the XML declaration; the root
``<worksheet>`` declares the main namespace as the default one and nothing else does (so every unprefixed element
is a SpreadsheetML element and none is written with a prefix); every ``<c>`` starts with ``r="A1"`` in the plain
form of :func:`.sheetcells._addresses_plain`; one ``<sheetData>``, a child of the root, whose content is ``<row>``
elements (each starting with its own ``r``, no number twice, none nested) and whitespace; and the part is
well-formed, as expat with namespaces says — the same expat, configured the same way, that ElementTree uses, so a
damaged part is never read here: it goes to the tree, which reports it as before.

Rows are indexed by one walk of the row tags; a row's cells are found when the row is first asked for, and a cell's
content is read when the cell is first asked for. A row or cell the plain reader does not recognise — a row with
other children than cells, a cell with rich text, text between a cell's children — sends the whole sheet to the
tree (:func:`.sheetcells.sheet_cells`), which then answers every question: the plain reader never guesses.
tests/workbooks/test_sheetplain.py proves both readers give the same answers.

What the plain-form checks, expat's pass and the row index find is a function of the part's bytes alone, and is
remembered by them (:data:`_LAYOUTS`, bounded), with what readers of the same bytes found since (a row's cells,
blank rows, every cell but a shared string's, whose text is the workbook's): a workbook recalculated again, or the
input sheets an operator did not touch since the last Hitung, are not checked, indexed and read again; a part
differing in one byte is a new key.
"""

from __future__ import annotations

import re
import threading
import xml.parsers.expat
from collections.abc import Callable

from . import unhide as U
from . import xmltext as X
from .cellxml import EMPTY, NS, Cell, blank_cell, cell_of, style_of
from .refs import MAX_ROW, Ref, col_letters, parse_cell
from .sheetcells import _UNPLAIN_C, SheetCells, merged_refs

_A = rb'(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*\s*'  # the attributes of a well-formed start tag
_ATTR = re.compile(rb'([^\s=/>]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_HEAD = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml(' + _A + rb')\?>)?\s*<worksheet(' + _A + rb')>')
_DEFAULT_NS = re.compile(rb'xmlns\s*=')
_MARKUP = re.compile(rb'<[!?]')  # a comment, CDATA section, DOCTYPE or processing instruction
_NS = NS.encode()
_SHEET_DATA = re.compile(rb'<sheetData(' + _A + rb')(/?)>')
_ROW = re.compile(rb'\s*<row r="([1-9][0-9]{0,6})"' + _A + rb'(/?)>')
_ROW_PLAIN = re.compile(rb'\s*<row r="([1-9][0-9]{0,6})"(?: [\w:]+="[^"]*")* ?(/?)>')  # _ROW as writers write it
_ROW_TAG = re.compile(rb'<row r="([1-9][0-9]{0,6})"(' + _A + rb')/?>')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,2})[0-9]')
_ANY_ROW = re.compile(rb'<row[\s/>]')
_ROW_END = re.compile(rb'</row\s*>')
_CELL = re.compile(rb'\s*<c r="([A-Z]{1,2})[1-9][0-9]{0,5}"(' + _A
                   + rb')(?:/>|>([^<]*(?:<(?!/?c[\s/>])[^<]*)*)</c\s*>)')
_CHILD = re.compile(rb'\s*(?:<([vf])' + _A + rb'(?:/>|>([^<]*)</\1\s*>)|<is' + _A + rb'>\s*<t' + _A
                    + rb'(?:/>|>([^<]*)</t\s*>)\s*</is\s*>)')
_MERGE = re.compile(rb'<mergeCell(?=[\s/>])(' + _A + rb')/?>')
_MERGE_PLAIN = re.compile(rb'<mergeCell ref="([A-Z$]{1,4}[0-9$]{1,8}(?::[A-Z$]{1,4}[0-9$]{1,8})?)" ?/>')
_MERGE_ANY = re.compile(rb'<mergeCell[\s/>]')
_MERGED: dict[tuple[str, tuple[bytes, ...]], tuple[Ref, ...]] = {}
_COL = re.compile(rb'<col(?=[\s/>])(' + _A + rb')/?>')
_REF = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_UNKNOWN = object()
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _expand(m: re.Match) -> str:
    if m.group(3):
        return _NAMED[m.group(3)]
    return chr(int(m.group(1))) if m.group(1) else chr(int(m.group(2), 16))


def text_of(raw: bytes) -> str:
    """Character data as an XML parser reports it: line ends normalised, references expanded (expat has checked
    that every reference is one of these)."""
    s = raw.decode("utf-8")
    if "&" not in s and "\r" not in s:
        return s
    return _REF.sub(_expand, s.replace("\r\n", "\n").replace("\r", "\n"))


def value_of(raw: bytes) -> str:
    """An attribute value as an XML parser reports it: line ends normalised, then each literal tab or line end a
    space, then references expanded (a ``&#10;`` stays a line end)."""
    s = raw.decode("utf-8")
    if "&" not in s and "\r" not in s and "\n" not in s and "\t" not in s:
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ").replace("\t", " ")
    return _REF.sub(_expand, s)


def attrs_of(raw: bytes) -> dict[str, str]:
    """The attributes of a start tag (its text after the name), by name as written."""
    return {m.group(1).decode("utf-8"): value_of(m.group(2) if m.group(3) is None else m.group(3))
            for m in _ATTR.finditer(raw)}


def _well_formed(data: bytes) -> bool:
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")  # as ElementTree's parser is made
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _child_of_root(data: bytes, lo: int, hi: int) -> bool:
    """Is the text between the root's start tag and ``<sheetData>`` whole elements, so that sheetData is a child of
    the root (as ``root.find`` looks for it)? Asked only where every ``>`` ends a tag (as many as ``<``): then a
    ``/>`` ends an empty element, and the elements opened there minus those closed is zero (the root cannot be
    closed before sheetData in a well-formed part)."""
    lt = data.count(b"<", lo, hi)
    return lt == data.count(b">", lo, hi) and lt == 2 * data.count(b"</", lo, hi) + data.count(b"/>", lo, hi)


def plain_sheet_cells(data: bytes | None, sst: list[str], sheet: str,
                      tree: Callable[[], SheetCells]) -> PlainSheetCells | None:
    """The sheet read from its text when it is in the plain form (module docstring), else None (read it from the
    tree). ``tree``: the same sheet read from the tree, asked for only if a row or cell is not plain."""
    if not data:
        return None
    layout = _LAYOUTS.get(data, _UNKNOWN)
    if layout is _UNKNOWN:
        found = _layout(data)
        layout = _remember(data, None if found is None else _Layout(data, *found))
    return None if layout is None else PlainSheetCells(layout, sst, sheet, tree)


class _Layout:
    """What a plain part's bytes say, whoever reads them: the rows' spans, sheetData's span, and what readers of
    the same bytes found since — a row's cells (their matches), whether a row is blank in some columns, and the
    cells whose content does not depend on the shared strings (every kind but ``t="s"``)."""

    __slots__ = ("data", "spans", "sheet_data", "rows", "blank", "cells")

    def __init__(self, data: bytes, spans: dict[int, tuple[int, int]], sheet_data: tuple[int, int]):
        self.data, self.spans, self.sheet_data = data, spans, sheet_data
        self.rows: dict[int, dict[bytes, re.Match]] = {}
        self.blank: dict[tuple[int, int, int], bool] = {}
        self.cells: dict[tuple[int, int], Cell] = {}


#: A part's bytes → its layout (:func:`_layout`), for the parts read last: a workbook recalculated again, or its
#: input sheets the operator did not touch, are not checked and indexed again. The key is the whole content, so a
#: part that differs in one byte is a different key; bounded in entries and in memory held: a layout holds its
#: bytes and, once read, every row's matches and cell (≈ 14× the bytes of a part read whole), counted as _HELD×.
_LAYOUTS: dict[bytes, _Layout | None] = {}
_LAYOUTS_MAX, _LAYOUTS_BYTES, _HELD = 64, 32 << 20, 16
_LAYOUTS_LOCK = threading.Lock()  # a server or batch thread may read while another remembers


def _remember(data: bytes, layout: _Layout | None) -> _Layout | None:
    if len(data) * _HELD <= _LAYOUTS_BYTES // 4:
        with _LAYOUTS_LOCK:
            while _LAYOUTS and (len(_LAYOUTS) >= _LAYOUTS_MAX
                                or (sum(map(len, _LAYOUTS)) + len(data)) * _HELD > _LAYOUTS_BYTES):
                del _LAYOUTS[next(iter(_LAYOUTS))]
            _LAYOUTS[bytes(data)] = layout
    return layout


def _layout(data: bytes) -> tuple[dict[int, tuple[int, int]], tuple[int, int]] | None:
    """(row number → the span of its content, sheetData's content span) of a part in the plain form, else None.
    A function of the bytes alone (the rows dict is never changed once made)."""
    head = _HEAD.match(data)
    if head is None or _MARKUP.search(data, head.end()) or data.count(_NS) != 1:
        return None  # a comment, CDATA, DOCTYPE or PI after the declaration; the main namespace declared again
    if head.group(1) is not None and attrs_of(head.group(1)).get("encoding", "utf-8").lower() != "utf-8":
        return None
    if attrs_of(head.group(2)).get("xmlns") != NS or len(_DEFAULT_NS.findall(data)) != 1:
        return None
    if _UNPLAIN_C.search(data):
        return None  # a cell address not in the plain form
    at = data.find(b"<sheetData")
    sd = _SHEET_DATA.match(data, at) if at >= 0 and data.find(b"<sheetData", at + 1) < 0 else None
    if sd is None or not _child_of_root(data, head.end(), at):
        return None
    rows: dict[int, tuple[int, int]] = {}
    if sd.group(2):  # <sheetData/>
        lo = hi = sd.end()
    else:
        lo, hi = sd.end(), data.find(b"</sheetData", sd.end())
        if hi < 0 or not _index_rows(data, lo, hi, rows):
            return None
    if _ANY_ROW.search(data, 0, lo) or _ANY_ROW.search(data, hi):
        return None
    if not _well_formed(data):
        return None
    return rows, (lo, hi)


def _index_rows(data: bytes, lo: int, hi: int, rows: dict[int, tuple[int, int]]) -> bool:
    """Row number → the span of its content, for sheetData's content ``data[lo:hi]``; False when that content is
    not rows and whitespace only, a row number is given twice or out of range, or rows are nested (a row inside
    another is never reached from the end of the one before it: fewer rows reached than row tags)."""
    fast, match, find = _ROW_PLAIN.match, _ROW.match, data.find
    nums: list[int] = []
    pos = lo
    while True:
        m = fast(data, pos) or match(data, pos)
        if m is None:
            break
        start = m.end()
        num = int(m.group(1))
        nums.append(num)
        if m.group(2):  # <row …/>
            pos = start
            continue
        end = find(b"</row", start, hi)
        if end < 0:
            return False
        if data[end + 5:end + 6] == b">":
            pos = end + 6
        else:
            close = _ROW_END.match(data, end)
            if close is None:
                return False
            pos = close.end()
        rows[num] = (start, end)
    return (not data[pos:hi].strip() and len(nums) == data.count(b"<row", lo, hi) and len(set(nums)) == len(nums)
            and max(nums, default=0) <= MAX_ROW)


#: (a row's content, its number, the first and last column asked) → whether the row is surely blank there
#: (:meth:`PlainSheetCells._surely_blank`, which reads nothing but these: its searches stay inside the row's content
#: and its pattern looks neither behind nor ahead). A template's spare table rows — the same empty, styled cells in
#: every workbook made from it, ≈ 600 asked a workbook of PK 2024 — are answered without a search. Bounded: rows of
#: at most 512 bytes, emptied when 8 192 are kept (≈ 4 MB at most).
_BLANK_BY_TEXT: dict[tuple[bytes, int, int, int], bool] = {}
_BLANK_TEXT_MAX, _BLANK_KEPT = 512, 8192

_LETTERS: dict[int, bytes] = {}
_CELL_ATTRS: dict[bytes, tuple[str, int | None]] = {}  # a <c>'s attributes after r → (t, style)


def _letters(col: int) -> bytes:
    """3 → ``b"C"`` (columns past ZZ are never in the plain form: b"" finds no cell)."""
    if col not in _LETTERS:
        _LETTERS[col] = col_letters(col).encode() if 1 <= col <= 702 else b""
    return _LETTERS[col]


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    if letters not in _COLUMNS:
        _COLUMNS[letters] = parse_cell(letters.decode() + "1")[1]
    return _COLUMNS[letters]


class _NotPlain(Exception):  # a row or cell the plain reader does not recognise: the sheet is read from the tree
    pass


class PlainSheetCells(SheetCells):
    """:class:`~.sheetcells.SheetCells` answered from the text of a plain part (module docstring)."""

    def __init__(self, layout: _Layout, sst: list[str], sheet: str, tree: Callable[[], SheetCells]):
        self._data = layout.data  # the same content as the part's (the bytes the layout was found in)
        self._spans = layout.spans
        self._sheet_data = layout.sheet_data
        self._blank = layout.blank
        self._shared = layout.cells
        self._sst, self._sheet = sst, sheet
        self._tree_of = tree
        self._tree: SheetCells | None = None
        self._rows = layout.rows  # row → its cells' matches by column letters, once read
        self._cells: dict[tuple[int, int], Cell] = {}
        self._asked: set[int] = set()  # rows one cell of which was found alone
        self._all: dict[tuple[int, int], Cell] | None = None
        self._merged: tuple[Ref, ...] | None = None
        self._merges = None

    @property
    def plain(self) -> bool:
        """Still answered from the text (no row or cell sent the sheet to the tree)."""
        return self._tree is None

    def _to_tree(self) -> SheetCells:
        if self._tree is None:
            self._tree = self._tree_of()
        return self._tree

    @property
    def merged(self) -> tuple[Ref, ...]:
        if self._merged is None:
            data = self._data
            refs = _MERGE_PLAIN.findall(data)  # <mergeCell ref="A1:B2"/>: the value is the text
            if len(refs) != len(_MERGE_ANY.findall(data)):
                refs = [attrs_of(m.group(1)).get("ref", "").encode() for m in _MERGE.finditer(data)]
            key = (self._sheet, tuple(refs))
            found = _MERGED.get(key)  # a template's workbooks share their merged ranges
            if found is None:
                if len(_MERGED) >= 64:
                    _MERGED.clear()
                found = _MERGED[key] = merged_refs((r.decode() for r in refs), self._sheet)
            self._merged = found
        return self._merged

    def surely_blank(self, row: int, first: int = 1, last: int = 702) -> bool:
        """No stored cell of the row in columns ``first``–``last`` holds anything, known without reading the row's
        cells: the row has none, or from the cell of column ``first`` on the row is cells written ``<c …/>`` only
        (every ``<`` there starts a cell, so each is an empty child of the row) and no cell of those columns comes
        before it. False when that is not so (the cells are then read)."""
        key = (row, first, last)
        known = self._blank.get(key)
        if known is None:
            known = self._blank[key] = self._surely_blank(row, first, last)
        return known

    def blank_rows(self, rows: range, first: int, last: int) -> frozenset[int]:
        key = (rows.start, rows.stop, first, last)  # :meth:`surely_blank` of a table's rows, kept with the layout
        if key not in self._blank:
            self._blank[key] = frozenset(r for r in rows if self._surely_blank(r, first, last))
        return self._blank[key]

    def _surely_blank(self, row: int, first: int, last: int) -> bool:
        span = self._spans.get(row)
        if span is None:
            return True
        start, end = span
        data = self._data
        key = None
        if end - start <= _BLANK_TEXT_MAX:  # the answer is a function of the row's content, its number, the columns
            key = (data[start:end], row, first, last)
            known = _BLANK_BY_TEXT.get(key)
            if known is not None:
                return known
        at = data.find(b'<c r="%s%d"' % (_letters(first), row), start, end)
        if at < 0 or data.count(b"<", at, end) != data.count(b'<c r="', at, end):
            known = at < 0 and data.count(b"<", start, end) == data.count(b'<c r="', start, end)
        else:
            known = not any(first <= _column(letters) <= last for letters in _CELL_COLUMN.findall(data, start, at))
        if key is not None:
            if len(_BLANK_BY_TEXT) >= _BLANK_KEPT:
                _BLANK_BY_TEXT.clear()
            _BLANK_BY_TEXT[key] = known
        return known

    def _row(self, row: int) -> dict[bytes, re.Match] | None:
        """The row's cells by column letters (their matches), None when the row has none stored."""
        found = self._rows.get(row)
        if found is not None:
            return found
        span = self._spans.get(row)
        if span is None:
            return None
        start, end = span
        found, pos, data = {}, start, self._data
        for m in _CELL.finditer(data, start, end):
            if m.start() != pos:
                raise _NotPlain
            found[m.group(1)] = m  # a later duplicate wins
            pos = m.end()
        if data[pos:end].strip():
            raise _NotPlain
        self._rows[row] = found
        return found

    def get(self, row: int, col: int) -> Cell:
        cell = self._cells.get((row, col))
        if cell is not None:
            return cell
        if self._tree is not None:
            return self._tree.get(row, col)
        cell = self._shared.get((row, col))
        if cell is not None:
            return cell
        try:
            found = self._rows.get(row)
            if found is not None:
                m = found.get(_letters(col))
            elif row not in self._asked:  # the first cell asked of a row: found alone (a single input's cell)
                self._asked.add(row)
                m = self._one(row, col)
            else:  # a second cell of the row: the row read whole (a table's row)
                m = _UNKNOWN
            if m is _UNKNOWN:
                found = self._row(row)
                m = found.get(_letters(col)) if found is not None else None
            if m is None:
                return EMPTY
            cell = self._cells[(row, col)] = self._read(m)
            if _CELL_ATTRS.get(m.group(2), ("s",))[0] != "s":  # not a shared string: the same for every reader
                self._shared[(row, col)] = cell
        except _NotPlain:
            return self._to_tree().get(row, col)
        return cell

    def get_row(self, row: int, first: int, last: int) -> list[Cell]:
        """The cells of columns ``first``–``last`` of a row, the row read whole at once."""
        if self._tree is None and row not in self._rows:
            try:
                self._row(row)
            except _NotPlain:
                self._to_tree()
        return [self.get(row, c) for c in range(first, last + 1)]

    def _one(self, row: int, col: int) -> re.Match | None | object:
        """The one cell of column ``col`` in a row not read yet, found without reading the others: None when the
        row holds no cell of the column, :data:`_UNKNOWN` when this cannot be settled so (the row is then read
        whole). Settled when the row's content names the column in one ``<c r="…`` only, and the text before it
        is whole elements (as many ``<`` as ``>`` — so a ``/>`` ends an empty element — and as many elements
        opened as closed): then that cell is a child of the row, the only one of its column."""
        span = self._spans.get(row)
        if span is None:
            return None
        start, end = span
        data = self._data
        needle = b'<c r="' + _letters(col)
        at = data.find(needle, start, end)
        if at < 0:
            return None
        if data.find(needle, at + 1, end) >= 0:
            return _UNKNOWN
        if not 48 <= data[at + len(needle)] <= 57:  # <c r="CA… for column C: no cell of column C
            return None
        lt = data.count(b"<", start, at)
        if lt != data.count(b">", start, at) or lt != 2 * data.count(b"</", start, at) + data.count(b"/>", start, at):
            return _UNKNOWN
        m = _CELL.match(data, at, end)
        return _UNKNOWN if m is None else m

    def _read(self, m: re.Match) -> Cell:
        raw = m.group(2)
        known = _CELL_ATTRS.get(raw)
        if known is None:
            a = attrs_of(raw)
            known = (a.get("t", "n"), style_of(a.get("s")))
            if len(_CELL_ATTRS) >= 4096:
                _CELL_ATTRS.clear()
            _CELL_ATTRS[raw] = known
        t, style = known
        body = m.group(3)
        if body is None:
            return blank_cell(t == "inlineStr", style)
        tags = body.count(b"<")
        if not tags:
            return blank_cell(t == "inlineStr", style)
        if tags == 2 and body[:3] == b"<v>" and body[-4:] == b"</v>":  # the usual number: <v>26943</v>
            text = body[3:-4].decode()
            if "&" not in text and "\r" not in text:
                return cell_of(t, style, None, text, None, self._sst)
        elif tags == 4 and body[:7] == b"<is><t>" and body[-9:] == b"</t></is>":  # the usual inline string
            text = body[7:-9].decode()
            if "&" not in text and "\r" not in text:
                return cell_of(t, style, None, None, X.excel_unescape(text) if t == "inlineStr" else None,
                               self._sst)
        formula = text = inline = None
        seen_is = False
        pos, end = 0, len(body)
        while pos < end:
            k = _CHILD.match(body, pos)
            if k is None:
                if body[pos:].strip():
                    raise _NotPlain
                break
            pos = k.end()
            name = k.group(1)
            if name == b"v":
                if text is None:
                    text = text_of(k.group(2)) if k.group(2) is not None else ""
            elif name == b"f":
                if formula is None:
                    formula = text_of(k.group(2)) if k.group(2) is not None else ""
            elif not seen_is:
                seen_is = True
                inline = X.excel_unescape(text_of(k.group(3))) if k.group(3) is not None else ""
        return cell_of(t, style, formula, text, inline if t == "inlineStr" and seen_is else None, self._sst)

    @property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every stored cell, in document order."""
        if self._tree is not None:
            return self._tree.cells
        if self._all is None:
            try:
                out = dict(self._cells)
                for r in self._spans:
                    for letters in self._row(r):
                        c = _column(letters)
                        if (r, c) not in out:
                            out[(r, c)] = self.get(r, c)
            except _NotPlain:
                return self._to_tree().cells
            if self._tree is not None:
                return self._tree.cells
            self._all = out
        return self._all

    def last_row(self) -> int:
        """The last row holding a cell."""
        if self._tree is not None:
            return self._tree.last_row()
        if not hasattr(self, "_last"):
            try:
                self._last = next((r for r in sorted(self._spans, reverse=True) if self._row(r)), 0)
            except _NotPlain:
                return self._to_tree().last_row()
        return self._last

    # -- what Package.show asks before it splices ------------------------------------------------------------

    def any_hidden_row(self, rows: set[int] | frozenset[int]) -> bool:
        """:func:`.unhide.any_hidden_row`, from the row tags (every ``<row>`` is a child of sheetData here)."""
        (lo, hi), data, spans = self._sheet_data, self._data, self._spans
        # each wanted row with content: its tag ends where its content starts; else every tag (each with its r)
        tags = ([_ROW_TAG.match(data, data.rfind(b"<row", lo, spans[r][0]), spans[r][0]) for r in rows]
                if all(r in spans for r in rows) else [None])
        if None in tags:
            tags = [m for m in _ROW_TAG.finditer(data, lo, hi) if int(m.group(1)) in rows]
        return any(b"hidden" in m.group(2) and U.hides(attrs_of(m.group(2)).get("hidden")) for m in tags)

    def any_hidden_col(self, cols: set[int] | frozenset[int]) -> bool:
        """:func:`.unhide.any_hidden_col`, from every ``<col>`` tag of the part."""
        found = ((a.get("hidden"), a.get("min", ""), a.get("max", ""))
                 for a in (attrs_of(m.group(1)) for m in _COL.finditer(self._data)))
        return U.hidden_col_among(found, cols)
