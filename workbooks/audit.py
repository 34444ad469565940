"""The Audit sheet: one row per computed value, with its derivation, formula, inputs and their cells, the rule
file and line, the rule set and its hash, the engine and the time, and — where the derivation can be written in
Excel — a live check formula and whether it still agrees with the stored value.

Pure: builds :class:`~kinerja.workbooks.writer.CellWrite` rows from a :class:`~kinerja.engine.evaluator.Result`;
the recalculation puts them into its :class:`~kinerja.workbooks.plan.WritePlan`.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..engine.checker import CheckedRules
from ..engine.evaluator import ObjectResult, Result
from ..engine.excel import ExcelTranslator
from ..engine.interface import CellKey
from ..engine.trace import show
from ..engine.values import TANPA_DATA, Galat
from . import layout
from .refs import cell_name, parse_ref, quote_sheet
from .writer import CellWrite

AUDIT_HEADER = ["No", "Jenis", "ID", "Nama", "Nilai", "Status", "Derivasi", "Rumus", "Masukan (sel = nilai)",
                "Berkas aturan", "Cek Excel (rumus hidup)", "Cocok?", "Aturan", "Versi aturan", "Mesin", "Waktu",
                "Pesan"]
COL = {name: i + 1 for i, name in enumerate(AUDIT_HEADER)}  # 1-based column of each audit field


def value_cell(v: Any) -> CellWrite:
    if v is TANPA_DATA or v is None:
        return CellWrite("tanpa data")
    if isinstance(v, Galat):
        return CellWrite("galat")
    if isinstance(v, bool):
        return CellWrite("benar" if v else "salah")
    return CellWrite(v)


class Audit:
    """Builds the Audit rows and remembers where each computed value sits, for the live check formulas."""

    def __init__(self, checked: CheckedRules, result: Result, names: dict[str, str], when: str):
        self.c, self.r, self.names, self.when = checked, result, names, when
        self.rs = checked.rules
        self.rows: list[list[CellWrite | None]] = [[CellWrite(h, style="header") for h in AUDIT_HEADER]]
        self.cell_of: dict[str | CellKey, str] = {}  # computed value (object id or table cell) → Audit!$E$n
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
        n = len(self.rows)  # the header is row 1, so this row is n + 1
        inputs = "; ".join(f"{nm} = {show(v, exact=True)}" + (f" ({src})" if src else "")
                           for nm, v, src in (step.all_inputs() if step else []))
        row: list[CellWrite | None] = [
            CellWrite(n), CellWrite(kind), CellWrite(ident), CellWrite(name), value_cell(value), CellWrite(status),
            CellWrite(step.line() if step else "", style="wrap"), CellWrite(formula), CellWrite(inputs, style="wrap"),
            CellWrite(rule), None, None, CellWrite(self.rs.name), CellWrite(self.rs.version),
            CellWrite(f"kinerja {__version__}"), CellWrite(self.when), CellWrite(message or None)]
        self.rows.append(row)
        self.cell_of[ident] = f"{layout.AUDIT_SHEET}!$E${n + 1}"
        if check is not None:
            self.pending.append((n, check[0], check[1]))

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
                    step = r.row_steps.get((blk.table, i, a.name))
                    v = row.get(a.name)
                    key = CellKey(blk.table, i, a.name)
                    self.add("kolom", str(key), f"{blk.table} baris {i + 1}: {a.name}", v,
                             _status(v), step, a.formula.span.text, f"{a.span.file}:{a.span.line}",
                             v.message if isinstance(v, Galat) else "", ("kolom", (blk, i, a)))
                    self.cell_of[key] = self.cell_of.pop(str(key))
                if rows:
                    self.cell_of[f"{blk.table}.{a.name}"] = (f"{layout.AUDIT_SHEET}!$E${first}:"
                                                             f"$E${first + len(rows) - 1}")
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
            self.rows[n][COL["Cek Excel (rumus hidup)"] - 1] = CellWrite(formula="=" + formula)
            self.rows[n][COL["Cocok?"] - 1] = CellWrite(
                formula=f'=IFERROR(IF(ABS(K{row}-E{row})<0.000001,"cocok","BERBEDA"),"-")')

    def formula(self, kind: str, payload: Any) -> str | None:
        tr = self.tr
        if kind == "indikator":
            return tr.indicator(payload)
        if kind == "capaian":
            base = self.cell_of.get(payload)
            return tr.capaian(payload, base) if base and payload in self.rs.indicators else (
                self._index_capaian(payload, base))
        if kind == "indeks":
            return tr.index(payload)
        if kind == "nilai":
            return tr.value(payload)
        if kind == "sasaran":
            s = self.rs.sasaran[payload]
            cells = [self.cell_of.get(f"{i}.capaian") for i in s.indicators]
            if not all(cells):
                return None
            digits = int(self.c.settings["bulat_capaian"])
            return f"ROUND(AVERAGE({','.join(cells)}),{digits})"
        if kind == "kolom":
            blk, i, a = payload
            return tr.row_formula(blk.table, i, a)
        return None

    def _index_capaian(self, ident: str, base: str | None) -> str | None:
        o = self.r.indices.get(ident)
        if o is None or base is None or o.target in (None, 0):
            return None
        return f"ROUND({base}/{format(o.target, 'f')}*100,{int(self.c.settings['bulat_capaian'])})"


def _status(v: Any) -> str:
    return "galat" if isinstance(v, Galat) else ("tanpa_data" if v is TANPA_DATA or v is None else "ok")


def _rule(o: ObjectResult) -> str:
    return f"{o.span.file}:{o.span.line}" if o.span else ""


def _capaian_formula(o: ObjectResult) -> str:
    if o.meta.get("arah") == "turun":
        return "(2 × target − realisasi) / target × 100"
    return "realisasi / target × 100"


