"""The derivation trace: what the evaluator recorded, and its views (one line, terminal tree, JSON).

A :class:`Step` is one evaluated construct: its label, the formula as written (with its source span), the
values that went in and the value that came out, and the steps it was built from. The evaluator records
steps only when tracing is on (``Tracer(enabled=True)``); tracing never changes a result. Views are plain
functions over the recorded tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .model import Span
from .values import TANPA_DATA, Galat, format_id, to_json_number

DISPLAY_DIGITS = 2  # intermediate values in one-line derivations; exact values stay in JSON


@dataclass(slots=True)
class Step:
    label: str
    value: Any
    text: str = ""  # the expression with values in place, e.g. "26.943 / 28.699 × 100%"
    formula: str = ""  # the formula as the planner wrote it
    span: Span | None = None
    kind: str = ""  # kind of the value (persen, indeks, …) for display
    children: list["Step"] = field(default_factory=list)
    inputs: list[tuple[str, Any, str]] = field(default_factory=list)  # (name, value, where it came from)
    note: str = ""
    prec: int = 9  # precedence of the top operator in ``text`` (for parentheses); 9 = atom

    def line(self) -> str:
        """One-line derivation in Indonesian number format: ``26.943 / 28.699 × 100% = 93,88%``."""
        result = show(self.value, self.kind, exact=True)
        if not self.text or self.text == result:
            return result
        return f"{self.text} = {result}"

    def all_inputs(self, ordered: bool = True) -> list[tuple[str, Any, str]]:
        """(name, value, where) of every input under this step, each name once (the first met, depth first);
        sorted by name unless ``ordered`` is false."""
        seen = inputs_under([self])
        return sorted(seen.values(), key=_first) if ordered else list(seen.values())


def inputs_under(steps: list[Step], seen: dict[str, tuple[str, Any, str]] | None = None
                 ) -> dict[str, tuple[str, Any, str]]:
    """Name → (name, value, where) of every input under ``steps`` not yet in ``seen`` (added to it), the first met
    depth first."""
    seen = {} if seen is None else seen
    stack = list(reversed(steps))
    while stack:
        s = stack.pop()
        for t in s.inputs:
            if t[0] not in seen:
                seen[t[0]] = t
        if s.children:
            stack.extend(reversed(s.children))
    return seen


def _first(t: tuple) -> Any:
    return t[0]


class Tracer:
    """Hand to the evaluator to record steps. Disabled (the default), it records nothing."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled


NO_TRACE = Tracer(enabled=False)


_shown: dict[tuple[Any, str, bool], str] = {}  # (number, kind, exact) → text: it depends on the number only
_SHOWN_MAX = 8192


def show(value: Any, kind: str = "", exact: bool = False) -> str:
    """A value for a derivation: Indonesian format, ``%`` after percentages, ``-`` for no data."""
    t = type(value)
    if t is Decimal or t is int:
        key = (value, kind, exact)
        try:
            hit = _shown.get(key)
        except TypeError:  # a signalling NaN has no hash
            return _show(value, kind, exact)
        if hit is None:
            hit = _show(value, kind, exact)
            if len(_shown) >= _SHOWN_MAX:
                _shown.clear()
            _shown[key] = hit
        return hit
    return _show(value, kind, exact)


def _show(value: Any, kind: str, exact: bool) -> str:
    if value is TANPA_DATA:
        return "tanpa data"
    if isinstance(value, Galat):
        return "galat"
    if isinstance(value, list):
        return "; ".join(show(v, kind) for v in value)
    if isinstance(value, (bool, str)):
        return format_id(value)
    if kind == "tahun" and isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))  # a year: 2024, never 2.024
    text = format_id(value) if exact else format_id(value, None)
    if not exact:
        from .values import decimals_of, normalize, round_to, to_decimal

        d = to_decimal(value)
        if decimals_of(normalize(d)) > DISPLAY_DIGITS:
            text = format_id(normalize(round_to(d, DISPLAY_DIGITS)))
    return text + ("%" if kind == "persen" else "")


def tree(step: Step, indent: str = "", last: bool = True, top: bool = True) -> str:
    """The derivation as a tree for the terminal (``kinerja jelaskan``)."""
    branch = "" if top else ("└─ " if last else "├─ ")
    head = f"{indent}{branch}{step.label}: {step.line()}"
    extra = []
    if step.formula and step.formula != step.text:
        where = f"  [{step.span.file}:{step.span.line}]" if step.span and step.span.line else ""
        extra.append(f"rumus: {step.formula}{where}")
    for name, value, src in step.inputs:
        extra.append(f"masukan {name} = {show(value, exact=True)}" + (f"  ({src})" if src else ""))
    if step.note:
        extra.append(f"catatan: {step.note}")
    child_indent = indent + ("" if top else ("   " if last else "│  "))
    lines = [head]
    for e in extra:
        lines.append(f"{child_indent}   · {e}")
    for i, c in enumerate(step.children):
        lines.append(tree(c, child_indent, i == len(step.children) - 1, False))
    return "\n".join(lines)


def to_dict(step: Step) -> dict[str, Any]:
    return {
        "label": step.label,
        "nilai": to_json_number(step.value),
        "derivasi": step.line(),
        "rumus": step.formula,
        "sumber": f"{step.span.file}:{step.span.line}" if step.span and step.span.line else None,
        "masukan": [{"nama": n, "nilai": to_json_number(v), "sel": s} for n, v, s in step.inputs],
        "catatan": step.note or None,
        "langkah": [to_dict(c) for c in step.children],
    }
