"""The planner workflow end to end (issue 10): the PK 2025 example, planner tests (uji), the change list.

The planner tests shipped inside the bundled rule sets (``rules/*/uji/*.yaml``) are collected here one case per
test, named "rule set › file › case", so a wrong expectation shows which one.
"""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import check_rules, load_rules
from kinerja.engine.loader import bundled_dir
from kinerja.perencana.uji import UjiError, run, run_file, uji_files

BUNDLED = bundled_dir()
CASES = []
for _set in sorted(p for p in BUNDLED.iterdir() if p.is_dir()):
    for _f in uji_files(_set):
        CASES.append((_set.name, _f))


def invoke(args):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("ref,path", CASES, ids=[f"{r} › {p.name}" for r, p in CASES])
def test_bundled_planner_tests_pass(ref, path):
    from kinerja.engine import load_rules

    outcomes = run_file(load_rules(ref), path, f"uji/{path.name}")
    assert outcomes
    failed = [f"{o.file} › {o.case}: {f.text()}" for o in outcomes for f in o.failures]
    assert not failed, "\n".join(failed)


def test_both_bundled_sets_ship_planner_tests():
    assert {r for r, _ in CASES} >= {"pk2024-sumsel", "pk2025-contoh"}


def test_pk2025_example_is_clean_and_copies_no_parent_block():
    checked, diags = check_rules("pk2025-contoh")
    assert checked is not None and diags == []
    rs = checked.rules
    own = (BUNDLED / "pk2025-contoh" / "pk2025.kin").read_text(encoding="utf-8")
    assert "CONTOH, BUKAN PK RESMI" in own.splitlines()[0]
    code_lines = [ln for ln in own.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(code_lines) <= 25  # the hand-made version took 205 lines
    # every planted change is there, each exactly once
    changes = {(c.action, c.kind, c.id) for c in rs.changes}
    assert {("ubah", "target", "ki_memahami"), ("ubah", "target", "imi_layanan"),
            ("ubah", "target", "bphn_bankum_litigasi")} <= changes
    assert ("tambah", "indikator", "imi_paspor") in changes and ("hapus", "indikator", "bphn_jdihn") in changes
    assert ("ubah", "indeks", "iphp.pelayanan_tahanan") in changes
    # nothing of the parent is restated: no redeclared block carries a title, the sub-indices are not copied
    assert rs.sasaran["imi_s2"].indicators == ("imi_layanan", "imi_paspor")
    assert "bphn_s2" not in rs.sasaran and "bphn_jdihn_pembilang" not in rs.inputs
    assert len(rs.indices["iphp"].children) == 8


def test_uji_passes_and_fails_visibly_when_one_expected_value_changes(tmp_path):
    r = invoke(["uji", "pk2024-sumsel"])
    assert r.exit_code == Exit.OK, r.output
    assert "semua lulus" in r.output
    copy = tmp_path / "pk2024-sumsel"
    shutil.copytree(BUNDLED / "pk2024-sumsel", copy)
    f = copy / "uji" / "laporan.yaml"
    text = f.read_text(encoding="utf-8")
    assert 'iphp: "4,01"' in text
    f.write_text(text.replace('iphp: "4,01"', 'iphp: "4,02"'), encoding="utf-8")
    r = invoke(["uji", str(copy)])
    assert r.exit_code == Exit.FINDINGS
    assert "GAGAL  uji/laporan.yaml › angka laporan 2024" in r.output
    assert "iphp: harapan 4,02, hasil 4,01" in r.output
    r = invoke(["--bahasa", "en", "uji", str(copy)])  # the same report in English
    assert r.exit_code == Exit.FINDINGS
    assert "FAILED  uji/laporan.yaml › angka laporan 2024" in r.output
    assert "iphp: expected 4,02, got 4,01" in r.output and "cases failed" in r.output
    assert "harapan" not in r.output and "GAGAL" not in r.output and "lulus" not in r.output, r.output


def test_uji_is_exact_as_written_unless_a_tolerance_is_given(tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(BUNDLED / "pk2024-sumsel", folder)
    (folder / "uji" / "laporan.yaml").unlink()
    (folder / "uji" / "potong.yaml").write_text(
        "data: ../data-lkjip-2024.yaml\nkasus:\n"
        "  - nama: terpotong\n    harapan: {bphn_bankum_litigasi: \"96,18\"}\n"
        "  - nama: dengan toleransi\n    toleransi: 0.01\n    harapan: {bphn_bankum_litigasi: \"96,18\"}\n"
        "  - nama: tanpa desimal\n    harapan: {iphp.pelayanan_tahanan.capaian: \"108\"}\n", encoding="utf-8")
    _, outcomes = run(str(folder))
    assert [o.ok for o in outcomes] == [False, True, False]
    assert [f.text() for f in outcomes[0].failures] == ["bphn_bankum_litigasi: harapan 96,18, hasil 96,19"]
    assert outcomes[1].failures == []


def test_uji_exit_code_ignores_data_findings():
    # pk2024 data has many findings (report contradictions); the tests still pass with exit 0
    r = invoke(["hitung", "--data", str(BUNDLED / "pk2024-sumsel" / "data-lkjip-2024.yaml")])
    assert r.exit_code == Exit.FINDINGS
    assert invoke(["uji", "pk2024-sumsel"]).exit_code == Exit.OK


def test_broken_test_file_is_a_usage_error(tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(BUNDLED / "pk2024-sumsel", folder)
    (folder / "uji" / "rusak.yaml").write_text("kasus: 3\n", encoding="utf-8")
    r = invoke(["uji", str(folder)])
    assert r.exit_code == Exit.USAGE and "kasus" in r.output


def test_periksa_perubahan_lists_what_the_child_changed():
    r = invoke(["periksa", "pk2025-contoh", "--perubahan"])
    assert r.exit_code == Exit.OK
    assert "perubahan atas pk2024-sumsel" in r.output
    assert "ubah target ki_memahami — 70 → 75" in r.output
    assert "hapus masukan bphn_jdihn_pembilang — hanya dipakai oleh indikator bphn_jdihn" in r.output
    assert "dimensi administrasi bobot 50% → 40%" in r.output


def test_removing_what_the_parent_removed_says_where_it_was_removed(tmp_path):
    """Next year's set (PK 2026 on top of PK 2025) repeats last year's removal: not "the parent has no such
    indicator" (the planner sees it in the 2024 files), but where it was removed — a warning, the set stays good."""
    (tmp_path / "pk2026").mkdir()
    (tmp_path / "pk2026" / "pk2026.kin").write_text(
        'aturan pk2026 "PK 2026"\nperluas "pk2025-contoh"\npengaturan { berlaku = 2026 }\n'
        "hapus indikator bphn_jdihn\n", encoding="utf-8")
    r = invoke(["periksa", str(tmp_path / "pk2026")])
    assert r.exit_code == Exit.OK, r.output
    assert "pk2026.kin:4:17: W506 peringatan: hapus indikator bphn_jdihn: bphn_jdihn sudah dihapus di " in r.output
    assert "pk2025-contoh/pk2025.kin:13 (sasaran bphn_s2)" in r.output
    assert "saran: hapus baris ini" in r.output


def test_bundled_pk2025_is_listed():
    assert Path(BUNDLED / "pk2025-contoh" / "pk2025.kin").is_file()


DATA_2025 = [str(BUNDLED / "pk2024-sumsel" / "data-lkjip-2024.yaml"),
             str(BUNDLED / "pk2025-contoh" / "data-tambahan.yaml")]


def test_banding_lists_each_planted_change_and_its_effect():
    args = ["banding", "pk2024-sumsel", "pk2025-contoh"]
    for d in DATA_2025:
        args += ["--data", d]
    r = invoke(args)
    assert r.exit_code == Exit.OK, r.output
    out = r.output
    for line in ("~ indikator ki_memahami: target 70 → 75", "~ indikator imi_layanan: target 90 → 95",
                 "~ indikator bphn_bankum_litigasi: target 82 → 85", "+ indikator imi_paspor (sasaran imi_s2)",
                 "- indikator bphn_jdihn (sasaran bphn_s2)", "- sasaran bphn_s2",
                 "- masukan bphn_jdihn_pembilang (cacah)", "+ masukan imi_paspor_penyebut (cacah)",
                 "bobot dimensi Administrasi Tahanan 50% → 40%", "bobot dimensi Pelayanan Tahanan 50% → 60%"):
        assert line in out, line
    # effects: before, after, difference (hand-checked: 100/95 = 105,26; (105,26 + 104,17)/2 = 104,72)
    assert "sasaran imi_s2                           111,11       104,72      -6,39" in out
    assert "indikator ki_memahami                    120,90       112,84      -8,06" in out
    assert "indeks iphp.pelayanan_tahanan            107,78       108,61      +0,83" in out
    en = invoke(["--bahasa", "en"] + args).output  # the same comparison in English: the words, not the figures
    assert en.startswith("Compare pk2024-sumsel → pk2025-contoh") and "RULE CHANGES (17)" in en, en
    assert "EFFECT ON CAPAIAN" in en and "other capaian unchanged" in en, en
    assert "sasaran imi_s2                           111,11       104,72      -6,39" in en
    assert f"  {'indikator imi_paspor':<34} {'(none)':>12} {'104,17':>12}" in en, en
    assert not any(w in en for w in ("PERUBAHAN", "AKIBAT", "sebelum", "tidak ada", "tidak berubah")), en
    r = invoke(args + ["--json"])
    payload = json.loads(r.output)
    eff = {e["id"]: e for e in payload["akibat"]}
    assert eff["imi_paspor"]["sebelum"] is None and eff["imi_paspor"]["sesudah"] == 104.17
    assert eff["iphp"]["berubah"] is False


def test_banding_reads_meaning_not_text(tmp_path):
    base = '''aturan dasar "Dasar"
masukan a1: cacah "a"
masukan a2: cacah "b"
target { x = 80 }
sasaran s "S" { indikator x "X" { satuan persen  realisasi = rasio a1 / a2 } }
'''
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "a.kin").write_text(base, encoding="utf-8")
    (tmp_path / "b").mkdir()
    # same meaning written differently (spacing, comment) → no change
    (tmp_path / "b" / "b.kin").write_text(base.replace("rasio a1 / a2", "rasio   a1/a2\n  "), encoding="utf-8")
    r = invoke(["banding", str(tmp_path / "a"), str(tmp_path / "b")])
    assert "PERUBAHAN ATURAN (0)" in r.output
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "c.kin").write_text('perluas "../a"\nsasaran s { indikator x { arah turun  nol_per_nol 100 } }\n',
                                          encoding="utf-8")
    r = invoke(["banding", str(tmp_path / "a"), str(tmp_path / "c")])
    assert "~ indikator x: arah naik → turun" in r.output
    assert "~ indikator x: nol_per_nol tanpa_data → 100" in r.output
    assert "realisasi" not in r.output  # the formula itself did not change


def test_year_in_labels_follows_the_berlaku_setting():
    from kinerja.engine import load_rules

    y2024 = load_rules("pk2024-sumsel").rules.inputs
    y2025 = load_rules("pk2025-contoh").rules.inputs
    assert y2024["ahu_pnbp_tahun_ini"].label == "Total PNBP AHU Tahun 2024 (Rp)"
    assert y2024["ki_permohonan_tahun_lalu"].label == "Permohonan KI Tahun 2023"
    assert y2025["ahu_pnbp_tahun_ini"].label == "Total PNBP AHU Tahun 2025 (Rp)"
    assert y2025["ki_permohonan_tahun_lalu"].label == "Permohonan KI Tahun 2024"


def test_banding_with_a_workbook_reads_it_as_hitung_does():
    sample = Path(__file__).parents[1] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
    before = sample.read_bytes()
    r = invoke(["banding", "pk2024-sumsel", "pk2025-contoh", str(sample), "--json"])
    assert r.exit_code == Exit.OK, r.output
    assert sample.read_bytes() == before
    book = json.loads(r.output)
    assert book["data"] == "contoh-pk2024-sumsel.xlsx"
    eff = {e["id"]: e for e in book["akibat"]}
    assert eff["ki_memahami"]["sebelum"] == 120.90 and eff["ki_memahami"]["sesudah"] == 112.84
    assert eff["iphp.pelayanan_tahanan"]["sesudah"] == 108.61
    # the sample holds the report's data: every capaian the same as from the data files, except the new
    # indicator, whose inputs the PK 2024 workbook cannot have — galat, and why
    args = ["banding", "pk2024-sumsel", "pk2025-contoh", "--json"]
    for d in ("pk2024-sumsel/data-lkjip-2024.yaml", "pk2024-sumsel/angka-tercetak.yaml"):
        args += ["--data", str(BUNDLED / d)]
    data = {e["id"]: e for e in json.loads(invoke(args).output)["akibat"]}
    differ = {k for k in eff if (eff[k]["sebelum"], eff[k]["sesudah"]) != (data[k]["sebelum"], data[k]["sesudah"])}
    assert differ == {"imi_paspor", "imi_s2"}
    assert eff["imi_paspor"]["sesudah"].startswith("galat: contoh-pk2024-sumsel.xlsx (imi_paspor_pembilang): nama")
    why = [p["masukan"] for p in book["masalah_masukan"]["b"]]
    assert "imi_paspor_pembilang" in why and not [p for p in book["masalah_masukan"]["a"]]
    text = invoke(["banding", "pk2024-sumsel", "pk2025-contoh", str(sample)]).output
    assert "MASALAH MASUKAN pk2025-contoh" in text and "imi_paspor_pembilang" in text
    r = invoke(["banding", "pk2024-sumsel", "pk2025-contoh", str(sample), "--data", args[-1]])
    assert r.exit_code == Exit.USAGE


def test_a_planner_test_reads_numbers_by_the_data_files_one_rule(tmp_path):
    """uji files are read like data files: 012 is 12 (not YAML 1.1's octal 10), an expected "1.000" — a thousand
    or one? — is U102, never compared as 1; a YAML alias bomb is refused within the data-file limits."""

    checked = load_rules("pk2024-sumsel")
    uji = tmp_path / "uji.yaml"
    uji.write_text("kasus:\n  - nama: oktal\n    masukan: {pp_perancang_jumlah: 012}\n"
                   "    harapan: {pp_perancang: 12}\n", encoding="utf-8")
    (outcome,) = run_file(checked, uji, "uji.yaml")
    assert outcome.ok, outcome.failures
    uji.write_text("kasus:\n  - nama: ribuan\n    masukan: {pp_perancang_jumlah: 1000}\n"
                   "    harapan: {pp_perancang: 1.000}\n", encoding="utf-8")
    with pytest.raises(UjiError) as exc:
        run_file(checked, uji, "uji.yaml")
    assert exc.value.code == "U102" and "1.000" in exc.value.message_id
    uji.write_text("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi")) + "kasus: []\n", encoding="utf-8")
    with pytest.raises(UjiError) as exc:
        run_file(checked, uji, "uji.yaml")
    assert exc.value.code == "U101"


def test_banding_lists_parameters_and_rounding_a_child_changed(tmp_path):
    """A child that changes two SMART weights (parameters), a value's rounding and the IPHP's rounding changes
    figures: banding must list each change, never "PERUBAHAN ATURAN (0)"."""
    (tmp_path / "b2").mkdir()
    (tmp_path / "b2" / "b2.kin").write_text(
        'aturan b2 "B2"\nperluas "pk2024-sumsel"\n'
        'parameter bobot_capaian_ro = 70%\nparameter bobot_penggunaan_sbk = 15%\n'
        'nilai rata_rata_nilai_kinerja_anggaran: angka "Rata-rata Nilai Kinerja Anggaran" = '
        'rata_rata(kinerja_anggaran_satker.nilai_kinerja_anggaran) bulat 3\n'
        'indeks iphp { bulat 3 }\n', encoding="utf-8")
    r = invoke(["banding", "pk2024-sumsel", str(tmp_path / "b2")])
    assert r.exit_code == Exit.OK, r.output
    assert "PERUBAHAN ATURAN (12)" in r.output, r.output  # 2 parameters, 1 value, iphp and its 8 sub-indices
    assert "~ parameter bobot_capaian_ro: nilai 75% → 70%" in r.output
    assert "~ parameter bobot_penggunaan_sbk: nilai 10% → 15%" in r.output
    assert "~ nilai rata_rata_nilai_kinerja_anggaran: bulat 2 setengah_naik → 3 setengah_naik" in r.output
    assert "~ indeks iphp: bulat 2 setengah_naik → 3 setengah_naik" in r.output
    # the sub-indices inherit the index's rounding: each one's rounding changed too, and is listed
    assert "~ indeks iphp.pelayanan_tahanan: bulat 2 setengah_naik → 3 setengah_naik" in r.output


def test_uji_names_a_removed_id_and_suggests_a_misspelt_one(tmp_path):
    """An expectation for an indicator the set removed says where it was removed; a misspelt id or input gets
    the nearest name — the planner learns what to do, not only that the name is unknown."""
    folder = tmp_path / "set"
    shutil.copytree(BUNDLED / "pk2025-contoh", folder)
    for f in (folder / "uji").glob("*.yaml"):
        f.unlink()
    (folder / "uji" / "salah.yaml").write_text(
        "kasus:\n  - nama: id salah\n    masukan: {imi_paspor_pembilng: 1, bphn_jdihn_pembilang: 3}\n"
        "    harapan: {bphn_jdihn: \"100\", imi_pasport.capaian: \"1\"}\n", encoding="utf-8")
    _, outcomes = run(str(folder))
    texts = [f.text() for f in outcomes[0].failures]
    assert "masukan imi_paspor_pembilng tidak dikenal set aturan ini — maksud Anda imi_paspor_pembilang?" in texts
    assert any(t.startswith("masukan bphn_jdihn_pembilang dihapus oleh set aturan ini di ") and "pk2025.kin:13"
               in t for t in texts), texts
    assert any(t.startswith("bphn_jdihn: dihapus oleh set aturan ini di ") and "pk2025.kin:13" in t
               for t in texts), texts
    assert "imi_pasport.capaian: tidak ada indikator, indeks, sasaran atau nilai bernama demikian — maksud Anda " \
           "imi_paspor.capaian?" in texts, texts
    en = [f.text("en") for f in outcomes[0].failures]
    assert any("did you mean imi_paspor.capaian?" in t for t in en) and any("removed by this rule set" in t
                                                                              for t in en), en


def test_periksa_perubahan_shows_an_index_property_before_and_after(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "c.kin").write_text('perluas "pk2024-sumsel"\nindeks iphp { bulat 3 }\n'
                                          'indeks iphp.basan_baran { bulat 1 potong }\n', encoding="utf-8")
    r = invoke(["periksa", str(tmp_path / "c"), "--perubahan"])
    assert "ubah indeks iphp — iphp bulat 2 → 3" in r.output, r.output
    assert "ubah indeks iphp.basan_baran — iphp.basan_baran bulat - → 1 potong" in r.output, r.output


def test_uji_expectation_written_with_percent_says_how_to_write_it(tmp_path):
    """A planner copying '93,75%' from the PK document: the test file is refused (never read as 0,9375) and the
    hint gives the figure to write."""
    folder = tmp_path / "set"
    shutil.copytree(BUNDLED / "pk2025-contoh", folder)
    for f in (folder / "uji").glob("*.yaml"):
        f.unlink()
    (folder / "uji" / "persen.yaml").write_text(
        'kasus:\n  - nama: persen\n    harapan: {imi_paspor.capaian: "104,17%"}\n', encoding="utf-8")
    with pytest.raises(UjiError) as err:
        run(str(folder))
    assert err.value.code == "U102" and 'tulis "104,17"' in err.value.hint_id, err.value.hint_id


def test_banding_shows_the_effect_on_values_a_parameter_changes(tmp_path):
    """Two SMART weights moved (75/10/15 → 70/15/15): no capaian changes, but every satker's NKA and the
    office mean do. Banding shows the values that changed, before and after, in their own section."""
    (tmp_path / "b3").mkdir()
    (tmp_path / "b3" / "b3.kin").write_text(
        'aturan b3 "B3"\nperluas "pk2024-sumsel"\nparameter bobot_capaian_ro = 70%\n'
        'parameter bobot_penggunaan_sbk = 15%\n', encoding="utf-8")
    data = str(BUNDLED / "pk2024-sumsel" / "data-lkjip-2024.yaml")
    r = invoke(["banding", "pk2024-sumsel", str(tmp_path / "b3"), "--data", data])
    assert r.exit_code == Exit.OK, r.output
    assert "AKIBAT PADA NILAI LAIN" in r.output, r.output
    line = next((x for x in r.output.splitlines() if "nilai rata_rata_nilai_kinerja_anggaran" in x), "")
    assert line and line.split()[-3:][0] != line.split()[-3:][1], r.output  # before ≠ after
    assert "pagu_awal_pas" not in r.output  # values that did not change are counted, not listed
    en = invoke(["--bahasa", "en", "banding", "pk2024-sumsel", str(tmp_path / "b3"), "--data", data]).output
    assert "EFFECT ON OTHER VALUES" in en and "AKIBAT" not in en, en
    payload = json.loads(invoke(["banding", "pk2024-sumsel", str(tmp_path / "b3"), "--data", data, "--json"]).output)
    nka = next(e for e in payload["akibat_nilai"] if e["id"] == "rata_rata_nilai_kinerja_anggaran")
    assert nka["berubah"] is True and nka["sebelum"] != nka["sesudah"]
