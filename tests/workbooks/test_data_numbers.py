"""One reading rule for every number a planner or operator writes into a data file (workbooks/datafile_values.py).

PyYAML follows YAML 1.1, which reads ``012`` as 10 (octal), ``1:30`` as 90 (base 60), ``0x1F`` as 31, ``1_000``
as 1000 and ``yes``/``no``/``on`` as true/false — none of them what the person who typed it sees. And an
Indonesian ``1.000`` is a thousand, while YAML reads it as one. Each of these used to give a number without a
word; each is now read as written or reported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from kinerja.engine.interface import InputSpec
from kinerja.workbooks.datafile import read_csv, read_yaml
from kinerja.workbooks.datafile_yaml import yaml_number

READ = {  # as written in the file → the value
    "55": Decimal(55), "012": Decimal(12), "+5": Decimal(5), "-3": Decimal(-3), "2.54": Decimal("2.54"),
    "0.125": Decimal("0.125"), ".5": Decimal("0.5"), "1e3": Decimal(1000), "1.5E+2": Decimal(150),
    "1000.000": Decimal(1000), "1.2345678901234567891": Decimal("1.2345678901234567891"),
    "20.390.985.000": Decimal(20390985000), '"20.390.985.000"': Decimal(20390985000),
    '"1.234,5"': Decimal("1234.5"), '"93,88"': Decimal("93.88"), '"0,85"': Decimal("0.85"),
    '"0.125"': Decimal("0.125"), '"1,000"': Decimal(1), '" 55 "': Decimal(55), '"1.2345E+0"': Decimal("1.2345"),
}
REPORTED = {  # as written → words the message must contain
    "1:30": "1:30", "0x1F": "0x1F", "0o17": "0o17", "1_000": "1_000", "yes": "yes", "on": "on",
    '"1,234.5"': "1,234.5", '"85%"': "85%",
    "1.000": "ribuan", '"1.000"': "ribuan", "1.234": "ribuan", "-1.234": "ribuan", '"100.000"': "ribuan",
}


def read(tmp_path: Path, written: str, kind: str = "angka"):
    p = tmp_path / "d.yaml"
    p.write_text(f"masukan:\n  x: {written}\n", encoding="utf-8")
    out = read_yaml(p, [InputSpec("x", kind)])
    return out.values.get("x"), out.problems


@pytest.mark.parametrize("written", sorted(READ))
def test_a_number_is_read_as_written(tmp_path, written):
    value, problems = read(tmp_path, written)
    assert problems == [] and value == READ[written] and isinstance(value, Decimal), (value, problems)


@pytest.mark.parametrize("written", sorted(REPORTED))
def test_a_number_with_another_reading_is_reported_never_guessed(tmp_path, written):
    value, problems = read(tmp_path, written)
    assert value is None
    (p,) = problems
    assert p.code == "B201" and REPORTED[written] in p.message, p.message


def test_the_thousands_or_decimal_question_says_both_readings_and_how_to_write_each(tmp_path):
    _, (p,) = read(tmp_path, "1.000", "cacah")
    assert "1000" in p.message and "1,000" in p.hint


@pytest.mark.parametrize("written,text", [("yes", "yes"), ("no", "no"), ("on", "on"), ("1.10", "1.10"),
                                          ("012", "012"), ("1:30", "1:30"), ("2.540", "2.540")])
def test_text_is_kept_as_written(tmp_path, written, text):
    value, problems = read(tmp_path, written, "teks")
    assert problems == [] and value == text


@pytest.mark.parametrize("written", ["1.000", "100.000", "0,85", "1.234,5", "012", "1_000"])
def test_csv_cells_follow_the_same_rule(tmp_path, written):
    (tmp_path / "y.yaml").write_text(f"masukan:\n  x: \"{written}\"\n", encoding="utf-8")
    yaml_read = read_yaml(tmp_path / "y.yaml", [InputSpec("x", "angka")])
    csv = tmp_path / "d.csv"
    csv.write_text(f"nama,nilai\nx,\"{written}\"\n", encoding="utf-8")
    csv_read = read_csv([csv], [InputSpec("x", "angka")])
    assert csv_read.values.get("x") == yaml_read.values.get("x")
    assert [p.code for p in csv_read.problems] == [p.code for p in yaml_read.problems]


@pytest.mark.parametrize("value", ["1", "1.000", "1.234", "100.5", "2.54", "1.2345678901234567891", "0.125",
                                   "-1.234", "1000.000"])
def test_kinerja_ekspor_writes_numbers_that_read_back_exactly(tmp_path, value):
    d = Decimal(value)
    back, problems = read(tmp_path, yaml_number(d))
    assert problems == [] and back == d
