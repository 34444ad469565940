"""Constant folding of rule expressions: targets, weights and parameters, in the engine's private context.

The checker asks whether an expression is constant (and its value, for weight sums and unit checks); lowering
reads the same value into the core form. One definition, so the two can never disagree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from . import model as m
from .values import CTX

_FOLD = {"+": CTX.add, "-": CTX.subtract, "*": CTX.multiply}


def constant(e: m.Expr | None, params: Mapping[str, m.Param], seen: frozenset = frozenset()) -> Decimal | None:
    """The value of ``e`` if it is built only from numbers, parameters, unary minus and + - * /; else None.

    A parameter that refers to itself (directly or through others) and a division by zero are not constant.
    """
    if isinstance(e, m.Num):
        return e.value
    if isinstance(e, m.Ref) and e.name in params and e.name not in seen:
        return constant(params[e.name].expr, params, seen | {e.name})
    if isinstance(e, m.Neg):
        v = constant(e.operand, params, seen)
        return v.copy_negate() if v is not None else None
    if isinstance(e, m.BinOp) and e.op in ("+", "-", "*", "/"):
        a, b = constant(e.left, params, seen), constant(e.right, params, seen)
        if a is None or b is None:
            return None
        if e.op == "/":
            return CTX.divide(a, b) if b != 0 else None
        return _FOLD[e.op](a, b)
    return None
