"""What an operator and an auditor see after `kinerja hitung` on the PK 2024 sample (issue 8, output half).

Temuan sheet: every finding the command prints and every input problem, each linked to its cell or Audit row,
the count at the top of Ringkasan. Ringkasan: status in the operator's words, never an engine code.
Audit: title and rule set/version header, autofilter, rows numbered from 1 with the table row's label, inputs
in natural order, local time with zone; printed through LibreOffice: A4 landscape, all columns on the page
width, far fewer pages than the 54 portrait pages the old sheet took.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import layout
from kinerja.workbooks.audit import AUDIT_HEADER, HEADER_ROW, natural_key
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.temuan import HEADER as TEMUAN_HEADER
from kinerja.workbooks.temuan import HEADER_ROW as TEMUAN_ROW
from libreoffice import convert, pdf_pages
from openpyxl.utils import get_column_letter

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
NOW = datetime(2025, 1, 31, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("operator") / "pk2024.xlsx"
    shutil.copy(SAMPLE, path)
    outcome = recalculate_workbook(path, now=NOW)
    return path, outcome


def rows_of(ws, header_row: int) -> tuple[dict[str, int], list[tuple]]:
    head = [c.value for c in ws[header_row]]
    return {h: i for i, h in enumerate(head) if h}, list(ws.iter_rows(min_row=header_row + 1, values_only=True))


def test_temuan_sheet_lists_every_finding_with_a_link_to_its_audit_row(sample):
    path, outcome = sample
    assert outcome.findings  # the sample has the report's contradictions (T201/T202/T301)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.TEMUAN_SHEET]
    col, rows = rows_of(ws, TEMUAN_ROW)
    assert list(col) == TEMUAN_HEADER
    listed = sorted((r[col["Kode"]], r[col["Tentang"]], r[col["Pesan dan tindakan"]]) for r in rows)
    assert listed == sorted((t.kode, t.objek, t.pesan) for t in outcome.findings)
    assert [r[col["No"]] for r in rows] == list(range(1, len(rows) + 1))
    # highest level first
    levels = [r[col["Tingkat"]] for r in rows]
    assert levels == sorted(levels, key=["TINGGI", "SEDANG", "info"].index)
    # the index above its scale: computed value shown, linked to the Audit row of its object
    audit = wb[layout.AUDIT_SHEET]
    acol, _ = rows_of(audit, HEADER_ROW)
    r = next(i for i, row in enumerate(rows) if row[col["Kode"]] == "T202" and "6,58" in row[col["Pesan dan tindakan"]])
    assert rows[r][col["Dihitung aturan"]] == "6,58"
    link = ws.cell(TEMUAN_ROW + 1 + r, col["Lokasi (klik)"] + 1).hyperlink
    assert link is not None and link.location.startswith(f"{layout.AUDIT_SHEET}!A")
    target = int(link.location.split("!A")[1])
    assert audit.cell(target, acol["ID"] + 1).value == "iphp.pembimbingan_klien"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{TEMUAN_ROW}:")


def test_ringkasan_speaks_the_operators_words_and_counts_the_findings(sample):
    path, outcome = sample
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SUMMARY_SHEET]
    names = {n: d.attr_text for n, d in wb.defined_names.items()}

    def at(name: str):
        sheet, cell = names[name].split("!")
        return wb[sheet.strip("'")][cell.replace("$", "")].value

    count = at(layout.TEMUAN_COUNT)
    # 7 tinggi: the 3 of the report's own data, and 4 populations printed with two figures in the IPHP tables
    # (sama in 21-iphp.kin: Tabel 15 tahanan, Tabel 19 narapidana ×2, Tabel 24 anak binaan)
    assert count.startswith(f"{len(outcome.findings)} temuan (7 tinggi") and "0 masalah masukan" in count
    statuses = [at(n) for n in names if n.startswith("status_")]
    assert statuses and all(s.split(" · ")[0].split(":")[0] in layout.STATUS_WORDS for s in statuses), statuses
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not [t for t in texts if t in ("ok", "tanpa_data", "galat") or t.startswith("ok:")]
    assert at("status_ahu_pnbp").startswith(layout.BELUM)  # capaian −569,50%: not "ok"
    assert at("status_ki_aduan").startswith(layout.TANPA_DATA)
    assert at("capaian_ki_aduan") == "-"
    assert at("status_setjen_rb_kanwil") == layout.TERCAPAI
    assert at("status_iphp") == f"{layout.TERCAPAI} · lihat Temuan"  # 4,01 above the 0–4 scale
    # the indicator whose realisasi is that index shows the same 4,01: it was "Tercapai" without the pointer
    assert at("status_pas_iphp") == f"{layout.TERCAPAI} · lihat Temuan"
    # capaian coloured by conditional formats (green ≥ 100, red below), status by its first word
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = " ".join(f for r in rules for f in r.formula)
    assert ">=100" in formulas and "<100" in formulas and f'="{layout.BELUM}"' in formulas


def test_budget_in_the_hundreds_of_billions_fits_its_column(sample):
    path, outcome = sample
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SUMMARY_SHEET]
    ref = {n: d.attr_text for n, d in wb.defined_names.items()}["nilai_pagu_akhir_pas"]
    cell = ws[ref.split("!")[1].replace("$", "")]
    assert cell.value > 100_000_000_000 and cell.number_format == "#,##0"
    shown = f"{cell.value:,.0f}"  # 305,496,521,000 — 15 characters in any locale
    assert ws.column_dimensions[cell.column_letter].width >= len(shown) + 3


def test_audit_sheet_reads_like_a_register(sample):
    path, outcome = sample
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.AUDIT_SHEET]
    col, rows = rows_of(ws, HEADER_ROW)
    assert list(col) == AUDIT_HEADER
    assert ws["A1"].value.startswith("Audit perhitungan kinerja — Perjanjian Kinerja 2024")
    version = outcome.result.rules.rules.version
    assert f"pk2024-sumsel · versi {version}" in ws["A2"].value and "31-01-2025 15:00 WIB" in ws["A2"].value
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:{get_column_letter(len(AUDIT_HEADER))}{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in ("9", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in ("1", 1)
    assert [r[col["No"]] for r in rows] == list(range(1, len(rows) + 1))
    # no Excel error and no engine code anywhere; blank value where there is no data
    cells = [c for r in rows for c in r if isinstance(c, str)]
    assert "tanpa_data" not in cells and not [c for c in cells if c.startswith("#")]
    nodata = [r for r in rows if r[col["Status"]] == "tanpa data"]
    assert nodata and all(r[col["Nilai"]] is None and r[col["Cek Excel (rumus hidup)"]] is None for r in nodata)
    # table rows: numbered from 1 with the row's label
    kolom = [r for r in rows if r[col["Jenis"]] == "kolom"]
    first = next(r for r in kolom if r[col["ID"]].startswith("kinerja_anggaran_satker[1]."))
    assert "kinerja_anggaran_satker baris 1 (Rupbasan Kelas II Baturaja)" in first[col["Uraian"]]
    assert not [r for r in kolom if "[0]" in r[col["ID"]]]
    # inputs in natural order: [2] before [10]
    ikm = next(r for r in rows if r[col["ID"]] == "pas_ikm_upt")[col["Masukan (sel = nilai)"]]
    assert ikm.index("pas_ikm_upt_survei[2].nilai") < ikm.index("pas_ikm_upt_survei[10].nilai")
    multi = [r[col["Masukan (sel = nilai)"]] for r in rows if r[col["Masukan (sel = nilai)"]]]
    for text in multi:
        names = [p.split(" = ")[0] for p in text.split("; ") if " = " in p]
        assert names == sorted(names, key=natural_key), text
    # numbers formatted (thousands separators), not General
    pagu = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, col["ID"] + 1).value == "pagu_akhir_pas")
    assert ws.cell(pagu, col["Nilai"] + 1).number_format == "#,##0"


def test_time_zone_is_configurable(tmp_path, monkeypatch):
    path = tmp_path / "wita.xlsx"
    shutil.copy(SAMPLE, path)
    monkeypatch.setenv("KINERJA_ZONA", "WITA")
    recalculate_workbook(path, now=NOW)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "31-01-2025 16:00 WITA" in wb[layout.AUDIT_SHEET]["A2"].value
    recalculate_workbook(path, now=NOW, zona="WIT")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "31-01-2025 17:00 WIT" in wb[layout.AUDIT_SHEET]["A2"].value


def test_printed_through_libreoffice_audit_is_landscape_full_width_and_short(sample, tmp_path):
    path, outcome = sample
    pdf = convert(path, "pdf", tmp_path / "pdf")[0]
    pages = pdf_pages(pdf)
    version = outcome.result.rules.rules.version
    audit = [p for p in pages if f"Audit pk2024-sumsel · versi {version}" in p[0]]
    assert audit, "no Audit page found by its footer"
    assert len(audit) <= 20, f"{len(audit)} Audit pages (the old sheet printed on 54)"
    assert all(w > h and round(w) == 842 and round(h) == 595 for _, w, h in audit)  # A4 landscape
    first = audit[0][0]
    for head in ("No", "Jenis", "Uraian", "Derivasi", "Berkas aturan", "Cocok?", "Pesan"):  # the whole width
        assert head in first, head
    temuan = "\n".join(t for t, _, _ in pages if f"{layout.TEMUAN_SHEET} · halaman" in t)
    flat = re.sub(r"\s+", " ", temuan)
    for t in outcome.findings:  # every finding `kinerja hitung` prints is on the printed Temuan sheet
        assert t.kode in flat and t.objek[:20] in flat, t.objek


def test_bad_input_is_listed_on_temuan_with_a_link_to_its_cell(tmp_path):
    path = tmp_path / "salah.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ref = {n: d.attr_text for n, d in wb.defined_names.items()}["setjen_rb_kanwil_pembilang"]
    sheet, cell = ref.split("!")
    sheet = sheet.strip("'")
    # change only that one cell with kinerja's own lossless writer (openpyxl would rewrite the file)
    from kinerja.workbooks.writer import CellWrite, write_back
    write_back(path, cells={f"'{sheet}'!{cell.replace('$', '')}": CellWrite("lima puluh lima")})
    r = CliRunner().invoke(main, ["hitung", str(path)], catch_exceptions=False)
    assert r.exit_code == Exit.FINDINGS and "Traceback" not in r.output
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.TEMUAN_SHEET]
    col, rows = rows_of(ws, TEMUAN_ROW)
    i = next(i for i, row in enumerate(rows) if row[col["Tentang"]] == "setjen_rb_kanwil_pembilang")
    assert rows[i][col["Tingkat"]] == "MASUKAN" and "lima puluh lima" in rows[i][col["Pesan dan tindakan"]]
    link = ws.cell(TEMUAN_ROW + 1 + i, col["Lokasi (klik)"] + 1).hyperlink
    assert link.location == f"{sheet if ' ' not in sheet else repr(sheet)}!{cell.replace('$', '')}"
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    sh, c = names[layout.TEMUAN_COUNT].split("!")
    assert "1 masalah masukan" in wb[sh.strip("'")][c.replace("$", "")].value
    status = names["status_setjen_rb_kanwil"].split("!")
    # the pointer first: the status column is narrow and the cell beside it is full, so a printed page shows
    # about 30 characters of it ("Galat: Setjen!C9 (setjen_rb_ka" told neither why nor where to look)
    assert wb[status[0].strip("'")][status[1].replace("$", "")].value.startswith(f"{layout.GALAT} · lihat Temuan: ")


def test_a_result_that_cannot_be_computed_reaches_temuan_and_the_exit_code(tmp_path):
    """5 rencana aksi done out of 0: the indicator is Galat. It used to be galat only — "Tidak ada temuan", an
    empty Temuan sheet, "0 temuan" at the top of Ringkasan and exit 0 (a batch would call the workbook ok). Now a
    finding (T201 tinggi) on the Temuan sheet, linked to the Audit row, and exit 1."""
    rules = tmp_path / "aturan"
    rules.mkdir()
    (rules / "a.kin").write_text(
        'aturan uji "Uji"\ntarget { rb = 100 }\neselon adm "Sekretariat" divisi "Divisi Administrasi" {\n'
        '  masukan rb_terlaksana: cacah "Rencana aksi RB terlaksana"\n  masukan rb_total: cacah "Total rencana aksi"\n'
        '  sasaran s1 "Sasaran RB" {\n    indikator rb "Persentase RB" { satuan persen  realisasi = rasio '
        'rb_terlaksana / rb_total }\n  }\n}\n', encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text("masukan:\n  rb_terlaksana: 5\n  rb_total: 0\n", encoding="utf-8")
    book = tmp_path / "buku.xlsx"
    r = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(book), "--isi", str(data)],
                           catch_exceptions=False)
    assert r.exit_code == Exit.OK, r.output
    r = CliRunner().invoke(main, ["hitung", str(book)], catch_exceptions=False)
    assert r.exit_code == Exit.FINDINGS and "T201" in r.output, r.output
    wb = openpyxl.load_workbook(book)
    col, rows = rows_of(wb[layout.TEMUAN_SHEET], TEMUAN_ROW)
    (row,) = [row for row in rows if row[col["Kode"]] == "T201"]
    assert row[col["Tentang"]] == "rb" and "penyebut 0" in row[col["Pesan dan tindakan"]]
    assert row[col["Lokasi (klik)"]].startswith("Audit baris")
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    sheet, cell = names[layout.TEMUAN_COUNT].split("!")
    assert wb[sheet.strip("'")][cell.replace("$", "")].value.startswith("1 temuan")
    sheet, cell = names["status_rb"].split("!")
    assert wb[sheet.strip("'")][cell.replace("$", "")].value.startswith(f"{layout.GALAT} · lihat Temuan: ")
