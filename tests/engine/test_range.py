"""Arithmetic outside the declared exact range (|x| < 10^15, values.MAX_MAGNITUDE) is the coded input error G008.

Issue 13: ``a * b * 99999999999999 …`` passed ``periksa`` and ended ``hitung`` in "galat internal kinerja
(InvalidOperation)". Every intermediate or final value of magnitude ≥ 10^15 — a product, a quotient, a growth, a
partial sum of table rows, a weighted sum, a capaian, a rounding up to 10^15 — makes its object ``galat`` with the
rule line and the operation named, observed once as finding T204; the other objects are still computed. The
hypothesis test at the end checks the whole contract on random formulas: the engine returns the exact value or
G008, never an exception.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kinerja.engine.findings import find
from kinerja.engine.values import Galat

from .util import D, diagnostics, run

BIG = "99999999999999"  # 14 nines: inside the range, its square is not

BASE = """
target { rb = 100  rc = 100 }
masukan a: cacah
masukan b: cacah
sasaran s "S" {
  indikator rb "RB" { satuan cacah  realisasi = a * b * 99999999999999 * 99999999999999 * 99999999999999 }
  indikator rc "RC" { satuan persen  realisasi = rasio a / b }
}
"""


def _galat(v) -> Galat:
    assert isinstance(v, Galat), v
    assert v.code == "G008", v
    return v


def test_issue_case_product_is_g008_on_that_indicator_only(tmp_path):
    r = run(tmp_path, BASE, {"a": BIG, "b": BIG})
    rb = r.indicators["rb"]
    assert rb.status == "galat" and rb.capaian is not None
    g = _galat(rb.realisasi)
    assert "aturan.kin:6" in g.message and "perkalian" in g.message and "10^15" in g.message
    assert "a * b" in g.message  # the first operation that left the range, as written
    assert "multiplication" in g.message_en
    assert isinstance(rb.capaian, Galat)
    assert r.indicators["rc"].realisasi == Decimal(100)  # the others still computed
    found = [t for t in find(r) if t.kode == "T204"]
    assert len(found) == 1 and found[0].tingkat == "tinggi" and "aturan.kin:6" in found[0].pesan


def test_just_inside_the_range_is_exact(tmp_path):
    rules = BASE.replace("a * b * 99999999999999 * 99999999999999 * 99999999999999", "a * b")
    r = run(tmp_path, rules, {"a": "99999999999999", "b": "9"})
    assert r.indicators["rb"].realisasi == Decimal("899999999999991")
    r = run(tmp_path, rules, {"a": "99999999999999", "b": "10.00000000000001"})  # 999999999999991 — still in
    assert r.indicators["rb"].realisasi == Decimal("999999999999991.00")  # exact, then `bulat_realisasi` 2
    r = run(tmp_path, rules, {"a": "100000000000000", "b": "10"})  # exactly 10^15: out
    _galat(r.indicators["rb"].realisasi)


def _one(tmp_path, formula: str, values: dict, tables: dict | None = None, decl: str = ""):
    text = f"masukan a: cacah\nmasukan b: cacah\n{decl}\nnilai x = {formula}\nnilai y = b * 2\n"
    r = run(tmp_path, text, values, tables)
    assert r.values["y"].nilai == D(values["b"]) * 2  # an unrelated value is still computed
    return r.values["x"].nilai, r


def test_division_result(tmp_path):
    g = _galat(_one(tmp_path, "a / b", {"a": "100000000000", "b": "0.0001"})[0])
    assert "pembagian" in g.message and "a / b" in g.message


def test_ratio_and_growth(tmp_path):
    assert "rasio" in _galat(_one(tmp_path, "rasio a / b", {"a": "50000000000000", "b": "0.01"})[0]).message
    g = _galat(_one(tmp_path, "pertumbuhan a dari b", {"a": "900000000000000", "b": "0.001"})[0])
    assert "pertumbuhan" in g.message
    assert _one(tmp_path, "pertumbuhan a dari b", {"a": "120", "b": "100"})[0] == Decimal(20)


def test_sum_and_difference(tmp_path):
    assert "penjumlahan" in _galat(_one(tmp_path, "a + b", {"a": "999999999999999", "b": "1"})[0]).message
    assert "pengurangan" in _galat(_one(tmp_path, "a - b", {"a": "-999999999999999", "b": "1"})[0]).message
    assert _one(tmp_path, "a - b", {"a": "-999999999999998", "b": "1"})[0] == Decimal("-999999999999999")


ROWS = 'tabel t "T" { unit: teks  v: angka  w: angka }\n'


def _rows(n: int, v: str, w: str = "1"):
    return {"t": [{"unit": f"u{i}", "v": D(v), "w": D(w)} for i in range(n)]}


def test_sum_of_many_large_table_rows(tmp_path):
    g = _galat(_one(tmp_path, "jumlah(t.v)", {"a": 1, "b": 1}, _rows(20, "90000000000000"), ROWS)[0])
    assert "jumlah" in g.message and "t.v" in g.message
    assert _one(tmp_path, "jumlah(t.v)", {"a": 1, "b": 1}, _rows(11, "90000000000000"), ROWS)[0] == \
        Decimal("990000000000000")
    # the mean's own sum leaves the range although the mean would not: said, never a silently different figure
    assert "rata-rata" in _galat(_one(tmp_path, "rata_rata(t.v)", {"a": 1, "b": 1},
                                      _rows(20, "90000000000000"), ROWS)[0]).message


def test_weighted_sum(tmp_path):
    g = _galat(_one(tmp_path, "rata_rata_tertimbang(t.v, t.w)", {"a": 1, "b": 1},
                    _rows(3, "90000000000000", "20"), ROWS)[0])
    assert "rata-rata tertimbang" in g.message
    assert _one(tmp_path, "rata_rata_tertimbang(t.v, t.w)", {"a": 1, "b": 1}, _rows(3, "9000000000000", "20"),
                ROWS)[0] == Decimal("9000000000000")


def test_per_row_column_names_the_row_and_is_observed_once(tmp_path):
    text = ("masukan a: cacah\n" + ROWS + "per_baris t { z = v * w }\nnilai x = jumlah(t.z)\nnilai y = a + 1\n")
    tables = {"t": [{"unit": "u0", "v": D(2), "w": D(3)}] +
              [{"unit": f"u{i}", "v": D("90000000000000"), "w": D(20)} for i in range(1, 4)]}
    r = run(tmp_path, text, {"a": 1}, tables)
    rows = r.tables["t"]
    assert rows[0]["z"] == Decimal(6)
    g = _galat(rows[2]["z"])
    assert "tabel t baris 3" in g.message and "table t row 3" in g.message_en
    _galat(r.values["x"].nilai)
    assert r.values["y"].nilai == Decimal(2)
    assert [o.kind for o in r.observations].count("di_luar_jangkauan") == 1


def test_rounding_up_to_ten_to_the_15(tmp_path):
    g = _galat(_one(tmp_path, "bulat(a, 2)", {"a": "999999999999999.996", "b": 1})[0])
    assert "pembulatan" in g.message
    assert _one(tmp_path, "bulat(a, 2)", {"a": "999999999999999.994", "b": 1})[0] == Decimal("999999999999999.99")
    # an object's own rounding (`bulat 2` after the formula)
    r = run(tmp_path, "masukan a: cacah\nnilai x = a bulat 2\n", {"a": "999999999999999.996"})
    assert "pembulatan" in _galat(r.values["x"].nilai).message


def test_capaian_out_of_range_keeps_realisasi(tmp_path):
    text = ('target { k = 0.001 }\nmasukan a: cacah\n'
            'sasaran s "S" { indikator k "K" { satuan cacah  realisasi = a } }\n')
    r = run(tmp_path, text, {"a": "90000000000000"})
    k = r.indicators["k"]
    assert k.realisasi == Decimal("90000000000000")
    g = _galat(k.capaian)
    assert "capaian" in g.message
    assert isinstance(r.sasaran["s"].capaian, Galat)
    # turun: (2t − r) / t × 100 — the intermediate 2t may exceed 10^15 while the capaian is an ordinary figure
    text = ('target { k = 600000000000000 }\nmasukan a: cacah\n'
            'sasaran s "S" { indikator k "K" { satuan cacah  arah turun  realisasi = a } }\n')
    r = run(tmp_path, text, {"a": "300000000000000"})
    assert r.indicators["k"].capaian == Decimal("150.00")


def test_composite_index_weights(tmp_path):
    text = """
masukan p1: cacah
masukan q1: cacah
indeks ix "IX" skala 100 {
  dimensi d1 "D1" bobot 50% { indikator i1 "I1" = rasio p1 / q1 }
  dimensi d2 "D2" bobot 50% { indikator i2 "I2" = rasio q1 / q1 }
}
"""
    r = run(tmp_path, text, {"p1": "90000000000000", "q1": "0.001"})
    assert "rasio" in _galat(r.indices["ix"].nilai).message
    r = run(tmp_path, text, {"p1": "45", "q1": "90"})
    assert r.indices["ix"].nilai == Decimal(75)


def test_untraced_and_traced_agree(tmp_path):
    for trace in (False, True):
        r = run(tmp_path, BASE, {"a": BIG, "b": BIG}, trace=trace)
        assert r.indicators["rb"].realisasi.code == "G008"
        assert r.indicators["rc"].realisasi == Decimal(100)


# ---- the contract on random formulas -----------------------------------------------------------------------

LIMIT = Fraction(10) ** 15
NAMES = ["a", "b", "c", "d"]

magnitudes = st.one_of(
    st.integers(-(10 ** 15) + 1, 10 ** 15 - 1),
    st.sampled_from([0, 1, -1, 2, 10 ** 7, 10 ** 14, 10 ** 15 - 1, -(10 ** 15) + 1, 99999999999999, 31622776]),
    st.decimals(min_value=-10 ** 14, max_value=10 ** 14, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-1, max_value=1, places=6, allow_nan=False, allow_infinity=False),
)


def formulas(depth: int = 4):
    leaf = st.sampled_from(NAMES)
    return st.recursive(leaf, lambda sub: st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), sub, sub),
        st.tuples(st.just("rasio"), leaf, leaf),
        st.tuples(st.just("tumbuh"), leaf, leaf),
        st.tuples(st.just("bulat"), sub),
        st.tuples(st.just("jumlah"), sub, sub, sub),
    ), max_leaves=8)


def text_of(f) -> str:
    if isinstance(f, str):
        return f
    op = f[0]
    if op in "+-*/":
        return f"({text_of(f[1])} {op} {text_of(f[2])})"
    if op == "rasio":
        return f"(rasio {f[1]} / {f[2]})"
    if op == "tumbuh":
        return f"(pertumbuhan {f[1]} dari {f[2]})"
    if op == "bulat":
        return f"bulat({text_of(f[1])}, 2)"
    return "jumlah(" + ", ".join(text_of(x) for x in f[1:]) + ")"


NODATA = "tanpa_data"


def reference(f, env):
    """The exact value by the engine's own semantics (Fractions), NODATA, or ``("galat", code)``: G008 when a step
    leaves the range, G007 for a ratio n/0; an error wins over no data and the first operand's error is kept."""
    if isinstance(f, str):
        return env[f]
    op, args = f[0], [reference(x, env) for x in f[1:]]
    errors = [x for x in args if isinstance(x, tuple)]
    if errors:
        return errors[0]
    if NODATA in args and op != "jumlah":
        return NODATA
    a = args[0]
    if op == "+":
        r = a + args[1]
    elif op == "-":
        r = a - args[1]
    elif op == "*":
        r = a * args[1]
    elif op == "/":
        if args[1] == 0:
            return NODATA
        r = a / args[1]
    elif op == "rasio":
        if args[1] == 0:
            return NODATA if a == 0 else ("galat", "G007")
        r = a / args[1] * 100  # |a / b| < |a / b × 100|: the quotient alone cannot leave the range first
    elif op == "tumbuh":
        if args[1] == 0:
            return NODATA
        if abs(a - args[1]) >= LIMIT:  # the difference is computed first
            return ("galat", "G008")
        r = (a - args[1]) / args[1] * 100
    elif op == "bulat":
        r = _round2(a)
    else:  # jumlah: no data skipped, every partial sum in range
        present = [x for x in args if x != NODATA]
        if not present:
            return NODATA
        r = Fraction(0)
        for x in present:
            r += x
            if abs(r) >= LIMIT:
                return ("galat", "G008")
        return r
    return ("galat", "G008") if abs(r) >= LIMIT else r


def steps(f):
    """``f`` and every formula inside it: the values the engine computes on the way to ``f``."""
    yield f
    if not isinstance(f, str):
        for x in f[1:]:
            yield from steps(x)


def _round2(x: Fraction) -> Fraction:
    """Half away from zero to 2 decimals (``setengah_naik``)."""
    scaled = abs(x) * 100
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if x >= 0 else -whole, 100)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(formula=formulas(), values=st.fixed_dictionaries({n: magnitudes for n in NAMES}))
@example(formula=("-", ("rasio", "c", "d"), ("bulat", ("rasio", "c", "d"))),
         values={"a": Decimal(1), "b": Decimal(1), "c": Decimal(1), "d": Decimal("0.000003")})
def test_engine_gives_the_exact_value_or_g008_never_an_exception(tmp_path, formula, values):
    text = "".join(f"masukan {n}: angka\n" for n in NAMES) + f"nilai x = {text_of(formula)}\n"
    env = {n: Fraction(Decimal(str(v))) for n, v in values.items()}
    want = reference(formula, env)
    got = run(tmp_path, text, {n: str(v) for n, v in values.items()}, trace=False).values["x"].nilai
    where = (text_of(formula), values, want, got)
    if isinstance(want, tuple):
        assert isinstance(got, Galat) and got.code == want[1], where
    elif want == NODATA:
        assert not isinstance(got, (Decimal, Galat)), where
    elif isinstance(got, Galat):
        # only where 34-digit rounding of a quotient legitimately lands on the boundary 10^15
        assert got.code == "G008" and abs(abs(want) - LIMIT) <= LIMIT / 10 ** 25, where
    else:
        assert isinstance(got, Decimal), where
        # Each step is exact to 34 significant digits of ITS value, so the error is bounded by the largest value on
        # the way, not by the result: (rasio 1 / 0,000003) − bulat(rasio 1 / 0,000003, 2) subtracts two 33.333.333,…
        # and is 0,00333…3 with 27 decimals, 3×10^-28 from the exact 1/300 (a bound of |result| × 10^-28 was wrong).
        on_the_way = [abs(v) for v in (reference(x, env) for x in steps(formula)) if isinstance(v, Fraction)]
        assert abs(Fraction(got) - want) <= max([*on_the_way, 1]) / 10 ** 28, where


def test_cancellation_stays_within_the_precision_of_the_largest_step(tmp_path):
    """The example hypothesis found: the result is 1/300 to 34 significant digits of 33.333.333,33 — far beyond any
    printed decimal — and never an exception or a Galat."""
    formula = ("-", ("rasio", "c", "d"), ("bulat", ("rasio", "c", "d")))
    values = {"a": "1", "b": "1", "c": "1", "d": "0.000003"}
    values = {n: values.get(n, "1") for n in NAMES}
    text = "".join(f"masukan {n}: angka\n" for n in NAMES) + f"nilai x = {text_of(formula)}\n"
    got = run(tmp_path, text, values, trace=False).values["x"].nilai
    assert isinstance(got, Decimal) and abs(Fraction(got) - Fraction(1, 300)) < Fraction(1, 10 ** 26)
    assert format(got.quantize(Decimal("0.0001")), "f") == "0.0033"


def test_a_target_folded_out_of_range_is_reported_by_periksa(tmp_path):
    """Each literal is in the range, their product is not: E106 on the target's line, not a target of 10^28."""
    text = BASE.replace("target { rb = 100  rc = 100 }", "target { rb = 99999999999999 * 99999999999999  rc = 100 }")
    (d,) = [d for d in diagnostics(tmp_path, text) if d.code == "E106"]
    assert d.line == 2 and "9999999999999800000000000001" in d.format("id")
