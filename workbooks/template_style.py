"""Looks and rules shared by the sheets of a kinerja template (openpyxl): one place for fills, fonts, number
formats, data validation per input kind and print setup, so that every sheet reads as one government form.

Why per kind: the workbook reader (reader.py) refuses the same things the validation here prevents — a
fraction in a ``cacah`` cell, a negative ``rupiah`` — so Excel stops the operator at typing time instead of
kinerja reporting it later. Number formats are Excel's built-in ``#,##0`` / ``#,##0.00``, which an
Indonesian-locale Excel shows with dot thousands and comma decimals (``26.943``, ``93,88``).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.batasan import batas

# --- captions ------------------------------------------------------------------------------------------------

KIND_CAPTION = {  # input kind → what the Jenis/satuan column says
    "cacah": "bilangan cacah",
    "rupiah": "rupiah",
    "persen": "persen",
    "indeks": "indeks",
    "angka": "angka",
    "tahun": "tahun",
    "teks": "teks",
}

KIND_HINT = {  # input kind → the rule in the Keterangan column
    "cacah": "bilangan bulat ≥ 0",
    "rupiah": "jumlah rupiah ≥ 0, tanpa titik ribuan",
    "persen": "angka persen 0–100 (100 = 100%), tanpa tanda %",
    "indeks": "angka indeks dalam skalanya, mis. 3,25",
    "angka": "angka",
    "tahun": "tahun 4 digit tanpa titik, mis. 2024",
    "teks": "teks bebas",
}

NUMBER_FORMAT = {"cacah": "#,##0", "rupiah": "#,##0", "persen": "#,##0.00", "indeks": "#,##0.00",
                 "angka": "#,##0.00", "tahun": "0", "teks": "@"}  # a year has no separators: 2024, not 2.024,00
OUTPUT_FORMAT = "#,##0.00"

# --- fills, fonts, borders -----------------------------------------------------------------------------------

_THIN = Side(style="thin", color="FFBFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")  # light blue: column headings
GROUP_FILL = PatternFill("solid", fgColor="FFEDEDED")  # light grey: eselon / section rows
SASARAN_FILL = PatternFill("solid", fgColor="FFF2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFFF2CC")  # light yellow: required input cells
OPTIONAL_FILL = PatternFill("solid", fgColor="FFFFFBEA")  # paler yellow: optional input cells
OUTPUT_FILL = PatternFill("solid", fgColor="FFE2EFDA")  # light green: filled by kinerja

FONT_NAME = "Calibri"  # every font is named: an unnamed font falls back to a serif face in LibreOffice
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
SUBTITLE_FONT = Font(name=FONT_NAME, bold=True, size=11)
NOTE_FONT = Font(name=FONT_NAME, italic=True, size=9, color="FF595959")
HEADER_FONT = Font(name=FONT_NAME, bold=True)
BOLD = Font(name=FONT_NAME, bold=True)
NAME_FONT = Font(name=FONT_NAME, size=8, color="FF808080")  # technical names: small grey
REQUIRED_FONT = Font(name=FONT_NAME, color="FFC00000")
OPTIONAL_FONT = Font(name=FONT_NAME, color="FF808080")
PLAIN_FONT = Font(name=FONT_NAME)
HEADING_FONTS = (Font(name=FONT_NAME, bold=True, size=11), Font(name=FONT_NAME, bold=True),  # sasaran, indikator
                 Font(name=FONT_NAME, bold=True, italic=True), Font(name=FONT_NAME, italic=True),
                 Font(name=FONT_NAME, italic=True, color="FF404040"))

WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
CENTER_TOP = Alignment(horizontal="center", vertical="top")
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)


def _styled(cell, key: tuple, setup: Callable[[Any], None], keep: tuple = ()) -> None:
    """``setup(cell)`` — assignments of font, fill, border, alignment, protection, number format — or, when a
    cell of the same workbook with the same style as this one got the same ``key``\'s setup before, the style
    that cell ended with (openpyxl hashes every style object on every assignment: most of a template's build
    time). ``keep``: the style objects ``key`` names by ``id``, kept alive with the entry so no id is reused."""
    memo = cell.parent.parent.__dict__.setdefault("_kinerja_styles", {})
    k = (key, None if cell._style is None else tuple(cell._style))
    hit = memo.get(k)
    if hit is None:
        setup(cell)
        memo[k] = (copy(cell._style), keep)
    else:
        cell._style = copy(hit[0])


def merge(ws: Worksheet, row1: int, col1: int, row2: int, col2: int) -> None:
    """``ws.merge_cells(...)`` — or, when a range of the same shape whose first (and last) cell had the same style
    was merged in this workbook before, the styles openpyxl gave its cells then. openpyxl copies the first cell's
    borders onto the edges and its protection onto every cell of a merged range by assigning style objects one
    cell at a time, hashing each (without this, most of a template's build time). What it does depends only on
    those two cells' styles: the other cells of the range are replaced by new merged cells."""
    memo = ws.parent.__dict__.setdefault("_kinerja_merges", {})
    start, end = ws._cells.get((row1, col1)), ws._cells.get((row2, col2))
    key = (None if start is None else tuple(start._style), None if end is None else tuple(end._style),
           row2 - row1, col2 - col1)
    hit = memo.get(key)
    if hit is None:
        ws.merge_cells(start_row=row1, start_column=col1, end_row=row2, end_column=col2)
        first = ws._cells[(row1, col1)]
        memo[key] = (copy(first._style), {(r - row1, c - col1): copy(ws._cells[(r, c)]._style)
                                          for r in range(row1, row2 + 1) for c in range(col1, col2 + 1)
                                          if (r, c) != (row1, col1)})
        return
    first_style, others = hit
    first = start if start is not None else ws.cell(row1, col1)
    first._style = copy(first_style)
    mcr = MergedCellRange.__new__(MergedCellRange)  # as MergedCellRange(ws, coord), without re-deriving borders
    CellRange.__init__(mcr, min_col=col1, min_row=row1, max_col=col2, max_row=row2)
    mcr.ws, mcr.start_cell = ws, first
    ws.merged_cells.add(mcr)
    for (dr, dc), style in others.items():
        cell = MergedCell(ws, row=row1 + dr, column=col1 + dc)
        cell._style = copy(style)
        ws._cells[(row1 + dr, col1 + dc)] = cell


def _header(cell) -> None:
    cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER


def header_cell(ws: Worksheet, row: int, col: int, text: str) -> None:
    _styled(ws.cell(row, col, text), ("header",), _header)


def body_cell(ws: Worksheet, row: int, col: int, value=None, *, font: Font | None = None,
              align: Alignment = WRAP, fill: PatternFill | None = None):
    cell = ws.cell(row, col, value)

    def setup(cell) -> None:
        cell.border, cell.alignment = BORDER, align
        cell.font = font if font is not None else PLAIN_FONT
        if fill is not None:
            cell.fill = fill

    _styled(cell, ("body", id(font), id(align), id(fill)), setup, (font, align, fill))
    return cell


def input_cell(ws: Worksheet, row: int, col: int, kind: str, required: bool):
    """An empty cell the operator types into: yellow, unlocked, formatted for its kind."""

    def setup(cell) -> None:
        cell.font = PLAIN_FONT
        cell.fill = INPUT_FILL if required else OPTIONAL_FILL
        cell.border, cell.protection = BORDER, UNLOCKED
        cell.number_format = NUMBER_FORMAT.get(kind, "General")
        cell.alignment = Alignment(vertical="top")

    cell = ws.cell(row, col)
    _styled(cell, ("input", kind, required), setup)
    return cell


def output_cell(ws: Worksheet, row: int, col: int, *, text: bool = False, wrap: bool = False,
                shrink: bool = False):
    """An empty cell kinerja fills on Hitung: green, locked. ``shrink``: a text whose length is only known at
    Hitung (a derivation) is shrunk to the cell — row heights are set now, so wrapped text would print over
    the next row."""

    def setup(cell) -> None:
        cell.fill, cell.border, cell.protection = OUTPUT_FILL, BORDER, LOCKED
        cell.number_format = "@" if text else OUTPUT_FORMAT
        cell.alignment = (Alignment(vertical="top", shrink_to_fit=True) if shrink else WRAP if wrap
                          else Alignment(vertical="top"))

    cell = ws.cell(row, col)
    _styled(cell, ("output", text, wrap, shrink), setup)
    return cell


def title_block(ws: Worksheet, lines: list[tuple[str, Font]], width: int) -> int:
    """Title lines merged across ``width`` columns from A1; returns the first free row (after one blank)."""
    for i, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(i, 1, text)
        cell.font = font
        cell.alignment = Alignment(vertical="center", wrap_text=False)
        if width > 1:
            merge(ws, i, 1, i, width)
    return len(lines) + 2


# --- data validation -----------------------------------------------------------------------------------------

_BIG = "1000000000000000"  # 10^15: "any number" for kinds without a range


def validation_for(kind: str, maximum: Decimal | None = None) -> DataValidation | None:
    """One DataValidation per kind and bounds (cells are added to it); None for ``teks``. The bounds are the
    engine's (:func:`kinerja.engine.batasan.batas`): what Excel refuses at typing time is what kinerja reports
    when it reads the file. Titles ≤ 32 characters and messages ≤ 225 (Excel's limits)."""
    common = dict(allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop")
    b = batas(kind, maximum)
    if kind == "cacah":
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              promptTitle="Bilangan cacah", prompt="Isi bilangan bulat ≥ 0 tanpa desimal, mis. 55. "
                              "Kosongkan bila datanya belum ada.",
                              errorTitle="Bukan bilangan cacah",
                              error="Sel ini hanya menerima bilangan bulat 0 atau lebih, tanpa desimal dan tanpa "
                                    "teks.", **common)
    if kind == "tahun":
        return DataValidation(type="whole", operator="between", formula1=_num(b.minimum), formula2=_num(b.maximum),
                              promptTitle="Tahun", prompt=f"Isi tahun 4 digit ({b.words()}) tanpa titik, mis. 2024.",
                              errorTitle="Bukan tahun",
                              error=f"Sel ini hanya menerima tahun {b.words()}: bilangan bulat 4 digit, tanpa "
                                    "desimal dan tanpa teks.", **common)
    if kind == "rupiah":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              promptTitle="Jumlah rupiah", prompt="Isi jumlah rupiah ≥ 0 sebagai angka "
                              "(tanpa 'Rp' dan tanpa titik ribuan), mis. 8219700000.",
                              errorTitle="Bukan jumlah rupiah",
                              error="Sel ini hanya menerima angka rupiah 0 atau lebih, tanpa teks.", **common)
    if kind in ("persen", "indeks", "angka"):
        words = b.words()
        what = {"persen": ("Angka persen", f"Isi angka persen {words}: 100 berarti 100%, mis. 93,88. Jangan "
                           "mengetik tanda %."),
                "indeks": ("Angka indeks", f"Isi nilai indeks {words} sebagai angka, mis. 3,25."),
                "angka": ("Angka", "Isi dengan angka, mis. 55.")}[kind]
        low = _num(b.minimum) if b.minimum is not None else "-" + _BIG
        high = _num(b.maximum) if b.maximum is not None else _BIG
        error = (f"Sel ini hanya menerima angka {words}, bukan teks." if words else
                 "Sel ini hanya menerima angka, bukan teks.")
        return DataValidation(type="decimal", operator="between", formula1=low, formula2=high,
                              promptTitle=what[0], prompt=what[1], errorTitle="Di luar batas" if words else
                              "Bukan angka", error=error, **common)
    return None


def choice_validation(choices: tuple[str, ...]) -> DataValidation | None:
    """A dropdown of the allowed values (None when the list is longer than Excel's 255 characters: the engine
    still checks the value, B215)."""
    text = ",".join(choices)
    if len(text) > 255 or any("," in c or '"' in c for c in choices):
        return None
    return DataValidation(type="list", formula1=f'"{text}"', allow_blank=True, showDropDown=False,
                          showInputMessage=True, showErrorMessage=True, errorStyle="stop",
                          promptTitle="Pilih dari daftar", prompt="Pilih salah satu nilai dari daftar; huruf "
                          "besar/kecil harus sama.", errorTitle="Bukan pilihan",
                          error="Nilai ini tidak dikenal aturan. Pilih salah satu nilai dari daftar.")


def _num(d: Decimal) -> str:
    return format(d, "f")


class Validations:
    """Collects input cells per kind (and bounds or list of choices) for one sheet and attaches one
    DataValidation per group at the end, so a sheet carries a handful of rules instead of one per cell."""

    def __init__(self) -> None:
        self.ranges: dict[tuple[str, Decimal | None, tuple[str, ...] | None], list[str]] = {}

    def add(self, kind: str, ref: str, *, maximum: Decimal | None = None,
            choices: tuple[str, ...] | None = None) -> None:
        self.ranges.setdefault((kind, maximum, choices), []).append(ref)

    def attach(self, ws: Worksheet) -> int:
        n = 0
        for kind, maximum, choices in sorted(self.ranges, key=lambda k: (k[0], str(k[1]), k[2] or ())):
            dv = choice_validation(choices) if choices else validation_for(kind, maximum)
            if dv is None:
                continue
            for ref in self.ranges[(kind, maximum, choices)]:
                dv.add(ref)
            ws.add_data_validation(dv)
            n += 1
        return n


# --- print setup ---------------------------------------------------------------------------------------------


def print_setup(ws: Worksheet, *, last_col: str, last_row: int, header_rows: str | None, landscape: bool,
                fit_width: bool = True, header_cols: str | None = None) -> None:
    """A4, fit to one page wide (any number of pages tall), repeated header rows, print area = used part.
    ``fit_width=False`` (a table too wide to be read on one page): printed at full size over several pages
    across, with ``header_cols`` (e.g. ``"A:A"``) repeated on each of them."""
    ws.print_area = f"A1:{last_col}{max(last_row, 1)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_cols:
        ws.print_title_cols = header_cols
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddFooter.center.text = "&A — halaman &P dari &N"


# --- row heights ---------------------------------------------------------------------------------------------


def fit_rows(ws: Worksheet, first_row: int = 1) -> None:
    """Set row heights from the wrapped text in each row. Neither openpyxl nor LibreOffice (on load) fits
    heights, so long labels would print on top of each other. An estimate (about 1.05 characters per unit of
    column width, fewer for bold) is enough for a readable form; Excel refits a row when it is edited."""
    widths = {k: (d.width or 8.43) for k, d in ws.column_dimensions.items()}
    merged = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
              for c in range(rng.min_col, rng.max_col + 1)}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        size = 11.0
        for cell in row:
            if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                continue
            size = max(size, float(cell.font.sz or 11) if cell.font else 11.0)
            if not (cell.alignment and cell.alignment.wrap_text):
                continue
            indent = (cell.alignment.indent or 0) * 2  # an indent level is about two characters
            # about 1.05 characters per unit of width: LibreOffice without Calibri prints the wider DejaVu Sans
            per_line = (widths.get(cell.column_letter, 8.43) - indent) * (0.9 if cell.font and cell.font.b else 1.05)
            sz = float(cell.font.sz or 11) if cell.font else 11.0
            per_line *= (11.0 / sz) * (0.85 if sz < 11 else 1.0)  # small fonts: not quite proportionally more
            n = sum(max(1, -(-len(part) // max(int(per_line), 1))) for part in cell.value.split("\n"))
            lines = max(lines, n)
        if lines > 1 or size > 11:
            ws.row_dimensions[row[0].row].height = round(lines * size * 1.3 + 2, 1)
