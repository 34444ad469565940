"""Rule expressions: the part of the parse-tree transformer that builds :mod:`kinerja.engine.model` expressions.

Literals are checked against the engine's exact range here (E106, E107) — a number a planner writes that the
engine could not compute exactly is reported at its place in the rule file. Operator chains are folded left and
each node gets the source text of its span (for messages and the trace).
"""

from __future__ import annotations

import re
from decimal import Decimal

from lark import Token, Transformer, v_args

from . import model as m
from .errors import Diagnostic
from .limits import clip
from .ruletext import line_of
from .values import CTX, MAX_MAGNITUDE, MAX_ROUND_DIGITS, THOUSANDS_OR_DECIMAL, in_range


def unquote(tok: str) -> str:
    body = tok[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class ExprBuilder(Transformer):
    """Parse tree → model expressions (literals with their ranges, references, calls, operators, rounding);
    the declarations are built by :class:`kinerja.engine.parser._Build`, which extends this."""

    def __init__(self, path: str, text: str):
        super().__init__()
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []  # syntax errors inside message placeholders, literal ranges
        self._starts: list[int] | None = None  # offset of each line's first character, computed once

    def _span(self, meta) -> m.Span:
        if getattr(meta, "empty", True):
            return m.Span(self.path, 0, 0)
        return m.Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column,
                      self.text[meta.start_pos:meta.end_pos])

    def _tspan(self, tok: Token) -> m.Span:
        return m.Span(self.path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column,
                      str(tok))

    # ---- expressions ----
    @v_args(meta=True, inline=True)
    def number(self, meta, num, pct=None):
        value = self._literal(num)
        return m.Num(value.scaleb(-2, CTX) if pct else value, bool(pct), self._span(meta))  # exact: a shift

    def _literal(self, tok: Token) -> Decimal:
        """A number literal; outside the engine's exact range (values.MAX_MAGNITUDE) it is E106 and taken as 0
        (the rule set is refused anyway, so the 0 is never used)."""
        text = str(tok)
        value = Decimal(text)
        if THOUSANDS_OR_DECIMAL.match(text):  # 1.000 in a PK document is a thousand; here it would be one
            thousands, decimal = text.replace(".", ""), f"{value.normalize():f}"
            unambiguous = text + "0" if THOUSANDS_OR_DECIMAL.match(decimal) else decimal  # 1.234 → 1.2340
            self.diagnostics.append(Diagnostic(
                "E108", self.path, tok.line, tok.column, {"found": text, "thousands": thousands, "decimal": decimal},
                hint_key="thousands_or_decimal",
                hint_fields={"thousands": thousands, "decimal": decimal, "decimal_text": unambiguous},
                source_line=line_of(self.text, tok.line), end_column=(tok.end_column or tok.column + 1)))
            return value
        if not in_range(value):
            self._error("E106", tok, {"found": clip(str(tok), 40), "limit": f"{MAX_MAGNITUDE:,.0f}".replace(",", ".")})
            return Decimal(0)
        return value

    def _digits(self, tok: Token) -> int:
        """Rounding digits (``bulat 2``): 0 … values.MAX_ROUND_DIGITS, else E107 (and 2, never used)."""
        text = str(tok)
        if len(text) > 3 or int(text) > MAX_ROUND_DIGITS:
            self._error("E107", tok, {"found": clip(text, 20), "limit": MAX_ROUND_DIGITS})
            return 2
        return int(text)

    def _error(self, code: str, tok: Token, fields: dict) -> None:
        self.diagnostics.append(Diagnostic(code, self.path, tok.line, tok.column, fields,
                                           source_line=line_of(self.text, tok.line),
                                           end_column=(tok.end_column or tok.column + 1)))

    @v_args(meta=True, inline=True)
    def string(self, meta, s):
        return m.Str(unquote(str(s)), self._span(meta))

    @v_args(meta=True, inline=True)
    def nodata(self, meta):
        return m.NoDataLit(self._span(meta))

    @v_args(meta=True, inline=True)
    def true(self, meta):
        return m.Bool(True, self._span(meta))

    @v_args(meta=True, inline=True)
    def false(self, meta):
        return m.Bool(False, self._span(meta))

    @v_args(meta=True, inline=True)
    def dotted(self, meta, *names):
        return (tuple(str(n) for n in names), self._span(meta))

    @v_args(meta=True, inline=True)
    def ref(self, meta, dotted):
        return m.Ref(dotted[0], self._span(meta))

    @v_args(meta=True, inline=True)
    def arg(self, meta, expr, where=None):
        return m.Arg(expr, where)

    @v_args(meta=True)
    def call(self, meta, children):
        name, *args = children
        args = tuple(a for a in args if a is not None)
        if str(name) in ("bulat", "potong") and len(args) >= 2 and isinstance(args[1].expr, m.Num):
            digits = args[1].expr.value
            if digits != digits.to_integral_value() or not 0 <= digits <= MAX_ROUND_DIGITS:
                sp = args[1].expr.span
                self.diagnostics.append(Diagnostic(
                    "E107", self.path, sp.line, sp.column, {"found": clip(sp.text, 20), "limit": MAX_ROUND_DIGITS},
                    source_line=line_of(self.text, sp.line), end_column=sp.end_column))
        return m.Call(str(name), args, self._span(meta))

    @v_args(meta=True, inline=True)
    def ratio(self, meta, num, _slash, den):
        return m.Ratio(num, den, self._span(meta))

    @v_args(meta=True, inline=True)
    def growth(self, meta, now, last):
        return m.Growth(now, last, self._span(meta))

    @v_args(meta=True)
    def list(self, meta, items):
        return m.ListExpr(tuple(i for i in items if i is not None), self._span(meta))

    @v_args(meta=True)
    def arith(self, meta, children):
        return self._fold(meta, children)

    @v_args(meta=True)
    def comparison(self, meta, children):
        return self._fold(meta, children)

    def _fold(self, meta, children):
        left = children[0]
        for i in range(1, len(children), 2):
            op = str(children[i])
            op = {"×": "*", "=": "=="}.get(op, op)
            right = children[i + 1]
            span = m.Span(self.path, left.span.line, left.span.column, right.span.end_line,
                          right.span.end_column,
                          self._slice(left.span, right.span))
            left = m.BinOp(op, left, right, span)
        return left

    def _slice(self, a: m.Span, b: m.Span) -> str:
        if self._starts is None:  # once per file: a long file with many operators stays linear
            starts, pos = [0], 0
            for line in self.text.splitlines(keepends=True):
                pos += len(line)
                starts.append(pos)
            self._starts = starts
        try:
            start = self._starts[a.line - 1] + a.column - 1
            end = self._starts[b.end_line - 1] + b.end_column - 1
            return self.text[start:end]
        except (IndexError, TypeError):  # pragma: no cover - positions always exist for parsed nodes
            return ""

    @v_args(meta=True)
    def or_expr(self, meta, children):
        return self._logic(meta, children, "atau")

    @v_args(meta=True)
    def and_expr(self, meta, children):
        return self._logic(meta, children, "dan")

    def _logic(self, meta, children, op):
        left = children[0]
        for right in children[1:]:
            left = m.BinOp(op, left, right, self._span(meta))
        return left

    @v_args(meta=True, inline=True)
    def not_expr(self, meta, operand):
        return m.Not(operand, self._span(meta))

    @v_args(meta=True, inline=True)
    def neg(self, meta, operand):
        if isinstance(operand, m.Num):
            return m.Num(operand.value.copy_negate(), operand.percent, self._span(meta))
        return m.Neg(operand, self._span(meta))

    @v_args(meta=True, inline=True)
    def if_expr(self, meta, cond, then, other):
        return m.If(cond, then, other, self._span(meta))

    # ---- small pieces ----
    @v_args(meta=True, inline=True)
    def rounding(self, meta, digits, mode=None):
        span = self._tspan(mode) if mode else None
        return ("rounding", m.Rounding(self._digits(digits), str(mode) if mode else "setengah_naik", span))

    @v_args(meta=True)
    def member(self, meta, children):
        left, right = children
        span = m.Span(self.path, left.span.line, left.span.column, right.span.end_line, right.span.end_column,
                      self._slice(left.span, right.span))
        return m.BinOp("di", left, right, span)
