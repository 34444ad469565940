"""Hostile and broken workbook packages (issue 13, the package/XML side): one generated case per kind.

Every case runs the real command (``kinerja hitung BUKU.xlsx``) in a subprocess limited with
``resource.setrlimit`` to 500 MB of address space and 10 s of CPU, and asserts the coded message, the exit code,
and that a refused file is byte-identical (a written one is checked for what must have landed and survived).
Nothing is mocked except in the SIGTERM case, where the write is held open so the signal lands inside it.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from kinerja.workbooks.audit import HEADER_ROW as AUDIT_HEADER_ROW

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workbooks"))
from libreoffice import sheets_as_csv  # noqa: E402
from wb_builders import members  # noqa: E402

MEMORY = 500 * 2**20
CPU_SECONDS = 10
WALL_SECONDS = 120  # a stuck case (a FIFO, a lock) fails here; the CPU limit is the real ceiling

RULES = """
aturan uji "Aturan uji serangan"
target { r = 100 }
eselon e "Eselon" divisi "Divisi" {
  masukan a: cacah "Terlaksana"
  masukan b: cacah "Total"
  sasaran s1 "Sasaran" {
    indikator r "Persentase" { satuan persen  realisasi = rasio a / b }
  }
}
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_kinerja(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-c", "from kinerja.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, preexec_fn=_limits, timeout=WALL_SECONDS)
    assert "galat internal" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode not in (-signal.SIGKILL, -signal.SIGXCPU), f"resource limit hit: {proc.returncode}"
    return proc


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "aturan"
    folder.mkdir()
    (folder / "uji.kin").write_text(RULES, encoding="utf-8")
    return folder


def build_book(path: Path, a: int = 55, b: int = 55) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Input")
    ws.write("B5", "Terlaksana")
    ws.write_number("C5", a)
    ws.write("B6", "Total")
    ws.write_number("C6", b)
    ws.write("D5", "Realisasi")
    ws.write("D6", "Capaian")
    wb.define_name("a", "=Input!$C$5")
    wb.define_name("b", "=Input!$C$6")
    wb.define_name("realisasi_r", "=Input!$E$5")
    wb.define_name("capaian_r", "=Input!$E$6")
    wb.close()
    return path


def rezip(src: Path, dest: Path, replace: dict[str, bytes] | None = None, extra: list[tuple[str, bytes]] = (),
          raw: dict[str, tuple[bytes, int, int]] | None = None) -> Path:
    """Copy ``src`` to ``dest`` replacing member data (``replace``), appending members (``extra``, duplicates
    allowed) and members given as already-deflated bytes (``raw``: name → (deflate data, crc, size))."""
    replace, raw = replace or {}, raw or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            if info.filename in raw:
                _write_raw(z, info.filename, *raw.pop(info.filename))
            else:
                z.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in extra:
            with pytest.warns(UserWarning):  # zipfile warns about the duplicate name, as it should
                z.writestr(name, data)
        for name, spec in raw.items():
            _write_raw(z, name, *spec)
    dest.write_bytes(buf.getvalue())
    return dest


def _write_raw(z: zipfile.ZipFile, name: str, data: bytes, crc: int, size: int) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.compress_size, info.file_size = crc, len(data), size
    z.fp.seek(z.start_dir)
    info.header_offset = z.fp.tell()
    z.fp.write(info.FileHeader(None))
    z.fp.write(data)
    z.start_dir = z.fp.tell()
    z.filelist.append(info)
    z.NameToInfo[name] = info


def deflate_repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Deflate ``head + unit * times + tail`` without doing the work ``times`` times: after a full flush the
    compressor starts afresh, so every compressed ``unit`` is the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    seg = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH) == seg
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return first + seg * times + last, crc & 0xFFFFFFFF, len(head) + len(unit) * times + len(tail)


def cell(path: Path, ref: str):
    return openpyxl.load_workbook(path)["Input"][ref].value


# --- cases -------------------------------------------------------------------------------------------------


def test_zip_bomb_member_is_copied_compressed_never_inflated(tmp_path, rules):
    """A 3 MB workbook carrying an unused member that inflates to 3 GiB: recalculated within the limits, the
    member copied byte for byte in its compressed form."""
    book = build_book(tmp_path / "bom.xlsx")
    bomb = deflate_repeated(b"", bytes(64 * 2**20), 48, b"")
    rezip(book, book, raw={"xl/media/bom.bin": bomb})
    assert book.stat().st_size < 4 * 2**20
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/media/bom.bin")
        assert (info.file_size, info.compress_size, info.CRC) == (3 * 2**30, len(bomb[0]), bomb[1])
        z.fp.seek(info.header_offset + 26)
        n, m = (int.from_bytes(z.fp.read(2), "little") for _ in range(2))
        z.fp.seek(info.header_offset + 30 + n + m)
        assert z.fp.read(len(bomb[0])) == bomb[0]
    assert cell(book, "E5") == 100


def test_sheet_padded_with_whitespace_is_refused(tmp_path, rules):
    """The input sheet padded with 1.5 GiB of whitespace: B150 before anything is inflated; file unchanged."""
    book = build_book(tmp_path / "padded.xlsx")
    xml = members(book)["xl/worksheets/sheet1.xml"]
    i = xml.index(b"<sheetData>")
    rezip(book, book, raw={"xl/worksheets/sheet1.xml": deflate_repeated(xml[:i], b" " * (64 * 2**20), 24, xml[i:])})
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B150" in proc.stderr and "sheet1.xml" in proc.stderr
    assert book.read_bytes() == before


def test_highly_compressed_part_is_refused_by_ratio(tmp_path, rules):
    """A part under the size limit that inflates far beyond what XML does (40 MiB from ~40 KB): B150."""
    book = build_book(tmp_path / "rasio.xlsx")
    xml = members(book)["xl/worksheets/sheet1.xml"]
    i = xml.index(b"<sheetData>")
    rezip(book, book, raw={"xl/worksheets/sheet1.xml": deflate_repeated(xml[:i], b" " * 2**20, 40, xml[i:])})
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2 and "B150" in proc.stderr and "batasnya 200×" in proc.stderr
    assert book.read_bytes() == before


def test_duplicate_zip_entries_are_a_corrupt_package(tmp_path, rules):
    book = build_book(tmp_path / "ganda.xlsx")
    sheet = members(book)["xl/worksheets/sheet1.xml"]
    rezip(book, book, extra=[("xl/worksheets/sheet1.xml", sheet.replace(b">55<", b">1<"))])
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B102" in proc.stderr and "entri zip ganda 'xl/worksheets/sheet1.xml'" in proc.stderr
    assert book.read_bytes() == before


@pytest.mark.parametrize("damage", ["terenkripsi", "rusak"])
def test_encrypted_or_damaged_member_is_a_corrupt_package(tmp_path, rules, damage):
    book = build_book(tmp_path / f"{damage}.xlsx")
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    off = info.header_offset
    if damage == "terenkripsi":  # the ZipCrypto flag in the local and the central header
        data[off + 6] |= 1
        central = bytes(data).index(b"xl/worksheets/sheet1.xml", bytes(data).index(b"PK\x01\x02")) - 46
        data[central + 8] |= 1
    else:  # garbage in the middle of the deflate stream
        start = off + 30 + len(info.filename)
        data[start + 20:start + 40] = b"\xff" * 20
    book.write_bytes(bytes(data))
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B102" in proc.stderr and "sheet1.xml" in proc.stderr, proc.stderr
    assert book.read_bytes() == bytes(data)


# Legal OOXML an ordinary writer never produces (also used by benchmarks/serangan.py): edits of sheet1.xml.
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FAKE_ROW_COMMENT = '<!-- <row r="5"><c r="E5"><v>1</v></c></row> <c r="E6"/> -->'
CDATA_CELL = '<c r="F5" t="inlineStr"><is><t><![CDATA[<row r="6"><c r="E6"><v>2</v></c></row>]]></t></is></c>'


def with_comment_and_cdata(xml: str) -> str:
    """A comment holding a fake row 5 with the output cell, and a CDATA section holding markup in row 5."""
    xml = re.sub(r'(<row r="5"[^>]*>.*?)(</row>)', lambda m: m.group(1) + CDATA_CELL + m.group(2), xml, count=1,
                 flags=re.S)
    return xml.replace("<sheetData>", "<sheetData>" + FAKE_ROW_COMMENT, 1)


def all_prefixed(xml: str) -> str:
    """The whole sheet under an ``x:`` prefix for the main namespace."""
    xml = re.sub(r"<(/?)(?!\?)([A-Za-z]+[\s/>])", r"<\1x:\2", xml)
    return xml.replace(f'xmlns="{MAIN_NS}"', f'xmlns:x="{MAIN_NS}"')


def mixed_prefixes(xml: str) -> str:
    """``<sheetData>`` re-declaring the main namespace under another prefix (``s:``)."""
    body = xml[xml.index("<sheetData>"):xml.index("</sheetData>") + len("</sheetData>")]
    new = re.sub(r"<(/?)([A-Za-z]+[\s/>])", r"<\1s:\2", body).replace("<s:sheetData>",
                                                                   f'<s:sheetData xmlns:s="{MAIN_NS}">', 1)
    return xml.replace(body, new)


def _with_sheet(book: Path, edit) -> bytes:
    xml = members(book)["xl/worksheets/sheet1.xml"].decode()
    new = edit(xml)
    assert new != xml
    rezip(book, book, replace={"xl/worksheets/sheet1.xml": new.encode()})
    return new.encode()


def test_comment_and_cdata_in_the_output_sheet(tmp_path, rules):
    """Legal OOXML an ordinary writer never produces: a comment holding a fake row with the output cell and a
    CDATA section holding markup. The results go into the real cells; comment and CDATA survive unchanged."""
    book = build_book(tmp_path / "komentar.xlsx")
    fake, cdata = FAKE_ROW_COMMENT, CDATA_CELL
    _with_sheet(book, with_comment_and_cdata)
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    after = members(book)["xl/worksheets/sheet1.xml"].decode()
    assert fake in after and cdata in after
    assert (cell(book, "E5"), cell(book, "E6")) == (100, 100)
    assert cell(book, "F5") == '<row r="6"><c r="E6"><v>2</v></c></row>'
    csv = sheets_as_csv(book, tmp_path / "lo")
    assert any("100" in row for row in csv["Input"][4]), csv["Input"][4]


def test_prefixed_namespace_is_followed(tmp_path, rules):
    """The whole sheet written with an ``x:`` prefix (legal; some generators do it): written correctly."""
    book = build_book(tmp_path / "prefiks.xlsx")
    _with_sheet(book, all_prefixed)
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "<x:c" in members(book)["xl/worksheets/sheet1.xml"].decode()
    assert (cell(book, "E5"), cell(book, "E6")) == (100, 100)


def test_mixed_prefixes_are_refused(tmp_path, rules):
    """``<sheetData>`` re-declaring the main namespace under another prefix: refused (B151), not guessed."""
    book = build_book(tmp_path / "campur.xlsx")
    _with_sheet(book, mixed_prefixes)
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B151" in proc.stderr and "sheet1.xml" in proc.stderr, proc.stderr
    assert book.read_bytes() == before


def test_in_place_write_through_a_symlink_updates_the_target(tmp_path, rules):
    real_dir = tmp_path / "asli"
    real_dir.mkdir()
    book = build_book(real_dir / "buku.xlsx")
    link = tmp_path / "tautan.xlsx"
    link.symlink_to(book)
    proc = run_kinerja("hitung", str(link), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert cell(book, "E5") == 100
    assert not list(tmp_path.glob(".~kinerja-*")) and not list(real_dir.glob(".~kinerja-*"))


SLOW_WRITE = """
import sys, time
import kinerja.workbooks.opc as o  # Package.save writes through opc.atomic_write
real = o.atomic_write
def held(dest, write):  # the write itself, then a pause inside the write window (the temp file exists)
    def slow(f):
        write(f)
        print("MENULIS", flush=True)
        time.sleep(60)
    real(dest, slow)
o.atomic_write = held
from kinerja.cli import main
main()
"""


def test_sigterm_during_the_write_removes_the_temp_file(tmp_path, rules):
    book = build_book(tmp_path / "sigterm.xlsx")
    before = book.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, "hitung", str(book), "--aturan", str(rules)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_limits)
    try:
        deadline = time.monotonic() + WALL_SECONDS
        line = ""
        while "MENULIS" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
        assert "MENULIS" in line, proc.stderr.read()
        assert list(tmp_path.glob(".~kinerja-*.tmp"))  # the temp file exists now
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WALL_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert not list(tmp_path.glob(".~kinerja-*"))
    assert book.read_bytes() == before


def test_limits_hold_for_a_normal_run(tmp_path, rules):
    """The ceiling itself is not what fails the cases above: an ordinary recalculation fits easily."""
    book = build_book(tmp_path / "biasa.xlsx")
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert cell(book, "E5") == 100 and os.path.getsize(book) > 0


def test_output_name_over_an_input_cell_is_refused(tmp_path, rules):
    """``realisasi_r`` pointing at the input cell of ``a`` (55): the result (100) would replace the operator's
    number and the next run would compute from it. Refused before anything is written."""
    book = build_book(tmp_path / "timpa.xlsx")
    wbxml = members(book)["xl/workbook.xml"].decode()
    rezip(book, book, replace={"xl/workbook.xml": wbxml.replace(
        '<definedName name="realisasi_r">Input!$E$5', '<definedName name="realisasi_r">Input!$C$5').encode()})
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B152" in proc.stderr and "realisasi_r" in proc.stderr and "masukan a" in proc.stderr, proc.stderr
    assert "Input!C5" in proc.stderr
    assert book.read_bytes() == before


def test_input_on_a_sheet_kinerja_recreates_is_refused(tmp_path, rules):
    """After a first run the operator points input ``b`` into the Audit sheet: recreating Audit would lose it."""
    book = build_book(tmp_path / "audit.xlsx")
    assert run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path).returncode == 0
    wbxml = members(book)["xl/workbook.xml"].decode()
    moved = wbxml.replace('<definedName name="b">Input!$C$6', '<definedName name="b">Audit!$Z$1')
    rezip(book, book, replace={"xl/workbook.xml": moved.encode()})
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B152" in proc.stderr and "masukan b" in proc.stderr and "Audit" in proc.stderr, proc.stderr
    assert book.read_bytes() == before


def test_template_writes_rule_strings_as_text_never_formulas(tmp_path):
    """Titles and labels starting with ``=`` (``=HYPERLINK(…)``) are stored as text in ``kinerja templat``."""
    folder = tmp_path / "aturan"
    folder.mkdir()
    evil = '=HYPERLINK(\\"http://contoh.invalid/\\",\\"klik\\")'
    (folder / "uji.kin").write_text(
        RULES.replace('"Aturan uji serangan"', f'"{evil}"').replace('"Terlaksana"', '"=1+1"')
        .replace('"Persentase"', '"=SUM(A1:A9)"'), encoding="utf-8")
    out = tmp_path / "templat.xlsx"
    proc = run_kinerja("templat", "--aturan", str(folder), "--keluaran", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    parts = members(out)
    sheets = {n: d.decode() for n, d in parts.items() if n.startswith("xl/worksheets/sheet")}
    # the only formulas are kinerja's own format checks (hidden sheet FormatIsian), one per input cell
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"
    formulas = [f.text for x in sheets.values() for f in ET.fromstring(x).iter(main)]
    check = re.compile(r'ROW\((.+)\)&","&COLUMN\(\1\)&","&CELL\("format",\1\)')
    assert formulas and all(check.fullmatch(f) for f in formulas), formulas[:3]
    texts = [c.value for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("HYPERLINK" in t for t in texts) and "=1+1 *" in texts and "=SUM(A1:A9)" in texts, texts
    csv = sheets_as_csv(out, tmp_path / "lo")
    flat = [v for rows in csv.values() for row in rows for v in row]
    assert "=1+1 *" in flat and any(v.startswith("=HYPERLINK(") for v in flat) and "klik" not in flat


SLOW_TEMPLATE = """
import time
import kinerja.workbooks.template as t
real = t.write_back
def held(*args, **kwargs):  # inside the template's temporary folder
    real(*args, **kwargs)
    print("MENULIS", flush=True)
    time.sleep(60)
t.write_back = held
from kinerja.cli import main
main()
"""


def test_sigterm_during_templat_removes_its_temporary_folder(tmp_path, rules):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "templat.xlsx"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_TEMPLATE, "templat", "--aturan", str(rules), "--keluaran",
                             str(out)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_limits, env={**os.environ, "TMPDIR": str(tmp)})
    try:
        line = proc.stdout.readline()
        assert "MENULIS" in line, proc.stderr.read()
        assert list(tmp.iterdir())  # the temporary folder exists now
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WALL_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert not list(tmp.iterdir()) and not out.exists()


ROWS = 1000
TABLE_RULES = """
aturan uji_tabel "Tabel panjang"
target { ikm = 3 }
eselon e "Eselon" divisi "Divisi" {
  tabel survei "Survei kepuasan" { unit: teks  responden: cacah  nilai: indeks }
  sasaran s1 "Sasaran" {
    indikator ikm "Indeks kepuasan" { satuan indeks  realisasi = rata_rata(survei.nilai) }
  }
}
"""


def survey_rules(folder: Path) -> Path:
    folder = folder / "aturan"
    folder.mkdir()
    (folder / "uji.kin").write_text(TABLE_RULES, encoding="utf-8")
    return folder


def build_survey_book(book: Path, rows: int) -> Path:
    """A survey table of ``rows`` rows with long unit names, its realisasi and derivation output cells."""
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("Input")
    ws.write_row(9, 1, ["unit", "responden", "nilai"])
    for i in range(rows):
        ws.write_row(10 + i, 1, [f"Satuan kerja pemasyarakatan nomor {i + 1} wilayah Sumatera Selatan", 30 + i,
                                 3 + (i % 10) / 10])
    wb.define_name("survei", f"=Input!$B$10:$D${10 + rows}")
    wb.define_name("realisasi_ikm", "=Input!$G$2")
    wb.define_name("derivasi_ikm", "=Input!$G$3")
    wb.close()
    return book


def test_long_derivation_of_a_large_table_is_split_not_refused(tmp_path):
    """A 1,000-row survey table (the issue's 330 rows made the Audit text of its inputs longer than one Excel
    cell and every recalculation failed): the text is continued in extra columns of the same row."""
    folder = survey_rules(tmp_path)
    book = build_survey_book(tmp_path / "tabel.xlsx", ROWS)
    proc = run_kinerja("hitung", str(book), "--aturan", str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    audit = openpyxl.load_workbook(book)["Audit"]
    header = [c.value for c in audit[AUDIT_HEADER_ROW]]  # title rows above the table header
    extra = [i for i, h in enumerate(header) if h and str(h).startswith("Lanjutan teks")]
    assert extra, header
    row = next(r for r in audit.iter_rows(min_row=AUDIT_HEADER_ROW + 1) if r[2].value == "ikm")
    pieces = [c.value or "" for c in row]
    assert all(len(p) <= 32767 for p in pieces if isinstance(p, str))
    masukan = header.index("Masukan (sel = nilai)")
    full = pieces[masukan] + "".join(pieces[i] for i in extra)
    assert len(full) > 32767 and full.count("Input!D") == ROWS, len(full)
    assert f"Input!D{10 + ROWS}" in full
    g3 = openpyxl.load_workbook(book)["Input"]["G3"].value
    assert len(g3) <= 32767


def _table_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Input")
    ws.add_table("B10:D12", {"name": "survei", "columns": [{"header": "unit"}, {"header": "responden"},
                                                           {"header": "nilai"}],
                             "data": [["Lapas I", 30, 3.2], ["Rutan II", 20, 3.6]]})
    wb.define_name("realisasi_ikm", "=Input!$G$2")
    wb.close()
    return path


MALFORMED = {  # kind → (part, text in it, replacement, what the message must name)
    "sheetId": ("xl/workbook.xml", 'sheetId="1"', 'sheetId="satu"', 'sheetId="satu"'),
    "localSheetId": ("xl/workbook.xml", '<definedName name="a">', '<definedName name="a" localSheetId="x">',
                     'localSheetId="x"'),
    "row": ("xl/worksheets/sheet1.xml", '<row r="5"', '<row r="7a"', '<row r="7a">'),
    "cell": ("xl/worksheets/sheet1.xml", '<c r="C5"', '<c r="A0"', '<c r="A0">'),
    "headerRowCount": ("xl/tables/table1.xml", 'ref="B10:D12"', 'ref="B10:D12" headerRowCount="x"',
                       'headerRowCount="x"'),
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_malformed_attributes_are_a_corrupt_package(tmp_path, kind):
    part, old, new, named = MALFORMED[kind]
    folder = tmp_path / "aturan"
    folder.mkdir()
    if kind == "headerRowCount":
        (folder / "uji.kin").write_text(TABLE_RULES, encoding="utf-8")
        book = _table_book(tmp_path / f"{kind}.xlsx")
    else:
        (folder / "uji.kin").write_text(RULES, encoding="utf-8")
        book = build_book(tmp_path / f"{kind}.xlsx")
    xml = members(book)[part].decode()
    assert old in xml
    rezip(book, book, replace={part: xml.replace(old, new, 1).encode()})
    before = book.read_bytes()
    proc = run_kinerja("hitung", str(book), "--aturan", str(folder), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "B102" in proc.stderr and part in proc.stderr and named in proc.stderr, proc.stderr
    assert book.read_bytes() == before


def test_owned_sheet_text_longer_than_a_cell_is_continued_not_refused(tmp_path):
    """The writer's guarantee behind the Audit: a text over 32,767 characters (here 80,000, an input list of
    a few thousand rows) is continued in extra columns of its row, joined it is the original text, the header
    names the extra columns, row numbers stay; an output cell in the operator's sheet is cut with a note."""
    from kinerja.workbooks.writer import CONTINUED, TRUNCATED, CellWrite, write_back

    book = build_book(tmp_path / "panjang.xlsx")
    long = "; ".join(f"survei[{i}].nilai = 3,{i % 10} (Input!D{i + 11})" for i in range(2500))
    assert len(long) > 80_000
    rows = [[CellWrite("Judul")], [CellWrite("No", style="header"), CellWrite("Masukan", style="header")],
            [CellWrite(1), CellWrite(long, style="wrap")], [CellWrite(2), CellWrite("pendek")]]
    from kinerja.workbooks.plan import SheetLayout, SheetPlan

    write_back(book, owned_sheets={"Audit": SheetPlan(tuple(tuple(r) for r in rows), SheetLayout(header_row=2))},
               cells={"realisasi_r": CellWrite(long)})
    ws = openpyxl.load_workbook(book)["Audit"]
    header = [c.value for c in ws[2]]
    assert header[:2] == ["No", "Masukan"] and header[2:] == [CONTINUED.format(n=k) for k in (1, 2)]
    pieces = [c.value for c in ws[3]]
    assert pieces[0] == 1 and all(len(p) <= 32767 for p in pieces[1:])
    assert "".join(pieces[1:]) == long and pieces[1].endswith("; ")
    assert [c.value for c in ws[4]][:2] == [2, "pendek"]
    out = openpyxl.load_workbook(book)["Input"]["E5"].value
    assert len(out) <= 32767 and out.endswith(TRUNCATED) and long.startswith(out[:-len(TRUNCATED)])
    csv = sheets_as_csv(book, tmp_path / "lo")
    assert csv["Audit"][2][0] == "1" and csv["Audit"][2][1] == pieces[1]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_workbook_path_that_is_no_regular_file(tmp_path, rules, kind):
    """A FIFO (would block forever on open) or /dev/zero (endless) given as the workbook: B102 at once."""
    if kind == "fifo":
        path = tmp_path / "pipa.xlsx"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    proc = run_kinerja("hitung", str(path), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 2
    assert "B102" in proc.stderr and "bukan berkas biasa" in proc.stderr, proc.stderr


def test_result_out_of_range_is_a_galat_in_the_audit_not_an_internal_error(tmp_path, rules):
    """rasio a / b with a = 99,999,999,999,999 and b = 1 is 9,999,999,999,999,900 % — outside the range kinerja
    computes exactly (≥ 10^15). The recalculation writes the workbook (exit 1, finding T204), the Audit names the
    rule line and the operation, the output cell holds no number, and LibreOffice opens the result."""
    book = build_book(tmp_path / "besar.xlsx", a=99999999999999, b=1)
    proc = run_kinerja("hitung", str(book), "--aturan", str(rules), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "T204" in proc.stdout and "uji.kin:8: hasil rasio di luar jangkauan" in proc.stdout, proc.stdout
    assert not isinstance(cell(book, "E5"), (int, float))
    sheets = sheets_as_csv(book, tmp_path)
    audit = "\n".join(",".join(r) for r in sheets["Audit"])
    assert "uji.kin:8: hasil rasio di luar jangkauan angka yang dapat dihitung tepat (besaran ≥ 10^15)" in audit


def test_result_out_of_range_in_batch_is_a_finding_of_that_workbook(tmp_path, rules):
    """`kinerja batch` shares the evaluator: the workbook whose ratio leaves the range is reported with T204 and
    its rule line, the ordinary one next to it is computed; exit 1, no internal error."""
    pile = tmp_path / "tumpukan"
    pile.mkdir()
    build_book(pile / "besar.xlsx", a=99999999999999, b=1)
    build_book(pile / "biasa.xlsx")
    proc = run_kinerja("batch", "tumpukan", "--aturan", str(rules), "--json", "-j", "1", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    records = {Path(r["berkas"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    assert records["biasa.xlsx"]["status"] == "ok"
    (finding,) = records["besar.xlsx"]["hasil"]["temuan"]
    assert finding["kode"] == "T204" and "uji.kin:8: hasil rasio di luar jangkauan" in finding["pesan"]
    assert cell(pile / "biasa.xlsx", "E5") == 100
