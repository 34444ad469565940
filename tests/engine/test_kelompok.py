"""Grouping (`kelompok … menurut eselon(kolom)`) and membership (`x di [...]`) in the rule language.

The figures of the PK 2024 test are Tabel 114 of the LKjIP 2024 (seed lines 3211–3254), by hand: Ditjen
Pemasyarakatan pagu awal 165.543.563.000 + 139.952.958.000 = 305.496.521.000 (the report prints 303.496.521.000);
Ditjen AHU realisasi 2.831.401.460 / pagu akhir 2.939.735.000 = 96,31% (printed 94,31).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from kinerja.engine import InputProblem
from kinerja.engine.values import TANPA_DATA, Galat

from .util import D, diagnostics, run

RULES = """
eselon a "Eselon A" {
  masukan m: cacah "m"
  sasaran a_s1 "A1" { indikator a_i1 "i" { satuan orang  realisasi = m } }
  sasaran a_s2 "A2" { indikator a_i2 "i" { satuan orang  realisasi = m } }
}
eselon b "Eselon B" {
  sasaran b_s1 "B1" { indikator b_i1 "i" { satuan orang  realisasi = m } }
}
eselon c "Eselon C tanpa sasaran" { }
target { a_i1 = 1  a_i2 = 1  b_i1 = 1 }
tabel ang "Anggaran" {
  sasaran: teks "Id sasaran"
  pagu: rupiah "Pagu"
  realisasi: rupiah "Realisasi"
}
bagian anggaran {
  kelompok ang menurut eselon(sasaran) {
    nilai pagu "Pagu {kelompok}" = jumlah(ang.pagu) sumber "Tabel 9, baris TOTAL {kelompok}"
    nilai realisasi "Realisasi {kelompok}" = jumlah(ang.realisasi)
    nilai persen "Persentase {kelompok}" = bulat(rasio realisasi / pagu, 2)
  }
}
"""
ROWS = [{"sasaran": "a_s1", "pagu": 100, "realisasi": 90},
        {"sasaran": "b_s1", "pagu": 50, "realisasi": 10},
        {"sasaran": "a_s2", "pagu": 300, "realisasi": 210}]


def test_one_value_per_eselon_with_its_rows_only(tmp_path):
    r = run(tmp_path, RULES, {"m": 1}, {"ang": ROWS})
    v = {k: x.value for k, x in r.values.items()}
    assert v["pagu_a"] == 400 and v["realisasi_a"] == 300
    assert v["pagu_b"] == 50 and v["realisasi_b"] == 10
    # the total percentage is total realisasi / total pagu (300/400 = 75), not the mean of 90% and 70%
    assert v["persen_a"] == 75 and v["persen_b"] == 20
    # an eselon without sasaran has no group; the template names are not values
    assert not any(k.endswith("_c") for k in v) and "pagu" not in v and "persen" not in v
    # declaration order: group by group, then the block's order
    assert list(v) == ["pagu_a", "realisasi_a", "persen_a", "pagu_b", "realisasi_b", "persen_b"]
    assert r.values["pagu_a"].bagian == "anggaran"


def test_group_label_source_and_derivation_name_the_group(tmp_path):
    r = run(tmp_path, RULES, {"m": 1}, {"ang": ROWS})
    core = r.core.values
    assert core["pagu_b"].label == "Pagu Eselon B"
    assert core["pagu_b"].source == "Tabel 9, baris TOTAL Eselon B"
    assert core["pagu_a"].formula == 'jumlah(ang.pagu untuk sasaran di ["a_s1", "a_s2"])'
    assert core["persen_a"].formula == "bulat(rasio realisasi_a / pagu_a, 2)"
    step = r.values["pagu_a"].step
    assert step.text == "jumlah(100; 300)"  # b_s1's 50 is not in Eselon A's sum
    assert step.formula == 'jumlah(ang.pagu untuk sasaran di ["a_s1", "a_s2"])'


def test_empty_group_is_no_data_and_a_bad_key_cell_is_an_error(tmp_path):
    r = run(tmp_path, RULES, {"m": 1}, {"ang": [ROWS[0]]})
    assert r.values["pagu_b"].value is TANPA_DATA and r.values["persen_b"].value is TANPA_DATA
    from kinerja.engine.interface import CellKey

    bad = InputProblem("B215", "ang", "data.yaml", "ang.sasaran baris 2: B_S1 bukan id sasaran",
                       cell=CellKey("ang", 1, "sasaran"))
    rows = [ROWS[0], {"sasaran": "B_S1", "pagu": 50, "realisasi": 10}]
    r = run(tmp_path, RULES, {"m": 1}, {"ang": rows}, problems=[bad])
    # the row's group is unknown: every group's total carries the error, none silently drops the row
    assert isinstance(r.values["pagu_a"].value, Galat) and isinstance(r.values["pagu_b"].value, Galat)


def test_membership_filter_and_scalar(tmp_path):
    text = RULES + """
nilai dua "dua sasaran" = jumlah(ang.pagu untuk sasaran di ["a_s1", "b_s1", "a_s1"])
nilai dan_juga "dan" = jumlah(ang.pagu untuk realisasi > 50 dan sasaran di ["a_s1", "b_s1"])
masukan k: cacah opsional "k"
nilai pilih "pilih" = jika k di [1, 3] maka 10 lainnya 20
"""
    r = run(tmp_path, text, {"m": 1, "k": 3}, {"ang": ROWS})
    assert r.values["dua"].value == 150  # a listed id counts once
    assert r.values["dan_juga"].value == 100
    assert r.values["pilih"].value == 10
    r = run(tmp_path, text, {"m": 1, "k": 2}, {"ang": ROWS})
    assert r.values["pilih"].value == 20
    r = run(tmp_path, text, {"m": 1}, {"ang": ROWS})  # k empty: no data, not "not a member"
    assert r.values["pilih"].value is TANPA_DATA


@pytest.mark.parametrize("formula, code", [
    ('jika k di 3 maka 1 lainnya 0', "E304"),                 # the right side must be a list
    ('jika k di ["a", "b"] maka 1 lainnya 0', "E301"),        # a number among texts
])
def test_membership_is_checked_before_data(tmp_path, formula, code):
    text = f'masukan k: cacah "k"\nnilai x "x" = {formula}\n'
    assert code in {d.code for d in diagnostics(tmp_path, text)}


def test_grouped_names_are_known_and_a_wrong_group_is_reported_with_its_line(tmp_path):
    text = RULES + 'nilai beda "beda" = pagu_a - pagu_x\n'
    diags = [d for d in diagnostics(tmp_path, text) if d.is_error]
    assert [(d.code, d.line) for d in diags] == [("E201", RULES.count("\n") + 1)]
    assert "pagu_a" in diags[0].format() or "pagu_b" in diags[0].format()  # did you mean …


def test_group_name_clash_is_reported(tmp_path):
    text = RULES + 'nilai pagu_a "lain" = 1\n'
    diags = [d for d in diagnostics(tmp_path, text) if d.is_error]
    assert [d.code for d in diags] == ["E202"]


def test_sasaran_key_groups_indicator_rows(tmp_path):
    text = RULES + """
tabel ik "Per indikator" {
  indikator: teks "Id indikator"
  nilai: cacah "Nilai"
}
kelompok ik menurut sasaran(indikator) {
  nilai total "Total {kelompok}" = jumlah(ik.nilai)
}
kelompok ik menurut eselon(indikator) {
  nilai es "Eselon {kelompok}" = jumlah(ik.nilai)
}
"""
    rows = [{"indikator": "a_i1", "nilai": 1}, {"indikator": "a_i2", "nilai": 2}, {"indikator": "b_i1", "nilai": 4}]
    r = run(tmp_path, text, {"m": 1}, {"ang": ROWS, "ik": rows})
    assert r.values["total_a_s1"].value == 1 and r.values["total_a_s2"].value == 2
    assert r.values["total_b_s1"].value == 4
    assert r.values["es_a"].value == 3 and r.values["es_b"].value == 4


def test_child_rule_set_sees_its_own_eselon_in_the_groups(tmp_path):
    (tmp_path / "induk").mkdir()
    (tmp_path / "induk" / "a.kin").write_text(RULES, encoding="utf-8")
    child = tmp_path / "anak.kin"
    child.write_text('perluas "induk"\neselon d "Eselon D" {\n'
                     '  sasaran d_s1 "D1" { indikator d_i1 "i" { satuan orang  realisasi = m } }\n}\n'
                     'target { d_i1 = 1 }\n', encoding="utf-8")
    from kinerja.engine import Inputs, Tracer, evaluate, load_rules

    checked = load_rules(child)
    rows = [{k: (D(v) if isinstance(v, int) else v) for k, v in row.items()} for row in
            ROWS + [{"sasaran": "d_s1", "pagu": 7, "realisasi": 7}]]
    r = evaluate(checked, Inputs(values={"m": Decimal(1)}, tables={"ang": rows}), Tracer(False))
    assert r.values["pagu_d"].value == 7 and r.values["persen_d"].value == 100 and r.values["pagu_a"].value == 400


def test_pk2024_budget_totals_per_eselon_from_the_grouping():
    """Tabel 114 by hand: the grouping gives the sums of the printed rows (and so the findings stay)."""
    from kinerja.engine import load_rules

    checked = load_rules("pk2024-sumsel")
    values = checked.rules.values
    assert not any(v.grouping is not None for v in values.values())
    assert [n for n in values if n.startswith("pagu_awal_")] == [
        "pagu_awal_setjen", "pagu_awal_pas", "pagu_awal_imi", "pagu_awal_ahu", "pagu_awal_ki", "pagu_awal_pp",
        "pagu_awal_bphn", "pagu_awal_ham", "pagu_awal_bsk"]
    assert values["pagu_awal_pas"].formula.span.text == \
        'jumlah(anggaran_sasaran.pagu_awal untuk sasaran di ["pas_s1", "pas_s2"])'
    assert values["persentase_ahu"].formula.span.text == "bulat(rasio realisasi_ahu / pagu_akhir_ahu, 2)"
