"""What each core operation means on runtime values — pure functions shared by the evaluator and its readers.

No data (``TANPA_DATA``) and input errors (``Galat``) propagate as values: an error wins over no data
(:func:`missing`, :func:`combine`). Capaian by direction is defined here once (:func:`capaian_value`).
The evaluator computes in ``CALC`` (the private context bounded to the declared range: leaving it raises, and the
evaluator reports it as G008); capaian is computed in ``CTX`` (exact for operands in the range, its intermediate
2t − r may exceed it) and its result is checked by the evaluator.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from . import core as c
from .errors import runtime
from .values import CALC, CTX, HUNDRED, TANPA_DATA, Galat, is_missing, round_to


def merge_galat(errors: list[Galat]) -> Galat:
    out = errors[0]
    for g in errors[1:]:
        out = out.merge(g)
    return out


def combine(acc: Any, v: Any, fn) -> Any:
    """``fn(acc, v)``; an error in either wins, else no data in either gives no data."""
    if isinstance(acc, Galat) or isinstance(v, Galat):
        return merge_galat([x for x in (acc, v) if isinstance(x, Galat)])
    if acc is TANPA_DATA or v is TANPA_DATA:
        return TANPA_DATA
    return fn(acc, v)


def missing(a: Any, b: Any) -> Any:
    """The value of an operation with an erroneous (wins) or absent operand, else None."""
    if isinstance(a, Galat) or isinstance(b, Galat):
        return merge_galat([x for x in (a, b) if isinstance(x, Galat)])
    if a is TANPA_DATA or b is TANPA_DATA:
        return TANPA_DATA
    return None


def apply_rounding(value: Any, r: c.Rounding | None, ctx: Context = CTX) -> Any:
    return round_to(value, r.digits, r.mode, ctx) if (r is not None and isinstance(value, Decimal)) else value


def capaian_value(realisasi: Any, target: Decimal | None, direction: str) -> Any:
    """Capaian by direction, unrounded — the one definition (naik: r / t × 100; turun: (2t − r) / t × 100)."""
    if target is None or is_missing(realisasi):
        return realisasi if is_missing(realisasi) else TANPA_DATA
    if target == 0:
        return runtime("G004")
    if direction == "turun":
        return CTX.multiply(CTX.divide(CTX.subtract(CTX.multiply(2, target), realisasi), target), HUNDRED)
    return CTX.multiply(CTX.divide(realisasi, target), HUNDRED)


def names_in(n: c.Node) -> list[str]:
    out, stack = [], [n]
    while stack:
        x = stack.pop()
        if isinstance(x, (c.Input, c.Obj)):
            out.append(x.name)
        elif isinstance(x, c.Cell):
            out.append(x.column)
        elif isinstance(x, c.Column):
            out.append(f"{x.table}.{x.column}")
        for attr in ("num", "den", "now", "last", "left", "right", "operand"):
            sub = getattr(x, attr, None)
            if sub is not None:
                stack.append(sub)
    return out


CMP = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
ARITH = {"+": CALC.add, "-": CALC.subtract, "*": CALC.multiply}


def member_value(v: Any, items: list[Any]) -> Any:
    """``v di [items]``: an erroneous or absent v (or, when v is not among the others, an erroneous or absent item)
    gives that error / no data; else whether v equals one of the items."""
    if isinstance(v, Galat) or v is TANPA_DATA:
        return v
    if any(not is_missing(x) and x == v for x in items):
        return True
    m = [x for x in items if is_missing(x)]
    if m:
        bad = [x for x in m if isinstance(x, Galat)]
        return merge_galat(bad) if bad else TANPA_DATA
    return False


def _simple_filter(n: c.Node):
    """A plain comparison (or ``dan``/``atau`` of them) as a function of a row's cells; None for anything else.
    A module function, not one nested in :func:`row_filter`: a nested function calling itself refers to itself,
    a reference cycle made on every evaluation."""
    if isinstance(n, c.Compare) and isinstance(n.left, c.Cell) and not n.left.computed and \
            isinstance(n.right, c.Const):
        col, const, op = n.left.column, n.right.value, CMP[n.op]
        if is_missing(const):
            return None

        def cmp(cells):
            v = cells.get(col, TANPA_DATA)
            if isinstance(v, Galat):  # a bad cell: the row's group is unknown, the error is kept
                return v
            return None if v is TANPA_DATA else op(v, const)
        return cmp
    if isinstance(n, c.Member) and isinstance(n.operand, c.Cell) and not n.operand.computed and \
            all(isinstance(i, c.Const) and not is_missing(i.value) for i in n.items):
        col, allowed = n.operand.column, [i.value for i in n.items]
        try:  # numbers, texts and truth values hash as they compare (Decimal("1.0") == 1): one lookup
            among = frozenset(allowed)
        except TypeError:
            among = None

        def member(cells):
            v = cells.get(col, TANPA_DATA)
            if isinstance(v, Galat):  # a bad cell: the row's group is unknown, the error is kept
                return v
            if v is TANPA_DATA:
                return None
            try:
                return v in among
            except TypeError:  # no set (or an unhashable value): compared one by one
                return any(v == x for x in allowed)
        return member
    if isinstance(n, c.Logic):
        a, b = _simple_filter(n.left), _simple_filter(n.right)
        if a is None or b is None:
            return None
        both = (lambda x, y: x and y) if n.op == "dan" else (lambda x, y: x or y)

        def logic(cells):
            x, y = a(cells), b(cells)
            m = missing(x, y)
            if m is not None:
                return m if isinstance(m, Galat) else None
            return both(x, y)
        return logic
    return None


def row_filter(where: c.Node, fallback):
    """An ``untuk`` clause as a function of one row: True keeps it. Plain comparisons of a column with a
    constant (and ``dan``/``atau`` of them) are read straight from the row; anything else is evaluated."""
    fast = _simple_filter(where)
    if fast is not None:
        return lambda i, cells: fast(cells)
    return fallback


def equalities(w: c.Node) -> list[tuple[str, Any]] | None:
    """``kolom = konstanta`` (joined by ``dan``) as (column, value) pairs; None for any other filter."""
    if isinstance(w, c.Logic) and w.op == "dan":
        left, right = equalities(w.left), equalities(w.right)
        return left + right if left is not None and right is not None else None
    if (isinstance(w, c.Compare) and w.op == "==" and isinstance(w.left, c.Cell) and not w.left.computed
            and isinstance(w.right, c.Const) and not is_missing(w.right.value)):
        return [(w.left.column, w.right.value)]
    return None
