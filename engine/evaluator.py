"""The pure evaluator of the core form: core rules + input values → typed results, with an optional event trace.

Pure: no I/O, no clock, no global state — all decimal arithmetic goes through the private context
:data:`values.CALC`, bounded to the declared exact range: an operation whose result leaves it raises, and the node
where it happened becomes the coded input error G008 (:meth:`Evaluator.out_of_range`) — caught once per node in
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
from typing import Any

from . import core as c
from . import semantics as sem
from .checker import CheckedRules
from .derivation import render_object, render_row
from .errors import RUNTIME, runtime
from .interface import CellKey, Inputs
from .limits import clip
from .lower import lower
from .results import (
    IndexResult,
    IndicatorResult,
    ObjectResult,
    Observation,
    Result,
    SasaranResult,
    ValueResult,
    _RowSteps,
    status_of,
)
from .rows import BAD, IN_PROGRESS, InputsMixin, Row
from .semantics import apply_rounding, capaian_value, combine, merge_galat, missing
from .trace import NO_TRACE, Tracer
from .values import (
    CALC,
    CTX,
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
        self.kids: list[Event] = []
        self.info: Any = None


class Evaluator(InputsMixin):
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
        self.result.row_steps = _RowSteps(self.row_events, lambda key, ev: render_row(self.result, key, ev))
        self.render = lambda obj, event, which: render_object(self.result, obj, event, which)
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
        self.problem_by_cell = {p.cell: p for p in inputs.problems if p.cell is not None}
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
        parent.kids.append(e)
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

    def out_of_range(self, n: c.Node, row: Row | None, op: tuple[str, str] | None = None) -> Galat:
        """G008: the result of ``n`` (or of one of its own operations) is outside the exact range.

        The object gets this input error (whatever depends on it too, as for any ``Galat``), the rule line and
        the operation are named, and the node is observed once (a finding) however many rows hit it."""
        op_id, op_en = op or _operation(n)
        span = getattr(n, "span", None)
        place = str(span) if span is not None else self.owner
        formula = clip(span.text) if span is not None and span.text and not isinstance(
            n, (c.Capaian, c.SasaranMean, c.Composite, c.Dimension, c.SubIndexSum)) else self.owner
        fields = dict(place=place, op=op_id, op_en=op_en, formula=formula,
                      where=f" (tabel {row.table} baris {row.index + 1})" if row is not None else "",
                      where_en=f" (table {row.table} row {row.index + 1})" if row is not None else "")
        if id(n) not in self.overflowed:
            self.overflowed.add(id(n))
            self.observe("G008", "di_luar_jangkauan", self.owner or place, "tinggi",
                         {"operasi": op_id, "rumus": formula}, span, **fields)
        return runtime("G008", tuple(sem.names_in(n)), **fields)

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

    def indicator_result(self, ind: c.Indicator) -> IndicatorResult:
        if ind.id in self.result.indicators:
            return self.result.indicators[ind.id]
        value, event = self.object_value(ind.id)
        cap, cap_raw, cap_event = self.capaian(ind.capaian)
        res = IndicatorResult(ind.id, ind.name, status_of(value), _message(value), ind.span,
                              self.raw.get(ind.id, value), event, cap_event, self.render,
                              realisasi=value, capaian=cap, target=ind.target, raw_capaian=cap_raw,
                              sasaran=ind.sasaran, eselon=ind.eselon, satuan=ind.unit, arah=ind.direction,
                              sumber=ind.source)
        self.result.indicators[ind.id] = res
        return res

    def index_result(self, idx: c.Index) -> IndexResult:
        if idx.id in self.result.indices:
            return self.result.indices[idx.id]
        value, event = self.object_value(idx.id)
        cap, cap_raw, cap_event = self.capaian(idx.capaian)
        res = IndexResult(idx.id, idx.name, status_of(value), _message(value), idx.span,
                          self.raw.get(idx.id, value), event, cap_event, self.render,
                          nilai=value, capaian=cap, target=idx.target, raw_capaian=cap_raw, skala=idx.scale,
                          induk=idx.parent, sumber=idx.source)
        self.result.indices[idx.id] = res
        if isinstance(idx.expr, c.Composite):  # intermediate figures, compared with the printed calculation tables
            for dim in idx.expr.dimensions:
                res.dimensi[dim.ident] = self.parts[dim] if dim in self.parts else self.quiet(dim)
                for comp in dim.components:
                    v = self.parts[comp] if comp in self.parts else self.quiet(comp)
                    res.komponen[comp.id] = v
                    if comp.weight is not None:
                        res.kontribusi[comp.id] = CTX.multiply(v, comp.weight) if isinstance(v, Decimal) else v
        elif isinstance(idx.expr, c.SubIndexSum):  # each sub-index × its weight (Tabel 29's "Bobot (12,5%)")
            for child, w in idx.expr.children:
                v = self.quiet(child)
                res.kontribusi[child.name.rsplit(".", 1)[-1]] = CTX.multiply(v, w) if isinstance(v, Decimal) else v
        if isinstance(value, Decimal) and idx.scale is not None and value > idx.scale:
            self.observe("G101", "subindeks_di_atas_skala", idx.id, "tinggi", {"nilai": value, "skala": idx.scale},
                         idx.span, name=idx.name, value=format_id(value), scale=format_id(idx.scale))
        return res

    def sasaran_result(self, s: c.Sasaran) -> SasaranResult:
        value, event = self.top(s.expr, owner=s.id)
        raw = self._mean_raw
        res = SasaranResult(s.id, s.name, status_of(value), _message(value), s.span, raw, event, None,
                            self.render, capaian=value, raw_capaian=raw, eselon=s.eselon,
                            indikator=list(s.indicators), sumber=s.source)
        self.result.sasaran[s.id] = res
        return res

    def value_result(self, v: c.Value) -> ValueResult:
        value, event = self.object_value(v.name)
        res = ValueResult(v.name, v.label, status_of(value), _message(value), v.span, self.raw.get(v.name, value),
                          event, None, self.render, nilai=value, sumber=v.source, eselon=v.group,
                          bagian=v.section)
        self.result.values[v.name] = res
        return res

    def run_check(self, chk: c.Check) -> None:
        value, event = self.top(chk.condition, owner=chk.subject)
        if value is True:
            from .derivation import step_of

            step = step_of(self.result, event) if event is not None else None
            leaves = step.all_inputs() if step else []
            message = self.message(chk)
            values = {"kondisi": step.line() if step else "", "periksa": chk.id,
                      "masukan": {n: v for n, v, _ in leaves}}
            self.observe(None, "periksa", chk.subject, chk.level, values, chk.span, text=message)

    def run_same(self, sm: c.Same) -> None:
        """``sama``: every listed figure with a value must be equal; otherwise one observation naming each
        distinct figure with its places (in the report, and where the data came from). Figures without data or
        with an input error are left out (their own problem is reported where they are used)."""
        got = []
        for name, node, place in sm.items:
            v = self.quiet(node)
            if isinstance(v, Decimal):
                got.append((name, v, place, self.inputs.sources.get(name, "")))
        distinct = list(dict.fromkeys(v for _, v, _, _ in got))
        if len(distinct) < 2:
            return

        def places(v: Decimal) -> str:
            parts = [", ".join(p for p in (place, data if name in data else
                                                 (f"{name} ({data})" if data else name)) if p)
                     for name, x, place, data in got if x == v]
            return f"{format_id(v)} ({'; '.join(parts)})"

        shown = " ≠ ".join(places(v) for v in distinct)
        text = (f"{sm.label}: satu besaran dicetak dengan angka berbeda — {shown}; paling banyak satu yang benar: "
                "periksa sumbernya")
        text_en = f"{sm.label}: one quantity printed with different figures — {shown}; at most one is right: " \
                  "check their sources"
        values = {"angka": {name: v for name, v, _, _ in got}, "sumber": {name: p for name, _, p, _ in got if p}}
        self.observe(None, "besaran_sama_berbeda", sm.id, sm.level, values, sm.span, text=text, text_en=text_en)

    def message(self, chk: c.Check) -> str:
        """The check's message with its ``{expression}`` placeholders evaluated on this data."""
        if not chk.parts:
            return chk.message
        out = []
        for part in chk.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            v = self.quiet(part)
            values = v if isinstance(v, list) else [v]
            out.append("; ".join(format_id(x, 2) if isinstance(x, Decimal) and x != x.to_integral_value(context=CTX)
                                 else format_id(x) for x in values))
        return "".join(out)

    def observe(self, code: str | None, kind: str, objek: str, level: str, values: dict, span, **fields) -> None:
        if code is None:
            msg = fields["text"]
            msg_en = fields.get("text_en", msg)
        else:
            msg, msg_en = (t.format(**fields) for t in RUNTIME[code])
        key = (kind, objek, msg)  # two different checks on one object are both kept; a repeat of one is not
        if key in self.observed:
            return
        self.observed.add(key)
        self.result.observations.append(Observation(kind, objek, level, msg, msg_en, values, span))

    # ---- nodes ----
    def ev_Const(self, n: c.Const, row):
        return n.value

    def ev_Input(self, n: c.Input, row):
        return self.input_value(n.name)

    def ev_Cell(self, n: c.Cell, row: Row):
        self.note((row.table, row.index))
        if n.computed:
            cc = next(x for x in self.core.tables[row.table].computed if x.name == n.column)
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
            return runtime("G007", tuple(sem.names_in(n)), formula=n.span.text if n.span else "", num=format_id(a))
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
            self.frame.kids.append(e)
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
                self.frame.kids.append(e)
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


_ARITH_OPS = {"+": ("penjumlahan", "addition"), "-": ("pengurangan", "subtraction"),
              "*": ("perkalian", "multiplication"), "/": ("pembagian", "division")}
_NODE_OPS = {c.Ratio: ("rasio", "the ratio"), c.Growth: ("pertumbuhan", "the growth"),
             c.Round: ("pembulatan", "rounding"), c.WeightedMean: ("rata-rata tertimbang", "the weighted mean"),
             c.Dimension: ("indeks komposit", "the composite index"),
             c.Composite: ("indeks komposit", "the composite index"),
             c.SubIndexSum: ("indeks dari sub-indeks", "the index from its sub-indices"),
             c.Capaian: ("capaian", "the capaian"), c.SasaranMean: ("rata-rata capaian", "the mean capaian"),
             c.Invert: ("pembalikan (100 − nilai)", "the inversion (100 − value)")}
_AGG_OPS = {"jumlah": ("jumlah", "the sum"), "rata_rata": ("rata-rata", "the mean")}


def _operation(n: c.Node) -> tuple[str, str]:
    """The operation of ``n`` as the G008 message names it (Indonesian, English)."""
    if isinstance(n, c.Arith):
        return _ARITH_OPS[n.op]
    if isinstance(n, c.Agg):
        return _AGG_OPS.get(n.func, (n.func, n.func))
    return _NODE_OPS.get(type(n), ("perhitungan", "the calculation"))


def _message(value: Any) -> str:
    return value.message if isinstance(value, Galat) else ""


def evaluate(checked: CheckedRules, inputs: Inputs, tracer: Tracer = NO_TRACE) -> Result:
    """Evaluate every object of a checked rule set on ``inputs``. Pure and deterministic."""
    return Evaluator(checked, inputs, tracer).run()
