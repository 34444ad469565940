"""The core form as live Excel formulas (for the check column of the audit).

Where a derivation can be written in Excel — ratios with their 0/0 rule, growth, sums, means, weighted sums,
composite indices, rounding, capaian by direction, choices — kinerja writes it next to the stored result, so
Excel itself shows whether the stored result still matches the inputs after an operator edits them. A pure
translation of :mod:`kinerja.engine.core` nodes (the same nodes the evaluator computes, so both agree by
construction); ``ref_of(name)`` tells where a name (or a table cell's :class:`CellKey`) lives in the workbook
(``"Input!$C$5"`` or a range for a table column) and returns None when it is not in the workbook. Anything that
cannot be expressed faithfully returns None (no formula is better than a wrong one).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from . import core as c
from .checker import CheckedRules
from .interface import CellKey
from .lower import lower
from .values import CTX, TANPA_DATA

FUNCS = {"jumlah": "SUM", "rata_rata": "AVERAGE", "min": "MIN", "maks": "MAX", "banyak": "COUNT"}
IFS = {"jumlah": "SUMIFS", "rata_rata": "AVERAGEIFS", "min": "MINIFS", "maks": "MAXIFS", "banyak": "COUNTIFS"}
OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _NotExpressible(Exception):
    pass


_MARK = "\x00"  # where a table row's own cell goes in a computed column's formula (rule text hardly holds it)


def _num(d: Decimal) -> str:
    return format(d.normalize(CTX), "f")


class ExcelTranslator:
    def __init__(self, checked: CheckedRules, ref_of: Callable[[str | CellKey], str | None]):
        self.c = checked
        self.core = lower(checked)
        self.ref_of = ref_of
        self._row_templates: dict[tuple[str, str], tuple] = {}  # row_formula's, per computed column

    # ---- objects ----
    def indicator(self, ident: str) -> str | None:
        ind = self.core.indicators[ident]
        return self._wrap(lambda: self._round(self.expr(ind.expr), ind.rounding))

    def index(self, ident: str) -> str | None:
        return self._wrap(lambda: self._index(self.core.indices[ident]))

    def value(self, name: str) -> str | None:
        v = self.core.values[name]
        return self._wrap(lambda: self._round(self.expr(v.expr), v.rounding))

    def capaian(self, ident: str, realisasi_ref: str | None) -> str | None:
        """Capaian of an indicator or index from the cell holding its realisasi / nilai."""
        obj = self.core.indicators.get(ident) or self.core.indices.get(ident)
        if obj is None or realisasi_ref is None:
            return None
        n = obj.capaian
        if n.target is None or n.target == 0:
            return None
        t = _num(n.target)
        if n.direction == "turun":
            return f"ROUND((2*{t}-{realisasi_ref})/{t}*100,{n.digits})"
        return f"ROUND({realisasi_ref}/{t}*100,{n.digits})"

    def sasaran(self, ident: str, capaian_ref: Callable[[str], str | None]) -> str | None:
        """A sasaran's capaian from the cells of its indicators' capaian (AVERAGE skips empty = no data)."""
        s = self.core.sasaran[ident]
        cells = [capaian_ref(i) for i in s.indicators]
        if not cells or not all(cells):
            return None
        joined = ",".join(cells)  # type: ignore[arg-type]
        mean = f"ROUND(AVERAGE({joined}),{s.expr.digits})"
        if s.expr.mode == "tanpa_data_jika_ada":  # one indicator without data: the sasaran has none
            return f"IF(COUNT({joined})<{len(cells)},NA(),{mean})"
        return mean

    def row_formula(self, table: str, i: int, column) -> str | None:
        """A computed column of one table row (``per_baris``), its bare names being that row's cells. The column
        is translated once, with a marker for each of the row's cells, and every row fills in its cells."""
        name = getattr(column, "name", column)
        key = (table, name)
        if key not in self._row_templates:
            self._row_templates[key] = self._row_template(table, name)
        expr, parts, cols = self._row_templates[key]
        if parts is None:  # not expressible, or a literal of the formula holds the marker: each row translated
            return None if expr is None else self._wrap(lambda: self.expr(expr, (table, i)))
        refs = [self.ref_of(CellKey(table, i, col)) for col in cols]
        if None in refs:
            return None  # a cell of this row is not in the workbook
        out = [parts[0]]
        for ref, text in zip(refs, parts[1:]):
            out += (ref, text)
        return "".join(out)

    def _row_template(self, table: str, name: str) -> tuple[c.Node | None, list[str] | None, list[str]]:
        """(the column's expression, the text between the row's cells, the columns of those cells); the text is
        None when the formula cannot be written in Excel for any row (then the expression too) or when it holds
        the marker in a literal (then each row is translated whole)."""
        cc = self.core.tables[table].computed_column(name)
        cols: list[str] = []
        text = self._wrap(lambda: self.expr(cc.expr, (table, cols)))
        if text is None:
            return None, None, cols
        parts = text.split(_MARK)
        return cc.expr, (parts if len(parts) == len(cols) + 1 else None), cols

    def _wrap(self, fn) -> str | None:
        try:
            return fn()
        except _NotExpressible:
            return None

    def _round(self, text: str, r: c.Rounding | None) -> str:
        if r is None:
            return text
        fn = "TRUNC" if r.mode == "potong" else "ROUND"
        return f"{fn}({text},{r.digits})"

    def _index(self, idx: c.Index) -> str:
        return self._round(self.expr(idx.expr), idx.rounding)

    # ---- nodes ----
    def expr(self, n: c.Node, row: tuple[str, int] | None = None) -> str:
        method = getattr(self, "x_" + type(n).__name__, None)
        if method is None:
            raise _NotExpressible
        return method(n, row)

    def x_Const(self, n: c.Const, row):
        v = n.value
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, Decimal):
            return _num(v)
        if isinstance(v, str):
            return '"' + v.replace('"', '""') + '"'
        raise _NotExpressible  # tanpa_data has no Excel literal

    def x_Input(self, n: c.Input, row):
        where = self.ref_of(n.name)
        if not where:
            raise _NotExpressible
        return where

    def x_Column(self, n: c.Column, row):
        where = self.ref_of(f"{n.table}.{n.column}")
        if not where:
            raise _NotExpressible
        return where

    def x_Cell(self, n: c.Cell, row):
        if row is None:
            raise _NotExpressible
        if isinstance(row[1], list):  # a row template (row_formula): a marker where this row's cell goes
            row[1].append(n.column)
            return _MARK
        where = self.ref_of(CellKey(row[0], row[1], n.column))
        if where is None:
            raise _NotExpressible
        return where

    def x_Obj(self, n: c.Obj, row):
        where = self.ref_of(n.name)
        if where:
            return where
        core = self.core
        if n.name in core.params:
            return self.expr(core.params[n.name].expr)
        if n.name in core.indicators:
            ind = core.indicators[n.name]
            return self._round(self.expr(ind.expr), ind.rounding)
        if n.name in core.indices:
            return self._index(core.indices[n.name])
        v = core.values[n.name]
        return self._round(self.expr(v.expr), v.rounding)

    def x_ListOf(self, n: c.ListOf, row):
        return ",".join(self.expr(i, row) for i in n.items)

    def x_Neg(self, n: c.Neg, row):
        return f"-({self.expr(n.operand, row)})"

    def call(self, fn: str, row, *args) -> str:
        """An Excel function call ``FN(a,b,…)`` of translated nodes."""
        return f"{fn}({','.join(self.expr(a, row) for a in args)})"

    def x_Not(self, n: c.Not, row):
        return self.call("NOT", row, n.operand)

    def x_Abs(self, n: c.Abs, row):
        return self.call("ABS", row, n.operand)

    def x_Cond(self, n: c.Cond, row):
        return self.call("IF", row, n.cond, n.then, n.other)

    def x_Logic(self, n: c.Logic, row):
        return self.call("AND" if n.op == "dan" else "OR", row, n.left, n.right)

    def x_Arith(self, n: c.Arith | c.Compare, row):
        """Arithmetic and comparison alike: ``(left op right)``."""
        return f"({self.expr(n.left, row)}{OPS[n.op]}{self.expr(n.right, row)})"

    x_Compare = x_Arith

    def x_Member(self, n: c.Member, row):
        x = self.expr(n.operand, row)
        return "OR(" + ",".join(f"{x}={self.expr(i, row)}" for i in n.items) + ")"

    def x_Ratio(self, n: c.Ratio, row):
        a, b = self.expr(n.num, row), self.expr(n.den, row)
        share = f"{a}/{b}*100"
        if n.inverted:
            share = f"100-{share}"
        if n.zero is None:  # 0/0 shows as #DIV/0! in Excel: "no data", as the rule says
            return f"({share})" if n.inverted else share
        return f"IF(AND({a}=0,{b}=0),{_num(n.zero)},{share})"  # a 0/0 scored by the rule is not inverted

    def x_Invert(self, n: c.Invert, row):
        return f"(100-{self.expr(n.operand, row)})"

    def x_Growth(self, n: c.Growth, row):
        a, b = self.expr(n.now, row), self.expr(n.last, row)
        return f"({a}-{b})/{b}*100"

    def x_Round(self, n: c.Round, row):
        fn = "TRUNC" if n.mode == "potong" else "ROUND"
        return f"{fn}({self.expr(n.operand, row)},{n.digits})"

    def x_WeightedMean(self, n: c.WeightedMean, row):
        if n.values.where is not None or n.weights.where is not None:
            raise _NotExpressible
        vals, weights = n.values.expr, n.weights.expr
        if isinstance(vals, c.ListOf) and isinstance(weights, c.ListOf) and len(vals.items) == len(weights.items):
            vs = [self.expr(x, row) for x in vals.items]  # a list literal is not a range: write the sum out
            ws = [self.expr(x, row) for x in weights.items]
            return f"({'+'.join(f'{v}*{w}' for v, w in zip(vs, ws))})/({'+'.join(ws)})"
        if isinstance(vals, c.Column) and isinstance(weights, c.Column):
            v, w = self.expr(vals, row), self.expr(weights, row)
            return f"SUMPRODUCT({v},{w})/SUM({w})"
        raise _NotExpressible

    def x_Agg(self, n: c.Agg, row):
        if len(n.args) == 1 and n.args[0].where is not None:
            return self.filtered(n.func, n.args[0])
        if any(a.where is not None for a in n.args):
            raise _NotExpressible
        return f"{FUNCS[n.func]}(" + ",".join(self.expr(a.expr, row) for a in n.args) + ")"

    def x_Component(self, n: c.Component, row):
        return self.expr(n.expr, row)

    def x_Dimension(self, n: c.Dimension, row):
        comps = [self.expr(comp, row) for comp in n.components]
        if n.weighted:
            return "(" + "+".join(f"{t}*{_num(comp.weight)}" for comp, t in zip(n.components, comps)) + ")"
        if len(comps) > 1 and any(isinstance(comp.expr, c.Ratio) and comp.expr.zero is None for comp in n.components):
            # The mean skips components without data (0/0 under `nol_per_nol tanpa_data`) but not errors:
            # such a ratio gives "" here, and the mean counts only what is not text (an error still propagates).
            parts = [self.no_data_as_text(comp.expr, row) if isinstance(comp.expr, c.Ratio) else t
                     for comp, t in zip(n.components, comps)]
            total = "+".join(f"IF(ISTEXT({p}),0,{p})" for p in parts)
            count = "+".join(f"IF(ISTEXT({p}),0,1)" for p in parts)
            return f"({total})/({count})*{_num(n.weight)}"
        inner = comps[0] if len(comps) == 1 else "AVERAGE(" + ",".join(comps) + ")"
        return f"{inner}*{_num(n.weight)}"

    def no_data_as_text(self, n: c.Ratio, row) -> str:
        """A ratio whose 0/0 is no data, as "" (text) instead of #DIV/0! — for means that skip no data."""
        if n.zero is not None:
            return self.x_Ratio(n, row)
        a, b = self.expr(n.num, row), self.expr(n.den, row)
        share = f"{'100-' if n.inverted else ''}{a}/{b}*100"
        return f'IF(AND({a}=0,{b}=0),"",{share})'

    def x_Composite(self, n: c.Composite, row):
        return f"({'+'.join(self.expr(d, row) for d in n.dimensions)})/100*{_num(n.scale)}"

    def x_SubIndexSum(self, n: c.SubIndexSum, row):
        return "(" + "+".join(f"{self.expr(ch, row)}*{_num(w)}" for ch, w in n.children) + ")"

    # ---- filtered aggregates ----
    def filtered(self, f: str, arg: c.Arg) -> str:
        """``jumlah(t.x untuk kolom = "v")`` → ``SUMIFS(x_range, kolom_range, "v")`` (equality filters only)."""
        if not isinstance(arg.expr, c.Column) or arg.where is None:
            raise _NotExpressible
        table = arg.expr.table
        target = self.x_Column(arg.expr, None)
        alternatives = self._alternatives(arg.where)
        if len(alternatives) > 1 and f not in ("jumlah", "banyak", "rata_rata"):
            raise _NotExpressible  # the least/greatest of "a or b": MINIFS of no row is 0, not "no data"
        crits = [",".join(f"{rng},{val}" for rng, val in self._conditions(alt, table)) for alt in alternatives]
        if f == "rata_rata" and len(crits) > 1:
            # a mean over "a or b" is not a mean of means: Σ over the alternatives / count of non-empty cells
            total = "+".join(f"SUMIFS({target},{crit})" for crit in crits)
            count = "+".join(f'COUNTIFS({target},"<>",{crit})' for crit in crits)
            return f"({total})/({count})"
        # the rows kept that hold a value (an empty cell is no data, skipped as the engine skips it)
        counts = [f'COUNTIFS({target},"<>",{crit})' for crit in crits]
        count = counts[0] if len(counts) == 1 else "(" + "+".join(counts) + ")"
        if f == "banyak":
            return count
        parts = [f"{IFS[f]}({target},{crit})" for crit in crits]
        body = parts[0] if len(parts) == 1 else "(" + "+".join(parts) + ")"
        if f == "rata_rata":
            return body  # AVERAGEIFS of no value is already #DIV/0! (no data)
        return f"IF({count}=0,NA(),{body})"  # SUMIFS/MINIFS/MAXIFS of no value give 0; the engine: no data

    def _alternatives(self, n: c.Node) -> list[c.Node]:
        """``x = "a" atau x = "b"`` and ``x di ["a", "b"]`` → two filters summed (distinct values of one column do
        not overlap; a value listed twice counts once); ``p dan x di […]`` → one filter per listed value."""
        if isinstance(n, c.Member):
            if not isinstance(n.operand, c.Cell) or not all(isinstance(i, c.Const) for i in n.items):
                raise _NotExpressible
            seen, out = set(), []
            for i in n.items:
                key = (type(i.value), i.value)
                if key not in seen:
                    seen.add(key)
                    out.append(c.Compare("==", n.operand, i, n.span))
            return out
        if isinstance(n, c.Logic) and n.op == "dan":
            left, right = self._alternatives(n.left), self._alternatives(n.right)
            if len(left) == 1 and len(right) == 1 and left[0] is n.left and right[0] is n.right:
                return [n]
            return [c.Logic("dan", a, b, n.span) for a in left for b in right]
        if isinstance(n, c.Logic) and n.op == "atau":
            both = self._alternatives(n.left) + self._alternatives(n.right)
            cols = {a.left.column for a in both if isinstance(a, c.Compare) and isinstance(a.left, c.Cell)}
            if len(cols) != 1 or any(not (isinstance(a, c.Compare) and a.op == "==") for a in both):
                raise _NotExpressible
            return both
        return [n]

    def _conditions(self, n: c.Node, table: str) -> list[tuple[str, str]]:
        if isinstance(n, c.Logic) and n.op == "dan":
            return self._conditions(n.left, table) + self._conditions(n.right, table)
        if isinstance(n, c.Compare) and isinstance(n.left, c.Cell) and isinstance(n.right, c.Const):
            rng = self.ref_of(f"{table}.{n.left.column}")
            v = n.right.value
            if rng is None or v is TANPA_DATA or isinstance(v, bool):
                raise _NotExpressible
            value = _num(v) if isinstance(v, Decimal) else str(v).replace('"', '""')
            op = OPS[n.op]
            return [(rng, f'"{"" if op == "=" else op}{value}"')]
        raise _NotExpressible
