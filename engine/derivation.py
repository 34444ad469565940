"""Derivation views: the evaluator's events rendered as :class:`~kinerja.engine.trace.Step` trees, on demand.

The evaluator records *what happened* (node, value, operand events, the rule applied); this module writes it
down for people — ``26.943 / 28.699 × 100% = 93,88%`` — only when a reader asks (``result.step``, the Audit
sheet, ``kinerja jelaskan``, findings). No arithmetic happens here except for display (weights shown as %).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import core as c
from .interface import CellKey
from .trace import Step, show
from .values import CTX, HUNDRED, TANPA_DATA, Galat, format_id, is_missing

OP_TEXT = {"*": "×", "/": "/", "+": "+", "-": "−", "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">",
           ">=": "≥", "dan": "dan", "atau": "atau"}
PRECEDENCE = {"atau": 1, "dan": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "+": 4, "-": 4,
              "*": 5, "/": 5}
FUNC_TEXT = {"rata_rata": "rata-rata", "rata_rata_tertimbang": "rata-rata tertimbang"}
ROUND_TEXT = {"potong": "dipotong", "setengah_naik": "dibulatkan"}


def _text(s: Step | None) -> str:
    return s.text if s is not None else ""


def _paren(s: Step | None, prec: int) -> str:
    if s is None:
        return ""
    return f"({s.text})" if s.prec < prec else s.text


def _list_text(values: list[Any]) -> str:
    if len(values) > 12:
        head = "; ".join(show(v) for v in values[:5])
        tail = "; ".join(show(v) for v in values[-2:])
        return f"{len(values)} nilai: {head}; …; {tail}"
    return "; ".join(show(v) for v in values)


def _pct(w: Decimal) -> str:
    return show(CTX.multiply(w, HUNDRED), "persen")


def _is_missing_value(v: Any) -> Any:
    """The value of an operation on a missing operand: the error itself, or no data. (It used to be None for an
    error, which crashed every view that shows the step — the Audit rows of a table's computed columns.)"""
    return v


def capaian_formula(direction: str, realisasi: str, target: str, percent: str = "") -> str:
    """Capaian by direction, written out: ``r / t × 100`` (naik) or ``(2 × t − r) / t × 100`` (turun)."""
    if direction == "turun":
        return f"(2 × {target} − {realisasi}) / {target} × 100{percent}"
    return f"{realisasi} / {target} × 100{percent}"


class Renderer:
    """Renders the events of one result. Object steps are cached (an object is referenced from many places)."""

    def __init__(self, result):
        # the result's inputs and core form, not the result itself: the result keeps its renderer (and each
        # object result a function of it), so a reference back would make a cycle that only the garbage
        # collector frees — with every event of the evaluation hanging off it
        self.inputs = result.inputs
        self.core: c.CoreRules = result.core
        self.objects: dict[str, Step | None] = {}

    # ---- objects ----
    def object_step(self, name: str, event) -> Step | None:
        if name in self.objects:
            return self.objects[name]
        out = None
        if event is not None:
            core = self.core
            if name in core.indices:
                out = self.index_step(core.indices[name], event)
            elif name in core.indicators:
                ind = core.indicators[name]
                out = self.finish(self.step(event), event.value, f"{name}.realisasi", ind, ind.rounding, ind.kind)
            elif name in core.values:
                v = core.values[name]
                out = self.finish(self.step(event), event.value, name, v, v.rounding, v.kind)
            else:
                out = self.step(event)
        self.objects[name] = out
        return out

    def finish(self, step: Step, raw: Any, label: str, obj, r: c.Rounding | None, kind: str) -> Step:
        value = raw if r is None or not isinstance(raw, Decimal) else _rounded(raw, r)
        out = Step(label, value, step.text, obj.formula, obj.span, kind, [step], [], step.note)
        if r is not None and isinstance(raw, Decimal) and raw != value:
            out.note = "; ".join(x for x in (step.note, f"{show(raw, kind, True)} {ROUND_TEXT[r.mode]} "
                                                         f"{r.digits} desimal") if x)
        out.inputs = step.all_inputs()
        out.children = step.children or []
        return out

    def index_step(self, idx: c.Index, event) -> Step:
        raw = event.value
        value = _rounded(raw, idx.rounding) if isinstance(raw, Decimal) else raw
        children: list[Step] = []
        n = event.node
        if isinstance(n, c.SubIndexSum):
            parts = []
            for (obj, w), kid in zip(n.children, event.kids):
                cstep = self.object_step(obj.name, kid.info)
                parts.append(f"{show(kid.value, 'indeks', True)} × {_pct(w)}")
                if cstep is not None:
                    children.append(cstep)
            text = " + ".join(parts)
        else:
            dim_texts = []
            for kid in event.kids:
                dim_texts.append(show(kid.value, "", False))
                children.append(self.dimension_step(kid))
            joined = " + ".join(dim_texts)
            joined = f"({joined})" if len(dim_texts) > 1 else joined
            text = f"{joined} / 100 × {format_id(n.scale)}"
        step = Step(idx.id, value, text, "", idx.span, "indeks", children)
        if isinstance(raw, Decimal) and raw != value:
            step.note = f"{show(raw, 'indeks', True)} dibulatkan {idx.rounding.digits} desimal"
        return step

    def dimension_step(self, event) -> Step:
        dim: c.Dimension = event.node
        steps = []
        for kid in event.kids:
            comp: c.Component = kid.node
            body = kid.kids[0]
            inverted = False
            if isinstance(body.node, c.Invert):
                inner = body.kids[0]
                cstep = self.step(inner)
                inverted = isinstance(inner.value, Decimal)
            else:
                cstep = self.step(body)
                inverted = isinstance(body.info, tuple)
            s = Step(comp.label, kid.value, cstep.text, comp.formula, comp.span, "persen", cstep.children,
                     cstep.inputs, cstep.note)
            if inverted:
                s.text = f"100% − ({cstep.text})"
                lower = "makin rendah makin baik: masuk sebagai 100 − realisasi"
                s.note = f"{s.note}; {lower}" if s.note else lower
            steps.append(s)
        if dim.weighted:
            text = " + ".join(f"{show(k.value, 'persen')} × {_pct(comp.weight)}"
                              for k, comp in zip(event.kids, dim.components))
        else:
            vals = "; ".join(show(k.value, "persen") for k in event.kids)
            text = (f"rata-rata({vals}) × {_pct(dim.weight)}" if len(event.kids) > 1
                    else f"{vals} × {_pct(dim.weight)}")
        return Step(f"dimensi {dim.name}", event.value, text, "", dim.span, "", steps)

    def capaian_step(self, event) -> Step | None:
        n: c.Capaian = event.node
        realisasi = event.kids[0].value if event.kids else None
        if n.target is None or is_missing(realisasi) or n.target == 0:
            return None
        text = capaian_formula(n.direction, show(realisasi, n.kind, True), show(n.target, n.kind), "%")
        return Step("capaian", event.value, text, kind="persen")

    def sasaran_step(self, obj, event) -> Step:
        n: c.SasaranMean = event.node
        children = []
        for kid in event.kids:
            ir = kid.info
            children.append(Step(f"{ir.id}.capaian", ir.capaian, ir.capaian_step.text if ir.capaian_step else "",
                                 kind="persen", children=[ir.step] if ir.step else []))
        caps = [k.value for k in event.kids]
        present = [v for v in caps if isinstance(v, Decimal)]
        vals = "; ".join(show(v, "persen") for v in caps if not is_missing(v))
        text = f"rata-rata({vals})" if len(present) > 1 else vals
        skipped = event.info or []
        note = ""
        if isinstance(event.value, Decimal) and skipped and n.mode != "tanpa_data_jika_ada":
            note = "tanpa data, tidak ikut dirata-rata: " + ", ".join(skipped)
        return Step(f"{obj.id}.capaian", event.value, text, "", obj.span, "persen", children, note=note)

    # ---- expressions ----
    def compose(self, text: str, value: Any, children, note: str = "", kind: str = "", prec: int = 9) -> Step:
        inputs: list = []
        flat: list = []  # keep object steps (indices, indicators) as children; fold plain arithmetic
        for k in children:
            if k is not None:
                inputs += k.inputs
                flat += k.children
        return Step("", value, text, "", None, kind, flat, inputs, note, prec)

    def leaf(self, label: str, value: Any, kind: str = "", inputs=None, children=None) -> Step:
        return Step(label, value, show(value, kind, True), "", None, kind, children or _NONE, inputs or _NONE)

    def step(self, e) -> Step:
        node = e.node
        view = _VIEWS.get(type(node))
        if view is None:  # each node type's s_<Node> method, looked up once
            view = _VIEWS[type(node)] = getattr(Renderer, "s_" + type(node).__name__)
        return view(self, e, node)

    def s_Const(self, e, n: c.Const):
        if isinstance(n.value, Decimal):
            return Step(n.text, n.value, n.text.replace(".", ","))
        if n.value is TANPA_DATA:
            return self.leaf("tanpa_data", TANPA_DATA)
        return self.leaf(n.text, n.value)

    def s_Input(self, e, n: c.Input):
        inputs = self.inputs
        prob = inputs.problem_for(n.name)
        where = inputs.sources.get(n.name, "")
        if prob is not None:
            where = prob.location or where
        return self.leaf(n.name, e.value, n.kind if n.kind in ("persen", "tahun") else "",
                         inputs=[(n.name, e.value, where)])

    def s_Cell(self, e, n: c.Cell):
        if n.computed:
            return self.leaf(n.column, e.value)
        table, i = e.info
        key, name = _cells(table, n.column, i + 1)[i]
        return self.leaf(n.column, e.value, inputs=[(name, e.value, self.inputs.sources.get(key, ""))])

    def s_Column(self, e, n: c.Column):
        src = self.inputs.sources
        return Step(f"{n.table}.{n.column}", e.value, show(e.value),
                    inputs=[(name, v, src.get(k, "")) for (k, name), v in
                            zip(_cells(n.table, n.column, len(e.value)), e.value)])

    def s_Obj(self, e, n: c.Obj):
        step = self.object_step(n.name, e.info)
        return self.leaf(n.name, e.value, n.kind, children=[step] if step else [])

    def s_ListOf(self, e, n: c.ListOf):
        steps = [self.step(k) for k in e.kids]
        return Step("[ ]", e.value, "[" + "; ".join(s.text for s in steps) + "]", children=steps)

    def s_Neg(self, e, n):
        s = self.step(e.kids[0])
        return self.compose("−" + _paren(s, 6), e.value, [s])

    def s_Not(self, e, n):
        s = self.step(e.kids[0])
        return self.compose("tidak " + _paren(s, 6), e.value, [s])

    def s_Abs(self, e, n):
        s = self.step(e.kids[0])
        return self.compose(f"|{_text(s)}|", e.value, [s])

    def s_Exists(self, e, n):
        s = self.step(e.kids[0])
        return self.compose(f"ada({_text(s)})", e.value, [s])

    def s_Round(self, e, n: c.Round):
        s = self.step(e.kids[0])
        cut = "; potong" if n.mode == "potong" and n.func == "bulat" else ""
        return self.compose(f"{n.func}({_text(s)}; {n.digits}{cut})", e.value, [s])

    def s_Cond(self, e, n: c.Cond):
        cs = self.step(e.kids[0])
        cond = e.kids[0].value
        if len(e.kids) == 1:
            return self.compose(f"jika {_text(cs)}", e.value, [cs])
        s = self.step(e.kids[1])
        return self.compose(_text(s), e.value, [cs, s], note=f"syarat {n.cond.span.text} = {format_id(cond)}")

    def _binary(self, e, op: str, prec_right: int | None = None):
        sa, sb = self.step(e.kids[0]), self.step(e.kids[1])
        prec = PRECEDENCE[op]
        right = prec + (1 if op in ("-", "/") else 0) if prec_right is None else prec_right
        text = f"{_paren(sa, prec)} {OP_TEXT[op]} {_paren(sb, right)}"
        a, b = e.kids[0].value, e.kids[1].value
        if is_missing(a) or is_missing(b):
            return self.compose(text, _is_missing_value(e.value), [sa, sb])
        note = "pembagian dengan nol → tanpa data" if e.info == "div0" else ""
        return self.compose(text, e.value, [sa, sb], note, prec=prec)

    def s_Arith(self, e, n):
        return self._binary(e, n.op)

    def s_Compare(self, e, n):
        return self._binary(e, n.op)

    def s_Member(self, e, n: c.Member):
        steps = [self.step(k) for k in e.kids]
        head, items = steps[0], steps[1:]
        text = f"{_paren(head, 4)} di [" + "; ".join(_text(s) for s in items) + "]"
        if any(is_missing(k.value) for k in e.kids):
            return self.compose(text, _is_missing_value(e.value), steps)
        return self.compose(text, e.value, steps, prec=3)

    def s_Logic(self, e, n):
        return self._binary(e, n.op)

    def s_Ratio(self, e, n: c.Ratio):
        sa, sb = self.step(e.kids[0]), self.step(e.kids[1])
        text = f"{_paren(sa, 5)} / {_paren(sb, 6)} × 100%"
        a, b = e.kids[0].value, e.kids[1].value
        if is_missing(a) or is_missing(b):
            return self.compose(text, _is_missing_value(e.value), [sa, sb])
        note = ""
        if e.info == "zero":
            rule = "tanpa_data" if n.zero is None else str(n.zero)
            note = f"0/0 → {'tanpa data' if n.zero is None else rule + '%'} (nol_per_nol {rule})"
        value = e.value
        if isinstance(e.info, tuple):  # ("inverted", ratio): the ratio itself; the component shows the inversion
            value = e.info[1]
        return self.compose(text, value, [sa, sb], note, kind="persen", prec=5)

    def s_Invert(self, e, n):
        return self.step(e.kids[0])

    def s_Growth(self, e, n):
        sa, sb = self.step(e.kids[0]), self.step(e.kids[1])
        text = f"({_text(sa)} − {_text(sb)}) / {_text(sb)} × 100%"
        a, b = e.kids[0].value, e.kids[1].value
        if is_missing(a) or is_missing(b):
            return self.compose(text, _is_missing_value(e.value), [sa, sb])
        if e.info == "last0":
            return self.compose(text, TANPA_DATA, [sa, sb], "tahun lalu 0: pertumbuhan tidak terdefinisi")
        return self.compose(text, e.value, [sa, sb], kind="persen", prec=5)

    def _arg_steps(self, e, args: tuple[c.Arg, ...]) -> tuple[list[list[Any]], list[Step]]:
        groups, steps = [], []
        filters = e.info if isinstance(e.info, dict) else {}
        for a, kid in zip(args, e.kids):
            s = self.step(kid)
            v = kid.value
            if a in filters:
                v = filters[a]
                s = Step(s.label, v, show(v), inputs=s.inputs, note=f"untuk {a.span.text}")
            groups.append(v if isinstance(v, list) else [v])
            steps.append(s)
        return groups, steps

    def s_WeightedMean(self, e, n: c.WeightedMean):
        groups, steps = self._arg_steps(e, (n.values, n.weights))
        text = f"rata-rata tertimbang({_list_text(groups[0])} ; bobot {_list_text(groups[1])})"
        return self.compose(text, e.value, steps)

    def s_Agg(self, e, n: c.Agg):
        groups, steps = self._arg_steps(e, n.args)
        flat = [x for g in groups for x in g]
        text = f"{FUNC_TEXT.get(n.func, n.func)}({_list_text(flat)})"
        if any(isinstance(x, Galat) for x in flat):
            return self.compose(text, e.value, steps)
        skipped = len([x for x in flat if x is TANPA_DATA])
        note = f"{skipped} nilai tanpa data dilewati" if skipped else ""
        return self.compose(text, e.value, steps, note)

    def s_Capaian(self, e, n):  # pragma: no cover - capaian events are rendered by capaian_step
        return self.capaian_step(e) or self.leaf("capaian", e.value)


_VIEWS: dict[type, Any] = {}  # core node type → Renderer.s_<Node>
_NONE: Any = ()  # a leaf's children and (most) inputs: one shared empty sequence, not two new lists per leaf
_CELLS: dict[tuple[str, str], tuple[tuple[CellKey, str], ...]] = {}  # a table column's cells and their names


def _cells(table: str, column: str, rows: int) -> tuple[tuple[CellKey, str], ...]:
    """(key, name) of the first ``rows`` (at least) cells of a table column: ``tabel[3].kolom`` is the same text on
    every Hitung, made once."""
    cells = _CELLS.get((table, column), ())
    if len(cells) < rows:
        if len(_CELLS) >= 4096:
            _CELLS.clear()
        cells = _CELLS[(table, column)] = tuple((k, str(k)) for k in (CellKey(table, i, column)
                                                                       for i in range(max(rows, 2 * len(cells)))))
    return cells


def _rounded(raw: Decimal, r: c.Rounding) -> Decimal:
    from .values import round_to

    return round_to(raw, r.digits, r.mode)


def renderer_of(result) -> Renderer:
    """The renderer of ``result``, made once (it holds no reference to the result)."""
    rd = getattr(result, "_renderer", None)
    if rd is None:
        rd = Renderer(result)
        result._renderer = rd
    return rd


def render_object(rd: Renderer, obj, event, which: str) -> Step | None:
    """The derivation of one object result (``which``: ``step`` or ``capaian_step``), by the result's renderer."""
    if which == "capaian_step":
        return rd.capaian_step(event)
    if obj.jenis == "sasaran":
        return rd.sasaran_step(obj, event)
    return rd.object_step(obj.id, event)


def render_row(rd: Renderer, key: CellKey, event) -> Step:
    """The derivation of one computed table cell (``per_baris``), by the result's renderer."""
    cc = rd.core.tables[key.table].computed_column(key.column)
    step = rd.step(event)
    step.label, step.formula, step.span = str(key), cc.formula, cc.span
    return step


def step_of(result, event) -> Step:
    """The derivation of any event (e.g. a check's condition)."""
    return renderer_of(result).step(event)
