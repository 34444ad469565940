"""The Temuan sheet: every input problem and every finding of the last Hitung, inside the workbook.

One row each: level, code, what it is about, the message (with what to do), the figure typed or printed beside
the one the rule computes, and a link — to the input cell for an input problem, to the object's Audit row for a
finding. The same list ``kinerja hitung`` prints. Pure: builds a :class:`~kinerja.workbooks.plan.SheetPlan`.
"""

from __future__ import annotations

from typing import Any

from ..engine.findings import Temuan
from ..engine.interface import InputProblem
from ..engine.values import format_id
from . import layout
from .audit import HEADER_ROW as AUDIT_HEADER_ROW
from .audit import heading_rows
from .pindahan import CODE, YES, carried_inputs
from .pindahan import SHEET as CARRIED_SHEET
from .plan import Link, SheetLayout, SheetPlan
from .refs import RefProblem, cell_name, parse_ref, quote_sheet
from .writer import CellWrite

HEADER = ["No", "Tingkat", "Kode", "Tentang", "Pesan dan tindakan", "Diketik / tercetak", "Dihitung aturan",
          "Lokasi (klik)", "Aturan (berkas:baris)"]
COL = {name: i + 1 for i, name in enumerate(HEADER)}
WIDTHS = {"No": 5, "Tingkat": 11, "Kode": 7, "Tentang": 26, "Pesan dan tindakan": 80, "Diketik / tercetak": 16,
          "Dihitung aturan": 16, "Lokasi (klik)": 22, "Aturan (berkas:baris)": 22}
HEADER_ROW = AUDIT_HEADER_ROW  # the same title block as Audit (heading_rows)
LEVELS = ("tinggi", "sedang", "info")
LEVEL_WORD = {"tinggi": "TINGGI", "sedang": "SEDANG", "info": "info", "masukan": "MASUKAN"}


def count_text(findings: list[Temuan], problems: list[InputProblem]) -> str:
    """``15 temuan (3 tinggi, 7 sedang, 5 info) dan 0 masalah masukan — rincian di sheet Temuan``."""
    if not findings and not problems:
        return "Tidak ada temuan dan tidak ada masalah masukan pada Hitung terakhir."
    levels = [f"{sum(1 for t in findings if t.tingkat == lv)} {lv}" for lv in LEVELS
              if any(t.tingkat == lv for t in findings)]
    detail = f" ({', '.join(levels)})" if levels else ""
    return (f"{len(findings)} temuan{detail} dan {len(problems)} masalah masukan — rincian di sheet "
            f"{layout.TEMUAN_SHEET}.")


def _shown(v: Any) -> str | None:
    if v is None:
        return None
    return format_id(v)


def _cell_location(where: str) -> str | None:
    """``'Isian Setjen'!C7`` for a problem located at a cell, else None (a data file, a defined name)."""
    try:
        ref = parse_ref(where)
    except (RefProblem, ValueError, IndexError):
        return None
    return f"{quote_sheet(ref.sheet)}!{cell_name(ref.row1, ref.col1)}"


def _audit_row(objek: str, row_of: dict[str, int]) -> int | None:
    """The Audit row of a finding's object, or of the nearest enclosing object (``a.b.c`` → ``a.b`` → ``a``)."""
    key = objek
    while key:
        if key in row_of:
            return row_of[key]
        key = key.rpartition(".")[0]
    return None


def _carried_rows(rows: list, carried: list[tuple[int, Temuan]], add: Any) -> None:
    """Below the findings, the to-do list of ``kinerja pindah``'s T501: a heading, then one row per input still
    holding last year's figure, linked to its cell; each sheet's finding says which rows are its own."""
    rows.append([None] * len(HEADER))
    heading: list[CellWrite | None] = [None] * len(HEADER)
    heading[COL["Pesan dan tindakan"] - 1] = CellWrite(
        f"Isian yang masih berisi angka dari buku kerja tahun lalu (temuan {CODE} di atas), satu baris per isian: "
        f"klik Lokasi, isi angka tahun ini — atau tulis {YES} di sheet {CARRIED_SHEET} bila angkanya memang sama.",
        style="header")
    rows.append(heading)
    for at, t in carried:
        first = len(rows) + 1
        for item in carried_inputs(t):
            add("", CODE, item["masukan"], item["pesan"], item["nilai"], None, item["sel"],
                _cell_location(item["sel"]), "")
        row = list(rows[at - 1])
        last = len(rows)
        span = f"baris {first}" if first == last else f"baris {first}–{last}"
        row[COL["Pesan dan tindakan"] - 1] = CellWrite(f"{t.pesan} Setiap isian: {span} sheet ini.", style="wrap")
        rows[at - 1] = row


def temuan_sheet(findings: list[Temuan], problems: list[InputProblem], row_of: dict[str, int], *, title: str,
                 subtitle: str) -> SheetPlan:
    """``row_of``: Audit row of each object id (from :class:`~kinerja.workbooks.audit.Audit`)."""
    rows = heading_rows(
        f"Temuan dan masalah masukan — {title}", f"{subtitle} · {count_text(findings, problems)}",
        "Masalah masukan: sel yang tidak dapat dibaca persis seperti yang tampak — nilai yang bergantung padanya "
        "tidak dihitung (galat). Temuan: angka yang perlu diperiksa sebelum laporan terbit. Klik Lokasi untuk "
        "membuka sel atau baris Audit-nya.", HEADER)
    links: list[Link] = []

    def add(level: str, code: str, about: str, message: str, typed: Any, computed: Any, where: str,
            target: str | None, rule: str) -> None:
        r = len(rows) + 1
        row: list[CellWrite | None] = [None] * len(HEADER)
        row[COL["No"] - 1] = CellWrite(r - HEADER_ROW, style="atas")
        row[COL["Tingkat"] - 1] = CellWrite(LEVEL_WORD.get(level, level), style="atas") if level else None
        row[COL["Kode"] - 1] = CellWrite(code, style="atas")
        row[COL["Tentang"] - 1] = CellWrite(about, style="wrap") if about else None
        row[COL["Pesan dan tindakan"] - 1] = CellWrite(message, style="wrap")
        for head, v in (("Diketik / tercetak", typed), ("Dihitung aturan", computed)):
            text = _shown(v)
            row[COL[head] - 1] = CellWrite(text, style="atas") if text else None
        row[COL["Lokasi (klik)"] - 1] = CellWrite(where, style="wrap") if where else None
        row[COL["Aturan (berkas:baris)"] - 1] = CellWrite(rule, style="wrap") if rule else None
        rows.append(row)
        if target and where:
            links.append(Link(r, COL["Lokasi (klik)"], target))

    for p in problems:
        message = p.message + (f" {p.hint}" if p.hint and p.hint not in p.message else "")
        add("masukan", p.code, p.input, message, None, None, p.location, _cell_location(p.location), "")
    order = {lv: i for i, lv in enumerate(LEVELS)}
    carried: list[tuple[int, Temuan]] = []  # (row, finding) of each T501 standing for several inputs
    for t in sorted(findings, key=lambda t: order.get(t.tingkat, len(LEVELS))):
        audit_row = _audit_row(t.objek, row_of)
        where = f"Audit baris {audit_row}" if audit_row else (t.sumber or "")
        # no Audit row (an input's finding, T501): the link opens its cell when the finding names one
        target = f"{layout.AUDIT_SHEET}!A{audit_row}" if audit_row else _cell_location(where)
        add(t.tingkat, t.kode, t.objek, t.pesan, t.dilaporkan, t.dihitung, where, target, t.aturan)
        if carried_inputs(t):
            carried.append((len(rows), t))
    if carried:
        _carried_rows(rows, carried, add)
    if not findings and not problems:
        rows.append([CellWrite(1, style="atas"), None, None, None,
                     CellWrite("Tidak ada temuan dan tidak ada masalah masukan.", style="wrap")])
    last = len(HEADER)
    return SheetPlan(tuple(tuple(r) for r in rows), SheetLayout(
        header_row=HEADER_ROW, landscape=True, fit_width=True, autofilter=True,
        widths={COL[h]: float(w) for h, w in WIDTHS.items()},
        merges=tuple((r, 1, r, last) for r in range(1, HEADER_ROW)), links=tuple(links),
        footer=f"{layout.TEMUAN_SHEET} · halaman &P dari &N", tab_rgb="FFC00000" if (findings or problems) else None))
