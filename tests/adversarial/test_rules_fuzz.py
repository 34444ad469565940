"""Fuzz of rule text and data-file values (issue 13), with a fixed budget so that CI runs it every time.

Whatever the text or the values, kinerja answers with its own coded diagnostics or input problems — never
another exception (which the CLI would turn into "galat internal"). Derandomized: the same examples on every
run, so a failure is reproducible.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.engine import Inputs, KinerjaError, Tracer, check_rules, evaluate, input_specs, load_rules
from kinerja.engine.errors import MESSAGES
from kinerja.engine.findings import find
from kinerja.engine.report import summary_text, to_json
from kinerja.workbooks.datafile import read_data

BUDGET = settings(max_examples=150, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BASE = ('target { rb = 100 }\nmasukan a: cacah\nmasukan b: cacah\nmasukan c: angka opsional\n'
        'tabel t "T" { unit: teks  nilai: indeks }\n'
        'sasaran s "S" { indikator rb "RB" { satuan persen  realisasi = rasio a / b } }\n')

# Pieces of the language, so that the fuzz reaches the checker and evaluator, not only the lexer.
WORDS = ["a", "b", "c", "t.nilai", "rb", "x", "y", "(", ")", "[", "]", ",", "+", "-", "*", "×", "/", "%", "=",
         "<", ">=", "==", "!=", "jika", "maka", "lainnya", "dan", "atau", "tidak", "benar", "salah", "tanpa_data",
         "rasio", "pertumbuhan", "dari", "jumlah(", "rata_rata(", "bulat(", "min(", "maks(", "ada(", "mutlak(",
         "untuk", "0", "1", "2.5", "100", "99999999999999", "1234567890123456789", "0.000000001", '"teks"',
         "bulat", "10", "11", "setengah_naik", "potong", "\ufeff", "#", "\n", "é", "{", "}", "nilai", "sertakan",
         '"../x.kin"', "perluas", '"/etc"']
NUMBERS = st.one_of(st.integers(min_value=-10 ** 40, max_value=10 ** 40), st.floats(allow_nan=True,
                    allow_infinity=True), st.integers(min_value=-5, max_value=10 ** 6))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=40),
                    st.sampled_from(["1.234,5", "12,5", "-", "NaN", "Infinity", "1e400", "5%", "=1+1", " 7 "]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _check_rules_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "set"
        folder.mkdir()
        (folder / "a.kin").write_text(text, encoding="utf-8")
        checked, diags = check_rules(folder)
        for d in diags:
            assert d.code in MESSAGES, d.code
            assert d.format("id") and d.format("en") and d.to_dict()
        if checked is not None and not any(d.is_error for d in diags):
            result = evaluate(checked, _inputs(), Tracer(True))
            to_json(result, find(result), trace=True)
            summary_text(result, find(result), "id")


def _inputs():
    return Inputs(values={"a": Decimal(3), "b": Decimal(4)}, tables={"t": [{"unit": "x", "nilai": Decimal(2)}]})


@BUDGET
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_rule_expressions_from_language_pieces(words):
    _check_rules_text(BASE + "nilai x = " + " ".join(words) + "\n")


@BUDGET
@given(st.text(max_size=200))
def test_any_rule_text(text):
    _check_rules_text(text)


@BUDGET
@given(st.text(alphabet=st.sampled_from(list("()+-*/ab1 \n")), max_size=400))
def test_bracket_and_operator_soup(text):
    _check_rules_text(BASE + "nilai x = " + text + "\n")


CHECKED = None


def _rules():
    global CHECKED
    if CHECKED is None:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "a.kin").write_text(BASE + "nilai m = rata_rata(t.nilai)\nnilai k = a + c\n",
                                             encoding="utf-8")
            CHECKED = load_rules(tmp)
    return CHECKED


@BUDGET
@given(st.fixed_dictionaries({}, optional={"masukan": st.one_of(VALUES, st.dictionaries(
    st.sampled_from(["a", "b", "c", "t", "zz"]), VALUES, max_size=4)), "tabel": st.one_of(VALUES, st.dictionaries(
        st.sampled_from(["t", "a"]), st.one_of(VALUES, st.lists(st.dictionaries(st.sampled_from(
            ["unit", "nilai", "baris"]), VALUES, max_size=3), max_size=3)), max_size=2)), "dilaporkan": VALUES}))
def test_data_file_values(doc):
    checked = _rules()
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "d.yaml"
        p.write_text(yaml.safe_dump(doc, allow_unicode=True) if doc else "", encoding="utf-8")
        try:
            inputs = read_data([p], input_specs(checked))
        except KinerjaError as err:  # a coded refusal naming the file is an answer
            assert err.code.startswith("B") and err.format()
            return
        for problem in inputs.problems:
            assert problem.code.startswith("B") and len(problem.message) < 1000, problem
        result = evaluate(checked, inputs, Tracer(True))
        findings = find(result)
        to_json(result, findings, trace=True)
        summary_text(result, findings, "id")
