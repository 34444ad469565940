"""The Audit sheet's skeleton (row order, label cells, value cells' places, live check formulas) is remembered per
(rule set, defined names, where each input was read, inputs with a problem, object order, table row counts):
each part of that key changed in turn must give exactly the Audit built with nothing remembered — never a stale
skeleton from the workbook before (a batch of unit workbooks, a server)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.interface import CellKey, InputProblem, Inputs
from kinerja.workbooks import auditskel
from kinerja.workbooks.audit import Audit
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs_from, workbook_names_from

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def audit_of(checked, inputs: Inputs, names: dict[str, str]) -> tuple:
    audit = Audit(checked, evaluate(checked, inputs, Tracer()), names, "31-01-2025 15:00 WIB")
    audit.objects()
    audit.checks()
    return audit.sheet().rows, dict(audit.row_of), audit.skeleton


def fresh(checked, inputs, names) -> tuple:
    auditskel._MEMO.clear()
    return audit_of(checked, inputs, names)


@pytest.fixture(scope="module")
def sample():
    checked = load_rules("pk2024-sumsel")
    pkg = Package(SAMPLE)
    return checked, read_inputs_from(pkg, input_specs(checked)), workbook_names_from(pkg)


def formulas(rows) -> list[str]:
    return [c.formula for r in rows for c in r if c is not None and c.formula]


def warm_then(sample, checked, inputs, names) -> tuple:
    """The Audit of (checked, inputs, names) right after the sample's was remembered."""
    auditskel._MEMO.clear()
    audit_of(*sample)
    assert auditskel._MEMO
    return audit_of(checked, inputs, names)


def test_the_sample_again_is_served_from_memory_and_equal(sample):
    first = fresh(*sample)
    assert len(auditskel._MEMO) == 1
    assert audit_of(*sample) == first
    assert len(auditskel._MEMO) == 1


def test_another_rule_set(sample):
    _, inputs, names = sample
    other = load_rules("pk2025-contoh")
    got = warm_then(sample, other, inputs, names)
    assert got == fresh(other, inputs, names)
    assert got[0] != fresh(*sample)[0]


def test_a_rule_set_with_the_same_objects_and_another_target(sample, tmp_path):
    _, inputs, names = sample
    (tmp_path / "aturan.kin").write_text('aturan uji_target "Uji"\nperluas "pk2024-sumsel"\n'
                                         'target { setjen_rb_kanwil = 87 }\n', encoding="utf-8")
    other = load_rules(tmp_path / "aturan.kin")
    got = warm_then(sample, other, inputs, names)
    assert got == fresh(other, inputs, names)
    assert "Audit!$E$5/87*100" in " ".join(formulas(got[0])) and "/87*100" not in " ".join(formulas(fresh(*sample)[0]))


def test_one_defined_name_moved_to_a_range(sample):
    checked, inputs, names = sample
    moved = dict(names)
    name = next(n for n in names if n == "setjen_rb_kanwil_pembilang")
    moved[name] = "Setjen!$C$9:$C$10"  # no longer one cell: the check formulas that read it are not written
    got = warm_then(sample, checked, inputs, moved)
    assert got == fresh(checked, inputs, moved)
    assert any(name in f for f in formulas(fresh(*sample)[0]))
    assert not any(name in f for f in formulas(got[0]))


def test_a_table_read_from_other_rows(sample):
    checked, inputs, names = sample
    shifted = copy.copy(inputs)
    shifted.sources = {k: (re.sub(r"\d+$", lambda m: str(int(m.group()) + 1), v)
                           if isinstance(k, CellKey) and k.table == "pegawai_satker" else v)
                       for k, v in inputs.sources.items()}  # one row lower
    got = warm_then(sample, checked, shifted, names)
    assert got == fresh(checked, shifted, names)
    assert got[0] != fresh(*sample)[0]


def test_another_row_count(sample):
    checked, inputs, names = sample
    fewer = copy.copy(inputs)
    fewer.tables = dict(inputs.tables)
    fewer.tables["pegawai_satker"] = inputs.tables["pegawai_satker"][:-1]
    # the sources as they were: only the row count tells the two apart
    got = warm_then(sample, checked, fewer, names)
    assert got == fresh(checked, fewer, names)
    assert len(got[0]) != len(fresh(*sample)[0])


def test_an_input_with_a_problem(sample):
    checked, inputs, names = sample
    bad = copy.copy(inputs)
    bad.problems = [*inputs.problems, InputProblem("B201", "setjen_rb_kanwil_pembilang", "Setjen!C9", "bukan angka")]
    got = warm_then(sample, checked, bad, names)
    assert got == fresh(checked, bad, names)
    assert got[0] != fresh(*sample)[0]


def test_english(sample, monkeypatch):
    auditskel._MEMO.clear()
    audit_of(*sample)
    monkeypatch.setenv("KINERJA_BAHASA", "en")
    got = audit_of(*sample)
    assert got == fresh(*sample)
