"""Surgery on the raw text of XML parts.

Why not ElementTree for writing: it re-serialises the whole part (namespace prefixes renamed, ``mc:Ignorable``
prefixes lost, attribute quoting changed), and Excel is picky about some of that. kinerja edits the operator's
parts by locating the few elements it owns in the text and splicing new text in; every other byte of the part
stays as it was. Reading goes through ElementTree (see ooxml.py); only writes use this module.

Markup is located on a *masked* copy of the text (:func:`masked`): comments, CDATA sections and processing
instructions are blanked out (same length, so positions are those of the original), so that after masking
every ``<`` is the start of a real tag — an element inside a comment is never found, and text is never spliced
into a comment or a CDATA section. Before a part is edited, :func:`uniform_prefix` reads it with expat (a real,
namespace-aware XML parser) and tells which prefix the part writes the namespace with; a part that writes one
namespace with several prefixes, gives another namespace the same written names, or carries a DOCTYPE is refused
(:class:`UnsafeXml`) instead of guessed at. Every edited part is parsed again (:func:`check_well_formed`) before it
is stored, so a part kinerja writes is well-formed or not written at all. Those two expat questions are
:mod:`.xmlcheck`'s (re-exported here).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator

from .bounded import PART_KEPT_MAX, evict_oldest
from .plainrow import COLUMNS as _COLUMNS
from .plainrow import BadPosition as BadPosition
from .plainrow import PlainRow as _PlainRow
from .plainrow import col_number as _col_number
from .plainrow import plain_cells
from .plainrow import row_number as _row_number
from .refs import MAX_ROW, cell_name, parse_area
from .xmlcheck import UnsafeXml as UnsafeXml
from .xmlcheck import _skip_prolog
from .xmlcheck import check_well_formed as check_well_formed
from .xmlcheck import root_prefix as root_prefix
from .xmlcheck import uniform_prefix as uniform_prefix
from .xmlescape import escape as escape
from .xmlescape import excel_escape as excel_escape
from .xmlescape import excel_unescape as excel_unescape
from .xmlescape import unescape as unescape
from .xmlfind import _SPECIAL as _SPECIAL
from .xmlfind import Element as Element
from .xmlfind import _flat_children as _flat_children
from .xmlfind import _patterns as _patterns
from .xmlfind import children as children
from .xmlfind import find as find
from .xmlfind import masked as masked

_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


def attrs(tag: str) -> dict[str, str]:
    """Attributes of a start tag, unescaped."""
    return {m.group(1): unescape(m.group(2)[1:-1]) for m in _ATTR.finditer(tag)}


def attr(tag: str, name: str) -> str | None:
    """``attrs(tag).get(name)`` for a start tag (well-formed: no duplicate attribute), without unescaping every
    other attribute."""
    for m in _ATTR.finditer(tag):
        if m.group(1) == name:
            value = m.group(2)[1:-1]
            return unescape(value) if "&" in value else value
    return None


def _r_attr(tag: str) -> str | None:
    """The ``r`` of a ``<row>``/``<c>`` start tag."""
    return attr(tag, "r")


def set_attr(tag: str, name: str, value: str) -> str:
    """Set one attribute in a start tag, leaving the others (and their quoting) alone."""
    for m in _ATTR.finditer(tag):
        if m.group(1) == name:
            return tag[: m.start(2)] + '"' + escape(value, attr=True) + '"' + tag[m.end(2) :]
    cut = len(tag) - (2 if tag.endswith("/>") else 1)
    while cut > 0 and tag[cut - 1].isspace():
        cut -= 1
    return tag[:cut] + f' {name}="{escape(value, attr=True)}"' + tag[cut:]


def del_attr(tag: str, name: str) -> str:
    for m in _ATTR.finditer(tag):
        if m.group(1) == name:
            s = m.start()
            while s > 0 and tag[s - 1].isspace():
                s -= 1
            return tag[:s] + tag[m.end() :]
    return tag


def ns_prefix(text: str, uri: str) -> str | None:
    """The prefix (``"r"``) the root element binds to ``uri``; None when it is not declared there."""
    body = _skip_prolog(text)
    root = re.match(r"\s*<[^>]*>", body)
    if not root:
        return None
    for name, value in attrs(root.group(0)).items():
        if name.startswith("xmlns:") and value == uri:
            return name[6:]
    return None


def insert_child(text: str, parent: Element, new: str, before: tuple[str, ...], prefix: str) -> str:
    """Insert ``new`` as a child of ``parent`` just before the first child named in ``before`` (schema order),
    or at the end. A self-closing parent is opened up."""
    if parent.self_closing:
        tag = text[parent.start : parent.tag_end]
        name = re.match(r"<([^\s/>]+)", tag).group(1)
        opened = tag[:-2].rstrip() + ">" + new + f"</{name}>"
        return text[: parent.start] + opened + text[parent.end :]
    lo, hi = parent.inner
    pos = hi
    for name in before:
        el = find(text, prefix + name, lo, hi)
        if el is not None and el.start < pos:
            pos = el.start
    return text[:pos] + new + text[pos:]


def splice(text: str, el: Element, new: str) -> str:
    return text[: el.start] + new + text[el.end :]


# --- sheetData ----------------------------------------------------------------------------------------------

CellEdit = Callable[[str | None], str]
"""Given the existing ``<c>`` element text (None if the cell is absent), return the new element text."""


def edit_sheet_cells(xml: str, edits: dict[tuple[int, int], CellEdit], prefix: str = "",
                     keys: dict[int, tuple] | None = None) -> str:
    """Replace or insert the ``<c>`` elements at (row, col) keys of ``edits`` in a worksheet part.

    Rows and cells are inserted in ascending order as the schema requires. Everything else in the part stays
    byte-identical, with three deliberate exceptions: a ``<row>`` or ``<c>`` that relies on an implied position
    (no ``r`` attribute) gets an explicit ``r`` when a neighbour is inserted, so its position cannot shift; a
    row's ``spans`` hint is widened to cover a new cell; ``<dimension ref>`` is widened to cover new cells.
    ``keys``: row → a key of that row's edits such that the new row is a pure function of the key and the old
    row's text (:func:`.cellxml.cell_edits`); such a row edited before is answered from :data:`_ROWS_MADE`.
    """
    if not edits:
        return xml
    rows = _ROW_INDEX.get((prefix, xml))
    if rows is None:
        sd = find(xml, prefix + "sheetData")
        if sd is None:
            raise ValueError("worksheet tanpa <sheetData>")
        if sd.self_closing:
            xml = splice(xml, sd, f"<{prefix}sheetData></{prefix}sheetData>")
            sd = find(xml, prefix + "sheetData")
        rows = _rows(xml, prefix, *sd.inner)
    lo, hi = rows[2]
    by_row: dict[int, dict[int, CellEdit]] = {}
    for (r, c), fn in edits.items():
        by_row.setdefault(r, {})[c] = fn
    keys = keys or {}
    out: list[str] = []
    pos = lo
    if rows[0] is not None:  # every row with its r, in ascending order: only the edited rows are visited
        rnums, elements, _ = rows
        for n in sorted(by_row):
            i = bisect_left(rnums, n)
            if i < len(rnums) and rnums[i] == n:
                row = elements[i]
                out.append(xml[pos : row.start])
                out.append(_edit_or_made(xml, row, xml[row.start : row.tag_end], n, by_row[n], prefix, keys))
                pos = row.end
            else:  # a new row, before the next one or after the last
                at = elements[i].start if i < len(rnums) else (elements[-1].end if elements else lo)
                out.append(xml[pos:at])
                out.append(_new_row(n, by_row[n], prefix))
                pos = at
        out.append(xml[pos:hi])
        xml = xml[:lo] + "".join(out) + xml[hi:]
        return _widen_dimension(xml, list(edits), prefix)
    pending = sorted(by_row, reverse=True)  # popped from the end: the lowest row first
    implied = 0
    for row in rows[1]:
        tag = xml[row.start : row.tag_end]
        r_attr = _r_attr(tag)
        rnum = _row_number(r_attr) if r_attr else implied + 1
        implied = rnum
        out.append(xml[pos : row.start])
        while pending and pending[-1] < rnum:
            n = pending.pop()
            out.append(_new_row(n, by_row[n], prefix))
        if r_attr is None:
            tag = set_attr(tag, "r", str(rnum))
        if pending and pending[-1] == rnum:
            pending.pop()
            out.append(_edit_or_made(xml, row, tag, rnum, by_row[rnum], prefix, keys))
        else:
            out.append(tag + xml[row.tag_end : row.end])
        pos = row.end
    for n in reversed(pending):
        out.append(_new_row(n, by_row[n], prefix))
    out.append(xml[pos:hi])
    xml = xml[:lo] + "".join(out) + xml[hi:]
    return _widen_dimension(xml, list(edits), prefix)


def _rows(xml: str, prefix: str, lo: int, hi: int) -> tuple[list[int] | None, list[Element], tuple[int, int]]:
    """The ``<row>`` elements of sheetData (``xml[lo:hi]``), with their numbers when every one starts with a plain
    ``r`` (``<row r="7"``) and they ascend (else None: the caller numbers them as it walks), and (lo, hi).
    Remembered for the last few parts (an output sheet of a template is the same in every workbook made from it)."""
    elements = list(_flat_children(xml, prefix + "row", lo, hi))
    head = _row_head(prefix)
    rnums: list[int] | None = []
    for row in elements:
        m = head.match(xml, row.start, row.tag_end)
        n = int(m.group(1)) if m is not None and m.group(1)[0] != "0" else 0
        if not 0 < n <= MAX_ROW or (rnums and n <= rnums[-1]):
            rnums = None  # a row without r (or another form of it), out of order or twice: walked in order
            break
        rnums.append(n)
    hit = rnums, elements, (lo, hi)
    if len(xml) <= PART_KEPT_MAX:
        if len(_ROW_INDEX) >= 8:
            evict_oldest(_ROW_INDEX)
        _ROW_INDEX[(prefix, xml)] = hit
    return hit


_ROW_INDEX: dict[tuple[str, str], tuple] = {}


def _edit_or_made(xml: str, row: Element, tag: str, rnum: int, cells: dict[int, CellEdit], prefix: str,
                  keys: dict[int, tuple]) -> str:
    """:func:`_edit_row`, answered from :data:`_ROWS_MADE` when the row's edits have a key."""
    key = keys.get(rnum)
    if key is None:
        return _edit_row(xml, row, tag, rnum, cells, prefix)
    key = (prefix, rnum, key, tag, xml[row.tag_end : row.end])
    new = _ROWS_MADE.get(key)
    if new is None:
        new = _edit_row(xml, row, tag, rnum, cells, prefix)
        if len(_ROWS_MADE) >= _ROWS_KEPT:
            _ROWS_MADE.clear()
        _ROWS_MADE[key] = new
    return new


# (prefix, row number, key of its edits, its start tag, the rest of its text) → the edited row: an output row whose
# old text and new values are those of a moment ago (the same workbook recalculated, a Hitung after a few inputs
# changed) is not walked again. Bounded: emptied when full.
_ROWS_MADE: dict[tuple, str] = {}
_ROWS_KEPT = 4096
_ROW_HEADS: dict[str, re.Pattern[str]] = {}


def _row_head(prefix: str) -> re.Pattern[str]:
    pat = _ROW_HEADS.get(prefix)
    if pat is None:
        pat = _ROW_HEADS[prefix] = re.compile(rf'<{re.escape(prefix)}row r="([0-9]+)"')
    return pat


def _new_row(rnum: int, cells: dict[int, CellEdit], prefix: str) -> str:
    body = "".join(cells[c](None) for c in sorted(cells))
    return f'<{prefix}row r="{rnum}">{body}</{prefix}row>'


def _edit_row(xml: str, row: Element, tag: str, rnum: int, cells: dict[int, CellEdit], prefix: str) -> str:
    pending = sorted(cells)
    if row.self_closing:
        tag, lo, hi = tag[:-2].rstrip() + ">", row.end, row.end
        close = f"</{prefix}row>"
    else:
        lo, hi = row.inner
        close = xml[hi : row.end]
    out: list[str] = []
    pos, implied = lo, 0
    fast = _plain_cells(xml, prefix, lo, hi)
    if fast is not None:  # the usual row: cells written one after another, each with its own r
        cols = fast.cols
        if cols is not None:  # in column order (the usual row): each edit found by bisection
            last = fast.span(len(cols) - 1)[1] if cols else lo
            for n in pending:
                i = bisect_left(cols, n)
                if i == len(cols):  # after the last cell, before trailing whitespace
                    out.append(xml[pos:last])
                    out.append(cells[n](None))
                    pos = last
                    continue
                start, end = fast.span(i)
                out.append(xml[pos:start])
                if cols[i] == n:
                    out.append(cells[n](xml[start:end]))
                    pos = end
                else:
                    out.append(cells[n](None))
                    pos = start
            pending = []
        else:
            for (start, end, _), cnum in zip(fast, map(_COLUMNS.__getitem__, fast.refs)):
                if pending and pending[0] <= cnum:
                    out.append(xml[pos:start])
                    while pending and pending[0] < cnum:
                        out.append(cells[pending.pop(0)](None))
                    if pending and pending[0] == cnum:
                        out.append(cells[pending.pop(0)](xml[start:end]))
                    else:
                        out.append(xml[start:end])
                    pos = end
                # else: the cell stays as it is, copied with the text around it
            if pending and fast:  # new cells go right after the last one, as below
                out.append(xml[pos:fast[-1][1]])
                pos = fast[-1][1]
    for c in ([] if fast is not None else list(_cells(xml, prefix, lo, hi))):
        ctag = xml[c.start : c.tag_end]
        ref = _r_attr(ctag)
        cnum = _col_number(ref) if ref else implied + 1
        implied = cnum
        out.append(xml[pos : c.start])
        while pending and pending[0] < cnum:
            out.append(cells[pending.pop(0)](None))
        if ref is None:
            ctag = set_attr(ctag, "r", cell_name(rnum, cnum))
        if pending and pending[0] == cnum:
            out.append(cells[pending.pop(0)](ctag + xml[c.tag_end : c.end]))
        else:
            out.append(ctag + xml[c.tag_end : c.end])
        pos = c.end
    for n in pending:  # after the last cell, before a trailing <extLst> or whitespace
        out.append(cells[n](None))
    out.append(xml[pos:hi])
    spans = attr(tag, "spans")
    if spans and ":" in spans and spans.replace(":", "").isdigit():
        a, b = (int(x) for x in spans.split(":"))
        a, b = min([a, *cells]), max([b, *cells])
        tag = set_attr(tag, "spans", f"{a}:{b}")
    return tag + "".join(out) + close


def _plain_cells(xml: str, prefix: str, lo: int, hi: int) -> _PlainRow | None:
    """:func:`.plainrow.plain_cells` of a row of ``xml`` (masked here): its cells when they are written the usual
    way, None to read the row tag by tag."""
    return plain_cells(masked(xml), prefix, lo, hi)


def _cells(xml: str, prefix: str, lo: int, hi: int) -> Iterator[Element]:
    """The ``<c>`` elements of one row (see :func:`_flat_children`)."""
    return _flat_children(xml, prefix + "c", lo, hi)


def _widen_dimension(xml: str, cells: list[tuple[int, int]], prefix: str) -> str:
    dim = find(xml, prefix + "dimension")
    if dim is None:
        return xml
    tag = xml[dim.start : dim.tag_end]
    try:
        r1, c1, r2, c2 = parse_area(attrs(tag).get("ref", ""))
    except ValueError:
        return xml
    rows, cols = [r for r, _ in cells], [c for _, c in cells]
    n1, m1, n2, m2 = min(r1, *rows), min(c1, *cols), max(r2, *rows), max(c2, *cols)
    if (n1, m1, n2, m2) == (r1, c1, r2, c2):
        return xml
    new = cell_name(n1, m1) + ("" if (n1, m1) == (n2, m2) else ":" + cell_name(n2, m2))
    return xml[: dim.start] + set_attr(tag, "ref", new) + xml[dim.tag_end :]
