"""The CLI through click's CliRunner: exit codes, stderr messages, JSON on stdout, never a traceback."""

import json

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main

BROKEN = """
target { rb = 100 }
masukan rb_pembilang: cacah "terlaksana"
masukan rb_penyebut: cacah "total"
masukan pnbp_tahun_ini: rupiah "PNBP"
sasaran s "S" {
  indikator rb "RB" { satuan persen  realisasi = rasio rb_pembilng / rb_penyebt }
  indikator pn "PNBP" { satuan persen  realisasi = pnbp_tahun_ini }
}
target { pn = 6 }
"""

OK_RULES = """
target { rb = 90 }
eselon e "Eselon" divisi "Divisi" {
  masukan a: cacah "terlaksana"
  masukan b: cacah "total"
  sasaran s "Sasaran" { indikator rb "RB" { satuan persen  realisasi = rasio a / b } }
}
"""


def invoke(args, env=None):
    runner = CliRunner()
    result = runner.invoke(main, args, env=env or {}, catch_exceptions=False)
    assert "Traceback" not in result.output and "Traceback" not in (result.stderr or "")
    return result


def test_periksa_reports_two_misspelled_names_and_a_unit_mismatch(tmp_path):
    (tmp_path / "aturan.kin").write_text(BROKEN, encoding="utf-8")
    r = invoke(["periksa", str(tmp_path)])
    assert r.exit_code == Exit.FINDINGS
    err = r.stderr
    assert err.count(": E201 galat") == 2 and err.count(": E302 galat") == 1
    assert "aturan.kin:7:56: E201" in err and "aturan.kin:7:70: E201" in err and "aturan.kin:8:52: E302" in err
    assert "maksud Anda rb_pembilang?" in err and "maksud Anda rb_penyebut?" in err
    assert "Nama tidak dikenal" in err


def test_periksa_in_english(tmp_path):
    (tmp_path / "aturan.kin").write_text(BROKEN, encoding="utf-8")
    r = invoke(["check", "--lang", "en", str(tmp_path)])
    assert "Unknown name: rb_pembilng" in r.stderr and "did you mean" in r.stderr
    r = invoke(["check", str(tmp_path)], env={"KINERJA_BAHASA": "en"})
    assert "Unknown name" in r.stderr


def test_syntax_error_exit_2_with_line_column_and_expected_words(tmp_path):
    (tmp_path / "aturan.kin").write_text("masukan a: cacah\nnilai x = (a +\n", encoding="utf-8")
    r = invoke(["periksa", str(tmp_path / "aturan.kin")])
    assert r.exit_code == Exit.USAGE
    assert "aturan.kin:3:1: E103" in r.stderr or "aturan.kin:2:" in r.stderr
    assert "yang diharapkan" in r.stderr


def test_periksa_ok_and_json(tmp_path):
    (tmp_path / "a.kin").write_text(OK_RULES, encoding="utf-8")
    r = invoke(["periksa", str(tmp_path)])
    assert r.exit_code == Exit.OK and "baik" in r.stdout
    r = invoke(["periksa", "--json", str(tmp_path)])
    assert json.loads(r.stdout)["diagnosis"] == []


def test_hitung_yaml_and_csv(tmp_path):
    (tmp_path / "a.kin").write_text(OK_RULES, encoding="utf-8")
    (tmp_path / "d.yaml").write_text("masukan: {a: 45, b: 50}\n", encoding="utf-8")
    r = invoke(["hitung", "--aturan", str(tmp_path), "--data", str(tmp_path / "d.yaml"), "--json"])
    assert r.exit_code == Exit.OK, r.stderr
    out = json.loads(r.stdout)
    ind = out["indikator"][0]
    assert (ind["realisasi"], ind["capaian"], ind["status"]) == (90, 100, "ok")
    assert ind["derivasi"] == "45 / 50 × 100% = 90%"
    assert out["sasaran"][0]["capaian"] == 100
    (tmp_path / "d.csv").write_text("nama,nilai\na,45\nb,50\n", encoding="utf-8")
    r = invoke(["calc", "--rules", str(tmp_path), "--data", str(tmp_path / "d.csv"), "--json"])
    assert json.loads(r.stdout)["indikator"][0]["realisasi"] == 90


def test_hitung_bad_value_exit_1_names_the_place(tmp_path):
    (tmp_path / "a.kin").write_text(OK_RULES, encoding="utf-8")
    (tmp_path / "d.yaml").write_text("masukan: {a: lima, b: 50}\n", encoding="utf-8")
    r = invoke(["hitung", "--aturan", str(tmp_path), "--data", str(tmp_path / "d.yaml")])
    assert r.exit_code == Exit.FINDINGS
    assert "d.yaml: masukan.a" in r.stdout and "lima" in r.stdout


@pytest.mark.parametrize("args", [
    ["hitung", "--aturan", "tidak-ada", "--data", "x.yaml"],
    ["hitung", "--data", "tidak-ada.yaml"],
    ["hitung"],
    ["perintah-tak-ada"],
])
def test_usage_and_file_errors_exit_2(args):
    r = invoke(args)
    assert r.exit_code == Exit.USAGE


def test_jelaskan_prints_the_tree(tmp_path):
    (tmp_path / "a.kin").write_text(OK_RULES, encoding="utf-8")
    (tmp_path / "d.yaml").write_text("masukan: {a: 45, b: 50}\n", encoding="utf-8")
    r = invoke(["jelaskan", "--aturan", str(tmp_path), "--data", str(tmp_path / "d.yaml"), "rb"])
    assert r.exit_code == Exit.OK
    assert "45 / 50 × 100% = 90%" in r.stdout and "masukan a = 45" in r.stdout
    r = invoke(["explain", "--rules", str(tmp_path), "--data", str(tmp_path / "d.yaml"), "rbb"])
    assert r.exit_code == Exit.USAGE and "maksud Anda rb?" in r.stderr


MEMORY_CAPPED = """
import resource, sys
from kinerja.cli import main
import kinerja.engine, kinerja.workbooks.recalc  # noqa: F401  (imported before the cap: only the work is capped)
vm = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (vm, vm))  # no room left beyond what is already mapped
sys.argv[0] = "kinerja"
main()
"""


def test_out_of_memory_is_a_coded_message_and_the_workbook_is_untouched(tmp_path):
    """A run that exhausts memory (here: the address space capped at what the process already holds) ends with
    B153 and its advice, exit 2, no traceback, and the workbook byte-identical."""
    import os
    import subprocess
    import sys
    from importlib import resources

    book = tmp_path / "buku.xlsx"
    book.write_bytes(resources.files("kinerja.workbooks").joinpath("contoh-pk2024-sumsel.xlsx").read_bytes())
    before = book.read_bytes()
    proc = subprocess.run([sys.executable, "-c", MEMORY_CAPPED, "hitung", str(book)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "KINERJA_DEBUG": ""}, cwd=tmp_path)
    assert proc.returncode == Exit.USAGE, proc.stderr
    assert proc.stderr.startswith("B153 memori tidak cukup"), proc.stderr
    assert "Traceback" not in proc.stderr and "galat internal" not in proc.stderr
    assert book.read_bytes() == before
    assert not list(tmp_path.glob(".~kinerja-*"))


def test_contoh_shows_a_status_as_a_word_in_each_language():
    """ki_aduan (0 of 0, NIHIL) has no data: the summary says so in words, not as the internal code tanpa_data."""
    line = [x for x in invoke(["contoh"]).output.splitlines() if "· ki_aduan:" in x]
    assert line == ["        · ki_aduan: target 30, realisasi -, capaian - [tanpa data]"]
    line = [x for x in invoke(["demo"], env={"KINERJA_BAHASA": "en"}).output.splitlines() if "· ki_aduan:" in x]
    assert line == ["        · ki_aduan: target 30, realisasi -, capaian - [no data]"]
