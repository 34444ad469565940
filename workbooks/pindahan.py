"""Inputs ``kinerja pindah`` carried from another year's workbook, until the operator replaces or confirms them.

``kinerja pindah BUKU_2024.xlsx --aturan PK2025 --keluaran BUKU_2025.xlsx`` fills the 2025 template with every
input of the 2024 workbook whose name survives. Each of those figures is 2024's: an operator who forgets one signs
a 2025 report with a 2024 figure, and nothing in the workbook would say so. So when the two rule sets are for
different years (``pengaturan { berlaku = … }``; an unknown year counts as different), ``pindah`` adds the sheet
``Pindahan`` (kinerja's, never rewritten by Hitung): one row per carried input holding a number — single inputs
and tables — with its cell, the carried value and a fingerprint of it::

    row 2   Dari tahun 2024 ke tahun 2025 · kinerja pindah dari BUKU_2024.xlsx
    row 4   No | Masukan | Uraian | Sel | Nilai yang dipindahkan | Sama di tahun baru? (tulis ya) | Sidik
    row 5…  1  | setjen_rb_kanwil_pembilang | … | Setjen!C9 | 55 | (yellow) | s:3f1c…

The column Sidik is hidden (the operator has nothing to read or change there); its first two rows hold the years.

Every Hitung (file or live: :func:`read_carried` reads the sheet through either view) lists each input that
still holds exactly the carried value (:func:`stale_findings`; for a table, the rows still as carried) — one
finding T501 per input sheet, naming how many and the first cells, every input in its ``isian`` (the JSON; the
Temuan sheet gives each its own row and link: the real findings are not lost among a hundred T501) — unless
the operator wrote ``ya`` in its row: the way to say "the figure really is the same this year", since retyping
the same number is invisible. Text inputs (a satker's name) are not listed: they are rightly the same every
year. A same-year move (a mid-year PK revision) adds no sheet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..engine import CheckedRules
from ..engine.interface import CellKey, Inputs, InputSpec
from ..engine.temuan import Temuan
from ..engine.values import format_id
from ..engine.vocabulary import NUMERIC
from . import layout
from .audit import heading_rows
from .cellwrite import CellWrite
from .plan import SheetLayout, SheetPlan
from .refs import RefProblem, cell_name, parse_ref

SHEET = layout.CARRIED_SHEET
CODE = "T501"
YES = "ya"
HEADER_ROW = 4
HEADER = ["No", "Masukan", "Uraian", "Sel", "Nilai yang dipindahkan", "Sama di tahun baru? (tulis ya)", "Sidik"]
COL = {name: i + 1 for i, name in enumerate(HEADER)}
_NAME, _LABEL, _CELL, _VALUE, _TICK, _DIGEST = (COL[h] for h in HEADER[1:])
WIDTHS = {1: 5.0, 2: 44.0, 3: 50.0, 4: 30.0, 5: 16.0, 6: 16.0, 7: 20.0}
# the hidden column Sidik also holds the two years: (row, column) of the year moved from and the year moved to
_FROM, _TO = (1, COL["Sidik"]), (2, COL["Sidik"])


@dataclass(frozen=True)
class Move:
    """A ``kinerja pindah`` between years: the old and new rule sets' years (None: not said) and the old workbook;
    ``only``: the inputs to record (name → rows of a table, ``(1,)`` for a single value), None for every one — a
    same-year move of a workbook whose own record still lists figures of an earlier year carries just those."""

    from_year: int | None
    to_year: int | None
    source: str
    only: Mapping[str, tuple[int, ...]] | None = None

    @property
    def across_years(self) -> bool:
        return self.from_year != self.to_year


def rules_year(checked: CheckedRules) -> int | None:
    """The year a rule set is for (``pengaturan { berlaku = 2025 }``), None when it does not say."""
    param = checked.rules.params.get("tahun_berlaku")
    value = getattr(getattr(param, "expr", None), "value", None)
    return int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else None


def _canon(v: Any) -> Any:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v.is_finite() else str(v)
    if isinstance(v, dict):
        return sorted((str(k), _canon(x)) for k, x in v.items() if x is not None)
    return v


def _hash(value: Any, size: int) -> str:
    text = json.dumps(_canon(value), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def fingerprint(value: Any, table: bool = False) -> str:
    """One short text for an input's carried value, equal exactly when the values are equal as the rules read
    them (``Decimal("55") == Decimal("55.0")``): ``s:`` and a hash for a single value, ``t:`` and one hash per
    row for a table (so that the rows still as carried are known when others changed)."""
    if table:
        return "t:" + ",".join(_hash(row, 10) for row in value or ())
    return "s:" + _hash(value, 16)


def still_carried(digest: str, value: Any) -> list[int]:
    """The rows (1-based) of a table ``value`` that are exactly rows carried (``digest`` of :func:`fingerprint`);
    for a single value ``[1]`` when it is the carried value, else ``[]``."""
    if digest.startswith("t:"):
        carried = set(digest[2:].split(",")) - {""}
        return [i for i, row in enumerate(value or (), 1) if _hash(row, 10) in carried]
    return [1] if fingerprint(value) == digest else []


def recorded(specs: Sequence[InputSpec], inputs: Inputs,
             only: Mapping[str, tuple[int, ...]] | None = None) -> list[tuple[InputSpec, Any]]:
    """The carried inputs whose value can be last year's figure, with the value: a number, or a table with a
    numeric column and a row (``only``: these inputs and table rows). A text (a satker's name) is rightly the same
    every year."""
    out = []
    for spec in specs:
        if only is not None and spec.name not in only:
            continue
        if spec.is_table:
            rows = inputs.tables.get(spec.name)
            if only is not None and rows:
                rows = [row for i, row in enumerate(rows, 1) if i in only[spec.name]]
            if rows and any(c.kind in NUMERIC for c in spec.columns or ()):
                out.append((spec, rows))
        elif inputs.values.get(spec.name) is not None and spec.kind in NUMERIC:
            out.append((spec, inputs.values[spec.name]))
    return out


def year_text(year: int | None, lang: str = "id") -> str:
    """A rule set's year in a message; one that does not say its year: "(tidak diketahui)"."""
    return str(year) if year is not None else ("(tidak diketahui)" if lang != "en" else "(unknown)")


def carried_sheet(specs: Sequence[InputSpec], inputs: Inputs, names: Mapping[str, str], move: Move
                  ) -> SheetPlan | None:
    """The ``Pindahan`` sheet for the carried ``inputs`` (the new template's cells from ``names``); None when no
    carried value is worth flagging."""
    from_year, to_year, source = move.from_year, move.to_year, move.source
    by_name = {k.casefold(): v for k, v in names.items()}
    rows = heading_rows(
        f"Isian yang dipindahkan dari buku kerja tahun {year_text(from_year)}", "",
        f"Masukan di bawah masih berisi angka buku kerja tahun {year_text(from_year)} ({source}). Setiap Hitung "
        f"mencatatnya sebagai temuan {CODE} sampai selnya diisi angka tahun {year_text(to_year)} — atau, bila angkanya "
        f"memang sama, sampai Anda menulis {YES} di kolom «{HEADER[_TICK - 1]}» barisnya. Kolom lain jangan "
        "diubah; sheet ini tidak diganti oleh Hitung.", HEADER)
    rows[1] = [CellWrite(f"Dari tahun {year_text(from_year)} ke tahun {year_text(to_year)} · kinerja pindah dari "
                         f"{source}")]
    for (r, c), year in ((_FROM, from_year), (_TO, to_year)):
        rows[r - 1] += [None] * (c - len(rows[r - 1]))
        rows[r - 1][c - 1] = CellWrite(year) if year is not None else None
    for spec, value in recorded(specs, inputs, move.only):
        where = _cell(by_name.get(spec.name.casefold(), ""))
        whole = isinstance(value, Decimal) and value == value.to_integral_value()
        shown = (CellWrite(f"tabel, {len(value)} baris", style="atas") if spec.is_table else
                 CellWrite(value, style="angka0" if whole else "atas"))
        rows.append([CellWrite(len(rows) - HEADER_ROW + 1, style="atas"), CellWrite(spec.name, style="wrap"),
                     CellWrite(spec.label or spec.name, style="wrap"), CellWrite(where, style="atas"), shown,
                     CellWrite(None, style="isian"), CellWrite(fingerprint(value, spec.is_table))])
    if len(rows) == HEADER_ROW:
        return None
    return SheetPlan(tuple(tuple(r) for r in rows), SheetLayout(
        header_row=HEADER_ROW, landscape=True, fit_width=True, widths=WIDTHS, hidden_cols=(_DIGEST,),
        merges=((1, 1, 1, _TICK), (3, 1, 3, _TICK)), tab_rgb="FFC00000",
        footer=f"{SHEET} · halaman &P dari &N"))


@dataclass(frozen=True)
class Entry:
    name: str
    label: str
    location: str  # the cell (or table range) when the input was carried
    digest: str
    tick: str  # what the operator wrote in "Sama di tahun baru?" (stripped)
    row: int  # the entry's row in the sheet

    @property
    def confirmed(self) -> bool:
        return self.tick.casefold() == YES


@dataclass(frozen=True)
class Carried:
    from_year: int | None
    to_year: int | None
    entries: tuple[Entry, ...]
    unreadable: tuple[str, str] = ("", "")  # the sheet was changed so that it cannot be read: what (id, en)


def read_carried(view: Any) -> Carried | None:
    """The ``Pindahan`` record of a workbook (a file's :class:`~.ooxml.Package` or an open book's
    :class:`~.live.BookView`: both answer ``sheet`` and ``cells``); None when there is none."""
    sheet = view.sheet(SHEET)
    if sheet is None:
        return None
    try:
        cells = view.cells(sheet.name).cells
    except KeyError:  # not a worksheet
        return None

    def text(r: int, c: int) -> str:
        cell = cells.get((r, c))
        return cell.text.strip() if cell is not None and cell.kind in ("text", "number") else ""

    def year(at: tuple[int, int]) -> int | None:
        t = text(*at)
        return int(t) if t.isdigit() else None

    years = year(_FROM), year(_TO)
    head = [text(HEADER_ROW, c) for c in range(1, len(HEADER) + 1)]
    if head[_NAME - 1] != HEADER[_NAME - 1] or head[_DIGEST - 1] != HEADER[_DIGEST - 1]:
        heads = ", ".join(HEADER)
        return Carried(*years, (), (f"baris {HEADER_ROW} bukan lagi judul kolom kinerja ({heads})",
                                    f"row {HEADER_ROW} no longer holds kinerja's column headings ({heads})"))
    entries, bad = [], []
    last = max((r for r, _ in cells), default=HEADER_ROW)
    for r in range(HEADER_ROW + 1, last + 1):
        name, digest = text(r, _NAME), text(r, _DIGEST)
        if not name and not digest:
            continue
        if not name or not digest.startswith(("s:", "t:")):
            bad.append(str(r))  # the other rows are still read: each one still says what it says
            continue
        entries.append(Entry(name, text(r, _LABEL), text(r, _CELL), digest, text(r, _TICK), r))
    if bad:
        rows = ", ".join(bad)
        return Carried(*years, tuple(entries), (f"baris {rows} tidak lagi memuat nama masukan dan sidiknya",
                                                f"row(s) {rows} no longer hold an input's name and fingerprint"))
    return Carried(*years, tuple(entries))


def pending(carried: Carried | None, inputs: Inputs) -> dict[str, tuple[int, ...]]:
    """The recorded inputs that still hold the carried value and are not confirmed: name → the rows still as
    carried (``(1,)`` for a single value)."""
    out: dict[str, tuple[int, ...]] = {}
    for e in carried.entries if carried is not None else ():
        if e.confirmed:
            continue
        table = e.digest.startswith("t:")
        rows = still_carried(e.digest, inputs.tables.get(e.name) if table else inputs.values.get(e.name))
        if rows:  # a value the reader refused (an input problem) is not the carried one
            out[e.name] = tuple(rows)
    return out


_SHOWN = 4  # carried inputs named in one sheet's finding; the rest are counted (each has its own Temuan row)


def stale_findings(carried: Carried | None, inputs: Inputs, names: Mapping[str, str]) -> list[Temuan]:
    """T501 for the recorded inputs that still hold exactly the carried value and are not confirmed (``ya``): one
    finding per input sheet, naming how many and the first cells; ``data["isian"]`` lists every one of them (its
    name, cell, value or table rows, the cell where ``ya`` goes, and its own message) — the JSON's ``isian`` and the
    Temuan sheet's row per cell (:mod:`.temuan`). Pure: the record (:func:`read_carried`), the inputs as read now,
    and the workbook's names (where each input is now)."""
    if carried is None:
        return []
    old, new = year_text(carried.from_year), year_text(carried.to_year)
    old_en, new_en = year_text(carried.from_year, "en"), year_text(carried.to_year, "en")
    out = []
    if carried.unreadable[0]:
        out.append(Temuan(
            CODE, "tinggi", SHEET, f"sheet {SHEET} diubah sehingga kinerja tidak dapat membacanya seluruhnya: "
            f"{carried.unreadable[0]}. Isian yang tidak terbaca di sana mungkin masih angka tahun {old}: periksa, "
            f"atau ulangi kinerja pindah dari buku kerja tahun {old}.", sumber=f"{SHEET}!A{HEADER_ROW}",
            pesan_en=f"the sheet {SHEET} was changed so that kinerja cannot read all of it: {carried.unreadable[1]}. "
            f"The entries it cannot read may still hold {old_en}'s figures: check them, or run kinerja pindah again "
            f"from the {old_en} workbook."))
    by_name = {k.casefold(): v for k, v in names.items()}
    still = pending(carried, inputs)
    sheets: dict[str, list[dict[str, Any]]] = {}
    for e in carried.entries:
        rows = still.get(e.name)
        if not rows:
            continue
        table = e.digest.startswith("t:")
        value = inputs.tables.get(e.name) if table else inputs.values.get(e.name)
        where = _cell(by_name.get(e.name.casefold(), e.location))
        tick = f"{SHEET}!{cell_name(e.row, _TICK)}"
        about = e.label or e.name
        item: dict[str, Any] = {"masukan": e.name, "uraian": about, "sel": where, "konfirmasi": tick,
                                "baris_pindahan": e.row, "tertulis": e.tick or None}
        if table:
            at = _sheet_rows(inputs, e.name)
            sheet_rows = [at.get(i, i) for i in rows]
            shown = ", ".join(str(r) for r in sheet_rows[:8]) + (" …" if len(rows) > 8 else "")
            held = f"{len(rows)} dari {len(value)} baris tabelnya (baris sheet {shown})"
            held_en = f"{len(rows)} of the table's {len(value)} rows (sheet rows {shown})"
            item.update(nilai=None, baris=sheet_rows, baris_tabel=len(value))
        else:
            held, held_en = f"angka ({format_id(value)})", f"the figure ({format_id(value)})"
            item["nilai"] = value
        bad = f" (sel itu berisi «{e.tick}», bukan {YES})" if e.tick else ""
        bad_en = f" (it holds «{e.tick}», not {YES})" if e.tick else ""
        item["pesan"] = (f"{about} ({where}) masih berisi {held} yang dipindahkan dari buku kerja tahun {old}; buku "
                         f"kerja ini untuk tahun {new}. Isi angka tahun {new}, atau bila memang sama, tulis {YES} di "
                         f"{tick}{bad}.")
        item["pesan_en"] = (f"{about} ({where}) still holds {held_en} carried over from the {old_en} workbook; this "
                            f"workbook is for {new_en}. Enter {new_en}'s figures, or if it really is the same, write "
                            f"{YES} in {tick}{bad_en}.")
        sheets.setdefault(_sheet_of(where), []).append(item)
    for sheet, items in sheets.items():
        items.sort(key=lambda it: _row_of(it["sel"]))  # in the sheet's order: a list to walk down
        out.append(_sheet_finding(sheet, items, (old, new), (old_en, new_en)))
    return out


def _sheet_finding(sheet: str, items: list[dict[str, Any]], years: tuple[str, str], years_en: tuple[str, str]
                   ) -> Temuan:
    """One sheet's carried inputs as one T501: how many, the first :data:`_SHOWN` cells, where ``ya`` goes."""
    (old, new), (old_en, new_en), n = years, years_en, len(items)

    def named(lang: str) -> str:
        parts = []
        for it in items[:_SHOWN]:
            cell = it["sel"].split("!", 1)[-1]
            if "baris" in it:
                rows = (f"{len(it['baris'])} of {it['baris_tabel']} rows" if lang == "en" else
                        f"{len(it['baris'])} dari {it['baris_tabel']} baris")
                parts.append(f"{'table' if lang == 'en' else 'tabel'} {cell} {it['masukan']} ({rows})")
            else:
                parts.append(f"{cell} {it['masukan']} ({format_id(it['nilai'])})")
        rest = n - len(parts)
        more = (f" and {rest} more" if lang == "en" else f" dan {rest} lainnya") if rest > 0 else ""
        return ", ".join(parts) + more

    span = _runs(sorted(it["baris_pindahan"] for it in items))
    odd = [it for it in items if it["tertulis"]]
    odd_id = (f" {len(odd)} di antaranya berisi tulisan lain di kolom itu, bukan {YES}: " + ", ".join(
        f"{it['konfirmasi']} «{it['tertulis']}»" for it in odd[:_SHOWN]) + ("…" if len(odd) > _SHOWN else "") + "."
        ) if odd else ""
    odd_en = (f" {len(odd)} of them hold other text in that column, not {YES}: " + ", ".join(
        f"{it['konfirmasi']} «{it['tertulis']}»" for it in odd[:_SHOWN]) + ("…" if len(odd) > _SHOWN else "") + "."
        ) if odd else ""
    count = "1 isian masih berisi angka" if n == 1 else f"{n} isian masih berisi angka"
    count_en = "1 entry still holds the figures" if n == 1 else f"{n} entries still hold the figures"
    return Temuan(
        CODE, "tinggi", sheet,
        f"sheet {sheet}: {count} yang dipindahkan dari buku kerja tahun {old}; buku kerja ini untuk tahun {new}: "
        f"{named('id')}. Isi angka tahun {new}; bila angkanya memang sama, tulis {YES} di kolom «{HEADER[_TICK - 1]}» "
        f"barisnya di sheet {SHEET} ({span}).{odd_id}",
        sumber=items[0]["sel"], data={"isian": items},
        pesan_en=f"sheet {sheet}: {count_en} carried over from the {old_en} workbook; this workbook is for {new_en}: "
        f"{named('en')}. Enter {new_en}'s figures; if a figure really is the same, write {YES} in the column "
        f"«{HEADER[_TICK - 1]}» of its row in the sheet {SHEET} ({span}).{odd_en}")


def carried_inputs(t: Temuan) -> list[dict[str, Any]]:
    """The carried inputs one T501 finding stands for (empty for the one saying the sheet cannot be read)."""
    return list(t.data.get("isian") or ()) if t.kode == CODE else []


def _runs(rows: list[int]) -> str:
    """``Pindahan!F5:F7, F142``: the rows of the column where ``ya`` goes, consecutive ones as one range."""
    col = cell_name(1, _TICK)[:-1]
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    parts = [f"{col}{a}" if a == b else f"{col}{a}:{col}{b}" for a, b in runs]
    return f"{SHEET}!" + ", ".join(parts[:_SHOWN]) + (" …" if len(parts) > _SHOWN else "")


def _row_of(where: str) -> int:
    try:
        return parse_ref(where).row1
    except RefProblem:
        return 0


def _sheet_of(where: str) -> str:
    try:
        return parse_ref(where).sheet
    except RefProblem:
        return where.rpartition("!")[0].strip("'") or SHEET


def _sheet_rows(inputs: Inputs, table: str) -> dict[int, int]:
    """A table's data rows (1-based, as the reader's messages count them) → the sheet rows they were read from."""
    out: dict[int, int] = {}
    for key, where in inputs.sources.items():
        if isinstance(key, CellKey) and key.table == table and key.row + 1 not in out:
            try:
                out[key.row + 1] = parse_ref(where).row1
            except RefProblem:
                continue
    return out


def _cell(where: str) -> str:
    try:
        ref = parse_ref(where)
    except RefProblem:
        return where
    return ref.location


__all__ = ["CODE", "SHEET", "Carried", "Entry", "Move", "carried_inputs", "carried_sheet", "fingerprint", "pending",
           "read_carried", "recorded", "rules_year", "stale_findings"]
