"""Year as a parameter (issue 10): the bundled PK 2024 rules carry into 2025 without 2024 text — Tabel 115 totals
follow `berlaku` through `tahun_berlaku`, labels/sources/check messages through `{tahun}`, and no LKjIP 2024 line
number or 2024 office name prints in a `periksa` message for another year's data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import load_rules

ROOT = Path(__file__).parents[1]
DATA = ROOT / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml"
PAGU_2024 = 352837680000  # LKjIP 2024 Tabel 115 total 2024, baris 3282
PAGU_2023 = 332577857000  # total 2023, baris 3277


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def anggaran(r) -> dict:
    return json.loads(r.stdout)["anggaran"]


def test_tabel_115_totals_follow_the_year_of_the_rules(tmp_path):
    a = anggaran(run("hitung", "--data", DATA, "--json"))
    assert a["pagu_belanja_tahun_ini"] == PAGU_2024 and a["pagu_belanja_tahun_lalu"] == PAGU_2023
    # PK 2025 inherits the same rules: this year = the 2025 rows, last year = the 2024 rows
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["periode"] = 2025
    rows = data["tabel"]["anggaran_belanja"]
    rows += [{**r, "tahun": 2025, "pagu": r["pagu"] + 1000} for r in rows if r["tahun"] == 2024]
    p = tmp_path / "data-2025.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = run("hitung", "--aturan", "pk2025-contoh", "--data", p, "--json")
    a = anggaran(r)
    assert a["pagu_belanja_tahun_lalu"] == PAGU_2024 and a["pagu_belanja_tahun_ini"] == PAGU_2024 + 3000
    assert not [x for x in json.loads(r.stdout)["masalah_masukan"] if x["kode"] == "B122"]  # periode 2025 = berlaku
    rs = load_rules("pk2025-contoh").rules
    assert rs.values["pagu_belanja_tahun_ini"].label == "Total pagu belanja 2025"
    assert rs.values["pagu_belanja_tahun_lalu"].label == "Total pagu belanja 2024"
    assert rs.values["pagu_belanja_tahun_ini"].source == "Tabel 115, baris total 2025"
    # the explanation shows the year the filter used
    out = run("jelaskan", "pagu_belanja_tahun_ini", "--aturan", "pk2025-contoh", "--data", p).stdout
    assert "Total pagu belanja 2025" in out and "tahun_berlaku" in out


def test_no_2024_text_in_the_checks_of_another_year():
    for name in ("pk2024-sumsel", "pk2025-contoh"):
        rs = load_rules(name).rules
        for chk in rs.checks.values():
            text = "".join(p for p in chk.parts if isinstance(p, str)) or chk.message
            assert not re.search(r"baris \d{3,4}", text), (name, chk.id, text)
            assert "Kanim" not in text and "LKjIP 2024" not in text, (name, chk.id)
            if name == "pk2025-contoh":
                assert "2024" not in text, (chk.id, text)
    # the 2024 notes stay in the rule file, as comments above their checks
    src = (ROOT / "rules" / "pk2024-sumsel" / "60-pemeriksaan.kin").read_text(encoding="utf-8")
    assert "# LKjIP 2024 (baris 1964): Kanim Kelas I TPI Palembang" in src


def test_check_messages_name_the_year_of_the_rules():
    r = run("hitung", "--aturan", "pk2025-contoh", "--data", DATA, "--json")
    msgs = [t["pesan"] for t in json.loads(r.stdout)["temuan"] if t["kode"] == "T301"]
    assert msgs and not [m for m in msgs if "2024" in m or re.search(r"baris \d{3,4}", m)], msgs
    r = run("contoh", "--json")
    twice = [t["pesan"] for t in json.loads(r.stdout)["temuan"] if "seluruh jajaran dicetak dua kali" in t["pesan"]]
    assert {m.split(" seluruh")[0] for m in twice} == {"Pagu akhir 2024", "Realisasi 2024"}


def test_year_in_a_message_needs_berlaku(tmp_path):
    (tmp_path / "a.kin").write_text(
        'aturan a "A"\nmasukan x: cacah "X"\nnilai y "Y" = x\n'
        'periksa besar "Nilai {tahun} besar: {y}; tahun lalu {tahun - 1}." tingkat info jika y > 1\n', encoding="utf-8")
    r = run("periksa", tmp_path / "a.kin")
    assert r.exit_code != Exit.OK and "E225" in r.stderr
    (tmp_path / "a.kin").write_text((tmp_path / "a.kin").read_text(encoding="utf-8")
                                    + "pengaturan { berlaku = 2026 }\n", encoding="utf-8")
    d = tmp_path / "d.yaml"
    d.write_text("masukan: {x: 5}\n", encoding="utf-8")
    r = run("hitung", "--aturan", tmp_path / "a.kin", "--data", d, "--json")
    assert [t["pesan"] for t in json.loads(r.stdout)["temuan"]] == ["Nilai 2026 besar: 5; tahun lalu 2025."]


def _year_2030(tmp_path) -> tuple[Path, Path]:
    """A PK 2030 that only moves the year, and the LKjIP 2024 inputs relabelled as 2030's data (no printed
    figures): whatever still says 2024, or an LKjIP 2024 line, is text of another year."""
    (tmp_path / "pk2030").mkdir()
    (tmp_path / "pk2030" / "pk2030.kin").write_text(
        'aturan pk2030 "PK 2030"\nperluas "pk2024-sumsel"\npengaturan { berlaku = 2030 }\n', encoding="utf-8")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["periode"] = 2030
    data.pop("dilaporkan")
    p = tmp_path / "data-2030.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path / "pk2030", p


def test_no_2024_text_in_the_input_labels_of_another_year(tmp_path):
    rules, _ = _year_2030(tmp_path)
    rs = load_rules(rules).rules
    labels = [(i.name, i.label) for i in rs.inputs.values()]
    labels += [(f"{t.name}.{c.name}", c.label) for t in rs.tables.values() for c in t.columns]
    assert not [(n, lab) for n, lab in labels if "2024" in lab or "2023" in lab], labels


def test_same_quantity_findings_of_another_year_name_no_lkjip_2024_line(tmp_path):
    """T105 names each figure's place: for 2030's data the LKjIP 2024 lines (`sumber` of the bundled `sama`)
    are not its places — the data file's keys are; for 2024's own data they still are (tests/pk2024)."""
    rules, data = _year_2030(tmp_path)
    r = run("hitung", "--aturan", rules, "--data", data, "--json")
    found = [t for t in json.loads(r.stdout)["temuan"] if t["kode"] == "T105"]
    assert len(found) == 4, found  # the four populations printed twice still differ in these inputs
    for t in found:
        assert not re.search(r"baris \d{3,4}", t["pesan"] + t["pesan_en"] + str(t["sumber"])), t
        assert "data-2030.yaml: masukan." in t["pesan"], t["pesan"]


def test_a_year_written_as_text_is_one_error_at_that_line(tmp_path):
    """`berlaku = "2025"` (quoted, as a planner may copy it): one E209 at the child's line saying how to write
    it — not two dozen E225 inside the bundled files telling to add the berlaku that is there."""
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "p.kin").write_text('perluas "pk2024-sumsel"\npengaturan { berlaku = "2025" }\n',
                                          encoding="utf-8")
    r = run("periksa", tmp_path / "p")
    assert r.exit_code == Exit.FINDINGS
    assert "E225" not in r.output and "pk2024-sumsel/" not in r.output, r.output
    assert r.output.count("E209") == 1 and "p.kin:2:" in r.output and "tulis berlaku = 2025" in r.output, r.output


def test_a_label_and_source_with_the_year_are_one_error_when_berlaku_is_missing(tmp_path):
    (tmp_path / "a.kin").write_text(
        'aturan a "A"\nmasukan x: cacah "X"\nnilai y "Y {tahun}" = x sumber "Tabel 1, {tahun}"\n', encoding="utf-8")
    r = run("periksa", tmp_path / "a.kin")
    assert r.output.count("E225") == 1, r.output


def test_report_places_of_another_year_are_not_inherited(tmp_path):
    """`sumber_laporan` of an indicator, index or sasaran is its place in the LKjIP of the rules' year: PK 2030's
    JSON does not cite lines of the 2024 report; PK 2024's keeps them, and a place written with {tahun} follows
    the year."""
    rules, data = _year_2030(tmp_path)
    out = json.loads(run("hitung", "--aturan", rules, "--data", data, "--json").stdout)
    places = [o.get("sumber_laporan") for part in ("indikator", "indeks", "sasaran") for o in out[part]]
    assert not [p for p in places if p and re.search(r"baris \d{3,4}", p)], places
    assert load_rules(rules).rules.values["pagu_belanja_tahun_ini"].source == "Tabel 115, baris total 2030"
    own = json.loads(run("hitung", "--data", DATA, "--json").stdout)
    assert any(re.search(r"baris \d{3,4}", o.get("sumber_laporan") or "") for o in own["indikator"])
