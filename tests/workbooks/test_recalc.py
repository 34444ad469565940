"""`kinerja hitung BUKU.xlsx`: recalculation of a workbook built independently (XlsxWriter), with real files.

What is proven: results land in the output cells and the Audit sheet; every zip member kinerja does not own is
byte-identical afterwards (button, VBA, chart, image, comment, validation, conditional format, other sheets);
LibreOffice opens the result and its own recalculation of the live check formulas equals kinerja's values;
bad inputs are reported with Sheet!Cell and input name and exit code 1; locked/read-only files are refused.
"""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import layout
from kinerja.workbooks.audit import HEADER_ROW
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.writer import read_meta
from libreoffice import sheets_as_csv
from wb_builders import members, tiny_png, vba_project_bin

RULES = """
aturan uji "Aturan uji buku kerja"
target { rb = 100  ikm = 3.1  tahanan = 3.6 }
eselon adm "Sekretariat" divisi "Divisi Administrasi" {
  masukan rb_terlaksana: cacah "Rencana aksi RB terlaksana"
  masukan rb_total: cacah "Total rencana aksi RB"
  tabel ikm_survei "Survei" { unit: teks  responden: cacah opsional  nilai: indeks }
  sasaran s1 "Sasaran RB" {
    indikator rb "Persentase RB" { satuan persen  realisasi = rasio rb_terlaksana / rb_total }
    indikator ikm "Indeks kepuasan" { satuan indeks  realisasi = rata_rata(ikm_survei.nilai) }
  }
}
eselon pas "Pemasyarakatan" divisi "Divisi Pemasyarakatan" {
  masukan tidak_overstay: cacah
  masukan total_tahanan: cacah
  masukan penerima_bankum: cacah
  masukan pemohon_bankum: cacah
}
indeks tahanan "Indeks pelayanan tahanan" skala 4 {
  bulat 2
  nol_per_nol 100
  dimensi adm "Administrasi" bobot 50% { indikator overstay "Tidak overstay" = rasio tidak_overstay / total_tahanan }
  dimensi pel "Pelayanan" bobot 50% { indikator bankum "Bankum" = rasio penerima_bankum / pemohon_bankum }
}
tabel satker "Nilai satker" { satker: teks  capaian_ro: persen  nilai_ikpa: angka }
bagian anggaran {
  per_baris satker sebagai satker {
    nilai_smart: angka = bulat(capaian_ro * 75% / 2, 2)
    nka: angka = nilai_smart + nilai_ikpa
  }
  nilai rata_nka: angka "Rata-rata NKA" = rata_rata(satker.nka) bulat 2
}
"""

NOW = datetime(2025, 1, 31, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    d = tmp_path / "aturan"
    d.mkdir()
    (d / "uji.kin").write_text(RULES, encoding="utf-8")
    return d


def build(path: Path, *, macro: bool = False, outputs: bool = False, values: dict | None = None) -> Path:
    """An operator's workbook made without kinerja: inputs in defined names, and everything to preserve."""
    v = {"rb_terlaksana": 55, "rb_total": 55, "tidak_overstay": 26943, "total_tahanan": 28699,
         "penerima_bankum": 700, "pemohon_bankum": 611, **(values or {})}
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Isian")
    ws.write("A1", "Isian kinerja", bold)
    for i, (name, value) in enumerate(v.items(), start=3):
        ws.write(f"A{i}", name)
        if isinstance(value, str):
            ws.write_string(f"B{i}", value)
        elif value is None:
            ws.write_blank(f"B{i}", None)
        else:
            ws.write_number(f"B{i}", value)
        wb.define_name(name, f"=Isian!$B${i}")
    ws.write_comment("B3", "Isi dari laporan triwulan")
    ws.data_validation("B3:B8", {"validate": "integer", "criteria": ">=", "value": 0})
    ws.conditional_format("B3:B8", {"type": "cell", "criteria": ">", "value": 100000, "format": bold})
    ws.insert_image("F2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    ws.insert_button("D3", {"macro": "SampleCall" if macro else "Hitung", "caption": "Hitung"})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Isian!$B$3:$B$4"})
    ws.insert_chart("F10", chart)
    sv = wb.add_worksheet("Survei")
    sv.write_row("A1", ["unit", "responden", "nilai"])
    sv.write_row("A2", ["September", 8, 2.54])
    sv.write_row("A3", ["Oktober", 31, 3.74])
    wb.define_name("ikm_survei", "=Survei!$A$1:$C$10")
    st = wb.add_worksheet("Satker")
    st.write_row("A1", ["satker", "capaian_ro", "nilai_ikpa"])
    st.write_row("A2", ["Lapas A", 98.65, 49.97])
    st.write_row("A3", ["Rutan B", 100, 48.59])
    wb.define_name("satker", "=Satker!$A$1:$C$5")
    rumus = wb.add_worksheet("Rumus operator")
    rumus.write_formula("A1", "=Isian!B3/Isian!B4*100", None, 100)
    if outputs:
        out = wb.add_worksheet("Laporan")
        out.write("A1", "Realisasi RB")
        out.write("A2", "Capaian RB")
        out.write("A3", "Indeks tahanan")
        out.write("A4", "Capaian sasaran 1")
        fmt = wb.add_format({"bg_color": "#E2EFDA", "num_format": "0.00"})
        for r in range(1, 5):
            out.write_blank(f"B{r}", None, fmt)
        wb.define_name(layout.output_name("realisasi", "rb"), "=Laporan!$B$1")
        wb.define_name(layout.output_name("capaian", "rb"), "=Laporan!$B$2")
        wb.define_name(layout.output_name("nilai", "tahanan"), "=Laporan!$B$3")
        wb.define_name(layout.output_name("capaian", "s1"), "=Laporan!$B$4")
    wb.set_custom_property("Penyusun", "Operator")
    if macro:
        wb.add_vba_project(str(vba_project_bin(path.parent)))
    wb.close()
    return path


OWNED_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/custom.xml",
               "xl/styles.xml", "xl/calcChain.xml"}


def untouched(before: dict[str, bytes], after: dict[str, bytes], changed_sheets: set[str] = frozenset()) -> None:
    new_parts = set(after) - set(before)
    for name, data in before.items():
        if name in OWNED_PARTS or name in changed_sheets:
            continue
        assert name in after, f"{name} hilang"
        assert after[name] == data, f"{name} berubah"
    assert all(p.startswith("xl/worksheets/sheet") or p == "docProps/custom.xml" for p in new_parts), new_parts


@pytest.mark.parametrize("macro", [False, True], ids=["xlsx", "xlsm"])
def test_recalc_writes_audit_and_keeps_every_other_part(tmp_path, rules, macro):
    path = build(tmp_path / ("buku.xlsm" if macro else "buku.xlsx"), macro=macro)
    before = members(path)
    out = recalculate_workbook(path, aturan=str(rules), now=NOW)
    after = members(path)
    untouched(before, after)
    assert after.get("xl/vbaProject.bin") == before.get("xl/vbaProject.bin")
    assert out.result.indicators["rb"].value == Decimal("100.00")
    assert out.result.indices["tahanan"].value == Decimal("4.17")  # (46,94 + 57,29) / 100 × 4
    wb = openpyxl.load_workbook(path)
    assert [s for s in wb.sheetnames if s != layout.FORMAT_SHEET][-3:] == [layout.AUDIT_SHEET, layout.TEMUAN_SHEET,
                                                                           layout.RESULT_SHEET]
    assert wb[layout.FORMAT_SHEET].sheet_state == "hidden"
    ws = wb[layout.AUDIT_SHEET]
    head = [c.value for c in ws[HEADER_ROW]]
    col = {h: i for i, h in enumerate(head)}
    audit = {r[col["ID"]]: r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    rb = audit["rb"]
    assert rb[col["Nilai"]] == 100 and rb[col["Derivasi"]] == "55 / 55 × 100% = 100%"
    assert "rb_terlaksana = 55 (Isian!B3)" in rb[col["Masukan (sel = nilai)"]]
    # rule set, hash, engine and local time (WIB by default) once, in the header
    assert ws["A2"].value == (f"Set aturan aturan · versi {out.result.rules.rules.version} · kinerja 0.1.0 · "
                              "dihitung 31-01-2025 15:00 WIB")
    assert rb[col["Cek Excel (rumus hidup)"]] == "=ROUND(rb_terlaksana/rb_total*100,2)"
    meta = read_meta(path)
    # recorded relative to the workbook's folder (tests/workbooks/test_rules_path.py), never as an absolute path
    assert meta[layout.META_RULES] == "aturan" and meta[layout.META_VERSION] == out.result.rules.rules.version


def test_libreoffice_opens_result_and_check_formulas_agree(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx", outputs=True)
    out = recalculate_workbook(path, aturan=str(rules), now=NOW)
    sheets = sheets_as_csv(path, tmp_path)
    audit = sheets[layout.AUDIT_SHEET][HEADER_ROW - 1:]
    head = audit[0]
    k, e, ok = head.index("Cek Excel (rumus hidup)"), head.index("Nilai"), head.index("Cocok?")
    checked = 0
    for row in audit[1:]:
        if not row[k]:
            continue
        assert row[ok] == "cocok", f"{row[2]}: kinerja {row[e]} vs LibreOffice {row[k]}"
        assert Decimal(row[k]) == Decimal(row[e])
        checked += 1
    # every indicator, index, sasaran, capaian, row column and value has a live formula here
    assert checked == len(audit) - 1, [r[2] for r in audit[1:] if not r[k]]
    laporan = sheets["Laporan"]
    assert [r[1] for r in laporan[:4]] == ["100", "100", "4.17", str(out.result.sasaran["s1"].value)]


def test_output_names_receive_results_and_no_hasil_sheet(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx", outputs=True)
    before = members(path)
    out = recalculate_workbook(path, aturan=str(rules), now=NOW)
    assert out.written_cells == 4
    wb = openpyxl.load_workbook(path)
    assert layout.RESULT_SHEET not in wb.sheetnames
    lap = wb["Laporan"]
    assert [lap["B1"].value, lap["B2"].value, lap["B3"].value] == [100, 100, 4.17]
    assert lap["B1"].fill.fgColor.rgb.endswith("E2EFDA")  # the operator's format is kept
    laporan_part = next(n for n in before if n.startswith("xl/worksheets/sheet5"))
    untouched(before, members(path), {laporan_part})


def test_rerun_on_unchanged_inputs_gives_identical_file(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx", outputs=True)
    recalculate_workbook(path, aturan=str(rules), now=NOW)
    first = path.read_bytes()
    recalculate_workbook(path, now=NOW)  # no --aturan: taken from the workbook's meta
    assert path.read_bytes() == first


def test_copy_with_keluaran_leaves_original(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx")
    original = path.read_bytes()
    copy = tmp_path / "hasil.xlsx"
    recalculate_workbook(path, aturan=str(rules), keluaran=copy, now=NOW)
    assert path.read_bytes() == original
    assert layout.AUDIT_SHEET in openpyxl.load_workbook(copy).sheetnames


def run_cli(args):
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def test_bad_inputs_are_named_by_cell_and_input_and_exit_1(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx", values={"rb_terlaksana": "lima puluh", "total_tahanan": -3,
                                                 "pemohon_bankum": None})
    before = members(path)
    r = run_cli(["hitung", str(path), "--aturan", str(rules), "--json"])
    assert r.exit_code == Exit.FINDINGS
    out = json.loads(r.stdout)
    problems = {p["masukan"]: p for p in out["masalah_masukan"]}
    assert "Isian!B3" in problems["rb_terlaksana"]["pesan"] and "lima puluh" in problems["rb_terlaksana"]["pesan"]
    assert "Isian!B6" in problems["total_tahanan"]["pesan"]
    assert "Isian!B8" in problems["pemohon_bankum"]["pesan"]
    status = {i["id"]: i["status"] for i in out["indikator"]}
    assert status == {"rb": "galat", "ikm": "ok"}  # the rest is still computed
    assert {i["id"]: i["status"] for i in out["indeks"]}["tahanan"] == "galat"
    untouched(before, members(path))


def test_locked_or_read_only_workbook_is_refused_untouched(tmp_path, rules):
    path = build(tmp_path / "buku.xlsx")
    original = path.read_bytes()
    lock = tmp_path / "~$buku.xlsx"
    lock.write_bytes(b"operator")
    r = run_cli(["hitung", str(path), "--aturan", str(rules)])
    assert r.exit_code == Exit.USAGE and "B111" in r.stderr and "buku.xlsx" in r.stderr
    assert path.read_bytes() == original
    lock.unlink()
    os.chmod(path, stat.S_IRUSR)
    try:
        r = run_cli(["hitung", str(path), "--aturan", str(rules)])
        assert r.exit_code == Exit.USAGE and "B112" in r.stderr
        assert path.read_bytes() == original
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_workbook_without_rules_meta_needs_aturan(tmp_path):
    path = build(tmp_path / "buku.xlsx")
    r = run_cli(["hitung", str(path)])
    assert r.exit_code == Exit.USAGE and "B120" in r.stderr and "--aturan" in r.stderr
