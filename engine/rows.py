"""Input values and table rows for one evaluation: what an adapter delivered, as engine values.

A mixin of :class:`kinerja.engine.evaluator.Evaluator`: an input's value (no data when empty and optional, an
input error carried as ``Galat`` when the adapter reported a problem or the value is not a number), the rows of
a table input with their computed columns (``per_baris``) filled in, and an index of rows by column value for
``untuk kolom = …`` filters.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import core as c
from .errors import runtime
from .interface import CellKey
from .values import TANPA_DATA, Galat, to_decimal

BAD = object()  # key of a row index: rows whose cell in that column is an input error
IN_PROGRESS = object()  # an object or cell being computed: reading it again is a circular dependency


class Row:
    """The row a node is evaluated in (``per_baris`` columns, ``untuk`` filters)."""

    __slots__ = ("table", "index", "cells")

    def __init__(self, table: str, index: int, cells: dict[str, Any]):
        self.table, self.index, self.cells = table, index, cells


class InputsMixin:
    def input_value(self, name: str) -> Any:
        where = self.inputs.sources.get(name, "")
        prob = self.problem_by_input.get(name)
        if prob is not None:
            return Galat(prob.message, (name,), prob.location)
        raw = self.inputs.values.get(name)
        if raw is None or raw == "":
            if self.core.required.get(name, True):
                return runtime("G001", (name,), where, name=name)
            return TANPA_DATA
        if self.core.inputs[name] == "teks":
            return str(raw)
        try:
            return to_decimal(raw)
        except TypeError:
            return runtime("G002", (name,), where, name=name, value=repr(raw))

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        """Rows of a table input with its computed columns (``per_baris``) filled in."""
        if table in self.rows:
            return self.rows[table]
        tdef = self.core.tables[table]
        prob = self.problem_by_input.get(table)
        raw = self.inputs.tables.get(table, [])
        sources = self.inputs.sources
        rows: list[dict[str, Any]] = []
        for i, r in enumerate(raw):
            row: dict[str, Any] = {}
            rprob = self.problem_by_row.get((table, i)) if self.problem_by_row else None
            for col in tdef.columns:
                v = r.get(col.name)
                cprob = self.problem_by_cell.get(CellKey(table, i, col.name)) if self.problem_by_cell else None
                if cprob is None and rprob is not None and col.name not in tdef.key:
                    cprob = rprob  # a duplicate row: its figures are not used, its key still places it
                if cprob is not None or prob is not None:
                    p = cprob or prob
                    row[col.name] = Galat(p.message, (table,), p.location)
                elif v is None or v == "":
                    row[col.name] = TANPA_DATA if not col.required else runtime(
                        "G003", (table,), sources.get(CellKey(table, i, col.name), ""), table=table, row=i + 1,
                        column=col.name)
                elif col.kind == "teks":
                    row[col.name] = str(v)
                else:
                    try:
                        row[col.name] = to_decimal(v)
                    except TypeError:
                        row[col.name] = runtime("G005", (table,), sources.get(CellKey(table, i, col.name), ""),
                                                table=table, row=i + 1, column=col.name, value=repr(v))
            rows.append(row)
        self.rows[table] = rows
        for i in range(len(rows)):
            for cc in tdef.computed:
                self.row_value(table, i, cc)
        return rows

    def row_value(self, table: str, i: int, cc: c.ComputedColumn) -> Any:
        cells = self.rows[table][i]
        if cc.name in cells:
            v = cells[cc.name]
            return runtime("G006", name=f"{table}.{cc.name}") if v is IN_PROGRESS else v
        cells[cc.name] = IN_PROGRESS
        row = Row(table, i, cells)
        value, event = self.top(cc.expr, row, f"{table}.{cc.name}")
        cells[cc.name] = value
        if isinstance(cc.expr, c.Round) and isinstance(value, Decimal):
            self.result.row_raw[CellKey(table, i, cc.name)] = self.quiet(cc.expr.operand, row)
        if event is not None:
            self.row_events[CellKey(table, i, cc.name)] = event
        return value

    def row_index(self, table: str, column: str) -> dict[Any, list[int]]:
        """Value → indices of the rows of ``table`` holding it in ``column`` (rows without a value left out)."""
        key = (table, column)
        out = self.indexes.get(key)
        if out is None:
            out = {}
            for i, r in enumerate(self.table_rows(table)):
                x = r.get(column, TANPA_DATA)
                if isinstance(x, Galat):
                    out.setdefault(BAD, []).append(i)  # such a filter is evaluated row by row (errors kept)
                elif x is not TANPA_DATA:
                    out.setdefault(x, []).append(i)
            self.indexes[key] = out
        return out
