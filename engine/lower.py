"""Lowering: checked rules → the core form (:mod:`kinerja.engine.core`). Runs once per rule set, after checking.

This is the one place where the surface language's implicit meaning is made explicit:

- **inheritance of settings** (:func:`inherited`): an index's scale, target, 0/0 rule and rounding come from the
  index itself, else its nearest parent, else the rule-set setting (``nol_per_nol``, ``bulat_indeks`` …);
  an indicator's 0/0 rule and rounding from itself, else the settings;
- **names**: each reference becomes an input, a table column, a cell of the current row or another object;
- **indices**: direct indicators form one implicit dimension of 100%; ``terbalik`` becomes an inverted ratio;
  dimensions become a mean skipping no data (× dimension weight) or a weighted sum; the index is their sum on
  its scale, or the weighted sum of its sub-indices;
- **capaian** by direction, with the target and the ``bulat_capaian`` rounding; a sasaran's mean with its mode.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import core as c
from . import model as m
from .checker import CheckedRules
from .constant import constant
from .vocabulary import UNITS

AGG = ("jumlah", "rata_rata", "min", "maks", "banyak")


def inherited(rs: m.RuleSet, idx: m.Index, attr: str, default: Any = None) -> Any:
    """An index setting (``scale``, ``zero_rule``, ``rounding``): its own, else the nearest parent's, else default."""
    cur: m.Index | None = idx
    while cur is not None:
        v = getattr(cur, attr)
        if v is not None:
            return v
        cur = rs.indices.get(cur.parent) if cur.parent else None
    return default


def zero_rule(text: str) -> c.ZeroRule:
    return None if text == "tanpa_data" else Decimal(text)


class _Lower:
    def __init__(self, checked: CheckedRules):
        self.c = checked
        self.rs = checked.rules
        self.settings = checked.settings
        self.computed = {blk.table: {a.name for a in blk.assigns} for blk in self.rs.rows.values()}

    # ---- constants (targets, weights: the checker made sure they are constant) ----
    def const(self, e: m.Expr | None) -> Decimal | None:
        return constant(e, self.rs.params)

    def weight(self, e: m.Expr | None) -> Decimal:
        if e is None:
            return Decimal(1)
        v = self.const(e)
        return v if v is not None else Decimal(0)

    # ---- expressions ----
    def expr(self, e: m.Expr, zero: c.ZeroRule, node: str, row: str | None = None) -> c.Node:
        sp = e.span
        if isinstance(e, m.Num):
            return c.Const(e.value, sp.text, sp)
        if isinstance(e, (m.Str, m.Bool)):
            return c.Const(e.value, sp.text, sp)
        if isinstance(e, m.NoDataLit):
            from .values import TANPA_DATA

            return c.Const(TANPA_DATA, "tanpa_data", sp)
        if isinstance(e, m.Ref):
            return self.ref(e, row)
        if isinstance(e, m.ListExpr):
            return c.ListOf(tuple(self.expr(i, zero, node, row) for i in e.items), sp)
        if isinstance(e, m.Neg):
            return c.Neg(self.expr(e.operand, zero, node, row), sp)
        if isinstance(e, m.Not):
            return c.Not(self.expr(e.operand, zero, node, row), sp)
        if isinstance(e, m.If):
            return c.Cond(self.expr(e.cond, zero, node, row), self.expr(e.then, zero, node, row),
                          self.expr(e.other, zero, node, row), sp)
        if isinstance(e, m.Ratio):
            return c.Ratio(self.expr(e.num, zero, node, row), self.expr(e.den, zero, node, row), zero, node,
                           False, sp)
        if isinstance(e, m.Growth):
            return c.Growth(self.expr(e.now, zero, node, row), self.expr(e.last, zero, node, row), sp)
        if isinstance(e, m.BinOp) and e.op == "di":
            items = e.right.items if isinstance(e.right, m.ListExpr) else (e.right,)
            return c.Member(self.expr(e.left, zero, node, row), tuple(self.expr(i, zero, node, row) for i in items),
                            sp)
        if isinstance(e, m.BinOp):
            a, b = self.expr(e.left, zero, node, row), self.expr(e.right, zero, node, row)
            if e.op in ("dan", "atau"):
                return c.Logic(e.op, a, b, sp)
            if e.op in ("+", "-", "*", "/"):
                return c.Arith(e.op, a, b, sp)
            return c.Compare(e.op, a, b, sp)
        if isinstance(e, m.Call):
            return self.call(e, zero, node, row)
        raise TypeError(f"cannot lower {type(e).__name__}")  # pragma: no cover - the parser builds no other

    def ref(self, e: m.Ref, row: str | None) -> c.Node:
        rs, name, sp = self.rs, e.name, e.span
        if row is not None and len(e.parts) == 1:
            if name in self.computed.get(row, ()):
                return c.Cell(name, True, sp)
            if any(col.name == name for col in rs.tables[row].columns):
                return c.Cell(name, False, sp)
        if name in rs.inputs:
            return c.Input(name, rs.inputs[name].kind, sp)
        if name in rs.indicators or name in rs.indices or name in rs.values or name in rs.params:
            return c.Obj(name, self.c.kinds.get(name, ""), sp)
        if len(e.parts) == 2 and e.parts[0] in rs.tables:
            return c.Column(e.parts[0], e.parts[1], sp)
        raise KeyError(name)  # pragma: no cover - the checker rejects unknown names

    def call(self, e: m.Call, zero: c.ZeroRule, node: str, row: str | None) -> c.Node:
        f, sp = e.func, e.span
        if f in ("bulat", "potong"):
            digits = int(e.args[1].expr.value)  # type: ignore[attr-defined]
            mode = "potong" if f == "potong" else (e.args[2].expr.name if len(e.args) == 3  # type: ignore[attr-defined]
                                                   else "setengah_naik")
            return c.Round(self.expr(e.args[0].expr, zero, node, row), digits, mode, f, sp)
        if f == "ada":
            return c.Exists(self.expr(e.args[0].expr, zero, node, row), sp)
        if f == "mutlak":
            return c.Abs(self.expr(e.args[0].expr, zero, node, row), sp)
        args = tuple(self.arg(a, zero, node, row) for a in e.args)
        if f == "rata_rata_tertimbang":
            return c.WeightedMean(args[0], args[1], sp)
        return c.Agg(f, args, sp)

    def arg(self, a: m.Arg, zero: c.ZeroRule, node: str, row: str | None) -> c.Arg:
        expr = self.expr(a.expr, zero, node, row)
        if a.where is not None and isinstance(expr, c.Column):
            return c.Arg(expr, self.expr(a.where, zero, node, expr.table), expr.table, a.where.span)
        return c.Arg(expr, None, None, None)

    # ---- objects ----
    def rounding(self, r: m.Rounding | None, setting: str | None) -> c.Rounding | None:
        if r is None:
            return c.Rounding(int(self.settings[setting])) if setting else None
        return c.Rounding(r.digits, r.mode)

    def capaian(self, ident: str, target: Decimal | None, direction: str, kind: str, span: m.Span) -> c.Capaian:
        return c.Capaian(c.Obj(ident, kind, span), target, direction, int(self.settings["bulat_capaian"]), kind,
                         span)

    def target(self, ident: str) -> Decimal | None:
        t = self.rs.targets.get(ident)
        return self.const(t.expr) if t is not None else None

    def indicator(self, ind: m.Indicator) -> c.Indicator:
        zero = zero_rule(ind.zero_rule or self.settings["nol_per_nol"])
        kind = UNITS.get(ind.unit, "angka")
        target = self.target(ind.id)
        sasaran = self.rs.sasaran.get(ind.sasaran)
        return c.Indicator(
            ind.id, ind.name, self.expr(ind.formula, zero, ind.id) if ind.formula else c.Const(None, ""),
            self.rounding(ind.rounding, "bulat_realisasi"), ind.unit, kind, ind.direction, target,
            self.capaian(ind.id, target, ind.direction, kind, ind.span), ind.sasaran,
            sasaran.group if sasaran else "", ind.source, ind.formula.span.text if ind.formula else "", ind.span)

    def index(self, idx: m.Index) -> c.Index:
        rs = self.rs
        scale = inherited(rs, idx, "scale")
        zero = zero_rule(inherited(rs, idx, "zero_rule", self.settings["nol_per_nol"]))
        rounding = self.rounding(inherited(rs, idx, "rounding"), "bulat_indeks")
        target = None
        cur: m.Index | None = idx
        while cur is not None and target is None:  # a sub-index without its own target takes its parent's
            target = self.target(cur.id)
            cur = rs.indices.get(cur.parent) if cur.parent else None
        expr: c.Composite | c.SubIndexSum
        if idx.children:
            expr = c.SubIndexSum(tuple((c.Obj(ch.id, "indeks", ch.span), self.weight(ch.weight))
                                       for ch in idx.children), idx.span)
        else:
            dims = list(idx.dimensions)
            if idx.components:  # direct indicators: one implicit dimension of 100%
                dims.append(m.Dimension("langsung", idx.name, m.Num(Decimal(1), True, idx.span), idx.components,
                                        idx.span))
            expr = c.Composite(tuple(self.dimension(idx, d, zero) for d in dims), scale or Decimal(1), idx.span)
        return c.Index(idx.id, idx.name, expr, rounding, scale, target,
                       self.capaian(idx.id, target, "naik", "indeks", idx.span), idx.source, idx.parent, idx.span)

    def dimension(self, idx: m.Index, dim: m.Dimension, zero: c.ZeroRule) -> c.Dimension:
        weighted = any(comp.weight is not None for comp in dim.components)
        comps = []
        for comp in dim.components:
            node = f"{idx.id}.{comp.id}"
            body = self.expr(comp.formula, zero, node)
            if comp.inverted:
                body = (c.Ratio(body.num, body.den, body.zero, body.node, True, body.span)
                        if isinstance(body, c.Ratio) else c.Invert(body, comp.formula.span))
            comps.append(c.Component(comp.id, comp.id + (" (terbalik)" if comp.inverted else ""), body,
                                     self.weight(comp.weight) if weighted else None, comp.inverted,
                                     comp.formula.span.text, comp.span))
        return c.Dimension(dim.name, tuple(comps), self.weight(dim.weight), weighted, dim.span, dim.id)

    def sasaran(self, s: m.Sasaran, indicators: dict[str, c.Indicator]) -> c.Sasaran:
        mode = s.mode if s.mode not in (None, "rata_rata_indikator") else self.settings["capaian_sasaran"]
        mean = c.SasaranMean(tuple((i, indicators[i].capaian) for i in s.indicators), mode,
                             int(self.settings["bulat_capaian"]), s.span)
        return c.Sasaran(s.id, s.name, mean, s.group, tuple(s.indicators), s.source, s.span)

    def run(self) -> c.CoreRules:
        rs, st = self.rs, self.settings
        default_zero = zero_rule(st["nol_per_nol"])
        tables = {}
        for t in rs.tables.values():
            blk = rs.rows.get(t.name)
            computed = tuple(c.ComputedColumn(a.name, self.expr(a.formula, default_zero, f"{t.name}.{a.name}", t.name),
                                              a.formula.span.text, a.span) for a in (blk.assigns if blk else ()))
            tables[t.name] = c.Table(t.name, tuple(c.TableColumn(col.name, col.kind, col.required)
                                                   for col in t.columns), computed, t.key)
        params = {p.name: c.Param(p.name, self.expr(p.expr, None, p.name), p.span) for p in rs.params.values()}
        values = {v.name: c.Value(v.name, v.label or v.name, self.expr(v.formula, default_zero, v.name),
                                  self.rounding(v.rounding, None), self.c.kinds.get(v.name, ""), v.source, v.group,
                                  v.section, v.formula.span.text, v.span) for v in rs.values.values()}
        indicators = {i.id: self.indicator(i) for i in rs.indicators.values()}
        indices = {i.id: self.index(i) for i in rs.indices.values()}
        sasaran = {s.id: self.sasaran(s, indicators) for s in rs.sasaran.values()}
        checks = {}
        for chk in rs.checks.values():
            node = f"periksa:{chk.id}"
            parts = tuple(p if isinstance(p, str) else self.expr(p, default_zero, node) for p in chk.parts)
            checks[chk.id] = c.Check(chk.id, self.expr(chk.condition, default_zero, node), parts, chk.message,
                                     chk.level, chk.subject or chk.id, chk.span)
        same = {sm.id: c.Same(sm.id, sm.label, tuple((i.ref.name, self.ref(i.ref, None), i.source) for i in sm.items),
                              sm.level, sm.span) for sm in rs.same.values()}
        return c.CoreRules(rs.name, {i.name: i.kind for i in rs.inputs.values()},
                           {i.name: i.required for i in rs.inputs.values()}, tables, params, values, indicators,
                           indices, sasaran, checks, dict(st), same)


def lower(checked: CheckedRules) -> c.CoreRules:
    """The core form of a checked rule set (computed once and kept on ``checked``)."""
    cached = getattr(checked, "_core", None)
    if cached is None:
        cached = _Lower(checked).run()
        checked._core = cached  # type: ignore[attr-defined]
    return cached


__all__ = ["inherited", "lower", "zero_rule"]
