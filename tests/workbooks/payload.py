"""The JSON payload Excel sends to xlwings' remote interpreter, built from a real workbook, and a grid that
applies xlwings' answer (its actions) as Excel would. Shared by test_live.py and test_server.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import openpyxl
from kinerja.workbooks.layout import FORMAT_SHEET
from libreoffice import roundtrip_xlsx

_computed: dict[str, list[list[object]]] = {}  # workbook bytes' hash → FormatIsian values as LibreOffice computes


def computed_format_sheet(path: Path) -> list[list[object]]:
    """The values of the FormatIsian sheet (``CELL("format", …)`` formulas) as a real spreadsheet application
    computes them for this file: Excel computes them in the operator's workbook; kinerja writes the formulas
    without results, so LibreOffice stands in for Excel here."""
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key not in _computed:
        with tempfile.TemporaryDirectory(prefix="kinerja-payload-") as tmp:
            ws = openpyxl.load_workbook(roundtrip_xlsx(path, Path(tmp)), data_only=True)[FORMAT_SHEET]
            _computed[key] = [[c.value for c in row] for row in ws.iter_rows(
                min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)]
    return _computed[key]


def payload_of(path: Path, edit: dict[tuple[str, str], object] | None = None) -> dict:
    """The remote-interpreter payload Excel would send for the workbook at ``path`` (values as displayed; the
    FormatIsian sheet's formulas computed, :func:`computed_format_sheet`)."""
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    edit = edit or {}
    sheets = []
    for ws in wb.worksheets:
        grid = [[c.value for c in row] for row in ws.iter_rows(min_row=1, min_col=1,
                                                                max_row=ws.max_row, max_col=ws.max_column)]
        if ws.title == FORMAT_SHEET:
            grid = computed_format_sheet(path)
        for (sheet, coord), value in edit.items():
            if sheet == ws.title:
                cell = ws[coord]
                grid[cell.row - 1][cell.column - 1] = value
        grid = [[v.isoformat() if isinstance(v, (dt.datetime, dt.date)) else v for v in row] for row in grid]
        sheets.append({"name": ws.title, "values": grid or [[None]], "pictures": [], "tables": [],
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
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
        self.hidden_sheets: set[str] = set()
        self.writes: list[tuple[str, int, int]] = []
        self.shown_rows: dict[str, set[int]] = {}  # sheet → rows (1-based) set visible (setRowHidden false)
        self.shown_cols: dict[str, set[int]] = {}  # sheet → columns (1-based) set visible (setColumnHidden false)

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
            elif f == "setSheetVisibility":
                self.hidden_sheets.add(self.sheets[a["sheet_position"]][0])
            elif f == "setRowHidden":
                assert a["args"] == [False], a  # kinerja only ever shows rows
                name = self.sheets[a["sheet_position"]][0]
                first = a["start_row"] + 1
                self.shown_rows.setdefault(name, set()).update(range(first, first + a["row_count"]))
            elif f == "setColumnHidden":
                assert a["args"] == [False], a  # kinerja only ever shows columns
                name = self.sheets[a["sheet_position"]][0]
                first = a["start_column"] + 1
                self.shown_cols.setdefault(name, set()).update(range(first, first + a["column_count"]))
            else:
                raise AssertionError(f"unexpected action {f}")
