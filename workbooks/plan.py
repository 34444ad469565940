"""What a recalculation writes, as plain data: the PLAN half of ``recalc`` (the APPLY half is an adapter).

:func:`kinerja.workbooks.recalc.plan_recalc` turns a workbook's inputs and the rules into a :class:`WritePlan`:
values for output cells (by defined name), the sheets kinerja owns and recreates (rows of cells plus their page
layout) and the meta to store. A plan holds no file handle and no workbook object, so the same plan is applied
to a file by :func:`kinerja.workbooks.recalc.apply_to_file` (lossless OOXML write-back) and to an open Excel book
by the live xlwings adapter — both write the same values, in the same cells.

Cells are :class:`kinerja.workbooks.writer.CellWrite` (a value, or a live formula, and a style key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..engine.interface import CellKey, Inputs
from .refs import Ref, RefProblem, parse_ref

if TYPE_CHECKING:  # CellWrite is only named in annotations
    from .cellwrite import CellWrite

Row = tuple["CellWrite | None", ...]


@dataclass(frozen=True)
class Link:
    """An internal hyperlink on one cell of an owned sheet (1-based row/column) to ``location``
    (``'Isian Setjen'!C7`` or ``Audit!A12``)."""

    row: int
    col: int
    location: str


@dataclass(frozen=True)
class SheetLayout:
    """How an owned sheet looks and prints. ``header_row`` (1-based) is the table header: frozen below it,
    repeated on every printed page, and the autofilter row when ``autofilter``; rows above it are titles."""

    header_row: int = 1
    landscape: bool = False
    fit_width: bool = False  # print all columns on the page width (as many pages tall as needed)
    autofilter: bool = False
    widths: Mapping[int, float] = field(default_factory=dict)  # column → width; others from the content
    merges: tuple[tuple[int, int, int, int], ...] = ()  # (row1, col1, row2, col2)
    links: tuple[Link, ...] = ()
    footer: str = ""  # centred footer text ("&P / &N" etc. are Excel page codes)
    tab_rgb: str | None = None
    hidden: bool = False  # created hidden (a sheet only kinerja reads)
    hidden_cols: tuple[int, ...] = ()  # columns only kinerja reads (neither shown nor printed)


@dataclass(frozen=True)
class SheetPlan:
    rows: tuple[Row, ...]
    layout: SheetLayout = SheetLayout()


@dataclass(frozen=True)
class WritePlan:
    """Everything one recalculation writes.

    ``cells``: defined name (workbook level, case-insensitive as in Excel) → value; only names the workbook has.
    ``sheets``: owned sheet name → its complete content (recreated on every run, in this order).
    ``meta``: the workbook's ``kinerja.meta.*`` after the run (replaces what was stored).
    ``inputs``: names of the rule set's inputs; an adapter refuses a plan whose output cells (or owned sheets)
    hold one of them.
    ``show_rows``, ``show_cols``: sheet → rows, columns (1-based) that hold input data (:func:`data_places`); an
    adapter unhides those that are hidden — data that went into the figures is printed — and changes nothing else
    of them.
    ``labels``: kinerja's input label cells whose wording the rules changed (:mod:`.uraian`), not counted as
    output cells.
    """

    cells: Mapping[str, CellWrite]
    sheets: Mapping[str, SheetPlan]
    meta: Mapping[str, str]
    inputs: tuple[str, ...] = ()  # the rule set's input names: no output may be written over one
    show_rows: Mapping[str, frozenset[int]] = field(default_factory=dict)
    show_cols: Mapping[str, frozenset[int]] = field(default_factory=dict)
    labels: Mapping[str, CellWrite] = field(default_factory=dict)  # ``Sheet!A1`` → an input label's new wording

    @property
    def cell_count(self) -> int:
        return len(self.cells)


Places = tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]
_PLACES: dict[tuple, Places] = {}  # the answers for the last few layouts (a template's workbooks share one)


def data_places(inputs: Inputs) -> Places:
    """(sheet → rows, sheet → columns) that hold input data, from where the reader found each table cell
    (``sources``: a :class:`~kinerja.engine.interface.CellKey` → ``'Sheet'!C12``) and each single value (its name →
    ``'Sheet'!C9``, e.g. in a row the operator hid). Rows the reader skipped (empty) are not among them; a row
    holding only a bad cell is (the operator must see it). A whole table's place (``'Sheet'!B15:D65``) is not a
    row. Remembered by exactly what it reads: every source and which inputs are tables."""
    key = (tuple(inputs.sources.items()), tuple(inputs.tables))
    hit = _PLACES.get(key)
    if hit is None:
        hit = _data_places(inputs)
        if len(_PLACES) >= 8:
            _PLACES.clear()
        _PLACES[key] = hit
    return dict(hit[0]), dict(hit[1])


def _data_places(inputs: Inputs) -> Places:
    rows: dict[str, set[int]] = {}
    cols: dict[str, set[int]] = {}
    for key, ref in sheet_places(inputs):
        if not isinstance(key, CellKey) and (not ref.is_single or key in inputs.tables):
            continue
        rows.setdefault(ref.sheet, set()).add(ref.row1)
        cols.setdefault(ref.sheet, set()).add(ref.col1)
    return ({sheet: frozenset(r) for sheet, r in rows.items()}, {sheet: frozenset(c) for sheet, c in cols.items()})


def sheet_places(inputs: Inputs) -> Iterator[tuple[str | CellKey, Ref]]:
    """(input name or table cell, where the reader found it) for every source on a sheet; a data file's place
    (``data.yaml: …``) is none."""
    for key, where in inputs.sources.items():
        try:
            yield key, parse_ref(where)
        except RefProblem:
            continue


__all__ = ["Link", "SheetLayout", "SheetPlan", "WritePlan", "data_places", "sheet_places"]
