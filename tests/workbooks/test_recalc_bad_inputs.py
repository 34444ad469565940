"""Every kind of bad input cell through `kinerja hitung BUKU.xlsx`: exit code 1, a message naming Sheet!Cell and
the input, the dependent results `galat`, the others computed, and nothing outside kinerja's own parts changed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from kinerja.cli import Exit, main
from wb_builders import members

RULES = """
target { rb = 100  lain = 100 }
masukan rb_terlaksana: cacah "Rencana aksi terlaksana"
masukan rb_total: cacah "Total rencana aksi"
masukan x_pembilang: cacah
masukan x_penyebut: cacah
sasaran s "S" {
  indikator rb "RB" { realisasi = rasio rb_terlaksana / rb_total }
  indikator lain "Lain" { realisasi = rasio x_pembilang / x_penyebut }
}
"""


CASES = {
    # case: (how to write the bad cell, where the name points, words expected in the message, problem code)
    "teks": (lambda ws, wb: ws.write_string("B3", "lima puluh"), "=Isian!$B$3", ["lima puluh"], "B201"),
    "negatif": (lambda ws, wb: ws.write_number("B3", -5), "=Isian!$B$3", ["-5"], "B202"),
    "pecahan": (lambda ws, wb: ws.write_number("B3", 2.5), "=Isian!$B$3", ["2,5"], "B202"),
    "kosong": (lambda ws, wb: ws.write_blank("B3", None, wb.add_format({"bg_color": "#FFF2CC"})), "=Isian!$B$3",
               [], "B205"),
    "bagi_nol": (lambda ws, wb: ws.write_formula("B3", "=1/0", None, "#DIV/0!"), "=Isian!$B$3", ["#DIV/0!"], "B206"),
    "ref_galat": (lambda ws, wb: ws.write_formula("B3", "=#REF!", None, "#REF!"), "=Isian!$B$3", ["#REF!"], "B206"),
    "rumus_tanpa_nilai": (lambda ws, wb: ws.write_formula("B3", "=B4*1", None, 0), "=Isian!$B$3", [], "B207"),
    "sheet_dihapus": (lambda ws, wb: ws.write_number("B3", 55), "=#REF!$B$3", [], "B209"),
    "gabungan": (lambda ws, wb: ws.merge_range("B3:C3", 55), "=Isian!$B$3:$C$3", [], "B211"),
    "rentang": (lambda ws, wb: ws.write_number("B3", 55), "=Isian!$B$3:$B$4", [], "B211"),
    # numbers Excel holds but kinerja does not compute exactly (issue 13: these were internal errors)
    "1e35": (lambda ws, wb: ws.write_number("B3", 1e35), "=Isian!$B$3", ["1E+35", "di luar rentang"], "B218"),
    "1e308": (lambda ws, wb: ws.write_number("B3", 1e308), "=Isian!$B$3", ["1E+308"], "B218"),
    "nan": (lambda ws, wb: ws.write_number("B3", 12345), "=Isian!$B$3", ["NaN"], "B218"),
    "infinity": (lambda ws, wb: ws.write_number("B3", 12345), "=Isian!$B$3", ["Infinity"], "B218"),
    "minus_inf": (lambda ws, wb: ws.write_number("B3", 12345), "=Isian!$B$3", ["-INF"], "B218"),
}
RAW_VALUE = {"nan": "NaN", "infinity": "Infinity", "minus_inf": "-INF"}  # no writer produces these: put in <v>


def build(path: Path, case: str) -> Path:
    write, target, _, _ = CASES[case]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Isian")
    ws.write("A3", "rb_terlaksana")
    write(ws, wb)
    for row, (name, value) in enumerate([("rb_total", 55), ("x_pembilang", 3), ("x_penyebut", 4)], start=4):
        ws.write(f"A{row}", name)
        ws.write_number(f"B{row}", value)
        wb.define_name(name, f"=Isian!$B${row}")
    wb.define_name("rb_terlaksana", target)
    ws.write_comment("A1", "milik operator")
    ws.insert_button("E3", {"macro": "Hitung", "caption": "Hitung"})
    wb.close()
    if case == "rumus_tanpa_nilai":  # a formula saved by a script that never computed it: no <v> at all
        drop_cached_value(path, "xl/worksheets/sheet1.xml", "<f>B4*1</f><v>0</v>", "<f>B4*1</f>")
    if case in RAW_VALUE:
        drop_cached_value(path, "xl/worksheets/sheet1.xml", "<v>12345</v>", f"<v>{RAW_VALUE[case]}</v>")
    return path


def drop_cached_value(path: Path, member: str, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == member:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            z.writestr(info, data)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_cell(tmp_path, case):
    rules = tmp_path / "aturan.kin"
    rules.write_text(RULES, encoding="utf-8")
    book = build(tmp_path / "buku.xlsx", case)
    before = members(book)
    r = CliRunner().invoke(main, ["hitung", str(book), "--aturan", str(rules), "--json"], catch_exceptions=False)
    assert "Traceback" not in r.output
    assert r.exit_code == Exit.FINDINGS, r.output
    out = json.loads(r.stdout)
    (problem,) = [p for p in out["masalah_masukan"] if p["masukan"] == "rb_terlaksana"]
    _, _, words, code = CASES[case]
    assert problem["kode"] == code
    assert "rb_terlaksana" in problem["pesan"] and problem["saran"]
    if case != "sheet_dihapus":
        assert "Isian!B3" in problem["pesan"] or "Isian!B3" in problem["lokasi"]
    for w in words:
        assert w in problem["pesan"]
    status = {i["id"]: (i["status"], i["realisasi"]) for i in out["indikator"]}
    assert status["rb"][0] == "galat" and status["lain"] == ("ok", 75)
    after = members(book)
    kept = [n for n in before if n.startswith(("xl/worksheets/sheet1", "xl/comments", "xl/vmlDrawing",
                                              "xl/drawings", "docProps/app"))]
    assert kept and all(after[n] == before[n] for n in kept)
