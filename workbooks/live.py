"""Hitung inside Excel: the live-workbook adapter over xlwings' ``Book`` API.

:func:`hitung` runs the same recalculation as ``kinerja hitung BUKU.xlsx`` on an open workbook:

* READ — the inputs through :mod:`.reader`'s own reading code (same names, same conversions, same
  ``InputProblem`` codes and messages), handed a view of the book instead of a zip package (:class:`BookView`);
* PLAN — :func:`kinerja.workbooks.recalc.plan_recalc`, exactly as for a file;
* APPLY — :func:`apply_to_book` writes the plan's output cells (by defined name) and recreates the owned sheets
  (``Audit``, …) with the same values and live formulas the file adapter writes.

It uses nothing beyond xlwings' ``Book`` API, so one function serves the button on the operator's PC
(:func:`hitung_caller`, called by the VBA macro through ``RunPython``), ``kinerja server`` (a book built from
the JSON payload Excel sends by :func:`kinerja.workbooks.remote.open_payload`; the answer is ``book.json()``) and
xlwings Lite.

Errors never reach the operator as a traceback: every problem becomes an Indonesian alert (``book.app.alert``)
and a line in the status cells next to the Hitung buttons (:data:`kinerja.workbooks.tombol.STATUS_PREFIX`):
when Hitung last ran, with which rules, and how many findings. Bad inputs: the alert names every wrong cell and
nothing but the status cells is written.

What the Book API cannot reach: the workbook's custom document properties, so the rule set comes from the
status cell (written by ``pasang-tombol``/``templat``) unless given, the stored meta is not updated live, and the
record of the output names kinerja created is read from its copy in ``FormatIsian`` (:mod:`.ownrecord`): a lost
one is refused (B114) as by the file adapter — a workbook from before that copy is not checked live until a file
Hitung writes it; likewise the stored meta (rule set, version, layout key, year) compared for B121;
cell styles and page layout of the owned sheets (values and formulas are written; a file Hitung formats them);
and number formats (the remote payload has none). Which input cells Excel shows as percentages ("85%" typed is
0.85 shown as 85%) comes from the hidden sheet ``FormatIsian``, whose ``CELL("format", …)`` formulas Excel keeps
current (:mod:`.formatlive`), so a live Hitung reads every cell as the file adapter does (85, or B217). A number
no formula covers is refused (B221) and the sheet is rewritten: the next click reads it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from ..engine import KinerjaError, input_specs, load_rules
from ..engine.batasan import check_inputs
from ..engine.checker import CheckedRules
from ..engine.errors import language
from ..engine.interface import InputProblem
from . import layout
from .audit import local_time
from .errors import FORMAT_UNKNOWN
from .formatlive import format_sheet, percent_cells
from .ooxml import EMPTY, Cell, DefinedName, Sheet, SheetCells, Table
from .ownrecord import meta_in, with_names
from .pindahan import read_carried
from .plan import WritePlan, data_places
from .reader import EXCEL_ERRORS, _Reader
from .recalc import check_same_layout, owned_output_names, plan_recalc, refuse_lost_outputs
from .refs import RefProblem, cell_name, parse_ref, quote_sheet
from .tombol import STATUS_PREFIX, rules_from_status, status_text
from .uraian import relabels, shown_labels
from .writer import CellWrite, _parse, _refuse_overwriting_inputs, _target_sheet

TITLE = "kinerja — Hitung"
_ERRORS = EXCEL_ERRORS  # the reader's list: a text showing an error is the error
_EPOCH = datetime(1899, 12, 30)
_MAX_ALERT = 12  # problems listed in one alert; the rest are counted
_STATUS_WHAT, _STATUS_HINT = 240, 320  # characters of a failure's message and advice in the status cell
# Cell.style of a live number cell: shown as a percentage, or format unknown (no FormatIsian formula covers it)
_PERCENT, _UNKNOWN = -1, -2


@dataclass
class LiveOutcome:
    ok: bool
    status: str
    message: str = ""
    problems: list[InputProblem] = field(default_factory=list)
    findings: int = 0
    written_cells: int = 0


# --- reading: the book seen as the reader's package ---------------------------------------------------------


def _cell(v: Any) -> Cell:
    if v is None or v == "":
        return EMPTY
    if isinstance(v, bool):
        return Cell("boolean", "1" if v else "0")
    if isinstance(v, (int, Decimal)):
        return Cell("number", format(Decimal(v), "f"))
    if isinstance(v, float):
        if not math.isfinite(v):
            return Cell("error", "#NUM!")
        return Cell("number", str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v))
    if isinstance(v, datetime):  # xlwings hands over a date- or time-formatted cell as a datetime
        return Cell("date", _cell((v.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400).text)
    if isinstance(v, date):
        return Cell("date", _cell(float((v - _EPOCH.date()).days)).text)
    text = str(v)
    if text in _ERRORS:
        return Cell("error", text)
    return Cell("text", text)


def _near_book(book: Any, ref: str) -> str:
    """A rule set recorded relative to the workbook's folder (layout.recorded_rules) is looked up there first;
    Excel's working folder is anywhere. A bundled name or an absolute path is used as it is."""
    full = getattr(book, "fullname", None)
    if not isinstance(full, str) or not full or PurePath(ref).is_absolute():
        return ref
    near = Path(full).parent / ref
    return str(near) if near.exists() else ref


class BookView:
    """What :class:`~.reader._Reader` asks of a package, answered from an ``xw.Book`` (values read once per
    sheet, as Excel shows them). Merged areas are not visible through the Book API."""

    percent_styles = frozenset({_PERCENT})
    unknown_format_styles = frozenset({_UNKNOWN})

    def __init__(self, book: Any):
        self.book = book
        self.path = PurePath(book.name)
        self._sheets = list(book.sheets)
        self._cells: dict[str, SheetCells] = {}
        self._raw: dict[str, dict[tuple[int, int], Cell]] = {}
        self._formats: dict[str, dict[tuple[int, int], bool]] | None = None
        self._names: dict[str, DefinedName] | None = None
        self._scoped: list[DefinedName] = []

    # names
    def _load_names(self) -> None:
        self._names = {}
        for n in self.book.names:
            try:
                name = n.name
            except Exception:  # a name the engine cannot describe is simply not there
                continue
            try:  # sheet and address from the range: xlwings' refers_to text does not quote sheet names
                rng = n.refers_to_range
                text = f"{quote_sheet(rng.sheet.name)}!{rng.address}"
            except Exception:  # a constant, a formula, #REF!: the reader reports it from the text
                try:
                    text = str(n.refers_to or "")
                except Exception:
                    continue
                text = text[1:] if text.startswith("=") else text
            if "!" in name:
                sheet, local = name.split("!", 1)
                self._scoped.append(DefinedName(local, text, sheet.strip("'"), False))
            else:
                self._names[name.casefold()] = DefinedName(name, text, None, False)

    def workbook_names(self) -> dict[str, DefinedName]:
        if self._names is None:
            self._load_names()
        return self._names

    def sheet_scoped_names(self) -> list[DefinedName]:
        self.workbook_names()
        return self._scoped

    def names_text(self) -> dict[str, str]:
        """Name → where it points (``Input!C5``), as :func:`~.reader.workbook_names_from` gives for a file."""
        out = {}
        for dn in self.workbook_names().values():
            try:
                out[dn.name] = dn.ref().location
            except RefProblem:
                out[dn.name] = dn.text
        return out

    # sheets
    def sheet(self, name: str) -> Sheet | None:
        for i, s in enumerate(self._sheets):
            if s.name.casefold() == name.casefold():
                return Sheet(s.name, i, i + 1, "", "live", "visible", True)
        return None

    def sheets(self) -> list[Sheet]:
        return [Sheet(s.name, i, i + 1, "", "live", "visible", True) for i, s in enumerate(self._sheets)]

    def _xw_sheet(self, name: str) -> Any:
        return next(s for s in self._sheets if s.name.casefold() == name.casefold())

    def _values(self, sheet_name: str) -> dict[tuple[int, int], Cell]:
        """A sheet's values as Excel shows them, read once (FormatIsian is asked for its formats and its record)."""
        key = sheet_name.casefold()
        if key not in self._raw:
            self._raw[key] = self._read(sheet_name)
        return self._raw[key]

    def _read(self, sheet_name: str) -> dict[tuple[int, int], Cell]:
        ws = self._xw_sheet(sheet_name)
        used = ws.used_range
        values = used.options(ndim=2, err_to_str=True).value or []
        r0, c0 = used.row, used.column
        cells = {}
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                c = _cell(v)
                if c is not EMPTY:
                    cells[(r0 + i, c0 + j)] = c
        return cells

    def formats(self) -> dict[str, dict[tuple[int, int], bool]]:
        """Sheet (casefolded) → cell → shown as a percentage, from the FormatIsian sheet (empty without one)."""
        if self._formats is None:
            own = self.sheet(layout.FORMAT_SHEET)
            self._formats = (percent_cells(self._values(own.name), (s.name for s in self._sheets))
                             if own is not None else {})
        return self._formats

    def cells(self, sheet_name: str) -> SheetCells:
        key = sheet_name.casefold()
        if key not in self._cells:
            cells = dict(self._values(sheet_name))
            shown = self.formats().get(key, {})
            for rc, c in cells.items():
                if c.kind == "number":
                    pct = shown.get(rc)
                    cells[rc] = Cell("number", c.text, style=_UNKNOWN if pct is None else _PERCENT if pct else None)
            self._cells[key] = SheetCells(cells, ())
        return self._cells[key]

    def tables(self) -> dict[str, Table]:
        out: dict[str, Table] = {}
        for s in self._sheets:
            try:
                tables = list(s.tables)
            except Exception:
                continue
            for t in tables:
                try:
                    ref = parse_ref(f"'{s.name}'!{t.range.address}")
                    header = bool(t.show_headers)
                    totals = 1 if t.show_totals else 0
                    cols = t.header_row_range.value if header else []
                    cols = tuple(str(c) for c in (cols if isinstance(cols, list) else [cols]))
                    out[t.name.casefold()] = Table(t.name, t.name, ref, 1 if header else 0, totals, cols)
                except Exception:
                    continue
        return out

    # status cells
    def status_cells(self) -> list[tuple[str, int, int, str]]:
        """(sheet, row, column, text) of every status cell (rows 1–3, text starting with STATUS_PREFIX)."""
        out = []
        for s in self._sheets:
            for (r, c), cell in self.cells(s.name).cells.items():
                if r <= 3 and cell.kind == "text" and cell.text.startswith(STATUS_PREFIX):
                    out.append((s.name, r, c, cell.text))
        return sorted(out)


def read_inputs_live(view: BookView, specs: list) -> Any:
    """The rule set's inputs from an open book: :mod:`.reader`'s code, reading ``view`` instead of a file."""
    reader = _Reader(view)
    for spec in specs:
        if spec.is_table:
            reader.table(spec)
        else:
            reader.single(spec)
    reader.inputs.origin = view.book.name
    check_inputs(specs, reader.inputs)  # bounds, allowed values, internal ids: the same rules as a file
    return reader.inputs


# --- writing ------------------------------------------------------------------------------------------------


def _xl(w: CellWrite | None) -> Any:
    """A CellWrite as the value xlwings writes: numbers as float/int, formulas as ``=…`` text, None empty."""
    if w is None:
        return None
    if w.formula is not None:
        return w.formula if w.formula.startswith("=") else "=" + w.formula
    v = w.value
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and abs(v) < 10 ** 15 else float(v)
    return v


def apply_to_book(book: Any, plan: WritePlan, view: BookView | None = None, *, outputs: bool = True) -> int:
    """APPLY step for an open book: output cells by defined name, owned sheets recreated (values and live
    formulas; a new sheet goes last). Returns the number of output cells written. Refused before anything is
    written, with the file adapter's own checks and messages: an output name kinerja created that is gone (B114,
    :func:`~.recalc.refuse_lost_outputs`; ``outputs=False`` for a plan that writes no results, the format check
    of a refused Hitung), an output name pointing at ``#REF!`` or a missing sheet (B114/B113), an output over an
    input (B152)."""
    view = view or BookView(book)
    owned = owned_output_names(view)  # the record in FormatIsian, carried into the sheet that replaces it
    if outputs:
        refuse_lost_outputs(view, plan.meta.get(layout.META_RULES) or "ATURAN", owned)
    names = view.workbook_names()
    targets: dict[str, dict[tuple[int, int], CellWrite]] = {}
    keys: dict[tuple[str, int, int], str] = {}
    recreated = {s.casefold() for s in plan.sheets}
    for name, w in plan.cells.items():
        dn = names.get(name.casefold())
        if dn is None:  # the plan names only outputs the book has: gone meanwhile, written nowhere
            continue
        ref = _parse(dn.text, f"{view.path}: {name}", name)
        sheet = _target_sheet(view, ref, name, recreated)
        targets.setdefault(sheet, {})[(ref.row1, ref.col1)] = w
        keys[(sheet, ref.row1, ref.col1)] = name
    # the file adapter's own check, before anything is written: no output over an input (B152)
    _refuse_overwriting_inputs(view, plan.inputs, targets, keys, dict(plan.sheets))
    written = 0
    _show(book, view, plan.show_rows, plan.show_cols, skip=plan.sheets)
    for sheet, writes in targets.items():
        for (r, c), w in writes.items():
            book.sheets[sheet].range(cell_name(r, c)).value = _xl(w)
            written += 1
    for where, w in plan.labels.items():  # kinerja's input label cells (Sheet!A1), not output cells
        ref = parse_ref(where)
        sheet = view.sheet(ref.sheet)
        if sheet is not None:
            book.sheets[sheet.name].range(cell_name(ref.row1, ref.col1)).value = _xl(w)
    for name, sheet_plan in plan.sheets.items():
        if name == layout.FORMAT_SHEET:
            sheet_plan = with_names(sheet_plan, owned, plan.meta)
        rows = [list(r) for r in sheet_plan.rows]
        width = max((len(r) for r in rows), default=0)
        matrix = [[_xl(w) for w in r] + [None] * (width - len(r)) for r in rows]
        existing = view.sheet(name)
        if existing is not None:
            ws = book.sheets[existing.name]
            ws.clear_contents()
        else:
            ws = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
            if sheet_plan.layout.hidden:
                ws.visible = False
        if matrix and width:
            ws.range("A1").value = matrix
            hr = sheet_plan.layout.header_row  # title rows may sit above the table header
            header = rows[hr - 1] if len(rows) >= hr else []
            if header and all(w is not None and w.style == "header" for w in header):
                ws.range((hr, 1), (hr, width)).font.bold = True
    return written


def _show(book: Any, view: BookView, rows: Mapping[str, frozenset[int]], cols: Mapping[str, frozenset[int]],
          skip: Any = ()) -> None:
    """Rows and columns holding input data are shown (``EntireRow/EntireColumn.Hidden = False``), one call per run
    of consecutive ones. The Book API cannot read whether a row is hidden on every engine; showing a shown row
    changes nothing."""
    for show, axis in ((rows, "rows"), (cols, "columns")):
        for sheet, places in show.items():
            existing = view.sheet(sheet)
            if existing is None or sheet in skip:
                continue
            ws = book.sheets[existing.name]
            run: list[int] = []
            for n in sorted(places) + [0]:
                if run and n != run[-1] + 1:
                    first, last = ((run[0], 1), (run[-1], 1)) if axis == "rows" else ((1, run[0]), (1, run[-1]))
                    getattr(ws.range(first, last), axis).hidden = False
                    run = []
                run.append(n)


def _stored_meta(view: BookView) -> dict[str, str]:
    """The workbook's meta as recorded in FormatIsian (:func:`~.ownrecord.with_names`); empty for a workbook no
    file Hitung or template of this version wrote (not checked live, as the record of output names)."""
    sheet = view.sheet(layout.FORMAT_SHEET)
    if sheet is None:
        return {}
    try:
        return meta_in(view.cells(sheet.name).cells)
    except KeyError:  # not a worksheet
        return {}


def _status(view: BookView, book: Any, text: str) -> None:
    for sheet, r, c, _ in view.status_cells():
        book.sheets[sheet].range(cell_name(r, c)).value = text


def _problems_text(problems: list[InputProblem]) -> str:
    en = language() == "en"
    lines = [f"• {(p.message_en or p.message) if en else p.message}" for p in problems[:_MAX_ALERT]]
    if len(problems) > _MAX_ALERT:
        lines.append(f"… dan {len(problems) - _MAX_ALERT} masalah lain.")
    return "\n".join(lines)


def _first_run_text(n: int) -> str:
    if language() == "en":
        return (f"Hitung has not run yet: this workbook had no format check (hidden sheet {layout.FORMAT_SHEET}), "
                f"so kinerja could not see whether its {n} numbers are shown as percentages. The check has just been "
                "added; click Hitung once more.")
    return (f"Hitung belum dijalankan: buku kerja ini belum punya pemeriksa format (sheet tersembunyi "
            f"{layout.FORMAT_SHEET}), sehingga kinerja belum dapat melihat apakah {n} angka isiannya tampil sebagai "
            "persen. Pemeriksa itu baru saja dipasang; klik Hitung sekali lagi.")


# --- the entry points ---------------------------------------------------------------------------------------


def hitung(book: Any, *, aturan: str | None = None, now: datetime | None = None,
           allowed: Mapping[str, CheckedRules] | None = None) -> LiveOutcome:
    """Recalculate an open workbook (any ``xw.Book``). Never raises for the operator's mistakes: they become an
    alert and the status line. ``aturan``: the rule set (default: the one recorded in the status cell);
    ``allowed``: rule sets already loaded, the only ones that may be used (the server's read-only cache; a
    workbook cannot make the server load a path)."""
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    stamp = local_time(when)  # as the operator's clock shows it (KINERJA_ZONA: WIB, WITA, WIT), as in Audit
    view: BookView | None = None
    ref: str | None = aturan
    version = ""  # known once the rules are loaded: a failure after that says them as a success does
    try:
        view = BookView(book)
        statuses = view.status_cells()
        ref = aturan or next((r for r in (rules_from_status(t) for *_, t in statuses) if r), None)
        if not ref:
            return _fail(book, view, None, stamp, "buku kerja ini tidak mencatat set aturannya (sel \"Status "
                         "Hitung\" tidak ada atau tidak menyebut aturan). Buat ulang dengan `kinerja templat … "
                         "--keluaran BUKU.xlsm` atau `kinerja pasang-tombol`.")
        if allowed is not None and ref not in allowed:
            return _fail(book, view, ref, stamp, f"set aturan {ref} tidak tersedia di server ini (tersedia: "
                         f"{', '.join(sorted(allowed)) or '-'}). Hubungi admin TI.")
        checked = allowed[ref] if allowed is not None else load_rules(_near_book(book, ref))
        version = f"versi: {checked.rules.version}"
        specs = input_specs(checked)
        names = view.names_text()
        relabel = relabels(view, specs, names)  # the file path's label cells, in the same words
        # the file path's B121, from the meta a file Hitung or the template recorded in FormatIsian (the book's
        # custom properties are out of xlwings' reach): another rule set's layout is refused, labels alone are not
        check_same_layout(view.path, view, checked, _stored_meta(view), shown_labels(relabel))
        inputs = read_inputs_live(view, specs)
        if inputs.problems:
            # nothing is computed, but a bad cell pasted into a hidden row must be visible where the alert points
            _show(book, view, *data_places(inputs))
            unseen = [p for p in inputs.problems if p.code == FORMAT_UNKNOWN]
            first_run = view.sheet(layout.FORMAT_SHEET) is None  # a workbook from before FormatIsian
            if unseen:  # the check the next click reads
                sheet = format_sheet(specs, view.names_text(), inputs)
                apply_to_book(book, WritePlan({}, {layout.FORMAT_SHEET: sheet}, {}), view, outputs=False)
            n = len(inputs.problems)
            if unseen and n == len(unseen) and first_run:  # one line, not every number
                msg = _first_run_text(n)
                short = "pemeriksa format baru dipasang; klik Hitung sekali lagi"
            else:
                msg = (f"Hitung dibatalkan: {n} sel isian bermasalah; tidak ada hasil yang ditulis.\n\n"
                       + _problems_text(inputs.problems))
                short = f"{n} masalah isian, hasil tidak ditulis"
            out = _fail(book, view, ref, stamp, msg, short, version)
            out.problems = list(inputs.problems)
            return out
        rc = plan_recalc(checked, inputs, names, {layout.META_RULES: ref}, aturan=ref, now=when,
                         carried=read_carried(view), relabel=relabel)
        written = apply_to_book(book, rc.plan, view)
        own = sum(1 for r in relabel if not r.heading)
        text = status_text(f"selesai {stamp}", ref, version, f"{len(rc.findings)} temuan", f"{written} sel keluaran",
                           f"{own} uraian isian ditulis ulang sesuai aturan" if own else "")
        _status(view, book, text)
        return LiveOutcome(True, text, rc.note, [], len(rc.findings), written)
    except KinerjaError as err:  # the alert: the file path's message (Indonesian unless KINERJA_BAHASA=en)
        return _fail(book, view, ref, stamp, err.format(), _coded(err), version)
    except Exception as exc:  # a bug in kinerja: say so plainly, never a traceback window
        return _fail(book, view, ref, stamp, f"galat internal kinerja ({type(exc).__name__}: {exc}). "
                     "Laporkan ke pengembang beserta buku kerja ini.", version=version)


def _clip(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def _coded(err: KinerjaError) -> str:
    """A coded failure in the status cell: the code and what happened, then what to do — the words of the file
    path's message (``kinerja hitung BUKU.xlsx``), without the file and name it starts with (the cell is in that
    book; the message names the name again)."""
    en = language() == "en"
    hint = err.hint_en if en else err.hint_id
    said = f"{err.code}: {_clip(err.message(), _STATUS_WHAT)}"
    return said + (f" | {'hint' if en else 'saran'}: {_clip(hint, _STATUS_HINT)}" if hint else "")


def _fail(book: Any, view: BookView | None, ref: str | None, stamp: str, message: str,
          short: str | None = None, version: str = "") -> LiveOutcome:
    """Alert ``message`` and write the failure to the status cells: when, with which rules (``ref`` and
    ``version`` as the success status says them, when known — the status cell is also where the next Hitung
    reads the rule set from), and ``short`` (else the message's first line)."""
    text = status_text(f"GAGAL {stamp}", ref, version, short or _clip(message.splitlines()[0], _STATUS_WHAT))
    try:
        if view is not None:
            _status(view, book, text)
        book.app.alert(message, title=TITLE, mode="critical")
    except Exception:  # the alert itself failed (no UI): the outcome still carries the message
        pass
    return LiveOutcome(False, text, message)


def hitung_caller() -> LiveOutcome:
    """The Hitung button: ``RunPython "import kinerja.workbooks.live as l;l.hitung_caller()"``.

    Windows/Excel only: the calling book comes from ``xw.Book.caller()``; sheets protected without a password
    (the template's Ringkasan) are unprotected for the run and protected again afterwards, through the COM
    ``api`` (the one place beyond the Book API, because a protected sheet refuses writes)."""
    import xlwings as xw

    book = xw.Book.caller()
    relock = []
    for ws in book.sheets:
        try:
            if ws.api.ProtectContents:
                ws.api.Unprotect()
                relock.append(ws)
        except Exception:  # protected with a password: writes there will fail and be reported
            continue
    try:
        return hitung(book)
    finally:
        for ws in relock:
            try:
                ws.api.Protect(DrawingObjects=False, Contents=True, Scenarios=False, AllowFormattingCells=True,
                               AllowFormattingColumns=True, AllowFormattingRows=True)
            except Exception:
                pass


__all__ = ["BookView", "LiveOutcome", "apply_to_book", "hitung", "hitung_caller", "read_inputs_live"]
