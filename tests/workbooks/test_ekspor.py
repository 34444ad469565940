"""`kinerja ekspor BUKU --keluaran DATA.yaml` and `kinerja migrasi` (issue 10): a workbook's inputs as a data file
that gives the same figures as the workbook, and a PK 2024 workbook carried into PK 2025 that gives the same
figures as the equivalent data files. Real workbooks (the bundled sample, copies changed with openpyxl as an
operator would type) and real data files; every figure compared is computed twice through different readers."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks.datafile import read_yaml
from kinerja.workbooks.datafile_yaml import yaml_number
from kinerja.workbooks.reader import read_inputs

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "workbooks" / "contoh-pk2024-sumsel.xlsx"
PK2024 = ROOT / "rules" / "pk2024-sumsel"
PK2025 = ROOT / "rules" / "pk2025-contoh"
FIGURES = ("indikator", "indeks", "sasaran", "eselon", "anggaran", "pegawai")


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in r.output and "galat internal" not in r.output
    return r


def figures(r) -> dict:
    data = json.loads(r.stdout)
    out = {k: data[k] for k in FIGURES}
    out["masalah"] = sorted((p["kode"], p["masukan"], p["sel"]) for p in data["masalah_masukan"])
    return out


def set_named(book: Path, values: dict[str, object]) -> None:
    """What an operator does in Excel: type values into the named input cells."""
    wb = openpyxl.load_workbook(book)
    for name, value in values.items():
        (sheet, cell), = wb.defined_names[name].destinations
        wb[sheet][cell.replace("$", "")] = value
    wb.save(book)


def test_exported_sample_gives_the_same_figures_as_the_workbook(tmp_path):
    book = tmp_path / "contoh.xlsx"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    data = tmp_path / "contoh.yaml"
    r = run("ekspor", book, "--keluaran", data)
    assert r.exit_code == Exit.OK, r.stderr
    assert book.read_bytes() == before  # the workbook is only read
    assert "kinerja hitung --aturan pk2024-sumsel --data" in r.stdout
    text = data.read_text(encoding="utf-8")
    assert "periode: 2024" in text and "docs/berkas-data.md" in text
    assert "  setjen_rb_kanwil_pembilang: 55    # Setjen!C" in text  # each value cites its cell
    # the same values as the workbook reader read, single values and table rows
    specs = input_specs(load_rules("pk2024-sumsel"))
    wb_in, yaml_in = read_inputs(book, specs), read_yaml(data, specs)
    assert yaml_in.values == wb_in.values and yaml_in.tables == wb_in.tables
    assert sum(len(rows) for rows in yaml_in.tables.values()) > 100 and not yaml_in.problems
    # and the same figures, findings included
    from_book = run("hitung", book, "--keluaran", tmp_path / "hasil.xlsx", "--json")
    from_data = run("hitung", "--aturan", "pk2024-sumsel", "--data", data, "--json")
    assert from_book.exit_code == from_data.exit_code
    assert figures(from_data) == figures(from_book)
    assert ([(t["kode"], t["objek"]) for t in json.loads(from_data.stdout)["temuan"]]
            == [(t["kode"], t["objek"]) for t in json.loads(from_book.stdout)["temuan"]])
    assert json.loads(from_data.stdout)["indikator"]  # not two empty results


def test_migrated_pk2025_workbook_gives_the_figures_of_the_equivalent_data_files(tmp_path):
    book = tmp_path / "pk2024.xlsx"
    shutil.copy(SAMPLE, book)
    new = tmp_path / "pk2025.xlsx"
    r = run("migrasi", book, "--aturan", "pk2025-contoh", "--keluaran", new)  # the name for pindah
    assert r.exit_code == Exit.OK, r.stderr
    assert "bphn_jdihn_pembilang, bphn_jdihn_penyebut" in r.stdout  # dropped with the removed sasaran
    assert "perlu diisi" in r.stdout and "imi_paspor_pembilang, imi_paspor_penyebut" in r.stdout  # new, to fill
    # the budget row of the removed sasaran bphn_s2 is carried as it is and named, never dropped silently
    assert "dipindahkan apa adanya" in r.stdout and "bphn_s2" in r.stdout
    extra = read_yaml(PK2025 / "data-tambahan.yaml", input_specs(load_rules("pk2025-contoh"))).values
    set_named(new, {k: int(v) for k, v in extra.items()})
    from_book = run("hitung", new, "--json")
    from_data = run("hitung", "--aturan", "pk2025-contoh", "--data", PK2024 / "data-lkjip-2024.yaml",
                    "--data", PK2024 / "angka-tercetak.yaml", "--data", PK2025 / "data-tambahan.yaml", "--json")
    on_data = figures(from_data)
    # the 2024 data files say `periode: 2024`, the PK 2025 rules berlaku 2025: reported, and the only difference
    assert {(k, n) for k, n, _ in on_data["masalah"] if k == "B122"} == {
        ("B122", "(data-lkjip-2024.yaml: periode)"), ("B122", "(data-tambahan.yaml: periode)")}
    on_data["masalah"] = [p for p in on_data["masalah"] if p[0] != "B122"]
    assert figures(from_book) == on_data
    ind = {o["id"]: o for o in json.loads(from_book.stdout)["indikator"]}
    assert "bphn_jdihn" not in ind and ind["imi_paspor"]["realisasi"] not in (None, "-")
    # the migrated workbook exported: the same figures again
    data = tmp_path / "pk2025.yaml"
    r = run("ekspor", new, "--keluaran", data)
    assert r.exit_code == Exit.FINDINGS and "Anggaran!B" in r.stderr and "bphn_s2" in r.stderr  # that row first
    assert not data.exists()
    wb = openpyxl.load_workbook(new)
    cell = r.stderr.split("Anggaran!")[1].split(" ")[0]
    row = wb["Anggaran"][cell].row
    for c in wb["Anggaran"][row]:
        c.value = None  # the operator deletes the row of the removed sasaran
    wb.save(new)
    r = run("ekspor", new, "--keluaran", data)
    assert r.exit_code == Exit.OK, r.stderr
    assert "periode: 2025" in data.read_text(encoding="utf-8")
    assert figures(run("hitung", "--aturan", "pk2025-contoh", "--data", data, "--json")) == \
        figures(run("hitung", new, "--json"))


def test_a_bad_cell_is_named_and_nothing_is_written(tmp_path):
    book = tmp_path / "salah.xlsx"
    shutil.copy(SAMPLE, book)
    set_named(book, {"setjen_rb_kanwil_pembilang": "55%", "pas_rb_upt_penyebut": "1.234,5"})
    data = tmp_path / "salah.yaml"
    r = run("ekspor", book, "--keluaran", data)
    assert r.exit_code == Exit.FINDINGS
    assert "Setjen!C" in r.stderr and "55%" in r.stderr and "1.234,5" in r.stderr
    assert "tidak ada yang ditulis" in r.stderr and not data.exists()
    r = run("ekspor", book, "--keluaran", data, "--bahasa", "en")
    assert "nothing was written" in r.stderr


def test_existing_file_and_wrong_extension_are_refused(tmp_path):
    data = tmp_path / "ada.yaml"
    data.write_text("# milik operator\n", encoding="utf-8")
    r = run("ekspor", SAMPLE, "--keluaran", data)
    assert r.exit_code == Exit.USAGE and "B119" in r.stderr and "--timpa" in r.stderr
    assert data.read_text(encoding="utf-8") == "# milik operator\n"
    assert run("ekspor", SAMPLE, "--keluaran", data, "--timpa").exit_code == Exit.OK
    r = run("ekspor", SAMPLE, "--keluaran", tmp_path / "data.xlsx")
    assert r.exit_code == Exit.USAGE and "B118" in r.stderr


@pytest.mark.parametrize("text", ["2.54", "0.1", "1.234567", "100.00", "26943", "-3.5", "0.12345678901234567890123",
                                  "1.234", "1234567890123.4567891", "1E+3", "0.000001"])
def test_every_number_reads_back_exactly(tmp_path, text):
    d = Decimal(text)
    p = tmp_path / "d.yaml"
    p.write_text(f"masukan:\n  x: {yaml_number(d)}\n", encoding="utf-8")
    from kinerja.engine.interface import InputSpec

    got = read_yaml(p, [InputSpec("x", "angka")]).values["x"]
    assert got == d, (yaml_number(d), got)
