"""Columns with input data are printed, like rows (test_hidden_rows.py).

An operator who unlocks an input sheet and hides a column (the Nilai column of Setjen, the pagu column of
Anggaran) still has those cells computed — and a hidden column does not print, so the signed input sheet would not
show figures that went into the results. Hitung shows every hidden column that holds input data: a hidden
``<col>`` range is split so that only those columns are shown (width and style kept), the ``cols`` element is the
only thing changed in the input sheets, and a hidden column without input data stays hidden. The live adapter
applies the same plan through the Book API.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.unhide import show_cols
from libreoffice import convert
from test_print import page_texts

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
# Setjen: C (Nilai) and D (survey nilai) hold data, E (Nama masukan) none — hidden as one range C:E.
# Anggaran: D (pagu akhir) holds data, A (No) none.
HIDE = {
    "Setjen": ('<col width="18" customWidth="1" min="3" max="3" /><col width="16" customWidth="1" min="4" max="4" />'
               '<col width="40" customWidth="1" min="5" max="5" />',
               '<col width="18" customWidth="1" min="3" max="5" hidden="1" />'),
    "Anggaran": ('<col width="6" customWidth="1" min="1" max="1" />', '<col width="6" customWidth="1" min="1" max="1" '
                 'hidden="1" />'),
}
HIDE_PAGU = ('<col width="20" customWidth="1" min="4" max="4" />',
             '<col width="20" customWidth="1" min="4" max="4" hidden="1" />')
SHOWN = {
    "Setjen": ('<col width="18" customWidth="1" min="3" max="5" hidden="1" />',
               '<col width="18" customWidth="1" min="3" max="4" /><col width="18" customWidth="1" min="5" max="5" '
               'hidden="1" />'),
    "Anggaran": HIDE_PAGU[::-1],
}


def _parts(path: Path) -> dict[str, str]:
    pkg = Package(path)
    return {name: pkg.sheet(name).part for name in ("Setjen", "Anggaran")}


def _rewrite(src: Path, dest: Path, edits: dict[str, list[tuple[str, str]]]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            for old, new in edits.get(info.filename, ()):
                text = data.decode("utf-8")
                assert text.count(old) == 1, (info.filename, old)
                data = text.replace(old, new).encode("utf-8")
            zout.writestr(info, data)


@pytest.fixture(scope="module")
def hidden(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("kolom")
    parts = _parts(SAMPLE)
    before = tmp / "sebelum.xlsx"
    _rewrite(SAMPLE, before, {parts["Setjen"]: [HIDE["Setjen"]],
                              parts["Anggaran"]: [HIDE["Anggaran"], HIDE_PAGU]})
    after = tmp / "sesudah.xlsx"
    res = CliRunner().invoke(main, ["hitung", str(before), "--keluaran", str(after)])
    assert res.exit_code in (0, 1) and "galat internal" not in res.output, res.output
    return before, after


def test_columns_start_hidden(hidden):
    before, _ = hidden
    setjen = openpyxl.load_workbook(before)["Setjen"]
    assert setjen.column_dimensions["C"].hidden
    anggaran = openpyxl.load_workbook(before)["Anggaran"]
    assert anggaran.column_dimensions["D"].hidden and anggaran.column_dimensions["A"].hidden


def test_hitung_shows_exactly_the_hidden_columns_with_data(hidden):
    before, after = hidden
    parts = _parts(before)
    with zipfile.ZipFile(before) as zb, zipfile.ZipFile(after) as za:
        for sheet, part in parts.items():
            old, new = zb.read(part).decode(), za.read(part).decode()
            assert new == old.replace(*SHOWN[sheet]), sheet  # every other byte of the input sheet as it was
    wb = openpyxl.load_workbook(after)
    assert not wb["Anggaran"].column_dimensions["D"].hidden and wb["Anggaran"].column_dimensions["A"].hidden
    assert wb["Anggaran"].column_dimensions["D"].width == 20


def test_the_shown_columns_print(hidden, tmp_path):
    """The printed Anggaran sheet: setjen_s1's pagu akhir (Anggaran!D11) is missing while its column is hidden and
    printed after Hitung."""
    before, after = hidden
    pagu_akhir = re.compile(r"25[.,]713[.,]209[.,]000")
    for name, path, printed in (("before", before, False), ("after", after, True)):
        pages = [t for t in page_texts(convert(path, "pdf", tmp_path / name)[0]) if "Anggaran — halaman" in t]
        assert pages, name
        assert bool(pagu_akhir.search("\n".join(pages))) is printed, name


def test_live_hitung_shows_the_same_columns(hidden, tmp_path, remote_engine):
    """Excel side: the same plan through xlwings' Book API (remote engine: Excel does not exist on Linux) —
    setColumnHidden(false) for the runs of columns holding data, nothing for the others."""
    from kinerja.workbooks.live import hitung
    from kinerja.workbooks.remote import open_payload
    from kinerja.workbooks.tombol import pasang_tombol
    from payload import Grid, payload_of

    xlsm = tmp_path / "sebelum.xlsm"
    pasang_tombol(hidden[0], xlsm)
    payload = payload_of(xlsm)
    book = open_payload(payload)
    out = hitung(book)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    assert {3, 4} <= grid.shown_cols["Setjen"] and 5 not in grid.shown_cols["Setjen"]
    assert 4 in grid.shown_cols["Anggaran"] and 1 not in grid.shown_cols["Anggaran"]
    assert "Audit" not in grid.shown_cols


@pytest.mark.parametrize("before, cols, after, shown", [
    # a range split around the one column with data; width, style and outline level kept in every piece
    ('<cols><col min="2" max="5" width="9" style="3" hidden="1"/></cols>', {3},
     '<cols><col min="2" max="2" width="9" style="3" hidden="1"/><col min="3" max="3" width="9" style="3"/>'
     '<col min="4" max="5" width="9" style="3" hidden="1"/></cols>', [3]),
    # LibreOffice writes hidden="true"; several columns, one range shown whole
    ('<x:cols><x:col min="1" max="1" hidden="true"/><x:col min="2" max="3" hidden="true" outlineLevel="1"/></x:cols>',
     {2, 3}, '<x:cols><x:col min="1" max="1" hidden="true"/><x:col min="2" max="3" outlineLevel="1"/></x:cols>',
     [2, 3]),
    # an end tag instead of a self-closing one; the first column of the range
    ('<cols><col min="4" max="6" hidden="1"></col></cols>', {4},
     '<cols><col min="4" max="4"></col><col min="5" max="6" hidden="1"></col></cols>', [4]),
    # nothing hidden among them, or no cols element at all: the text as it was
    ('<cols><col min="1" max="3" hidden="0"/></cols>', {2}, '<cols><col min="1" max="3" hidden="0"/></cols>', []),
    ('<sheetData/>', {2}, '<sheetData/>', []),
    # up to the last column Excel has (a "hide everything to the right" range)
    ('<cols><col min="7" max="16384" hidden="1"/></cols>', {7},
     '<cols><col min="7" max="7"/><col min="8" max="16384" hidden="1"/></cols>', [7]),
])
def test_show_cols_changes_only_the_hidden_attribute_of_those_columns(before, cols, after, shown):
    prefix = "x:" if before.startswith("<x:") else ""
    assert show_cols(before, cols, prefix) == (after, shown)
