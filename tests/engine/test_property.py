"""Property tests: no text makes the parser or checker fail with anything but a rule diagnostic."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.engine import check
from kinerja.engine import model as m
from kinerja.engine.errors import MESSAGES, Diagnostic
from kinerja.engine.loader import _merge
from kinerja.engine.parser import parse_text

WORDS = ["aturan", "masukan", "tabel", "sasaran", "indikator", "indeks", "dimensi", "nilai", "per_baris",
         "periksa", "target", "parameter", "pengaturan", "bagian", "eselon", "divisi", "realisasi", "satuan",
         "arah", "bulat", "bobot", "skala", "rasio", "pertumbuhan", "dari", "jika", "maka", "lainnya", "dan",
         "atau", "tidak", "tanpa_data", "benar", "salah", "untuk", "sebagai", "terbalik", "opsional", "cacah",
         "persen", "indeks", "teks", "a", "b", "t", "x", "jumlah", "rata_rata", "bulat", "{", "}", "(", ")", "[",
         "]", "=", "==", "<", ">", "+", "-", "*", "/", "×", "%", ",", ".", ":", '"nama"', "3", "2.5", "100",
         "50%", "#c\n", "\n", "3,1", "$"]

token_text = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)


def _check_text(text):
    rf, diags = parse_text(text, "acak.kin")
    for d in diags:
        assert isinstance(d, Diagnostic) and d.code in MESSAGES
        d.format("id")
        d.format("en")
    if diags:
        return
    rs = m.RuleSet(name="acak", files={"acak.kin": text})
    merge_diags = []
    _merge(rs, [rf], merge_diags, {}, {})
    checked = check(rs)
    for d in checked.diagnostics:
        assert d.code in MESSAGES
        d.format()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_gives_only_diagnostics(text):
    _check_text(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_text)
def test_random_token_soup_gives_only_diagnostics(text):
    _check_text(text)


# ---- evaluator invariants ------------------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402

from kinerja.engine import Inputs, Tracer, evaluate, load_rules  # noqa: E402
from kinerja.engine.values import TANPA_DATA, round_to  # noqa: E402

INVARIANT_RULES = """
target { r = 80  t = 10 }
masukan a: cacah
masukan b: cacah
masukan c: cacah
sasaran s "S" {
  indikator r "Naik" { realisasi = rasio a / b }
  indikator t "Turun" { arah turun  realisasi = rasio c / b }
}
indeks k "K" skala 4 {
  nol_per_nol 100
  dimensi d1 "D1" bobot 40% { indikator x "X" = rasio a / b  indikator y "Y" = rasio c / b terbalik }
  dimensi d2 "D2" bobot 60% { indikator z "Z" = rasio a / b bobot 60% }
}
"""

counts = st.integers(min_value=0, max_value=10**7)


@pytest.fixture(scope="module")
def invariant_rules(tmp_path_factory):
    p = tmp_path_factory.mktemp("inv") / "a.kin"
    p.write_text(INVARIANT_RULES, encoding="utf-8")
    return load_rules(p)


@settings(max_examples=300, deadline=None)
@given(a=counts, b=counts, c=counts)
def test_evaluator_invariants(invariant_rules, a, b, c):
    a, c = min(a, b), min(c, b)  # percentages of a whole
    inputs = Inputs(values={"a": Decimal(a), "b": Decimal(b), "c": Decimal(c)})
    traced = evaluate(invariant_rules, inputs, Tracer())
    plain = evaluate(invariant_rules, inputs)
    for ident in ("r", "t"):  # tracing never changes a result
        assert traced.indicators[ident].value == plain.indicators[ident].value
    assert traced.indices["k"].value == plain.indices["k"].value
    r, t, k = traced.indicators["r"], traced.indicators["t"], traced.indices["k"]
    if b == 0:  # 0/0 is no data for indicators (rule-set default), 100 inside the index
        assert r.value is TANPA_DATA and traced.sasaran["s"].value is TANPA_DATA
        assert k.value == Decimal("4.00")
        return
    exact = Decimal(a) * 100 / Decimal(b)
    assert r.value == round_to(exact, 2)  # half-up of the exact decimal, never a float artefact
    assert Decimal(0) <= r.value <= Decimal(100)
    assert r.capaian == round_to(r.value / 80 * 100, 2)
    assert t.capaian == round_to((2 * Decimal(10) - t.value) / 10 * 100, 2)  # lower is better
    caps = [r.capaian, t.capaian]
    assert min(caps) <= traced.sasaran["s"].value <= max(caps)
    assert Decimal(0) <= k.value <= Decimal(4)  # parts of a whole keep a 0–4 index on its scale
