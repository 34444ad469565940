"""The engine: rule language, checker and pure evaluator. Imports nothing from adapters or the CLI.

Typical use::

    from kinerja.engine import load_rules, evaluate, Inputs, Tracer
    checked = load_rules("pk2024-sumsel")          # raises RuleError with every diagnostic if broken
    result = evaluate(checked, Inputs(values={...}, tables={...}), Tracer())
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import batasan, cache
from .cache import checked_once
from .checker import CheckedRules, check, has_errors
from .errors import Diagnostic, InputError, KinerjaError, RuleError
from .evaluator import Result, evaluate
from .fsprobe import recording, same_answers
from .interface import ColumnSpec, InputProblem, Inputs, InputSpec
from .limits import ensure_recursion_headroom
from .loader import MERGE_ERRORS, load, no_rules
from .trace import NO_TRACE, Step, Tracer

# Expressions up to limits.MAX_EXPR_DEPTH are walked recursively (also in a process that only receives
# checked rules, e.g. a batch worker): make room for them once, when the engine is imported.
ensure_recursion_headroom()

__all__ = [
    "CheckedRules", "ColumnSpec", "Diagnostic", "InputError", "InputProblem", "InputSpec", "Inputs",
    "KinerjaError", "NO_TRACE", "Result", "RuleError", "Step", "Tracer", "check_rules", "evaluate",
    "input_specs", "load_rules",
]


def check_rules(ref: str | Path, *,
                confine_to: Path | None = None) -> tuple[CheckedRules | None, list["Diagnostic"]]:
    """Load and check a rule set; return (checked rules or None when there are syntax/load errors, diagnostics).

    ``confine_to``: ``ref`` was read from an untrusted workbook in that folder — only a bundled set or a place
    inside the folder is used (:func:`kinerja.engine.loader.resolve`). A second call for unchanged files is a
    cache hit (:func:`kinerja.engine.cache.loaded`)."""
    key = cache.load_key(ref, confine_to)
    hit = cache.loaded(key, same_answers)
    if hit is not None:
        return hit
    with recording() as probes:
        checked, diags = _check_rules(ref, confine_to)
    if checked is not None:
        cache.remember_loaded(key, probes, checked, diags)
    return checked, diags


def _check_rules(ref: str | Path, confine_to: Path | None) -> tuple[CheckedRules | None, list["Diagnostic"]]:
    rs, diags = load(ref, confine_to=confine_to)
    if any(d.is_error and d.code not in MERGE_ERRORS for d in diags):
        return None, diags
    checked = checked_once(check, rs)  # the same files at the same places: checked once per process
    if has_errors(diags):  # merge errors and the checker's, in one run; none twice at one place (a new block
        # missing its title is E221 there, not also "no target" and "no formula"); no rules to use
        at = {(d.file, d.line, d.column) for d in diags if d.is_error}
        return None, diags + [d for d in checked.diagnostics if (d.file, d.line, d.column) not in at]
    diags = diags + checked.diagnostics
    empty = None if has_errors(diags) else no_rules(rs, ref)
    if empty is not None:  # nothing to compute is an error, never an empty "baik"
        return None, diags + [empty]
    return checked, diags


def load_rules(ref: str | Path, *, confine_to: Path | None = None) -> CheckedRules:
    """Load and check a rule set; raise :class:`RuleError` carrying every diagnostic if it has errors."""
    checked, diags = check_rules(ref, confine_to=confine_to)
    if checked is None or has_errors(diags):
        raise RuleError(diags)
    checked.diagnostics = diags
    return checked


_specs_made: dict[int, tuple[object, tuple[InputSpec, ...]]] = {}  # id(rule set) → (rule set, its specs)


def input_specs(checked: CheckedRules) -> list[InputSpec]:
    """The inputs a rule set needs, for adapters (workbook reader, template generator). Computed once per
    (read-only, frozen) rule set object — a recalculation asks several times, a batch once per workbook — and
    handed out as a new list of the same frozen specs."""
    rs = checked.rules
    hit = _specs_made.get(id(rs))
    if hit is not None and hit[0] is rs:
        return list(hit[1])
    specs = _input_specs(rs)
    if len(_specs_made) >= 16:
        _specs_made.clear()
    _specs_made[id(rs)] = (rs, tuple(specs))
    return specs


def _input_specs(rs) -> list[InputSpec]:
    labels = {e.id: e.name for e in rs.eselons.values()}
    ids = frozenset(batasan.internal_ids(rs))
    scale = batasan.index_scale(rs)

    def top(kind: str) -> Decimal | None:
        return scale if kind == "indeks" else None

    out = [InputSpec(i.name, i.kind, i.label, i.required, None, i.group, labels.get(i.group, ""), top(i.kind), ids)
           for i in rs.inputs.values()]
    for t in rs.tables.values():
        cols = tuple(ColumnSpec(c.name, c.kind, c.label, c.required,
                                batasan.choices_of(t.name, ColumnSpec(c.name, c.kind, c.label), rs), top(c.kind))
                     for c in t.columns)
        # A table may have no rows: that is "no data" for its aggregates (e.g. a survey not held this year).
        out.append(InputSpec(t.name, "tabel", t.label, False, cols, t.group, labels.get(t.group, ""), None, ids,
                             t.key))
    return out
