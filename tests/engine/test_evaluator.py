"""Evaluator unit tests: one per construct. The evaluator is pure, so these are plain function calls."""

from decimal import Decimal

import pytest
from kinerja.engine import InputProblem
from kinerja.engine.values import TANPA_DATA, Galat, format_id, round_to

from .util import D, run

HEAD = ('target { i = 100 }\nsasaran s "S" {\n  indikator i "I" {\n    satuan {unit}\n    arah {arah}\n'
        '    realisasi = {f}\n{extra}  }\n}\n')


def ind(tmp_path, formula, inputs="a b", values=None, unit="persen", arah="naik", extra="", decl=None, tables=None,
        target=100):
    decls = decl if decl is not None else "".join(f"masukan {n}: cacah\n" for n in inputs.split())
    text = decls + HEAD.replace("{unit}", unit).replace("{arah}", arah).replace("{f}", formula).replace(
        "{extra}", extra).replace("target { i = 100 }", f"target {{ i = {target} }}")
    return run(tmp_path, text, values, tables).indicators["i"]


# ---- the worked example of DOMAIN.md and both capaian formulas ----
PELAYANAN_TAHANAN = """
target { pt = 3.6 }
masukan a: cacah
masukan b: cacah
masukan c: cacah
masukan d: cacah
masukan e: cacah
masukan f: cacah
masukan g: cacah
indeks pt "Indeks pelayanan tahanan di wilayah" skala 4 {
  nol_per_nol 100
  dimensi adm "Administrasi Tahanan" bobot 50% { indikator overstaying "% overstaying" = rasio a / b }
  dimensi pel "Pelayanan Tahanan" bobot 50% {
    indikator bankum "% bankum" = rasio c / d
    indikator jasmani "% jasmani" = rasio e / f
    indikator rohani "% rohani" = rasio g / f
  }
}
"""


def test_worked_example_indeks_pelayanan_tahanan(tmp_path):
    r = run(tmp_path, PELAYANAN_TAHANAN,
            dict(a=26943, b=28699, c=700, d=611, e=24750, f=28669, g=28669))
    ix = r.indices["pt"]
    assert ix.value == D("3.88")
    assert ix.capaian == D("107.78")  # 3,88 / 3,6 × 100
    assert ix.step.line() == "(46,94 + 50,15) / 100 × 4 = 3,88"
    dims = [c.line() for c in ix.step.children]
    assert dims[0] == "93,88% × 50% = 46,9407"
    assert dims[1] == "rata-rata(114,57%; 86,33%; 100%) × 50% = 50,1494"


def test_capaian_higher_is_better(tmp_path):
    i = ind(tmp_path, "rasio a / b", values=dict(a=55, b=55), target=90)
    assert (i.value, i.capaian) == (D("100.00"), D("111.11"))


def test_capaian_lower_is_better(tmp_path):
    # (2 × target − realisasi) / target × 100 = (2 × 10 − 8) / 10 × 100 = 120
    i = ind(tmp_path, "rasio a / b", values=dict(a=8, b=100), arah="turun", target=10)
    assert i.value == D("8.00")
    assert i.capaian == D("120.00")
    assert i.capaian_step.line() == "(2 × 10% − 8%) / 10% × 100% = 120%"


def test_derivation_line_in_indonesian_format(tmp_path):
    i = ind(tmp_path, "rasio a / b", values=dict(a=26943, b=28699))
    assert i.step.line() == "26.943 / 28.699 × 100% = 93,88%"


# ---- rounding ----
def test_half_up_is_exact_for_decimal_figures():
    assert round_to(D("0.125"), 2) == D("0.13")  # float would give 0.12
    assert round_to(D("2.675"), 2) == D("2.68")
    assert round_to(D("-34.1725"), 2) == D("-34.17")
    assert round_to(D("142.857"), 2, "potong") == D("142.85")
    assert round_to(D("-0.129"), 2, "potong") == D("-0.12")


def test_rounding_modes_per_rule(tmp_path):
    half = ind(tmp_path, "rasio a / b", values=dict(a=1, b=8), extra="    bulat 1\n")  # 12.5 → 12.5
    assert half.value == D("12.5")
    up = ind(tmp_path, "rasio a / b", values=dict(a=100, b=70))
    assert up.value == D("142.86")
    cut = ind(tmp_path, "rasio a / b", values=dict(a=100, b=70), extra="    bulat 2 potong\n")
    assert cut.value == D("142.85")
    assert "dipotong" in cut.step.note


def test_bulat_function_half_up_and_truncate(tmp_path):
    i = ind(tmp_path, "bulat(a / 8 × 100, 1) + potong(b / 7, 3)", unit="angka", values=dict(a=1, b=1))
    # 12.5 → 12.5; 0.142857 → 0.142
    assert i.value == D("12.64")


# ---- 0/0 conventions and no data ----
def test_zero_over_zero_no_data_by_default(tmp_path):
    i = ind(tmp_path, "rasio a / b", values=dict(a=0, b=0))
    assert i.value is TANPA_DATA and i.capaian is TANPA_DATA and i.status == "tanpa_data"


def test_zero_over_zero_scored_100_per_rule(tmp_path):
    i = ind(tmp_path, "rasio a / b", values=dict(a=0, b=0), extra="    nol_per_nol 100\n", target=90)
    assert (i.value, i.capaian, i.status) == (D("100"), D("111.11"), "ok")
    assert "0/0" in i.step.line() or "0/0" in (i.step.note + " ".join(c.note for c in i.step.children))


def test_zero_over_zero_rule_set_default(tmp_path):
    text = "pengaturan { nol_per_nol = 0 }\nmasukan a: cacah\nmasukan b: cacah\n" + HEAD.replace(
        "{unit}", "persen").replace("{arah}", "naik").replace("{f}", "rasio a / b").replace("{extra}", "")
    assert run(tmp_path, text, dict(a=0, b=0)).indicators["i"].value == D("0")


def test_numerator_without_denominator_is_an_error(tmp_path):
    i = ind(tmp_path, "rasio a / b", values=dict(a=5, b=0))
    assert i.status == "galat" and "penyebut 0" in i.pesan


def test_no_data_propagates_through_arithmetic(tmp_path):
    decl = "masukan a: cacah opsional\nmasukan b: cacah\n"
    i = ind(tmp_path, "a + b", decl=decl, unit="orang", values=dict(b=3))
    assert i.value is TANPA_DATA


def test_explicit_tanpa_data_and_if(tmp_path):
    i = ind(tmp_path, "jika b = 0 maka tanpa_data lainnya rasio a / b", values=dict(a=1, b=0))
    assert i.value is TANPA_DATA
    j = ind(tmp_path, "jika b = 0 maka tanpa_data lainnya rasio a / b", values=dict(a=1, b=4))
    assert j.value == D("25.00")


def test_required_input_missing_is_galat_and_others_still_computed(tmp_path):
    text = """
target { i = 100  j = 100 }
masukan a: cacah
masukan b: cacah
masukan c: cacah
sasaran s "S" {
  indikator i "I" { realisasi = rasio a / b }
  indikator j "J" { realisasi = rasio c / b }
}
"""
    r = run(tmp_path, text, dict(b=10, c=5))
    assert r.indicators["i"].status == "galat" and "a" in r.indicators["i"].pesan
    assert r.indicators["j"].value == D("50.00")
    assert r.sasaran["s"].status == "galat"


def test_input_problem_marks_dependents_galat(tmp_path):
    prob = InputProblem("B201", "a", "Input!C5", "Input!C5 (a): berisi teks", "", "isi angka")
    text = ('target { i = 100 }\nmasukan a: cacah\nmasukan b: cacah\n'
            'sasaran s "S" { indikator i "I" { realisasi = rasio a / b } }\n')
    r = run(tmp_path, text, dict(a=1, b=2), problems=[prob])
    assert r.indicators["i"].status == "galat"
    assert "Input!C5" in r.indicators["i"].pesan


# ---- growth, aggregates, tables ----
def test_growth_year_on_year(tmp_path):
    i = ind(tmp_path, "pertumbuhan a dari b", decl="masukan a: rupiah\nmasukan b: rupiah\n",
            values=dict(a=8219700000, b=12486600000), target=6)
    assert i.value == D("-34.17")
    assert i.capaian == D("-569.50")


def test_growth_from_zero_is_no_data(tmp_path):
    i = ind(tmp_path, "pertumbuhan a dari b", values=dict(a=5, b=0))
    assert i.value is TANPA_DATA


SURVEY = 'tabel t { unit: teks  responden: cacah opsional  nilai: indeks }\n'


def test_survey_mean_unweighted_and_weighted(tmp_path):
    rows = [{"unit": "September", "responden": 8, "nilai": D("2.54")},
            {"unit": "Oktober", "responden": 31, "nilai": D("3.74")}]
    i = ind(tmp_path, "rata_rata(t.nilai)", decl=SURVEY, unit="indeks", tables={"t": rows}, target=D("3.1"))
    assert (i.value, i.capaian) == (D("3.14"), D("101.29"))
    w = ind(tmp_path, "rata_rata_tertimbang(t.nilai, t.responden)", decl=SURVEY, unit="indeks", tables={"t": rows},
            target=D("3.1"))
    assert w.value == D("3.49")


def test_empty_survey_is_no_data(tmp_path):
    i = ind(tmp_path, "rata_rata(t.nilai)", decl=SURVEY, unit="indeks", tables={"t": []}, target=D("3.1"))
    assert i.value is TANPA_DATA


def test_aggregates_sum_min_max_count_with_filter(tmp_path):
    rows = [{"unit": "a", "responden": 1, "nilai": D(2)}, {"unit": "b", "responden": 3, "nilai": D(0)},
            {"unit": "c", "responden": None, "nilai": D(4)}]
    text = SURVEY + """
nilai total = jumlah(t.nilai)
nilai kecil = min(t.nilai)
nilai besar = maks(t.nilai)
nilai nol = banyak(t.nilai untuk nilai = 0)
nilai resp = jumlah(t.responden)
nilai campur = rata_rata(1, [2, 3], t.nilai)
nilai hanya_c = jumlah(t.nilai untuk unit = "c")
"""
    r = run(tmp_path, text, tables={"t": rows})
    v = {k: o.value for k, o in r.values.items()}
    assert v == {"total": D(6), "kecil": D(0), "besar": D(4), "nol": D(1), "resp": D(4),
                 "campur": D(2), "hanya_c": D(4)}


def test_per_row_formulas_and_aggregate_over_rows(tmp_path):
    text = """
tabel satker { satker: teks  capaian_ro: persen  penggunaan_sbk: persen  efisiensi_sbk: persen  nilai_ikpa: angka }
bagian anggaran {
  per_baris satker sebagai satker {
    nilai_smart = bulat((capaian_ro * 75% + penggunaan_sbk * 10% + efisiensi_sbk * 15%) / 2, 2)
    nilai_kinerja_anggaran = nilai_smart + nilai_ikpa
  }
  nilai rata = rata_rata(satker.nilai_kinerja_anggaran) bulat 2
}
"""
    rows = [{"satker": "Lapas Kayu Agung", "capaian_ro": D("98.65"), "penggunaan_sbk": D(100), "efisiensi_sbk": D(100),
             "nilai_ikpa": D("49.97")},
            {"satker": "Bapas I Palembang", "capaian_ro": D(100), "penggunaan_sbk": D(100),
             "efisiensi_sbk": D("66.55"), "nilai_ikpa": D("48.59")}]
    r = run(tmp_path, text, tables={"satker": rows})
    t = r.tables["satker"]
    assert [x["nilai_smart"] for x in t] == [D("49.49"), D("47.49")]
    assert [x["nilai_kinerja_anggaran"] for x in t] == [D("99.46"), D("96.08")]
    assert r.values["rata"].value == D("97.77")
    assert r.row_steps[("satker", 0, "nilai_smart")].line().startswith("bulat((98,65 × 75%")


# ---- composite indices ----
def test_weighted_dimensions_with_indicator_weights_and_inverted(tmp_path):
    text = """
masukan a: cacah
masukan b: cacah
masukan c: cacah
indeks k "K" skala 4 {
  nol_per_nol 100
  dimensi d1 "D1" bobot 30% {
    indikator x "X" = rasio a / b bobot 15%
    indikator y "Y" = rasio c / b bobot 15% terbalik
  }
  dimensi d2 "D2" bobot 70% { indikator z "Z" = rasio a / a bobot 70% }
}
"""
    r = run(tmp_path, text, dict(a=50, b=100, c=10))
    # d1 = 50 × 0,15 + (100 − 10) × 0,15 = 21; d2 = 100 × 0,7 = 70; (21 + 70) / 100 × 4 = 3,64
    assert r.indices["k"].value == D("3.64")
    inverted = r.indices["k"].step.children[0].children[1]
    assert "terbalik" in inverted.label and inverted.value == D(90)


def test_index_mean_of_rounded_sub_indices_and_above_scale(tmp_path):
    text = """
target { top = 3.6 }
masukan a: cacah
masukan b: cacah
indeks top "Top" skala 4 {
  bulat 2
  indeks s1 "S1" bobot 50% { indikator x "X" = rasio a / b }
  indeks s2 "S2" bobot 50% { indikator y "Y" = rasio b / a }
}
"""
    r = run(tmp_path, text, dict(a=8225, b=5003))
    s1, s2, top = (r.indices[k] for k in ("top.s1", "top.s2", "top"))
    assert s1.value == D("6.58")  # 8225/5003 × 4 = 6,576 — above the 0–4 scale, not capped
    assert s2.value == D("2.43")  # 5003/8225 × 4 = 2,4331
    assert top.value == D("4.51")  # (6,58 + 2,43) / 2 = 4,505 → 4,51 (half-up)
    assert s1.capaian == D("182.78")  # sub-indices inherit the parent's target
    kinds = {(o.kind, o.objek) for o in r.observations}
    assert ("subindeks_di_atas_skala", "top.s1") in kinds
    assert ("pembilang_melebihi_penyebut", "top.s1.x") in kinds


def test_no_data_component_is_left_out_of_dimension_mean(tmp_path):
    text = 'masukan a: cacah\nmasukan b: cacah\nindeks k "K" skala 4 { dimensi d "D" bobot 100% {' \
           ' indikator x "X" = rasio a / b  indikator y "Y" = rasio b / b } }\n'
    r = run(tmp_path, text, dict(a=0, b=0))  # rule-set default: 0/0 = tanpa data → whole dimension no data
    assert r.indices["k"].value is TANPA_DATA


# ---- sasaran ----
SASARAN = """
target { i = 100  j = 30 }
masukan a: cacah
masukan b: cacah
masukan c: cacah
masukan d: cacah
sasaran s "S" {
  {mode}
  indikator i "I" { realisasi = rasio a / b }
  indikator j "J" { realisasi = rasio c / d }
}
"""


def test_sasaran_mean_skips_no_data(tmp_path):
    r = run(tmp_path, SASARAN.replace("{mode}", ""), dict(a=1, b=1, c=0, d=0))
    assert r.sasaran["s"].value == D("100.00")
    assert "j" in r.sasaran["s"].step.note


def test_sasaran_mode_no_data_if_any(tmp_path):
    r = run(tmp_path, SASARAN.replace("{mode}", "capaian = tanpa_data_jika_ada"), dict(a=1, b=1, c=0, d=0))
    assert r.sasaran["s"].value is TANPA_DATA


def test_sasaran_mean_rounds_half_up(tmp_path):
    # i: 100 / 100 → 100; j: 1/3 = 33,33% / 30 → 111,1 → (100 + 111,1) / 2
    r = run(tmp_path, SASARAN.replace("{mode}", ""), dict(a=1, b=1, c=1, d=3))
    assert r.indicators["j"].capaian == D("111.10")
    assert r.sasaran["s"].value == D("105.55")


# ---- purity and determinism ----
def test_evaluation_is_deterministic_and_tracing_does_not_change_results(tmp_path):
    vals = dict(a=26943, b=28699, c=700, d=611, e=24750, f=28669, g=28669)
    a = run(tmp_path, PELAYANAN_TAHANAN, vals, trace=True)
    b = run(tmp_path, PELAYANAN_TAHANAN, vals, trace=False)
    assert a.indices["pt"].value == b.indices["pt"].value
    assert b.indices["pt"].step is None


def test_format_id():
    assert format_id(D("26943")) == "26.943"
    assert format_id(D("93.88")) == "93,88"
    assert format_id(D("-8219700000")) == "-8.219.700.000"
    assert format_id(D("3.1"), 2) == "3,10"
    assert format_id(TANPA_DATA) == "-"
    assert format_id(Galat("x")) == "galat"


@pytest.mark.parametrize("num,den,expected", [(1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (1, 400, "0.25")])
def test_ratio_table(tmp_path, num, den, expected):
    assert ind(tmp_path, "rasio a / b", values=dict(a=num, b=den)).value == Decimal(expected)


def test_check_message_placeholders_are_computed_on_the_data(tmp_path):
    text = SURVEY + (
        'periksa timpang "Responden {min(t.responden)}–{maks(t.responden)}; tertimbang '
        '{rata_rata_tertimbang(t.nilai, t.responden)} {{tetap}}" tingkat sedang objek t '
        "jika maks(t.responden) > 2 * min(t.responden)\n")
    rows = [{"unit": "September", "responden": 8, "nilai": D("2.54")},
            {"unit": "Oktober", "responden": 31, "nilai": D("3.74")}]
    r = run(tmp_path, text, tables={"t": rows})
    (obs,) = r.observations
    assert obs.objek == "t" and obs.level == "sedang"
    assert obs.message == "Responden 8–31; tertimbang 3,49 {tetap}"
    quiet = run(tmp_path, text, tables={"t": [dict(rows[0], responden=30), rows[1]]})
    assert quiet.observations == []


def test_inverted_zero_over_zero_is_the_convention_score_not_inverted(tmp_path):
    text = """
masukan hilang: cacah
masukan total: cacah
indeks k "K" skala 4 {
  nol_per_nol 100
  dimensi d "D" bobot 100% { indikator x "% hilang/rusak" = rasio hilang / total terbalik }
}
"""
    assert run(tmp_path, text, dict(hilang=0, total=0)).indices["k"].value == D("4.00")  # nothing to lose: 100
    assert run(tmp_path, text, dict(hilang=0, total=43776)).indices["k"].value == D("4.00")  # 100 − 0
    assert run(tmp_path, text, dict(hilang=438, total=43776)).indices["k"].value == D("3.96")  # (100 − 1,0005) × 4
    assert run(tmp_path, text, dict(hilang=4378, total=43776)).indices["k"].value == D("3.60")  # 100 − 10,0009


def test_ratio_with_zero_denominator_and_a_numerator_is_a_finding(tmp_path):
    """5 done out of 0: the indicator is galat (G007) — and, since the two figures contradict each other, a finding
    (T201, tinggi), so that `kinerja hitung` exits 1 and the Temuan sheet lists it. It used to be galat only: no
    finding, "Tidak ada temuan", exit 0 (found by the operator9 acceptance run). 0 of 0 stays no data."""
    i = ind(tmp_path, "rasio a / b", values=dict(a=5, b=0))
    assert i.status == "galat" and "penyebut 0" in i.pesan
    r = run(tmp_path, 'masukan a: cacah\nmasukan b: cacah\ntarget { i = 100 }\nsasaran s "S" {\n'
            '  indikator i "I" { satuan persen  realisasi = rasio a / b }\n}\n', dict(a=5, b=0))
    (o,) = [o for o in r.observations if o.kind == "pembilang_melebihi_penyebut"]
    assert o.objek == "i" and o.level == "tinggi" and "pembilang 5" in o.message and "penyebut 0" in o.message
    r0 = run(tmp_path, 'masukan a: cacah\nmasukan b: cacah\ntarget { i = 100 }\nsasaran s "S" {\n'
             '  indikator i "I" { satuan persen  realisasi = rasio a / b }\n}\n', dict(a=0, b=0))
    assert r0.indicators["i"].value is TANPA_DATA and not r0.observations
