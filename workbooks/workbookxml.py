"""What the workbook part (``xl/workbook.xml``) says about its sheets and defined names, read once per distinct
content.

The sheets' entries (name, ``sheetId``, relationship id, state, in order) and the defined names (with the sheet a
``localSheetId`` scopes them to, which is the sheet at that place in the same part) are a function of the part's
bytes alone. Every workbook made from one template has the same workbook part — its data lives in the sheets — so a
batch or a server parses it once: PK 2024's 527 names cost ≈ 1 ms of parsing and objects per workbook otherwise.
The answer is kept by the whole content (a part differing in one byte is another key: a name added, moved or
re-scoped is read again), bounded in entries and bytes, under a lock (the server reads in threads). A part that
cannot be read (damaged XML, a ``sheetId`` or ``localSheetId`` that is no number) is never kept: it raises as
before, every time. Where a sheet's part is and whether it is a worksheet come from the relationships, which
:class:`.ooxml.Package` reads as before.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cellxml import qname
from .opc import NS_R
from .refs import Ref, parse_ref
from .sheetcells import int_attr


@dataclass(frozen=True)
class DefinedName:
    name: str
    text: str  # as stored, e.g. "Input!$C$5" or "#REF!$C$5"
    local_sheet: str | None  # sheet name for sheet-scoped names, None for workbook-level names
    hidden: bool

    def ref(self) -> Ref:
        """The referenced rectangle; raises :class:`~.refs.RefProblem` for #REF!, constants, formulas…"""
        return parse_ref(self.text)


SheetEntry = tuple[str, int, str, str]  # (name, sheetId, relationship id, state) of one <sheet>, in order

_KEPT: dict[bytes, tuple[tuple[SheetEntry, ...], tuple[DefinedName, ...]]] = {}
_KEPT_MAX, _KEPT_BYTES = 16, 16 << 20
_LOCK = threading.Lock()


def read_workbook_part(data: bytes, root: Callable[[], ET.Element], path: Path,
                       part: str) -> tuple[tuple[SheetEntry, ...], tuple[DefinedName, ...]]:
    """(the sheets' entries, the defined names) of the workbook part whose bytes are ``data``; ``root`` parses it
    (asked only for content not read a moment ago). Raises B102 naming ``path`` and ``part`` for a ``sheetId`` or
    ``localSheetId`` that is no number."""
    hit = _KEPT.get(data)
    if hit is not None:
        return hit
    wb = root()
    sheets = tuple(
        (s.get("name", ""),
         int_attr(s.get("sheetId", "0"), path, part, f'sheetId="{s.get("sheetId")}" pada sheet {s.get("name", "")!r}'),
         s.get(f"{{{NS_R}}}id", ""), s.get("state", "visible"))
        for s in wb.iter(qname("sheet")))
    names = []
    for d in wb.iter(qname("definedName")):
        local = d.get("localSheetId")
        scope = None
        if local is not None:
            idx = int_attr(local, path, part, f'localSheetId="{local}" pada nama {d.get("name", "")!r}')
            scope = sheets[idx][0] if 0 <= idx < len(sheets) else f"#{idx}"
        names.append(DefinedName(d.get("name", ""), (d.text or "").strip(), scope, d.get("hidden") in ("1", "true")))
    found = (sheets, tuple(names))
    if len(data) <= _KEPT_BYTES // 4:
        with _LOCK:
            while _KEPT and (len(_KEPT) >= _KEPT_MAX or sum(map(len, _KEPT)) + len(data) > _KEPT_BYTES):
                del _KEPT[next(iter(_KEPT))]
            _KEPT[bytes(data)] = found
    return found
