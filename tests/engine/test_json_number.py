"""to_json_number's quick path for a finite Decimal gives what the general path gives (normalize, then int when
whole, else float) — the same JSON for every number, including those CTX's 34 digits round or refuse."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine.values import CTX, normalize, to_json_number


def general(value: Decimal):
    try:
        d = normalize(value)
        return int(d) if d == d.to_integral_value(context=CTX) else float(d)
    except ArithmeticError as exc:
        return type(exc)


def quick(value: Decimal):
    try:
        return to_json_number(value)
    except ArithmeticError as exc:
        return type(exc)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.decimals(allow_nan=False, allow_infinity=False),
                 st.decimals(allow_nan=False, allow_infinity=False, places=2),
                 st.integers(-10**40, 10**40).map(Decimal)))
def test_the_quick_path_gives_the_general_answer(value):
    a, b = general(value), quick(value)
    assert type(a) is type(b) and a == b


def test_edges():
    for text in ("1.0", "1.00", "-0", "0.000", "93.80", "1E+2", "1E+33", "-1E-40", "1E+34", "1E+40",
                 "9.999999999999999999999999999999999999", "123456789012345678901234567890123456789.5"):
        a, b = general(Decimal(text)), quick(Decimal(text))
        assert type(a) is type(b) and a == b, text
    assert to_json_number(Decimal("93.80")) == 93.8 and type(to_json_number(Decimal("5.00"))) is int
