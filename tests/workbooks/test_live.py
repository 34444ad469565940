"""hitung(book) against xlwings' real Book API. Excel does not exist on Linux, so the book is xlwings' remote
engine over the JSON payload Excel sends (``xw.Book(json=…)``, built here from the real PK 2024 sample
workbook with the Hitung button); the actions it answers with are applied to a plain grid, as Excel would, and
compared cell by cell with what ``kinerja hitung`` writes into the file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.tombol import STATUS_PREFIX, pasang_tombol
from kinerja.workbooks.writer import read_ownership

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
NOW = dt.datetime(2026, 12, 6, 11, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def _license(monkeypatch):
    # xlwings' remote engine needs a key; "noncommercial" is the PolyForm Noncommercial one (government use).
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


def payload_of(path: Path, edit: dict[tuple[str, str], object] | None = None) -> dict:
    """The remote-interpreter payload Excel would send for the workbook at ``path`` (values as displayed)."""
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    edit = edit or {}
    sheets = []
    for ws in wb.worksheets:
        grid = [[c.value for c in row] for row in ws.iter_rows(min_row=1, min_col=1,
                                                                max_row=ws.max_row, max_col=ws.max_column)]
        for (sheet, coord), value in edit.items():
            if sheet == ws.title:
                cell = ws[coord]
                grid[cell.row - 1][cell.column - 1] = value
        grid = [[v.isoformat() if isinstance(v, (dt.datetime, dt.date)) else v for v in row] for row in grid]
        sheets.append({"name": ws.title, "values": grid or [[None]], "pictures": [], "tables": []})
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            names.append({"name": name, "sheet_index": index[sheet], "address": ref.replace("$", ""),
                          "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True})
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


class Grid:
    """Applies xlwings' JSON actions to plain values, as Excel (or the Office.js add-in) does."""

    def __init__(self, payload: dict):
        self.sheets = []
        for s in payload["sheets"]:
            cells = {(r + 1, c + 1): v for r, row in enumerate(s["values"]) for c, v in enumerate(row)
                     if v not in (None, "")}
            self.sheets.append([s["name"], cells])
        self.alerts: list[str] = []
        self.writes: list[tuple[str, int, int]] = []

    def sheet(self, name: str) -> dict:
        return next(cells for n, cells in self.sheets if n == name)

    def apply(self, actions: list[dict]) -> None:
        for a in actions:
            f = a["func"]
            if f == "setValues":
                name, cells = self.sheets[a["sheet_position"]]
                for i, row in enumerate(a["values"]):
                    for j, v in enumerate(row):
                        rc = (a["start_row"] + i + 1, a["start_column"] + j + 1)
                        self.writes.append((name, *rc))
                        if v in (None, ""):
                            cells.pop(rc, None)
                        else:
                            cells[rc] = v
            elif f == "sheetClearContents":
                self.sheets[a["sheet_position"]][1].clear()
            elif f == "addSheet":
                self.sheets.insert(a["args"][0], [a["args"][1], {}])
            elif f == "alert":
                self.alerts.append(a["args"][0])
            elif f == "setFontProperty":
                continue
            else:
                raise AssertionError(f"unexpected action {f}")


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
    import xlwings as xw
    from kinerja.workbooks.live import hitung

    payload = payload_of(sample_xlsm)
    book = xw.Book(json=payload)
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
    assert all("selesai 2026-12-06 11:00 UTC" in s and "aturan: pk2024-sumsel" in s and f"{out.findings} temuan" in s
               for s in statuses)
    assert out.findings > 0


def test_live_bad_input_alerts_with_the_cell_and_writes_nothing_else(sample_xlsm):
    import xlwings as xw
    from kinerja.workbooks.live import hitung

    wb = openpyxl.load_workbook(sample_xlsm)
    sheet, ref = next(iter(wb.defined_names["setjen_rb_kanwil_pembilang"].destinations))
    coord = ref.replace("$", "")
    payload = payload_of(sample_xlsm, {(sheet, coord): "lima puluh lima"})
    book = xw.Book(json=payload)
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


def test_live_without_rules_or_status_cell_says_what_to_do():
    import xlwings as xw
    from kinerja.workbooks.live import hitung

    payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
               "book": {"name": "lain.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
               "sheets": [{"name": "Isian", "values": [["x", 1]], "pictures": [], "tables": []}]}
    book = xw.Book(json=payload)
    out = hitung(book)
    assert not out.ok
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert "pasang-tombol" in actions[0]["args"][0]


def test_license_key_is_only_needed_by_the_remote_engine(monkeypatch):
    """The local button route (RunPython) never reads XLWINGS_LICENSE_KEY; kinerja.workbooks.live imports
    without it."""
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    import importlib

    import kinerja.workbooks.live as live

    importlib.reload(live)
    assert "XLWINGS_LICENSE_KEY" not in os.environ
