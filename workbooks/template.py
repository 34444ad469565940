"""``kinerja templat``: a fresh input workbook for a rule set, ready for operators and for ``kinerja hitung``.

The contract it implements is the one the reader and the recalculation rely on (layout.py, docs/buku-kerja.md):
every input is a workbook-level defined name equal to its input name (tables: a name over the column-name row
plus the empty data rows), every output a defined name from :func:`~.layout.output_name` on the Ringkasan
sheet, and the rule set's name and hash are stored as meta so that ``kinerja hitung BUKU.xlsx`` needs no
``--aturan``.

Why openpyxl here although write-back never uses it: a new file has nothing of the operator's to lose, so a
complete writer is the simplest way to style it. The openpyxl file is then passed once through
:func:`~.writer.write_back`, which creates the output names and the Audit sheet and records them as
kinerja's own (``kinerja.owned.*``) — later runs may only rewrite what that record lists. Everything is built
in a temporary folder and moved onto the destination atomically (:func:`~.atomic.atomic_write`), so a failed
run never leaves half a template, and an existing file is only replaced when asked (``overwrite``).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..engine import CheckedRules, Inputs, InputSpec, input_specs
from ..engine.batasan import column_words
from . import layout
from . import template_style as S
from .atomic import atomic_write, refuse_existing, terminated_as_exit
from .errors import BAD_TARGET, WRONG_EXTENSION, WorkbookError
from .formatlive import format_sheet
from .pindahan import Move, carried_sheet, rules_year
from .reader import workbook_names
from .refs import Ref, col_letters
from .template_ringkasan import write_ringkasan
from .uraian import single_label, table_title
from .writer import CellWrite, write_back

OTHER_SHEET = "Masukan lain"  # single inputs outside any eselon block
BUDGET_SHEET = "Anggaran"  # tables outside any eselon block (the budget tables of a PK)
TABLE_ROWS = 50  # empty data rows per table on an eselon sheet
BUDGET_TABLE_ROWS = 100  # per table on the Anggaran sheet (one row per satker can pass 50)
# Rows shown of a table; the rest of its rows are hidden (grouped, a "+" beside them), so that no printed page
# holds only empty rows. A filled template (the sample, kinerja pindah) shows exactly its filled rows.
VISIBLE_ROWS = 10
MAX_BLOCK_COLUMNS = 5  # wider tables get a sheet of their own

# input sheet columns: No · Uraian · Nilai · Jenis/satuan · Nama masukan · Keterangan
NO, URAIAN, NILAI, JENIS, NAMA, KET = (layout.COL_NO, layout.COL_URAIAN, layout.COL_NILAI, layout.COL_JENIS,
                                        layout.COL_NAMA, layout.COL_KET)
HEADINGS = ("No", "Uraian", "Nilai", "Jenis/satuan", "Nama masukan", "Keterangan")
WIDTHS = (6, 62, 18, 16, 40, 30)
TABLE_WIDTH = {"teks": 40, "rupiah": 20, "cacah": 14, "tahun": 12}  # other kinds: 16

# the usual short forms of Indonesian ministry units, so that sheet tabs read like the reports' own tables
# (the second group only when the name is still longer than a sheet tab allows)
_ABBREVIATIONS = (("Direktorat Jenderal", "Ditjen"), ("Sekretariat Jenderal", "Setjen"),
                  ("Inspektorat Jenderal", "Itjen"), ("Hak Asasi Manusia", "HAM"))
_ABBREVIATIONS_LONG = (("Peraturan Perundang-undangan", "PP"), ("Administrasi Hukum Umum", "AHU"),
                       ("Kekayaan Intelektual", "KI"), ("Kementerian", "Kemen"), ("Kantor Wilayah", "Kanwil"),
                       ("Badan Strategi Kebijakan", "BSK"), ("Badan Pembinaan Hukum Nasional", "BPHN"))
_RESERVED = {s.casefold() for s in (layout.SUMMARY_SHEET, layout.AUDIT_SHEET, layout.RESULT_SHEET, "History",
                                     layout.CARRIED_SHEET)}
_NAME_OK = re.compile(r"[A-Za-z_\\][\w.\\]*")
_CELLISH = re.compile(r"[A-Za-z]{1,3}\d+|[RrCc]|(?:[Rr]\d*)?(?:[Cc]\d*)?")

AUDIT_NOTE = ("Sheet ini diisi kinerja setiap kali Hitung dijalankan (kinerja hitung BUKU.xlsx):",
              "satu baris per nilai yang dihitung, dengan sumber dan derivasinya.",
              "Jangan diisi manual — isinya diganti pada setiap Hitung.")
TEMUAN_NOTE = ("Sheet ini diisi kinerja setiap kali Hitung dijalankan (kinerja hitung BUKU.xlsx):",
               "temuan pemeriksaan angka dan masalah masukan, dengan tautan ke baris Audit.",
               "Jangan diisi manual — isinya diganti pada setiap Hitung.")


@dataclass
class Summary:
    """What a template holds, for the command's one-line report and for tests."""

    path: Path
    sheets: list[str]
    input_names: list[str]
    output_names: list[str]
    validations: int

    def text(self, rules_name: str, filled: bool, lang: str = "id") -> str:
        """The command's one line: which template (filled or not) went where, with its size."""
        if lang != "en":
            return (f"templat{' terisi' if filled else ''} {rules_name} ditulis ke {self.path}: "
                    f"{len(self.sheets)} sheet, {len(self.input_names)} masukan, {len(self.output_names)} sel "
                    "keluaran")
        return (f"{'filled ' if filled else ''}template {rules_name} written to {self.path}: {len(self.sheets)} "
                f"sheets, {len(self.input_names)} inputs, {len(self.output_names)} output cells")


@dataclass
class _SheetPlan:
    title: str
    heading: str  # shown in the title block
    singles: list[InputSpec] = field(default_factory=list)
    tables: list[InputSpec] = field(default_factory=list)
    table_rows: int = TABLE_ROWS


def build_template(checked: CheckedRules, dest: str | Path, *, rules_ref: str, overwrite: bool = False,
                   inputs: Inputs | None = None, specs: list[InputSpec] | None = None,
                   moved: Move | None = None) -> Path:
    """Write the template of ``checked`` to ``dest`` (.xlsx); with ``inputs``, fill it before it is moved into
    place (one atomic step). Refuses an existing ``dest`` unless ``overwrite``. ``moved``: the inputs come from
    another year's workbook (``kinerja pindah``): the sheet ``Pindahan`` records them (:mod:`.pindahan`).
    Returns ``dest``."""
    return build_template_summary(checked, dest, rules_ref=rules_ref, overwrite=overwrite, inputs=inputs,
                                  specs=specs, moved=moved).path


def build_template_summary(checked: CheckedRules, dest: str | Path, *, rules_ref: str, overwrite: bool = False,
                           inputs: Inputs | None = None, specs: list[InputSpec] | None = None,
                           folder: Path | None = None, moved: Move | None = None) -> Summary:
    """``folder``: where the workbook will live when ``dest`` is a temporary file (the rule set is recorded
    relative to it, :func:`layout.recorded_rules`); default ``dest``'s folder."""
    dest = Path(dest)
    recorded = layout.recorded_rules(rules_ref, folder if folder is not None else dest.parent)
    _check_destination(dest, overwrite)
    specs = specs if specs is not None else input_specs(checked)
    rs = checked.rules
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "kinerja " + __version__
    wb.properties.title = f"Templat {rs.title or rs.name}"
    plans = plan_sheets(checked, specs)
    validations = 0
    input_names: list[str] = []
    for plan in plans:
        n, names = _InputSheet(wb, rs, plan, inputs).build()
        validations += n
        input_names += names
    outputs = write_ringkasan(wb, checked)
    _check_names(dest, input_names + list(outputs))
    wb.active = 0
    _texts_stay_text(wb)
    with terminated_as_exit(), tempfile.TemporaryDirectory(prefix="kinerja-templat-") as tmp:
        work = Path(tmp) / dest.name
        wb.save(work)
        names = workbook_names(work)
        owned = {}
        carried = carried_sheet(specs, inputs, names, moved) if moved is not None and inputs is not None else None
        if carried is not None:  # right after Ringkasan: the operator's list of figures still from another year
            owned[layout.CARRIED_SHEET] = carried
        owned |= {layout.AUDIT_SHEET: _placeholder(layout.AUDIT_SHEET, AUDIT_NOTE),
                 layout.TEMUAN_SHEET: _placeholder(layout.TEMUAN_SHEET, TEMUAN_NOTE),
                  layout.FORMAT_SHEET: format_sheet(specs, names, Inputs())}
        write_back(work, owned_names=outputs, owned_sheets=owned,
                   meta={layout.META_RULES: recorded, layout.META_VERSION: rs.version,
                         **({layout.META_YEAR: str(year)} if (year := rules_year(checked)) is not None else {}),
                         layout.META_LAYOUT: layout.layout_key(checked),
                         layout.META_ENGINE: __version__})
        if inputs is not None:
            from .fill import fill_workbook

            fill_workbook(work, inputs, specs=specs)
        data = work.read_bytes()
    _check_destination(dest, overwrite)  # again: the file may have appeared meanwhile
    atomic_write(dest, lambda f: f.write(data))
    sheets = [p.title for p in plans] + [layout.SUMMARY_SHEET, *owned]
    return Summary(dest, sheets, input_names, list(outputs), validations)


def _texts_stay_text(wb: Workbook) -> None:
    """Every cell of a template is text or a number kinerja put there from the rules; none is a formula. openpyxl
    turns any string starting with ``=`` into a live formula (a rule title ``=HYPERLINK(…)`` would run in the
    operator's Excel), so such cells are stored back as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _placeholder(title: str, note: tuple[str, ...]) -> list[list[CellWrite | None]]:
    """A sheet Hitung fills (Audit, Temuan) as the template holds it: its name and what will be there — so that
    Ringkasan's link to it leads somewhere before the first Hitung."""
    return [[CellWrite(title, style="header")]] + [[CellWrite(line)] for line in note]


def _check_destination(dest: Path, overwrite: bool) -> None:
    if dest.suffix.lower() != ".xlsx":
        raise WorkbookError(WRONG_EXTENSION, str(dest), "templat kinerja selalu berupa buku kerja .xlsx.",
                            "a kinerja template is always an .xlsx workbook.",
                            "Gunakan nama berkas berakhiran .xlsx.", "Use a file name ending in .xlsx.")
    refuse_existing(dest, overwrite)


def _check_names(dest: Path, names: list[str]) -> None:
    """Every name must be a legal Excel name and unique (Excel compares names case-insensitively)."""
    seen: dict[str, str] = {}
    for name in names:
        if not _NAME_OK.fullmatch(name) or _CELLISH.fullmatch(name) or len(name) > 255:
            raise WorkbookError(BAD_TARGET, f"{dest}: {name}", f"{name!r} tidak dapat menjadi nama di Excel "
                                "(berbentuk alamat sel atau memuat karakter yang tidak sah).",
                                f"{name!r} cannot be an Excel name (looks like a cell address or has illegal "
                                "characters).", "Ganti nama masukan itu di aturan, mis. tambahkan awalan.")
        if name.casefold() in seen:
            other = seen[name.casefold()]
            raise WorkbookError(BAD_TARGET, f"{dest}: {name}",
                                f"nama {name} dipakai dua kali di buku kerja (juga {other}).",
                                f"the name {name} would be defined twice (also {other}).",
                                "Ganti salah satu nama di aturan: nama Excel tidak membedakan huruf besar/kecil.")
        seen[name.casefold()] = name


# --- which inputs go on which sheet --------------------------------------------------------------------------


def plan_sheets(checked: CheckedRules, specs: list[InputSpec]) -> list[_SheetPlan]:
    """Input sheets in rule order: one per eselon (with its tables), wide tables on their own sheet right after
    it, then "Masukan lain" (ungrouped single inputs) and "Anggaran" (ungrouped tables)."""
    rs = checked.rules
    taken: set[str] = set(_RESERVED)
    groups = list(rs.eselons) + [g for g in dict.fromkeys(s.group for s in specs) if g and g not in rs.eselons]
    plans: list[_SheetPlan] = []
    for g in groups:
        mine = [s for s in specs if s.group == g]
        if not mine:
            continue
        e = rs.eselons.get(g)
        name = e.name if e else g
        heading = f"{e.name} — {e.division}" if e and e.division else name
        plan = _SheetPlan(sheet_title(name, taken), heading)
        plans.append(plan)
        for s in mine:
            if not s.is_table:
                plan.singles.append(s)
            elif len(s.columns or ()) <= MAX_BLOCK_COLUMNS:
                plan.tables.append(s)
            else:
                plans.append(_SheetPlan(sheet_title(s.name, taken), f"{heading} — tabel {s.label or s.name}",
                                        tables=[s], table_rows=BUDGET_TABLE_ROWS))
    loose_singles = [s for s in specs if not s.group and not s.is_table]
    loose_tables = [s for s in specs if not s.group and s.is_table]
    if loose_singles:
        plans.append(_SheetPlan(sheet_title(OTHER_SHEET, taken), "Masukan di luar blok eselon",
                                singles=loose_singles))
    if loose_tables:
        plans.append(_SheetPlan(sheet_title(BUDGET_SHEET, taken), "Tabel anggaran dan tabel di luar blok eselon",
                                tables=loose_tables, table_rows=BUDGET_TABLE_ROWS))
    return plans


def sheet_title(name: str, taken: set[str]) -> str:
    """A legal, unique (case-insensitive) sheet name ≤ 31 characters from an eselon or table name:
    "Direktorat Jenderal Pemasyarakatan" → "Ditjen Pemasyarakatan". Adds the result to ``taken``."""
    text = " ".join(name.split())
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    for long, short in _ABBREVIATIONS_LONG:
        if len(text) > 31:
            text = text.replace(long, short)
    text = re.sub(r"[\[\]:*?/\\]", "-", text).strip("'") or "Masukan"
    if len(text) > 31:  # cut at the last word boundary within 30 characters, then "…"
        cut = text[:30] if text[30] == " " or " " not in text[:30] else text[:30].rsplit(" ", 1)[0]
        text = cut.rstrip(" -—") + "…"
    base, n = text, 2
    while text.casefold() in taken:
        suffix = f" ({n})"
        text = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(text.casefold())
    return text


# --- single inputs grouped under what uses them ---------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def single_groups(rs, singles: list[InputSpec]) -> list[InputSpec | tuple[str, int]]:
    """The single inputs of a sheet in the order of the rules that use them, with sub-headings ``(text, level)``:
    sasaran (1) → indikator with its target and formula in words (2) → for a composite index: sub-index (3) →
    dimension with its weight (4) → constituent indicator with its formula (5). So "Total responden" appears
    under the indicator it belongs to, not six times in a flat list. Inputs no indicator uses come last."""
    by_name = {s.name: s for s in singles}
    placed: set[str] = set()
    out: list[InputSpec | tuple[str, int]] = []
    shown: dict[int, str] = {}

    def words(text: str) -> str:
        text = " ".join(text.split())
        ratio = text.startswith("rasio ")
        text = text[len("rasio "):] if ratio else text
        text = _WORD.sub(lambda m: f"«{by_name[m.group(0)].label or m.group(0)}»" if m.group(0) in by_name
                         else m.group(0), text)
        return text + (" × 100%" if ratio else "")

    def refs(text: str) -> list[str]:
        found = [w for w in _WORD.findall(text) if w in by_name and w not in placed]
        return list(dict.fromkeys(found))

    def emit(headings: list[tuple[str, int]], names: list[str]) -> None:
        if not names:
            return
        for text, level in headings:
            if shown.get(level) != text:
                out.append((text, level))
                shown[level] = text
                for deeper in [k for k in shown if k > level]:
                    del shown[deeper]
        for n in names:
            placed.add(n)
            out.append(by_name[n])

    def index(idx, heads: list[tuple[str, int]], level: int) -> None:
        for comp in idx.components:
            text = comp.formula.span.text if comp.formula is not None else ""
            emit(heads + [(f"{comp.name}: {words(text)}", level)], refs(text))
        for dim in idx.dimensions:
            weight = f" (bobot {dim.weight.span.text})" if dim.weight is not None else ""
            dim_head = heads + [(f"Dimensi {dim.name}{weight}", level)]
            for comp in dim.components:
                text = comp.formula.span.text if comp.formula is not None else ""
                cw = f" (bobot {comp.weight.span.text})" if comp.weight is not None else ""
                emit(dim_head + [(f"{comp.name}{cw}: {words(text)}", level + 1)], refs(text))
        for child in idx.children:
            index(child, heads + [(_titled("Sub-indeks", child.name), level)], level + 1)

    for sas in rs.sasaran.values():
        for ind_id in sas.indicators:
            ind = rs.indicators.get(ind_id)
            if ind is None or ind.formula is None:
                continue
            text = ind.formula.span.text
            target = rs.targets.get(ind_id)
            tgt = f"target {target.expr.span.text.replace('.', ',')} {ind.unit}; " if target is not None else ""
            heads = [(f"Sasaran: {sas.name}", 1), (f"Indikator: {ind.name} — {tgt}realisasi = {words(text)}", 2)]
            emit(heads, refs(text))
            for w in _WORD.findall(text):
                if w in rs.indices:
                    index(rs.indices[w], heads + [(_titled("Indeks", rs.indices[w].name), 3)], 4)
    rest = [s.name for s in singles if s.name not in placed]
    if rest and len(rest) < len(singles):
        emit([("Masukan lain (dipakai nilai turunan atau pemeriksaan data)", 1)], rest)
    elif rest:
        out.extend(by_name[n] for n in rest)
    return out


def _titled(word: str, name: str) -> str:
    return name if name.casefold().startswith(word.split("-")[-1].casefold()) else f"{word} {name}"


# --- one input sheet -----------------------------------------------------------------------------------------


class _InputSheet:
    def __init__(self, wb: Workbook, rs, plan: _SheetPlan, filled: Inputs | None = None):
        self.wb, self.rs, self.plan, self.filled = wb, rs, plan, filled
        self.ws: Worksheet = wb.create_sheet(plan.title)
        self.validations = S.Validations()
        self.names: list[str] = []
        self.widths = dict(enumerate(WIDTHS, start=1)) if plan.singles else {NO: 6}

    def build(self) -> tuple[int, list[str]]:
        ws, plan, rs = self.ws, self.plan, self.rs
        lines = [(rs.title or rs.name, S.TITLE_FONT)]
        if rs.unit:
            lines.append((rs.unit, S.SUBTITLE_FONT))
        lines.append((f"Lembar masukan: {plan.heading}", S.SUBTITLE_FONT))
        lines.append(("Isi sel kuning saja (tanda * = wajib diisi). Ketik angka tanpa satuan dan tanpa titik "
                      "ribuan; kosongkan bila data belum ada. Kolom \"Nama masukan\" dan baris nama kolom tabel "
                      "dibaca kinerja: jangan diubah.", S.NOTE_FONT))
        row = S.title_block(ws, lines, len(HEADINGS))
        header = row if plan.singles else None
        if plan.singles:
            row = self.singles(row)
        for spec in plan.tables:
            row = self.table(spec, row + 1)
        last = row - 1
        for c, w in sorted(self.widths.items()):
            ws.column_dimensions[col_letters(c)].width = w
        last_col = col_letters(max(self.widths))
        freeze = header + 1 if header else len(lines) + 1
        S.fit_rows(ws)
        ws.freeze_panes = f"A{freeze}"
        titles = f"{header}:{header}" if header else f"1:{len(lines)}"
        S.print_setup(ws, last_col=last_col, last_row=last, header_rows=titles, landscape=True)
        # labels, names and headings cannot be overwritten by accident; input cells are unlocked; no password
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, formatCells=False)
        return self.validations.attach(ws), self.names

    def define(self, name: str, ref: Ref) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref.formula())
        self.names.append(name)

    def heading(self, row: int, text: str, level: int) -> int:
        """A sub-heading row across Uraian…Keterangan (sasaran, indicator with target and formula, sub-index,
        dimension, constituent indicator), locked like every label."""
        ws = self.ws
        S.body_cell(ws, row, NO, None, fill=S.GROUP_FILL if level == 1 else S.SASARAN_FILL)
        S.body_cell(ws, row, URAIAN, text, font=S.HEADING_FONTS[min(level, len(S.HEADING_FONTS)) - 1],
                           fill=S.GROUP_FILL if level == 1 else S.SASARAN_FILL,
                           align=Alignment(wrap_text=True, vertical="top", indent=max(level - 1, 0)))
        S.merge(ws, row, URAIAN, row, KET)
        width = sum(WIDTHS[URAIAN - 1:KET]) * 1.1 - 2 * level
        lines = max(1, -(-len(text) // int(width)))
        ws.row_dimensions[row].height = round(lines * 11 * 1.3 + 3, 1)
        return row + 1

    def singles(self, row: int) -> int:
        ws = self.ws
        for c, text in enumerate(HEADINGS, start=1):
            S.header_cell(ws, row, c, text)
        row += 1
        n = 0
        for item in single_groups(self.rs, self.plan.singles):
            if isinstance(item, tuple):
                row = self.heading(row, *item)
                continue
            spec = item
            n += 1
            S.body_cell(ws, row, NO, n, align=S.CENTER_TOP)
            S.body_cell(ws, row, URAIAN, single_label(spec))
            S.input_cell(ws, row, NILAI, spec.kind, spec.required)
            S.body_cell(ws, row, JENIS, S.KIND_CAPTION.get(spec.kind, spec.kind))
            S.body_cell(ws, row, NAMA, spec.name, font=S.NAME_FONT)
            hint = S.KIND_HINT.get(spec.kind, "")
            S.body_cell(ws, row, KET, ("wajib; " if spec.required else "boleh kosong; ") + hint,
                        font=S.REQUIRED_FONT if spec.required else S.OPTIONAL_FONT)
            self.define(spec.name, Ref(ws.title, row, NILAI, row, NILAI))
            self.validations.add(spec.kind, f"{col_letters(NILAI)}{row}", maximum=spec.maximum)
            row += 1
        return row

    def visible_rows(self, spec: InputSpec) -> int:
        """Data rows shown (the others hidden, still inside the table's range): :data:`VISIBLE_ROWS` in an empty
        template, the filled rows (at least one) in a filled one — never a printed page of empty rows only."""
        if self.filled is None:
            return min(VISIBLE_ROWS, self.plan.table_rows)
        return min(max(len(self.filled.tables.get(spec.name) or ()), 1), self.plan.table_rows)

    def table(self, spec: InputSpec, row: int) -> int:
        """Title, a caption row (labels), the column-name row (first row of the defined name) and the empty
        data rows. The caption row sits above the name so that the reader sees column names first."""
        ws, cols, n_rows = self.ws, spec.columns or (), self.plan.table_rows
        shown = self.visible_rows(spec)
        first, last = URAIAN, URAIAN + len(cols) - 1
        ws.cell(row, first, table_title(spec)).font = S.SUBTITLE_FONT
        # one unwrapped line that must fit the printed width (the hidden rows are told here, in words that stay
        # true when Hitung shows the hidden rows that hold data: no row numbers)
        more = " (baris kosong tersembunyi: klik + di kiri)" if shown < n_rows else ""
        by_name = {c.name: c for c in cols}
        per = " + ".join(column_words(by_name[k]) if k in by_name else k for k in spec.key) or "data"
        ws.cell(row + 1, first, f"Tabel {spec.name}: satu baris per {per}, baris kosong dilewati, kolom * wajib. "
                f"{n_rows} baris{more}.").font = S.NOTE_FONT
        captions, names, data = row + 2, row + layout.TABLE_TITLE_ABOVE, row + layout.TABLE_TITLE_ABOVE + 1
        S.header_cell(ws, captions, NO, "No")
        S.body_cell(ws, names, NO, None, fill=S.HEADER_FILL)
        for j, col in enumerate(cols):
            c = first + j
            S.header_cell(ws, captions, c, (col.label or col.name) + (" *" if col.required else ""))
            S.body_cell(ws, names, c, col.name, font=S.NAME_FONT, fill=S.HEADER_FILL)
            for r in range(data, data + n_rows):
                S.input_cell(ws, r, c, col.kind, col.required)
            self.validations.add(col.kind, f"{col_letters(c)}{data}:{col_letters(c)}{data + n_rows - 1}",
                                 maximum=col.maximum, choices=col.choices)
            if not self.plan.singles:
                self.widths[c] = max(self.widths.get(c, 0), TABLE_WIDTH.get(col.kind, 16))
        for i in range(n_rows):
            S.body_cell(ws, data + i, NO, i + 1, font=S.NAME_FONT, align=S.CENTER_TOP)
            if i >= shown:  # hidden and grouped: not printed, shown again with the outline's "+"
                dim = ws.row_dimensions[data + i]
                dim.hidden, dim.outlineLevel = True, 1
        self.define(spec.name, Ref(ws.title, names, first, data + n_rows - 1, last))
        return data + n_rows


__all__ = ["Summary", "build_template", "build_template_summary", "plan_sheets", "sheet_title"]
