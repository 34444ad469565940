"""The Audit sheet's skeleton: everything of it that does not depend on the workbook's values.

Which row each computed value takes, the cells that come from the rule set alone (No, Jenis, ID, Rumus aturan,
Berkas aturan), where each value sits (for the live formulas and Temuan's links) and the live check formula of
every row (``Cek Excel``, ``Cocok?``) are a function of the checked rule set, the workbook's defined names, where
each input was read (the reader's sources), which inputs have a problem as a whole, the order of the result's
objects and the number of rows of each table — never of a value. :func:`skeleton` computes them once for that
combination and remembers a few (a batch of unit workbooks from one template, a server), keyed by every part
exactly; :class:`~kinerja.workbooks.audit.Audit` fills in the value cells (Uraian, Nilai, Status, Derivasi,
Masukan, Pesan) per workbook.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..engine.checker import CheckedRules
from ..engine.derivation import capaian_formula
from ..engine.evaluator import ObjectResult, Result
from ..engine.excel import ExcelTranslator
from ..engine.interface import CellKey
from . import layout
from .refs import cell_name, col_letters, parse_ref, quote_sheet
from .writer import CellWrite

AUDIT_HEADER = ["No", "Jenis", "ID", "Uraian", "Nilai", "Status", "Derivasi", "Masukan (sel = nilai)",
                "Rumus aturan", "Berkas aturan", "Cek Excel (rumus hidup)", "Cocok?", "Pesan"]
COL = {name: i + 1 for i, name in enumerate(AUDIT_HEADER)}  # 1-based column of each audit field
HEADER_ROW = 4  # rows 1–3: title, rule set / version / time, how to read the sheet
VALUE_COL = col_letters(COL["Nilai"])
_NO, _JENIS, _ID, _URAIAN, _NILAI, _STATUS, _DERIVASI, _MASUKAN, _RUMUS, _BERKAS, _PESAN = (
    COL[h] - 1 for h in ("No", "Jenis", "ID", "Uraian", "Nilai", "Status", "Derivasi", "Masukan (sel = nilai)",
                         "Rumus aturan", "Berkas aturan", "Pesan"))
_CEK, _COCOK = COL["Cek Excel (rumus hidup)"] - 1, COL["Cocok?"] - 1


@dataclass(frozen=True)
class Skeleton:
    """``rows``: per data row (sheet order), its cells that come from the rule set alone (the others None);
    ``checks``: per data row, its live check and agreement cells, or None where the derivation cannot be
    written in Excel; ``cell_of``: object id / table cell → ``Audit!$E$n`` (or a computed column's range);
    ``row_of``: object id / ``str(CellKey)`` → sheet row; ``objects_known``: object ids and their ``.capaian``.
    Shared by every Audit built from it: read only."""

    rows: tuple[tuple[CellWrite | None, ...], ...]
    checks: tuple[tuple[CellWrite, CellWrite] | None, ...]
    cell_of: dict[str | CellKey, str]
    row_of: dict[str, int]
    objects_known: frozenset[str]


_MEMO: dict[tuple, tuple[CheckedRules, Skeleton]] = {}
_MEMO_MAX = 8  # skeletons kept: a few templates (rule sets × layouts) at once
_LOCK = threading.Lock()  # the server builds plans in threads


def skeleton(checked: CheckedRules, result: Result, names: dict[str, str]) -> Skeleton:
    """The skeleton for this rule set, these defined names and the layout of these inputs (remembered)."""
    inputs = result.inputs
    key = (id(checked), tuple(names.items()), tuple(inputs.sources.items()),
           tuple(p.input for p in inputs.problems if p.cell is None),
           tuple(result.indicators), tuple(result.indices), tuple(result.sasaran), tuple(result.values),
           tuple(len(result.tables.get(blk.table, ())) for blk in checked.rules.rows.values()))
    with _LOCK:
        hit = _MEMO.get(key)
    if hit is not None and hit[0] is checked:  # the memo holds ``checked``: its id is not reused meanwhile
        return hit[1]
    made = _Builder(checked, result, names).run()
    with _LOCK:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = (checked, made)
    return made


class _Builder:
    """Lays out the rows in the order :meth:`Audit.objects <kinerja.workbooks.audit.Audit.objects>` fills them,
    then translates each row's live check formula (every value has its cell by then)."""

    def __init__(self, checked: CheckedRules, result: Result, names: dict[str, str]):
        self.c, self.r, self.names, self.rs = checked, result, names, checked.rules
        self.rows: list[list[CellWrite | None]] = []
        self.payloads: list[tuple[str, Any]] = []
        self.cell_of: dict[str | CellKey, str] = {}
        self.row_of: dict[str, int] = {}
        self.columns = self._table_columns()
        self.tr = ExcelTranslator(checked, self.ref_of)

    def run(self) -> Skeleton:
        r, rs = self.r, self.rs
        for o in r.indicators.values():
            f = rs.indicators[o.id].formula
            self.add("indikator", o.id, f.span.text if f else "", _rule(o), ("indikator", o.id))
            self.add("capaian", f"{o.id}.capaian", _capaian_formula(o), _rule(o), ("capaian", o.id))
        for o in r.indices.values():
            self.add("indeks", o.id, "komposit (lihat aturan)", _rule(o), ("indeks", o.id))
            self.add("capaian", f"{o.id}.capaian", "nilai / target × 100", _rule(o), ("capaian", o.id))
        for o in r.sasaran.values():
            self.add("sasaran", o.id, "rata-rata capaian indikator", _rule(o), ("sasaran", o.id))
        for blk in rs.rows.values():  # column by column, so each computed column is one range
            n = len(r.tables.get(blk.table, ()))
            for a in blk.assigns:
                first = HEADER_ROW + len(self.rows) + 1
                for i in range(n):
                    key = CellKey(blk.table, i, a.name)
                    self.add("kolom", str(key), a.formula.span.text, f"{a.span.file}:{a.span.line}",
                             ("kolom", (blk, i, a)))
                    self.cell_of[key] = self.cell_of.pop(str(key))
                if n:
                    self.cell_of[f"{blk.table}.{a.name}"] = (f"{layout.AUDIT_SHEET}!${VALUE_COL}${first}:"
                                                             f"${VALUE_COL}${first + n - 1}")
        for o in r.values.values():
            self.add("nilai", o.id, rs.values[o.id].formula.span.text, _rule(o), ("nilai", o.id))
        checks = []
        for n, (kind, payload) in enumerate(self.payloads):
            formula = self.formula(kind, payload)
            checks.append(None if formula is None else _check_cells(formula, HEADER_ROW + n + 1))
        objs = r.all_objects()
        return Skeleton(tuple(tuple(row) for row in self.rows), tuple(checks), self.cell_of, self.row_of,
                        frozenset({o.id for o in objs} | {f"{o.id}.capaian" for o in objs}))

    def add(self, kind: str, ident: str, formula: str, rule: str, check: tuple[str, Any]) -> None:
        row: list[CellWrite | None] = [None] * len(AUDIT_HEADER)
        n = len(self.rows) + 1  # the No column
        row[_NO] = CellWrite(n, style="atas")
        row[_JENIS] = top_text(kind)
        for i, t in ((_RUMUS, formula), (_BERKAS, rule), (_ID, ident)):
            if t:
                row[i] = wrapped_label(t)
        self.rows.append(row)
        self.payloads.append(check)
        self.cell_of[ident] = f"{layout.AUDIT_SHEET}!${VALUE_COL}${HEADER_ROW + n}"
        self.row_of[ident] = HEADER_ROW + n

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


@lru_cache(maxsize=64)  # the few words of the Jenis and Status columns: one frozen cell each
def top_text(word: str) -> CellWrite:
    return CellWrite(word, style="atas")


@lru_cache(maxsize=16384)  # a rule set's ids, names, formulas and rule lines: the same cells on every Hitung
def wrapped_label(text: str) -> CellWrite:
    return CellWrite(text, style="wrap")


def _check_cells(formula: str, row: int) -> tuple[CellWrite, CellWrite]:
    """The live check formula of an Audit row and the cell saying whether it agrees with the stored value."""
    k, e = col_letters(COL["Cek Excel (rumus hidup)"]), VALUE_COL
    return (CellWrite(formula="=" + formula, style="angka2"),
            CellWrite(formula=f'=IFERROR(IF(ABS({k}{row}-{e}{row})<0.000001,"cocok","BERBEDA"),"-")', style="atas"))


def _rule(o: ObjectResult) -> str:
    return f"{o.span.file}:{o.span.line}" if o.span else ""


def _capaian_formula(o: ObjectResult) -> str:
    return capaian_formula(getattr(o, "arah", "naik"), "realisasi", "target")
