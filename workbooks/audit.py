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
from ..engine.derivation import capaian_formula
from ..engine.evaluator import ObjectResult, Result
from ..engine.excel import ExcelTranslator
from ..engine.interface import CellKey
from ..engine.trace import show
from ..engine.values import TANPA_DATA, Galat
from . import layout
from .plan import SheetLayout, SheetPlan
from .refs import cell_name, col_letters, parse_ref, quote_sheet
from .writer import CellWrite

AUDIT_HEADER = ["No", "Jenis", "ID", "Uraian", "Nilai", "Status", "Derivasi", "Masukan (sel = nilai)",
                "Rumus aturan", "Berkas aturan", "Cek Excel (rumus hidup)", "Cocok?", "Pesan"]
COL = {name: i + 1 for i, name in enumerate(AUDIT_HEADER)}  # 1-based column of each audit field
WIDTHS = {"No": 5, "Jenis": 9, "ID": 22, "Uraian": 34, "Nilai": 18, "Status": 10, "Derivasi": 44,
          "Masukan (sel = nilai)": 70, "Rumus aturan": 30, "Berkas aturan": 22, "Cek Excel (rumus hidup)": 21,
          "Cocok?": 8, "Pesan": 24}
HEADER_ROW = 4  # rows 1–3: title, rule set / version / time, how to read the sheet
STATUS_WORD = {"ok": "ok", "tanpa_data": "tanpa data", "galat": "galat"}

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
    """Builds the Audit rows and remembers where each computed value sits, for the live check formulas."""

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
        self.count = 0  # data rows so far (the No column)
        self.cell_of: dict[str | CellKey, str] = {}  # computed value (object id or table cell) → Audit!$E$n
        self.row_of: dict[str, int] = {}  # object id / str(CellKey) → its sheet row (for links from Temuan)
        objs = result.all_objects()
        self.objects_known = {o.id for o in objs} | {f"{o.id}.capaian" for o in objs}
        self.pending: list[tuple[int, str, Any]] = []  # (row index, kind, payload) for check formulas
        self.columns = self._table_columns()
        self.tr = ExcelTranslator(checked, self.ref_of)

    # ---- where things are, for Excel formulas ----
    def _table_columns(self) -> dict[str, str]:
        """``table.column`` → the range of its data cells (from the reader's per-cell sources)."""
        spans: dict[str, list[tuple[str, int, int]]] = {}
        for key, where in self.r.inputs.sources.items():
            if not isinstance(key, CellKey) or "!" not in where:
                continue
            table, col = key.table, key.column
            try:
                ref = parse_ref(where)
            except Exception:
                continue
            spans.setdefault(f"{table}.{col}", []).append((ref.sheet, ref.row1, ref.col1))
        out = {}
        for key, cells in spans.items():
            sheet = cells[0][0]
            col = cells[0][2]
            if any(s != sheet or c != col for s, _, c in cells):
                continue
            rows = [r for _, r, _ in cells]
            out[key] = (f"{quote_sheet(sheet)}!${cell_name(min(rows), col).rstrip('0123456789')}${min(rows)}:"
                        f"${cell_name(max(rows), col).rstrip('0123456789')}${max(rows)}")
        return out

    def ref_of(self, name: str | CellKey) -> str | None:
        if isinstance(name, CellKey):  # one cell of a table row: a computed column's Audit cell, or its input cell
            if name in self.cell_of:
                return self.cell_of[name]
            where = self.r.inputs.sources.get(name)
            if where and "!" in where:
                ref = parse_ref(where)
                return f"{quote_sheet(ref.sheet)}!${cell_name(ref.row1, ref.col1).rstrip('0123456789')}${ref.row1}"
            return None
        if name in self.cell_of:
            return self.cell_of[name]
        if name in self.rs.inputs:
            where = self.names.get(name) or next((v for k, v in self.names.items() if k.casefold() == name.casefold()),
                                                 None)
            if where and ":" not in where and "!" in where and not self.r.inputs.problem_for(name):
                return name  # the defined name itself: robust to moved cells
            return None
        if name in self.columns:
            return self.columns[name]
        return None

    # ---- rows ----
    def add(self, kind: str, ident: str, name: str, value: Any, status: str, step, formula: str, rule: str,
            message: str, check: tuple[str, Any] | None) -> None:
        n = len(self.rows)  # index in self.rows; the sheet row is n + 1
        self.count += 1
        row: list[CellWrite | None] = [None] * len(AUDIT_HEADER)
        row[_NO] = CellWrite(self.count, style="atas")
        row[_JENIS] = _top_text(kind)
        row[_NILAI] = audit_value_cell(value)
        row[_STATUS] = _top_text(STATUS_WORD.get(status, status))
        for i, t in ((_DERIVASI, step.line() if step else ""), (_MASUKAN, self.inputs_text(step)),
                     (_PESAN, message)):
            if t:
                row[i] = CellWrite(t, style="wrap")
        for i, t in ((_RUMUS, formula), (_BERKAS, rule), (_URAIAN, name), (_ID, ident)):
            if t:
                row[i] = _wrapped_label(t)
        self.rows.append(row)
        self.cell_of[ident] = f"{layout.AUDIT_SHEET}!${VALUE_COL}${n + 1}"
        self.row_of[ident] = n + 1
        if check is not None and not (value is TANPA_DATA or value is None or isinstance(value, Galat)):
            self.pending.append((n, check[0], check[1]))

    def inputs_text(self, step) -> str:
        """The inputs of a row, in natural order ([1], [2], …, [10]). Inputs that reach it through another object
        with its own Audit row are not repeated (that row is named instead)."""
        if step is None:
            return ""
        via: list[str] = []
        hidden: set[str] = set()
        for ch in step.children:
            if ch.label in self.objects_known and ch.label != step.label:
                via.append(ch.label)
                hidden.update(t[0] for t in ch.all_inputs(ordered=False))
        own = [t for t in step.all_inputs(ordered=False) if t[0] not in hidden]
        own.sort(key=_natural_first)
        out = [f"{name} = {show(v, exact=True)} ({src})" if src else f"{name} = {show(v, exact=True)}"
               for name, v, src in own]
        if via:
            out.append("masukan " + ", ".join(via) + ": lihat baris Audit-nya")
        return "; ".join(out)

    def objects(self) -> None:
        r = self.r
        for o in r.indicators.values():
            f = self.rs.indicators[o.id].formula
            self.add("indikator", o.id, o.nama, o.value, o.status, o.step, f.span.text if f else "", _rule(o),
                     o.pesan, ("indikator", o.id))
            self.add("capaian", f"{o.id}.capaian", f"Capaian {o.nama}", o.capaian, _status(o.capaian),
                     o.capaian_step, _capaian_formula(o), _rule(o), "", ("capaian", o.id))
        for o in r.indices.values():
            self.add("indeks", o.id, o.nama, o.value, o.status, o.step, "komposit (lihat aturan)", _rule(o), o.pesan,
                     ("indeks", o.id))
            self.add("capaian", f"{o.id}.capaian", f"Capaian {o.nama}", o.capaian, _status(o.capaian),
                     o.capaian_step, "nilai / target × 100", _rule(o), "", ("capaian", o.id))
        for o in r.sasaran.values():
            self.add("sasaran", o.id, o.nama, o.value, o.status, o.step, "rata-rata capaian indikator", _rule(o),
                     o.pesan, ("sasaran", o.id))
        for blk in self.rs.rows.values():  # column by column, so each computed column is one range
            rows = r.tables.get(blk.table, [])
            for a in blk.assigns:
                first = len(self.rows) + 1
                for i, row in enumerate(rows):
                    step = r.row_steps.get(CellKey(blk.table, i, a.name))
                    v = row.get(a.name)
                    key = CellKey(blk.table, i, a.name)
                    label = row_label(row)
                    self.add("kolom", str(key), f"{blk.table} baris {i + 1}{f' ({label})' if label else ''}: {a.name}",
                             v,
                             _status(v), step, a.formula.span.text, f"{a.span.file}:{a.span.line}",
                             v.message if isinstance(v, Galat) else "", ("kolom", (blk, i, a)))
                    self.cell_of[key] = self.cell_of.pop(str(key))
                if rows:
                    self.cell_of[f"{blk.table}.{a.name}"] = (f"{layout.AUDIT_SHEET}!${VALUE_COL}${first}:"
                                                             f"${VALUE_COL}${first + len(rows) - 1}")
        for o in r.values.values():
            self.add("nilai", o.id, o.nama, o.value, o.status, o.step, self.rs.values[o.id].formula.span.text,
                     _rule(o), o.pesan, ("nilai", o.id))

    def checks(self) -> None:
        """Fill the live check formula and the agreement cell of each row (after every value has its cell)."""
        for n, kind, payload in self.pending:
            formula = self.formula(kind, payload)
            if formula is None:
                continue
            row = n + 1
            cells = self.rows[n]
            cells[_CEK], cells[_COCOK] = _check_cells(formula, row)

    def sheet(self) -> SheetPlan:
        """The finished sheet: A4 landscape fitted to the page width, header repeated, autofilter, title merged."""
        last = len(AUDIT_HEADER)
        return SheetPlan(tuple(tuple(r) for r in self.rows), SheetLayout(
            header_row=HEADER_ROW, landscape=True, fit_width=True, autofilter=True,
            widths={COL[h]: float(w) for h, w in WIDTHS.items()},
            merges=tuple((r, 1, r, last) for r in range(1, HEADER_ROW)),
            footer=f"Audit {self.rs.name} · versi {self.rs.version} · halaman &P dari &N"))

    def formula(self, kind: str, payload: Any) -> str | None:
        tr = self.tr
        if kind == "indikator":
            return tr.indicator(payload)
        if kind == "capaian":
            base = self.cell_of.get(payload)
            return tr.capaian(payload, base)
        if kind == "indeks":
            return tr.index(payload)
        if kind == "nilai":
            return tr.value(payload)
        if kind == "sasaran":
            return tr.sasaran(payload, lambda i: self.cell_of.get(f"{i}.capaian"))
        if kind == "kolom":
            blk, i, a = payload
            return tr.row_formula(blk.table, i, a)
        return None


VALUE_COL = col_letters(COL["Nilai"])
_NO, _JENIS, _ID, _URAIAN, _NILAI, _STATUS, _DERIVASI, _MASUKAN, _RUMUS, _BERKAS, _PESAN = (
    COL[h] - 1 for h in ("No", "Jenis", "ID", "Uraian", "Nilai", "Status", "Derivasi", "Masukan (sel = nilai)",
                         "Rumus aturan", "Berkas aturan", "Pesan"))
_CEK, _COCOK = COL["Cek Excel (rumus hidup)"] - 1, COL["Cocok?"] - 1


@lru_cache(maxsize=64)  # the few words of the Jenis and Status columns: one frozen cell each
def _top_text(word: str) -> CellWrite:
    return CellWrite(word, style="atas")


@lru_cache(maxsize=16384)  # a rule set's ids, names, formulas and rule lines: the same cells on every Hitung
def _wrapped_label(text: str) -> CellWrite:
    return CellWrite(text, style="wrap")


@lru_cache(maxsize=16384)  # the same formulas in the same rows on every Hitung of a workbook
def _check_cells(formula: str, row: int) -> tuple[CellWrite, CellWrite]:
    """The live check formula of an Audit row and the cell saying whether it agrees with the stored value."""
    k, e = col_letters(COL["Cek Excel (rumus hidup)"]), VALUE_COL
    return (CellWrite(formula="=" + formula, style="angka2"),
            CellWrite(formula=f'=IFERROR(IF(ABS({k}{row}-{e}{row})<0.000001,"cocok","BERBEDA"),"-")', style="atas"))


def _natural_first(t: tuple) -> tuple:
    return natural_key(t[0]), t[0]  # x[01] and x[1] have one natural key: then by name


def row_label(row: dict[str, Any]) -> str:
    """What people call a table row: its first text cell (the satker's name, the month)."""
    return next((v.strip() for v in row.values() if isinstance(v, str) and v.strip()), "")


def _status(v: Any) -> str:
    return "galat" if isinstance(v, Galat) else ("tanpa_data" if v is TANPA_DATA or v is None else "ok")


def _rule(o: ObjectResult) -> str:
    return f"{o.span.file}:{o.span.line}" if o.span else ""


def _capaian_formula(o: ObjectResult) -> str:
    return capaian_formula(getattr(o, "arah", "naik"), "realisasi", "target")


