"""Recalculating a workbook with another rule set never mixes two years (issue 8): `kinerja hitung` refuses a
template made from other rules (B121) and names `kinerja pindah`, which builds the new rules' template with every
input whose name survives and lists the dropped ones. Uses the bundled PK 2025 example (pk2025-contoh: targets
changed, an indicator added, a sasaran removed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs_from
from kinerja.workbooks.writer import read_meta

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def run(*args):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def test_other_rules_are_refused_with_the_migrate_command_and_nothing_written(tmp_path):
    book = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    r = run("hitung", str(book), "--aturan", "pk2025-contoh")
    assert r.exit_code == Exit.USAGE and "B121" in r.stderr
    assert 'kinerja pindah "buku.xlsx" --aturan pk2025-contoh' in r.stderr
    assert book.read_bytes() == before
    # the same rules as the workbook's: recalculated as always
    assert run("hitung", str(book)).exit_code in (Exit.OK, Exit.FINDINGS)


def test_migrated_workbook_follows_the_new_rules_only(tmp_path):
    book = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    new = tmp_path / "baru.xlsx"
    r = run("pindah", str(book), "--aturan", "pk2025-contoh", "--keluaran", str(new))
    assert r.exit_code == Exit.OK, r.stderr
    assert book.read_bytes() == before  # the old workbook is untouched
    old_checked, new_checked = load_rules("pk2024-sumsel"), load_rules("pk2025-contoh")
    dropped = sorted(set(old_checked.rules.inputs) - set(new_checked.rules.inputs))
    assert dropped and all(n in r.stdout for n in dropped)
    # inputs whose names survive keep their values
    old_in = read_inputs_from(Package(book), input_specs(old_checked))
    new_in = read_inputs_from(Package(new), input_specs(new_checked))
    kept = set(old_checked.rules.inputs) & set(new_checked.rules.inputs)
    assert kept and all(new_in.values.get(n) == old_in.values.get(n) for n in kept)
    r = run("hitung", str(new))
    assert r.exit_code in (Exit.OK, Exit.FINDINGS), r.stderr
    # one year only: title, output names and targets of the new rules, no row of a removed object
    wb = openpyxl.load_workbook(new)
    title = wb[layout.SUMMARY_SHEET]["A1"].value
    assert title == (new_checked.rules.title or new_checked.rules.name) and "2024" not in title
    names = {n.casefold() for n in wb.defined_names}
    gone = set(old_checked.rules.sasaran) - set(new_checked.rules.sasaran)
    assert gone and not [n for n in names for s in gone if n.endswith("_" + s.casefold())]
    assert read_meta(new)[layout.META_RULES] == "pk2025-contoh"
    audit_ids = {row[2] for row in wb[layout.AUDIT_SHEET].iter_rows(min_row=5, values_only=True)}
    assert not (gone & audit_ids)
