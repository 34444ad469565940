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

Before it, the column ``[kinerja.meta]`` holds ``key=value`` rows of the stored meta a live Hitung compares with
its rules as the file path compares the custom properties (rule set, version, layout key, year: B121,
:func:`.recalc.check_same_layout`; :func:`meta_in` reads it).

The headers are in brackets, which a sheet name cannot hold, so :func:`.formatlive.percent_cells` (which reads the
columns headed by an input sheet's name) never takes it for one. :func:`with_names` is the one writer — called by
:func:`.writer.write_back` with the record it stores in the property, and by the live adapter with the record it
read (a live Hitung creates no names) — and :func:`names_in` the one reader of the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from . import layout
from .cellwrite import CellWrite
from .cellxml import Cell
from .plan import SheetPlan

HEADER = "[kinerja.owned.names]"
META_HEADER = "[kinerja.meta]"  # the stored meta a live Hitung compares with (B121): ``key=value`` per row
META_KEYS = (layout.META_RULES, layout.META_VERSION, layout.META_LAYOUT, layout.META_YEAR)  # stable across runs

_MADE: dict[tuple[int, tuple[str, ...]], tuple[SheetPlan, SheetPlan]] = {}  # (id(plan), names) → (plan, stamped)
_KEPT = 8


def with_names(plan: SheetPlan, names: Sequence[str], meta: Mapping[str, str] | None = None) -> SheetPlan:
    """``plan`` (the ``FormatIsian`` sheet) with the record of ``names`` as its last column — and before it, the
    workbook's stored meta of :data:`META_KEYS` (``meta``: rule set, version, layout key, year), which a live
    Hitung compares with its rules as the file path compares the custom properties (B121); ``plan`` itself when
    there is nothing to record. The same plan, names and meta give the same object (the sheet's XML is then not
    written out again: :func:`.sheetxml.sheet_xml_once` remembers a plan by identity)."""
    names = tuple(names)
    kept = tuple(f"{k}={meta[k]}" for k in META_KEYS if meta and meta.get(k))
    if not names and not kept:
        return plan
    key = (id(plan), names, kept)
    hit = _MADE.get(key)
    if hit is not None and hit[0] is plan:
        return hit[1]
    rows = plan.rows
    width = max((len(r) for r in rows), default=0)
    columns = [c for c in ((CellWrite(META_HEADER), *(CellWrite(t) for t in kept)) if kept else (),
                           (CellWrite(HEADER), *(CellWrite(n) for n in names)) if names else ()) if c]
    out = []
    for i in range(max(len(rows), *(len(c) for c in columns))):
        row = tuple(rows[i]) if i < len(rows) else ()
        out.append(row + (None,) * (width - len(row)) + tuple(c[i] if i < len(c) else None for c in columns))
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


def meta_in(cells: Mapping[tuple[int, int], Cell]) -> dict[str, str]:
    """The meta recorded in a ``FormatIsian`` sheet's cells (:func:`with_names`); empty when there is none."""
    col = next((c for (r, c), cell in cells.items() if r == 1 and cell.kind == "text" and cell.text == META_HEADER),
               None)
    if col is None:
        return {}
    out = {}
    for (r, c), cell in sorted(cells.items()):
        if c == col and r > 1 and cell.kind == "text" and "=" in cell.text:
            k, _, v = cell.text.partition("=")
            out[k] = v
    return out


__all__ = ["HEADER", "META_HEADER", "meta_in", "names_in", "with_names"]
