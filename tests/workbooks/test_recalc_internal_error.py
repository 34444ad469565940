"""An internal error during `kinerja hitung BUKU.xlsx` (a bug in kinerja) names the workbook and the step, writes
nothing into the workbook, and leaves a log file with the details — never a bare exception text.

The bug is simulated by making one step of the recalculation raise (monkeypatch): a real one cannot be planted
on purpose, and the point is what the user sees when one exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import audit, recalc

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


@pytest.mark.parametrize(("target", "name", "step"), [
    (audit.Audit, "objects", "menyusun sheet Audit"),
    (recalc, "find", "mencari temuan"),
    (recalc, "write_back", "menulis buku kerja"),
])
def test_internal_error_names_workbook_and_step_writes_nothing_and_leaves_a_log(tmp_path, monkeypatch, target,
                                                                               name, step):
    book = tmp_path / "buku operator.xlsx"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()

    def broken(*args, **kwargs):
        raise TypeError("not a number: None")

    monkeypatch.setattr(target, name, broken)
    monkeypatch.delenv("KINERJA_DEBUG", raising=False)
    r = CliRunner().invoke(main, ["hitung", str(book)], catch_exceptions=False)
    assert r.exit_code == Exit.USAGE
    assert "Traceback" not in r.output and "Traceback" not in r.stderr
    assert "B131" in r.stderr and "buku operator.xlsx" in r.stderr and step in r.stderr
    assert "tidak diubah" in r.stderr
    assert book.read_bytes() == before
    logs = list(tmp_path.glob("kinerja-galat-buku operator-*.log"))
    assert len(logs) == 1 and str(logs[0]) in r.stderr
    text = logs[0].read_text(encoding="utf-8")
    assert f"langkah: {step}" in text and "Traceback" in text and "not a number: None" in text
    # nothing else left behind (no temporary files of an interrupted write)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([book.name, logs[0].name])


def test_internal_error_in_english(tmp_path, monkeypatch):
    book = tmp_path / "book.xlsx"
    shutil.copy(SAMPLE, book)
    monkeypatch.setattr(recalc, "find", lambda *a, **k: 1 / 0)
    r = CliRunner().invoke(main, ["hitung", str(book), "--bahasa", "en"], catch_exceptions=False)
    assert r.exit_code == Exit.USAGE and "looking for findings" in r.stderr and "was not changed" in r.stderr
