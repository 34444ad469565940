"""The engine owns its decimal context: whatever a host process does to the global one changes no result.

A server or batch host may set ``decimal.getcontext()`` to anything; before this was fixed, ``prec = 5`` turned
a pagu of 20.390.985.000 into 2,0391E+10 in 32 PK 2024 results. Here the whole PK 2024 evaluation (values,
derivations, findings, JSON and the Tabel 4 text) is computed under the default context and under hostile
ones, and must be identical.
"""

from __future__ import annotations

import decimal
import json
from pathlib import Path

import pytest
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.findings import find
from kinerja.engine.report import summary_text, to_json
from kinerja.workbooks.datafile import read_data

DATA = Path(__file__).resolve().parents[2] / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml"


def _everything() -> str:
    from kinerja.engine import cache

    cache.clear()  # parse, check and lower under the context of this test too
    checked = load_rules("pk2024-sumsel")
    inputs = read_data([DATA], input_specs(checked))
    result = evaluate(checked, inputs, Tracer(True))
    findings = find(result)
    doc = to_json(result, findings, trace=True)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str) + summary_text(result, findings, "id")


HOSTILE = {
    "prec5": dict(prec=5),
    "prec5-floor": dict(prec=5, rounding=decimal.ROUND_FLOOR),
    "ceiling": dict(prec=12, rounding=decimal.ROUND_CEILING),
    "trap-inexact": dict(traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation,
                                decimal.DivisionByZero, decimal.Overflow]),
    "tiny-exponent": dict(Emax=6, Emin=-6),
}


@pytest.fixture(scope="module")
def baseline():
    with decimal.localcontext(decimal.Context()):
        return _everything()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_global_decimal_context_changes_nothing(baseline, name):
    with decimal.localcontext(decimal.Context(**HOSTILE[name])):
        got = _everything()
        assert decimal.getcontext().prec == HOSTILE[name].get("prec", decimal.Context().prec)  # not reset
    assert got == baseline


def test_rule_literals_are_parsed_in_the_private_context(tmp_path):
    """`%` literals and negated literals are exact whatever the global context: 12,34567% is 0,1234567."""
    from .util import run

    text = 'nilai x = 12.34567% \nnilai y = -123456789.123 \nnilai z = -(7.5%)\n'
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)):
        r = run(tmp_path, text)
    assert r.values["x"].value == decimal.Decimal("0.1234567")
    assert r.values["y"].value == decimal.Decimal("-123456789.123")
    assert r.values["z"].value == decimal.Decimal("-0.075")


def _formulas() -> list:
    from kinerja.engine import cache
    from kinerja.engine.excel import ExcelTranslator

    cache.clear()
    checked = load_rules("pk2024-sumsel")
    tr = ExcelTranslator(checked, lambda name: str(name))
    core = tr.core
    return ([tr.indicator(i) for i in core.indicators] + [tr.capaian(i, "R") for i in core.indicators]
            + [tr.index(i) for i in core.indices] + [tr.capaian(i, "N") for i in core.indices]
            + [tr.value(v) for v in core.values])


def test_excel_formulas_do_not_depend_on_the_global_context():
    with decimal.localcontext(decimal.Context()):
        expected = _formulas()
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)):
        assert _formulas() == expected
