"""No memory serves a stale or foreign entry: a Hitung in a process that has just recalculated other, nearly
identical workbooks gives exactly what a fresh process gives (issues 8, 11, 13; the speed memos of docs/kecepatan.md).

Each test mixes workbooks the way real use does — the same sheet bytes beside another styles.xml, another
sharedStrings.xml, other defined names, another workbook.xml; another rule set or an edited rule file; another
language or time zone; one cell changed by the operator between two Hitung — recalculates them one after the other
in THIS process (every memory warm with the others' entries), and compares each record (JSON, input problems,
summary, every member of the file written) with a Hitung of that workbook in a fresh process
(:func:`memo_fresh.fresh`). Each test also checks that its variants really differ, so an attack that changes
nothing cannot pass unnoticed.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from memo_fresh import differences, fresh, members, record
from test_workbook_hostile import TABLE_RULES as SURVEY_RULES  # a one-table rule set

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workbooks"))
from libreoffice import roundtrip_xlsx  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
RULES = Path(__file__).resolve().parents[2] / "rules" / "pk2024-sumsel"


def rezip(src: Path, dest: Path, changes: dict[str, bytes]) -> Path:
    """``src`` with some members' bytes replaced (every other member, and the order, as they were)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, changes.get(info.filename, zin.read(info.filename)))
    return dest


def edit(src: Path, dest: Path, member: str, old: str, new: str, count: int = 1) -> Path:
    """``src`` with ``old`` replaced by ``new`` in one member (asserting it is there)."""
    with zipfile.ZipFile(src) as z:
        text = z.read(member).decode("utf-8")
    assert old in text, (member, old)
    return rezip(src, dest, {member: text.replace(old, new, count).encode("utf-8")})


def member_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def with_xf(src: Path, dest: Path, index: int, num_fmt: int) -> Path:
    """``src`` whose cell format ``index`` shows numbers in built-in format ``num_fmt`` (9 = 0%, 14 = a date):
    every sheet byte the same, only styles.xml differs."""
    text = member_text(src, "xl/styles.xml")
    xfs = re.search(r"<cellXfs[^>]*>", text)
    starts = [m.start() for m in re.finditer(r"<xf ", text[xfs.end():])]
    at = xfs.end() + starts[index]
    head = re.compile(r'numFmtId="\d+"').sub(f'numFmtId="{num_fmt}" applyNumberFormat="1"', text[at:], 1)
    return rezip(src, dest, {"xl/styles.xml": (text[:at] + head).encode("utf-8")})


def run_warm_and_fresh(tmp_path: Path, books: list[tuple[Path, dict]]) -> list[dict]:
    """Recalculate every (workbook, options) one after the other in this process, then each in a fresh one;
    assert every record is identical; the warm records."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    jobs = [dict(src=str(b), dest=str(out / f"{i:02d}-warm-{b.name}"), **opts) for i, (b, opts) in enumerate(books)]
    warm = [record(**j) for j in jobs]
    cold = fresh([dict(j, dest=j["dest"].replace("-warm-", "-fresh-")) for j in jobs])
    for (book, opts), w, c in zip(books, warm, cold):
        assert not differences(w, c), f"{book.name} {opts}: a warm process differs from a fresh one in " \
                                      f"{differences(w, c)}"
    return warm


def codes_at(rec: dict) -> set[tuple[str, str]]:
    return {(p[0], p[2]) for p in rec.get("problems", [])}


@pytest.fixture
def sample(tmp_path) -> Path:
    return Path(shutil.copy(SAMPLE, tmp_path / "contoh.xlsx"))


# --- the same sheet bytes in another package --------------------------------------------------------------------


def test_same_sheets_with_a_percent_or_date_style_at_the_same_index(sample, tmp_path):
    """Setjen!C9 holds 55 in cell format 13: in a second workbook format 13 shows 0% (55 shows as 5500%), in a
    third a date; Anggaran!C221 (a satker's capaian RO, format 23) shows as a percentage in a fourth. The sheets
    are byte-identical to the sample's, whose layouts and cells are remembered by those bytes."""
    pct = with_xf(sample, tmp_path / "persen.xlsx", 13, 9)
    date = with_xf(sample, tmp_path / "tanggal.xlsx", 13, 14)
    table = with_xf(sample, tmp_path / "persen-tabel.xlsx", 23, 10)
    warm = run_warm_and_fresh(tmp_path, [(sample, {}), (pct, {}), (date, {}), (table, {}), (sample, {})])
    assert not warm[0]["problems"] and warm[0] == {**warm[4], "members": warm[4]["members"]}
    assert ("B217", "Setjen!C9") in codes_at(warm[1])  # a count shown as a percentage: reported
    assert ("B219", "Setjen!C9") in codes_at(warm[2])  # shown as a date: reported
    assert any(loc == "Anggaran!C221" for _, loc in codes_at(warm[3]))  # 100 shown as 10000%: out of bounds


def test_same_sheets_with_other_defined_names(sample, tmp_path):
    """Two inputs' names swapped in workbook.xml (the sheets unchanged): each must be read from its own cell."""
    wb = member_text(sample, "xl/workbook.xml")
    a = "<definedName name=\"setjen_rb_kanwil_pembilang\">Setjen!$C$9</definedName>"
    b = "<definedName name=\"iphp_pelayanan_tahanan_overstaying_pembilang\">'Ditjen Pemasyarakatan'!$C$13</definedName>"
    assert a in wb and b in wb
    swapped = wb.replace(a, "\0").replace(b, a.replace("Setjen!$C$9", "'Ditjen Pemasyarakatan'!$C$13"))
    swapped = swapped.replace("\0", b.replace("'Ditjen Pemasyarakatan'!$C$13", "Setjen!$C$9"))
    other = rezip(sample, tmp_path / "nama.xlsx", {"xl/workbook.xml": swapped.encode("utf-8")})
    warm = run_warm_and_fresh(tmp_path, [(sample, {}), (other, {}), (sample, {})])
    assert warm[0]["json"] != warm[1]["json"]


def test_same_sheets_with_another_workbook_part(sample, tmp_path):
    """date1904, the sheets' order, an input sheet hidden: workbook.xml changes, the sheets do not."""
    wb = member_text(sample, "xl/workbook.xml")
    d1904 = rezip(sample, tmp_path / "d1904.xlsx",
                  {"xl/workbook.xml": wb.replace("<workbookPr />", '<workbookPr date1904="1" />', 1).encode()})
    first = re.search(r'<sheet name="Setjen"[^>]*/>', wb).group(0)
    second = re.search(r'<sheet name="Ditjen Pemasyarakatan"[^>]*/>', wb).group(0)
    order = rezip(sample, tmp_path / "urutan.xlsx",
                  {"xl/workbook.xml": wb.replace(first + second, second + first, 1).encode()})
    hidden = rezip(sample, tmp_path / "sembunyi.xlsx", {"xl/workbook.xml": wb.replace(
        '<sheet name="Setjen" sheetId="1" state="visible"', '<sheet name="Setjen" sheetId="1" state="hidden"',
        1).encode()})
    # a date-formatted input read in a 1904 workbook: the same report either way
    dated = with_xf(sample, tmp_path / "tanggal.xlsx", 13, 14)
    dated1904 = rezip(dated, tmp_path / "tanggal1904.xlsx",
                      {"xl/workbook.xml": wb.replace("<workbookPr />", '<workbookPr date1904="1" />', 1).encode()})
    run_warm_and_fresh(tmp_path, [(sample, {}), (d1904, {}), (order, {}), (hidden, {}), (dated, {}),
                                  (dated1904, {}), (sample, {})])


def test_same_workbook_part_with_its_sheets_swapped_in_the_relationships(sample, tmp_path):
    """workbook.xml byte-identical (its sheets and names are remembered by its bytes), but the relationships send
    the sheet named Setjen to the part that was Imigrasi's and back: every input is read from the part the
    relationships name now."""
    rels = member_text(sample, "xl/_rels/workbook.xml.rels")
    one = re.search(r'<Relationship [^>]*Id="rId1"[^>]*/>', rels).group(0)
    three = re.search(r'<Relationship [^>]*Id="rId3"[^>]*/>', rels).group(0)
    t1, t3 = (re.search(r'Target="([^"]+)"', x).group(1) for x in (one, three))
    swapped = rels.replace(one, "\0").replace(three, three.replace(t3, t1)).replace("\0", one.replace(t1, t3))
    other = rezip(sample, tmp_path / "relasi.xlsx", {"xl/_rels/workbook.xml.rels": swapped.encode("utf-8")})
    warm = run_warm_and_fresh(tmp_path, [(sample, {}), (other, {}), (sample, {})])
    assert warm[1]["problems"] or warm[1]["json"] != warm[0]["json"] or "error" in warm[1]


# --- another rule set, language, zone ----------------------------------------------------------------------------


def _rules_copy(dest: Path, old: str, new: str) -> Path:
    shutil.copytree(RULES, dest)
    f = dest / "00-pengaturan.kin"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def test_another_rule_set_and_a_rule_file_edited_in_place(sample, tmp_path):
    """The same workbook with the bundled rules, a copy that rounds capaian to 1 digit, the copy edited in place
    to 0 digits between two Hitung (same path, same length, possibly the same mtime), and the bundled rules
    again. (A copy with another target is refused as another year, B121: tested in tests/workbooks.)"""
    other = _rules_copy(tmp_path / "aturan-lain", "bulat_capaian = 2", "bulat_capaian = 1")
    r1 = record(str(sample), str(tmp_path / "x1.xlsx"), aturan=str(other))
    f = other / "00-pengaturan.kin"
    f.write_text(f.read_text(encoding="utf-8").replace("bulat_capaian = 1", "bulat_capaian = 0", 1),
                 encoding="utf-8")
    warm = run_warm_and_fresh(tmp_path, [(sample, {}), (sample, {"aturan": str(other)}), (sample, {})])
    assert "json" in r1 and "json" in warm[1], (r1.get("error"), warm[1].get("error"))
    capaian = [[i["capaian"] for i in w["json"]["indikator"]] for w in (warm[0], r1, warm[1])]
    assert capaian[0] != capaian[1] != capaian[2]
    assert all(c is None or c == int(c) for c in capaian[2])  # 0 digits: the edited file, not the one before
    assert warm[0]["json"]["aturan"]["versi"] != warm[1]["json"]["aturan"]["versi"] != r1["json"]["aturan"]["versi"]


def test_the_working_folder_changed_between_two_hitung(tmp_path, monkeypatch):
    """A rule folder outside the working folder is named by its full path in the Audit's 'Berkas aturan' column
    and the JSON, one inside it relative to it. The same process recalculating from another working folder (an
    interpreter kept alive between two Hitung clicks of workbooks in different folders) named the files as the
    first folder saw them: the checked rules were remembered by the files' places, not by the names shown."""
    folder = tmp_path / "kerja" / "aturan"
    folder.mkdir(parents=True)
    (folder / "uji.kin").write_text(SURVEY_RULES, encoding="utf-8")
    book = _survey_book(tmp_path / "kerja" / "upt.xlsx", 5, 1)
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    first = record(str(book), str(elsewhere / "pertama.xlsx"), aturan=str(folder))
    monkeypatch.chdir(tmp_path / "kerja")
    warm = run_warm_and_fresh(tmp_path, [(book, {"aturan": str(folder)})])
    audit = next(v for k, v in warm[0]["members"].items() if "Berkas aturan" in v)
    assert ">aturan/uji.kin:" in audit
    assert str(folder / "uji.kin") in json.dumps(first["json"]) or str(folder / "uji.kin") in str(first["members"])


def test_language_and_time_zone_switched_between_two_hitung(sample, tmp_path):
    pct = with_xf(sample, tmp_path / "persen.xlsx", 13, 9)  # with input problems: messages in both languages
    books = [(sample, {}), (sample, {"lang": "en"}), (pct, {"lang": "en"}), (pct, {}), (sample, {"zona": "WITA"}),
             (sample, {"zona": "WIT", "lang": "en"}), (sample, {})]
    warm = run_warm_and_fresh(tmp_path, books)
    assert warm[0]["summary"] != warm[1]["summary"]  # the terminal speaks the language (the sheets: Indonesian)
    assert warm[2]["problems"] == warm[3]["problems"] and warm[2]["summary"] != warm[3]["summary"]
    assert warm[4]["members"] != warm[0]["members"]


# --- the operator changes one cell between two Hitung ------------------------------------------------------------


def _set_value(src: Path, dest: Path, member: str, ref: str, value: str) -> Path:
    text = member_text(src, member)
    m = re.search(rf'<c r="{ref}"[^>]*?>(<v>[^<]*</v>)</c>', text)
    assert m, ref
    cell = m.group(0).replace(m.group(1), f"<v>{value}</v>")
    return rezip(src, dest, {member: (text[:m.start()] + cell + text[m.end():]).encode("utf-8")})


def test_one_cell_changed_after_a_hitung_in_place(sample, tmp_path):
    """Hitung in place, then the operator changes one single input, one table cell, or a cell in a hidden spare
    row of a table (the row stays hidden), and clicks Hitung again: the second Hitung, in the process that did the
    first, equals a fresh Hitung of the edited file."""
    first = tmp_path / "pertama.xlsx"
    record(str(sample), str(first))
    single = _set_value(first, tmp_path / "tunggal.xlsx", "xl/worksheets/sheet1.xml", "C9", "54")
    table = _set_value(first, tmp_path / "tabel.xlsx", "xl/worksheets/sheet10.xml", "C221", "99")
    sheet = member_text(first, "xl/worksheets/sheet10.xml")
    spare = next(int(n) for n in re.findall(r'<row r="(\d+)"[^>]*hidden="1"', sheet) if 220 < int(n) <= 320)
    cell = f'<c r="C{spare}" s="23"><v>7</v></c>'
    row = re.search(rf'<row r="{spare}"[^>]*>(.*?)</row>|<row r="{spare}"[^>]*/>', sheet, re.S)
    tag = re.match(r"<row[^>]*?/?>", row.group(0)).group(0).replace("/>", ">")
    body = row.group(1) or ""
    body = re.sub(rf'<c r="C{spare}"[^>]*?(/>|>.*?</c>)', "", body)
    cols = re.findall(r'<c r="([A-Z]+)', body)
    new_row = tag + (re.sub(r'(<c r="D)', cell + r"\1", body, count=1) if "D" in cols else body + cell) + "</row>"
    hidden = rezip(first, tmp_path / "tersembunyi.xlsx", {"xl/worksheets/sheet10.xml": (
        sheet[:row.start()] + new_row + sheet[row.end():]).encode("utf-8")})
    warm = run_warm_and_fresh(tmp_path, [(first, {}), (single, {}), (table, {}), (hidden, {}), (first, {})])
    assert warm[0]["json"] != warm[1]["json"] and warm[0]["json"] != warm[2]["json"]
    assert warm[0]["json"] != warm[3]["json"] or warm[3]["problems"]  # the hidden row's value is not ignored


# --- shared strings: a LibreOffice-saved workbook (every text cell is an index into sharedStrings.xml) -----------


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("lo")
    return roundtrip_xlsx(Path(shutil.copy(SAMPLE, work / "contoh-lo.xlsx")), work)


def _with_string(src: Path, dest: Path, sheet: str, ref: str, text: str) -> Path:
    """``src`` whose shared string shown in ``sheet``!``ref`` is ``text`` (every sheet byte the same: the other
    cells showing that string change with it, as when Excel renames a string used in several places)."""
    cell = re.search(rf'<c r="{ref}"[^>]*t="s"[^>]*><v>(\d+)</v></c>', member_text(src, sheet))
    assert cell, ref
    sst = member_text(src, "xl/sharedStrings.xml")
    items = list(re.finditer(r"<si>.*?</si>", sst, re.S))
    at = items[int(cell.group(1))]
    return rezip(src, dest, {"xl/sharedStrings.xml": (
        sst[:at.start()] + f"<si><t>{text}</t></si>" + sst[at.end():]).encode("utf-8")})


def test_same_sheets_with_other_shared_strings(saved_by_libreoffice, tmp_path):
    """A survey month, a budget row's sasaran and a satker's name changed in sharedStrings.xml only."""
    lo = Path(shutil.copy(saved_by_libreoffice, tmp_path / "lo.xlsx"))
    month = _with_string(lo, tmp_path / "bulan.xlsx", "xl/worksheets/sheet1.xml", "B16", "Oktober")
    bad_month = _with_string(lo, tmp_path / "bulan-salah.xlsx", "xl/worksheets/sheet1.xml", "B16", "Sept")
    sasaran = _with_string(lo, tmp_path / "sasaran.xlsx", "xl/worksheets/sheet10.xml", "B11", "pas_s9")
    satker = _with_string(lo, tmp_path / "satker.xlsx", "xl/worksheets/sheet10.xml", "B221", "Satker Lain")
    warm = run_warm_and_fresh(tmp_path, [(lo, {}), (month, {}), (bad_month, {}), (sasaran, {}), (satker, {}),
                                         (lo, {})])
    assert "json" in warm[0] and not warm[0]["problems"], warm[0].get("error")
    assert any(loc == "Setjen!B16" for _, loc in codes_at(warm[2]))
    assert any(loc == "Anggaran!B11" for _, loc in codes_at(warm[3]))
    assert warm[4]["members"] != warm[0]["members"]  # the satker's name is the Audit row's label


def test_the_fork_judge_is_a_fresh_kinerja_hitung(sample, tmp_path):
    """What :func:`memo_fresh.fresh` gives is what ``kinerja hitung BUKU --json`` typed in a new process gives."""
    import subprocess

    pct = with_xf(sample, tmp_path / "persen.xlsx", 13, 9)
    cold = fresh([dict(src=str(pct), dest=str(tmp_path / "judge.xlsx"))])[0]
    proc = subprocess.run([sys.executable, "-m", "kinerja.cli", "hitung", str(pct), "--json", "--keluaran",
                           str(tmp_path / "cli.xlsx")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # input problems
    printed = json.loads(proc.stdout)
    printed.pop("buku_kerja", None)
    assert printed == cold["json"]
    assert ("B217", "Setjen!C9") in codes_at(cold)
    times = re.compile(r"\d\d-\d\d-\d{4} \d\d:\d\d WIB")
    written = {k: times.sub("T", v) for k, v in members(tmp_path / "cli.xlsx").items()
               if not k.startswith("docProps/")}
    assert written == {k: times.sub("T", v) for k, v in cold["members"].items() if not k.startswith("docProps/")}


# --- a batch of 30 nearly identical unit workbooks ---------------------------------------------------------------

_TIMES = re.compile(r"\d\d-\d\d-\d{4} \d\d:\d\d WI[BT]A?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _untimed(files: dict[str, str]) -> dict[str, str]:
    return {k: _TIMES.sub("<waktu>", v) for k, v in files.items()}


def _part(book: Path, sheet: str) -> str:
    from kinerja.workbooks.ooxml import Package

    return Package(book).sheet(sheet).part.lstrip("/")


@pytest.fixture(scope="module")
def thirty(tmp_path_factory) -> list[Path]:
    """30 PK 2024 unit workbooks: 6 data sets, and 24 copies of them each with one difference from its original —
    one single input, one table cell, or the number format of one input cell (a percentage) — so the pile is
    full of parts that are byte-identical to another workbook's, beside the one that is not."""
    from kinerja.workbooks.variasi import build_varied

    folder = tmp_path_factory.mktemp("upt")
    books = build_varied(folder, 30, seed=7, distinct=6)
    setjen, anggaran = _part(books[0], "Setjen"), _part(books[0], "Anggaran")
    style = int(re.search(r'<c r="C9" s="(\d+)"', member_text(books[0], setjen)).group(1))
    for i, book in enumerate(books[6:], start=6):
        tmp = book.with_suffix(".tmp")
        if i % 3 == 0:
            _set_value(book, tmp, setjen, "C9", str(i))
        elif i % 3 == 1:
            _set_value(book, tmp, anggaran, "C221", str(50 + i))
        else:
            with_xf(book, tmp, style, 9)
        tmp.replace(book)
    return books


def test_thirty_nearly_identical_workbooks_each_as_a_fresh_hitung(thirty, tmp_path):
    """`kinerja batch` with 1 and with 2 jobs and on a Dask LocalCluster: every record and every file written is
    what a Hitung of that workbook alone in a fresh process gives."""
    from distributed import LocalCluster
    from kinerja.workbooks import batch

    cold = fresh([dict(src=str(b), dest=str(tmp_path / f"fresh-{b.name}")) for b in thirty])
    assert sum(1 for c in cold if c["problems"]) == 8  # the percent-formatted copies are reported
    assert len({json_key(c) for c in cold}) >= 24  # nearly identical, yet each its own result

    def check(records: list[dict], out: Path, how: str) -> None:
        assert len(records) == 30, how
        for book, rec, c in zip(thirty, records, cold):
            hasil = dict(rec["hasil"] or {})
            hasil.pop("buku_kerja", None)
            assert rec["galat"] is None and hasil == c["json"], f"{how}: {book.name}"
            assert rec["jumlah_masalah_masukan"] == len(c["problems"]), f"{how}: {book.name}"
            assert _untimed(members(out / book.name)) == _untimed(c["members"]), f"{how}: {book.name}"

    for workers in (1, 2):
        out = tmp_path / f"jobs{workers}"
        check(batch.run(batch.plan([str(b) for b in thirty], keluaran=out), workers=workers), out, f"{workers} jobs")
    out = tmp_path / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        check(batch.run(batch.plan([str(b) for b in thirty], keluaran=out), klaster=cluster.scheduler_address),
              out, "Dask")


def json_key(rec: dict) -> str:

    return json.dumps(rec["json"], sort_keys=True)


# --- the server: concurrent requests on different workbooks ------------------------------------------------------


def test_concurrent_server_requests_on_different_workbooks_each_as_a_fresh_process(thirty, tmp_path, monkeypatch):
    """Five unit workbooks (two data sets; a copy with one input changed, one with a table cell changed, one with
    an input formatted as a percentage) sent to a real ``kinerja server`` by ten clients at once, each twice:
    every answer is the answer of a process that saw no other workbook."""
    import socket
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    import uvicorn
    from kinerja.server import create_app, load_rule_sets
    from kinerja.workbooks.tombol import pasang_tombol
    from memo_fresh import fresh_live
    from payload import payload_of

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' remote engine (tests/conftest.py)
    token = "rahasia-kantor-wilayah-sumsel-2024"
    payloads = []
    for i in (0, 1, 6, 7, 8):  # with the Hitung button and its Status Hitung cell, as operators get them
        pasang_tombol(thirty[i], tmp_path / f"{thirty[i].stem}.xlsm")
        payloads.append(payload_of(tmp_path / f"{thirty[i].stem}.xlsm"))
    expected = fresh_live(payloads, tmp_path)

    def untimed(actions: list) -> str:
        return _TIMES.sub("<waktu>", json.dumps(actions, sort_keys=True))

    assert len({untimed(a) for a in expected}) == 5
    assert any(a["func"] == "alert" and "C9" in json.dumps(a) for a in expected[4])  # the percentage: reported
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(token, load_rule_sets(["pk2024-sumsel"])), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        def post(i: int) -> tuple[int, list]:
            with httpx.Client(timeout=300) as c:
                r = c.post(f"http://127.0.0.1:{port}/hitung", json=payloads[i], headers={"Authorization": token})
            assert r.status_code == 200, r.text
            return i, r.json()["actions"]

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(post, [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]))
    finally:
        server.should_exit = True
        thread.join(10)
    for i, actions in answers:
        assert untimed(actions) == untimed(expected[i]), f"request {i}: not what a fresh process answers"


# --- memory: a long batch keeps every memory within its bound ----------------------------------------------------


def _survey_book(path: Path, rows: int, seed: int) -> Path:
    """A unit workbook with a survey table of ``rows`` rows, its data its own (``seed``)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Input")
    ws.write_row(9, 1, ["unit", "responden", "nilai"])
    for i in range(rows):
        ws.write_row(10 + i, 1, [f"Satuan kerja nomor {i + 1} wilayah Sumatera Selatan", 30 + i + seed,
                                 3 + ((i + seed) % 10) / 10])
    wb.define_name("survei", f"=Input!$B$10:$D${10 + rows}")
    wb.define_name("realisasi_ikm", "=Input!$G$2")
    wb.close()
    return path


def test_a_long_batch_of_large_tables_keeps_the_layout_memory_within_its_bound(tmp_path):
    """The layouts of the parts read last are bounded in entries and in bytes held (32 MB). What a layout holds is
    more than the part's bytes: its row spans and, once read, every row's matches and every cell (≈ 14× the bytes
    of a part read whole). Twenty distinct unit workbooks with 2,000-row tables, each read as Hitung reads it: the
    memory the layouts keep, measured by emptying them, stays within the bound (it was 64 MB here, and 425 MB after
    thirty 10,000-row workbooks in one batch process)."""
    import gc
    import tracemalloc

    from kinerja.engine import input_specs, load_rules
    from kinerja.workbooks import sheetplain
    from kinerja.workbooks.ooxml import Package
    from kinerja.workbooks.reader import read_inputs_from

    folder = tmp_path / "aturan"
    folder.mkdir()
    (folder / "uji.kin").write_text(SURVEY_RULES, encoding="utf-8")
    specs = input_specs(load_rules(str(folder)))
    books = [_survey_book(tmp_path / f"upt{i:02d}.xlsx", 2000, i) for i in range(20)]
    sheetplain._LAYOUTS.clear()
    tracemalloc.start()
    try:
        for book in books:
            inputs = read_inputs_from(Package(book), specs)
            assert not inputs.problems and len(inputs.tables["survei"]) == 2000
        del inputs
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        sheetplain._LAYOUTS.clear()
        gc.collect()
        held -= tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held <= sheetplain._LAYOUTS_BYTES, f"the layouts held {held / 2**20:.0f} MB"
