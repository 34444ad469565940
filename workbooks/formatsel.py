"""Which cells the operator sees as percentages or as dates: the number format of a cell, from ``xl/styles.xml``.

Excel stores what the operator typed as ``85%`` as the number 0.85 with a percent format. kinerja reads a cell
the way the operator sees it, so a percent-formatted cell of a ``persen`` input is read as 85 (the stored value
× 100, exactly, in Decimal) and a percent-formatted cell of any other kind is reported (B217) instead of being
taken as 0,85 silently. A format is a percent format when it is built-in format 9 or 10 (``0%``, ``0.00%``) or a
custom format with a ``%`` outside quotes and brackets in its first section.

Excel also turns what looks like a date or a time (``15/3``, ``1-2``, ``3:30``) into a day number with a date
format: the operator sees 15/03/2024, the cell stores 45366. No input of kinerja is a date, so a date- or
time-formatted cell is reported (B219), never read as the day number. A format is a date/time format when it is
a built-in date/time format or a custom format with a date or time code (d, m, y, h, s, or an elapsed-time
``[h]``) outside quotes, escapes, fill/spacing characters and brackets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .ooxml import NS, REL_STYLES, Package

_BUILTIN_PERCENT = {9, 10}
# 14–22 and 45–47: dates and times; 27–36 and 50–58: the East Asian locales' built-in dates
_BUILTIN_DATE = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.I)
_LITERAL = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|[_*].')  # quoted, [Red]/[$Rp-421]/[>100], \x, _x spacing, *x fill
_DATE_CODE = re.compile(r"[dmyhs]", re.I)


def is_percent_code(code: str) -> bool:
    first = _QUOTED.sub("", code.split(";")[0])
    return "%" in first


def is_date_code(code: str) -> bool:
    first = code.split(";")[0]
    if first.strip().lower() == "general":
        return False
    return bool(_ELAPSED.search(first) or _DATE_CODE.search(_LITERAL.sub("", first)))


def percent_styles(pkg: Package) -> frozenset[int]:
    """Indices of the cell formats (``s`` of a ``<c>``) that show numbers as percentages."""
    return _styles(pkg)[0]


def date_styles(pkg: Package) -> frozenset[int]:
    """Indices of the cell formats that show numbers as dates or times."""
    return _styles(pkg)[1]


_KNOWN: dict[bytes, tuple[frozenset[int], frozenset[int]]] = {}  # styles.xml → its answer, for the last few


def _styles(pkg: Package) -> tuple[frozenset[int], frozenset[int]]:
    """(percent, date) cell formats of the package's styles.xml: read once per distinct content (the reader asks
    twice; a template's workbooks share their styles)."""
    part = next((r.target for r in pkg.rels(pkg.workbook_part) if r.type == REL_STYLES), None)
    data = pkg.read(part) if part else None
    if not data:
        return frozenset(), frozenset()
    hit = _KNOWN.get(data)
    if hit is None:
        if len(_KNOWN) >= 8:
            _KNOWN.clear()
        hit = _KNOWN[bytes(data)] = _read_styles(data)
    return hit


def _read_styles(data: bytes) -> tuple[frozenset[int], frozenset[int]]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return frozenset(), frozenset()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS
    q = f"{{{ns}}}"
    custom = {}
    fmts = root.find(f"{q}numFmts")
    if fmts is not None:
        for f in fmts.findall(f"{q}numFmt"):
            try:
                custom[int(f.get("numFmtId", "-1"))] = f.get("formatCode", "")
            except ValueError:
                continue
    xfs = root.find(f"{q}cellXfs")
    out, dates = set(), set()
    if xfs is not None:
        for i, xf in enumerate(xfs.findall(f"{q}xf")):
            try:
                fid = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            if fid in _BUILTIN_PERCENT or (fid in custom and is_percent_code(custom[fid])):
                out.add(i)
            elif (fid in _BUILTIN_DATE and fid not in custom) or (fid in custom and is_date_code(custom[fid])):
                dates.add(i)
    return frozenset(out), frozenset(dates)
