"""The pure evaluator of the core form: core rules + input values → typed results, with an optional event trace.

Pure: no I/O, no clock, no global state — all decimal arithmetic goes through the private context
:data:`values.CALC`, bounded to the declared exact range: an operation whose result leaves it raises, and the node
where it happened becomes the coded input error G008 (``out_of_range`` in :mod:`.objects`) — caught once per node in
:meth:`Evaluator.ev`, so the arithmetic itself carries no checks. Deterministic: the same rules and inputs give the
same result, in the same order. "No data" (``TANPA_DATA``) propagates through arithmetic and is skipped by
aggregates; an input error (``Galat``) propagates and wins over no data, so exactly the results that depend on a bad
input get status ``galat``.

It reads only :mod:`kinerja.engine.core` (lowered once by :mod:`kinerja.engine.lower`): every setting is already
resolved there. With a trace, each evaluated node leaves an :class:`Event` (node, value, the events it was built
from, and what was decided: the 0/0 rule applied, values skipped, rows filtered); no display text is built here
— :mod:`kinerja.engine.derivation` renders events into derivations when a reader asks.
"""

from __future__ import annotations

from decimal import Decimal, Overflow
from functools import partial
from typing import Any

from . import core as c
from . import semantics as sem
from .checker import CheckedRules
from .derivation import render_object, render_row, renderer_of
from .errors import runtime
from .interface import CellKey, Inputs
from .lower import lower
from .objects import ObjectResults
from .results import (
    ObjectResult,
    Observation,
    Result,
    _RowSteps,
    status_of,
)
from .rows import BAD, IN_PROGRESS, InputsMixin, Row
from .semantics import apply_rounding, capaian_value, combine, merge_galat, missing
from .trace import NO_TRACE, Tracer
from .values import (
    CALC,
    HUNDRED,
    OUT_OF_RANGE,
    TANPA_DATA,
    Galat,
    format_id,
    in_range,
    is_missing,
    mean,
    round_to,
    total,
)

__all__ = ["Event", "Evaluator", "ObjectResult", "Observation", "Result", "capaian_value", "combine", "evaluate",
           "merge_galat", "missing", "status_of"]


class Event:
    """One evaluated node: its value, the events of its operands, and what was decided (``info``)."""

    __slots__ = ("node", "value", "kids", "info")

    def __init__(self, node: c.Node):
        self.node = node
        self.value: Any = None
        self.kids: list[Event] | tuple[()] = ()  # a list from the first operand on (most events have none)
        self.info: Any = None

    def add(self, kid: Event) -> None:
        if self.kids:
            self.kids.append(kid)  # type: ignore[union-attr]
        else:
            self.kids = [kid]


class Evaluator(InputsMixin, ObjectResults):
    def __init__(self, checked: CheckedRules, inputs: Inputs, tracer: Tracer = NO_TRACE):
        self.checked = checked
        self.core = lower(checked)
        self.inputs = inputs
        self.trace = tracer.enabled
        self.frame: Event | None = None  # the event being built (tracing only)
        self.memo: dict[str, tuple[Any, Event | None]] = {}
        self.raw: dict[str, Any] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.row_events: dict[CellKey, Event] = {}
        self.result = Result(checked, inputs, core=self.core)
        # functions of the result's renderer, not of this evaluator or the result: no reference cycle
        rd = renderer_of(self.result)
        self.result.row_steps = _RowSteps(self.row_events, partial(render_row, rd))
        self.render = partial(render_object, rd)
        self._cap_raw: Any = None
        self._mean_raw: Any = None
        self.observed: set[tuple[str, str, str]] = set()
        self.filters: dict[c.Node, Any] = {}
        self.indexes: dict[tuple[str, str], dict[Any, list[int]]] = {}
        self.equalities: dict[c.Node, Any] = {}
        self.parts: dict[c.Node, Any] = {}  # component and dimension values as computed (an index's table figures)
        self.owner = ""  # the object, table column, sasaran or check being computed (for G008 observations)
        self.overflowed: set[int] = set()  # nodes already observed out of range (one observation per node)
        self.problem_by_input = {p.input: p for p in inputs.problems if p.cell is None}
        self.problem_by_cell = {p.cell: p for p in inputs.problems if p.cell is not None and not p.whole_row}
        self.problem_by_row = {p.cell[:2]: p for p in inputs.problems if p.cell is not None and p.whole_row}
        self.dispatch = {cls: getattr(self, "ev_" + cls.__name__) for cls in (
            c.Const, c.Input, c.Column, c.Cell, c.Obj, c.ListOf, c.Neg, c.Not, c.Arith, c.Compare, c.Member, c.Logic,
            c.Cond, c.Ratio, c.Invert, c.Growth, c.Round, c.Exists, c.Abs, c.Agg, c.WeightedMean, c.Component,
            c.Dimension, c.Composite, c.SubIndexSum, c.Capaian, c.SasaranMean)}

    # ---- public ----
    def run(self) -> Result:
        core = self.core
        for t in core.tables.values():
            if t.computed:
                self.table_rows(t.name)
        for v in core.values.values():
            self.value_result(v)
        for idx in core.indices.values():
            self.index_result(idx)
        for ind in core.indicators.values():
            self.indicator_result(ind)
        for s in core.sasaran.values():
            self.sasaran_result(s)
        for chk in core.checks.values():
            self.run_check(chk)
        for sm in core.same.values():
            self.run_same(sm)
        for name in core.tables:
            self.result.tables[name] = self.table_rows(name)
        return self.result

    # ---- evaluation with optional events ----
    def ev(self, n: c.Node, row: Row | None = None) -> Any:
        parent = self.frame
        if parent is None:
            try:
                return self.dispatch[type(n)](n, row)
            except OUT_OF_RANGE:  # zero cost unless raised: the arithmetic of ``n`` left the exact range
                return self.out_of_range(n, row)
        e = Event(n)
        self.frame = e
        try:
            e.value = self.dispatch[type(n)](n, row)
        except OUT_OF_RANGE:
            e.value = self.out_of_range(n, row)
        finally:
            self.frame = parent
        if parent.kids:
            parent.kids.append(e)
        else:
            parent.kids = [e]
        return e.value

    def top(self, n: c.Node, row: Row | None = None, owner: str = "") -> tuple[Any, Event | None]:
        """Evaluate ``n`` as the root of a derivation of ``owner``: its event when tracing."""
        saved_owner, self.owner = self.owner, owner or self.owner
        try:
            if not self.trace:
                try:
                    return self.dispatch[type(n)](n, row), None
                except OUT_OF_RANGE:
                    return self.out_of_range(n, row), None
            saved = self.frame
            holder = Event(n)
            self.frame = holder
            try:
                self.ev(n, row)
            finally:
                self.frame = saved
            e = holder.kids[0]
            return e.value, e
        finally:
            self.owner = saved_owner

    def note(self, info: Any) -> None:
        if self.frame is not None:
            self.frame.info = info

    def quiet(self, n: c.Node, row: Row | None = None) -> Any:
        """Evaluate without recording events (filters, a rounded cell's raw value)."""
        saved, self.frame = self.frame, None
        try:
            return self.dispatch[type(n)](n, row)
        except OUT_OF_RANGE:
            return self.out_of_range(n, row)
        finally:
            self.frame = saved

    # ---- objects ----
    def object_value(self, name: str) -> tuple[Any, Event | None]:
        """Value of a named object (indicator realisasi, index, value, parameter), memoised."""
        if name in self.memo:
            out = self.memo[name]
            return (runtime("G006", name=name), None) if out is IN_PROGRESS else out
        self.memo[name] = IN_PROGRESS  # type: ignore[assignment]
        core = self.core
        obj = core.object(name)
        raw, event = self.top(obj.expr, owner=name)
        if isinstance(obj, c.Param):
            value = raw
        else:
            try:
                value = apply_rounding(raw, obj.rounding, CALC)
            except OUT_OF_RANGE:  # rounded up to 10^15
                saved, self.owner = self.owner, name
                value = self.out_of_range(obj.expr, None, ("pembulatan", "rounding"))
                self.owner = saved
            self.raw[name] = raw
        out = (value, event)
        self.memo[name] = out
        return out

    def capaian(self, n: c.Capaian) -> tuple[Any, Any, Event | None]:
        value, event = self.top(n, owner=n.realisasi.name)
        return value, self._cap_raw, event

    # ---- nodes ----
    def ev_Const(self, n: c.Const, row):
        return n.value

    def ev_Input(self, n: c.Input, row):
        return self.input_value(n.name)

    def ev_Cell(self, n: c.Cell, row: Row):
        self.note((row.table, row.index))
        if n.computed:
            cc = self.core.tables[row.table].computed_column(n.column)
            return self.row_value(row.table, row.index, cc)
        return row.cells.get(n.column, TANPA_DATA)

    def ev_Column(self, n: c.Column, row):
        return [r.get(n.column, TANPA_DATA) for r in self.table_rows(n.table)]

    def ev_Obj(self, n: c.Obj, row):
        v, event = self.object_value(n.name)
        if n.name in self.core.indices:
            self.index_result(self.core.indices[n.name])
        self.note(event)
        return v

    def ev_ListOf(self, n: c.ListOf, row):
        return [self.ev(i, row) for i in n.items]

    def ev_Neg(self, n: c.Neg, row):
        v = self.ev(n.operand, row)
        return v.copy_negate() if isinstance(v, Decimal) else v

    def ev_Not(self, n: c.Not, row):
        v = self.ev(n.operand, row)
        return (not v) if isinstance(v, bool) else v

    def ev_Abs(self, n: c.Abs, row):
        v = self.ev(n.operand, row)
        return v.copy_abs() if isinstance(v, Decimal) else v

    def ev_Exists(self, n: c.Exists, row):
        v = self.ev(n.operand, row)
        return any(not is_missing(x) for x in v) if isinstance(v, list) else not is_missing(v)

    def ev_Cond(self, n: c.Cond, row):
        cond = self.ev(n.cond, row)
        if isinstance(cond, Galat) or cond is TANPA_DATA:
            return cond
        return self.ev(n.then if cond else n.other, row)

    def ev_Logic(self, n: c.Logic, row):
        a, b = self.ev(n.left, row), self.ev(n.right, row)
        m = missing(a, b)
        if m is not None:
            return m
        return (bool(a) and bool(b)) if n.op == "dan" else (bool(a) or bool(b))

    def ev_Compare(self, n: c.Compare, row):
        a, b = self.ev(n.left, row), self.ev(n.right, row)
        m = missing(a, b)
        return m if m is not None else sem.CMP[n.op](a, b)

    def ev_Member(self, n: c.Member, row):
        return sem.member_value(self.ev(n.operand, row), [self.ev(i, row) for i in n.items])

    def ev_Arith(self, n: c.Arith, row):
        a, b = self.ev(n.left, row), self.ev(n.right, row)
        m = missing(a, b)
        if m is not None:
            return m
        if n.op == "/":
            if b == 0:
                self.note("div0")
                return TANPA_DATA
            return CALC.divide(a, b)
        return sem.ARITH[n.op](a, b)

    def ev_Ratio(self, n: c.Ratio, row):
        a, b = self.ev(n.num, row), self.ev(n.den, row)
        m = missing(a, b)
        if m is not None:
            return m
        if b == 0:
            if a == 0:
                self.note("zero")
                return TANPA_DATA if n.zero is None else n.zero
            formula = n.span.text if n.span else ""
            if a > 0:  # 5 done out of 0: the figures contradict each other; a finding, not only a galat object
                self.observe("G103", "pembilang_melebihi_penyebut", n.node, "tinggi",
                             {"pembilang": a, "penyebut": b, "rumus": formula}, n.span,
                             node=n.node, num=format_id(a), formula=formula)
            return runtime("G007", tuple(sem.names_in(n)), formula=formula, num=format_id(a))
        out = CALC.multiply(CALC.divide(a, b), HUNDRED)
        if a > b and b > 0:
            self.observe("G102", "pembilang_melebihi_penyebut", n.node, "sedang",
                         {"pembilang": a, "penyebut": b, "rumus": n.span.text if n.span else ""}, n.span,
                         node=n.node, num=format_id(a), den=format_id(b), formula=n.span.text if n.span else "",
                         value=format_id(round_to(out, 2)))
        if n.inverted:
            self.note(("inverted", out))
            return CALC.subtract(HUNDRED, out)
        return out

    def ev_Invert(self, n: c.Invert, row):
        v = self.ev(n.operand, row)
        return CALC.subtract(HUNDRED, v) if isinstance(v, Decimal) else v

    def ev_Growth(self, n: c.Growth, row):
        a, b = self.ev(n.now, row), self.ev(n.last, row)
        m = missing(a, b)
        if m is not None:
            return m
        if b == 0:
            self.note("last0")
            return TANPA_DATA
        return CALC.multiply(CALC.divide(CALC.subtract(a, b), b), HUNDRED)

    def ev_Round(self, n: c.Round, row):
        v = self.ev(n.operand, row)
        return round_to(v, n.digits, n.mode, CALC) if isinstance(v, Decimal) else v

    def arg_values(self, a: c.Arg, row) -> list[Any]:
        v = self.ev(a.expr, row)
        if a.where is not None and isinstance(v, list):
            rows = self.table_rows(a.table)
            w = a.where
            eqs = self.equalities.get(w, False)
            if eqs is False:
                eqs = self.equalities[w] = sem.equalities(w)
            if eqs and not any(self.row_index(a.table, col).get(BAD) for col, _ in eqs):
                # column = constant (dan …): the rows holding each value, indexed once per column
                at = None
                for col, const in eqs:
                    found = self.row_index(a.table, col).get(const, ())
                    if at is None:
                        at = found
                    else:
                        keep = set(found)
                        at = [i for i in at if i in keep]
                v = [v[i] for i in at or () if i < len(v)]
            else:
                keep = self.filters.get(w)
                if keep is None:
                    keep = self.filters[w] = sem.row_filter(
                        w, lambda i, cells, w=w, t=a.table: self.quiet(w, Row(t, i, cells)))
                kept = []
                for i, (x, r) in enumerate(zip(v, rows)):
                    cond = keep(i, r)
                    if cond is True:
                        kept.append(x)
                    elif isinstance(cond, Galat):  # a bad cell in the filter column: the row's group is unknown
                        kept.append(cond)
                v = kept
            if self.frame is not None:
                if not isinstance(self.frame.info, dict):
                    self.frame.info = {}
                self.frame.info[a] = v
        return v if isinstance(v, list) else [v]

    def ev_WeightedMean(self, n: c.WeightedMean, row):
        vals, weights = self.arg_values(n.values, row), self.arg_values(n.weights, row)
        pairs = list(zip(vals, weights))
        errs = [x for p in pairs for x in p if isinstance(x, Galat)]
        if errs:
            return merge_galat(errs)
        pairs = [(a, b) for a, b in pairs if not is_missing(a) and not is_missing(b)]
        wsum = total((b for _, b in pairs), CALC)
        if not pairs or wsum == 0:
            return TANPA_DATA
        return CALC.divide(total((CALC.multiply(a, b) for a, b in pairs), CALC), wsum)

    def ev_Agg(self, n: c.Agg, row):
        flat = [x for a in n.args for x in self.arg_values(a, row)]
        errs = [x for x in flat if isinstance(x, Galat)]
        if errs:
            return merge_galat(errs)
        present = [x for x in flat if isinstance(x, Decimal)]
        f = n.func
        if f == "banyak":
            return Decimal(len(present))
        if not present:
            return TANPA_DATA
        if f == "jumlah":
            return total(present, CALC)
        if f == "rata_rata":
            return mean(present, CALC)
        return min(present) if f == "min" else max(present)

    # ---- composite indices ----
    def ev_Component(self, n: c.Component, row):
        v = self.parts[n] = self.ev(n.expr, row)
        return v

    def ev_Dimension(self, n: c.Dimension, row):
        v = self.parts[n] = self.dimension_value(n, row)
        return v

    def dimension_value(self, n: c.Dimension, row):
        vals = [self.ev(comp, row) for comp in n.components]
        if n.weighted:
            acc: Any = Decimal(0)
            for comp, v in zip(n.components, vals):
                acc = combine(acc, v, lambda a, b, w=comp.weight: CALC.add(a, CALC.multiply(b, w)))
            return acc
        errors = [v for v in vals if isinstance(v, Galat)]
        if errors:
            return merge_galat(errors)
        present = [v for v in vals if not is_missing(v)]
        if not present:
            return TANPA_DATA
        return CALC.multiply(mean(present, CALC), n.weight)

    def ev_Composite(self, n: c.Composite, row):
        acc: Any = Decimal(0)
        for d in n.dimensions:
            acc = combine(acc, self.ev(d, row), CALC.add)
        return combine(acc, n.scale, lambda a, s: CALC.multiply(CALC.divide(a, HUNDRED), s))

    def ev_SubIndexSum(self, n: c.SubIndexSum, row):
        acc: Any = Decimal(0)
        for child, w in n.children:
            acc = combine(acc, self.ev(child, row), lambda a, b, w=w: CALC.add(a, CALC.multiply(b, w)))
        return acc

    # ---- capaian ----
    def ev_Capaian(self, n: c.Capaian, row):
        realisasi, obj_event = self.object_value(n.realisasi.name)
        if self.frame is not None:
            e = Event(n.realisasi)
            e.value, e.info = realisasi, obj_event
            self.frame.add(e)
        raw = out = capaian_value(realisasi, n.target, n.direction)  # exact in CTX for operands in the range
        if isinstance(raw, Decimal):
            try:  # handled here, not in ev(): the raw capaian must never be a previous indicator's
                if not in_range(raw):
                    raise Overflow
                out = round_to(raw, n.digits, ctx=CALC)
            except OUT_OF_RANGE:
                raw = out = self.out_of_range(n, row)
        self._cap_raw = None if isinstance(raw, Galat) and n.target == 0 else raw
        return out

    def ev_SasaranMean(self, n: c.SasaranMean, row):
        caps = []
        for iid, cap in n.capaian:
            ir = self.indicator_result(self.core.indicators[iid])
            if self.frame is not None:  # the indicator's capaian event (already computed) under this one
                e = Event(cap)
                e.value, e.info = ir.capaian, ir
                self.frame.add(e)
            caps.append((iid, ir.capaian))
        errors = [v for _, v in caps if isinstance(v, Galat)]
        present = [v for _, v in caps if isinstance(v, Decimal)]
        self._mean_raw = None
        if errors:
            out = merge_galat(errors)
        elif n.mode == "tanpa_data_jika_ada" and len(present) < len(caps):
            out = TANPA_DATA
        elif not present:
            out = TANPA_DATA
        else:
            try:
                avg = mean(present, CALC)
                out = round_to(avg, n.digits, ctx=CALC)
                self._mean_raw = avg
            except OUT_OF_RANGE:
                out = self.out_of_range(n, row)
        if self._mean_raw is None:
            self._mean_raw = out
        self.note([i for i, v in caps if v is TANPA_DATA])
        return out


def evaluate(checked: CheckedRules, inputs: Inputs, tracer: Tracer = NO_TRACE) -> Result:
    """Evaluate every object of a checked rule set on ``inputs``. Pure and deterministic."""
    ev = Evaluator(checked, inputs, tracer)
    try:
        return ev.run()
    finally:
        # The evaluator refers to itself (its dispatch table of bound methods, the row filters' closures): let go
        # of everything it holds, so that reference counting frees what the result does not keep (the events
        # of every intermediate value) at once, instead of a garbage collection walking it later.
        ev.__dict__.clear()
