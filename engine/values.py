"""Runtime values of the evaluator: exact decimals, "no data", input errors, rounding, number formatting.

All arithmetic is done with :mod:`decimal` in a private context (34 significant digits), so that figures the
report prints with two decimals round exactly as printed: half-up of 0,125 to 2 digits is 0,13 — which binary
floats get wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, InvalidOperation, Overflow
from typing import Any, Union

#: Private arithmetic context. Passed explicitly (``CTX.divide`` …) so that no global decimal state is used.
CTX = Context(prec=34, rounding=ROUND_HALF_EVEN)
HUNDRED = Decimal(100)

ROUND_MODES = {"setengah_naik": ROUND_HALF_UP, "potong": ROUND_DOWN}

#: The exact range kinerja computes in, declared once for every reader (workbook cells, data files, rule
#: literals): finite numbers with magnitude below 10^15 — a thousand trillion rupiah, beyond any budget a
#: government office reports, and the magnitude up to which Excel (15 significant digits) still holds every
#: whole number exactly. Anything outside is an input problem naming its cell or rule line, never an internal
#: error. Intermediate results outside the context's precision are the evaluator's to report.
MAX_MAGNITUDE = Decimal("1E15")
#: The evaluator's arithmetic context: :data:`CTX`'s precision with the declared range as its exponent limit
#: (``Emax=14``: a result of magnitude ≥ 10^15 has adjusted exponent ≥ 15). Every operation that leaves the range —
#: an intermediate or a final value, a product, a quotient, a partial sum, a rounding up to 10^15 — signals
#: ``Overflow`` (or ``InvalidOperation`` from ``quantize``), which the evaluator turns into the coded ``Galat``
#: G008 of the object being computed: no check per operation, no silent wrong number. Readers and views keep
#: :data:`CTX` (they quote out-of-range inputs in their messages).
CALC = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=14, traps=[InvalidOperation, Overflow])
#: What CALC raises for a value outside the range (``DivisionByZero`` is not one: divisions test their divisor).
OUT_OF_RANGE = (Overflow, InvalidOperation)
#: A number whose dot may be a thousands separator: one to three digits (not starting with 0), a dot, exactly three
#: digits ("1.000", "100.000", "-1.234"). A thousand in an Indonesian document, one in YAML and the rule language;
#: every reader that meets it asks (rule literal E108, data file B201), never picks a reading.
THOUSANDS_OR_DECIMAL = re.compile(r"^[-+]?[1-9]\d{0,2}\.\d{3}$")
#: Rounding digits a rule may ask for (``bulat x 2``); more is never meaningful for a printed figure.
MAX_ROUND_DIGITS = 10


def total(values, ctx: Context = CTX) -> Decimal:
    """Exact sum in a private context (``sum()`` would use the process-global one)."""
    out = Decimal(0)
    add = ctx.add
    for v in values:
        out = add(out, v)
    return out


def mean(values: list[Decimal], ctx: Context = CTX) -> Decimal:
    return ctx.divide(total(values, ctx), Decimal(len(values)))


def in_range(d: Decimal) -> bool:
    """Is ``d`` a number the engine computes with exactly (finite, magnitude below :data:`MAX_MAGNITUDE`)?"""
    return d.is_finite() and d.copy_abs() < MAX_MAGNITUDE  # copy_abs: no context, exact whatever the host set


class _NoData:
    """The explicit "no data" value (tanpa data). A singleton; falsy; printed as ``-`` in reports."""

    _instance: "_NoData | None" = None

    def __new__(cls) -> "_NoData":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TANPA_DATA"

    def __bool__(self) -> bool:
        return False


TANPA_DATA = _NoData()


@dataclass(frozen=True)
class Galat:
    """An input error carried as a value: whatever depends on it gets status ``galat`` with this message."""

    message: str
    inputs: tuple[str, ...] = ()
    location: str = ""
    code: str = ""  # catalogue code (errors.RUNTIME) or the adapter's problem code
    message_en: str = ""

    def merge(self, other: "Galat") -> "Galat":
        names = tuple(dict.fromkeys(self.inputs + other.inputs))
        if other.message in self.message:
            return Galat(self.message, names, self.location, self.code, self.message_en)
        en = "; ".join(x for x in (self.message_en or self.message, other.message_en or other.message) if x)
        return Galat(f"{self.message}; {other.message}", names, self.location or other.location, self.code, en)


Scalar = Union[Decimal, str, bool, _NoData, Galat]
Value = Union[Scalar, list]


def is_missing(v: Any) -> bool:
    return v is TANPA_DATA or isinstance(v, Galat)


def to_decimal(v: Any) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        raise TypeError("boolean is not a number")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, str):
        try:
            return Decimal(v.strip())
        except InvalidOperation as exc:
            raise TypeError(f"not a number: {v!r}") from exc
    raise TypeError(f"not a number: {v!r}")


def round_to(value: Decimal, digits: int, mode: str = "setengah_naik", ctx: Context = CTX) -> Decimal:
    """Round to ``digits`` decimals: ``setengah_naik`` (half away from zero) or ``potong`` (toward zero)."""
    q = _QUANTA.get(digits)
    if q is None:
        q = Decimal(1).scaleb(-digits, context=ctx)
    return value.quantize(q, rounding=ROUND_MODES[mode], context=ctx)


_QUANTA = {d: Decimal(1).scaleb(-d, context=CTX) for d in range(-4, 16)}  # 10^-digits of the usual digits
_ONE = Decimal(1)


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (100.00 → 100, 93.80 → 93.8)."""
    if value == value.to_integral_value(context=CTX):
        return value.quantize(Decimal(1), context=CTX)
    return value.normalize(CTX)


def decimals_of(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


_formatted: dict[tuple[Any, int | None], str] = {}  # (number, digits) → text; see format_id
_FORMATTED_MAX = 8192


def format_id(value: Any, digits: int | None = None) -> str:
    """Indonesian number format: dot thousands, comma decimals (``26943`` → ``26.943``, ``93.88`` → ``93,88``).

    ``digits`` fixes the number of decimals; otherwise up to 4 decimals are shown, trailing zeros dropped.
    """
    t = type(value)
    if t is Decimal or t is int:
        # The text depends only on the number (1.50 and 1.5 read the same), so equal numbers share one entry;
        # a derivation shows the same inputs and results many times.
        key = (value, digits)
        try:
            hit = _formatted.get(key)
        except TypeError:  # a signalling NaN has no hash
            return _format_id(value, digits)
        if hit is None:
            hit = _format_id(value, digits)
            if len(_formatted) >= _FORMATTED_MAX:
                _formatted.clear()
            _formatted[key] = hit
        return hit
    return _format_id(value, digits)


def _format_id(value: Any, digits: int | None) -> str:
    if value is TANPA_DATA:
        return "-"
    if isinstance(value, Galat):
        return "galat"
    if isinstance(value, bool):
        return "benar" if value else "salah"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + "; ".join(format_id(v, digits) for v in value) + "]"
    d = to_decimal(value)
    if digits is None:
        d = normalize(round_to(d, 4)) if decimals_of(d) > 4 else normalize(d)
        digits = decimals_of(d)
    else:
        d = round_to(d, digits)
    sign = "-" if d < 0 else ""
    text = format(d.copy_abs(), f".{digits}f")  # d is already quantized: formatting does not round
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac:
        out += "," + frac
    return sign + out


def to_json_number(value: Any) -> Any:
    """Decimal → int or float for JSON; no data and errors → None."""
    if type(value) is Decimal and value.is_finite():  # the usual value: what normalize() and the test below do
        if value == value.to_integral_value(context=CTX):
            return int(value.quantize(_ONE, context=CTX))
        d = value.normalize(CTX)
        return int(d) if d == d.to_integral_value(context=CTX) else float(d)
    if value is TANPA_DATA or isinstance(value, Galat) or value is None:
        return None
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [to_json_number(v) for v in value]
    d = normalize(to_decimal(value))
    if d == d.to_integral_value(context=CTX):
        return int(d)
    return float(d)
