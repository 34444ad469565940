"""Rule formulas as live Excel formulas (for the check column of the audit).

Where a derivation can be written in Excel — ratios, growth, sums, means, weighted sums, rounding, choices —
kinerja writes it next to the stored result, so Excel itself shows whether the stored result still matches the
inputs after an operator edits them. Pure text translation; ``ref_of(name)`` tells where a name (or a table cell's
:class:`CellKey`) lives in the workbook (``"Input!$C$5"`` or a range for a table column) and returns None
when it is not in the workbook.
Anything that cannot be expressed faithfully returns None (no formula is better than a wrong one).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from . import model as m
from .checker import CheckedRules
from .interface import CellKey

FUNCS = {"jumlah": "SUM", "rata_rata": "AVERAGE", "min": "MIN", "maks": "MAX", "banyak": "COUNT"}
IFS = {"jumlah": "SUMIFS", "rata_rata": "AVERAGEIFS", "min": "MINIFS", "maks": "MAXIFS", "banyak": "COUNTIFS"}
OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _NotExpressible(Exception):
    pass


def _num(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


class ExcelTranslator:
    def __init__(self, checked: CheckedRules, ref_of: Callable[[str | CellKey], str | None]):
        self.c = checked
        self.rs = checked.rules
        self.ref_of = ref_of

    # ---- objects ----
    def indicator(self, ident: str) -> str | None:
        ind = self.rs.indicators[ident]
        if ind.formula is None:
            return None
        zero = ind.zero_rule or self.c.settings["nol_per_nol"]
        r = ind.rounding or m.Rounding(int(self.c.settings["bulat_realisasi"]))
        return self._wrap(lambda: self._round(self.expr(ind.formula, zero), r))

    def capaian(self, ident: str, realisasi_ref: str) -> str | None:
        ind = self.rs.indicators.get(ident)
        target = self.rs.targets.get(ident)
        if target is None or not isinstance(target.expr, m.Num) or target.expr.value == 0:
            return None
        t = _num(target.expr.value)
        digits = int(self.c.settings["bulat_capaian"])
        if ind is not None and ind.direction == "turun":
            return f"ROUND((2*{t}-{realisasi_ref})/{t}*100,{digits})"
        return f"ROUND({realisasi_ref}/{t}*100,{digits})"

    def index(self, ident: str) -> str | None:
        return self._wrap(lambda: self._index(self.rs.indices[ident]))

    def value(self, name: str) -> str | None:
        v = self.rs.values[name]
        return self._wrap(lambda: self._round(self.expr(v.formula, self.c.settings["nol_per_nol"]), v.rounding))

    def _wrap(self, fn) -> str | None:
        try:
            return fn()
        except _NotExpressible:
            return None

    def _round(self, text: str, r: m.Rounding | None) -> str:
        if r is None:
            return text
        fn = "TRUNC" if r.mode == "potong" else "ROUND"
        return f"{fn}({text},{r.digits})"

    def _index_chain(self, idx: m.Index, attr: str, default):
        cur: m.Index | None = idx
        while cur is not None:
            v = getattr(cur, attr)
            if v is not None:
                return v
            cur = self.rs.indices.get(cur.parent) if cur.parent else None
        return default

    def _index(self, idx: m.Index) -> str:
        r = self._index_chain(idx, "rounding", m.Rounding(int(self.c.settings["bulat_indeks"])))
        scale = self._index_chain(idx, "scale", Decimal(1))
        zero = self._index_chain(idx, "zero_rule", self.c.settings["nol_per_nol"])
        if idx.children:
            parts = [f"{self.ref_of(ch.id) or self._index(ch)}*{self._const(ch.weight)}" for ch in idx.children]
            return self._round("(" + "+".join(parts) + ")", r)
        dims = list(idx.dimensions)
        if idx.components:
            dims.append(m.Dimension("langsung", idx.name, m.Num(Decimal(1), True, idx.span), idx.components, idx.span))
        dim_texts = []
        for dim in dims:
            comps = []
            for comp in dim.components:
                if comp.inverted and isinstance(comp.formula, m.Ratio) and zero != "tanpa_data":
                    a, b = self.expr(comp.formula.num, zero), self.expr(comp.formula.den, zero)
                    t = f"IF(AND({a}=0,{b}=0),{zero},100-{a}/{b}*100)"  # 0/0 is the score, not inverted
                elif comp.inverted:
                    t = f"(100-{self.expr(comp.formula, zero)})"
                else:
                    t = self.expr(comp.formula, zero)
                comps.append((comp, t))
            if any(c.weight is not None for c, _ in comps):
                dim_texts.append("(" + "+".join(f"{t}*{self._const(c.weight)}" for c, t in comps) + ")")
            else:
                inner = comps[0][1] if len(comps) == 1 else "AVERAGE(" + ",".join(t for _, t in comps) + ")"
                dim_texts.append(f"{inner}*{self._const(dim.weight)}")
        return self._round(f"({'+'.join(dim_texts)})/100*{_num(scale)}", r)

    def _const(self, e: m.Expr | None) -> str:
        if e is None:
            return "1"
        if isinstance(e, m.Num):
            return _num(e.value)
        if isinstance(e, m.Ref) and e.name in self.rs.params:
            return self._const(self.rs.params[e.name].expr)
        raise _NotExpressible

    def row_formula(self, table: str, i: int, assign: m.RowAssign) -> str | None:
        """A computed column of one table row (``per_baris``), its bare names being that row's cells."""
        return self._wrap(lambda: self.expr(assign.formula, self.c.settings["nol_per_nol"], (table, i)))

    # ---- expressions ----
    def expr(self, e: m.Expr, zero: str, row: tuple[str, int] | None = None) -> str:
        if isinstance(e, m.Num):
            return _num(e.value)
        if isinstance(e, m.Str):
            return '"' + e.value.replace('"', '""') + '"'
        if isinstance(e, m.Bool):
            return "TRUE" if e.value else "FALSE"
        if isinstance(e, m.Ref):
            return self.ref(e, zero, row)
        if isinstance(e, m.Neg):
            return f"-({self.expr(e.operand, zero, row)})"
        if isinstance(e, m.Not):
            return f"NOT({self.expr(e.operand, zero, row)})"
        if isinstance(e, m.If):
            return f"IF({self.expr(e.cond, zero, row)},{self.expr(e.then, zero, row)},{self.expr(e.other, zero, row)})"
        if isinstance(e, m.Ratio):
            a, b = self.expr(e.num, zero, row), self.expr(e.den, zero, row)
            if zero == "tanpa_data":  # 0/0 shows as #DIV/0! in Excel: "no data", as the rule says
                return f"{a}/{b}*100"
            return f"IF(AND({a}=0,{b}=0),{zero},{a}/{b}*100)"
        if isinstance(e, m.Growth):
            a, b = self.expr(e.now, zero, row), self.expr(e.last, zero, row)
            return f"({a}-{b})/{b}*100"
        if isinstance(e, m.BinOp):
            a, b = self.expr(e.left, zero, row), self.expr(e.right, zero, row)
            if e.op == "dan":
                return f"AND({a},{b})"
            if e.op == "atau":
                return f"OR({a},{b})"
            return f"({a}{OPS[e.op]}{b})"
        if isinstance(e, m.ListExpr):
            return ",".join(self.expr(i, zero, row) for i in e.items)
        if isinstance(e, m.Call):
            return self.call(e, zero, row)
        raise _NotExpressible

    def ref(self, e: m.Ref, zero: str, row: tuple[str, int] | None = None) -> str:
        name = e.name
        if row is not None and len(e.parts) == 1:
            table, i = row
            cols = {c.name for c in self.rs.tables[table].columns}
            blk = self.rs.rows.get(table)
            computed = {a.name for a in blk.assigns} if blk else set()
            if name in cols or name in computed:
                where = self.ref_of(CellKey(table, i, name))
                if where is None:
                    raise _NotExpressible
                return where
        where = self.ref_of(name)
        if where:
            return where
        if name in self.rs.params:
            return self.expr(self.rs.params[name].expr, zero)
        if name in self.rs.indicators:
            text = self.indicator(name)
            if text is None:
                raise _NotExpressible
            return text
        if name in self.rs.indices:
            return self._index(self.rs.indices[name])
        if name in self.rs.values:
            v = self.rs.values[name]
            return self._round(self.expr(v.formula, zero), v.rounding)
        raise _NotExpressible

    def call(self, e: m.Call, zero: str, row: tuple[str, int] | None = None) -> str:
        f = e.func
        if f in ("bulat", "potong"):
            cut = f == "potong" or (len(e.args) == 3 and getattr(e.args[2].expr, "name", "") == "potong")
            fn = "TRUNC" if cut else "ROUND"
            return f"{fn}({self.expr(e.args[0].expr, zero, row)},{int(e.args[1].expr.value)})"  # type: ignore[attr-defined]
        if f == "mutlak":
            return f"ABS({self.expr(e.args[0].expr, zero, row)})"
        if f == "rata_rata_tertimbang":
            v, w = self.expr(e.args[0].expr, zero, row), self.expr(e.args[1].expr, zero, row)
            return f"SUMPRODUCT({v},{w})/SUM({w})"
        if f in FUNCS:
            if len(e.args) == 1 and e.args[0].where is not None:
                return self.filtered(f, e.args[0], zero)
            if any(a.where is not None for a in e.args):
                raise _NotExpressible
            return f"{FUNCS[f]}(" + ",".join(self.expr(a.expr, zero, row) for a in e.args) + ")"
        raise _NotExpressible

    def filtered(self, f: str, arg: m.Arg, zero: str) -> str:
        """``jumlah(t.x untuk kolom = "v")`` → ``SUMIFS(x_range, kolom_range, "v")`` (equality filters only)."""
        if not (isinstance(arg.expr, m.Ref) and len(arg.expr.parts) == 2):
            raise _NotExpressible
        table = arg.expr.parts[0]
        target = self.ref(arg.expr, zero)
        alternatives = self._alternatives(arg.where)
        if len(alternatives) > 1 and f not in ("jumlah", "banyak"):
            raise _NotExpressible  # a mean over "a or b" is not a sum of means
        parts = []
        for alt in alternatives:
            conds = self._conditions(alt, table, zero)
            crit = ",".join(f"{rng},{val}" for rng, val in conds)
            parts.append(f"COUNTIFS({crit})" if f == "banyak" else f"{IFS[f]}({target},{crit})")
        return parts[0] if len(parts) == 1 else "(" + "+".join(parts) + ")"

    def _alternatives(self, e: m.Expr) -> list[m.Expr]:
        """``x = "a" atau x = "b"`` → two filters summed (distinct values of one column do not overlap)."""
        if isinstance(e, m.BinOp) and e.op == "atau":
            left, right = self._alternatives(e.left), self._alternatives(e.right)
            cols = {a.left.name for a in left + right if isinstance(a, m.BinOp) and isinstance(a.left, m.Ref)}
            if len(cols) != 1 or any(not (isinstance(a, m.BinOp) and a.op == "==") for a in left + right):
                raise _NotExpressible
            return left + right
        return [e]

    def _conditions(self, e: m.Expr, table: str, zero: str) -> list[tuple[str, str]]:
        if isinstance(e, m.BinOp) and e.op == "dan":
            return self._conditions(e.left, table, zero) + self._conditions(e.right, table, zero)
        if isinstance(e, m.BinOp) and e.op in OPS and isinstance(e.left, m.Ref) and len(e.left.parts) == 1:
            rng = self.ref_of(f"{table}.{e.left.name}")
            if rng is None or not isinstance(e.right, (m.Num, m.Str)):
                raise _NotExpressible
            value = _num(e.right.value) if isinstance(e.right, m.Num) else e.right.value.replace('"', '""')
            op = OPS[e.op]
            return [(rng, f'"{"" if op == "=" else op}{value}"')]
        raise _NotExpressible
