"""The pure evaluator: checked rules + input values → results, with an optional derivation trace.

Pure: no I/O, no clock, no global state (decimal arithmetic goes through a private context). Deterministic:
the same rules and inputs give the same result, in the same order. "No data" (``TANPA_DATA``) propagates
through arithmetic and is skipped by aggregates; an input error (``Galat``) propagates and wins over no data,
so exactly the results that depend on a bad input get status ``galat``, and the rest are still computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from . import model as m
from .checker import UNITS, CheckedRules
from .interface import CellKey, Inputs
from .trace import NO_TRACE, Step, Tracer, show
from .values import CTX, HUNDRED, TANPA_DATA, Galat, format_id, is_missing, mean, round_to, to_decimal, total

OP_TEXT = {"*": "×", "/": "/", "+": "+", "-": "−", "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">",
           ">=": "≥", "dan": "dan", "atau": "atau"}
PRECEDENCE = {"atau": 1, "dan": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "+": 4, "-": 4,
              "*": 5, "/": 5}
FUNC_TEXT = {"rata_rata": "rata-rata", "rata_rata_tertimbang": "rata-rata tertimbang"}


@dataclass
class Observation:
    """A data problem noticed while computing (no printed figure needed), e.g. numerator > denominator."""

    kind: str  # pembilang_melebihi_penyebut | subindeks_di_atas_skala | periksa
    objek: str
    level: str
    message: str
    message_en: str
    values: dict[str, Any] = field(default_factory=dict)
    span: m.Span | None = None


@dataclass
class ObjectResult:
    id: str
    jenis: str  # indikator | indeks | sasaran | nilai
    nama: str
    value: Any  # realisasi (indikator), nilai (indeks, nilai), capaian (sasaran)
    capaian: Any = None
    target: Decimal | None = None
    status: str = "ok"  # ok | tanpa_data | galat
    pesan: str = ""
    step: Step | None = None
    capaian_step: Step | None = None
    span: m.Span | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    raw: Any = None  # value before the rule's rounding (findings compare printed figures with both)
    raw_capaian: Any = None


@dataclass
class Result:
    rules: CheckedRules
    inputs: Inputs
    indicators: dict[str, ObjectResult] = field(default_factory=dict)
    indices: dict[str, ObjectResult] = field(default_factory=dict)
    sasaran: dict[str, ObjectResult] = field(default_factory=dict)
    values: dict[str, ObjectResult] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    row_steps: dict[tuple[str, int, str], Step] = field(default_factory=dict)
    row_raw: dict[tuple[str, int, str], Any] = field(default_factory=dict)  # computed column before bulat()
    observations: list[Observation] = field(default_factory=list)

    def get(self, ident: str) -> ObjectResult | None:
        for d in (self.indicators, self.indices, self.sasaran, self.values):
            if ident in d:
                return d[ident]
        return None

    def all_objects(self) -> list[ObjectResult]:
        return [*self.indicators.values(), *self.indices.values(), *self.sasaran.values(), *self.values.values()]


def status_of(value: Any) -> str:
    if isinstance(value, Galat):
        return "galat"
    if value is TANPA_DATA:
        return "tanpa_data"
    return "ok"


@dataclass
class _Env:
    node: str
    zero_rule: str = "tanpa_data"
    row: dict[str, Any] | None = None
    row_table: str | None = None
    row_index: int = -1


class Evaluator:
    def __init__(self, checked: CheckedRules, inputs: Inputs, tracer: Tracer = NO_TRACE):
        self.c = checked
        self.rs = checked.rules
        self.inputs = inputs
        self.trace = tracer.enabled
        self.settings = checked.settings
        self.memo: dict[str, tuple[Any, Step | None]] = {}
        self.raw: dict[str, Any] = {}  # object → value before rounding
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.row_memo: dict[str, list[dict[str, Any]]] = {}
        self.result = Result(checked, inputs)
        self.observed: set[tuple[str, str, str]] = set()
        self.problem_by_input = {p.input: p for p in inputs.problems if p.cell is None}
        self.problem_by_cell = {p.cell: p for p in inputs.problems if p.cell is not None}

    # ---- public ----
    def run(self) -> Result:
        rs = self.rs
        for blk in rs.rows.values():
            self.table_rows(blk.table)
        for v in rs.values.values():
            self.value_result(v)
        for idx in rs.indices.values():
            self.index_result(idx)
        for ind in rs.indicators.values():
            self.indicator_result(ind)
        for s in rs.sasaran.values():
            self.sasaran_result(s)
        for chk in rs.checks.values():
            self.run_check(chk)
        for name in rs.tables:
            self.result.tables[name] = self.table_rows(name)
        return self.result

    # ---- inputs ----
    def input_value(self, name: str) -> tuple[Any, str]:
        where = self.inputs.sources.get(name, "")
        prob = self.problem_by_input.get(name)
        if prob is not None:
            return Galat(prob.message, (name,), prob.location), prob.location or where
        inp = self.rs.inputs[name]
        if name not in self.inputs.values or self.inputs.values[name] is None or self.inputs.values[name] == "":
            if inp.required:
                return Galat(f"masukan wajib {name} kosong", (name,), where), where
            return TANPA_DATA, where
        raw = self.inputs.values[name]
        if inp.kind == "teks":
            return str(raw), where
        try:
            return to_decimal(raw), where
        except TypeError:
            return Galat(f"masukan {name} bukan angka: {raw!r}", (name,), where), where

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        """Rows of a table input with its computed columns (``per_baris``) filled in."""
        if table in self.rows:
            return self.rows[table]
        tdef = self.rs.tables[table]
        prob = self.problem_by_input.get(table)
        raw = self.inputs.tables.get(table, [])
        rows: list[dict[str, Any]] = []
        for i, r in enumerate(raw):
            row: dict[str, Any] = {}
            for col in tdef.columns:
                v = r.get(col.name)
                key = CellKey(table, i, col.name)
                cprob = self.problem_by_cell.get(key)
                if cprob is not None or prob is not None:
                    p = cprob or prob
                    row[col.name] = Galat(p.message, (table,), p.location)
                elif v is None or v == "":
                    row[col.name] = TANPA_DATA if not col.required else Galat(
                        f"{table} baris {i + 1}: kolom {col.name} kosong", (table,),
                        self.inputs.sources.get(key, ""))
                elif col.kind == "teks":
                    row[col.name] = str(v)
                else:
                    try:
                        row[col.name] = to_decimal(v)
                    except TypeError:
                        row[col.name] = Galat(f"{table} baris {i + 1}: kolom {col.name} bukan angka: {v!r}",
                                              (table,), self.inputs.sources.get(key, ""))
            rows.append(row)
        self.rows[table] = rows
        blk = self.rs.rows.get(table)
        if blk is not None:
            for i in range(len(rows)):
                for a in blk.assigns:
                    self.row_value(blk, i, a.name)
        return rows

    def row_value(self, blk: m.RowsBlock, i: int, name: str) -> Any:
        row = self.rows[blk.table][i]
        if name in row:
            return row[name]
        assign = next(a for a in blk.assigns if a.name == name)
        row[name] = Galat(f"ketergantungan melingkar pada {blk.table}.{name}")
        env = _Env(f"{blk.table}.{name}", self.settings["nol_per_nol"], row, blk.table, i)
        value, step = self.ev(assign.formula, env)
        row[name] = value
        f = assign.formula
        if isinstance(f, m.Call) and f.func in ("bulat", "potong") and isinstance(value, Decimal):
            raw, _ = self.ev(f.args[0].expr, _Env(env.node, env.zero_rule, row, blk.table, i))
            self.result.row_raw[(blk.table, i, name)] = raw
        if step is not None:
            step.label, step.formula = str(CellKey(blk.table, i, name)), assign.formula.span.text
            step.span = assign.span
            self.result.row_steps[(blk.table, i, name)] = step
        return value

    # ---- objects ----
    def rounding_of(self, r: m.Rounding | None, default_key: str) -> m.Rounding:
        return r if r is not None else m.Rounding(int(self.settings[default_key]))

    def target_of(self, ident: str) -> Decimal | None:
        t = self.rs.targets.get(ident)
        if t is None:
            return None
        v, _ = self.ev(t.expr, _Env(f"target:{ident}"))
        return v if isinstance(v, Decimal) else None

    def capaian(self, realisasi: Any, target: Decimal | None, direction: str, unit_kind: str
                ) -> tuple[Any, Step | None, Any]:
        if target is None or is_missing(realisasi):
            v = realisasi if is_missing(realisasi) else TANPA_DATA
            return v, None, v
        if target == 0:
            return Galat("target bernilai 0"), None, None
        if direction == "turun":
            value = CTX.multiply(CTX.divide(CTX.subtract(CTX.multiply(2, target), realisasi), target), HUNDRED)
            t = show(target, unit_kind)
            text = f"(2 × {t} − {show(realisasi, unit_kind, True)}) / {t} × 100%"
        else:
            value = CTX.multiply(CTX.divide(realisasi, target), HUNDRED)
            text = f"{show(realisasi, unit_kind, True)} / {show(target, unit_kind)} × 100%"
        raw = value
        value = round_to(value, int(self.settings["bulat_capaian"]))
        step = Step("capaian", value, text, kind="persen") if self.trace else None
        return value, step, raw

    def indicator_result(self, ind: m.Indicator) -> ObjectResult:
        if ind.id in self.result.indicators:
            return self.result.indicators[ind.id]
        value, step = self.object_value(ind.id)
        target = self.target_of(ind.id)
        unit_kind = UNITS.get(ind.unit, "angka")
        cap, cap_step, cap_raw = self.capaian(value, target, ind.direction, unit_kind)
        res = ObjectResult(ind.id, "indikator", ind.name, value, cap, target, status_of(value),
                           _message(value), step, cap_step, ind.span,
                           {"sasaran": ind.sasaran, "satuan": ind.unit, "arah": ind.direction,
                            "sumber": ind.source, "eselon": self.rs.sasaran[ind.sasaran].group
                            if ind.sasaran in self.rs.sasaran else ""},
                           self.raw.get(ind.id, value), cap_raw)
        self.result.indicators[ind.id] = res
        return res

    def object_value(self, ident: str) -> tuple[Any, Step | None]:
        """Value of a named object (indicator realisasi, index, value, parameter), memoised."""
        if ident in self.memo:
            return self.memo[ident]
        self.memo[ident] = (Galat(f"ketergantungan melingkar pada {ident}"), None)
        rs = self.rs
        if ident in rs.indicators:
            ind = rs.indicators[ident]
            zero = ind.zero_rule or self.settings["nol_per_nol"]
            raw, step = self.ev(ind.formula, _Env(ident, zero))
            r = self.rounding_of(ind.rounding, "bulat_realisasi")
            value = round_to(raw, r.digits, r.mode) if isinstance(raw, Decimal) else raw
            self.raw[ident] = raw
            kind = UNITS.get(ind.unit, "angka")
            out = self.finish(step, value, raw, r, f"{ident}.realisasi", ind.formula, ind.span, kind)
        elif ident in rs.indices:
            out = self.index_value(rs.indices[ident])
        elif ident in rs.values:
            v = rs.values[ident]
            raw, step = self.ev(v.formula, _Env(ident, self.settings["nol_per_nol"]))
            r = v.rounding
            value = round_to(raw, r.digits, r.mode) if (r and isinstance(raw, Decimal)) else raw
            self.raw[ident] = raw
            out = self.finish(step, value, raw, r, ident, v.formula, v.span, self.c.kinds.get(ident, ""))
        elif ident in rs.params:
            p = rs.params[ident]
            value, step = self.ev(p.expr, _Env(ident))
            out = (value, step)
        else:  # pragma: no cover - the checker rejects unknown names
            out = (Galat(f"nama tidak dikenal {ident}"), None)
        self.memo[ident] = out
        return out

    def finish(self, step: Step | None, value: Any, raw: Any, r: m.Rounding | None, label: str, formula: m.Expr,
               span: m.Span, kind: str) -> tuple[Any, Step | None]:
        if step is None:
            return value, None
        out = Step(label, value, step.text, formula.span.text, span, kind, [step], [], step.note)
        if r is not None and isinstance(raw, Decimal) and raw != value:
            mode = "dipotong" if r.mode == "potong" else "dibulatkan"
            out.note = "; ".join(x for x in (step.note, f"{show(raw, kind, True)} {mode} {r.digits} desimal") if x)
        # lift the leaf inputs so the object's own step lists them
        out.inputs = step.all_inputs()
        out.children = step.children or []
        return value, out

    def index_result(self, idx: m.Index) -> ObjectResult:
        if idx.id in self.result.indices:
            return self.result.indices[idx.id]
        value, step = self.object_value(idx.id)
        target = self.index_target(idx)
        cap, cap_step, cap_raw = self.capaian(value, target, "naik", "indeks")
        res = ObjectResult(idx.id, "indeks", idx.name, value, cap, target, status_of(value), _message(value),
                           step, cap_step, idx.span,
                           {"skala": self.scale_of(idx), "sumber": idx.source, "induk": idx.parent},
                           self.raw.get(idx.id, value), cap_raw)
        self.result.indices[idx.id] = res
        scale = self.scale_of(idx)
        if isinstance(value, Decimal) and scale is not None and value > scale:
            self.observe("subindeks_di_atas_skala", idx.id, "tinggi",
                         f"{idx.name}: nilai {format_id(value)} melebihi skala 0–{format_id(scale)}",
                         f"{idx.name}: value {format_id(value)} exceeds the 0–{format_id(scale)} scale",
                         {"nilai": value, "skala": scale}, idx.span)
        return res

    def index_target(self, idx: m.Index) -> Decimal | None:
        cur: m.Index | None = idx
        while cur is not None:
            t = self.target_of(cur.id)
            if t is not None:
                return t
            cur = self.rs.indices.get(cur.parent) if cur.parent else None
        return None

    def scale_of(self, idx: m.Index) -> Decimal | None:
        cur: m.Index | None = idx
        while cur is not None:
            if cur.scale is not None:
                return cur.scale
            cur = self.rs.indices.get(cur.parent) if cur.parent else None
        return None

    def zero_of(self, idx: m.Index) -> str:
        cur: m.Index | None = idx
        while cur is not None:
            if cur.zero_rule is not None:
                return cur.zero_rule
            cur = self.rs.indices.get(cur.parent) if cur.parent else None
        return self.settings["nol_per_nol"]

    def rounding_index(self, idx: m.Index) -> m.Rounding:
        cur: m.Index | None = idx
        while cur is not None:
            if cur.rounding is not None:
                return cur.rounding
            cur = self.rs.indices.get(cur.parent) if cur.parent else None
        return m.Rounding(int(self.settings["bulat_indeks"]))

    def weight(self, e: m.Expr | None, node: str) -> Decimal:
        v, _ = self.ev(e, _Env(node)) if e is not None else (Decimal(1), None)
        return v if isinstance(v, Decimal) else Decimal(0)

    def index_value(self, idx: m.Index) -> tuple[Any, Step | None]:
        scale = self.scale_of(idx) or Decimal(1)
        r = self.rounding_index(idx)
        children: list[Step] = []
        if idx.children:
            parts = []
            total: Any = Decimal(0)
            for child in idx.children:
                self.index_result(child)
                cv, cstep = self.object_value(child.id)
                w = self.weight(child.weight, child.id)
                total = _combine(total, cv, lambda a, b, w=w: CTX.add(a, CTX.multiply(b, w)))
                parts.append(f"{show(cv, 'indeks', True)} × {show(CTX.multiply(w, HUNDRED), 'persen')}")
                if cstep is not None:
                    children.append(cstep)
            raw = total
            text = " + ".join(parts)
        else:
            dims = list(idx.dimensions)
            if idx.components:
                dims.append(m.Dimension("langsung", idx.name, m.Num(Decimal(1), True, idx.span), idx.components,
                                        idx.span))
            total = Decimal(0)
            dim_texts = []
            for dim in dims:
                dv, dstep = self.dimension_value(idx, dim)
                total = _combine(total, dv, CTX.add)
                dim_texts.append(show(dv, "", False))
                if dstep is not None:
                    children.append(dstep)
            raw = _combine(total, scale, lambda a, s: CTX.multiply(CTX.divide(a, HUNDRED), s))
            joined = " + ".join(dim_texts)
            joined = f"({joined})" if len(dim_texts) > 1 else joined
            text = f"{joined} / 100 × {format_id(scale)}"
        value = round_to(raw, r.digits, r.mode) if isinstance(raw, Decimal) else raw
        self.raw[idx.id] = raw
        if not self.trace:
            return value, None
        step = Step(idx.id, value, text, "", idx.span, "indeks", children)
        if isinstance(raw, Decimal) and raw != value:
            step.note = f"{show(raw, 'indeks', True)} dibulatkan {r.digits} desimal"
        return value, step

    def dimension_value(self, idx: m.Index, dim: m.Dimension) -> tuple[Any, Step | None]:
        zero = self.zero_of(idx)
        comps = []
        steps: list[Step] = []
        for comp in dim.components:
            node = f"{idx.id}.{comp.id}"
            raw, cstep = self.ev(comp.formula, _Env(node, zero))
            val = raw
            # Lower is better: the share enters as 100 − share. A 0/0 scored by the convention (`nol_per_nol 100`:
            # "nothing happened, nothing went wrong") is already the score and is not inverted again.
            invert = comp.inverted and isinstance(raw, Decimal) and not self.zero_over_zero(comp.formula, node, zero)
            if invert:
                val = CTX.subtract(HUNDRED, raw)
            comps.append((comp, val))
            if cstep is not None:
                label = f"{comp.id}" + (" (terbalik)" if comp.inverted else "")
                s = Step(label, val, cstep.text, comp.formula.span.text, comp.span, "persen", cstep.children,
                         cstep.inputs, cstep.note)
                if invert:
                    s.text = f"100% − ({cstep.text})"
                    lower = "makin rendah makin baik: masuk sebagai 100 − realisasi"
                    s.note = f"{s.note}; {lower}" if s.note else lower
                steps.append(s)
        dim_w = self.weight(dim.weight, f"{idx.id}.{dim.id}")
        weighted = any(c.weight is not None for c, _ in comps)
        if weighted:
            total: Any = Decimal(0)
            parts = []
            for comp, val in comps:
                w = self.weight(comp.weight, f"{idx.id}.{comp.id}")
                total = _combine(total, val, lambda a, b, w=w: CTX.add(a, CTX.multiply(b, w)))
                parts.append(f"{show(val, 'persen')} × {show(CTX.multiply(w, HUNDRED), 'persen')}")
            value = total
            text = " + ".join(parts)
        else:
            present = [v for _, v in comps if not is_missing(v)]
            errors = [v for _, v in comps if isinstance(v, Galat)]
            if errors:
                value = _merge_galat(errors)
            elif not present:
                value = TANPA_DATA
            else:
                value = CTX.multiply(mean(present), dim_w)
            vals = "; ".join(show(v, "persen") for _, v in comps)
            text = (f"rata-rata({vals}) × {show(CTX.multiply(dim_w, HUNDRED), 'persen')}" if len(comps) > 1
                    else f"{vals} × {show(CTX.multiply(dim_w, HUNDRED), 'persen')}")
        if not self.trace:
            return value, None
        return value, Step(f"dimensi {dim.name}", value, text, "", dim.span, "", steps)

    def sasaran_result(self, s: m.Sasaran) -> ObjectResult:
        mode = s.mode if s.mode not in (None, "rata_rata_indikator") else self.settings["capaian_sasaran"]
        caps = []
        children = []
        for iid in s.indicators:
            ir = self.indicator_result(self.rs.indicators[iid])
            caps.append((iid, ir.capaian))
            if self.trace:
                children.append(Step(f"{iid}.capaian", ir.capaian, ir.capaian_step.text if ir.capaian_step else "",
                                     kind="persen", children=[ir.step] if ir.step else []))
        errors = [c for _, c in caps if isinstance(c, Galat)]
        present = [c for _, c in caps if isinstance(c, Decimal)]
        note = ""
        if errors:
            value: Any = _merge_galat(errors)
        elif mode == "tanpa_data_jika_ada" and len(present) < len(caps):
            value = TANPA_DATA
        elif not present:
            value = TANPA_DATA
        else:
            avg = mean(present)
            value = round_to(avg, int(self.settings["bulat_capaian"]))
            self.raw[s.id] = avg
            skipped = [i for i, c in caps if c is TANPA_DATA]
            if skipped:
                note = "tanpa data, tidak ikut dirata-rata: " + ", ".join(skipped)
        step = None
        if self.trace:
            vals = "; ".join(show(c, "persen") for _, c in caps if not is_missing(c))
            text = f"rata-rata({vals})" if len(present) > 1 else vals
            step = Step(f"{s.id}.capaian", value, text, "", s.span, "persen", children, note=note)
        res = ObjectResult(s.id, "sasaran", s.name, value, value, None, status_of(value), _message(value), step,
                           None, s.span, {"eselon": s.group, "indikator": list(s.indicators), "sumber": s.source},
                           self.raw.get(s.id, value), self.raw.get(s.id, value))
        self.result.sasaran[s.id] = res
        return res

    def value_result(self, v: m.Value) -> ObjectResult:
        value, step = self.object_value(v.name)
        res = ObjectResult(v.name, "nilai", v.label or v.name, value, None, None, status_of(value),
                           _message(value), step, None, v.span,
                           {"sumber": v.source, "eselon": v.group, "bagian": v.section},
                           self.raw.get(v.name, value))
        self.result.values[v.name] = res
        return res

    def run_check(self, chk: m.Check) -> None:
        value, step = self.ev(chk.condition, _Env(f"periksa:{chk.id}", self.settings["nol_per_nol"]))
        if value is True:
            leaves = step.all_inputs() if step else []
            detail = step.line() if step else ""
            message = self.message(chk)
            self.observe("periksa", chk.subject or chk.id, chk.level, message, message,
                         {"kondisi": detail, "periksa": chk.id, "masukan": {n: v for n, v, _ in leaves}}, chk.span)

    def message(self, chk: m.Check) -> str:
        """The check's message with its ``{expression}`` placeholders evaluated on this data."""
        if not chk.parts:
            return chk.message
        out = []
        env = _Env(f"periksa:{chk.id}", self.settings["nol_per_nol"])
        for part in chk.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            v, _ = self.ev(part, env)
            values = v if isinstance(v, list) else [v]
            out.append("; ".join(format_id(x, 2) if isinstance(x, Decimal) and x != x.to_integral_value()
                                 else format_id(x) for x in values))
        return "".join(out)

    def observe(self, kind: str, objek: str, level: str, msg: str, msg_en: str, values: dict, span) -> None:
        key = (kind, objek, msg)  # two different checks on one object are both kept; a repeat of one is not
        if key in self.observed:
            return
        self.observed.add(key)
        self.result.observations.append(Observation(kind, objek, level, msg, msg_en, values, span))

    # ---- expressions ----
    def ev(self, e: m.Expr, env: _Env) -> tuple[Any, Step | None]:
        method: Callable = getattr(self, "ev_" + type(e).__name__)
        return method(e, env)

    def leaf(self, label: str, value: Any, kind: str = "", inputs=None, children=None) -> Step | None:
        if not self.trace:
            return None
        return Step(label, value, show(value, kind, True), kind=kind, inputs=inputs or [], children=children or [])

    def ev_Num(self, e: m.Num, env: _Env):
        return e.value, (Step(e.span.text, e.value, e.span.text.replace(".", ",")) if self.trace else None)

    def ev_Str(self, e: m.Str, env: _Env):
        return e.value, self.leaf(e.span.text, e.value)

    def ev_Bool(self, e: m.Bool, env: _Env):
        return e.value, self.leaf(e.span.text, e.value)

    def ev_NoDataLit(self, e: m.NoDataLit, env: _Env):
        return TANPA_DATA, self.leaf("tanpa_data", TANPA_DATA)

    def ev_Ref(self, e: m.Ref, env: _Env):
        rs, name = self.rs, e.name
        if env.row is not None and len(e.parts) == 1:
            tdef = rs.tables[env.row_table]
            blk = rs.rows.get(env.row_table)
            if blk is not None and any(a.name == name for a in blk.assigns):
                v = self.row_value(blk, env.row_index, name)
                return v, self.leaf(name, v)
            if any(c.name == name for c in tdef.columns):
                v = env.row.get(name, TANPA_DATA)
                key = CellKey(env.row_table, env.row_index, name)
                return v, self.leaf(name, v, inputs=[(str(key), v, self.inputs.sources.get(key, ""))])
        if name in rs.inputs:
            v, where = self.input_value(name)
            kind = rs.inputs[name].kind
            return v, self.leaf(name, v, kind if kind == "persen" else "", inputs=[(name, v, where)])
        if name in rs.indicators or name in rs.indices or name in rs.values or name in rs.params:
            v, step = self.object_value(name)
            if name in rs.indices:
                self.index_result(rs.indices[name])
            kind = self.c.kinds.get(name, "")
            return v, self.leaf(name, v, kind, children=[step] if step else [])
        if len(e.parts) == 2 and e.parts[0] in rs.tables:
            table, col = e.parts
            rows = self.table_rows(table)
            values = [r.get(col, TANPA_DATA) for r in rows]
            if not self.trace:
                return values, None
            keys = [CellKey(table, i, col) for i in range(len(values))]
            inputs = [(str(k), v, self.inputs.sources.get(k, "")) for k, v in zip(keys, values)]
            return values, Step(name, values, show(values), inputs=inputs)
        return Galat(f"nama tidak dikenal {name}"), None  # pragma: no cover

    def ev_ListExpr(self, e: m.ListExpr, env: _Env):
        vals, steps = [], []
        for item in e.items:
            v, s = self.ev(item, env)
            vals.append(v)
            if s:
                steps.append(s)
        return vals, (Step("[ ]", vals, "[" + "; ".join(s.text for s in steps) + "]", children=steps)
                      if self.trace else None)

    def ev_Neg(self, e: m.Neg, env: _Env):
        v, s = self.ev(e.operand, env)
        out = v.copy_negate() if isinstance(v, Decimal) else v
        return out, self.compose("−" + _paren(s, 6), out, [s])

    def ev_Not(self, e: m.Not, env: _Env):
        v, s = self.ev(e.operand, env)
        out = (not v) if isinstance(v, bool) else v
        return out, self.compose("tidak " + _paren(s, 6), out, [s])

    def ev_If(self, e: m.If, env: _Env):
        c, cs = self.ev(e.cond, env)
        if isinstance(c, Galat) or c is TANPA_DATA:
            return c, self.compose(f"jika {_text(cs)}", c, [cs])
        branch = e.then if c else e.other
        v, s = self.ev(branch, env)
        return v, self.compose(_text(s), v, [cs, s], note=f"syarat {e.cond.span.text} = {format_id(c)}")

    def compose(self, text: str, value: Any, children, note: str = "", kind: str = "", prec: int = 9
                ) -> Step | None:
        if not self.trace:
            return None
        kids = [c for c in children if c is not None]
        inputs = []
        for k in kids:
            inputs.extend(k.inputs)
        flat = []
        for k in kids:  # keep object steps (indices, indicators) as children; fold plain arithmetic
            flat.extend(k.children)
        return Step("", value, text, kind=kind, children=flat, inputs=inputs, note=note, prec=prec)

    def ev_BinOp(self, e: m.BinOp, env: _Env):
        a, sa = self.ev(e.left, env)
        b, sb = self.ev(e.right, env)
        op = e.op
        text = ""
        if self.trace:
            prec = PRECEDENCE[op]
            text = f"{_paren(sa, prec)} {OP_TEXT[op]} {_paren(sb, prec + (1 if op in '-/' else 0))}"
        missing = self.missing(a, b, sa, sb, text)
        if missing is not None:
            return missing
        note = ""
        if op == "dan":
            out: Any = bool(a) and bool(b)
        elif op == "atau":
            out = bool(a) or bool(b)
        elif op == "==":
            out = a == b
        elif op == "!=":
            out = a != b
        elif op == "<":
            out = a < b
        elif op == "<=":
            out = a <= b
        elif op == ">":
            out = a > b
        elif op == ">=":
            out = a >= b
        elif op == "+":
            out = CTX.add(a, b)
        elif op == "-":
            out = CTX.subtract(a, b)
        elif op == "*":
            out = CTX.multiply(a, b)
        else:
            if b == 0:
                out, note = TANPA_DATA, "pembagian dengan nol → tanpa data"
            else:
                out = CTX.divide(a, b)
        return out, self.compose(text, out, [sa, sb], note, prec=PRECEDENCE[op])

    def ev_Ratio(self, e: m.Ratio, env: _Env):
        a, sa = self.ev(e.num, env)
        b, sb = self.ev(e.den, env)
        text = f"{_paren(sa, 5)} / {_paren(sb, 6)} × 100%" if self.trace else ""
        missing = self.missing(a, b, sa, sb, text)
        if missing is not None:
            return missing
        note = ""
        if b == 0:
            if a == 0:
                rule = env.zero_rule
                out: Any = TANPA_DATA if rule == "tanpa_data" else Decimal(rule)
                note = f"0/0 → {'tanpa data' if rule == 'tanpa_data' else rule + '%'} (nol_per_nol {rule})"
            else:
                out = Galat(f"{e.span.text}: penyebut 0 tetapi pembilang {format_id(a)}",
                            tuple(self._names(e)))
        else:
            out = CTX.multiply(CTX.divide(a, b), HUNDRED)
            if a > b and b > 0:
                self.observe("pembilang_melebihi_penyebut", env.node, "sedang",
                             f"{env.node}: pembilang {format_id(a)} melebihi penyebut {format_id(b)} "
                             f"({e.span.text} = {format_id(round_to(out, 2))}%)",
                             f"{env.node}: numerator {format_id(a)} exceeds denominator {format_id(b)}",
                             {"pembilang": a, "penyebut": b, "rumus": e.span.text}, e.span)
        return out, self.compose(text, out, [sa, sb], note, kind="persen", prec=5)

    def zero_over_zero(self, e: m.Expr, node: str, zero: str) -> bool:
        """Is ``e`` a ratio whose numerator and denominator are both 0 on this data?"""
        if not isinstance(e, m.Ratio):
            return False
        env = _Env(node, zero)
        return self.ev(e.num, env)[0] == 0 and self.ev(e.den, env)[0] == 0

    def missing(self, a: Any, b: Any, sa: Step | None, sb: Step | None, text: str):
        """(value, step) when an operand is an input error or no data (errors win), else None."""
        if isinstance(a, Galat) or isinstance(b, Galat):
            return _merge_galat([x for x in (a, b) if isinstance(x, Galat)]), self.compose(text, None, [sa, sb])
        if a is TANPA_DATA or b is TANPA_DATA:
            return TANPA_DATA, self.compose(text, TANPA_DATA, [sa, sb])
        return None

    def _names(self, e: m.Expr) -> list[str]:
        out = []
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, m.Ref):
                out.append(x.name)
            for attr in ("num", "den", "now", "last", "left", "right", "operand"):
                if hasattr(x, attr):
                    stack.append(getattr(x, attr))
        return out

    def ev_Growth(self, e: m.Growth, env: _Env):
        a, sa = self.ev(e.now, env)
        b, sb = self.ev(e.last, env)
        text = f"({_text(sa)} − {_text(sb)}) / {_text(sb)} × 100%" if self.trace else ""
        missing = self.missing(a, b, sa, sb, text)
        if missing is not None:
            return missing
        if b == 0:
            return TANPA_DATA, self.compose(text, TANPA_DATA, [sa, sb], "tahun lalu 0: pertumbuhan tidak terdefinisi")
        out = CTX.multiply(CTX.divide(CTX.subtract(a, b), b), HUNDRED)
        return out, self.compose(text, out, [sa, sb], kind="persen", prec=5)

    def ev_Call(self, e: m.Call, env: _Env):
        f = e.func
        if f in ("bulat", "potong"):
            v, s = self.ev(e.args[0].expr, env)
            digits = int(e.args[1].expr.value)  # type: ignore[attr-defined]
            mode = "potong" if f == "potong" else (e.args[2].expr.name if len(e.args) == 3 else "setengah_naik")  # type: ignore[attr-defined]
            out = round_to(v, digits, mode) if isinstance(v, Decimal) else v
            cut = "; potong" if mode == "potong" and f == "bulat" else ""
            return out, self.compose(f"{f}({_text(s)}; {digits}{cut})",
                                     out, [s])
        if f == "ada":
            v, s = self.ev(e.args[0].expr, env)
            out = (any(not is_missing(x) for x in v) if isinstance(v, list) else not is_missing(v))
            return out, self.compose(f"ada({_text(s)})", out, [s])
        if f == "mutlak":
            v, s = self.ev(e.args[0].expr, env)
            out = v.copy_abs() if isinstance(v, Decimal) else v
            return out, self.compose(f"|{_text(s)}|", out, [s])
        # aggregates: gather values from every argument (lists flattened), filtered by `untuk`
        groups: list[list[Any]] = []
        steps: list[Step | None] = []
        for arg in e.args:
            v, s = self.ev(arg.expr, env)
            if arg.where is not None and isinstance(arg.expr, m.Ref) and isinstance(v, list):
                table = arg.expr.parts[0]
                rows = self.table_rows(table)
                kept = []
                for i, row in enumerate(rows):
                    cond, _ = self.ev(arg.where, _Env(env.node, env.zero_rule, row, table, i))
                    if cond is True:
                        kept.append(v[i])
                v = kept
                if s is not None:
                    s = Step(s.label, v, show(v), inputs=s.inputs, note=f"untuk {arg.where.span.text}")
            groups.append(v if isinstance(v, list) else [v])
            steps.append(s)
        fname = FUNC_TEXT.get(f, f)
        if f == "rata_rata_tertimbang":
            vals, weights = groups[0], groups[1]
            pairs = list(zip(vals, weights))
            errs = [x for p in pairs for x in p if isinstance(x, Galat)]
            if errs:
                out: Any = _merge_galat(errs)
            else:
                pairs = [(a, b) for a, b in pairs if not is_missing(a) and not is_missing(b)]
                wsum = total(b for _, b in pairs)
                out = (CTX.divide(total(CTX.multiply(a, b) for a, b in pairs), wsum)
                       if pairs and wsum != 0 else TANPA_DATA)
            text = f"{fname}({_list_text(vals)} ; bobot {_list_text(weights)})" if self.trace else ""
            return out, self.compose(text, out, steps)
        flat = [x for g in groups for x in g]
        errs = [x for x in flat if isinstance(x, Galat)]
        present = [x for x in flat if isinstance(x, Decimal)]
        text = f"{fname}({_list_text(flat)})" if self.trace else ""
        skipped = len([x for x in flat if x is TANPA_DATA])
        note = f"{skipped} nilai tanpa data dilewati" if skipped else ""
        if errs:
            return _merge_galat(errs), self.compose(text, None, steps)
        if f == "banyak":
            out = Decimal(len(present))
        elif not present:
            out = TANPA_DATA
        elif f == "jumlah":
            out = total(present)
        elif f == "rata_rata":
            out = mean(present)
        elif f == "min":
            out = min(present)
        else:
            out = max(present)
        return out, self.compose(text, out, steps, note)


def _combine(acc: Any, v: Any, fn) -> Any:
    if isinstance(acc, Galat) or isinstance(v, Galat):
        return _merge_galat([x for x in (acc, v) if isinstance(x, Galat)])
    if acc is TANPA_DATA or v is TANPA_DATA:
        return TANPA_DATA
    return fn(acc, v)


def _merge_galat(errors: list[Galat]) -> Galat:
    out = errors[0]
    for g in errors[1:]:
        out = out.merge(g)
    return out


def _message(value: Any) -> str:
    if isinstance(value, Galat):
        return value.message
    return ""


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


def evaluate(checked: CheckedRules, inputs: Inputs, tracer: Tracer = NO_TRACE) -> Result:
    """Evaluate every object of a checked rule set on ``inputs``. Pure and deterministic."""
    return Evaluator(checked, inputs, tracer).run()
