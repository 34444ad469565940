"""Issue 13 closing table: every hostile or broken input the issue lists, re-run as the user would run it.

Each case builds its files with the builders of the attack suite (``tests/adversarial/``: the rule and data-file
cases of ``test_rules_hostile.CASES``, the workbook builders of ``test_workbook_hostile``), runs the real
``kinerja`` command in a child process under ``resource.setrlimit`` (address space 500 MB, CPU 10 s; the
deliberate 10,000-row table 60 s) and prints one line per case: exit code, peak memory (the child's own
``ru_maxrss``), wall time, whether every file that must not change (a refused workbook, the files of the case) is
byte-identical, and the first line of output carrying a coded message (or, for a case that must succeed, what
was checked). ``galat internal`` anywhere, a limit hit or an expectation missed marks the line ``GAGAL``; the
script exits 1 if any line does.

    python benchmarks/serangan.py            # all cases, ~3 minutes
    python benchmarks/serangan.py yaml bom   # only cases whose name contains one of the words
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "adversarial"), str(ROOT / "tests" / "workbooks")]

import rules_attack as A  # noqa: E402
import test_rules_hostile as R  # noqa: E402
import test_workbook_hostile as W  # noqa: E402

CODE = re.compile(r"(?<![\w!$])([BEGTW]\d{3})(?!\d)")


@dataclass
class Case:
    """A workbook case: the command, the expected exit and code, files that must stay byte-identical, and a
    check of what a successful run must have written (returns '' when fine, else what is wrong)."""

    args: list[str]
    exit: int
    code: str | None = None
    unchanged: tuple[Path, ...] = ()
    check: Callable[[], str] | None = None
    say: tuple[str, ...] = ()
    cpu: int = A.CPU_SECONDS
    forbidden: tuple[str, ...] = field(default=(R.SECRET, "root:x:0"))


# ---- workbook cases (package, XML, cells, writes) ------------------------------------------------------------

def _rules(t: Path) -> Path:
    folder = t / "aturan"
    folder.mkdir()
    (folder / "uji.kin").write_text(W.RULES, encoding="utf-8")
    return folder


def _hitung(book: Path, t: Path, exit: int, code: str | None = None, refused: bool = True, **kw) -> Case:
    return Case(["hitung", str(book.relative_to(t)), "--aturan", "aturan"], exit, code,
                (book,) if refused else (), **kw)


def _cell_is(book: Path, ref: str, want) -> Callable[[], str]:
    return lambda: "" if W.cell(book, ref) == want else f"{ref} = {W.cell(book, ref)!r}, diharapkan {want!r}"


def _no_number(book: Path, ref: str) -> Callable[[], str]:
    """The output cell holds no number (read from the sheet XML: openpyxl itself fails on a NaN input cell)."""
    def check() -> str:
        xml = W.members(book)["xl/worksheets/sheet1.xml"].decode()
        m = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S)
        numeric = m is not None and " t=" not in m.group(1) and "<v>" in (m.group(2) or "")
        return f"{ref} berisi angka: {m.group(0)[:80]}" if numeric else ""
    return check


def wb_output_name_over_input_cell(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "timpa.xlsx")
    wbxml = W.members(book)["xl/workbook.xml"].decode()
    W.rezip(book, book, replace={"xl/workbook.xml": wbxml.replace(
        '<definedName name="realisasi_r">Input!$E$5', '<definedName name="realisasi_r">Input!$C$5').encode()})
    return _hitung(book, t, 2, "B152")


def wb_input_moved_into_audit(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "audit.xlsx")
    first = A.run_kinerja(["hitung", book.name, "--aturan", "aturan"], t)
    assert first.code == 0, first.output
    wbxml = W.members(book)["xl/workbook.xml"].decode()
    W.rezip(book, book, replace={"xl/workbook.xml": wbxml.replace(
        '<definedName name="b">Input!$C$6', '<definedName name="b">Audit!$Z$1').encode()})
    return _hitung(book, t, 2, "B152")


def wb_comment_and_cdata_in_output_sheet(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "komentar.xlsx")
    fake, cdata = W.FAKE_ROW_COMMENT, W.CDATA_CELL
    W._with_sheet(book, W.with_comment_and_cdata)

    def check() -> str:
        after = W.members(book)["xl/worksheets/sheet1.xml"].decode()
        if fake not in after or cdata not in after:
            return "komentar/CDATA berubah"
        return _cell_is(book, "E5", 100)() or _cell_is(book, "E6", 100)()
    return _hitung(book, t, 0, refused=False, check=check, say=("Ditulis ke",))


def wb_mixed_namespace_prefixes(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "campur.xlsx")
    W._with_sheet(book, W.mixed_prefixes)
    return _hitung(book, t, 2, "B151")


def wb_reached_through_symlink(t: Path) -> Case:
    _rules(t)
    (t / "asli").mkdir()
    book = W.build_book(t / "asli" / "buku.xlsx")
    link = t / "tautan.xlsx"
    link.symlink_to(book)

    def check() -> str:
        if not link.is_symlink() or link.resolve() != book.resolve():
            return "tautan diganti berkas biasa"
        return _cell_is(book, "E5", 100)()
    return Case(["hitung", "tautan.xlsx", "--aturan", "aturan"], 0, None, (), check, ("Ditulis ke",))


def wb_duplicate_zip_entries(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "ganda.xlsx")
    sheet = W.members(book)["xl/worksheets/sheet1.xml"]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _rezip_extra(book, "xl/worksheets/sheet1.xml", sheet.replace(b">55<", b">1<"))
    return _hitung(book, t, 2, "B102")


def _rezip_extra(book: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(book, "a") as z:
        z.writestr(name, data)


def _table(rows: int) -> Callable[[Path], Case]:
    def build(t: Path) -> Case:
        W.survey_rules(t)
        book = W.build_survey_book(t / f"tabel{rows}.xlsx", rows)

        def check() -> str:
            import openpyxl

            ws = openpyxl.load_workbook(book, read_only=True)["Audit"]
            longest = max((len(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)),
                          default=0)
            return "" if longest <= 32767 else f"teks {longest} karakter di Audit"
        return Case(["hitung", book.name, "--aturan", "aturan"], 0, None, (), check, ("Ditulis ke",),
                    cpu=60 if rows > 1000 else A.CPU_SECONDS)
    build.__name__ = f"wb_table_{rows}_rows"
    return build


def wb_template_rule_strings_starting_with_equals(t: Path) -> Case:
    folder = t / "aturan"
    folder.mkdir()
    evil = '=HYPERLINK(\\"http://contoh.invalid/\\",\\"klik\\")'
    (folder / "uji.kin").write_text(W.RULES.replace('"Aturan uji serangan"', f'"{evil}"')
                                    .replace('"Terlaksana"', '"=1+1"'), encoding="utf-8")
    out = t / "templat.xlsx"

    def check() -> str:
        # the only formulas are kinerja's own format probes (hidden sheet FormatIsian), one per input cell
        sheets = [d.decode() for n, d in W.members(out).items() if n.startswith("xl/worksheets/sheet")]
        formulas = [f for x in sheets for f in re.findall(r"<f(?: [^>]*)?>(.*?)</f>", x, re.S)]
        probe = re.compile(r'ROW\((.+)\)&amp;","&amp;COLUMN\(\1\)&amp;","&amp;CELL\("format",\1\)')
        return next((f"rumus <f> ditulis: {f[:40]}" for f in formulas if not probe.fullmatch(f)), "")
    return Case(["templat", "--aturan", "aturan", "--keluaran", "templat.xlsx"], 0, None, (), check)


def _cell_value(text: str) -> Callable[[Path], Case]:
    def build(t: Path) -> Case:
        _rules(t)
        book = W.build_book(t / "angka.xlsx")
        W._with_sheet(book, lambda xml: re.sub(r'(<c r="C6"[^>]*>)<v>55</v>', rf"\1<v>{text}</v>", xml, count=1))
        case = _hitung(book, t, 1, "B218", refused=False, check=_no_number(book, "E5"))
        case.args.append("--json")  # the problem with its code
        return case
    build.__name__ = f"wb_count_cell_{text.replace('+', '')}"
    return build


def wb_zipcrypto_member(t: Path) -> Case:
    return _damaged(t, "terenkripsi")


def wb_corrupt_deflate(t: Path) -> Case:
    return _damaged(t, "rusak")


def _damaged(t: Path, damage: str) -> Case:
    _rules(t)
    book = W.build_book(t / f"{damage}.xlsx")
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    off = info.header_offset
    if damage == "terenkripsi":
        data[off + 6] |= 1
        central = bytes(data).index(b"xl/worksheets/sheet1.xml", bytes(data).index(b"PK\x01\x02")) - 46
        data[central + 8] |= 1
    else:
        start = off + 30 + len(info.filename)
        data[start + 20:start + 40] = b"\xff" * 20
    book.write_bytes(bytes(data))
    return _hitung(book, t, 2, "B102")


def _malformed(kind: str) -> Callable[[Path], Case]:
    def build(t: Path) -> Case:
        part, old, new, _ = W.MALFORMED[kind]
        if kind == "headerRowCount":
            W.survey_rules(t)
            book = W._table_book(t / f"{kind}.xlsx")
        else:
            _rules(t)
            book = W.build_book(t / f"{kind}.xlsx")
        xml = W.members(book)[part].decode()
        W.rezip(book, book, replace={part: xml.replace(old, new, 1).encode()})
        return _hitung(book, t, 2, "B102")
    build.__name__ = f"wb_malformed_{kind}"
    return build


def wb_unused_member_inflating_to_3_gib(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "bom.xlsx")
    bomb = W.deflate_repeated(b"", bytes(64 * 2**20), 48, b"")
    W.rezip(book, book, raw={"xl/media/bom.bin": bomb})

    def check() -> str:
        with zipfile.ZipFile(book) as z:
            info = z.getinfo("xl/media/bom.bin")
            if (info.file_size, info.compress_size, info.CRC) != (3 * 2**30, len(bomb[0]), bomb[1]):
                return "anggota bom berubah"
        return _cell_is(book, "E5", 100)()
    return _hitung(book, t, 0, refused=False, check=check, say=("Ditulis ke",))


def wb_sheet_padded_with_1_5_gib_whitespace(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "padded.xlsx")
    xml = W.members(book)["xl/worksheets/sheet1.xml"]
    i = xml.index(b"<sheetData>")
    W.rezip(book, book, raw={"xl/worksheets/sheet1.xml": W.deflate_repeated(xml[:i], b" " * (64 * 2**20), 24,
                                                                             xml[i:])})
    return _hitung(book, t, 2, "B150")


def wb_part_compressed_beyond_ratio(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "rasio.xlsx")
    xml = W.members(book)["xl/worksheets/sheet1.xml"]
    i = xml.index(b"<sheetData>")
    W.rezip(book, book, raw={"xl/worksheets/sheet1.xml": W.deflate_repeated(xml[:i], b" " * 2**20, 40, xml[i:])})
    return _hitung(book, t, 2, "B150")


def wb_path_is_a_fifo(t: Path) -> Case:
    _rules(t)
    os.mkfifo(t / "pipa.xlsx")
    return Case(["hitung", "pipa.xlsx", "--aturan", "aturan"], 2, "B102", say=("bukan berkas biasa",))


def wb_path_is_dev_zero(t: Path) -> Case:
    _rules(t)
    return Case(["hitung", "/dev/zero", "--aturan", "aturan"], 2, "B102", say=("bukan berkas biasa",))


def wb_result_out_of_range(t: Path) -> Case:
    _rules(t)
    book = W.build_book(t / "besar.xlsx", a=99999999999999, b=1)
    return _hitung(book, t, 1, "T204", refused=False, check=_no_number(book, "E5"),
                   say=("hasil rasio di luar jangkauan",))


def wb_result_out_of_range_in_batch(t: Path) -> Case:
    _rules(t)
    (t / "tumpukan").mkdir()
    W.build_book(t / "tumpukan" / "besar.xlsx", a=99999999999999, b=1)
    biasa = W.build_book(t / "tumpukan" / "biasa.xlsx")
    return Case(["batch", "tumpukan", "--aturan", "aturan", "-j", "1"], 1, "T204", (), _cell_is(biasa, "E5", 100),
                ("hasil rasio di luar jangkauan",))


WORKBOOK: list[Callable[[Path], Case]] = [
    wb_output_name_over_input_cell, wb_input_moved_into_audit, wb_comment_and_cdata_in_output_sheet,
    wb_mixed_namespace_prefixes, wb_reached_through_symlink, wb_duplicate_zip_entries, _table(330),
    _table(10_000), wb_template_rule_strings_starting_with_equals, _cell_value("1E+35"), _cell_value("1E+308"),
    _cell_value("NaN"), _cell_value("Infinity"), _cell_value("-INF"), wb_zipcrypto_member, wb_corrupt_deflate,
    *(_malformed(k) for k in W.MALFORMED), wb_unused_member_inflating_to_3_gib,
    wb_sheet_padded_with_1_5_gib_whitespace, wb_part_compressed_beyond_ratio, wb_path_is_a_fifo,
    wb_path_is_dev_zero, wb_result_out_of_range, wb_result_out_of_range_in_batch,
]


# ---- running ---------------------------------------------------------------------------------------------------

def run_case(name: str, build: Callable[[Path], object]) -> tuple[str, bool]:
    with tempfile.TemporaryDirectory(prefix="serangan-") as tmp:
        t = Path(tmp) / "kerja"
        t.mkdir()
        case = build(t)
        before = {p: p.read_bytes() for p in case.unchanged}
        cpu = getattr(case, "cpu", A.CPU_SECONDS)
        saved = A.CPU_SECONDS
        A.CPU_SECONDS = cpu
        try:
            run = A.run_kinerja(case.args, t, getattr(case, "env", None))
        finally:
            A.CPU_SECONDS = saved
        problems = []
        if run.timed_out or run.code < 0:
            problems.append("batas sumber daya")
        if "galat internal" in run.output or "internal kinerja error" in run.output or "Traceback" in run.output:
            problems.append("galat internal")
        if run.code != case.exit:
            problems.append(f"keluar {run.code}, diharapkan {case.exit}")
        if run.max_rss_bytes >= A.MEMORY_BYTES or run.cpu_seconds >= cpu:
            problems.append("melampaui batas")
        lines = [x.strip() for x in run.output.splitlines() if x.strip()]
        coded = _json_message(run.stdout, case.code) or next(
            (x for x in lines if case.code and re.search(rf"(?<![\w!$]){case.code}(?!\d)", x)), "") or next(
            (x for x in lines if CODE.search(x)), "")
        if case.code and not re.search(rf"(?<![\w!$]){case.code}(?!\d)", run.output):
            problems.append(f"tanpa {case.code}")
        for text in case.say:
            if text not in run.output:
                problems.append(f"tanpa '{text}'")
        for text in case.forbidden:
            if text in run.output:
                problems.append("menampilkan isi berkas terlarang")
        same = all(p.read_bytes() == data for p, data in before.items())
        if not same:
            problems.append("berkas berubah")
        check = getattr(case, "check", None)
        if check is not None and run.code == case.exit and not problems:
            wrong = check()
            if wrong:
                problems.append(wrong)
        shown = coded or (lines[0] if lines else "")
        if not case.code and run.code == 0:
            shown = "berhasil, hasil diperiksa: " + (lines[0] if lines else "")
        ident = ("ya" if same else "TIDAK") if before else "-"
        status = "GAGAL " + "; ".join(problems) if problems else "ok"
        line = (f"{name:<44} {run.code:>4} {run.max_rss_bytes / 2**20:>7.0f} {run.wall_seconds:>6.1f} "
                f"{ident:>5}  {status:<4}  {shown[:150]}")
        return line, not problems


def _json_message(text: str, code: str | None) -> str:
    """The first problem or finding of a ``--json`` output with the expected code (else any), as one line."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    stack, found = [data], []
    while stack:
        x = stack.pop(0)
        if isinstance(x, dict):
            if x.get("kode") and x.get("pesan"):
                found.append(f"{x['kode']}: {x['pesan']}")
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return next((f for f in found if f.startswith(f"{code}:")), found[0] if found else "")


def main(argv: list[str]) -> int:
    cases: list[tuple[str, Callable[[Path], object]]] = [(f"aturan/data: {n}", f) for n, f in R.CASES.items()]
    cases += [(f"buku kerja: {f.__name__.removeprefix('wb_')}", f) for f in WORKBOOK]
    if argv:
        cases = [(n, f) for n, f in cases if any(w in n for w in argv)]
    import kinerja

    print(f"kinerja dari {Path(kinerja.__file__).parent} — batas: memori {A.MEMORY_BYTES // 2**20} MB, CPU "
          f"{A.CPU_SECONDS} s (tabel 10.000 baris: 60 s)")
    print(f"{'kasus':<44} {'exit':>4} {'MB':>7} {'detik':>6} {'sama':>5}  status  pesan berkode (baris pertama)")
    failed = 0
    for name, build in cases:
        line, ok = run_case(name, build)
        failed += not ok
        print(line, flush=True)
    print(f"{len(cases)} kasus, {failed} gagal")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
