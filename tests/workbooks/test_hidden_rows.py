"""Rows with data are printed (issue 8 follow-up).

A table input shows VISIBLE_ROWS data rows; the rest of its range is hidden and grouped. An operator who pastes
more rows than are shown gets them computed, but a hidden row does not print: the printed input sheet would not
show data that went into the figures. Hitung unhides every hidden row of a table input's range that holds data —
the ``hidden`` attribute of those ``<row>`` tags is the only thing changed in the input sheets (the outline level
stays, empty hidden rows stay hidden), for the file adapter and, as the same plan, for the live adapter.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.workbooks import layout
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.writer import CellWrite, write_back
from libreoffice import convert
from test_print import page_texts

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
SATKER = "Lapas Contoh Baris Tersembunyi"
# Setjen survey table: name row 15, two filled rows (16, 17), rows 18… hidden. Anggaran pegawai_satker: name row
# 325, 29 filled rows (326–354), rows 355… hidden. Pasted: Setjen rows 18–19, Anggaran row 356 (row 355 stays
# empty: an empty row in the middle of a table is skipped and stays hidden).
PASTED = {
    "Setjen!B18": "November", "Setjen!C18": Decimal(4321), "Setjen!D18": Decimal("3.1"),
    "Setjen!B19": "Desember", "Setjen!C19": Decimal(12), "Setjen!D19": Decimal("3.3"),
    "Anggaran!B356": SATKER, "Anggaran!C356": Decimal(7), "Anggaran!D356": Decimal(8),
}
UNHIDDEN = {"Setjen": {18, 19}, "Anggaran": {356}}


def _part(path: Path, sheet: str) -> str:
    return Package(path).sheet(sheet).part


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def _row_tags(xml: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'<row r="(\d+)"[^>]*>', xml)}


@pytest.fixture(scope="module")
def pasted(tmp_path_factory) -> tuple[Path, Path]:
    """The sample with rows pasted into hidden table rows (before), and the same file after kinerja hitung."""
    tmp = tmp_path_factory.mktemp("tersembunyi")
    before = tmp / "sebelum.xlsx"
    shutil.copy(SAMPLE, before)
    write_back(before, cells={k: CellWrite(v) for k, v in PASTED.items()})
    after = tmp / "sesudah.xlsx"
    res = CliRunner().invoke(main, ["hitung", str(before), "--keluaran", str(after)])
    assert res.exit_code in (0, 1) and "galat internal" not in res.output, res.output
    return before, after


def test_pasted_rows_start_hidden(pasted):
    """The precondition: the pasted rows are hidden (so the next test can fail)."""
    before, _ = pasted
    for sheet, rows in UNHIDDEN.items():
        tags = _row_tags(_xml(before, _part(before, sheet)))
        assert all('hidden="1"' in tags[r] for r in rows), sheet
    ws = openpyxl.load_workbook(before)["Anggaran"]
    assert ws.row_dimensions[355].hidden and ws.row_dimensions[356].hidden


def test_hitung_unhides_exactly_the_hidden_rows_with_data(pasted):
    before, after = pasted
    # kinerja's own sheets are rewritten (FormatIsian: also the meta record a live Hitung compares, B121)
    input_sheets = [s.name for s in Package(before).sheets()
                    if s.name not in ("Ringkasan", "Audit", "Temuan", layout.FORMAT_SHEET)]
    assert "Setjen" in input_sheets and "Anggaran" in input_sheets
    for sheet in input_sheets:
        old = _xml(before, _part(before, sheet))
        new = _xml(after, _part(after, sheet))
        expected = old
        for r in sorted(UNHIDDEN.get(sheet, ())):
            tag = _row_tags(old)[r]
            assert ' hidden="1"' in tag
            expected = expected.replace(tag, tag.replace(' hidden="1"', ""), 1)
        assert new == expected, sheet  # every other byte of every input sheet as it was
    ws = openpyxl.load_workbook(after)["Anggaran"]
    assert not ws.row_dimensions[356].hidden and ws.row_dimensions[356].outlineLevel == 1
    assert ws.row_dimensions[355].hidden  # empty: stays hidden
    assert ws.row_dimensions[357].hidden
    setjen = openpyxl.load_workbook(after)["Setjen"]
    assert not setjen.row_dimensions[19].hidden and setjen.row_dimensions[20].hidden


def test_the_pasted_rows_went_into_the_figures_and_print(pasted, tmp_path):
    before, after = pasted
    wb = openpyxl.load_workbook(after)
    audit = "\n".join(str(c.value) for row in wb["Audit"].iter_rows() for c in row if c.value is not None)
    assert "rata-rata(2,54; 3,74; 3,1; 3,3) = 3,17" in audit and "(Setjen!D19)" in audit
    assert SATKER in audit and "(Anggaran!C356)" in audit
    texts = {}
    for name, path in (("before", before), ("after", after)):
        texts[name] = "\n".join(page_texts(convert(path, "pdf", tmp_path / name)[0]))
    assert SATKER not in texts["before"] and not re.search(r"4[.,]321", texts["before"])
    assert SATKER in texts["after"] and re.search(r"4[.,]321", texts["after"])


def test_live_hitung_shows_the_same_rows(pasted, tmp_path, remote_engine):
    """The live adapter applies the same plan: every table row with data is shown (Excel: EntireRow.Hidden =
    False), in one action per run of consecutive rows; nothing else about rows is touched."""
    from kinerja.workbooks.live import hitung
    from kinerja.workbooks.remote import open_payload
    from kinerja.workbooks.tombol import pasang_tombol
    from payload import Grid, payload_of

    xlsm = tmp_path / "sebelum.xlsm"
    pasang_tombol(pasted[0], xlsm)
    payload = payload_of(xlsm)
    book = open_payload(payload)
    out = hitung(book)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    shown = grid.shown_rows
    assert {18, 19} <= shown["Setjen"] and 356 in shown["Anggaran"]
    assert 355 not in shown["Anggaran"] and 20 not in shown["Setjen"]
    assert 16 in shown["Setjen"] and set(range(326, 355)) <= shown["Anggaran"]
    assert "Ringkasan" not in shown and "Audit" not in shown


def test_live_hitung_refused_for_a_bad_pasted_cell_still_shows_its_row(pasted, tmp_path, remote_engine):
    """A bad cell makes the live Hitung write no result, and its alert names the cell: that cell's row (pasted
    into the hidden rows) is shown, so the operator finds what the alert points at."""
    from kinerja.workbooks.live import hitung
    from kinerja.workbooks.remote import open_payload
    from kinerja.workbooks.tombol import pasang_tombol
    from payload import Grid, payload_of

    xlsm = tmp_path / "sebelum.xlsm"
    pasang_tombol(pasted[0], xlsm)
    payload = payload_of(xlsm, {("Anggaran", "C356"): "tujuh"})
    book = open_payload(payload)
    out = hitung(book)
    assert not out.ok and [p.location for p in out.problems] == ["Anggaran!C356"]
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert len(grid.alerts) == 1 and "Anggaran!C356" in grid.alerts[0]
    assert 356 in grid.shown_rows["Anggaran"] and 355 not in grid.shown_rows["Anggaran"]


@pytest.mark.parametrize("before, rows, after, shown", [
    # Excel writes hidden="1"; LibreOffice hidden="true"; a row may be self-closing or have no r (implied)
    ('<sheetData><row r="2" hidden="1" outlineLevel="1"><c r="A2"><v>1</v></c></row></sheetData>', {2},
     '<sheetData><row r="2" outlineLevel="1"><c r="A2"><v>1</v></c></row></sheetData>', [2]),
    ('<sheetData><row r="3" hidden="true" ht="12"/><row r="4" hidden="true"/></sheetData>', {4},
     '<sheetData><row r="3" hidden="true" ht="12"/><row r="4"/></sheetData>', [4]),
    ('<sheetData><row hidden="1"><c><v>1</v></c></row><row hidden="1"/></sheetData>', {2},
     '<sheetData><row hidden="1"><c><v>1</v></c></row><row/></sheetData>', [2]),
    ('<x:sheetData><x:row r="7" spans="1:3" hidden="1"></x:row></x:sheetData>', {7},
     '<x:sheetData><x:row r="7" spans="1:3"></x:row></x:sheetData>', [7]),
    ('<sheetData><row r="5" hidden="0"/><row r="6"/></sheetData>', {5, 6},
     '<sheetData><row r="5" hidden="0"/><row r="6"/></sheetData>', []),
])
def test_show_rows_removes_only_the_hidden_attribute(before, rows, after, shown):
    from kinerja.workbooks.unhide import show_rows

    prefix = "x:" if before.startswith("<x:") else ""
    assert show_rows(before, rows, prefix) == (after, shown)
