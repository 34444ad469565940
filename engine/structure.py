"""The structure checks of a rule set: indicators, indices and their weights, targets and unit traps.

A mixin of the checker (:mod:`kinerja.engine.checker`): it reports through the checker's ``report`` and reads
its ``rs``, ``kinds`` and ``deps``. Weights of an index's sub-indices, dimensions and components must sum to
100%; one index has one target; a `%` literal is a fraction (90% = 0,9) where a persen value on 0–100 is meant.
"""

from __future__ import annotations

from decimal import Decimal

from . import batasan
from . import model as m
from .values import CTX, HUNDRED, MAX_MAGNITUDE, in_range
from .vocabulary import UNITS, UNKNOWN


class StructureChecks:
    def check_indicator(self, ind: m.Indicator) -> None:
        self.node_span[ind.id] = ind.span
        if ind.formula is None:
            return
        kind = self.scalar(self.infer(ind.formula, ind.id), ind.formula)
        unit_kind = UNITS.get(ind.unit)
        if unit_kind and unit_kind != "angka" and kind not in (UNKNOWN, "angka", unit_kind):
            if not (unit_kind == "cacah" and kind == "cacah"):
                self.report("E302", ind.formula.span, name=ind.id, unit=ind.unit, kind=kind)

    def check_index(self, idx: m.Index) -> None:
        self.node_span[idx.id] = idx.span
        parts = [bool(idx.children), bool(idx.dimensions), bool(idx.components)]
        if not any(parts):
            self.report("E407", idx.span, name=idx.id, width=len(idx.id.split(".")[-1]))
            return
        for child in idx.children:
            self.deps.setdefault(idx.id, set()).add(child.id)
            if child.weight is None:
                self.report("E409", child.span, name=child.id, width=len(child.id.split(".")[-1]))
        if idx.children and all(c.weight is not None for c in idx.children):
            self.check_weight_sum([c.weight for c in idx.children], idx.span, idx.id, Decimal(1),
                                  [short_id(c.id) for c in idx.children])
        for comp in idx.components:
            self.check_component(idx.id, comp)
        if idx.components:
            weights = [c.weight for c in idx.components]
            if any(w is not None for w in weights):
                if any(w is None for w in weights):
                    self.report("E406", idx.span, name=idx.id, width=len(idx.id.split(".")[-1]))
                else:
                    self.check_weight_sum(weights, idx.span, idx.id, Decimal(1), [c.id for c in idx.components])
        if idx.dimensions:
            self.check_weight_sum([d.weight for d in idx.dimensions], idx.span, idx.id, Decimal(1),
                                  [d.id for d in idx.dimensions])
        for dim in idx.dimensions:
            for comp in dim.components:
                self.check_component(idx.id, comp)
            weights = [c.weight for c in dim.components]
            if any(w is not None for w in weights):
                if any(w is None for w in weights):
                    self.report("E406", dim.span, name=dim.id, width=len(dim.id))
                    continue
                total = self.sum_consts(weights)
                expected = self.const(dim.weight)
                if total is not None and expected is not None and total != expected:
                    self.dimension_weights(idx.id, dim, total, expected)

    def dimension_weights(self, index_id: str, dim: m.Dimension, total: Decimal, expected: Decimal) -> None:
        """E403: a dimension's indicator weights do not add up to its weight. When a child (`perluas`) changed
        one of these weights, the error is the child's: reported at its line, each weight with where it was
        written, and the fix written as the child would write it (the parent's file cannot be edited)."""
        home = dim.span.file

        def where(w: m.Expr) -> str:
            return "" if w.span.file == home else f" ({w.span.file}:{w.span.line})"

        detail = " + ".join(f"{c.id} {_pct(self.const(c.weight))}{where(c.weight)}" for c in dim.components)
        fields = dict(name=dim.id, total=_pct(total), expected=_pct(expected) + where(dim.weight))
        bare = [w for w in (dim.weight, *(c.weight for c in dim.components))
                if isinstance(w, m.Num) and not w.percent and w.value > 1]
        if bare and bare[0] is dim.weight:
            return  # `bobot 50` for 50%: the E402 of the dimensions says so at this line
        if bare:
            self.report("E403", bare[0].span, "percent_weight", {"suggestion": f"{bare[0].span.text}%"},
                        width=len(bare[0].span.text), **fields)
            return
        changed = [w for w in (dim.weight, *(c.weight for c in dim.components)) if w.span.file != home]
        if not changed:
            self.report("E403", dim.span, "weights", {"detail": detail}, width=len(dim.id), **fields)
            return
        scaled = [CTX.divide(CTX.multiply(self.const(c.weight), expected), total) for c in dim.components]
        exact = all(CTX.multiply(w, 10000) == CTX.multiply(w, 10000).to_integral_value(context=CTX) for w in scaled)
        items = "  ".join(f"indikator {c.id} bobot {_pct(w) if exact else '…%'}"
                          for c, w in zip(dim.components, scaled))
        at = changed[0].span
        self.report("E403", at, "child_dimension_weights",
                    {"detail": detail, "fix": f"indeks {index_id} {{ dimensi {dim.id} {{ {items} }} }}"},
                    width=len(at.text), **fields)

    def check_component(self, index_id: str, comp: m.Component) -> None:
        node = f"{index_id}.{comp.id}"
        self.deps.setdefault(index_id, set()).add(node)
        self.node_span[node] = comp.span
        kind = self.scalar(self.infer(comp.formula, node), comp.formula)
        if kind not in (UNKNOWN, "persen", "angka"):
            self.report("E304", comp.formula.span, what=f"Indikator indeks {comp.id}", expected="persen", kind=kind)
        if comp.weight is not None and self.const(comp.weight) is None:
            self.report("E305", comp.weight.span)

    def sum_consts(self, weights) -> Decimal | None:
        total = Decimal(0)
        for w in weights:
            v = self.const(w)
            if v is None:
                return None
            total += v
        return total

    def weights_detail(self, comps) -> str:
        return " + ".join(f"{c.id} {_pct(self.const(c.weight) or Decimal(0))}" for c in comps)

    def check_weight_sum(self, weights, span: m.Span, name: str, expected: Decimal, labels=()) -> None:
        for w in weights:
            if w is not None and self.const(w) is None:
                self.report("E305", w.span)
                return
        total = self.sum_consts([w for w in weights if w is not None])
        if total is not None and total != expected:
            # The breakdown, each weight with where it was written: after `perluas` some come from the child.
            parts = []
            for label, w in zip(labels, weights):
                where = "" if w.span.file == span.file else f" ({w.span.file}:{w.span.line})"
                parts.append(f"{label} {_pct(self.const(w))}{where}")
            bare = next((w for w in weights if isinstance(w, m.Num) and not w.percent and w.value > 1), None)
            if bare is not None:
                hint, fields = "percent_weight", {"suggestion": f"{bare.span.text}%"}
            else:
                hint, fields = "weights", {"detail": " + ".join(parts)}
            # An error caused by a weight a child wrote is reported at that line, not inside the parent's file.
            child = next((w for w in weights if w.span.file != span.file), None)
            at = bare.span if bare is not None else (child.span if child is not None else span)
            width = len(at.text) if at is not span else len(name.split(".")[-1])
            detail = " = " + " + ".join(parts) if parts else ""
            self.report("E402", at, hint, fields, width=width, name=name, total=_pct(total) + detail)

    # ---- unit traps: a `%` literal is a fraction (90% = 0,9), persen values are on 0–100 ----
    def percent_literal(self, e: m.Expr, seen: frozenset = frozenset()) -> m.Num | None:
        """The `%` literal ``e`` is (directly, negated, or through parameters), else None."""
        if isinstance(e, m.Num):
            return e if e.percent else None
        if isinstance(e, m.Neg):
            return self.percent_literal(e.operand, seen)
        if isinstance(e, m.Ref) and e.name in self.rs.params and e.name not in seen:
            return self.percent_literal(self.rs.params[e.name].expr, seen | {e.name})
        return None

    def report_percent(self, e: m.Expr, lit: m.Num, what: dict, kind: str, scale: Decimal) -> None:
        text = lit.span.text.strip()
        fraction = rule_number(lit.value)
        if kind == "persen":
            hint, fields = "percent_literal", {"suggestion": rule_number(CTX.multiply(lit.value, HUNDRED)),
                                               "text": text}
        else:
            hint, fields = "index_scale", {"scale": rule_number(scale)}
        self.report("E306", e.span, hint, fields, what=what, text=text, fraction=fraction, kind=kind,
                    scale=f"0–{rule_number(scale)}")

    def percent_trap(self, e: m.BinOp, a: str, b: str) -> None:
        """``x < 90%`` / ``x + 5%`` with ``x`` a persen value: the literal means 0,9, not 90."""
        for kind, other in ((a, e.right), (b, e.left)):
            lit = self.percent_literal(other) if kind == "persen" else None
            if lit is not None:
                where = e.span.text.strip()
                self.report_percent(other, lit, {"id": f"Dalam {where},", "en": f"In {where},"}, "persen", HUNDRED)

    def check_targets(self) -> None:
        rs = self.rs
        known = set(rs.indicators) | set(rs.indices)
        for t in rs.targets.values():
            if t.id not in known and not self.removed_ref(t.id, t.span):
                self.unknown("E210", t.span, t.id, known)
            value = self.const(t.expr)
            if value is None:
                self.report("E304", t.expr.span, what=f"target {t.id}", expected="angka tetap", kind="rumus")
                continue
            if not in_range(value):  # each literal is in range, their product need not be
                self.report("E106", t.expr.span, found=rule_number(value)[:40],
                            limit=f"{MAX_MAGNITUDE:,.0f}".replace(",", "."))
                continue
            self.check_target_unit(t)
        for ind in rs.indicators.values():
            tgt = rs.targets.get(ind.id)
            if tgt is None:
                self.report("E404", ind.span, "add_target", {"name": ind.id}, name=ind.id, width=len(ind.id))
            else:
                self.check_target_positive(tgt, {"id": "indikator", "en": "indicator"})

    def check_target_positive(self, tgt: m.Target, what: dict[str, str]) -> None:
        """Capaian divides by the target (r / t, or (2t − r) / t): a target of 0 or below has no capaian that
        means anything (−5 gave a capaian of −1.692,60% with status ok)."""
        v = self.const(tgt.expr)
        if v is not None and v <= 0:
            self.report("E405", tgt.expr.span, what=what, name=tgt.id, value=rule_number(v))

    def check_target_unit(self, t: m.Target) -> None:
        """Targets are written in the unit of their indicator (persen: 0–100) or on their index's scale."""
        rs = self.rs
        lit = self.percent_literal(t.expr)
        if t.id in rs.indicators:
            ind = rs.indicators[t.id]
            kind = UNITS.get(ind.unit)
            if lit is not None and kind == "persen":
                self.report_percent(t.expr, lit, _target_what(t.id), "persen", HUNDRED)
                return
            if lit is not None and kind == "indeks":  # `ham_ikm = 90%`: 0,9 on a 0–4 survey scale
                of = ind.realisasi_of
                scale = index_scale(rs, rs.indices[of]) if of in rs.indices else batasan.index_scale(rs)
                if scale is not None:
                    self.report_percent(t.expr, lit, _target_what(t.id), "indeks", scale)
                    return
            v = self.const(t.expr)
            if v is None:
                return
            # A planner's typo the engine would otherwise compute with silently: 1000 for 100, 2.5 people.
            if kind == "persen" and isinstance(ind.formula, m.Ratio) and v > HUNDRED:
                self.report("W504", t.expr.span, "target_typo", {}, name=t.id, value=rule_number(v),
                            formula=ind.formula.span.text.strip(),
                            best=rule_number(CTX.multiply(CTX.divide(HUNDRED, v), HUNDRED).quantize(Decimal("0.01"))))
            elif kind == "cacah" and v != v.to_integral_value():
                self.report("W505", t.expr.span, "target_typo", {}, name=t.id, value=rule_number(v), unit=ind.unit)
            return
        if t.id not in rs.indices:
            return
        scale = index_scale(rs, rs.indices[t.id])
        if lit is not None:
            self.report_percent(t.expr, lit, _target_what(t.id), "indeks", scale or HUNDRED)
            return
        v = self.const(t.expr)
        if scale is not None and v is not None and not (0 <= v <= scale):
            self.report("E307", t.expr.span, "index_scale", {"scale": rule_number(scale)}, name=t.id,
                        value=rule_number(v), scale=rule_number(scale))
        else:
            self.check_target_positive(t, {"id": "indeks", "en": "index"})


def short_id(ident: str) -> str:
    return ident.rsplit(".", 1)[-1]


def index_scale(rs: m.RuleSet, idx: m.Index) -> Decimal | None:
    """The scale of an index: its own, else its nearest parent's."""
    cur: m.Index | None = idx
    while cur is not None:
        if cur.scale is not None:
            return cur.scale
        cur = rs.indices.get(cur.parent) if cur.parent else None
    return None


def _target_what(ident: str) -> dict[str, str]:
    return {"id": f"Target {ident}", "en": f"The target of {ident}"}


def rule_number(d: Decimal) -> str:
    """A number as the rule language writes it (decimal point, no exponent): 0.9, 90, 3.6."""
    from .values import normalize

    return format(normalize(d), "f")


def _pct(d: Decimal) -> str:
    from .values import format_id, normalize

    return format_id(normalize(CTX.multiply(d, HUNDRED))) + "%"
