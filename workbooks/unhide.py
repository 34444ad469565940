"""Showing what an operator hid that holds input data: rows and columns of an input sheet.

Every figure that went into the results must print with the input sheet it came from. A row or column the
operator hid (pasted rows past the visible part of a table, a column hidden after unlocking the sheet) that holds
input data is shown again on Hitung; only its ``hidden`` attribute changes — height, width, outline level and
style stay, and a hidden row or column without data stays hidden. Splices on the part's text, like
:mod:`.xmltext` (whose locating functions this uses); :class:`.ooxml.Package` applies them, the live adapter sets
the same rows and columns visible through the Book API.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .cellxml import qname
from .xmltext import _flat_children, _r_attr, _row_number, attrs, del_attr, find, set_attr

_HIDDEN = ("1", "true")


def any_hidden_row(root: ET.Element | None, rows: set[int] | frozenset[int]) -> bool:
    """Is one of ``rows`` a hidden ``<row>`` of the parsed sheet's sheetData, as :func:`show_rows` numbers and tests
    them? Only a yes goes on to the splice, which decides again on the text."""
    data = root.find(qname("sheetData")) if root is not None else None
    if data is None:
        return False
    tag_row = qname("row")
    implied = 0
    for row in data:
        if row.tag != tag_row:
            continue
        r = row.get("r")
        if r is None:
            implied += 1
        elif r.isdigit():
            implied = int(r)
        else:
            return True  # not a row number: let the splice report it
        if implied in rows and row.get("hidden", "").strip() in _HIDDEN:
            return True
    return False


def any_hidden_col(root: ET.Element | None, cols: set[int] | frozenset[int]) -> bool:
    """Could :func:`show_cols` show one of ``cols``: is any ``<col>`` of the parsed sheet hidden over one of them
    (or hidden with a range it cannot read, which the splice judges)? Only a yes goes on to the splice."""
    if root is None:
        return False
    for col in root.iter(qname("col")):
        if col.get("hidden", "").strip() not in _HIDDEN:
            continue
        try:
            first, last = int(col.get("min", "")), int(col.get("max", ""))
        except ValueError:
            return True
        if any(first <= c <= last for c in cols):
            return True
    return False


def show_rows(xml: str, rows: set[int] | frozenset[int], prefix: str = "") -> tuple[str, list[int]]:
    """Remove the ``hidden`` attribute from the ``<row>`` start tags of ``rows`` that are hidden; every other
    byte of the part stays as it was (outline level, height, cells). Returns the text and the rows shown."""
    sd = find(xml, prefix + "sheetData") if rows else None
    if sd is None or sd.self_closing:
        return xml, []
    lo, hi = sd.inner
    out: list[str] = []
    shown: list[int] = []
    pos, implied = lo, 0
    for row in list(_flat_children(xml, prefix + "row", lo, hi)):
        tag = xml[row.start : row.tag_end]
        r_attr = _r_attr(tag)
        implied = _row_number(r_attr) if r_attr else implied + 1
        if implied in rows and attrs(tag).get("hidden", "").strip() in ("1", "true"):
            out.append(xml[pos : row.start] + del_attr(tag, "hidden"))
            pos = row.tag_end
            shown.append(implied)
    if not shown:
        return xml, []
    out.append(xml[pos:])
    return xml[:lo] + "".join(out), shown


def show_cols(xml: str, cols: set[int] | frozenset[int], prefix: str = "") -> tuple[str, list[int]]:
    """Show the hidden columns among ``cols`` (1-based): a ``<col min max … hidden>`` element covering one of them
    is split into runs — the shown ones without ``hidden``, the others as they were — each a copy of the original
    tag with its own ``min``/``max`` (width, style, outline level kept). Every other byte of the part stays.
    Returns the text and the columns shown."""
    area = find(xml, prefix + "cols") if cols else None
    if area is None or area.self_closing:
        return xml, []
    lo, hi = area.inner
    out: list[str] = []
    shown: list[int] = []
    pos = lo
    for col in list(_flat_children(xml, prefix + "col", lo, hi)):
        tag = xml[col.start : col.tag_end]
        a = attrs(tag)
        if a.get("hidden", "").strip() not in _HIDDEN:
            continue
        try:
            first, last = int(a["min"]), int(a["max"])
        except (KeyError, ValueError):
            continue  # not a column range Excel would write: left as it is
        if not 1 <= first <= last <= 16_384:
            continue
        wanted = sorted(c for c in cols if first <= c <= last)
        if not wanted:
            continue
        runs: list[tuple[int, int, bool]] = []  # (min, max, show)
        for c in range(first, last + 1):
            show = c in cols
            if runs and runs[-1][2] == show and runs[-1][1] == c - 1:
                runs[-1] = (runs[-1][0], c, show)
            else:
                runs.append((c, c, show))
        rest = xml[col.tag_end : col.end]  # "" for <col …/>, "</col>" for <col …></col>
        pieces = []
        for lo_c, hi_c, show in runs:
            piece = set_attr(set_attr(tag, "min", str(lo_c)), "max", str(hi_c))
            pieces.append((del_attr(piece, "hidden") if show else piece) + rest)
        out.append(xml[pos : col.start] + "".join(pieces))
        pos = col.end
        shown.extend(wanted)
    if not shown:
        return xml, []
    out.append(xml[pos:])
    return xml[:lo] + "".join(out), shown
