"""`kinerja rekap`: three unit workbooks (made with `kinerja templat --isi`) into a Kanwil workbook.

Expected figures by hand (units Lapas A, Rutan B, Bapas C; Lapas D expected but missing):
rb_a 10 + 5 + 0 = 15, rb_b 12 + 5 + 3 = 20 → rb 75 %; ikm_a mean of those who filled (3,2 + 2,8) / 2 = 3;
ikm_b non-participants as 0 over the 4 expected units (3,2 + 2,8 + 0 + 0) / 4 = 1,5; ikm_c weighted by
respondents (3,2·10 + 2,8·30) / 40 = 2,9; survei rows 2 + 1 + 0 = 3, mean (3,0 + 3,4 + 2,9) / 3 = 3,1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from libreoffice import sheets_as_csv

RULES = """aturan rekap_uji "Uji rekap"
target { rb = 100  ikm_isi = 3  ikm_nol = 3  ikm_bb = 3  survei_ikm = 3 }
eselon adm "Sekretariat" {
  masukan nama_unit: teks "Nama unit"
  masukan rb_a: cacah "RB terlaksana"
  masukan rb_b: cacah "RB total"
  masukan ikm_a: indeks opsional "IKM (rata-rata unit pengisi)"
  masukan ikm_b: indeks opsional "IKM (tidak mengisi = 0)"
  masukan ikm_c: indeks opsional "IKM (berbobot responden)"
  masukan responden: cacah opsional "Responden"
  tabel survei "Survei" { unit: teks  nilai: indeks }
  sasaran s1 "S" {
    indikator rb "RB" { satuan persen  realisasi = rasio rb_a / rb_b }
    indikator ikm_isi "IKM isi" { satuan indeks  realisasi = ikm_a }
    indikator ikm_nol "IKM nol" { satuan indeks  realisasi = ikm_b }
    indikator ikm_bb "IKM berbobot" { satuan indeks  realisasi = ikm_c }
    indikator survei_ikm "Survei" { satuan indeks  realisasi = rata_rata(survei.nilai) }
  }
}
rekap {
  unit "Lapas A", "Rutan B", "Bapas C", "Lapas D"
  nama_unit = identitas
  rb_a = jumlah
  rb_b = jumlah
  ikm_a = rata_rata
  ikm_b = rata_rata(kosong_nol)
  ikm_c = rata_rata_berbobot(responden)
  survei = gabung
}
"""

UNITS = {
    "a": 'masukan: {nama_unit: "Lapas A", rb_a: 10, rb_b: 12, ikm_a: 3.2, ikm_b: 3.2, ikm_c: 3.2, responden: 10}\n'
         "tabel:\n  survei: [{unit: Januari, nilai: 3.0}, {unit: Februari, nilai: 3.4}]\n",
    "b": 'masukan: {nama_unit: "Rutan B", rb_a: 5, rb_b: 5, ikm_a: 2.8, ikm_b: 2.8, ikm_c: 2.8, responden: 30}\n'
         "tabel:\n  survei: [{unit: Januari, nilai: 2.9}]\n",
    "c": 'masukan: {nama_unit: "Bapas C", rb_a: 0, rb_b: 3}\n',
}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("rekap")
    rules = base / "aturan"
    rules.mkdir()
    (rules / "a.kin").write_text(RULES, encoding="utf-8")
    folder = base / "unit"
    folder.mkdir()
    for name, data in UNITS.items():
        (base / f"{name}.yaml").write_text(data, encoding="utf-8")
        res = run("templat", "--aturan", str(rules), "--keluaran", str(folder / f"{name}.xlsx"), "--isi",
                  str(base / f"{name}.yaml"))
        assert res.exit_code == 0, res.output
    return rules, folder


def by_id(hasil: dict) -> dict:
    return {o["id"]: o for o in hasil["indikator"]}


def test_three_units_consolidated_as_computed_by_hand(units, tmp_path):
    rules, folder = units
    dest = tmp_path / "kanwil.xlsx"
    res = run("rekap", str(folder), "--aturan", str(rules), "--keluaran", str(dest), "--json")
    assert res.exit_code == Exit.FINDINGS, res.output  # Lapas D is missing
    out = json.loads(res.stdout)
    ind = by_id(out)
    assert ind["rb"]["realisasi"] == 75 and out["rekap"]["masukan"]["rb_a"]["derivasi"].endswith("= 15")
    assert ind["ikm_isi"]["realisasi"] == 3
    assert ind["ikm_nol"]["realisasi"] == 1.5
    assert ind["ikm_bb"]["realisasi"] == 2.9
    assert ind["survei_ikm"]["realisasi"] == 3.1
    assert out["rekap"]["unit"] == ["Lapas A", "Rutan B", "Bapas C"]
    codes = [(t["kode"], t["objek"]) for t in out["rekap"]["temuan"]]
    assert codes == [("T401", "Lapas D")]
    contrib = {k["unit"]: k for k in out["rekap"]["masukan"]["ikm_b"]["kontribusi"]}
    assert contrib["Bapas C"]["nilai"] == 0 and contrib["Lapas D"]["nilai"] == 0
    assert "a.xlsx Sekretariat!" in contrib["Lapas A"]["sumber"]

    wb = openpyxl.load_workbook(dest)
    rows = list(wb["Audit"].iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if "Cocok?" in r)  # the header row (title rows above it)
    head = list(rows[h])
    audit = {r[head.index("ID")]: r for r in rows[h + 1:]}
    shown = audit["rb"][head.index("Masukan (sel = nilai)")]
    for unit, cell_value in (("Lapas A", "10"), ("Rutan B", "5"), ("Bapas C", "0")):
        assert f"{unit} = {cell_value} (" in shown  # each unit's contribution, with its file and cell
    rekap_rows = list(wb["Rekap"].iter_rows(values_only=True))
    assert ("rb_b", "jumlah", "Rutan B", 5) == rekap_rows[5][:4] or any(
        r[:4] == ("rb_b", "jumlah", "Rutan B", 5) for r in rekap_rows)
    assert any(r[0] == "T401" and r[2] == "Lapas D" for r in rekap_rows)

    # LibreOffice opens it and its own recalculation of the check formulas agrees with every value
    sheets = sheets_as_csv(dest, tmp_path / "lo")
    rows = sheets["Audit"]
    h = next(i for i, r in enumerate(rows) if "Cocok?" in r)
    col = rows[h].index("Cocok?")
    checked = [r[col] for r in rows[h + 1:] if len(r) > col and r[col] not in ("", "-")]
    assert checked and set(checked) == {"cocok"}


def test_duplicated_unit_is_a_finding_and_counted_once(units, tmp_path):
    rules, folder = units
    pile = tmp_path / "unit"
    shutil.copytree(folder, pile)
    shutil.copyfile(pile / "a.xlsx", pile / "a (1).xlsx")  # Lapas A sent twice
    dest = tmp_path / "kanwil.xlsx"
    res = run("rekap", str(pile), "--aturan", str(rules), "--keluaran", str(dest), "--json")
    out = json.loads(res.stdout)
    assert by_id(out)["rb"]["realisasi"] == 75  # still 15 / 20
    kinds = sorted(t["kode"] for t in out["rekap"]["temuan"])
    assert kinds == ["T401", "T402"]


def test_all_units_present_no_consolidation_finding(units, tmp_path):
    rules, folder = units
    pile = tmp_path / "unit"
    shutil.copytree(folder, pile)
    (tmp_path / "d.yaml").write_text('masukan: {nama_unit: "Lapas D", rb_a: 5, rb_b: 10, ikm_b: 2.0}\n')
    assert run("templat", "--aturan", str(rules), "--keluaran", str(pile / "d.xlsx"), "--isi",
               str(tmp_path / "d.yaml")).exit_code == 0
    dest = tmp_path / "kanwil.xlsx"
    out = json.loads(run("rekap", str(pile), "--aturan", str(rules), "--keluaran", str(dest), "--json").stdout)
    assert out["rekap"]["temuan"] == []
    assert by_id(out)["rb"]["realisasi"] == 66.67  # 20 / 30, rounded to 2 by the rules' default
    assert by_id(out)["ikm_nol"]["realisasi"] == 2  # (3,2 + 2,8 + 0 + 2,0) / 4


def test_rules_without_rekap_block_is_a_usage_error(tmp_path, units):
    _, folder = units
    rules = tmp_path / "tanpa"
    rules.mkdir()
    (rules / "a.kin").write_text(RULES.split("rekap {")[0], encoding="utf-8")
    res = run("rekap", str(folder), "--aturan", str(rules), "--keluaran", str(tmp_path / "k.xlsx"))
    assert res.exit_code == Exit.USAGE and "B135" in res.output
    assert not (tmp_path / "k.xlsx").exists()


def _yearly(base: Path, year: int) -> Path:
    rules = base / f"aturan{year}"
    rules.mkdir()
    text = RULES.replace('aturan rekap_uji "Uji rekap"\n',
                         f'aturan rekap_uji "Uji rekap"\npengaturan {{ berlaku = {year} }}\n')
    (rules / "a.kin").write_text(text, encoding="utf-8")
    return rules


def test_a_unit_workbook_of_another_year_is_left_out_with_a_finding(tmp_path):
    """Bapas C sends last year's workbook (made from the 2024 rules): its inputs have the same names, and rekap
    summed them into the 2025 Kanwil figures without a word. Now it is left out (T407, with both years) and counts
    as missing; the 2025 units are consolidated as before."""
    r2024, r2025 = _yearly(tmp_path, 2024), _yearly(tmp_path, 2025)
    pile = tmp_path / "unit"
    pile.mkdir()
    for name, data in UNITS.items():
        (tmp_path / f"{name}.yaml").write_text(data, encoding="utf-8")
        rules = r2024 if name == "c" else r2025
        assert run("templat", "--aturan", str(rules), "--keluaran", str(pile / f"{name}.xlsx"), "--isi",
                   str(tmp_path / f"{name}.yaml")).exit_code == 0
    res = run("rekap", str(pile), "--aturan", str(r2025), "--keluaran", str(tmp_path / "k.xlsx"), "--json")
    out = json.loads(res.stdout)
    found = {t["kode"]: t for t in out["rekap"]["temuan"]}
    assert "T407" in found and "2024" in found["T407"]["pesan"] and "2025" in found["T407"]["pesan"], found
    assert "c.xlsx" in found["T407"]["pesan"]
    assert out["rekap"]["unit"] == ["Lapas A", "Rutan B"]
    assert by_id(out)["rb"]["realisasi"] == round(100 * 15 / 17, 2)  # (10 + 5) / (12 + 5), Bapas C not in it


def test_a_unit_still_holding_carried_figures_is_named(tmp_path):
    """A unit moved its 2024 workbook to the 2025 rules (`kinerja pindah`) and sent it without replacing the
    figures: each unit's own T501 (last year's figure still in a cell) reaches the Kanwil's rekap, with the unit."""
    r2024, r2025 = _yearly(tmp_path, 2024), _yearly(tmp_path, 2025)
    pile = tmp_path / "unit"
    pile.mkdir()
    (tmp_path / "a.yaml").write_text(UNITS["a"], encoding="utf-8")
    old = tmp_path / "a2024.xlsx"
    assert run("templat", "--aturan", str(r2024), "--keluaran", str(old), "--isi",
               str(tmp_path / "a.yaml")).exit_code == 0
    assert run("pindah", str(old), "--aturan", str(r2025), "--keluaran", str(pile / "a.xlsx")).exit_code in (0, 1)
    res = run("rekap", str(pile), "--aturan", str(r2025), "--keluaran", str(tmp_path / "k.xlsx"), "--json")
    out = json.loads(res.stdout)
    stale = [t for t in out["rekap"]["temuan"] if t["kode"] == "T501"]
    assert stale and all("Lapas A" in t["pesan"] and "a.xlsx" in t["pesan"] for t in stale), stale
    # one finding per input sheet of the unit (rapi11), every carried input still listed in its isian
    assert {t["objek"] for t in stale} == {"Sekretariat"}
    assert {i["masukan"] for t in stale for i in t["isian"]} >= {"rb_a", "rb_b"}
