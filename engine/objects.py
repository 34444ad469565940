"""What the evaluator makes of each object: one typed result per kind (indicator, index with its intermediate
figures, sasaran, value), the rule set's data checks (``periksa``) and ``sama`` comparisons, and observations
through the message catalogue.

A mixin of :class:`kinerja.engine.evaluator.Evaluator`: it reads the evaluator's ``object_value``, ``top``,
``quiet``, ``capaian`` and memo tables and fills ``result``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import core as c
from . import semantics as sem
from .errors import RUNTIME, runtime
from .limits import clip
from .results import IndexResult, IndicatorResult, Observation, SasaranResult, ValueResult, status_of
from .rows import Row
from .values import CTX, Galat, format_id


def message_of(value: Any) -> str:
    return value.message if isinstance(value, Galat) else ""


class ObjectResults:
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

    def indicator_result(self, ind: c.Indicator) -> IndicatorResult:
        if ind.id in self.result.indicators:
            return self.result.indicators[ind.id]
        value, event = self.object_value(ind.id)
        cap, cap_raw, cap_event = self.capaian(ind.capaian)
        res = IndicatorResult(ind.id, ind.name, status_of(value), message_of(value), ind.span,
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
        res = IndexResult(idx.id, idx.name, status_of(value), message_of(value), idx.span,
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
        res = SasaranResult(s.id, s.name, status_of(value), message_of(value), s.span, raw, event, None,
                            self.render, capaian=value, raw_capaian=raw, eselon=s.eselon,
                            indikator=list(s.indicators), sumber=s.source)
        self.result.sasaran[s.id] = res
        return res

    def value_result(self, v: c.Value) -> ValueResult:
        value, event = self.object_value(v.name)
        res = ValueResult(v.name, v.label, status_of(value), message_of(value), v.span, self.raw.get(v.name, value),
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
