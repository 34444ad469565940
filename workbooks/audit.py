"""The Audit sheet: one row per computed value, with its derivation, formula, inputs and their cells, the rule
file and line, the rule set and its hash, the engine and the time, and — where the derivation can be written in
Excel — a live check formula and whether it still agrees with the stored value.

Pure: builds :class:`~kinerja.workbooks.writer.CellWrite` rows from a :class:`~kinerja.engine.evaluator.Result`;
the recalculation puts them into its :class:`~kinerja.workbooks.plan.WritePlan`.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import __version__
from ..engine.checker import CheckedRules
from ..engine.evaluator import Result
from ..engine.interface import CellKey
from ..engine.report import STATUS_SHOWN
from ..engine.trace import Step, inputs_under, show
from ..engine.values import TANPA_DATA, Galat
from .auditskel import (
    _CEK,
    _COCOK,
    _DERIVASI,
    _MASUKAN,
    _NILAI,
    _PESAN,
    _STATUS,
    _URAIAN,
    AUDIT_HEADER,
    COL,
    HEADER_ROW,
    VALUE_COL,
    skeleton,
    top_text,
    wrapped_label,
)
from .plan import SheetLayout, SheetPlan
from .writer import CellWrite

__all__ = ["AUDIT_HEADER", "COL", "HEADER_ROW", "VALUE_COL", "Audit", "audit_value_cell", "heading_rows",
           "local_time", "natural_key", "row_label", "value_cell", "zone_name"]
WIDTHS = {"No": 5, "Jenis": 9, "ID": 22, "Uraian": 34, "Nilai": 18, "Status": 10, "Derivasi": 44,
          "Masukan (sel = nilai)": 70, "Rumus aturan": 30, "Berkas aturan": 22, "Cek Excel (rumus hidup)": 21,
          "Cocok?": 8, "Pesan": 24}
STATUS_WORD = {"ok": "ok", **STATUS_SHOWN["id"]}  # the sheet is Indonesian

# local time zones of Indonesia; KINERJA_ZONA chooses one (WIB by default)
ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
DEFAULT_ZONE = "WIB"


def zone_name(zona: str | None = None) -> str:
    z = (zona or os.environ.get("KINERJA_ZONA") or DEFAULT_ZONE).strip().upper()
    return z if z in ZONES else DEFAULT_ZONE


def local_time(now: datetime, zona: str | None = None) -> str:
    """``31-01-2025 15:00 WIB``: the time as the operator's clock shows it, with its zone."""
    z = zone_name(zona)
    t = now.astimezone(timezone(timedelta(hours=ZONES[z])))
    return t.strftime("%d-%m-%Y %H:%M ") + z


def value_cell(v: Any) -> CellWrite:
    """A computed value for an output cell (Ringkasan, Hasil): numbers as numbers, no data as ``-``."""
    if v is TANPA_DATA or v is None:
        return CellWrite("-")
    if isinstance(v, Galat):
        return CellWrite("galat")
    if isinstance(v, bool):
        return CellWrite("benar" if v else "salah")
    return CellWrite(v)


def audit_value_cell(v: Any) -> CellWrite | None:
    """A computed value on the Audit sheet: blank where there is no value (the Status column says why), numbers
    with thousands separators (the reader's locale shows 1.234,56 in Indonesia)."""
    if v is TANPA_DATA or v is None or isinstance(v, Galat):
        return None
    if type(v) is Decimal:  # the usual value: the same test as below, without converting it twice
        return CellWrite(v, style="angka0" if v == v.to_integral_value() else "angka2")
    if isinstance(v, bool):
        return CellWrite("benar" if v else "salah", style="atas")
    if isinstance(v, (int, Decimal)) and Decimal(v) == Decimal(v).to_integral_value():
        return CellWrite(v, style="angka0")
    if isinstance(v, (int, float, Decimal)):
        return CellWrite(v, style="angka2")
    return CellWrite(v, style="atas")


@lru_cache(maxsize=65536)  # pure: the same input names are sorted for many Audit rows
def natural_key(text: str) -> tuple:
    """``x[2]`` before ``x[10]``: digit runs compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)
                 if part)


def heading_rows(title: str, subtitle: str, note: str, header: list[str]) -> list[list[CellWrite | None]]:
    """The first rows of a sheet kinerja owns (Audit, Temuan): title, subtitle (rule set, time, counts), a wrapped
    note on how to read it, and the column headings (row :data:`HEADER_ROW`)."""
    return [[CellWrite(title, style="judul")], [CellWrite(subtitle)], [CellWrite(style="wrap", value=note)],
            [CellWrite(h, style="header") for h in header]]


class Audit:
    """Builds the Audit rows of one result on the rule set's skeleton (:mod:`.auditskel`: row order, label cells,
    where each value sits, the live check formulas), filling in what depends on the workbook's values."""

    def __init__(self, checked: CheckedRules, result: Result, names: dict[str, str], when: str):
        self.c, self.r, self.names, self.when = checked, result, names, when
        self.rs = checked.rules
        rs = self.rs
        self.rows = heading_rows(
            f"Audit perhitungan kinerja — {rs.title or rs.name}",
            f"Set aturan {rs.name} · versi {rs.version} · kinerja {__version__} · dihitung {when}",
            "Satu baris per nilai yang dihitung. Nilai kosong = tanpa data (lihat Status). Cek Excel: rumus yang "
            "dihitung ulang Excel sendiri; Cocok? membandingkannya dengan Nilai. Sheet ini diganti pada setiap Hitung.",
            AUDIT_HEADER)
        self.skeleton = skeleton(checked, result, names)
        self.cell_of = self.skeleton.cell_of  # computed value (object id or table cell) → Audit!$E$n (read only)
        self.row_of = self.skeleton.row_of  # object id / str(CellKey) → its sheet row, for Temuan's links (read only)
        self.objects_known = self.skeleton.objects_known
        self.pending: list[int] = []  # indices in self.rows of the rows with a value (for their check formulas)

    # ---- rows ----
    def add(self, name: str, value: Any, status: str, step, message: str) -> None:
        """The skeleton's next row, with what depends on the values: Uraian, Nilai, Status, Derivasi, Masukan,
        Pesan."""
        n = len(self.rows)  # index in self.rows; the sheet row is n + 1
        row = list(self.skeleton.rows[n - HEADER_ROW])
        row[_NILAI] = audit_value_cell(value)
        row[_STATUS] = top_text(STATUS_WORD.get(status, status))
        for i, t in ((_DERIVASI, step.line() if step else ""), (_MASUKAN, self.inputs_text(step)),
                     (_PESAN, message)):
            if t:
                row[i] = CellWrite(t, style="wrap")
        if name:
            row[_URAIAN] = wrapped_label(name)
        self.rows.append(row)
        if not (value is TANPA_DATA or value is None or isinstance(value, Galat)):
            self.pending.append(n)

    def inputs_text(self, step) -> str:
        """The inputs of a row, in natural order ([1], [2], …, [10]). Inputs that reach it through another object
        with its own Audit row are not repeated (that row is named instead)."""
        if step is None:
            return ""
        via: list[Step] = []
        rest: list[Step] = []
        for ch in step.children:
            (via if ch.label in self.objects_known and ch.label != step.label else rest).append(ch)
        hidden = inputs_under(via)
        # every input under the step but those under the objects named (a name met there is never met elsewhere
        # first: the walk may leave their steps out)
        seen = {}
        for t in step.inputs:
            if t[0] not in seen:
                seen[t[0]] = t
        own = [t for name, t in inputs_under(rest, seen).items() if name not in hidden]
        out = [f"{name} = {show(v, exact=True)} ({src})" if src else f"{name} = {show(v, exact=True)}"
               for name, v, src in _in_natural_order(own)]
        if via:
            out.append("masukan " + ", ".join(ch.label for ch in via) + ": lihat baris Audit-nya")
        return "; ".join(out)

    def objects(self) -> None:
        """One row per computed value, in the order :mod:`.auditskel` lays the rows out."""
        r = self.r
        for o in r.indicators.values():
            self.add(o.nama, o.value, o.status, o.step, o.pesan)
            self.add(f"Capaian {o.nama}", o.capaian, _status(o.capaian), o.capaian_step, "")
        for o in r.indices.values():
            self.add(o.nama, o.value, o.status, o.step, o.pesan)
            self.add(f"Capaian {o.nama}", o.capaian, _status(o.capaian), o.capaian_step, "")
        for o in r.sasaran.values():
            self.add(o.nama, o.value, o.status, o.step, o.pesan)
        for blk in self.rs.rows.values():  # column by column, so each computed column is one range
            rows = r.tables.get(blk.table, [])
            labels = [f"{blk.table} baris {i + 1}{f' ({label})' if label else ''}: "
                      for i, label in enumerate(map(row_label, rows))]  # each row's, for each of its columns
            for a in blk.assigns:
                for i, row in enumerate(rows):
                    step = r.row_steps.get(CellKey(blk.table, i, a.name))
                    v = row.get(a.name)
                    self.add(labels[i] + a.name, v, _status(v), step, v.message if isinstance(v, Galat) else "")
        for o in r.values.values():
            self.add(o.nama, o.value, o.status, o.step, o.pesan)

    def checks(self) -> None:
        """Fill the live check formula and the agreement cell of each row that has a value."""
        checks = self.skeleton.checks
        for n in self.pending:
            cells = checks[n - HEADER_ROW]
            if cells is not None:
                row = self.rows[n]
                row[_CEK], row[_COCOK] = cells

    def sheet(self) -> SheetPlan:
        """The finished sheet: A4 landscape fitted to the page width, header repeated, autofilter, title merged."""
        last = len(AUDIT_HEADER)
        return SheetPlan(tuple(tuple(r) for r in self.rows), SheetLayout(
            header_row=HEADER_ROW, landscape=True, fit_width=True, autofilter=True,
            widths={COL[h]: float(w) for h, w in WIDTHS.items()},
            merges=tuple((r, 1, r, last) for r in range(1, HEADER_ROW)),
            footer=f"Audit {self.rs.name} · versi {self.rs.version} · halaman &P dari &N"))


def _natural_first(t: tuple) -> tuple:
    return natural_key(t[0]), t[0]  # x[01] and x[1] have one natural key: then by name


_ORDERS: dict[tuple[str, ...], tuple[int, ...]] = {}  # names as met → their natural order (positions)
_ORDERS_MAX = 4096


def _in_natural_order(inputs: list[tuple]) -> list[tuple]:
    """``inputs`` (name, value, where) sorted by name in natural order. The order depends on the names alone, so
    it is remembered by them (the same rows list the same names on every Hitung of a template's workbooks)."""
    if len(inputs) < 2:
        return inputs
    names = tuple([t[0] for t in inputs])
    order = _ORDERS.get(names)
    if order is None:
        order = tuple(sorted(range(len(inputs)), key=lambda i: _natural_first(inputs[i])))
        if len(_ORDERS) >= _ORDERS_MAX:
            _ORDERS.clear()
        _ORDERS[names] = order
    return [inputs[i] for i in order]


def row_label(row: dict[str, Any]) -> str:
    """What people call a table row: its first text cell (the satker's name, the month)."""
    return next((v.strip() for v in row.values() if isinstance(v, str) and v.strip()), "")


def _status(v: Any) -> str:
    return "galat" if isinstance(v, Galat) else ("tanpa_data" if v is TANPA_DATA or v is None else "ok")
