"""`kinerja hitung BUKU.xlsx` speaks the language asked for (``--bahasa en`` before or after the command, or
``KINERJA_BAHASA=en``): the terminal summary, its input problems, the note on changed rules and the last line.

Found by using it: the workbook path printed Indonesian whatever was asked, while `contoh` and the data-file path
honoured ``--bahasa en``. The workbook's own sheets stay in the language of its form (Indonesian).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.workbooks import layout

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
INDONESIAN = ("Set aturan:", "Ditulis ke", "MASALAH MASUKAN", "Catatan: aturan berubah", "sel keluaran")


@pytest.fixture
def book(tmp_path) -> Path:
    """The sample with a pagu typed as Indonesian-formatted text, last computed with an older version of the rules."""
    path = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    wb["Anggaran"]["C12"] = "1.234,5"
    for prop in wb.custom_doc_props.props:
        if prop.name == "kinerja.meta." + layout.META_VERSION:
            prop.value = "000000000000"
    wb.save(path)
    return path


@pytest.mark.parametrize("args", [["--bahasa", "en", "hitung", "{b}"], ["hitung", "{b}", "--lang", "en"]])
def test_hitung_on_a_workbook_in_english(book, args):
    res = CliRunner().invoke(main, [a.format(b=book) for a in args])
    assert res.exit_code == 1, res.output
    out = res.output
    assert "Rule set: pk2024-sumsel" in out and f"Written to {book}" in out, out
    assert "INPUT PROBLEMS" in out and "Anggaran!C12" in out, out
    assert "Note: the rules changed since this workbook was made (version 000000000000 → " in out, out
    leaked = [w for w in INDONESIAN if w in out]
    assert leaked == [], leaked


def test_hitung_on_a_workbook_in_english_from_the_environment(book, monkeypatch):
    monkeypatch.setenv("KINERJA_BAHASA", "en")
    res = CliRunner().invoke(main, ["hitung", str(book)])
    assert "Rule set: pk2024-sumsel" in res.output and "Ditulis ke" not in res.output, res.output


def test_hitung_on_a_workbook_in_indonesian_by_default(book):
    res = CliRunner().invoke(main, ["hitung", str(book)])
    out = res.output
    assert "Set aturan: pk2024-sumsel" in out and f"Ditulis ke {book}" in out and "MASALAH MASUKAN" in out, out
    assert "Catatan: aturan berubah sejak buku kerja ini dibuat (versi 000000000000 → " in out, out
