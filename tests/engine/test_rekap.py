"""The rekap block: checked like any declaration; consolidation conventions on plain Inputs (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from kinerja.engine import check_rules
from kinerja.engine.interface import Inputs
from kinerja.engine.rekap import UnitData, consolidate


def rules(tmp_path, rekap: str):
    d = tmp_path / "r"
    d.mkdir(exist_ok=True)
    (d / "a.kin").write_text(
        'target { x = 1  y = 1 }\neselon e "E" {\n  masukan a: cacah\n  masukan w: cacah\n  masukan t: teks\n'
        '  tabel tb { unit: teks  nilai: indeks }\n'
        '  sasaran s "S" { indikator x "X" { satuan angka  realisasi = a + w }\n'
        '    indikator y "Y" { satuan indeks  realisasi = rata_rata(tb.nilai) } }\n}\n'
        f"rekap {{\n{rekap}\n}}\n", encoding="utf-8")
    return check_rules(d)


@pytest.mark.parametrize("rekap, code", [
    ("b = jumlah", "E201"),  # no such input
    ("a = jumalh", "E304"),  # no such way (did you mean jumlah)
    ("a = gabung", "E304"),  # gabung is for tables
    ("tb = jumlah", "E304"),  # a table is concatenated, not summed
    ("t = rata_rata", "E304"),  # text has no mean
    ("a = rata_rata_berbobot", "E204"),  # the weight is missing
    ("a = rata_rata_berbobot(zz)", "E201"),  # unknown weight
    ("a = rata_rata(nol)", "E304"),  # unknown option
])
def test_bad_rekap_declarations(tmp_path, rekap, code):
    checked, diags = rules(tmp_path, rekap)
    errors = [d for d in diags if d.is_error]
    assert [d.code for d in errors] == [code], [d.format("id") for d in errors]
    assert errors[0].line == 11


def test_good_rekap_declarations(tmp_path):
    checked, diags = rules(tmp_path, 'unit "U1", "U2"\n a = jumlah\n w = sama\n t = identitas\n tb = gabung')
    assert checked is not None and not [d for d in diags if d.is_error]
    assert list(checked.rules.rekap) == ["a", "w", "t", "tb"]
    assert list(checked.rules.rekap_units) == ["U1", "U2"]


def unit(name: str, **values) -> UnitData:
    return UnitData(name, f"{name}.xlsx", Inputs(values={k: (Decimal(str(v)) if v is not None else None)
                                                         for k, v in values.items()},
                                                 sources={k: "E!C1" for k in values}))


def test_sama_disagreeing_is_a_finding_and_no_value(tmp_path):
    checked, _ = rules(tmp_path, " a = sama\n w = rata_rata(kosong_nol)")
    c = consolidate(checked, [unit("U1", a=5, w=4), unit("U2", a=6, w=None)])
    assert c.inputs.values["a"] is None and [t.kode for t in c.findings] == ["T404"]
    assert c.inputs.values["w"] == 2  # (4 + 0) / 2: no list of expected units, the units present count
    c = consolidate(checked, [unit("U1", a=5, w=4), unit("U2", a=5, w=2)])
    assert c.inputs.values["a"] == 5 and not c.findings


def test_unexpected_and_unreadable_units(tmp_path):
    checked, _ = rules(tmp_path, ' unit "U1"\n a = jumlah')
    c = consolidate(checked, [unit("U1", a=1), unit("U9", a=2)], failed=[("rusak.xlsx", "B102 bukan buku kerja")])
    assert c.inputs.values["a"] == 3
    assert sorted(t.kode for t in c.findings) == ["T403", "T406"]
