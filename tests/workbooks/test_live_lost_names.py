"""A live Hitung (button, ``kinerja server``) refuses a lost output name exactly as ``kinerja hitung`` does.

Found by live10: the file path knows which output names kinerja created from the custom property
``kinerja.owned.names`` and refuses (B114) when one is gone — its cell would keep the last figure beside the new
ones. xlwings' ``Book`` API cannot read custom properties, so the live path wrote realisasi 20 and "Belum
tercapai" and left capaian at the old 100 without a word; an output name pointing at ``#REF!`` was silently
skipped. The record now also stands in the hidden ``FormatIsian`` sheet (:mod:`kinerja.workbooks.ownrecord`),
read by both paths through :func:`kinerja.workbooks.recalc.owned_output_names`.

Excel does not exist on Linux: the book is xlwings' real remote engine over the JSON payload Excel sends
(``payload.payload_of``, FormatIsian computed by LibreOffice), its answer applied to a plain grid as Excel would.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.live import hitung
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.ownrecord import HEADER, names_in
from kinerja.workbooks.recalc import owned_output_names, recalculate_workbook
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.tombol import STATUS_PREFIX, pasang_tombol, rules_from_status
from kinerja.workbooks.writer import CellWrite, read_ownership, write_back
from payload import Grid, payload_of
from test_output_names_lost import drop_names

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.timezone.utc)
LOST = "capaian_setjen_rb_kanwil"

pytestmark = pytest.mark.usefixtures("remote_engine")  # tests/conftest.py: xlwings' remote engine licence


@pytest.fixture
def book_11(tmp_path: Path) -> Path:
    """The sample with the Hitung button, its pembilang changed from 55 to 11 (realisasi 20 %, capaian 20)."""
    src = tmp_path / "contoh.xlsx"
    shutil.copy(SAMPLE, src)
    write_back(src, cells={"setjen_rb_kanwil_pembilang": CellWrite(11)})
    dest = tmp_path / "contoh.xlsm"
    pasang_tombol(src, dest)
    return dest


def _record(path: Path) -> tuple[str, ...] | None:
    pkg = Package(path)
    return names_in(pkg.cells(layout.FORMAT_SHEET).cells)


def test_the_template_the_sample_and_every_file_hitung_keep_the_record_in_format_isian(tmp_path):
    owned = read_ownership(SAMPLE).names
    assert LOST in owned and layout.TEMUAN_COUNT in owned and len(owned) > 300
    assert _record(SAMPLE) == owned  # one writer: the property and the sheet hold the same list
    r = CliRunner().invoke(main, ["templat", "--keluaran", str(tmp_path / "t.xlsx")], catch_exceptions=False)
    assert r.exit_code == Exit.OK, r.output
    assert _record(tmp_path / "t.xlsx") == read_ownership(tmp_path / "t.xlsx").names == owned
    out = tmp_path / "h.xlsx"
    recalculate_workbook(SAMPLE, keluaran=out, now=NOW)
    assert _record(out) == owned
    # the file path reads the sheet where the property is gone (a tool that drops custom properties)
    pkg = Package(out)
    pkg.custom_properties = lambda: {}  # type: ignore[method-assign]
    assert owned_output_names(pkg) == owned


def test_live_hitung_refuses_a_lost_output_name_as_the_file_hitung_does(book_11):
    payload = payload_of(book_11)
    payload["names"] = [n for n in payload["names"] if n["name"] not in (LOST, layout.TEMUAN_COUNT)]
    before = Grid(payload)
    capaian_cell = openpyxl.load_workbook(book_11).defined_names[LOST].attr_text.split("!")[1].replace("$", "")
    assert before.sheet("Ringkasan")[(openpyxl.utils.cell.coordinate_to_tuple(capaian_cell))] == 100

    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert not out.ok
    assert "B114" in out.message and LOST in out.message and layout.TEMUAN_COUNT in out.message
    assert "kinerja pindah" in out.message and "Traceback" not in out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert len(grid.alerts) == 1 and LOST in grid.alerts[0]
    # nothing but the status cells: no realisasi 20 beside the stale capaian 100
    assert grid.writes and all(grid.sheet(s)[(r, c)].startswith(STATUS_PREFIX) and "GAGAL" in grid.sheet(s)[(r, c)]
                               for s, r, c in grid.writes)
    # the status cell says with which rules Hitung was attempted, as a success does, and what to do (rapi11: it
    # said neither — and the next Hitung, which reads the rule set from that cell, refused the workbook)
    version = load_rules("pk2024-sumsel").rules.version
    for s, r, c in grid.writes:
        status = grid.sheet(s)[(r, c)]
        assert f"| aturan: pk2024-sumsel | versi: {version} | B114: nama keluaran " in status and LOST in status, status
        assert "| saran: Buat lagi nama itu di Formulas › Name Manager" in status and "kinerja pindah" in status
        assert rules_from_status(status) == "pk2024-sumsel"

    # the file path: the same code, message and advice, word for word (the place before it names the file)
    drop_names(book_11, LOST, layout.TEMUAN_COUNT)
    r = CliRunner().invoke(main, ["hitung", str(book_11)], catch_exceptions=False)
    assert r.exit_code == Exit.USAGE
    assert r.output.split("B114: ", 1)[1].strip() == out.message.split("B114: ", 1)[1].strip()


def test_live_hitung_refuses_an_output_name_pointing_at_ref(book_11):
    payload = payload_of(book_11)
    entry = next(n for n in payload["names"] if n["name"] == LOST)
    entry.update(sheet_index=None, address=None, refers_to="=#REF!")  # the Ringkasan row was deleted
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert not out.ok and "B114" in out.message and LOST in out.message and "#REF!" in out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert len(grid.alerts) == 1
    assert all(grid.sheet(s)[(r, c)].startswith(STATUS_PREFIX) for s, r, c in grid.writes)


def test_live_hitung_keeps_the_record_it_read_and_a_clean_book_still_computes(book_11):
    payload = payload_of(book_11)
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    fmt = grid.sheet(layout.FORMAT_SHEET)
    col = next(c for (r, c), v in fmt.items() if r == 1 and v == HEADER)
    assert tuple(v for (r, c), v in sorted(fmt.items()) if c == col and r > 1) == read_ownership(book_11).names


def test_a_workbook_from_before_the_record_still_computes_live(book_11):
    """No record in FormatIsian (a workbook written by an older kinerja): the live path cannot tell which names
    kinerja made, so it computes as before; the next file Hitung writes the record (docs/buku-kerja.md)."""
    payload = payload_of(book_11)
    fmt = next(s for s in payload["sheets"] if s["name"] == layout.FORMAT_SHEET)
    col = fmt["values"][0].index(HEADER)
    for row in fmt["values"]:
        row[col] = None
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert HEADER not in grid.sheet(layout.FORMAT_SHEET).values()  # nothing invented
