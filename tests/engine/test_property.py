"""Property tests: no text makes the parser or checker fail with anything but a rule diagnostic."""

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
