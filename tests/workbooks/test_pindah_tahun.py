"""``kinerja pindah`` to next year's rules: the figures it carried are last year's until replaced or confirmed.

Found by live10: ``kinerja pindah BUKU_2024.xlsx --aturan PK2025 --keluaran BUKU_2025.xlsx`` carried every
surviving input, and ``kinerja hitung`` on the new workbook reported the 2025 results without a word that every
figure was still 2024's — an operator who forgot one input signed a 2025 report with a 2024 figure. Now pindah
says so, records the carried inputs in the sheet ``Pindahan``, and every Hitung (file and live) lists each input
still holding exactly the carried value as finding T501, until it is replaced or confirmed with ``ya``. A
same-year move (a mid-year PK revision) records nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import layout
from kinerja.workbooks.live import hitung
from kinerja.workbooks.pindahan import CODE, HEADER_ROW, SHEET
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.tombol import pasang_tombol
from kinerja.workbooks.writer import CellWrite, write_back
from payload import Grid, payload_of

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
TICK_COL = "F"


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def pk2025(tmp_path: Path) -> Path:
    """A planner's own PK 2025 in a folder: last year's set moved to 2025, one target changed."""
    d = tmp_path / "pk2025"
    d.mkdir()
    (d / "pk2025.kin").write_text('aturan pk2025_sumsel "Perjanjian Kinerja 2025 Kanwil Sumsel"\n'
                                  'perluas "pk2024-sumsel"\npengaturan { berlaku = 2025 }\n'
                                  'target { setjen_rb_kanwil = 95 }\n', encoding="utf-8")
    return d


@pytest.fixture
def moved(tmp_path: Path) -> tuple[Path, object]:
    """The sample moved to the bundled PK 2025 example (a child of pk2024-sumsel: berlaku 2025, targets changed,
    a sasaran dropped, an indicator added)."""
    old = tmp_path / "buku-2024.xlsx"
    shutil.copy(SAMPLE, old)
    new = tmp_path / "buku-2025.xlsx"
    r = cli("pindah", old, "--aturan", "pk2025-contoh", "--keluaran", new)
    return new, r


def layout_header(ws) -> int:
    return next(r for r in range(1, 20) if ws.cell(r, 3).value == "Kode")


def carried_rows(path: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(path)[SHEET]
    return {ws.cell(r, 2).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 2).value}


def t501_sheets(path: Path, *extra) -> list[dict]:
    """The T501 findings as ``hitung --json`` gives them: one per input sheet (and one for an unreadable record)."""
    r = cli("hitung", path, "--json", *extra)
    assert r.exit_code == Exit.FINDINGS, r.output
    return [t for t in json.loads(r.output)["temuan"] if t["kode"] == CODE]


def t501(path: Path, *extra) -> list[dict]:
    """Every input still holding a carried figure, from the JSON (each sheet's finding lists its own in
    ``isian``), as ``{"objek", "pesan", "pesan_en", "dilaporkan", "sumber", "tingkat"}``; the finding saying the
    record cannot be read stays whole."""
    out = []
    for t in t501_sheets(path, *extra):
        if not t.get("isian"):
            out.append(t)
        for i in t.get("isian") or ():
            out.append({"objek": i["masukan"], "pesan": i["pesan"], "pesan_en": i["pesan_en"], "tingkat": t["tingkat"],
                        "dilaporkan": i["nilai"], "sumber": i["sel"], "sheet": t["objek"]})
    return out


def test_pindah_to_next_year_says_which_figures_are_last_years(moved):
    new, r = moved
    assert r.exit_code == Exit.OK, r.output
    assert "tahun 2024, padahal buku baru untuk tahun 2025" in r.output and SHEET in r.output, r.output
    rows = carried_rows(new)
    assert "setjen_rb_kanwil_pembilang" in rows and "setjen_ikm_kanwil_survei" in rows  # a single and a table
    assert not [n for n in rows if n.endswith("nama_satker")]  # texts are rightly the same each year
    assert f"{len(rows)} masukan berisi angka buku kerja tahun 2024" in r.output
    wb = openpyxl.load_workbook(new)
    assert wb.sheetnames.index(SHEET) == wb.sheetnames.index(layout.SUMMARY_SHEET) + 1  # the operator sees it
    ws = wb[SHEET]
    row = rows["setjen_rb_kanwil_pembilang"]
    assert ws.cell(row, 5).value == 55 and ws.cell(row, 4).value == "Setjen!C9"
    assert (ws["G1"].value, ws["G2"].value) == (2024, 2025) and ws.column_dimensions["G"].hidden  # the years

    found = t501(new)
    assert sorted(t["objek"] for t in found) == sorted(rows)  # nothing replaced yet: every one
    table = next(t for t in found if t["objek"] == "anggaran_sasaran")  # one row per sasaran, from row 11
    assert "19 dari 19 baris tabelnya (baris sheet 11, 12, 13, 14, 15, 16, 17, 18 …)" in table["pesan"]
    one = next(t for t in found if t["objek"] == "setjen_rb_kanwil_pembilang")
    assert one["tingkat"] == "tinggi" and one["dilaporkan"] == 55 and one["sumber"] == "Setjen!C9"
    assert "tahun 2024" in one["pesan"] and "tahun 2025" in one["pesan"] and f"{SHEET}!{TICK_COL}{row}" in one["pesan"]
    assert "2025" in one["pesan_en"] and "write ya" in one["pesan_en"]

    # one finding per input sheet (rapi11: 144 T501 lines drowned the others): how many, the first cells, where ya
    # goes; every carried input is still in the JSON
    sheets = {t["objek"]: t for t in t501_sheets(new)}
    assert set(sheets) == {"Setjen", "Ditjen Pemasyarakatan", "Ditjen Imigrasi", "Ditjen Administrasi Hukum Umum",
                           "Ditjen Kekayaan Intelektual", "Ditjen PP", "Badan Pembinaan Hukum Nasional", "Ditjen HAM",
                           "BSK Hukum dan HAM", "Anggaran"}
    assert sum(len(t["isian"]) for t in sheets.values()) == len(rows) == 144
    setjen = sheets["Setjen"]
    assert setjen["pesan"].startswith("sheet Setjen: 3 isian masih berisi angka yang dipindahkan dari buku kerja "
                                      "tahun 2024; buku kerja ini untuk tahun 2025: C9 setjen_rb_kanwil_pembilang "
                                      "(55), C10 setjen_rb_kanwil_penyebut (55), tabel B15:D65 "
                                      "setjen_ikm_kanwil_survei (2 dari 2 baris). "), setjen["pesan"]
    assert f"({SHEET}!F{row}:F{row + 1}, F{rows['setjen_ikm_kanwil_survei']})" in setjen["pesan"]
    assert setjen["sumber"] == "Setjen!C9" and setjen["tingkat"] == "tinggi"
    pas = sheets["Ditjen Pemasyarakatan"]
    assert "95 isian" in pas["pesan"] and " dan 91 lainnya. " in pas["pesan"] and " and 91 more. " in pas["pesan_en"]
    import jsonschema  # the JSON contract (kinerja skema hasil) describes isian
    jsonschema.validate(json.loads(cli("hitung", new, "--json").output), json.loads(cli("skema", "hasil").output))
    printed = cli("hitung", new).output
    assert printed.count(CODE) == 10 and "dan 91 lainnya" in printed

    # the workbook: a Temuan row per sheet in the ranked list, and below the findings a row per input linked to
    # its cell (the to-do list), which the sheet's row points to; Ringkasan's status points there
    wb = openpyxl.load_workbook(new)
    temuan = wb[layout.TEMUAN_SHEET]
    hits = [r for r in temuan.iter_rows(values_only=True) if r[2] == CODE]
    assert len(hits) == len(rows) + len(sheets)
    ranked = [r for r in hits if r[1] == "TINGGI"]
    todo = [r for r in hits if r[1] is None]
    assert [r[3] for r in ranked] == list(sheets) and sorted(r[3] for r in todo) == sorted(rows)
    first_todo = next(r[0] for r in temuan.iter_rows() if r[2].value == CODE and r[1].value is None).row
    assert ranked[0][4].endswith(f"Setiap isian: baris {first_todo}–{first_todo + 2} sheet ini.")
    last_other = max(r[0].row for r in temuan.iter_rows() if r[2].value not in (None, CODE, "Kode")
                     and r[0].row > layout_header(temuan))
    assert last_other < first_todo  # the other findings come before the list, not after 144 rows
    assert any(c.hyperlink is not None and c.hyperlink.location == "'Setjen'!C9" or
               c.hyperlink is not None and c.hyperlink.location == "Setjen!C9"
               for row_ in temuan.iter_rows() for c in row_ if c.value == "Setjen!C9")
    status = wb.defined_names["status_setjen_rb_kanwil"].attr_text.split("!")
    assert "lihat Temuan" in wb[status[0].strip("'")][status[1].replace("$", "")].value


def test_replaced_or_confirmed_figures_are_no_longer_listed(moved):
    new, _ = moved
    rows = carried_rows(new)
    before = {t["objek"] for t in t501(new)}
    write_back(new, cells={"setjen_rb_kanwil_pembilang": CellWrite(60),  # 2025's figure typed
                           f"{SHEET}!{TICK_COL}{rows['setjen_rb_kanwil_penyebut']}": CellWrite("ya"),  # same in 2025
                           f"{SHEET}!{TICK_COL}{rows['pas_rb_upt_pembilang']}": CellWrite("yes")})  # not the word
    after = t501(new)
    assert {t["objek"] for t in after} == before - {"setjen_rb_kanwil_pembilang", "setjen_rb_kanwil_penyebut"}
    wrong = next(t for t in after if t["objek"] == "pas_rb_upt_pembilang")
    assert "«yes», bukan ya" in wrong["pesan"]
    pas = next(t for t in t501_sheets(new) if t["objek"] == "Ditjen Pemasyarakatan")  # its sheet's finding says so
    assert f"1 di antaranya berisi tulisan lain di kolom itu, bukan ya: {SHEET}!{TICK_COL}" in pas["pesan"]
    assert "«yes»" in pas["pesan"] and "not ya" in pas["pesan_en"]
    # retyping the same number changes nothing: only "ya" confirms
    write_back(new, cells={"ki_permohonan_tahun_ini": CellWrite(int(openpyxl.load_workbook(new)[SHEET].cell(
        rows["ki_permohonan_tahun_ini"], 5).value))})
    assert "ki_permohonan_tahun_ini" in {t["objek"] for t in t501(new)}


def test_a_same_year_revision_carries_without_a_word(tmp_path):
    (tmp_path / "rev").mkdir()
    (tmp_path / "rev" / "rev.kin").write_text('aturan pk2024_revisi "PK 2024 revisi"\nperluas "pk2024-sumsel"\n'
                                              'target { setjen_rb_kanwil = 95 }\n', encoding="utf-8")
    old = tmp_path / "buku.xlsx"
    shutil.copy(SAMPLE, old)
    new = tmp_path / "revisi.xlsx"
    r = cli("pindah", old, "--aturan", tmp_path / "rev", "--keluaran", new)
    assert r.exit_code == Exit.OK and SHEET not in r.output and CODE not in r.output, r.output
    assert SHEET not in openpyxl.load_workbook(new).sheetnames
    assert t501(new) == []


def test_an_old_workbook_whose_year_cannot_be_known_counts_as_another_year(tmp_path, pk2025):
    old = tmp_path / "lama.xlsx"
    shutil.copy(SAMPLE, old)
    write_back(old, meta={layout.META_RULES: "aturan-yang-hilang"})  # its rule set is on another PC
    new = tmp_path / "baru.xlsx"
    r = cli("pindah", old, "--aturan", pk2025, "--keluaran", new)
    assert r.exit_code == Exit.OK and "tahun (tidak diketahui), padahal buku baru untuk tahun 2025" in r.output
    assert len(t501(new)) == len(carried_rows(new)) > 0


@pytest.mark.usefixtures("remote_engine")
def test_the_live_hitung_lists_the_same_figures(moved, tmp_path):
    """Excel does not exist on Linux: the book is xlwings' remote engine over the payload Excel sends."""
    new, _ = moved
    rows = carried_rows(new)
    # a live Hitung computes only when every cell reads: the new indicator's inputs, and the row of the sasaran
    # the 2025 rules dropped (bphn_s2, B215) deleted (given to bphn_s1 it would be a second bphn_s1 row, B222)
    write_back(new, cells={f"{SHEET}!{TICK_COL}{rows['setjen_rb_kanwil_penyebut']}": CellWrite("ya"),
                           "imi_paspor_pembilang": CellWrite(90), "imi_paspor_penyebut": CellWrite(100),
                           **{f"Anggaran!{col}24": CellWrite(None) for col in "BCDE"}})
    xlsm = tmp_path / "buku-2025.xlsm"
    pasang_tombol(new, xlsm)
    payload = payload_of(xlsm)
    book = open_payload(payload)
    out = hitung(book)
    assert out.ok, out.message
    grid = Grid(payload)
    grid.apply(book.json()["actions"])
    temuan = grid.sheet(layout.TEMUAN_SHEET)
    # the to-do rows (Kode T501, no Tingkat): one per input, as in the JSON
    listed = {temuan.get((r, 4)) for (r, c), v in temuan.items() if c == 3 and v == CODE and not temuan.get((r, 2))}
    filed = {t["objek"] for t in t501(xlsm)}
    assert listed == filed == set(rows) - {"setjen_rb_kanwil_penyebut"}
    assert out.findings == len(json.loads(cli("hitung", xlsm, "--json").output)["temuan"])


def test_a_mid_year_revision_keeps_listing_the_figures_still_from_last_year(moved, tmp_path):
    """Within one year nothing new is last year's — but what the workbook's own Pindahan still lists is: a
    revision of PK 2025 must not turn the 2024 figures nobody replaced into 2025's."""
    new, _ = moved
    rows = carried_rows(new)
    write_back(new, cells={"setjen_rb_kanwil_pembilang": CellWrite(60),
                           f"{SHEET}!{TICK_COL}{rows['setjen_rb_kanwil_penyebut']}": CellWrite("ya"),
                           "Anggaran!E11": CellWrite(25_000_000_000)})  # one row of Tabel 114 is 2025's
    before = {t["objek"]: t for t in t501(new)}
    assert "19 dari 19" not in before["anggaran_sasaran"]["pesan"]
    (tmp_path / "rev").mkdir()
    (tmp_path / "rev" / "rev.kin").write_text('aturan pk2025_revisi "PK 2025 revisi"\nperluas "pk2025-contoh"\n'
                                              'target { setjen_rb_kanwil = 90 }\n', encoding="utf-8")
    revised = tmp_path / "buku-2025-revisi.xlsx"
    r = cli("pindah", new, "--aturan", tmp_path / "rev", "--keluaran", revised)
    assert r.exit_code == Exit.OK, r.output
    assert f"{len(before)} masukan berisi angka buku kerja tahun 2024, padahal buku baru untuk tahun 2025" in r.output
    assert set(carried_rows(revised)) == set(before)
    after = {t["objek"]: t for t in t501(revised)}
    assert set(after) == set(before)
    assert "18 dari 19 baris tabelnya (baris sheet 12, 13" in after["anggaran_sasaran"]["pesan"]

    # and a revision of a workbook with nothing left from 2024 records nothing
    clean = tmp_path / "bersih.xlsx"
    shutil.copy(SAMPLE, clean)
    again = tmp_path / "bersih-revisi.xlsx"
    (tmp_path / "rev24").mkdir()
    (tmp_path / "rev24" / "r.kin").write_text('aturan r24 "PK 2024 revisi"\nperluas "pk2024-sumsel"\n',
                                              encoding="utf-8")
    assert cli("pindah", clean, "--aturan", tmp_path / "rev24", "--keluaran", again).exit_code == Exit.OK
    assert SHEET not in openpyxl.load_workbook(again).sheetnames


def test_a_pindahan_sheet_changed_beyond_reading_is_said_not_taken_as_updated(moved):
    new, _ = moved
    rows = carried_rows(new)
    before = {t["objek"] for t in t501(new)}
    write_back(new, cells={f"{SHEET}!G{rows['setjen_rb_kanwil_pembilang']}": CellWrite(None)})  # its fingerprint gone
    found = {t["objek"]: t for t in t501(new)}
    assert set(found) == before - {"setjen_rb_kanwil_pembilang"} | {SHEET}  # the others still listed
    assert f"baris {rows['setjen_rb_kanwil_pembilang']} tidak lagi memuat nama masukan" in found[SHEET]["pesan"]
    en = {t["objek"]: t for t in t501(new, "--bahasa", "en")}
    assert "no longer hold an input's name" in en[SHEET]["pesan_en"] and "baris" not in en[SHEET]["pesan_en"]

    write_back(new, cells={f"{SHEET}!B{HEADER_ROW}": CellWrite("Nama")})  # the headings retyped
    found = t501(new)
    assert [t["objek"] for t in found] == [SHEET] and "judul kolom" in found[0]["pesan"]
