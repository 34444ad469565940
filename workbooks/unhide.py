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
from collections.abc import Callable, Iterable
from itertools import groupby

from .cellxml import qname
from .xmltext import Element, _flat_children, _r_attr, _row_number, attrs, del_attr, find, set_attr

_HIDDEN = ("1", "true")


def any_hidden_row(root: ET.Element | None, rows: set[int] | frozenset[int]) -> bool:
    """Is one of ``rows`` a hidden ``<row>`` of the parsed sheet's sheetData, as :func:`show_rows` numbers and tests
    them? Only a yes goes on to the splice, which decides again on the text."""
    data = root.find(qname("sheetData")) if root is not None else None
    if data is None:
        return False
    tag_row = qname("row")
    return hidden_row_among(((row.get("r"), row.get("hidden")) for row in data if row.tag == tag_row), rows)


def hidden_row_among(found: Iterable[tuple[str | None, str | None]], rows: set[int] | frozenset[int]) -> bool:
    """:func:`any_hidden_row` on the (``r``, ``hidden``) attributes of sheetData's ``<row>`` children in order —
    from the parsed tree or, for a sheet read without one, from its text (:mod:`.sheetplain`)."""
    implied = 0
    for r, hidden in found:
        if r is None:
            implied += 1
        elif r.isdigit():
            implied = int(r)
        else:
            return True  # not a row number: let the splice report it
        if implied in rows and hides(hidden):
            return True
    return False


def any_hidden_col(root: ET.Element | None, cols: set[int] | frozenset[int]) -> bool:
    """Could :func:`show_cols` show one of ``cols``: is any ``<col>`` of the parsed sheet hidden over one of them
    (or hidden with a range it cannot read, which the splice judges)? Only a yes goes on to the splice."""
    if root is None:
        return False
    return hidden_col_among(((c.get("hidden"), c.get("min", ""), c.get("max", "")) for c in root.iter(qname("col"))),
                            cols)


def hidden_col_among(found: Iterable[tuple[str | None, str, str]], cols: set[int] | frozenset[int]) -> bool:
    """:func:`any_hidden_col` on the (``hidden``, ``min``, ``max``) attributes of every ``<col>`` in order (``""``
    for a missing ``min``/``max``)."""
    for hidden, lo, hi in found:
        if not hides(hidden):
            continue
        try:
            first, last = int(lo), int(hi)
        except ValueError:
            return True
        if any(first <= c <= last for c in cols):
            return True
    return False


def hides(value: str | None) -> bool:
    """A ``hidden`` attribute that hides (Excel writes ``1``, LibreOffice ``true``)."""
    return (value or "").strip() in _HIDDEN



def _splice(xml: str, container: str, child: str,
            replace: Callable[[str, Element], tuple[str, list[int]] | None]) -> tuple[str, list[int]]:
    """Walk the ``child`` elements of the first ``container`` element in order; ``replace(tag, element)`` (its start
    tag, where it is) gives the text that takes the whole element's place and the rows/columns that shows, or None
    to keep it. Every other byte stays; returns the text and everything shown (the text unchanged when nothing is)."""
    area = find(xml, container)
    if area is None or area.self_closing:
        return xml, []
    lo, hi = area.inner
    out: list[str] = []
    shown: list[int] = []
    pos = lo
    for el in list(_flat_children(xml, child, lo, hi)):
        done = replace(xml[el.start : el.tag_end], el)
        if done is not None:
            out.append(xml[pos : el.start] + done[0])
            pos = el.end
            shown.extend(done[1])
    if not shown:
        return xml, []
    out.append(xml[pos:])
    return xml[:lo] + "".join(out), shown


def show_rows(xml: str, rows: set[int] | frozenset[int], prefix: str = "") -> tuple[str, list[int]]:
    """Remove the ``hidden`` attribute from the ``<row>`` start tags of ``rows`` that are hidden; every other
    byte of the part stays as it was (outline level, height, cells). Returns the text and the rows shown."""
    implied = 0

    def replace(tag: str, el: Element) -> tuple[str, list[int]] | None:
        nonlocal implied
        r_attr = _r_attr(tag)
        implied = _row_number(r_attr) if r_attr else implied + 1
        if implied in rows and hides(attrs(tag).get("hidden")):
            return del_attr(tag, "hidden") + xml[el.tag_end : el.end], [implied]
        return None

    return _splice(xml, prefix + "sheetData", prefix + "row", replace) if rows else (xml, [])


def show_cols(xml: str, cols: set[int] | frozenset[int], prefix: str = "") -> tuple[str, list[int]]:
    """Show the hidden columns among ``cols`` (1-based): a ``<col min max … hidden>`` element covering one of them
    is split into runs — the shown ones without ``hidden``, the others as they were — each a copy of the original
    element with its own ``min``/``max`` (width, style, outline level kept). Every other byte of the part stays.
    Returns the text and the columns shown."""

    def replace(tag: str, el: Element) -> tuple[str, list[int]] | None:
        a = attrs(tag)
        try:
            first, last = int(a["min"]), int(a["max"])
        except (KeyError, ValueError):
            return None  # not a column range Excel would write: left as it is
        wanted = [c for c in range(first, last + 1) if c in cols] if 1 <= first <= last <= 16_384 else []
        if not wanted or not hides(a.get("hidden")):
            return None
        rest = xml[el.tag_end : el.end]  # "" for <col …/>, "</col>" for <col …></col>
        pieces = []
        for show, run in groupby(range(first, last + 1), key=cols.__contains__):
            run = list(run)
            piece = set_attr(set_attr(tag, "min", str(run[0])), "max", str(run[-1]))
            pieces.append((del_attr(piece, "hidden") if show else piece) + rest)
        return "".join(pieces), wanted

    return _splice(xml, prefix + "cols", prefix + "col", replace) if cols else (xml, [])
