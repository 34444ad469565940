"""template_style.merge: a merged range whose styles were worked out before gets exactly what openpyxl's own
merge_cells gives it (borders copied onto the edges, protection onto every cell) — the saved sheets are equal."""

from __future__ import annotations

import io
import zipfile

from kinerja.workbooks import template_style as S
from openpyxl import Workbook
from openpyxl.styles import Border, Protection, Side

THIN, THICK = Side(style="thin"), Side(style="thick")
BORDERS = (None, Border(left=THIN, right=THIN, top=THIN, bottom=THIN), Border(top=THICK, bottom=THIN))


def _sheet_xml(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return z.read("xl/worksheets/sheet1.xml") + z.read("xl/styles.xml")


def _build(merge) -> Workbook:
    wb = Workbook()
    ws = wb.active
    row = 1
    for _ in range(3):  # each combination met three times: the first works it out, the others reuse it
        for first in BORDERS:
            for last in (None, *BORDERS):
                for locked in (True, False):
                    for width in (1, 3):
                        cell = ws.cell(row, 2, f"r{row}")
                        if first is not None:
                            cell.border = first
                        cell.protection = Protection(locked=locked)
                        if last is not None:
                            ws.cell(row + 1, 1 + width).border = last
                        merge(ws, row, 2, row + 1, 1 + width)
                        row += 3
    return wb


def test_merge_equals_openpyxl_merge_cells():
    def plain(ws, r1, c1, r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    fast, slow = _build(S.merge), _build(plain)
    a, b = fast.active, slow.active
    assert [str(m) for m in a.merged_cells.ranges] == [str(m) for m in b.merged_cells.ranges]
    assert {k: (type(c).__name__, tuple(c._style)) for k, c in a._cells.items()} == \
        {k: (type(c).__name__, tuple(c._style)) for k, c in b._cells.items()}
    assert fast.__dict__["_kinerja_merges"]  # the memo was used
    assert _sheet_xml(fast) == _sheet_xml(slow)
