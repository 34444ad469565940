"""Two rows of a table with the same key (``kunci``) are B222, never summed or averaged twice.

The check is made once (engine/batasan.py ``check_inputs``) for every reader: a data file (YAML, CSV), a workbook
file and a live workbook (Hitung in Excel). Each case reads the same small rule set with a monthly survey (key:
bulan), a budget table (key: tahun, jenis) and a satker table (key: satker), and checks that the problem names both
rows where the operator finds them, that the figures that used the rows are galat while the others are computed,
and that what looks the same to the operator (trailing spaces, case, a no-break space) is the same key.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.engine import Inputs, Tracer, evaluate, input_specs, load_rules
from kinerja.engine.batasan import DUPLICATE_KEY, check_inputs
from libreoffice import convert

RULES = '''aturan kecil "Kecil"
eselon e "Eselon E" {
  tabel survei "ILK per bulan" kunci bulan {
    bulan: teks "Bulan survei"
    responden: cacah opsional "Jumlah responden"
    nilai: indeks "Nilai"
  }
}
tabel belanja "Belanja (Tabel 115)" kunci tahun, jenis {
  tahun: tahun "Tahun anggaran"
  jenis: teks "Jenis belanja (Belanja Pegawai / Barang / Modal)"
  pagu: rupiah "Pagu (Rp)"
}
tabel satker "Nilai per satker" kunci satker {
  satker: teks "Satuan kerja"
  nilai: angka "Nilai"
}
tabel bebas "Tanpa kunci" {
  nama: teks "Nama"
  n: cacah "N"
}
indeks ix "Indeks" skala 4 { indikator k "K" = 1 }
nilai ilk: indeks "ILK" = rata_rata(survei.nilai)
nilai pagu_2024 "Pagu 2024" = jumlah(belanja.pagu untuk tahun = 2024)
nilai pagu_2023 "Pagu 2023" = jumlah(belanja.pagu untuk tahun = 2023)
nilai rata_satker "Rata-rata satker" = rata_rata(satker.nilai)
nilai total_bebas "Total" = jumlah(bebas.n)
'''

SURVEI = [("Januari", 3.5), ("Oktober", 3.0), ("Oktober", 3.2)]
BELANJA = [(2024, "Belanja Pegawai", 100), (2024, "Belanja Barang", 50), (2023, "Belanja Pegawai", 80),
           (2024, "Belanja Pegawai", 100)]
SATKER = [("Lapas A", 80), ("Rutan B", 70), ("lapas  a", 90)]
BEBAS = [("x", 1), ("x", 2)]  # no key declared: two rows with the same text are two rows


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    (tmp_path / "aturan").mkdir()
    (tmp_path / "aturan" / "a.kin").write_text(RULES, encoding="utf-8")
    return tmp_path / "aturan"


def run(args: list[str]) -> tuple[int, dict]:
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Traceback" not in r.output and "galat internal" not in r.output, r.output
    return r.exit_code, json.loads(r.stdout)


def duplicates(out: dict) -> list[tuple[str, str]]:
    return [(p["lokasi"], p["pesan"]) for p in out["masalah_masukan"] if p["kode"] == DUPLICATE_KEY]


def expect_values(out: dict) -> None:
    """The figures that used a duplicated row are galat; the rest are computed from the rows as typed."""
    assert out["nilai"] == {"ilk": None, "pagu_2024": None, "pagu_2023": 80, "rata_satker": None,
                            "total_bebas": 3}


# ---- the engine's one check ---------------------------------------------------------------------------------
def _check(rules: Path, table: str, rows: list[dict]) -> list:
    specs = input_specs(load_rules(rules))
    inputs = Inputs(tables={table: rows})
    check_inputs(specs, inputs)
    return [p for p in inputs.problems if p.code == DUPLICATE_KEY]


def test_rows_with_one_key_are_each_reported_naming_the_others(rules):
    rows = [{"bulan": "Oktober", "nilai": Decimal(3)}, {"bulan": "Mei", "nilai": Decimal(3)},
            {"bulan": "Oktober", "nilai": Decimal(3)}, {"bulan": "Oktober", "nilai": Decimal(2)}]
    found = _check(rules, "survei", rows)
    assert [(p.cell.row, p.cell.column, p.whole_row) for p in found] == [(0, "bulan", True), (2, "bulan", True),
                                                                          (3, "bulan", True)]
    assert "juga ada di baris 3 (survei[3].bulan) dan baris 4 (survei[4].bulan)" in found[0].message
    assert "is also in row 3 (survei[3].bulan) and row 4 (survei[4].bulan)" in found[0].message_en
    assert "Hapus salah satu baris, atau perbaiki Bulan survei" in found[0].message
    assert "Delete one of the rows, or correct Bulan survei" in found[0].message_en


@pytest.mark.parametrize("a,b", [
    ("Oktober", "Oktober "),  # a trailing space is invisible
    ("Oktober", "oktober"),  # case (B215 also asks for "Oktober")
    ("Lapas Kelas I", "LAPAS  KELAS I"),  # case and a double space
    ("Lapas Kelas I", "Lapas\u00a0Kelas I\u200b"),  # a no-break space and a zero-width space pasted from the web
])
def test_what_looks_the_same_is_the_same_key(rules, a, b):
    found = _check(rules, "satker", [{"satker": a, "nilai": Decimal(1)}, {"satker": b, "nilai": Decimal(2)}])
    assert [p.cell.row for p in found] == [0, 1]


def test_different_keys_empty_keys_and_unkeyed_tables_are_not_duplicates(rules):
    assert _check(rules, "satker", [{"satker": "Lapas A", "nilai": Decimal(1)},
                                    {"satker": "Lapas A II", "nilai": Decimal(1)}]) == []
    # an empty key cell is the required-cell check's (G003), not a duplicate of another empty one
    assert _check(rules, "satker", [{"satker": None, "nilai": Decimal(1)}, {"satker": " ", "nilai": Decimal(1)}]) == []
    assert _check(rules, "bebas", [{"nama": "x", "n": Decimal(1)}, {"nama": "x", "n": Decimal(1)}]) == []


def test_a_key_of_several_columns_compares_them_together_and_numbers_as_numbers(rules):
    rows = [{"tahun": Decimal(2024), "jenis": "Belanja Pegawai", "pagu": Decimal(1)},
            {"tahun": Decimal(2023), "jenis": "Belanja Pegawai", "pagu": Decimal(1)},
            {"tahun": Decimal("2024.0"), "jenis": "Belanja Pegawai", "pagu": Decimal(1)}]
    found = _check(rules, "belanja", rows)
    assert [p.cell.row for p in found] == [0, 2]
    assert 'Tahun anggaran 2024, Jenis belanja "Belanja Pegawai"' in found[0].message


def test_only_the_group_of_the_duplicate_is_galat(rules):
    """The key cells keep their values, so `untuk tahun = 2023` still knows the duplicated 2024 rows are not
    2023's: pagu 2023 is computed, pagu 2024 is galat (it would have been 200 instead of 150)."""
    checked = load_rules(rules)
    rows = [{"tahun": Decimal(t), "jenis": j, "pagu": Decimal(p)} for t, j, p in BELANJA]
    inputs = Inputs(tables={"belanja": rows})
    check_inputs(input_specs(checked), inputs)
    result = evaluate(checked, inputs, Tracer(False))
    assert result.values["pagu_2023"].value == 80
    assert result.values["pagu_2024"].status == "galat"
    assert "baris ganda" in result.values["pagu_2024"].pesan


# ---- data files -------------------------------------------------------------------------------------------
def test_yaml_data_file_names_both_rows_and_leaves_the_other_figures(rules, tmp_path):
    data = tmp_path / "data.yaml"
    lines = ["tabel:", "  survei:"]
    lines += [f"    - {{bulan: \"{b}\", nilai: {n}}}" for b, n in SURVEI]
    lines += ["  belanja:"] + [f"    - {{tahun: {t}, jenis: \"{j}\", pagu: {p}}}" for t, j, p in BELANJA]
    lines += ["  satker:"] + [f"    - {{satker: \"{s}\", nilai: {n}}}" for s, n in SATKER]
    lines += ["  bebas:"] + [f"    - {{nama: \"{s}\", n: {n}}}" for s, n in BEBAS]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run(["hitung", "--aturan", str(rules), "--data", str(data), "--json"])
    assert code == 1
    found = duplicates(out)
    assert [w for w, _ in found] == ["data.yaml: tabel.survei[2].bulan", "data.yaml: tabel.survei[3].bulan",
                                     "data.yaml: tabel.belanja[1].tahun", "data.yaml: tabel.belanja[4].tahun",
                                     "data.yaml: tabel.satker[1].satker", "data.yaml: tabel.satker[3].satker"]
    assert "juga ada di baris 3 (data.yaml: tabel.survei[3].bulan)" in found[0][1]
    expect_values(out)
    en = [p["pesan_en"] for p in out["masalah_masukan"] if p["kode"] == DUPLICATE_KEY]
    assert "duplicate row — Bulan survei \"Oktober\" is also in row 3" in en[0]


def test_csv_table_file_is_checked_the_same_way(rules, tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "survei.csv").write_text("bulan;nilai\nJanuari;3,5\nOktober;3\n Oktober ;3,2\n",
                                                 encoding="utf-8")
    code, out = run(["hitung", "--aturan", str(rules), "--data", str(tmp_path / "csv" / "survei.csv"), "--json"])
    assert code == 1
    found = duplicates(out)
    assert [w for w, _ in found] == ["survei.csv: tabel.survei[2].bulan", "survei.csv: tabel.survei[3].bulan"]
    assert out["nilai"]["ilk"] is None


# ---- workbooks --------------------------------------------------------------------------------------------
def filled(rules: Path, tmp_path: Path, suffix: str = ".xlsx") -> Path:
    """The template of the rules, the rows typed in with openpyxl as an operator types them."""
    book = tmp_path / f"buku{suffix}"
    r = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(book)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(book, keep_vba=suffix == ".xlsm")
    for name, rows in (("survei", [(b, None, n) for b, n in SURVEI]), ("belanja", BELANJA), ("satker", SATKER),
                       ("bebas", BEBAS)):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        first = openpyxl.utils.cell.range_boundaries(ref.replace("$", ""))
        ws = wb[sheet]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    ws.cell(first[1] + 1 + i, first[0] + j, v)
    wb.save(book)
    return book


def test_workbook_names_both_cells_and_writes_galat_for_what_used_them(rules, tmp_path):
    book = filled(rules, tmp_path)
    dest = tmp_path / "hasil.xlsx"
    code, out = run(["hitung", str(book), "--keluaran", str(dest), "--json"])
    assert code == 1
    found = duplicates(out)
    assert [w for w, _ in found] == ["'Eselon E'!B11", "'Eselon E'!B12", "Anggaran!B10", "Anggaran!B13",
                                     "Anggaran!B115", "Anggaran!B117"]
    assert "juga ada di baris 3 ('Eselon E'!B12)" in found[0][1]
    assert "juga ada di baris 1 (Anggaran!B115)" in found[5][1]
    expect_values(out)
    wb = openpyxl.load_workbook(dest)
    temuan = [c.value for row in wb["Temuan"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("baris ganda" in t and "'Eselon E'!B12" in t for t in temuan)
    assert convert(dest, "csv", tmp_path / "lo")  # LibreOffice opens what was written


def test_english_messages(rules, tmp_path):
    book = filled(rules, tmp_path)
    r = CliRunner().invoke(main, ["--bahasa", "en", "hitung", str(book), "--keluaran", str(tmp_path / "h.xlsx")])
    assert r.exit_code == 1
    assert ("'Eselon E'!B11 (survei.bulan, row 2 «Oktober»): duplicate row — Bulan survei \"Oktober\" is also in "
            "row 3 ('Eselon E'!B12)") in r.output


@pytest.mark.usefixtures("remote_engine")
def test_live_hitung_refuses_the_duplicate_with_both_cells(rules, tmp_path):
    from kinerja.workbooks.live import hitung
    from kinerja.workbooks.remote import open_payload
    from kinerja.workbooks.tombol import pasang_tombol
    from payload import payload_of

    book = filled(rules, tmp_path)
    xlsm = tmp_path / "buku-tombol.xlsm"
    pasang_tombol(book, xlsm)
    out = hitung(open_payload(payload_of(xlsm)), aturan=str(rules))
    assert not out.ok
    found = [p for p in out.problems if p.code == DUPLICATE_KEY]
    assert [p.location for p in found] == ["'Eselon E'!B11", "'Eselon E'!B12", "Anggaran!B10", "Anggaran!B13",
                                           "Anggaran!B115", "Anggaran!B117"]
    assert "baris 3 ('Eselon E'!B12)" in found[0].message and "baris ganda" in out.message


def test_removing_the_copy_computes_again(rules, tmp_path):
    book = filled(rules, tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Eselon E"]["B12"] = "November"
    wb.save(book)
    shutil.copy(book, tmp_path / "b2.xlsx")
    code, out = run(["hitung", str(tmp_path / "b2.xlsx"), "--keluaran", str(tmp_path / "h2.xlsx"), "--json"])
    assert [w for w, _ in duplicates(out)][:2] == ["Anggaran!B10", "Anggaran!B13"]
    assert out["nilai"]["ilk"] == pytest.approx((3.5 + 3.0 + 3.2) / 3, abs=1e-9)


# ---- templat --isi and rekap --------------------------------------------------------------------------------
REKAP_RULES = '''aturan rekap_kunci "Rekap berkunci"
eselon adm "Sekretariat" {
  masukan nama_unit: teks "Nama unit"
  tabel ilk "ILK per satker" kunci satker { satker: teks "Satuan kerja"  nilai: indeks "Nilai" }
  tabel bulanan "Survei per bulan" { bulan: teks "Bulan"  nilai: indeks "Nilai" }
}
indeks ix "Indeks" skala 4 { indikator k "K" = 1 }
nilai ilk_upt: indeks "ILK UPT" = rata_rata(ilk.nilai)
nilai bulanan_rata: indeks "Survei bulanan" = rata_rata(bulanan.nilai)
rekap {
  nama_unit = identitas
  ilk = gabung
  bulanan = gabung
}
'''


def _unit_books(tmp_path: Path, units: dict[str, str]) -> tuple[Path, Path]:
    rules = tmp_path / "aturan"
    rules.mkdir()
    (rules / "a.kin").write_text(REKAP_RULES, encoding="utf-8")
    folder = tmp_path / "unit"
    folder.mkdir()
    for name, data in units.items():
        (tmp_path / f"{name}.yaml").write_text(data, encoding="utf-8")
        r = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(folder / f"{name}.xlsx"),
                                      "--isi", str(tmp_path / f"{name}.yaml")])
        assert r.exit_code == 0, r.output
    return rules, folder


def test_templat_isi_refuses_a_data_file_with_a_duplicate_row(tmp_path):
    rules, _ = _unit_books(tmp_path, {})
    data = tmp_path / "dup.yaml"
    data.write_text("tabel:\n  ilk: [{satker: Lapas A, nilai: 3}, {satker: Lapas A, nilai: 3}]\n", encoding="utf-8")
    book = tmp_path / "buku.xlsx"
    r = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(book), "--isi", str(data)])
    assert r.exit_code == 1 and "B222" in r.output and "tabel.ilk[2]" in r.output
    assert not book.exists()


def test_rekap_the_same_satker_from_two_units_is_one_duplicate_naming_both_files(tmp_path):
    """The unit is not part of the key: two UPT workbooks both sending a row for Lapas A would count it twice in
    the Kanwil's mean. A table without a key (the monthly survey, the same months in every unit) is concatenated
    as before."""
    rules, folder = _unit_books(tmp_path, {
        "a": 'masukan: {nama_unit: "Lapas A"}\ntabel:\n  ilk: [{satker: Lapas A, nilai: 3}]\n'
             "  bulanan: [{bulan: Januari, nilai: 3}]\n",
        "b": 'masukan: {nama_unit: "Rutan B"}\ntabel:\n'
             "  ilk: [{satker: Rutan B, nilai: 2}, {satker: LAPAS A, nilai: 3}]\n"
             "  bulanan: [{bulan: Januari, nilai: 2}]\n"})
    dest = tmp_path / "kanwil.xlsx"
    code, out = run(["rekap", str(folder), "--aturan", str(rules), "--keluaran", str(dest), "--json"])
    assert code == 1
    found = duplicates(out)
    assert [w for w, _ in found] == ["a.xlsx Sekretariat!B12", "b.xlsx Sekretariat!B13"]
    assert "juga ada di baris 3 (b.xlsx Sekretariat!B13)" in found[0][1]
    assert out["nilai"]["ilk_upt"] is None  # not (3 + 2 + 3) / 3
    assert out["nilai"]["bulanan_rata"] == 2.5
    assert convert(dest, "csv", tmp_path / "lo")

    (folder / "b.xlsx").unlink()  # without the copy: the mean of the rows sent
    (tmp_path / "b.yaml").write_text('masukan: {nama_unit: "Rutan B"}\ntabel:\n  ilk: [{satker: Rutan B, nilai: 2}]\n',
                                     encoding="utf-8")
    r = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(folder / "b.xlsx"), "--isi",
                                  str(tmp_path / "b.yaml")])
    assert r.exit_code == 0, r.output
    code, out = run(["rekap", str(folder), "--aturan", str(rules), "--keluaran", str(tmp_path / "k2.xlsx"), "--json"])
    assert duplicates(out) == [] and out["nilai"]["ilk_upt"] == 2.5
