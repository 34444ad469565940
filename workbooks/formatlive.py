"""Which input cells Excel shows as percentages, seen through a live workbook: the hidden sheet ``FormatIsian``.

Excel stores what the operator typed as ``85%`` as 0.85 with a percent format. A file Hitung reads the format
from ``xl/styles.xml`` (:mod:`.formatsel`); a live Hitung cannot: xlwings' remote payload (server mode) carries
values only, so 0.85 shown as ``85%`` and a typed 0,85 would arrive alike. So that both read a cell the same way
(:mod:`.reader`: a percent-formatted ``persen`` cell is 85, any other percent-formatted input is B217), every
input range has a formula in the hidden, kinerja-owned sheet ``FormatIsian`` that Excel itself keeps current::

    =ROW('Isian Setjen'!C5)&","&COLUMN('Isian Setjen'!C5)&","&CELL("format",'Isian Setjen'!C5)

one column per input sheet (row 1: the sheet's name). ``CELL("format", …)`` starts with ``P`` exactly when the
cell shows percentages (Excel and LibreOffice alike); row and column follow the cell when rows are inserted.

The sheet is written by ``kinerja templat`` and rewritten by every Hitung (file or live) for the input ranges of
that moment. A number in an input cell that no formula covers (a workbook from an older kinerja, a row inserted
into a table since the last Hitung) has an unknown format: a live Hitung refuses it (B221) instead of guessing,
writes the sheet, and the operator clicks Hitung once more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from ..engine.interface import CellKey, Inputs, InputSpec
from ..engine.vocabulary import NUMERIC
from . import layout
from .cellxml import Cell
from .plan import SheetLayout, SheetPlan, sheet_places
from .refs import MAX_ROW, RefProblem, cell_name, parse_ref, quote_sheet
from .writer import CellWrite

SHEET = layout.FORMAT_SHEET


Cells = dict[str, list[tuple[int, int]]]


def input_cells(specs: Iterable[InputSpec], names: Mapping[str, str], inputs: Inputs) -> Cells:
    """Sheet → (row, column) of every cell an operator may type a number into: single inputs that are not text,
    and every data cell of a table input's range (a whole-column range: down to its last row holding data)."""
    return _cells(_areas(specs, names, inputs))


Area = tuple[str, int, int, int, int]  # sheet, first row, last row, first column, last column


def _areas(specs: Iterable[InputSpec], names: Mapping[str, str], inputs: Inputs) -> tuple[Area, ...]:
    """The input cells of :func:`input_cells` as areas, in the order of ``specs`` (a small key for the memo)."""
    by_name = {k.casefold(): v for k, v in names.items()}
    out: list[Area] = []
    for spec in specs:
        text = by_name.get(spec.name.casefold())
        if text is None:
            continue
        try:
            ref = parse_ref(text)
        except RefProblem:
            continue
        if not spec.is_table:
            if ref.is_single and spec.kind in NUMERIC:
                out.append((ref.sheet, ref.row1, ref.row1, ref.col1, ref.col1))
            continue
        last = ref.row2
        if last == MAX_ROW:
            rows = (at.row1 for key, at in sheet_places(inputs) if isinstance(key, CellKey) and key.table == spec.name)
            last = max((r for r in rows if r > ref.row1), default=ref.row1)
        out.append((ref.sheet, ref.row1 + 1, last, ref.col1, ref.col2))  # no data row: the sheet still listed
    return tuple(out)


def _cells(areas: tuple[Area, ...]) -> Cells:
    out: Cells = {}
    for sheet, r1, r2, c1, c2 in areas:
        out.setdefault(sheet, []).extend((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return {sheet: sorted(set(cells)) for sheet, cells in out.items()}


def format_sheet(specs: Iterable[InputSpec], names: Mapping[str, str], inputs: Inputs) -> SheetPlan:
    """The ``FormatIsian`` sheet for the input ranges ``names`` points at (hidden, kinerja-owned)."""
    return _sheet(_areas(specs, names, inputs))


@lru_cache(maxsize=8)
def _sheet(areas: tuple[Area, ...]) -> SheetPlan:
    """Built once per set of input areas (the same in every workbook of a template; the plan is immutable)."""
    columns = []
    for sheet, at_cells in _cells(areas).items():
        q = quote_sheet(sheet)
        column = [CellWrite(sheet)]
        for r, c in at_cells:
            at = f"{q}!{cell_name(r, c)}"
            column.append(CellWrite(formula=f'ROW({at})&","&COLUMN({at})&","&CELL("format",{at})'))
        columns.append(column)
    height = max((len(c) for c in columns), default=0)
    rows = tuple(tuple(col[i] if i < len(col) else None for col in columns) for i in range(height))
    return SheetPlan(rows, SheetLayout(hidden=True))


def percent_cells(cells: Mapping[tuple[int, int], Cell],
                  sheet_names: Iterable[str]) -> dict[str, dict[tuple[int, int], bool]]:
    """Read the ``FormatIsian`` sheet's values (as Excel computed them): sheet (casefolded) → (row, column) →
    shown as a percentage. Cells whose formula lost its reference (``#REF!``) or whose sheet is gone are absent."""
    known = {s.casefold() for s in sheet_names}
    headers = {c: cell.text for (r, c), cell in cells.items() if r == 1 and cell.kind == "text"}
    out: dict[str, dict[tuple[int, int], bool]] = {}
    for (r, c), cell in cells.items():
        sheet = headers.get(c, "").casefold()
        if r == 1 or sheet not in known or cell.kind != "text":
            continue
        parts = cell.text.split(",", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        out.setdefault(sheet, {})[(int(parts[0]), int(parts[1]))] = parts[2].startswith("P")
    return out


__all__ = ["SHEET", "format_sheet", "input_cells", "percent_cells"]
