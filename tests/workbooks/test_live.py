"""hitung(book) against xlwings' real Book API. Excel does not exist on Linux, so the book is xlwings' remote
engine over the JSON payload Excel sends (``xw.Book`` on xlwings' remote engine, as ``xw.Book(json=…)`` but
on a private App — :func:`kinerja.workbooks.live.open_payload` — built here from the real PK 2024 sample
workbook with the Hitung button); the actions it answers with are applied to a plain grid, as Excel would, and
compared cell by cell with what ``kinerja hitung`` writes into the file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from kinerja.engine import load_rules
from kinerja.workbooks.live import hitung
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.tombol import STATUS_PREFIX, pasang_tombol
from kinerja.workbooks.writer import read_ownership
from payload import Grid, payload_of

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
NOW = dt.datetime(2026, 12, 6, 11, 0, tzinfo=dt.timezone.utc)


pytestmark = pytest.mark.usefixtures("remote_engine")  # tests/conftest.py: xlwings' remote engine licence


def file_cells(path: Path, sheet: str) -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


@pytest.fixture
def sample_xlsm(tmp_path: Path) -> Path:
    src = tmp_path / "contoh-pk2024-sumsel.xlsx"
    shutil.copy(SAMPLE, src)
    dest = tmp_path / "contoh-pk2024-sumsel.xlsm"
    pasang_tombol(src, dest)
    return dest


def test_live_hitung_writes_what_the_file_hitung_writes(sample_xlsm, tmp_path):

    payload = payload_of(sample_xlsm)
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert grid.alerts == []

    filed = tmp_path / "hasil.xlsm"
    recalculate_workbook(sample_xlsm, keluaran=filed, now=NOW)
    wb = openpyxl.load_workbook(filed)
    # every output cell (defined names), value by value
    compared = 0
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            if ":" in ref:
                continue
            c = wb[sheet][ref.replace("$", "")]
            live = grid.sheet(sheet).get((c.row, c.column))
            assert _num(live) == _num(c.value if c.value != "" else None), (name, sheet, ref, live, c.value)
            compared += 1
    assert compared > 300
    # every sheet kinerja owns (Audit, …): every cell, both ways
    owned = read_ownership(filed).sheets
    assert "Audit" in owned
    for sheet in owned:
        want = {k: _num(v) for k, v in file_cells(filed, sheet).items()}
        got = {k: _num(v) for k, v in grid.sheet(sheet).items()}
        assert got == want, sheet
    # the status cells say when, which rules, how many findings
    statuses = [v for _, cells in grid.sheets for (r, _c), v in cells.items()
                if r <= 3 and isinstance(v, str) and v.startswith(STATUS_PREFIX)]
    assert len(statuses) == 11
    assert all("selesai 06-12-2026 18:00 WIB" in s and "aturan: pk2024-sumsel" in s and f"{out.findings} temuan" in s
               for s in statuses)
    assert out.findings > 0


def test_live_bad_input_alerts_with_the_cell_and_writes_nothing_else(sample_xlsm):

    wb = openpyxl.load_workbook(sample_xlsm)
    sheet, ref = next(iter(wb.defined_names["setjen_rb_kanwil_pembilang"].destinations))
    coord = ref.replace("$", "")
    payload = payload_of(sample_xlsm, {(sheet, coord): "lima puluh lima"})
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert not out.ok
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert len(grid.alerts) == 1
    alert = grid.alerts[0]
    assert f"{sheet}!{coord}" in alert and "setjen_rb_kanwil_pembilang" in alert and "lima puluh lima" in alert
    assert "Traceback" not in alert and "B201" in {p.code for p in out.problems}
    # only the status cells were written
    assert grid.writes and all(isinstance(grid.sheet(s).get((r, c)), str)
                               and grid.sheet(s)[(r, c)].startswith(STATUS_PREFIX) for s, r, c in grid.writes)
    assert all("GAGAL" in grid.sheet(s)[(r, c)] for s, r, c in grid.writes)
    version = load_rules("pk2024-sumsel").rules.version
    assert all(f"| aturan: pk2024-sumsel | versi: {version} | 1 masalah isian, hasil tidak ditulis"
               in grid.sheet(s)[(r, c)] for s, r, c in grid.writes)


def test_live_without_rules_or_status_cell_says_what_to_do():

    payload = {"client": "Microsoft Office Scripts", "version": "0.37.8",
               "book": {"name": "lain.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
               "sheets": [{"name": "Isian", "values": [["x", 1]], "pictures": [], "tables": []}]}
    book = open_payload(payload)
    out = hitung(book)
    assert not out.ok
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert "pasang-tombol" in actions[0]["args"][0]


def test_the_button_macro_entry_runs_hitung_on_the_calling_book(sample_xlsm, monkeypatch):
    """What the VBA macro executes (vba.ENTRY), with ``xw.Book.caller()`` mocked — Excel's caller cannot exist
    on Linux — to return the remote book of the sample payload."""
    import xlwings as xw
    from kinerja.workbooks import vba

    book = open_payload(payload_of(sample_xlsm))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    scope: dict = {}
    exec(vba.ENTRY.replace(";", "\n"), scope)  # noqa: S102 - the macro's own Python line
    actions = book.json()["actions"]
    assert not [a for a in actions if a["func"] == "alert"]
    assert sum(a["func"] == "setValues" for a in actions) > 300


def test_live_output_over_an_input_is_refused_before_anything_is_written(sample_xlsm):
    """The file adapter's B152 holds live too: an output name moved onto an input cell writes nothing."""
    payload = payload_of(sample_xlsm)
    entry = {n["name"]: n for n in payload["names"]}
    entry["realisasi_setjen_rb_kanwil"].update(sheet_index=entry["setjen_rb_kanwil_pembilang"]["sheet_index"],
                                                address=entry["setjen_rb_kanwil_pembilang"]["address"])
    book = open_payload(payload)
    out = hitung(book, now=NOW)
    assert not out.ok and "B152" in out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert len(grid.alerts) == 1 and "setjen_rb_kanwil_pembilang" in grid.alerts[0]
    assert all(grid.sheet(s)[(r, c)].startswith(STATUS_PREFIX) for s, r, c in grid.writes)
    version = load_rules("pk2024-sumsel").rules.version  # which rules, and what to do: as the alert says
    assert all(f"GAGAL 06-12-2026 18:00 WIB | aturan: pk2024-sumsel | versi: {version} | B152: "
               in grid.sheet(s)[(r, c)] and "| saran: " in grid.sheet(s)[(r, c)] for s, r, c in grid.writes)


def test_live_date_cell_is_reported_never_read_as_a_day_number(sample_xlsm):
    """"15/3" typed into a count becomes a date in Excel; the payload carries it as an ISO date, which xlwings'
    remote engine hands over as a datetime: B219 naming the cell, never the day number 45366 as the count."""
    wb = openpyxl.load_workbook(sample_xlsm)
    sheet, ref = next(iter(wb.defined_names["setjen_rb_kanwil_pembilang"].destinations))
    coord = ref.replace("$", "")
    book = open_payload(payload_of(sample_xlsm, {(sheet, coord): "2024-03-15T00:00:00.000Z"}))
    out = hitung(book, now=NOW)
    assert not out.ok
    (problem,) = [p for p in out.problems if p.location == f"{sheet}!{coord}"]
    assert problem.code == "B219" and "45366" in problem.message
