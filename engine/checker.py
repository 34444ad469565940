"""Static checks of a rule set, before any data arrives: names, kinds/units, cycles, weights, targets.

Every problem is collected (never just the first) as a :class:`Diagnostic` with a stable code, a position,
the source line and a hint ("maksud Anda …?"). The result, :class:`CheckedRules`, is what the evaluator takes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import model as m
from .constant import constant
from .errors import Diagnostic
from .graph import GraphChecks
from .kinds import KindInference
from .ruletext import source_line
from .structure import StructureChecks, rule_number
from .values import MAX_ROUND_DIGITS
from .vocabulary import (
    DEFAULT_SETTINGS,
    DIRECTIONS,
    KINDS,
    LEVELS,
    REKAP_NUMERIC_WAYS,
    REKAP_OPTIONS,
    REKAP_WAYS,
    ROUND_MODES,
    SASARAN_MODES,
    SETTINGS,
    UNITS,
    UNKNOWN,
)


@dataclass
class CheckedRules:
    """A rule set that passed the checker (no errors), ready for the evaluator."""

    rules: m.RuleSet
    settings: dict
    kinds: dict[str, str] = field(default_factory=dict)  # declaration name → kind
    uses: dict[str, set[str]] = field(default_factory=dict)  # object → input names it depends on
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Checker(KindInference, StructureChecks, GraphChecks):
    def __init__(self, rs: m.RuleSet):
        self.rs = rs
        self.diags: list[Diagnostic] = []
        self.kinds: dict[str, str] = {}
        self.deps: dict[str, set[str]] = {}  # node → referenced nodes
        self.used_inputs: set[str] = set()
        self.node_span: dict[str, m.Span] = {}
        self.settings = dict(DEFAULT_SETTINGS)
        self.row_columns: dict[str, dict[str, str]] = {}  # table → computed column → kind

    # ---- reporting ----
    def report(self, code: str, span: m.Span, hint_key: str | None = None, hint_fields: dict | None = None,
               width: int | None = None, **fields) -> None:
        self.diags.append(Diagnostic(
            code, span.file, span.line, span.column, fields, hint_key, hint_fields or {},
            source_line(self.rs, span),
            end_column=span.column + (width if width is not None else max(1, len(span.text.split("\n")[0])))))

    #: Name comparisons spent on "maksud Anda …?" for one rule set: thousands of unknown names against
    #: thousands of declarations stay linear (later unknown names get the plain hint instead).
    SUGGESTION_BUDGET = 200_000

    def suggest(self, name: str, candidates) -> dict | None:
        spent = getattr(self, "_suggest_spent", 0)
        if spent >= self.SUGGESTION_BUDGET:
            return None
        if callable(candidates):
            candidates = candidates()
        n = len(name)
        # difflib's ratio is at most 2·min/(len a + len b): below the 0.6 cutoff whatever the letters — skip those
        pool = [c for c in candidates if 2 * min(n, len(c)) >= 0.6 * (n + len(c))]
        self._suggest_spent = spent + len(pool) + 1
        close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        return {"suggestion": close[0]} if close else None

    def removed_ref(self, name: str, span: m.Span) -> bool:
        """A reference to something a child rule set removed (`hapus`): say so, and where (never "did you mean")."""
        r = self.rs.removed.get(name)
        if r is None:
            return False
        self.report("E220", span, "removed_ref", {"name": name}, width=len(name), name=name, kind=r.kind,
                    where=f"{r.span.file}:{r.span.line}", cause=f" ({r.cause})" if r.cause else "")
        return True

    def unknown(self, code: str, span: m.Span, name: str, candidates, **fields) -> None:
        sug = self.suggest(name, candidates)
        if sug:
            self.report(code, span, "did_you_mean", sug, name=name, **fields)
        else:
            self.report(code, span, name=name, **fields)

    def const(self, e: m.Expr | None) -> Decimal | None:
        return constant(e, self.rs.params)

    # ---- the passes ----
    def run(self) -> CheckedRules:
        rs = self.rs
        self.check_words()
        self.check_settings()
        # kinds of declarations that formulas may reference, before the formulas are inferred
        for name in rs.params:
            self.kinds[name] = "angka"
        for ind in rs.indicators.values():
            self.kinds[ind.id] = UNITS.get(ind.unit, UNKNOWN)
        for idx in rs.indices.values():
            self.kinds[idx.id] = "indeks"
        for blk in rs.rows.values():
            if blk.table not in rs.tables:
                if not self.removed_ref(blk.table, blk.span):
                    self.unknown("E201", blk.span, blk.table, rs.tables)
                continue
            self.row_columns[blk.table] = {a.name: UNKNOWN for a in blk.assigns}
        for v in rs.values.values():
            self.kinds[v.name] = UNKNOWN
        # values may reference each other: infer in dependency order by iterating to a fixed point
        for _ in range(3):
            for v in rs.values.values():
                self.kinds[v.name] = v.kind or self.infer_quiet(v.formula, v.name)
            for blk in rs.rows.values():
                if blk.table in rs.tables:
                    for a in blk.assigns:
                        self.row_columns[blk.table][a.name] = a.kind or self.infer_quiet(
                            a.formula, f"{blk.table}.{a.name}", blk.table)
        for p in rs.params.values():
            self.node_span[p.name] = p.span
            self.infer(p.expr, p.name)
        for v in rs.values.values():
            self.node_span[v.name] = v.span
            self.kinds[v.name] = self.declared(v, self.infer(v.formula, v.name))
        for blk in rs.rows.values():
            if blk.table not in rs.tables:
                continue
            for a in blk.assigns:
                node = f"{blk.table}.{a.name}"
                self.node_span[node] = a.span
                self.row_columns[blk.table][a.name] = self.declared(a, self.infer(a.formula, node, blk.table))
        for ind in rs.indicators.values():
            self.check_indicator(ind)
        for idx in rs.indices.values():
            self.check_index(idx)
        for s in rs.sasaran.values():
            for iid in s.indicators:
                if iid not in rs.indicators:  # pragma: no cover - parser always nests indicators
                    self.unknown("E201", s.span, iid, rs.indicators)
        subjects = set(rs.indicators) | set(rs.indices) | set(rs.values) | set(rs.inputs) | set(rs.tables) | set(
            rs.sasaran)
        for c in rs.checks.values():
            if c.subject and c.subject not in subjects and not self.removed_ref(c.subject, c.subject_span or c.span):
                self.unknown("E201", c.subject_span or c.span, c.subject, subjects)
            self.node_span[f"periksa:{c.id}"] = c.span
            self.boolean(self.infer(c.condition, f"periksa:{c.id}"), c.condition)
            for part in c.parts:
                if isinstance(part, m.Expr):
                    self.infer(part, f"periksa:{c.id}")
        for sm in rs.same.values():
            self.check_same(sm)
        self.check_rekap()
        self.check_targets()
        self.check_cycles()
        for decl in [*rs.inputs.values(), *rs.tables.values()]:
            reason = excel_name_problem(decl.name)
            if reason:
                self.report("W503", decl.span, "excel_name", {"suggestion": f"{decl.name}_nilai"},
                            width=len(decl.name), name=decl.name, reason=reason)
        for name, inp in rs.inputs.items():
            if name not in self.used_inputs:
                self.report("W501", inp.span, "remove_or_use", {}, name=name, width=len(name))
        for name, t in rs.tables.items():
            if name not in self.used_inputs:
                self.report("W501", t.span, "remove_or_use", {}, name=name, width=len(name))
        return CheckedRules(rs, self.settings, dict(self.kinds), self.input_uses(), self.sorted_diags())

    def check_same(self, sm: m.Same) -> None:
        """``sama``: at least two names, each a number (input, value, indicator, parameter), of one kind."""
        node = f"sama:{sm.id}"
        self.node_span[node] = sm.span
        if sm.level not in LEVELS:
            self.unknown_word(sm.level, sm.level_span or sm.span, LEVELS, "tingkat")
        kinds = []
        for item in sm.items:
            k = self.scalar(self.infer(item.ref, node), item.ref)
            if k != UNKNOWN:
                self.numeric(k, item.ref, "sama")
                kinds.append((k, item.ref))
        if len(sm.items) < 2:
            self.report("E304", sm.span, what=f"sama {sm.id}", expected="dua nama atau lebih",
                        kind=f"{len(sm.items)} nama")
        first = next((k for k, _ in kinds if k != "angka"), None)
        for k, ref in kinds:
            if first is not None and k not in (first, "angka"):
                self.report("E301", ref.span, left=first, op="sama", right=k)

    def check_words(self) -> None:
        rs = self.rs
        for inp in rs.inputs.values():
            if inp.kind not in KINDS:
                self.unknown_word(inp.kind, inp.kind_span or inp.span, KINDS, "jenis")
        for t in rs.tables.values():
            for c in t.columns:
                if c.kind not in KINDS:
                    self.unknown_word(c.kind, c.kind_span or c.span, KINDS, "jenis")
            self.check_key(t)
        for ind in rs.indicators.values():
            spans = dict(ind.word_spans)
            if ind.unit not in UNITS:
                self.unknown("E211", spans.get("unit", ind.span), ind.unit, UNITS)
            if ind.direction not in DIRECTIONS:
                self.unknown_word(ind.direction, spans.get("direction", ind.span), DIRECTIONS, "arah")
            self.check_rounding(ind.rounding)
            self.check_zero(ind.zero_rule, ind.span)
            if ind.formula is None:
                self.report("E408", ind.span, name=ind.id, width=len(ind.id))
        for idx in rs.indices.values():
            self.check_rounding(idx.rounding)
            self.check_zero(idx.zero_rule, idx.span)
        for c in rs.checks.values():
            if c.level not in LEVELS:
                self.unknown_word(c.level, c.level_span or c.span, LEVELS, "tingkat")
        for s in rs.sasaran.values():
            if s.mode is not None and s.mode not in SASARAN_MODES:
                self.unknown_word(s.mode, s.span, SASARAN_MODES, "capaian sasaran")

    def check_rekap(self) -> None:
        """``rekap { … }``: each named input exists, each way (cara) fits its input and has the options it needs."""
        rs = self.rs
        for item in rs.rekap.values():
            self.used_inputs.update((item.input, *item.opsi))  # an input consolidated (or a weight) is used
            is_table = item.input in rs.tables
            if item.input not in rs.inputs and not is_table:
                self.unknown("E201", item.span, item.input, list(rs.inputs) + list(rs.tables))
                continue
            if item.cara not in REKAP_WAYS:
                self.unknown_word(item.cara, item.span, REKAP_WAYS, f"cara rekap {item.input}")
                continue
            kind = "tabel" if is_table else rs.inputs[item.input].kind
            if (item.cara == "gabung") != is_table:
                self.report("E304", item.span, what=f"rekap {item.input} = {item.cara}",
                            expected="tabel" if item.cara == "gabung" else "satu nilai", kind=kind)
            elif item.cara in REKAP_NUMERIC_WAYS and kind == "teks":
                self.report("E304", item.span, what=f"rekap {item.input} = {item.cara}", expected="angka", kind=kind)
            elif item.cara == "identitas" and kind != "teks":
                self.report("E304", item.span, what=f"rekap {item.input} = identitas", expected="teks", kind=kind)
            if item.cara == "rata_rata_berbobot":
                if len(item.opsi) != 1:
                    self.report("E204", item.span, name=item.cara, expected=1, given=len(item.opsi))
                elif item.opsi[0] not in rs.inputs or rs.inputs[item.opsi[0]].kind == "teks":
                    self.unknown("E201", item.span, item.opsi[0], [n for n, i in rs.inputs.items()
                                                                   if i.kind != "teks"])
            else:
                allowed = REKAP_OPTIONS.get(item.cara, ())
                for o in item.opsi:
                    if o not in allowed:
                        self.unknown_word(o, item.span, allowed or ("-",), f"opsi rekap {item.cara}")

    def unknown_word(self, word: str, span: m.Span, choices, what: str) -> None:
        sug = self.suggest(word, choices)
        fields = {"what": f"{what} '{word}'", "expected": "/".join(choices), "kind": word}
        if sug:
            self.report("E304", span, "did_you_mean", sug, width=len(word), **fields)
        else:
            self.report("E304", span, width=len(word), **fields)

    def check_key(self, t: m.Table) -> None:
        """``kunci a, b``: input columns of the table, each once, none optional (a row must have its key)."""
        columns = {c.name: c for c in t.columns}
        seen: set[str] = set()
        for name, span in zip(t.key, t.key_spans or (t.span,) * len(t.key), strict=True):
            if name in seen:
                self.report("E229", span, "key_once", {"fix": ", ".join(dict.fromkeys(t.key))}, width=len(name),
                            name=name, table=t.name)
                continue
            seen.add(name)
            col = columns.get(name)
            if col is None:
                self.unknown("E205", span, name, list(columns), table=t.name, width=len(name))
            elif not col.required:
                self.report("E230", span, "key_required", {"name": name}, width=len(name), name=name, table=t.name)

    def check_rounding(self, r: m.Rounding | None) -> None:
        if r is not None and r.mode not in ROUND_MODES:
            self.unknown_word(r.mode, r.span or m.NOSPAN, ROUND_MODES, "mode pembulatan")

    def check_zero(self, rule: str | None, span: m.Span) -> None:
        pass  # the grammar admits only a number or tanpa_data

    def check_settings(self) -> None:
        for s in self.rs.settings.values():
            if s.name not in SETTINGS:
                self.unknown("E208", s.span, s.name, SETTINGS)
                continue
            value = _setting_value(s.expr)
            choices = SETTINGS[s.name]
            if choices is None:
                digits = s.name.startswith("bulat_")  # rounding digits: within values.MAX_ROUND_DIGITS
                ok = (isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0
                      and (not digits or value <= MAX_ROUND_DIGITS))
                if ok:
                    self.settings[s.name] = int(value)
                else:
                    self.report("E209", s.span, name=s.name, value=s.expr.span.text,
                                choices=f"bilangan bulat 0 … {MAX_ROUND_DIGITS}" if digits else "bilangan bulat ≥ 0")
                continue
            values = value if isinstance(value, tuple) else (value,)
            norm = tuple(rule_number(v) if isinstance(v, Decimal) else v for v in values)  # 100, not 1E+2
            if all(v in choices for v in norm) and norm:
                self.settings[s.name] = norm if s.name == "toleransi_laporan" else norm[0]
            else:
                self.report("E209", s.expr.span, name=s.name, value=s.expr.span.text, choices=", ".join(choices))

    def sorted_diags(self) -> list[Diagnostic]:
        uniq = list(dict.fromkeys(self.diags))
        return sorted(uniq, key=lambda d: (d.file, d.line, d.column, d.code))


_CELL_A1 = re.compile(r"^([a-z]{1,3})([0-9]+)$")
_CELL_R1C1 = re.compile(r"^(r[0-9]*c[0-9]*|r[0-9]*|c[0-9]*)$")


def excel_name_problem(name: str) -> str:
    """Why ``name`` cannot be a workbook defined name in Excel ('' when it can): workbooks read inputs by name."""
    low = name.lower()
    m = _CELL_A1.match(low)
    if m:
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 96
        if col <= 16384 and 1 <= int(m.group(2)) <= 1048576:
            return "mirip alamat sel"
    if _CELL_R1C1.match(low):
        return "mirip alamat sel R1C1"
    if len(name) > 255:
        return "lebih dari 255 karakter"
    return ""


def _setting_value(e: m.Expr):
    if isinstance(e, m.Num):
        return e.value
    if isinstance(e, m.NoDataLit):
        return "tanpa_data"
    if isinstance(e, m.Ref):
        return e.name
    if isinstance(e, m.ListExpr):
        return tuple(_setting_value(i) for i in e.items)
    return e.span.text


def check(rs: m.RuleSet) -> CheckedRules:
    """Check a merged rule set. The result carries every diagnostic; ``has_errors`` tells if it may run."""
    return _Checker(rs).run()


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
