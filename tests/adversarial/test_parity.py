"""The operator's worst typing, through both doors: ``kinerja hitung BUKU.xlsx`` (file adapter) and the live
Hitung (``kinerja.workbooks.live.hitung`` on an xlwings ``Book``) must give the same outcome for the same cell.

Every value an operator can type has ONE reading rule (``workbooks/reader.py``, used by both adapters). Each case
below is put into every kind of input of the PK 2024 sample workbook at once — single values (cacah, an optional
cacah, rupiah), the survey table (bulan, responden, nilai) and the budget tables (sasaran id, rupiah, tahun, jenis
belanja, satker name, persen, angka, cacah) — each slot in its own cell, so that one run shows every slot's outcome
by its cell. The file is edited the way Excel saves what was typed (inline text, a number's saved digits, a cached
error ``#DIV/0!`` with its formula, ``t="b"``, a day number with a date format); the live book is xlwings' remote
``Book`` over the payload Excel sends for the same workbook (values as displayed: text, JSON numbers, ``true``,
``"#DIV/0!"``, an ISO date — Excel itself does not exist on Linux, so that one translation is written here, case by
case, and checked against openpyxl's reading of the edited file). Asserted for each case:

* both adapters report the same problems — code, cell, message (Indonesian and English) — and the code is the one
  the kind's rule gives (:func:`expected`), never an internal error;
* cells read without a problem have the same value through both, and that value is the one expected;
* the file adapter leaves everything kinerja does not own byte-identical; the live one writes no result;
* where every edited cell is accepted, both write the same value into every output cell.

A number stored with a percent *format* ("85%" typed into a number cell is 0,85 formatted ``0%``) is in the table
too: a live book sees formats only through the hidden FormatIsian sheet's ``CELL("format", …)`` formulas
(workbooks/formatlive.py), so that case's payload is built from the edited file with those formulas computed by
LibreOffice standing in for Excel (tests/workbooks/payload.py).

The shape of the sheet is tested below the table: an empty row in the middle of a table, values in hidden rows,
merged cells (one known difference, asserted and explained there).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.cellxml import NS, excel_number
from kinerja.workbooks.live import BookView, hitung, read_inputs_live
from kinerja.workbooks.ooxml import REL_STYLES, Package
from kinerja.workbooks.reader import read_inputs, workbook_names
from kinerja.workbooks.refs import cell_name, parse_ref
from kinerja.workbooks.remote import open_payload
from kinerja.workbooks.writer import read_ownership

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workbooks"))
from libreoffice import convert  # noqa: E402
from payload import Grid, payload_of  # noqa: E402
from wb_builders import members  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
RULES = "pk2024-sumsel"
NOW = dt.datetime(2026, 12, 6, 11, 0, tzinfo=dt.timezone.utc)

# slot → (cell, kind). Table slots sit in different rows where a row's text column is also edited, so that each
# message's row label is the sample's own (satker name, bulan, jenis belanja, sasaran).
SLOTS = {
    "tunggal-cacah": ("Setjen!C9", "cacah"),  # setjen_rb_kanwil_pembilang
    "tunggal-opsional": ("'Ditjen HAM'!C22", "cacah"),  # ham_produk_hukum_pembilang (not required)
    "tunggal-rupiah": ("'Ditjen Administrasi Hukum Umum'!C9", "rupiah"),  # ahu_pnbp_tahun_ini
    "survei-bulan": ("Setjen!B17", "pilihan"),  # setjen_ikm_kanwil_survei.unit: one of the twelve months
    "survei-responden": ("Setjen!C16", "cacah"),  # .responden (column not required)
    "survei-nilai": ("Setjen!D16", "indeks"),  # .nilai, scale 0–4
    "survei-unit": ("'Ditjen Pemasyarakatan'!B183", "teks"),  # pas_ikm_upt_survei.unit: a satker name, free text
    "sasaran-id": ("Anggaran!B12", "pilihan"),  # anggaran_sasaran.sasaran: a sasaran id of the rules
    "sasaran-pagu": ("Anggaran!C13", "rupiah"),  # anggaran_sasaran.pagu_awal
    "belanja-tahun": ("Anggaran!B116", "tahun"),  # anggaran_belanja.tahun
    "belanja-jenis": ("Anggaran!C117", "pilihan"),  # anggaran_belanja.jenis: Belanja Pegawai / Barang / Modal
    "satker-nama": ("Anggaran!B222", "teks"),  # kinerja_anggaran_satker.satker
    "satker-persen": ("Anggaran!C221", "persen"),  # .capaian_ro, 0–100
    "satker-angka": ("Anggaran!F223", "angka"),  # .nilai_ikpa, no bounds
    "pegawai-cacah": ("Anggaran!C327", "cacah"),  # pegawai_satker.laki_laki
}
NUMERIC = ("cacah", "rupiah", "persen", "indeks", "angka", "tahun")
# allowed values of the choice slots that the cases below type (the rules' sasaran ids, the months, jenis belanja)
KNOWN = {"sasaran-id": {"setjen_s1", "pas_s1", "pas_s2"}, "survei-bulan": {"September", "Oktober"},
         "belanja-jenis": {"Belanja Pegawai", "Belanja Barang", "Belanja Modal"}}
INTERNAL_IDS = {"setjen_s1", "pas_s1"}  # ids of the rules among the cases: refused in a free-text cell (B216)
# the keys (``kunci``) other rows of a slot's table hold in the sample: typing one makes the row a duplicate (B222,
# reported at the slot and at the other row's key cell): setjen_s1 is Anggaran!B11's sasaran, the row above B12
TAKEN = {"sasaran-id": {"setjen_s1": "Anggaran!B11"}}

# case → (what the file holds, what Excel sends in the payload). A str is text (typed into a Text-formatted cell,
# pasted, or not a number to Excel); ("v", text) a number as saved; ("err", formula, value) a formula's error;
# ("date", day) a day number with a date format (Excel turned 15/3/2024 into a date); ("pct", text) a number with
# the percent format 0% (Excel keeps "85%" typed into a number cell as 0,85 shown as 85%). FROM_FILE: the payload is
# built from the edited file itself, its hidden FormatIsian formulas computed by LibreOffice standing in for Excel
# (tests/workbooks/payload.py) — the live adapter sees a cell's percent format only through them.
FROM_FILE = "dari berkas"
CASES = {
    "85% teks": ("85%", "85%"),
    "85 % spasi": ("85 %", "85 %"),
    "1.234,5": ("1.234,5", "1.234,5"),
    "1,234.5": ("1,234.5", "1,234.5"),
    "1.000": ("1.000", "1.000"),
    "spasi 12 spasi": (" 12 ", " 12 "),
    "12-": ("12-", "12-"),
    "minus unicode": ("\u22125", "\u22125"),
    "abc": ("abc", "abc"),
    # the text "#N/A" (typed after an apostrophe, or pasted as text) looks exactly like the error value, and Excel
    # sends both as "#N/A": read as the error the operator sees, whatever the cell stores
    "#N/A teks": ("#N/A", "#N/A"),
    "=1/0": (("err", "1/0", "#DIV/0!"), "#DIV/0!"),
    "TRUE": (True, True),
    "tanggal": (("date", 45366), "2024-03-15T00:00:00.000Z"),
    "Pas_S1": ("Pas_S1", "Pas_S1"),
    "pas_s9": ("pas_s9", "pas_s9"),
    "id internal": ("setjen_s1", "setjen_s1"),
    # pasted from a web page or another workbook: invisible spaces around an id (a no-break space, U+00A0)
    "id spasi di ujung": ("pas_s1 ", "pas_s1 "),
    "id spasi tak putus": ("\u00a0pas_s1\u00a0", "\u00a0pas_s1\u00a0"),
    # 12345678901234567 typed: Excel keeps 15 significant digits and saves 1.23456789012345E+16
    "17 digit": (("v", "1.23456789012345E+16"), 1.23456789012345e16),
    "17 digit teks": ("12345678901234567", "12345678901234567"),
    "1e308": (("v", "1E+308"), 1e308),
    "-5": (("v", "-5"), -5),
    "150": (("v", "150"), 150),
    "2,5": (("v", "2.5"), 2.5),
    # a typed 94,36 is saved as the nearest double's 17 digits; a formula's 0,1+0,2 as 0.30000000000000004: both
    # read as the 15 digits Excel shows, whether the file's text or the payload's JSON number carries them
    "94,36 tersimpan 17 digit": (("v", "94.359999999999999"), 94.36),
    "0,1+0,2": (("v", "0.30000000000000004"), 0.30000000000000004),
    "85% format persen": (("pct", "0.85"), FROM_FILE),
}


def expected(case: str, slot: str) -> str | object:
    """The code the kind's one reading rule gives for ``case`` in ``slot``, or the value it reads."""
    kind = SLOTS[slot][1]
    stored = CASES[case][0]
    if (isinstance(stored, tuple) and stored[0] == "err") or stored == "#N/A":
        return "B206"  # an error value (or a text showing as one), whatever the kind
    if stored is True:
        return "B201"  # a logical value is neither a number nor text
    if isinstance(stored, tuple) and stored[0] == "date":
        return "B219"  # a date- or time-formatted cell: Excel changed what was typed
    if isinstance(stored, str):  # text, read as seen: spaces at either end are not part of it
        text = stored.strip()
        if kind in NUMERIC:
            return "B201"
        if kind == "teks":
            return "B216" if text.casefold() in INTERNAL_IDS else text
        if text in TAKEN.get(slot, {}):
            return "B222"
        return text if text in KNOWN[slot] else "B215"
    number = excel_number(stored[1])
    if kind == "pilihan":
        return "B215"
    if kind == "teks":  # a whole number in a free-text cell is its digits (a code, a year); a fraction or a huge
        # number shows as its format and the locale make it (2,5 or 2.5; 1,23457E+16): asked for, never guessed
        whole = number == number.to_integral_value() and abs(number) < Decimal("1E15") and stored[0] != "pct"
        return format(number, "f") if whole else "B201"
    if stored[0] == "pct":  # read as the percentage shown, and only in a percentage input
        return number.scaleb(2) if kind == "persen" else "B217"
    if abs(number) >= Decimal("1E15"):
        return "B218"  # outside the range kinerja computes exactly
    if number < 0:
        return {"cacah": "B202", "rupiah": "B203", "persen": "B214", "indeks": "B214", "tahun": "B214"}.get(kind,
                                                                                                         number)
    if number != number.to_integral_value() and kind in ("cacah", "tahun"):
        return {"cacah": "B202", "tahun": "B220"}[kind]
    if (kind == "persen" and number > 100) or (kind == "indeks" and number > 4) or kind == "tahun":
        return "B214"
    return number


# --- the same workbook, as a file and as the payload Excel sends ---------------------------------------------


def _styles(pkg: Package) -> dict[str, int]:
    """Append cell formats with the built-in date format 14 and percent format 9 (``0%``) to styles.xml."""
    part = next(r.target for r in pkg.rels(pkg.workbook_part) if r.type == REL_STYLES)
    text = pkg.text(part)
    m = re.search(r'<cellXfs count="(\d+)"', text)
    n = int(m.group(1))
    text = text.replace(m.group(0), f'<cellXfs count="{n + 2}"', 1)
    text = text.replace("</cellXfs>", "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0" '
                                              'applyNumberFormat="1"/>' for i in (14, 9)) + "</cellXfs>", 1)
    pkg.write(part, text)
    return {"date": n, "pct": n + 1}


def _cell_xml(ref: str, stored: object, style: str | None, styles: dict[str, int]) -> str:
    """The ``<c>`` Excel saves for ``stored`` (the cell keeps its style; a date or percentage gets its format)."""
    a = f'r="{ref}"' + (f' s="{style}"' if style else "")
    if stored is None:
        return f"<c {a}/>"
    if isinstance(stored, bool):
        return f'<c {a} t="b"><v>{int(stored)}</v></c>'
    if isinstance(stored, str):
        space = ' xml:space="preserve"' if stored != stored.strip() else ""
        return f'<c {a} t="inlineStr"><is><t{space}>{X.escape(stored)}</t></is></c>'
    if stored[0] == "err":
        return f'<c {a} t="e"><f>{stored[1]}</f><v>{stored[2]}</v></c>'
    if stored[0] == "v":
        return f"<c {a}><v>{stored[1]}</v></c>"
    assert stored[0] in styles, stored
    return f'<c r="{ref}" s="{styles[stored[0]]}"><v>{stored[1]}</v></c>'


def edit_file(dest: Path, stored: dict[str, object], src: Path = SAMPLE) -> Path:
    """A copy of ``src`` with each ``Sheet!A1`` of ``stored`` holding what Excel saves for it."""
    shutil.copy(src, dest)
    pkg = Package(dest)
    styles = _styles(pkg)
    by_sheet: dict[str, dict[tuple[int, int], object]] = {}
    for where, value in stored.items():
        ref = parse_ref(where)
        by_sheet.setdefault(ref.sheet, {})[(ref.row1, ref.col1)] = value
    for sheet, cells in by_sheet.items():
        part = pkg.sheet(sheet).part
        text, prefix = pkg.editable(part, NS)
        assert prefix == ""

        def maker(ref: str, value: object):
            def make(old: str | None) -> str:
                style = X.attr(old[: old.index(">") + 1], "s") if old else None
                return _cell_xml(ref, value, style, styles)
            return make

        edits = {(r, c): maker(cell_name(r, c), v) for (r, c), v in cells.items()}
        pkg.write(part, X.edit_sheet_cells(text, edits, prefix))
    pkg.save()
    return dest


def edit_payload(base: dict, sent: dict[str, object]) -> dict:
    """``base`` (the payload of the sample) with each ``Sheet!A1`` of ``sent`` holding what Excel sends."""
    p = copy.deepcopy(base)
    index = {s["name"]: i for i, s in enumerate(p["sheets"])}
    for where, value in sent.items():
        ref = parse_ref(where)
        grid = p["sheets"][index[ref.sheet]]["values"]
        while len(grid) < ref.row1:
            grid.append([None] * len(grid[0]))
        row = grid[ref.row1 - 1]
        row.extend([None] * (ref.col1 - len(row)))
        row[ref.col1 - 1] = value
    return p


pytestmark = pytest.mark.usefixtures("remote_engine")  # tests/conftest.py: xlwings' remote engine licence


@pytest.fixture(scope="module")
def rules():
    checked = load_rules(RULES)
    return checked, input_specs(checked)


@pytest.fixture(scope="module")
def base_payload() -> dict:
    return payload_of(SAMPLE)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> tuple[set[str], dict]:
    """The members ``kinerja hitung`` may change (what it changes in the unedited sample, and the sheets it owns
    or writes output cells into), and the unedited sample's output cells."""
    book = tmp_path_factory.mktemp("bersih") / "buku.xlsx"
    shutil.copy(SAMPLE, book)
    before = members(book)
    code, _ = file_hitung(book)
    assert code in (0, 1)
    after = members(book)
    changed = {m for m in after if before.get(m) != after[m]}
    owned = set(read_ownership(book).sheets) | {"Ringkasan"}  # Ringkasan: kinerja's output cells
    pkg = Package(book)
    inputs = {s.part for s in pkg.sheets() if s.name not in owned and s.part}
    assert inputs and not changed & inputs  # the precondition of every byte-identity below
    return changed | {s.part for s in pkg.sheets() if s.name in owned}, output_cells(book)


def file_hitung(book: Path) -> tuple[int, dict]:
    r = CliRunner().invoke(main, ["hitung", str(book), "--json"], catch_exceptions=False)
    assert "galat internal" not in r.output and "Traceback" not in r.output, r.output
    return r.exit_code, json.loads(r.stdout)


def live_hitung(payload: dict, rules) -> tuple[object, list[dict], Grid]:
    book = open_payload(payload)
    out = hitung(book, aturan=RULES, allowed={RULES: rules[0]}, now=NOW)
    assert "galat internal" not in out.message and "Traceback" not in out.message, out.message
    actions = book.json()["actions"]
    grid = Grid(payload)
    grid.apply(actions)
    return out, actions, grid


def _norm(v: object) -> object:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return None if v == "" else v
    return excel_number(repr(v) if isinstance(v, float) else str(v))


def output_cells(book: Path) -> dict[tuple[str, int, int], object]:
    """Every single-cell output name of the written file → its value (numbers as Excel shows them)."""
    pkg = Package(book)
    inputs = {s.name.casefold() for s in input_specs(load_rules(RULES))}
    out = {}
    for name, where in workbook_names(book).items():
        if name.casefold() in inputs or name.startswith("_") or "!" not in where:
            continue
        ref = parse_ref(where)
        if not ref.is_single:
            continue
        cell = pkg.cells(ref.sheet).get(ref.row1, ref.col1)
        value = None if cell.kind == "empty" else (excel_number(cell.text) if cell.kind == "number" else cell.text)
        out[(ref.sheet, ref.row1, ref.col1)] = value
    return out


def _problems(items) -> list[tuple[str, str, str, str]]:
    return sorted((p["kode"], p["lokasi"], p["pesan"], p["pesan_en"]) if isinstance(p, dict)
                  else (p.code, p.location, p.message, p.message_en) for p in items)


def _value_at(inputs, where: str) -> object:
    for key, src in inputs.sources.items():
        if src == where:
            return inputs.values[key] if isinstance(key, str) else inputs.tables[key.table][key.row][key.column]
    raise AssertionError(f"{where} not read")


# --- the table --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_worst_typing_gives_the_same_outcome_through_file_and_live(case, rules, base_payload, clean_run, tmp_path):
    stored, sent = CASES[case]
    cells = {where for where, _ in SLOTS.values()}
    book = edit_file(tmp_path / "buku.xlsx", dict.fromkeys(cells, stored))
    payload = payload_of(book) if sent is FROM_FILE else edit_payload(base_payload, dict.fromkeys(cells, sent))

    # reading: one rule, two views of the same workbook
    specs = rules[1]
    by_file = read_inputs(book, specs)
    by_live = read_inputs_live(BookView(open_payload(payload)), specs)
    assert _problems(by_file.problems) == _problems(by_live.problems)
    for slot, (where, _kind) in SLOTS.items():
        want = expected(case, slot)
        codes = [p.code for p in by_file.problems if p.location == where]
        if isinstance(want, str) and re.fullmatch(r"B\d{3}", want):
            assert codes == [want], (slot, where, codes, want)
        else:
            assert codes == [], (slot, where, [p.message for p in by_file.problems if p.location == where])
            assert _value_at(by_file, where) == want == _value_at(by_live, where), slot
    partners = {TAKEN[s][CASES[case][0]] for s in TAKEN if expected(case, s) == "B222"}  # the other row of a B222
    assert {p.location for p in by_file.problems} <= cells | partners  # nothing else in the sample is wrong
    assert [p.code for p in by_file.problems if p.location in partners] == ["B222"] * len(partners)
    kinds = {where: kind for where, kind in SLOTS.values()}
    for p in by_file.problems:  # each message names its cell first, and a table cell's row by number and label
        assert p.message.startswith(p.location + " (") and p.message_en.startswith(p.location + " ("), p.message
        if p.cell is not None:
            assert f", baris {p.cell.row + 1}" in p.message and f", row {p.cell.row + 1}" in p.message_en, p
            if kinds.get(p.location, "pilihan") not in ("teks", "pilihan"):  # (a bad label cell, a B222 key)
                assert f", baris {p.cell.row + 1} «" in p.message, p.message

    # the whole run: `kinerja hitung BUKU.xlsx` and the live Hitung
    before = members(book)
    code, out = file_hitung(book)
    live, actions, grid = live_hitung(payload, rules)
    assert code == 1 and not live.ok
    assert _problems(out["masalah_masukan"]) == _problems(live.problems) == _problems(by_file.problems)
    after = members(book)
    changed = {m for m in after if before.get(m) != after[m]}
    assert changed <= clean_run[0], changed - clean_run[0]  # every part kinerja does not own: byte-identical
    assert not [a for a in actions if a["func"] == "setValues"]  # live: nothing written but the alert
    (alert,) = grid.alerts
    assert all(p.location in alert for p in live.problems[:12])


ACCEPTED = {case: [s for s in SLOTS if not (isinstance(expected(case, s), str)
                                            and re.fullmatch(r"B\d{3}", expected(case, s)))] for case in CASES}


@pytest.mark.parametrize("case", [c for c in CASES if ACCEPTED[c]])
def test_accepted_typing_computes_the_same_figures_through_file_and_live(case, rules, base_payload, clean_run,
                                                                         tmp_path):
    """Where a typing is read without a problem (text in a free-text cell, 150 in a count), both adapters read
    the same value and write the same figure into every output cell."""
    stored, sent = CASES[case]
    cells = [SLOTS[s][0] for s in ACCEPTED[case]]
    book = edit_file(tmp_path / "buku.xlsx", dict.fromkeys(cells, stored))
    payload = payload_of(book) if sent is FROM_FILE else edit_payload(base_payload, dict.fromkeys(cells, sent))
    code, out = file_hitung(book)
    live, actions, grid = live_hitung(payload, rules)
    assert out["masalah_masukan"] == [] and live.ok, (out["masalah_masukan"], live.message)
    written = output_cells(book)
    assert set(written) == set(clean_run[1])
    differ = {k: (v, _norm(grid.sheet(k[0]).get(k[1:]))) for k, v in written.items()
              if v != _norm(grid.sheet(k[0]).get(k[1:]))}
    assert not differ, differ
    if all(expected(case, s) == _norm(_sent_at(base_payload, SLOTS[s][0])) for s in ACCEPTED[case]):
        # read as the value the sample holds ("pas_s1 " is pas_s1): the sample's own figures, none dropped
        assert written == clean_run[1]


def _sent_at(payload: dict, where: str) -> object:
    ref = parse_ref(where)
    grid = next(s["values"] for s in payload["sheets"] if s["name"] == ref.sheet)
    return grid[ref.row1 - 1][ref.col1 - 1]


def test_the_payload_of_each_case_is_what_the_file_displays_and_libreoffice_opens_it(tmp_path):
    """The one translation written by hand (what Excel sends for what it saved) checked against openpyxl's reading
    of the edited file — an independent reader of the same bytes — for every case, in a number column and a text
    column; and every way a cell is stored above is a workbook LibreOffice opens, before and after kinerja's run."""
    rows = {case: 221 + i for i, case in enumerate(CASES)}
    book = tmp_path / "semua.xlsx"
    edit_file(book, {f"Anggaran!{col}{rows[c]}": CASES[c][0] for c in CASES for col in "BC"})
    ws = openpyxl.load_workbook(book, data_only=True)["Anggaran"]
    for case, (_, sent) in CASES.items():
        if sent is FROM_FILE:
            continue
        for col in "BC":
            shown = ws[f"{col}{rows[case]}"].value
            if isinstance(shown, dt.datetime):
                assert sent == shown.isoformat() + ".000Z", case
            else:
                assert shown == sent and type(shown) is type(sent), (case, shown, sent)
    assert convert(book, "csv", tmp_path / "sebelum")
    code, out = file_hitung(book)
    assert code == 1 and len(out["masalah_masukan"]) >= len(CASES)
    assert convert(book, "csv", tmp_path / "sesudah")


@pytest.mark.parametrize("first, then", [(True, 1), (1, True), (False, 0), (0, False)])
def test_each_book_is_read_as_its_own_even_after_an_almost_equal_one(first, then, rules, base_payload):
    """xlwings' remote engine caches range reads process-wide, keyed by a sheet's values compared with ``==`` —
    under which TRUE is 1 and FALSE is 0. The server opens many books in one process: a book whose only difference
    from the previous one is TRUE where that one had 1 must still be read as TRUE (B201), never as the count 1 —
    and 1 after TRUE as the count 1."""
    where = SLOTS["tunggal-opsional"][0]
    specs = rules[1]
    read_inputs_live(BookView(open_payload(edit_payload(base_payload, {where: first}))), specs)
    inputs = read_inputs_live(BookView(open_payload(edit_payload(base_payload, {where: then}))), specs)
    problems = [p.code for p in inputs.problems if p.location == where]
    if isinstance(then, bool):
        assert problems == ["B201"] and inputs.values["ham_produk_hukum_pembilang"] is None
    else:
        assert problems == [] and inputs.values["ham_produk_hukum_pembilang"] == then


@pytest.mark.parametrize("typed", ["pas_s1 ", "\u00a0pas_s1\u00a0"])
def test_a_data_file_reads_text_by_the_same_rule(typed, tmp_path):
    """The one reading rule of a text value holds for data files too: ``"pas_s1 "`` in the bundled LKjIP data's
    budget table is pas_s1, and the Pemasyarakatan pagu stays 305.496.521.000 (not 139.952.958.000)."""
    src = Path(__file__).resolve().parents[2] / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml"
    text = src.read_text(encoding="utf-8")
    old = '- {sasaran: "pas_s1", pagu_awal: 165543563000'
    assert text.count(old) == 1
    data = tmp_path / "data.yaml"
    data.write_text(text.replace(old, f'- {{sasaran: "{typed}", pagu_awal: 165543563000'), encoding="utf-8")
    r = CliRunner().invoke(main, ["hitung", "--aturan", RULES, "--data", str(data), "--json"], catch_exceptions=False)
    out = json.loads(r.stdout)
    assert out["masalah_masukan"] == [] and out["anggaran"]["pagu_awal_pas"] == 305496521000


# --- the shape of the sheet: an empty row in the middle of a table, hidden rows, merged cells ----------------------


def edit_sheet_xml(book: Path, sheet: str, hide: tuple[int, ...] = (), merge: tuple[str, ...] = ()) -> None:
    """Rows hidden (``hidden="1"``, as Excel writes it) and cells merged (``<mergeCell>``) in ``book``."""
    pkg = Package(book)
    part = pkg.sheet(sheet).part
    text, _ = pkg.editable(part, NS)
    for r in hide:
        tag = re.search(rf'<row r="{r}"[^>]*>', text).group(0)
        assert "hidden" not in tag
        text = text.replace(tag, tag[:-1] + ' hidden="1">', 1)
    for ref in merge:
        m = re.search(r'<mergeCells count="(\d+)">', text)
        text = text.replace(m.group(0), f'<mergeCells count="{int(m.group(1)) + 1}"><mergeCell ref="{ref}" />', 1)
    pkg.write(part, text)
    pkg.save()


def _row_hidden(book: Path, sheet: str, r: int) -> bool:
    text = Package(book).text(Package(book).sheet(sheet).part)
    return 'hidden="1"' in re.search(rf'<row r="{r}"[^>]*>', text).group(0)


def _both(book: Path, payload: dict, rules) -> tuple[int, dict, object, Grid]:
    code, out = file_hitung(book)
    live, _actions, grid = live_hitung(payload, rules)
    return code, out, live, grid


def _same_figures(book: Path, grid: Grid) -> dict:
    written = output_cells(book)
    differ = {k: (v, _norm(grid.sheet(k[0]).get(k[1:]))) for k, v in written.items()
              if v != _norm(grid.sheet(k[0]).get(k[1:]))}
    assert not differ, differ
    return written


def test_empty_row_in_the_middle_and_rows_moved_into_hidden_rows(rules, base_payload, clean_run, tmp_path):
    """Setjen's survey: Oktober moved from row 17 to the hidden row 18 (row 17 left empty); the satker table: row
    230 (Bapas Kelas II OKU Induk) moved to the hidden row 258 (row 230 left empty). Empty rows are skipped, hidden
    rows read: both adapters give the sample's own figures and show the two rows that now hold data."""
    moves = {("Setjen", 17, 18): "BCD", ("Anggaran", 230, 258): "BCDEF"}
    stored, sent = {}, {}
    for (sheet, old, new), cols in moves.items():
        for col in cols:
            value = _sent_at(base_payload, f"{sheet}!{col}{old}")
            stored[f"{sheet}!{col}{new}"] = value if isinstance(value, str) else ("v", str(value))
            stored[f"{sheet}!{col}{old}"] = None
            sent[f"{sheet}!{col}{new}"], sent[f"{sheet}!{col}{old}"] = value, None
    book = edit_file(tmp_path / "buku.xlsx", stored)
    assert _row_hidden(book, "Setjen", 18) and _row_hidden(book, "Anggaran", 258)
    code, out, live, grid = _both(book, edit_payload(base_payload, sent), rules)
    assert out["masalah_masukan"] == [] and live.ok, live.message
    figures = _same_figures(book, grid)
    numbers = {k: v for k, v in clean_run[1].items() if isinstance(v, Decimal)}
    assert numbers and {k: figures[k] for k in numbers} == numbers  # derivation texts list the moved row last
    assert len(out["anggaran"]["satker"]) == 37  # the empty row is no satker; the moved one is still counted
    assert not _row_hidden(book, "Setjen", 18) and not _row_hidden(book, "Anggaran", 258)
    assert 18 in grid.shown_rows["Setjen"] and 258 in grid.shown_rows["Anggaran"]
    assert 17 not in grid.shown_rows["Setjen"] and 230 not in grid.shown_rows["Anggaran"]


def test_value_in_a_hidden_row_is_read_and_shown(rules, base_payload, clean_run, tmp_path):
    """A single input (Setjen!C9, 55) and a table row (satker row 230) in rows the operator hid: both adapters read
    them (the sample's figures), and both show the rows again — a value that went into the figures is printed."""
    book = edit_file(tmp_path / "buku.xlsx", {})
    edit_sheet_xml(book, "Setjen", hide=(9,))
    edit_sheet_xml(book, "Anggaran", hide=(230,))
    code, out, live, grid = _both(book, edit_payload(base_payload, {}), rules)
    assert out["masalah_masukan"] == [] and live.ok, live.message
    assert _same_figures(book, grid) == clean_run[1]
    assert not _row_hidden(book, "Setjen", 9) and not _row_hidden(book, "Anggaran", 230)
    assert 9 in grid.shown_rows["Setjen"] and 230 in grid.shown_rows["Anggaran"]


def test_merged_cell_with_the_input_at_its_top_left_reads_the_input(rules, base_payload, clean_run, tmp_path):
    """C9:D9 merged on Setjen (Excel keeps the top-left C9, 55, and clears D9): the input is the value shown."""
    book = edit_file(tmp_path / "buku.xlsx", {"Setjen!D9": None})
    edit_sheet_xml(book, "Setjen", merge=("C9:D9",))
    code, out, live, grid = _both(book, edit_payload(base_payload, {"Setjen!D9": None}), rules)
    assert out["masalah_masukan"] == [] and live.ok, live.message
    assert _same_figures(book, grid) == clean_run[1]


@pytest.mark.parametrize("where, name", [("Setjen!C9", "setjen_rb_kanwil_pembilang"),
                                         ("'Ditjen HAM'!C22", "ham_produk_hukum_pembilang")])
def test_merged_cell_over_an_input_gives_no_number_through_either(where, name, rules, base_payload, tmp_path):
    """The label merged over the input (B9:C9: Excel keeps the label in B9 and clears C9). The file adapter sees
    the merge: B211 naming the cell. A live book cannot — xlwings' remote engine does not expose merged areas — and
    reads the cleared C9: B205 (required) or no value (optional). KNOWN DIFFERENCE, never a number: neither adapter
    computes the indicator from the label or from the old value. (The template protects its input sheets, so
    merging needs the operator to unprotect the sheet first.)"""
    ref = parse_ref(where)
    label = f"{ref.sheet}!B{ref.row1}"
    book = edit_file(tmp_path / "buku.xlsx", {where: None})
    edit_sheet_xml(book, ref.sheet, merge=(f"B{ref.row1}:C{ref.row1}",))
    code, out, live, grid = _both(book, edit_payload(base_payload, {where: None}), rules)
    (problem,) = [p for p in out["masalah_masukan"] if p["lokasi"] == where]
    assert problem["kode"] == "B211" and f"B{ref.row1}:C{ref.row1}" in problem["pesan"]
    live_codes = [p.code for p in live.problems if p.location == where]
    if name == "setjen_rb_kanwil_pembilang":
        assert live_codes == ["B205"] and not live.ok
    else:
        assert live_codes == [] and live.ok
        inputs = read_inputs_live(BookView(open_payload(edit_payload(base_payload, {where: None}))), rules[1])
        assert inputs.values[name] is None
    assert label  # the label cell itself is never read as the input


# --- the table as documented ---------------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "buku-kerja.md"
DOC_COLUMNS = {"cacah": "tunggal-cacah", "rupiah": "sasaran-pagu", "persen": "satker-persen",
               "indeks 0–4": "survei-nilai", "angka": "satker-angka", "tahun": "belanja-tahun",
               "teks bebas": "satker-nama", "id sasaran": "sasaran-id", "bulan": "survei-bulan"}


def _shown_case(case: str) -> str:
    stored = CASES[case][0]
    if isinstance(stored, str):
        text = stored.replace("\u00a0", "⍽").replace("\u2212", "−")
        return f'teks `"{text}"`'
    if stored is True:
        return "`TRUE`"
    kind, value = stored[0], stored[-1]
    return {"err": f"`=1/0` → `{value}`", "date": f"tanggal (nomor hari {value})", "pct": "`85%` (0,85 format 0%)",
            "v": f"angka `{value}`"}[kind]


def _shown_outcome(v: object) -> str:
    if isinstance(v, str) and re.fullmatch(r"B\d{3}", v):
        return v
    if isinstance(v, Decimal):
        return format(v, "f").replace(".", ",")
    text = str(v)
    return f'"{text[:12]}…"' if len(text) > 14 else f'"{text}"'


def outcome_table() -> list[str]:
    """The parity table as markdown rows: each case, and what every kind of input gives for it (a problem code,
    or the value read) — the same through ``kinerja hitung BUKU.xlsx`` and the live Hitung."""
    head = "| ketikan operator | " + " | ".join(DOC_COLUMNS) + " |"
    rows = [head, "|" + "---|" * (len(DOC_COLUMNS) + 1)]
    for case in CASES:
        rows.append(f"| {_shown_case(case)} | "
                    + " | ".join(_shown_outcome(expected(case, slot)) for slot in DOC_COLUMNS.values()) + " |")
    return rows


def test_the_documented_table_is_the_tested_one():
    text = DOC.read_text(encoding="utf-8")
    missing = [row for row in outcome_table() if row not in text]
    assert not missing, "docs/buku-kerja.md: tabel paritas usang; baris yang benar:\n" + "\n".join(outcome_table())
