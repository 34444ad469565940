"""Which cells the operator sees as percentages: the number format of a cell, read from ``xl/styles.xml``.

Excel stores what the operator typed as ``85%`` as the number 0.85 with a percent format. kinerja reads a cell
the way the operator sees it, so a percent-formatted cell of a ``persen`` input is read as 85 (the stored value
× 100, exactly, in Decimal) and a percent-formatted cell of any other kind is reported (B217) instead of being
taken as 0,85 silently. A format is a percent format when it is built-in format 9 or 10 (``0%``, ``0.00%``) or a
custom format with a ``%`` outside quotes and brackets in its first section.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .ooxml import NS, REL_STYLES, Package

_BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def is_percent_code(code: str) -> bool:
    first = _QUOTED.sub("", code.split(";")[0])
    return "%" in first


def percent_styles(pkg: Package) -> frozenset[int]:
    """Indices of the cell formats (``s`` of a ``<c>``) that show numbers as percentages."""
    part = next((r.target for r in pkg.rels(pkg.workbook_part) if r.type == REL_STYLES), None)
    data = pkg.read(part) if part else None
    if not data:
        return frozenset()
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return frozenset()
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
    out = set()
    if xfs is not None:
        for i, xf in enumerate(xfs.findall(f"{q}xf")):
            try:
                fid = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            if fid in _BUILTIN_PERCENT or (fid in custom and is_percent_code(custom[fid])):
                out.add(i)
    return frozenset(out)
