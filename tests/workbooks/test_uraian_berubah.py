"""Next year's rules that only reword input labels: Hitung rewrites kinerja's label cells, values untouched.

Found by rapi11: input labels are part of the workbook's layout key (B121), so a rule change that only reworded
a label (no input added, removed, moved or re-kinded) made ``kinerja hitung`` refuse the workbook and send the
operator to ``kinerja pindah`` — a new workbook for a new wording. The label cells are kinerja's (the template
wrote them; the operator types only in the input cells): Hitung now writes the rules' wording there, says so in
one note, and proves that nothing else changed (the layout key recomputed with the labels the workbook shows
equals the recorded one). Any structural difference still refuses (B121). The live Hitung (button, server)
rewrites the same cells — Excel does not exist on Linux: the book is xlwings' remote engine over the payload.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.live import hitung
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.tombol import STATUS_PREFIX, pasang_tombol
from kinerja.workbooks.writer import CellWrite, read_meta, write_back
from payload import Grid, payload_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workbooks" / "contoh-pk2024-sumsel.xlsx"
OLD_SINGLE = "Rencana aksi RB terkait Kantor Wilayah yang terlaksana"
NEW_SINGLE = "Rencana aksi RB Kanwil yang telah terlaksana"
OLD_TABLE = "Rekapitulasi Indeks Layanan Kesekretariatan (ILK) Kanwil per bulan"
NEW_TABLE = "Rekap ILK Kanwil per bulan"


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def reworded(tmp_path: Path, *, also: tuple[str, str, str] | None = None) -> Path:
    """The bundled rules with two labels reworded (a single input and a table); ``also``: one more change
    (file, text, replacement)."""
    d = tmp_path / "pk2024-sumsel"
    shutil.copytree(ROOT / "rules" / "pk2024-sumsel", d)
    f = d / "10-setjen.kin"
    text = f.read_text(encoding="utf-8")
    assert f'"{OLD_SINGLE}"' in text and f'"{OLD_TABLE}"' in text
    text = text.replace(f'"{OLD_SINGLE}"', f'"{NEW_SINGLE}"').replace(f'"{OLD_TABLE}"', f'"{NEW_TABLE}"')
    f.write_text(text, encoding="utf-8")
    if also:
        g = d / also[0]
        other = g.read_text(encoding="utf-8")
        assert also[1] in other
        g.write_text(other.replace(also[1], also[2], 1), encoding="utf-8")
    return d


@pytest.fixture
def book(tmp_path: Path) -> Path:
    p = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, p)
    return p


def cells(path: Path, sheet: str) -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_a_label_only_change_rewrites_the_label_cells_and_keeps_every_value(book, tmp_path):
    rules = reworded(tmp_path)
    before = {s: cells(book, s) for s in ("Setjen", "Ditjen Pemasyarakatan", "Anggaran")}
    assert before["Setjen"]["B9"] == OLD_SINGLE + " *" and before["Setjen"]["C9"] == 55
    assert before["Setjen"]["B12"] == f"Tabel: {OLD_TABLE}"
    quoted = [k for k, v in before["Setjen"].items() if isinstance(v, str) and f"«{OLD_SINGLE}»" in v]
    assert quoted  # the indicator heading quotes the label in its formula in words

    r = cli("hitung", book, "--aturan", rules)
    assert r.exit_code == Exit.FINDINGS, r.output  # computed (the sample has findings), not B121
    assert "B121" not in r.output
    assert "aturan mengubah kata-kata 2 uraian isian" in r.output and "Tidak ada angka isian yang diubah" in r.output
    assert f"Setjen!B9 «{OLD_SINGLE} *» → «{NEW_SINGLE} *»" in r.output

    after = {s: cells(book, s) for s in before}
    assert after["Setjen"]["B9"] == NEW_SINGLE + " *" and after["Setjen"]["B12"] == f"Tabel: {NEW_TABLE}"
    for k in quoted:
        assert f"«{NEW_SINGLE}»" in after["Setjen"][k] and OLD_SINGLE not in after["Setjen"][k]
    changed = {"B9", "B12", *quoted}
    for s in before:  # every other cell of the input sheets as it was: values, names, the rest of the labels
        assert {k: v for k, v in after[s].items() if s != "Setjen" or k not in changed} == \
            {k: v for k, v in before[s].items() if s != "Setjen" or k not in changed}, s
    assert read_meta(book)[layout.META_LAYOUT] == layout.layout_key(load_rules(str(rules)))

    # the figures are the ones the old wording gave; the next Hitung has nothing to rewrite
    again = cli("hitung", book, "--aturan", rules, "--json")
    first = cli("hitung", SAMPLE, "--json", "--keluaran", tmp_path / "asli.xlsx")
    import json
    ours, theirs = json.loads(again.output), json.loads(first.output)
    assert [i["realisasi"] for i in ours["indikator"]] == [i["realisasi"] for i in theirs["indikator"]]
    assert "uraian isian" not in cli("hitung", book, "--aturan", rules).output

    from libreoffice import roundtrip_xlsx  # LibreOffice opens the rewritten workbook
    assert roundtrip_xlsx(book, tmp_path / "lo").exists()


def test_a_structural_change_beside_a_reworded_label_is_still_refused(book, tmp_path):
    rules = reworded(tmp_path, also=("01-target.kin", "setjen_rb_kanwil = 100", "setjen_rb_kanwil = 95"))
    data = book.read_bytes()
    r = cli("hitung", book, "--aturan", rules)
    assert r.exit_code == Exit.USAGE and "B121" in r.output, r.output
    assert book.read_bytes() == data


def test_reworded_labels_of_rules_for_another_year_are_still_refused(book, tmp_path):
    """Labels reworded by a new year (``{tahun}``) belong to another year's workbook: kinerja pindah, whose record
    keeps last year's figures from passing as this year's — never a quiet relabel of 2024's figures."""
    rules = reworded(tmp_path)
    meta = read_meta(book)
    assert meta[layout.META_YEAR] == "2024" and meta[layout.META_LAYOUT]
    write_back(book, meta={**meta, layout.META_YEAR: "2023"})  # the workbook says it is for another year
    data = book.read_bytes()
    r = cli("hitung", book, "--aturan", rules)
    assert r.exit_code == Exit.USAGE and "B121" in r.output, r.output
    assert book.read_bytes() == data


def test_a_label_cell_not_where_the_template_put_it_is_left_alone_and_refused(book, tmp_path):
    rules = reworded(tmp_path)
    write_back(book, cells={"Setjen!E9": CellWrite("catatan operator")})  # the input's name cell overwritten
    data = book.read_bytes()
    r = cli("hitung", book, "--aturan", rules)
    assert r.exit_code == Exit.USAGE and "B121" in r.output, r.output
    assert book.read_bytes() == data


@pytest.mark.usefixtures("remote_engine")
def test_the_live_hitung_rewrites_the_same_label_cells(book, tmp_path):
    rules = reworded(tmp_path)
    xlsm = tmp_path / "buku.xlsm"
    pasang_tombol(book, xlsm)
    payload = payload_of(xlsm)
    live = open_payload(payload)
    out = hitung(live, aturan=str(rules))
    assert out.ok, out.message
    assert "aturan mengubah kata-kata 2 uraian isian" in out.message and "2 uraian isian ditulis ulang" in out.status
    grid = Grid(payload)
    grid.apply(live.json()["actions"])
    setjen = grid.sheet("Setjen")
    assert setjen[(9, 2)] == NEW_SINGLE + " *" and setjen[(12, 2)] == f"Tabel: {NEW_TABLE}" and setjen[(9, 3)] == 55
    # the file path writes the same cells with the same words
    cli("hitung", xlsm, "--aturan", rules)
    assert cells(xlsm, "Setjen")["B9"] == setjen[(9, 2)] and cells(xlsm, "Setjen")["B12"] == setjen[(12, 2)]


@pytest.mark.usefixtures("remote_engine")
def test_the_live_hitung_refuses_what_the_file_hitung_refuses(book, tmp_path):
    """xlwings cannot read the custom properties the file path compares (B121); a file Hitung or the template
    now also records them in the hidden FormatIsian, and the live Hitung compares the same way: another rule
    set's layout is B121 with the file path's words (before: computed with the other rules without a word),
    labels alone are rewritten."""
    xlsm = tmp_path / "buku.xlsm"
    pasang_tombol(book, xlsm)
    assert cli("hitung", xlsm).exit_code == Exit.FINDINGS  # records the meta in FormatIsian
    other = reworded(tmp_path, also=("01-target.kin", "setjen_rb_kanwil = 100", "setjen_rb_kanwil = 95"))
    payload = payload_of(xlsm)
    live = open_payload(payload)
    out = hitung(live, aturan=str(other))
    assert not out.ok and "B121" in out.message and "| B121: " in out.status, out.message
    grid = Grid(payload)
    grid.apply(live.json()["actions"])
    assert grid.writes and all(grid.sheet(s)[(r, c)].startswith(STATUS_PREFIX) for s, r, c in grid.writes)
    r = cli("hitung", xlsm, "--aturan", other)
    assert r.exit_code == Exit.USAGE
    assert r.output.split("B121: ", 1)[1].strip() == out.message.split("B121: ", 1)[1].strip()

    labels_only = reworded(tmp_path / "b")
    live = open_payload(payload_of(xlsm))
    out = hitung(live, aturan=str(labels_only))
    assert out.ok and "2 uraian isian ditulis ulang" in out.status, out.message
