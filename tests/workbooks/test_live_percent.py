"""A live Hitung reads a percent-formatted cell as the file Hitung does (workbooks/formatlive.py).

Excel stores "85%" typed into a cell as 0,85 with a percent format. The file adapter reads the format from
styles.xml; xlwings' remote payload has values only, so the workbook carries the hidden sheet FormatIsian whose
``CELL("format", …)`` formulas Excel computes. Excel does not exist on Linux: LibreOffice computes those formulas
for the payload (tests/workbooks/payload.py), and the book is xlwings' real remote engine over that payload.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.formatlive import format_sheet
from kinerja.workbooks.live import BookView, hitung, read_inputs_live
from kinerja.workbooks.reader import read_inputs, workbook_names
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.tombol import STATUS_PREFIX
from payload import Grid, payload_of
from test_bad_cells_sample import BELANJA, PCT, SATKER, SINGLE, edited

NOW = dt.datetime(2026, 12, 6, 11, 0, tzinfo=dt.timezone.utc)
RULES = "pk2024-sumsel"


pytestmark = pytest.mark.usefixtures("remote_engine")  # tests/conftest.py: xlwings' remote engine licence


@pytest.fixture(scope="module")
def checked():
    return load_rules(RULES)


def live_inputs(payload: dict, checked):
    return read_inputs_live(BookView(open_payload(payload)), input_specs(checked))


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def test_85_percent_typed_is_85_live_as_in_the_file(tmp_path, checked):
    """Rupbasan Kelas II Baturaja's capaian RO typed as 85% (0,85 shown as 85%): 85 through both adapters, and
    the live Hitung writes the Audit sheet the file Hitung writes (nilai kinerja anggaran 94,38)."""
    book = edited(tmp_path, {SATKER: (PCT, Decimal("0.85"))})
    by_file = read_inputs(book, input_specs(checked))
    payload = payload_of(book)
    live = live_inputs(payload, checked)
    assert by_file.problems == [] and live.problems == []
    row_file, row_live = by_file.tables["kinerja_anggaran_satker"][0], live.tables["kinerja_anggaran_satker"][0]
    assert row_live["satker"] == "Rupbasan Kelas II Baturaja"
    assert row_file["capaian_ro"] == row_live["capaian_ro"] == 85

    remote = open_payload(payload)
    out = hitung(remote, aturan=RULES, now=NOW)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(remote.json()["actions"])
    filed = tmp_path / "hasil.xlsx"
    recalculate_workbook(book, keluaran=filed, aturan=RULES, now=NOW)
    ws = openpyxl.load_workbook(filed)[layout.AUDIT_SHEET]
    want = {(c.row, c.column): _num(c.value) for r in ws.iter_rows() for c in r if c.value not in (None, "")}
    assert {k: _num(v) for k, v in grid.sheet(layout.AUDIT_SHEET).items()} == want
    assert any(v == 94.38 for v in want.values())


def test_a_real_fraction_typed_in_a_persen_cell_is_kept(checked):
    """Rutan Kelas I Palembang's capaian RO is 0,59 in the 2024 report (line 3361): typed as 0,59 in a cell
    that does not show percentages, it is 0,59 live as in the file, and never refused."""
    from test_live import SAMPLE

    live = live_inputs(payload_of(SAMPLE), checked)
    assert live.problems == []
    palembang = [r for r in live.tables["kinerja_anggaran_satker"] if r["satker"] == "Rutan Kelas I Palembang"]
    assert [r["capaian_ro"] for r in palembang] == [Decimal("0.59")]


@pytest.mark.parametrize("where", [BELANJA, SINGLE], ids=["rupiah-tabel", "cacah-tunggal"])
def test_percent_format_on_an_input_that_is_no_percentage_is_B217_live_as_in_the_file(tmp_path, checked, where):
    book = edited(tmp_path, {where: (PCT, Decimal("0.85"))})
    r = CliRunner().invoke(main, ["hitung", str(book), "--json"], catch_exceptions=False)
    filed = [(p["kode"], p["lokasi"]) for p in json.loads(r.stdout)["masalah_masukan"]]
    live = [(p.code, p.location) for p in live_inputs(payload_of(book), checked).problems]
    assert filed == live == [("B217", where)]


def test_without_the_format_sheet_numbers_are_refused_and_the_sheet_is_written(tmp_path, checked):
    """A workbook from an older kinerja has no FormatIsian: every non-zero number of an input is B221 (its
    format cannot be seen), nothing but the check sheet and the status cells is written, and the check sheet is
    the one a file Hitung writes; the operator clicks Hitung again."""
    from test_live import SAMPLE

    payload = payload_of(SAMPLE)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != layout.FORMAT_SHEET]
    remote = open_payload(payload)
    out = hitung(remote, aturan=RULES, now=NOW)
    assert not out.ok
    codes = {p.code for p in out.problems}
    assert codes == {"B221"}
    by_file = read_inputs(SAMPLE, input_specs(checked))
    nonzero = sum(1 for v in by_file.values.values() if isinstance(v, Decimal) and v) + sum(
        1 for rows in by_file.tables.values() for row in rows for v in row.values() if isinstance(v, Decimal) and v)
    assert len(out.problems) == nonzero > 100
    assert all("klik Hitung sekali lagi" in p.message for p in out.problems)
    grid = Grid(payload)
    grid.apply(remote.json()["actions"])
    assert grid.alerts == [f"Hitung belum dijalankan: buku kerja ini belum punya pemeriksa format (sheet tersembunyi "
                           f"FormatIsian), sehingga kinerja belum dapat melihat apakah {nonzero} angka isiannya "
                           "tampil sebagai persen. Pemeriksa itu baru saja dipasang; klik Hitung sekali lagi."]
    assert grid.hidden_sheets == {layout.FORMAT_SHEET}
    plan = format_sheet(input_specs(checked), workbook_names(SAMPLE), by_file)
    want = {(i + 1, j + 1): ("=" + w.formula if w.formula else w.value)
            for i, row in enumerate(plan.rows) for j, w in enumerate(row) if w is not None}
    assert grid.sheet(layout.FORMAT_SHEET) == want
    others = [(s, r, c) for s, r, c in grid.writes if s != layout.FORMAT_SHEET]
    assert all(str(grid.sheet(s)[(r, c)]).startswith(STATUS_PREFIX) for s, r, c in others)


def test_a_cell_the_check_does_not_cover_yet_is_refused_alone(tmp_path, checked):
    """A row inserted into a table since the last Hitung has no check formula: its number is refused (B221),
    a zero is not (0 and 0% are the same), and every other cell is read."""
    book = edited(tmp_path, {"Anggaran!C222": 0})
    payload = payload_of(book)
    fmt = next(s for s in payload["sheets"] if s["name"] == layout.FORMAT_SHEET)
    j = fmt["values"][0].index("Anggaran")
    dropped = 0
    for row in fmt["values"]:
        if isinstance(row[j], str) and row[j].startswith(("221,3,", "222,3,")):
            row[j] = None
            dropped += 1
    assert dropped == 2
    problems = live_inputs(payload, checked).problems
    assert [(p.code, p.location) for p in problems] == [("B221", SATKER)]
    remote = open_payload(payload)
    out = hitung(remote, aturan=RULES, now=NOW)
    grid = Grid(payload)
    grid.apply(remote.json()["actions"])
    assert not out.ok and len(grid.alerts) == 1
    assert grid.alerts[0].startswith("Hitung dibatalkan: 1 sel isian bermasalah")
    assert SATKER in grid.alerts[0] and "Rupbasan Kelas II Baturaja" in grid.alerts[0]
    assert "klik Hitung sekali lagi" in grid.alerts[0]


def test_a_whole_column_table_is_checked_down_to_its_own_last_data_row():
    """A table named over whole columns (S!$A:$B) is covered down to the last row holding its data — not down to
    a single input further below on the same sheet, nor the million rows of the columns."""
    from kinerja.engine.interface import CellKey, ColumnSpec, Inputs, InputSpec
    from kinerja.workbooks.formatlive import input_cells

    specs = [InputSpec("t", "tabel", columns=(ColumnSpec("a", "cacah"), ColumnSpec("b", "persen"))),
             InputSpec("x", "cacah"), InputSpec("catatan", "teks")]
    inputs = Inputs(sources={CellKey("t", 0, "a"): "S!A2", CellKey("t", 2, "b"): "S!B4", "x": "S!D50"})
    names = {"t": "S!$A:$B", "x": "S!$D$50", "catatan": "S!$D$51"}
    assert input_cells(specs, names, inputs) == {"S": [(2, 1), (2, 2), (3, 1), (3, 2), (4, 1), (4, 2), (50, 4)]}
