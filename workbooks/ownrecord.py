"""The output names kinerja created, recorded where a live Hitung can read them: a column of ``FormatIsian``.

A file Hitung knows which defined names kinerja created from the custom document property
``kinerja.owned.names`` (:mod:`.writer`). xlwings' ``Book`` API — the Hitung button, ``kinerja server`` — cannot
read custom properties, so the same list is also written into the hidden, kinerja-owned sheet ``FormatIsian``
(which both paths already write, and the live path already reads for its percent formats)::

    A                 B                      …   last column
    Setjen            Anggaran                   [kinerja.owned.names]
    =ROW(…)&…         =ROW(…)&…                  jumlah_temuan
    …                 …                          capaian_setjen_s1
                                                 …

The header is in brackets, which a sheet name cannot hold, so :func:`.formatlive.percent_cells` (which reads the
columns headed by an input sheet's name) never takes it for one. :func:`with_names` is the one writer — called by
:func:`.writer.write_back` with the record it stores in the property, and by the live adapter with the record it
read (a live Hitung creates no names) — and :func:`names_in` the one reader of the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .cellwrite import CellWrite
from .cellxml import Cell
from .plan import SheetPlan

HEADER = "[kinerja.owned.names]"

_MADE: dict[tuple[int, tuple[str, ...]], tuple[SheetPlan, SheetPlan]] = {}  # (id(plan), names) → (plan, stamped)
_KEPT = 8


def with_names(plan: SheetPlan, names: Sequence[str]) -> SheetPlan:
    """``plan`` (the ``FormatIsian`` sheet) with the record of ``names`` as its last column; ``plan`` itself when
    there is nothing to record. The same plan and names give the same object (the sheet's XML is then not written
    out again: :func:`.sheetxml.sheet_xml_once` remembers a plan by identity)."""
    names = tuple(names)
    if not names:
        return plan
    key = (id(plan), names)
    hit = _MADE.get(key)
    if hit is not None and hit[0] is plan:
        return hit[1]
    rows = plan.rows
    width = max((len(r) for r in rows), default=0)
    column = (CellWrite(HEADER), *(CellWrite(n) for n in names))
    out = []
    for i in range(max(len(rows), len(column))):
        row = tuple(rows[i]) if i < len(rows) else ()
        out.append(row + (None,) * (width - len(row)) + (column[i] if i < len(column) else None,))
    stamped = replace(plan, rows=tuple(out))
    if len(_MADE) >= _KEPT:
        _MADE.clear()
    _MADE[key] = (plan, stamped)
    return stamped


def names_in(cells: Mapping[tuple[int, int], Cell]) -> tuple[str, ...] | None:
    """The names recorded in a ``FormatIsian`` sheet's cells, in order; None when the sheet holds no record (a
    workbook written before the record existed)."""
    col = next((c for (r, c), cell in cells.items() if r == 1 and cell.kind == "text" and cell.text == HEADER),
               None)
    if col is None:
        return None
    return tuple(cell.text for (r, c), cell in sorted(cells.items())
                 if c == col and r > 1 and cell.kind == "text" and cell.text)


__all__ = ["HEADER", "names_in", "with_names"]
