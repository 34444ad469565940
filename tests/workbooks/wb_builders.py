"""Operator workbooks built independently of kinerja (XlsxWriter, one openpyxl case), with everything an
operator's real file carries: a form button, a chart, an image, a comment, data validation, conditional
formatting, a sheet of formulas, an Excel table, a merged cell — and, for the .xlsm, a real VBA project."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

# Values chosen from the LKjIP: 26943 / 28699 = 93,88 % (Indeks Pelayanan Tahanan, dimension 1).
PEMBILANG, PENYEBUT, CHECK = 26943, 28699, "93.88"


def tiny_png() -> bytes:
    """A 1×1 red PNG built with zlib/struct (no Pillow)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def vba_project_bin(tmp: Path) -> Path:
    """xlwings' standalone template's VBA project (RunPython + SampleCall), extracted to a file."""
    import xlwings

    xlsm = Path(os.path.dirname(xlwings.__file__)) / "quickstart_standalone.xlsm"
    out = tmp / "vbaProject.bin"
    with zipfile.ZipFile(xlsm) as z:
        out.write_bytes(z.read("xl/vbaProject.bin"))
    return out


@dataclass
class Built:
    path: Path
    macro: str | None


def build_operator_workbook(path: Path, *, macro: bool = False) -> Built:
    """The good workbook: inputs in workbook-level names, output cells, and every object to preserve."""
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    num = wb.add_format({"num_format": "#,##0"})
    out_fmt = wb.add_format({"bg_color": "#FFF2CC", "num_format": "0.00"})

    ws = wb.add_worksheet("Input")
    ws.write("B4", "Masukan", bold)
    ws.write("B5", "Rencana aksi RB terlaksana")
    ws.write_number("C5", PEMBILANG, num)
    ws.write("B6", "Rencana aksi RB")
    ws.write_number("C6", PENYEBUT, num)
    ws.write("B7", "PNBP AHU")
    ws.write_number("C7", 8219700000, num)
    ws.write("B8", "Satker")
    ws.write_string("C8", "Kanwil Sumatera Selatan")
    ws.write("B9", "Indeks")
    ws.write_number("C9", 3.74)
    ws.write("D4", "Hasil", bold)
    ws.write_blank("E5", None, out_fmt)  # output cell of the template, styled
    ws.write_comment("C5", "Isi jumlah rencana aksi yang terlaksana")
    ws.data_validation("C5:C6", {"validate": "integer", "criteria": ">=", "value": 0})
    ws.conditional_format("C5:C6", {"type": "cell", "criteria": ">", "value": 100000, "format": bold})
    ws.insert_image("H2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    if macro:
        ws.insert_button("E8", {"macro": "SampleCall", "caption": "Hitung", "width": 80, "height": 24})
    else:
        ws.insert_button("E8", {"macro": "Hitung", "caption": "Hitung"})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "RB", "values": "=Input!$C$5:$C$6", "categories": "=Input!$B$5:$B$6"})
    ws.insert_chart("H10", chart)
    ws.merge_range("B12:C12", "Catatan operator", bold)

    data = wb.add_worksheet("Data Satker")
    data.add_table("B2:D5", {
        "name": "survei",
        "columns": [{"header": "Unit"}, {"header": " Jumlah Responden "}, {"header": "NILAI"}],
        "data": [["Januari", 8, 2.54], ["Februari", 31, 3.74], ["Maret", 12, 3.1]],
    })
    data.write_row("B9", ["satker", "pnbp", "catatan"])
    data.write_row("B10", ["Lapas Palembang", 1200000, "ok"])
    data.write_row("B12", ["Rutan Pakjo", 0])  # row 11 left empty on purpose
    rumus = wb.add_worksheet("Rumus")
    rumus.write_formula("A1", "=Input!C5+Input!C6", None, PEMBILANG + PENYEBUT)
    rumus.write_formula("A2", "=SUM(Input!C5:C7)", None, PEMBILANG + PENYEBUT + 8219700000)
    rumus.write_formula("A3", '=IF(Input!C6=0,"-",Input!C5/Input!C6)', None, PEMBILANG / PENYEBUT)

    wb.define_name("setjen_rb_kanwil_pembilang", "=Input!$C$5")
    wb.define_name("Setjen_RB_Kanwil_Penyebut", "=Input!$C$6")  # case differs from the spec on purpose
    wb.define_name("ahu_pnbp_tahun_ini", "=Input!$C$7")
    wb.define_name("nama_satker", "=Input!$C$8")
    wb.define_name("ilk_nilai", "=Input!$C$9")
    wb.define_name("satker_pnbp", "='Data Satker'!$B$9:$D$14")
    wb.define_name("hasil_rb", "=Input!$E$5")
    wb.define_name("Input!lokal", "=Input!$C$6")
    wb.set_custom_property("Penyusun", "Operator Divisi Administrasi")
    if macro:
        wb.add_vba_project(str(vba_project_bin(path.parent)))
    wb.close()
    return Built(path, "SampleCall" if macro else "Hitung")


def build_bad_workbook(path: Path) -> Path:
    """One defined name per kind of wrong input."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Input")
    ws.write_string("C5", "lima puluh")
    ws.write_number("C6", -3)
    ws.write_number("C7", 2.5)
    ws.write_blank("C8", None, wb.add_format({"bg_color": "#FFF2CC"}))
    ws.write_formula("C9", "=1/0", None, "#DIV/0!")
    ws.write_formula("C10", "=#REF!", None, "#REF!")
    ws.merge_range("C11:D11", 7)
    ws.write_number("C12", 1)
    ws.write_number("C13", 2)
    ws.write_boolean("C14", True)
    ws.write_string("C15", "55")
    ws.write_number("C16", -10)
    ws.write_number("C17", 1)  # below: row 18 inside a merge not at its top-left
    ws.merge_range("C18:C19", 5)
    for name, ref in [
        ("teks_di_angka", "Input!$C$5"), ("negatif", "Input!$C$6"), ("pecahan", "Input!$C$7"),
        ("kosong", "Input!$C$8"), ("bagi_nol", "Input!$C$9"), ("ref_galat", "Input!$C$10"),
        ("gabungan", "Input!$C$11:$D$11"), ("rentang", "Input!$C$12:$C$13"), ("logika", "Input!$C$14"),
        ("angka_teks", "Input!$C$15"), ("rupiah_negatif", "Input!$C$16"), ("dalam_gabungan", "Input!$C$19"),
        ("sheet_dihapus", "#REF!$C$5"), ("konstanta", "0.5"),
    ]:
        wb.define_name(name, "=" + ref)
    data = wb.add_worksheet("Data")
    data.write_row("A1", ["Unit", "Nilai"])  # no "responden" column
    data.write_row("A2", ["Januari", "tinggi"])
    data.write_row("A3", ["Februari", 3.5])
    wb.define_name("tabel_salah", "=Data!$A$1:$B$3")
    data.write_row("D1", ["Unit", "Nilai"])
    wb.define_name("tabel_kosong", "=Data!$D$1:$E$4")
    wb.close()
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def member_infos(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as z:
        return z.infolist()
