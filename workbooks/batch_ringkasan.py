"""The summary workbook of a batch run (``kinerja batch … --ringkasan RINGKASAN.xlsx``).

A new file kinerja owns entirely, so it is written with openpyxl (then atomically):

* ``Ringkasan`` — one row per workbook: file, status, unit, rule set, counts, the first error, then for every
  indicator its realisasi and capaian, every index its nilai and capaian, every sasaran its capaian (columns in
  the order the rule sets declare them; a workbook without that object leaves the cell empty);
* ``Temuan`` — every finding, input problem and failure of the run, each with the file it came from.

Values are the numbers of the records (``null`` → empty cell); nothing is recomputed here. The workbook carries the
custom property :data:`SUMMARY_MARK`, so that a later run over the same folder passes over it (:func:`is_summary`).

Also the words of the summary ``kinerja batch`` prints at the end (:func:`summary_rows`, :func:`summary_line`):
the same records, as text; the CLI only prints them.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import atomic_write

SUMMARY_MARK = ("kinerja.jenis", "ringkasan-batch")  # custom property: this workbook is a batch summary


def is_summary(p: Path) -> bool:
    """Is ``p`` a summary workbook a batch run wrote (an output found again in a folder, not a unit's workbook)?
    Read from its custom properties only; anything unreadable is not one (the run reports it)."""
    try:
        with zipfile.ZipFile(p) as z:
            custom = z.read("docProps/custom.xml") if "docProps/custom.xml" in z.NameToInfo else b""
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, KeyError):
        return False
    return SUMMARY_MARK[0].encode() in custom and SUMMARY_MARK[1].encode() in custom


HEAD = ["Berkas", "Status", "Unit", "Aturan", "Versi aturan", "Temuan", "Masalah masukan", "Galat / temuan pertama"]
FINDING_HEAD = ["Berkas", "Jenis", "Kode", "Tingkat", "Objek", "Lokasi", "Pesan", "Dihitung", "Dilaporkan",
                "Sumber"]


def first_problem(rec: dict[str, Any]) -> str:
    """What to look at first in a record: its error, else its first input problem, else its first finding (the
    worker's line :func:`first_of`, carried by every record as ``pertama``; older records: from ``hasil``)."""
    if rec.get("galat"):
        g = rec["galat"]
        return f"{g['kode']} {g['pesan']}"
    if rec.get("pertama") is not None:
        return rec["pertama"]
    hasil = rec.get("hasil") or {}
    return first_of(hasil.get("masalah_masukan") or [], hasil.get("temuan") or [])


def first_of(problems: Any, findings: Any) -> str:
    """The first input problem, else the first finding, in one line; items are the JSON dicts of ``kinerja hitung
    --json`` or the objects they come from (``to_dict``), so only the first one is ever turned into a dict."""
    for p in problems:
        p = p if isinstance(p, dict) else p.to_dict()
        return f"{p['kode']} {p['lokasi']}: {p['pesan']}"
    for t in findings:
        t = t if isinstance(t, dict) else t.to_dict()
        return f"{t['kode']} {t['objek']}: {t['pesan']}"
    return ""


# a record's status in the operator's words
LABEL = {"id": {"ok": "ok", "temuan": "temuan", "gagal": "GAGAL", "dibatalkan": "dibatalkan"},
         "en": {"ok": "ok", "temuan": "findings", "gagal": "FAILED", "dibatalkan": "cancelled"}}


def summary_head(lang: str) -> tuple[str, ...]:
    en = lang == "en"
    return ("No", "Berkas" if not en else "File", "Status", "Temuan" if not en else "Findings",
            "Masalah" if not en else "Problems", "Galat/temuan pertama" if not en else "First error/finding")


def summary_rows(records: list[dict[str, Any]], lang: str) -> list[tuple[str, ...]]:
    """One row per record under :func:`summary_head`: number, file, status, findings, problems, first problem."""
    return [(str(i), r["berkas"], LABEL[lang][r["status"]], str(r["jumlah_temuan"]),
             str(r["jumlah_masalah_masukan"]), first_problem(r)) for i, r in enumerate(records, 1)]


def summary_line(records: list[dict[str, Any]], ringkasan: str | None, interrupted: bool, lang: str) -> str:
    """The last line of a run: how many workbooks in each status, a stop by Ctrl-C, where the summary went."""
    en = lang == "en"
    counts = {s: sum(1 for r in records if r["status"] == s) for s in ("ok", "temuan", "gagal", "dibatalkan")}
    total = len(records)
    if en:
        line = (f"{total} workbook(s): {counts['ok']} ok, {counts['temuan']} with findings, "
                f"{counts['gagal']} failed" + (f", {counts['dibatalkan']} cancelled" if counts["dibatalkan"]
                                               else ""))
    else:
        line = (f"{total} buku kerja: {counts['ok']} ok, {counts['temuan']} dengan temuan, "
                f"{counts['gagal']} gagal" + (f", {counts['dibatalkan']} dibatalkan" if counts["dibatalkan"]
                                              else ""))
    if interrupted:
        line += (" — dihentikan (Ctrl-C); buku kerja yang sudah selesai tetap tersimpan utuh" if not en else
                 " — stopped (Ctrl-C); workbooks already done are saved whole")
    if ringkasan:
        line += (f"; ringkasan ditulis ke {ringkasan}" if not en else f"; summary written to {ringkasan}")
    return line


def _columns(records: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(section, id, field) for every object of every result, in first-seen order."""
    cols: dict[tuple[str, str, str], None] = {}
    for rec in records:
        hasil = rec.get("hasil") or {}
        for o in hasil.get("indikator") or []:
            cols.setdefault(("indikator", o["id"], "realisasi"), None)
            cols.setdefault(("indikator", o["id"], "capaian"), None)
        for o in hasil.get("indeks") or []:
            cols.setdefault(("indeks", o["id"], "nilai"), None)
            cols.setdefault(("indeks", o["id"], "capaian"), None)
        for o in hasil.get("sasaran") or []:
            cols.setdefault(("sasaran", o["id"], "capaian"), None)
    return list(cols)


def _cell(v: Any) -> Any:
    """A value as a cell: numbers and text (without the control characters a cell cannot hold), else empty."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)[:32_767]
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _append(ws, values) -> None:
    """One row; text is always text (a file name or message starting with ``=`` is not a formula)."""
    ws.append([_cell(v) for v in values])
    for c in ws[ws.max_row]:
        if c.data_type == "f":
            c.data_type = "s"


def write_summary(records: list[dict[str, Any]], dest: str | Path) -> Path:
    """Write the summary workbook (atomically). Row 1 of each sheet is its header (filter buttons, frozen);
    printed on A4 landscape: Temuan one page wide, the wide Ringkasan at full size over pages across, the file
    name column and the header repeated on each page."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    dest = Path(dest)
    folder, name = _folder(records)
    berkas = HEAD[0] + (f"\n(dalam {folder})" if folder else "")
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    cols = _columns(records)
    ws.append([berkas, *HEAD[1:]] + [f"{ident} · {field}" for _, ident, field in cols])
    for rec in records:
        hasil = rec.get("hasil") or {}
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        for section in ("indikator", "indeks", "sasaran"):
            for o in hasil.get(section) or []:
                by_key[(section, o["id"])] = o
        aturan = hasil.get("aturan") or {}
        row = [name(rec), rec["status"], hasil.get("unit"), aturan.get("nama"), aturan.get("versi"),
               rec.get("jumlah_temuan", 0), rec.get("jumlah_masalah_masukan", 0),
               _first_sentence(first_problem(rec)) or None]
        row += [_cell((by_key.get((section, ident)) or {}).get(field)) for section, ident, field in cols]
        _append(ws, row)
    name_width = min(max((len(name(r)) for r in records), default=10) + 2, 40)
    _dress(ws, [name_width, 10, 34, 16, 12, 9, 9, 50] + [14] * len(cols), wrap={1, 3, 8}, fit_width=False)
    ws.freeze_panes = "B2"

    wt = wb.create_sheet("Temuan")
    wt.append([berkas, *FINDING_HEAD[1:]])
    for rec in records:
        if rec.get("galat"):
            g = rec["galat"]
            _append(wt, (name(rec), rec["status"], g["kode"], None, None, g.get("lokasi"),
                         g["pesan"], None, None, None))
            continue
        hasil = rec.get("hasil") or {}
        for p in hasil.get("masalah_masukan") or []:
            _append(wt, (name(rec), "masalah masukan", p["kode"], None, p["masukan"],
                         p["lokasi"], p["pesan"], None, None, None))
        for t in hasil.get("temuan") or []:
            _append(wt, (name(rec), "temuan", t["kode"], t["tingkat"], t["objek"],
                         t.get("aturan"), t["pesan"], t.get("dihitung"), t.get("dilaporkan"),
                         t.get("sumber")))
    _dress(wt, [min(name_width, 30), 14, 7, 9, 22, 24, 70, 12, 12, 20], wrap={1, 5, 6, 7, 10}, fit_width=True)
    wt.freeze_panes = "A2"
    for sheet in (ws, wt):
        sheet.oddHeader.center.text = "&B" + ("Ringkasan batch kinerja" if sheet is ws else "Temuan batch kinerja")
        sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"

    from openpyxl.packaging.custom import StringProperty

    wb.custom_doc_props.append(StringProperty(name=SUMMARY_MARK[0], value=SUMMARY_MARK[1]))  # an output, not a unit
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(dest, lambda f: f.write(buf.getvalue()))
    return dest


def _folder(records: list[dict[str, Any]]) -> tuple[str, Callable[[dict[str, Any]], str]]:
    """The folder all the run's files share (said once, in the heading of the file column) and each record's file
    as it is shown: relative to that folder. No common folder (or a single file): paths as given."""
    paths = [Path(r["berkas"]) for r in records]
    try:
        common = Path(os.path.commonpath([p.parent for p in paths])) if len(paths) > 1 else None
    except ValueError:  # relative and absolute paths mixed, or different drives
        common = None
    if common is None or common == Path(common.anchor or "."):
        return "", lambda rec: str(rec["berkas"])
    return str(common), lambda rec: Path(rec["berkas"]).relative_to(common).as_posix()


def _first_sentence(text: str, limit: int = 160) -> str:
    """The start of a long message for a summary cell (the whole message is in the Temuan sheet): up to the end of
    its first sentence, at most ``limit`` characters, ``…`` where it was cut."""
    end = text.find(". ")
    cut = end + 1 if 0 < end < limit else limit
    return text if len(text) <= cut else text[:cut].rstrip() + " …"


def _dress(ws, widths: list[float], *, wrap: set[int], fit_width: bool) -> None:
    """Header row styled, column widths, long text wrapped (row heights estimated, as LibreOffice and openpyxl
    fit none), numbers with two decimals and thousands separators, A4 landscape print setup."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    from . import template_style as S

    top = Alignment(vertical="top")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for c in ws[1]:
        S.header_cell(ws, 1, c.column, c.value)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, (int, float)):
                c.number_format = "#,##0" if isinstance(c.value, int) else S.OUTPUT_FORMAT
                c.alignment = top
            elif c.column in wrap:
                c.alignment = S.WRAP
            else:
                c.alignment = S.CENTER_TOP if c.column == 2 else top
    S.fit_rows(ws)
    S.print_setup(ws, last_col=get_column_letter(max(ws.max_column, 1)), last_row=ws.max_row, header_rows="1:1",
                  landscape=True, fit_width=fit_width, header_cols=None if fit_width else "A:A")
    ws.page_margins.top = 0.9  # room for the page header (the sheet's title) above the repeated header row
