"""`sama`: one quantity printed in several places must agree (the "Total jumlah tahanan" of Tabel 15 printed as
28.699 beside the overstaying ratio and 28.669 beside the jasmani and rohani ratios)."""

from __future__ import annotations

from .util import diagnostics, run

RULES = """
masukan overstaying_penyebut: cacah "Total jumlah tahanan"
masukan jasmani_penyebut: cacah "Total Jumlah Tahanan"
masukan rohani_penyebut: cacah opsional "Total Jumlah Tahanan"
nilai tahanan_rata "rata-rata" = rata_rata(overstaying_penyebut, jasmani_penyebut)
sama total_tahanan "Total jumlah tahanan (Tabel 15)" {
  overstaying_penyebut sumber "Tabel 15, baris 1191"
  jasmani_penyebut sumber "Tabel 15, baris 1194"
  rohani_penyebut sumber "Tabel 15, baris 1195"
}
"""


def test_two_figures_of_one_population_are_one_observation_with_every_place(tmp_path):
    r = run(tmp_path, RULES, {"overstaying_penyebut": 28699, "jasmani_penyebut": 28669, "rohani_penyebut": 28669})
    obs = [o for o in r.observations if o.kind == "besaran_sama_berbeda"]
    assert len(obs) == 1
    o = obs[0]
    assert o.objek == "total_tahanan" and o.level == "tinggi"
    assert "28.699 (Tabel 15, baris 1191" in o.message
    assert "28.669 (Tabel 15, baris 1194" in o.message and "Tabel 15, baris 1195" in o.message
    assert o.message.index("28.699") < o.message.index("≠") < o.message.index("28.669")
    assert "one quantity printed with different figures" in o.message_en


def test_equal_figures_and_missing_ones_give_nothing(tmp_path):
    r = run(tmp_path, RULES, {"overstaying_penyebut": 28669, "jasmani_penyebut": 28669, "rohani_penyebut": 28669})
    assert not [o for o in r.observations if o.kind == "besaran_sama_berbeda"]
    r = run(tmp_path, RULES, {"overstaying_penyebut": 28669, "jasmani_penyebut": 28669})  # rohani empty
    assert not [o for o in r.observations if o.kind == "besaran_sama_berbeda"]


def test_values_and_indicators_may_be_compared_too(tmp_path):
    text = RULES + 'sama rata "rata dan jasmani" tingkat sedang {\n  tahanan_rata\n  jasmani_penyebut\n}\n'
    r = run(tmp_path, text, {"overstaying_penyebut": 10, "jasmani_penyebut": 20, "rohani_penyebut": 20})
    (o,) = [o for o in r.observations if o.objek == "rata"]
    assert o.level == "sedang" and "15 (tahanan_rata)" in o.message


def test_sama_is_checked_before_data(tmp_path):
    codes = lambda text: [(d.code, d.line) for d in diagnostics(tmp_path, text) if d.is_error]  # noqa: E731
    base = 'masukan a: cacah "a"\nmasukan p: persen "p"\n'
    assert codes(base + 'sama s "S" {\n  a\n  b\n}\n') == [("E201", 5)]            # unknown name
    assert codes(base + 'sama s "S" {\n  a\n  p\n}\n') == [("E301", 5)]            # cacah vs persen
    assert codes(base + 'sama s "S" {\n  a\n}\n') == [("E304", 3)]                 # one name only
    assert codes(base + 'sama s "S" tingkat tingi {\n  a\n  a\n}\n') == [("E304", 3)]   # tinggi?
