"""Read a rule set's inputs from the workbook-level defined names of an .xlsx/.xlsm.

Operators type numbers into named cells; kinerja never guesses positions. Every input is looked up by its
defined name (case-insensitive, as in Excel); a table input may also be an Excel table of the same name. Values
come from the cells' stored XML text, never via float — a number as the operator sees it, Excel's 15 significant
digits (``cellxml.excel_number``: ``94.359999999999999`` as saved is the 94,36 typed, ``26943`` stays 26943).

Nothing here raises for a wrong value: each one becomes an :class:`InputProblem` (code, ``Sheet!Cell``,
Indonesian and English message, and what to do), and reading goes on so that the operator sees all of them at
once. Only an unusable file raises :class:`~.errors.WorkbookError`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

from kinerja.engine.batasan import PERCENT_FORMAT, cell_label, check_inputs, text_value
from kinerja.engine.interface import CellKey, InputProblem, Inputs, InputSpec
from kinerja.engine.values import MAX_MAGNITUDE, in_range

from . import errors as E
from .cellxml import EXCEL_DIGITS, excel_number
from .formatsel import date_styles, percent_styles
from .layout import FORMAT_SHEET
from .ooxml import Cell, Package, SheetCells
from .refs import MAX_ROW, Ref, RefProblem, col_letters, quote_sheet

Value = Decimal | str | None
#: Excel's error values as a cell shows them. A text cell showing one ("#N/A" typed after an apostrophe, pasted as
#: text) looks exactly like the error, and a live book's values carry both as that text: both are the error value.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})
_NOT_NEGATIVE = frozenset({"cacah", "rupiah"})
_FIFTEEN = Context(prec=EXCEL_DIGITS)  # every number read has at most Excel's 15 significant digits

_EXPECTED = {  # kind → (Indonesian, English, example)
    "cacah": ("bilangan cacah (bulat, ≥ 0)", "a whole number ≥ 0", "55"),
    "rupiah": ("jumlah rupiah (angka ≥ 0)", "a rupiah amount ≥ 0", "8219700000"),
    "persen": ("angka persen", "a percentage", "93"),
    "indeks": ("angka indeks", "an index value", "3"),
    "angka": ("angka", "a number", "55"),
    "tahun": ("tahun (bilangan bulat 1900–9999)", "a year (whole number 1900–9999)", "2024"),
    "teks": ("teks", "text", ""),
}


def read_inputs(path: str | Path, specs: list[InputSpec]) -> Inputs:
    """Read every input in ``specs`` from the workbook at ``path``."""
    return read_inputs_from(Package(path), specs)


def read_inputs_from(pkg: Package, specs: list[InputSpec]) -> Inputs:
    reader = _Reader(pkg)
    for spec in specs:
        if spec.is_table:
            reader.table(spec)
        else:
            reader.single(spec)
    reader.inputs.origin = str(pkg.path)
    check_inputs(specs, reader.inputs)  # bounds, allowed values, internal ids (the same rules as data files)
    return reader.inputs


def workbook_names(path: str | Path) -> dict[str, str]:
    """Workbook-level defined names → where they point (``Input!C5``, ``Hasil!B2:D9``, or the stored text
    when it is not a plain reference). Lets a writer find a template's output cells."""
    return workbook_names_from(Package(path))


def workbook_names_from(pkg: Package) -> dict[str, str]:
    return pkg.name_places()


class _Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.file = pkg.path.name
        self.names = pkg.workbook_names()
        self.tables = pkg.tables()
        # live books have no styles.xml: xlwings hands over a date-formatted cell as a datetime (Cell kind "date"),
        # and the live view marks the cells its FormatIsian sheet shows as percentages, or cannot see (.formatlive)
        live = not isinstance(pkg, Package)
        self.percent = pkg.percent_styles if live else percent_styles(pkg)
        self.unknown = pkg.unknown_format_styles if live else frozenset()
        self.dates = frozenset() if live else date_styles(pkg)
        self.special = self.percent | self.dates | self.unknown  # formats a number is never read plainly in
        self.inputs = Inputs()

    # -- problems ---------------------------------------------------------------------------------------------

    def problem(self, code: str, name: str, loc: str, what: str, what_en: str, hint: str, hint_en: str = "",
                label: str | None = None, cell: CellKey | None = None, label_en: str | None = None) -> None:
        label = label or name
        self.inputs.problems.append(InputProblem(
            code=code, input=name, location=loc,
            message=f"{loc} ({label}): {what}. {hint}",
            message_en=f"{loc} ({label_en or label}): {what_en}." + (f" {hint_en}" if hint_en else ""),
            hint=hint, cell=cell,
        ))

    # -- locating ---------------------------------------------------------------------------------------------

    def locate(self, spec: InputSpec) -> Ref | None:
        """The range a name points to; records B201/B202/B203 and returns None when there is none."""
        dn = self.names.get(spec.name.casefold())
        if dn is None:
            table = self.tables.get(spec.name.casefold()) if spec.is_table else None
            if table is not None:
                return table.ref
            scoped = [n.local_sheet for n in self.pkg.sheet_scoped_names() if n.name.casefold() == spec.name.casefold()]
            if scoped:
                hint = (f"Nama {spec.name} hanya berlaku di sheet {scoped[0]}; di Formulas › Name Manager buat "
                        "ulang dengan cakupan (Scope) Workbook.")
                hint_en = f"The name only applies to sheet {scoped[0]}; recreate it with scope Workbook."
            else:
                what = "sel isian" + (" atau tabel Excel" if spec.is_table else "")
                hint = (f"Buat nama {spec.name} (Formulas › Name Manager, cakupan Workbook) yang menunjuk ke "
                        f"{what}nya, atau gunakan templat kinerja terbaru.")
                hint_en = f"Define the name {spec.name} (scope Workbook) on its input cell, or use the latest template."
            self.problem(E.NAME_MISSING, spec.name, self.file, "nama tidak ditemukan di buku kerja",
                         "no such defined name in the workbook", hint, hint_en)
            return None
        try:
            ref = dn.ref()
        except RefProblem as p:
            if p.kind == "deleted":
                self.problem(E.NAME_DELETED_SHEET, spec.name, dn.text.replace("$", ""), p.reason, p.reason_en,
                             f"Sheet atau sel yang dirujuk nama {spec.name} sudah dihapus. "
                             "Di Formulas › Name Manager "
                             "arahkan nama itu lagi ke sel isiannya, atau gunakan templat kinerja terbaru.",
                             "Point the name at its input cell again in Name Manager.")
            else:
                self.problem(E.NAME_NOT_A_RANGE, spec.name, dn.text, f"nama {p.reason}", f"the name {p.reason_en}",
                             f"Di Formulas › Name Manager arahkan {spec.name} ke satu sel isian (mis. =Input!$C$5).",
                             "Make the name refer to one input cell.")
            return None
        sheet = self.pkg.sheet(ref.sheet)
        if sheet is None or not sheet.is_worksheet or not sheet.part:
            self.problem(E.NAME_NOT_A_RANGE, spec.name, ref.location, f"sheet {ref.sheet} tidak ada",
                         f"there is no worksheet {ref.sheet}",
                         f"Arahkan nama {spec.name} ke sel di sheet yang ada.", "Point the name at an existing sheet.")
            return None
        if sheet.name == ref.sheet:  # the usual case: the very Ref (parse_ref's, its location made once)
            return ref
        return Ref(sheet.name, ref.row1, ref.col1, ref.row2, ref.col2)

    # -- single values ----------------------------------------------------------------------------------------

    def single(self, spec: InputSpec) -> None:
        self.inputs.values[spec.name] = None
        ref = self.locate(spec)
        if ref is None:
            return
        self.inputs.sources[spec.name] = ref.location
        cells = self.pkg.cells(ref.sheet)
        if not ref.is_single:
            first = Ref(ref.sheet, ref.row1, ref.col1, ref.row1, ref.col1).location
            merged = any((m.row1, m.col1, m.row2, m.col2) == (ref.row1, ref.col1, ref.row2, ref.col2)
                         for m in cells.merged)
            what = "sel gabungan (merge)" if merged else "rentang beberapa sel"
            self.problem(E.NOT_ONE_CELL, spec.name, ref.location,
                         f"nama menunjuk ke {what} {ref.a1}, seharusnya satu sel",
                         f"the name points to the {'merged cell' if merged else 'range'} {ref.a1}, not one cell",
                         f"Di Formulas › Name Manager arahkan {spec.name} ke satu sel saja, mis. {first}.",
                         f"Make it refer to a single cell, e.g. {first}.")
            return
        merge = cells.merge_at(ref.row1, ref.col1)
        if merge is not None and (merge.row1, merge.col1) != (ref.row1, ref.col1):
            top = Ref(ref.sheet, merge.row1, merge.col1, merge.row1, merge.col1).location
            self.problem(E.NOT_ONE_CELL, spec.name, ref.location,
                         f"sel ini bagian dari sel gabungan {merge.a1}; isinya tersimpan di {top}",
                         f"the cell is inside the merged cell {merge.a1}; its value lives in {top}",
                         f"Arahkan nama {spec.name} ke {top}.", f"Point the name at {top}.")
            return
        self.inputs.values[spec.name] = self.convert(
            cells.get(ref.row1, ref.col1), spec.kind, spec.required, spec.name, ref.location)

    # -- tables -----------------------------------------------------------------------------------------------

    def table(self, spec: InputSpec) -> None:
        self.inputs.tables[spec.name] = []
        ref = self.locate(spec)
        if ref is None:
            return
        table = self.tables.get(spec.name.casefold()) if spec.name.casefold() not in self.names else None
        cells = self.pkg.cells(ref.sheet)
        last = min(ref.row2, max(cells.last_row(), ref.row1))
        shown = last if ref.row2 == MAX_ROW else ref.row2  # whole-column names: cite the used part
        self.inputs.sources[spec.name] = Ref(ref.sheet, ref.row1, ref.col1, shown, ref.col2).location
        if table is not None and table.header_rows == 0:
            headers = {ref.col1 + i: h for i, h in enumerate(table.columns)}
            header_row, first_data = None, ref.row1
        else:
            headers = {c: _header_text(cells.get(ref.row1, c)) for c in range(ref.col1, ref.col2 + 1)}
            header_row, first_data = ref.row1, ref.row1 + 1
        if table is not None:
            last = min(last, ref.row2 - table.totals_rows)
        header_loc = (Ref(ref.sheet, header_row, ref.col1, header_row, ref.col2).location
                      if header_row else ref.location)
        columns = self.match_columns(spec, headers, header_loc, lambda c: (
            Ref(ref.sheet, header_row, c, header_row, c).location if header_row else col_letters(c)))
        rows = self.inputs.tables[spec.name]
        sheet_ref = quote_sheet(ref.sheet)
        span = range(ref.col1, ref.col2 + 1)
        # (column, sheet column or None, kind, required, "Sheet!C" of its cells) per declared column, made once
        plan = [(col.name, columns.get(col.name), col.kind, col.required,
                 f"{sheet_ref}!{col_letters(columns[col.name])}" if col.name in columns else "")
                for col in spec.columns or ()]
        sources, quick, slow = self.inputs.sources, self.quick, self._convert
        labelled = [columns[c.name] for c in spec.columns or () if c.kind == "teks" and c.name in columns]
        blank = cells.blank_rows(range(first_data, last + 1), ref.col1, ref.col2)
        covered = _covered_by_merges(cells.merged, first_data, last, ref.col1, ref.col2)
        for r in range(first_data, last + 1):
            if r in blank:  # nothing in the table's columns: skipped unread
                continue
            got = dict(zip(span, cells.get_row(r, ref.col1, ref.col2)))  # each cell of the row read once
            if all(_is_empty(cell) for cell in got.values()):
                continue
            i = len(rows)
            row: dict[str, Value] = {}
            at = [got[c] if c in got else cells.get(r, c) for c in labelled]
            shown = " · ".join(t for t in (cell.text.strip() for cell in at if cell.kind == "text")
                               if t and t not in EXCEL_ERRORS)
            for name, c, kind, required, column_loc in plan:
                if c is None:
                    row[name] = None
                    continue
                loc = f"{column_loc}{r}"
                key = CellKey(spec.name, i, name)
                sources[key] = loc
                if covered and (r, c) in covered:  # shows the merged value, stores nothing: never read as empty
                    row[name] = None
                    self.inside_merge(spec, name, loc, key, (spec, i, name, shown), covered[(r, c)])
                    continue
                cell = got[c] if c in got else cells.get(r, c)
                value = quick(cell, kind)  # :meth:`convert`, its arguments made only for a cell it does not take
                row[name] = value if value is not None else slow(cell, kind, required, spec.name, loc, None, key,
                                                                  None, (spec, i, name, shown))
            rows.append(row)
        if table is None or not table.totals_rows:
            self.below(spec, ref, cells)
        if not rows and spec.required:
            self.problem(E.TABLE_EMPTY, spec.name, self.inputs.sources[spec.name],
                         "tabel wajib ini tidak berisi satu baris pun", "this required table has no rows",
                         "Isi baris-baris tabel di bawah baris judul kolom.", "Fill in the table rows.")

    def below(self, spec: InputSpec, ref: Ref, cells: SheetCells) -> None:
        """B223 for anything in the table's columns on the row just below its range. kinerja's sheets hide a
        table's empty rows, so that row is the first visible one under the filled rows: where an operator types
        the next month or satker — outside the range, never read. A row further down (after a blank one) is the
        operator's own (a total, a note)."""
        r = ref.row2 + 1
        if ref.row2 >= MAX_ROW or r in cells.blank_rows(range(r, r + 1), ref.col1, ref.col2):
            return
        got = [cell for cell in cells.get_row(r, ref.col1, ref.col2) if not _is_empty(cell)]
        if not got:
            return
        row = Ref(ref.sheet, r, ref.col1, r, ref.col2).location
        seen = " · ".join(_clip(cell.text.strip()) for cell in got[:4])
        table = Ref(ref.sheet, ref.row1, ref.col1, ref.row2, ref.col2).location
        self.problem(
            E.BELOW_TABLE, spec.name, row,
            f"baris tepat di bawah tabel {spec.name} ({table}) berisi data ({seen}), tetapi di luar rentang tabel: "
            "baris itu tidak dibaca",
            f"the row just below the table {spec.name} ({table}) holds data ({seen}), but lies outside the table's "
            "range: it is not read",
            "Pindahkan isinya ke baris kosong di dalam tabel (baris kosong yang tersembunyi ditampilkan dengan "
            f"tombol + di kiri), atau perluas rentang nama {spec.name} di Formulas › Name Manager. Bila itu baris "
            "jumlah atau catatan Anda sendiri, sisipkan satu baris kosong di atasnya.",
            "Move it into an empty row inside the table (hidden empty rows open with the + at the left), or widen "
            f"the name {spec.name} in Formulas › Name Manager. If it is your own total or note row, insert a blank "
            "row above it.")

    def inside_merge(self, spec: InputSpec, name: str, loc: str, key: CellKey, labels: tuple, merge: Ref) -> None:
        """B211 for a table cell inside a merged cell (not its top-left): Excel shows the merged value across it,
        the file stores nothing there — read as empty it would drop a value the operator sees (an optional
        ``responden`` silently) or call a visible value missing."""
        top = Ref(merge.sheet, merge.row1, merge.col1, merge.row1, merge.col1).location
        words, words_en = cell_label(*labels)
        self.problem(E.NOT_ONE_CELL, spec.name, loc,
                     f"sel ini bagian dari sel gabungan {merge.a1}: tampak berisi nilai {top}, tetapi tidak "
                     "menyimpan apa pun",
                     f"the cell is inside the merged cell {merge.a1}: it shows the value of {top} but stores "
                     "nothing",
                     "Pisahkan sel gabungan itu (Home › Merge & Center) lalu isi setiap baris dan kolom tabel "
                     "sendiri-sendiri.", "Unmerge the cells and fill each row and column of the table.",
                     words, key, words_en)

    def match_columns(self, spec: InputSpec, headers: dict[int, str], loc: str,
                      cell_of: Callable[[int], str]) -> dict[str, int]:
        """ColumnSpec name → sheet column, matching the header text to the column's name or label."""
        by_text: dict[str, list[int]] = {}
        for c, text in headers.items():
            by_text.setdefault(_norm(text), []).append(c)
        out = {}
        for col in spec.columns or ():
            found = sorted({*by_text.get(_norm(col.name), ()), *(by_text.get(_norm(col.label), ()) if col.label
                                                                  else ())})
            if len(found) > 1:  # which one the operator means cannot be seen: never the first one silently
                where = ", ".join(cell_of(c) for c in found)
                self.problem(E.COLUMN_TWICE, spec.name, loc,
                             f"kolom {col.name} ada {len(found)} kali di baris judul ({where})",
                             f"column {col.name} appears {len(found)} times in the header row ({where})",
                             f"Biarkan satu kolom berjudul {col.name!r} (atau {col.label!r}); ganti judul kolom "
                             "yang lain atau pindahkan ke luar tabel." if col.label else
                             f"Biarkan satu kolom berjudul {col.name!r}; ganti judul kolom yang lain.",
                             f"Keep one column headed {col.name!r}; rename the other or move it out of the table.",
                             label=spec.name)
                continue
            c = found[0] if found else None
            if c is not None:
                out[col.name] = c
            elif col.required:
                found = ", ".join(repr(h) for h in headers.values() if h.strip()) or "(kosong)"
                want = f"{col.name!r}" + (f" atau {col.label!r}" if col.label else "")
                self.problem(E.COLUMN_MISSING, spec.name, loc,
                             f"kolom {col.name} tidak ada di baris judul (ada: {found})",
                             f"column {col.name} is missing from the header row (found: {found})",
                             f"Tulis judul kolom {want} di baris pertama tabel.",
                             f"Add a header {col.name!r} to the table's first row.",
                             label=spec.name)
        return out

    # -- values -----------------------------------------------------------------------------------------------

    def convert(self, cell: Cell, kind: str, required: bool, name: str, loc: str, label: str | None = None,
                key: CellKey | None = None, label_en: str | None = None, labels: tuple | None = None) -> Value:
        """The cell's value for ``kind``, or None after recording a problem. ``labels``: the arguments of
        :func:`~kinerja.engine.batasan.cell_label` for a table cell, whose words are made only for a problem.
        The usual cell — a number in no percent, date or unknown format, for a number input, in range and of its
        kind — is taken at once; every other goes through :meth:`_convert`, whose checks it would pass (the same
        number: tests/workbooks/test_reader_convert.py compares both)."""
        number = self.quick(cell, kind)
        return number if number is not None else self._convert(cell, kind, required, name, loc, label, key,
                                                                label_en, labels)

    def quick(self, cell: Cell, kind: str) -> Decimal | None:
        """The usual cell's number (see :meth:`convert`), None for any other cell."""
        if cell.kind == "number" and kind != "teks" and (cell.style is None or cell.style not in self.special):
            try:
                number = excel_number(cell.text)
            except InvalidOperation:
                return None
            if in_range(number) and (kind not in _NOT_NEGATIVE or (
                    number >= 0 and (kind != "cacah" or number == number.to_integral_value()))):
                return number
        return None

    def _convert(self, cell: Cell, kind: str, required: bool, name: str, loc: str, label: str | None = None,
                 key: CellKey | None = None, label_en: str | None = None, labels: tuple | None = None) -> Value:
        """:meth:`convert`, every check in order."""
        exp, exp_en, example = _EXPECTED.get(kind, _EXPECTED["angka"])
        if kind == "teks":  # a column with allowed values suggests one of them; free text no example
            choices = _choices(labels[0], labels[2]) if labels is not None else None
            exp, exp_en, example = (("salah satu pilihan di daftar sel", "one of the cell's listed choices",
                                     choices[0]) if choices else (exp, exp_en, example))
        eg, eg_en = (f", mis. {example}", f", e.g. {example}") if example else ("", "")

        def bad(code: str, what: str, what_en: str, hint: str, hint_en: str = "") -> None:
            words, words_en = cell_label(*labels) if labels is not None else (label, label_en)
            self.problem(code, name, loc, what, what_en, hint, hint_en, words, key, words_en)

        if _is_empty(cell):
            if required:
                bad(E.REQUIRED_EMPTY, f"sel wajib ini kosong, seharusnya {exp}", f"this required cell is empty; "
                    f"expected {exp_en}", f"Isi dengan {exp}{eg}.", f"Enter a value{eg_en}.")
            return None
        if cell.kind == "uncached":
            bad(E.NO_CACHED_VALUE, f"berisi rumus ={cell.formula} yang nilainya belum tersimpan di berkas",
                f"holds the formula ={cell.formula} whose result was never saved in the file",
                "Buka dan simpan ulang di Excel agar nilainya tersimpan, lalu jalankan lagi.",
                "Open and save the workbook in Excel so the value is stored, then run again.")
            return None
        if cell.kind == "text" and cell.text.strip() in EXCEL_ERRORS:
            cell = Cell("error", cell.text.strip(), cell.formula, cell.style)
        if cell.kind == "error":
            bad(E.ERROR_VALUE, f"berisi nilai galat {cell.text}, seharusnya {exp}",
                f"holds the error value {cell.text}; expected {exp_en}",
                "Perbaiki rumus atau isian sel itu (mis. pembagian dengan nol atau rujukan yang terhapus).",
                "Fix the cell's formula or value.")
            return None
        if cell.kind == "boolean":
            shown = "TRUE" if cell.text in ("1", "true") else "FALSE"
            bad(E.WRONG_TYPE, f"berisi nilai logika {shown}, seharusnya {exp}",
                f"holds the logical value {shown}; expected {exp_en}", f"Isi dengan {exp}{eg}.")
            return None
        if cell.kind == "date" or (cell.kind == "number" and cell.style is not None and cell.style in self.dates):
            day = _plain_number(cell.text)
            stored, stored_en = ((f"nomor hari {day}", f"the day number {day}") if day != cell.text.strip() or
                                 _looks_numeric(day) else (f"tanggal {day}", f"the date {day}"))
            bad(E.DATE_FORMAT, f"berformat tanggal/waktu (tersimpan sebagai {stored}), seharusnya {exp}",
                f"is formatted as a date or time (stored as {stored_en}); expected {exp_en}",
                "Excel mengubah ketikan seperti 15/3, 1-2 atau 3:30 menjadi tanggal/jam. Ubah format sel menjadi "
                f"Number (Home › Number › General) lalu ketik ulang{eg}.",
                f"Excel turns entries such as 15/3, 1-2 or 3:30 into dates or times. Change the cell format to "
                f"General and enter the value again{eg_en}.")
            return None
        if kind == "teks":
            if cell.kind == "text":
                return text_value(cell.text)
            if labels is not None and _choices(labels[0], labels[2]):
                return _plain_number(cell.text)  # not one of the column's allowed values: B215 lists them
            try:
                whole = cell.number == cell.number.to_integral_value() and in_range(cell.number)
            except InvalidOperation:
                whole = False
            if whole:  # a code or year typed as a number (2024): its digits
                return _plain_number(cell.text)
            # a fraction or a huge number shows as the cell format and the locale make it (2,5 or 2.5; 85%;
            # 1,23457E+16): the text the operator sees is not known exactly, so it is asked for, never guessed
            bad(E.WRONG_TYPE, f"berisi angka {_plain_number(cell.text)}, seharusnya {exp}",
                f"holds the number {_plain_number(cell.text)}; expected {exp_en}",
                "Bila itu memang teks (mis. kode atau nama), ketik ulang dengan tanda petik di depan ('2024) "
                "agar terbaca persis seperti tampil.", "If it is text, type it again with a leading apostrophe.")
            return None
        if cell.kind == "text":
            if _looks_numeric(cell.text):
                bad(E.WRONG_TYPE, f"berisi angka yang tersimpan sebagai teks \"{cell.text.strip()}\", "
                    f"seharusnya {exp}", f"holds a number stored as text \"{cell.text.strip()}\"; expected {exp_en}",
                    "Ubah sel menjadi angka (pilih sel › ikon peringatan › Convert to Number), atau ketik ulang "
                    "angkanya tanpa tanda petik.", "Convert the cell to a number.")
            else:
                bad(E.WRONG_TYPE, f"berisi teks \"{_clip(cell.text)}\", seharusnya {exp}",
                    f"holds the text \"{_clip(cell.text)}\"; expected {exp_en}",
                    f"Isi dengan angka, mis. {example}.", f"Enter a number, e.g. {example}.")
            return None
        try:
            number = cell.number
        except InvalidOperation:
            bad(E.WRONG_TYPE, f"berisi nilai yang tidak terbaca \"{_clip(cell.text)}\", seharusnya {exp}",
                f"holds an unreadable value \"{_clip(cell.text)}\"; expected {exp_en}",
                f"Ketik ulang angkanya, mis. {example}.")
            return None
        shown = _shown_percent(number) if number and cell.style is not None and cell.style in self.unknown else None
        if shown is not None:
            bad(E.FORMAT_UNKNOWN, f"berisi {_id_number(number)}, dan kinerja belum dapat melihat format selnya "
                f"(tampil {_id_number(number)} atau {shown}%?)", f"holds {_plain_number(cell.text)} and kinerja "
                f"cannot see its cell format yet (shown as {_plain_number(cell.text)} or as a percentage?)",
                f"kinerja baru saja memasang pemeriksa format (sheet tersembunyi {FORMAT_SHEET}) untuk sel ini; "
                "klik Hitung sekali lagi. Jika pesan ini tetap muncul, setel Excel ke perhitungan otomatis "
                "(Formulas › Calculation Options › Automatic).",
                f"kinerja has just added a format check (hidden sheet {FORMAT_SHEET}) for this cell; click Hitung "
                "once more. If this message stays, set Excel to automatic calculation.")
            return None
        if not in_range(number) or (cell.style is not None and cell.style in self.percent
                                    and not in_range(number.scaleb(2))):
            limit = f"{MAX_MAGNITUDE:,.0f}".replace(",", ".")
            big = _big_number(number, cell.text)
            bad(E.OUT_OF_EXACT_RANGE, f"berisi {big}, di luar rentang yang dihitung tepat oleh kinerja "
                f"(besaran di bawah {limit}), seharusnya {exp}", f"holds {big}, outside the range "
                f"kinerja computes exactly (magnitude below {limit}); expected {exp_en}",
                f"Periksa angkanya (satuan, jumlah digit), mis. {example}.",
                f"Check the number (unit, number of digits), e.g. {example}.")
            return None
        if cell.style is not None and cell.style in self.percent:
            shown = _as_percent(number)
            if kind != "persen":  # Excel shows 0,85 as 85%; only a percentage input may be read that way
                bad(PERCENT_FORMAT, f"bersel format persen (tampil {_id_number(shown)}%, tersimpan "
                    f"{_id_number(number)}), seharusnya {exp}",
                    f"is formatted as a percentage (shows {_plain_number(str(shown))}%, stored "
                    f"{_plain_number(cell.text)}); expected {exp_en}",
                    f"Ubah format sel menjadi Number (Home › Number › General) lalu ketik {exp}, mis. {example}.",
                    f"Change the cell format to Number and enter {exp_en}, e.g. {example}.")
                return None
            number = shown  # the percentage the operator sees: 0,85 shown as 85% is 85
        if kind in ("cacah", "rupiah") and number < 0:
            code = E.NOT_A_COUNT if kind == "cacah" else E.NEGATIVE_RUPIAH
            bad(code, f"berisi bilangan negatif {_id_number(number)}, seharusnya {exp}",
                f"holds the negative number {_plain_number(cell.text)}; expected {exp_en}",
                f"Isi dengan {exp}, mis. {example}.", f"Enter a value ≥ 0, e.g. {example}.")
            return None
        if kind == "cacah" and number != number.to_integral_value():
            bad(E.NOT_A_COUNT, f"berisi bilangan pecahan {_id_number(number)}, seharusnya {exp}",
                f"holds the fraction {_plain_number(cell.text)}; expected {exp_en}",
                "Isi dengan jumlah utuh (tanpa desimal), mis. 55.", "Enter a whole count, e.g. 55.")
            return None
        return number


def _covered_by_merges(merged: tuple[Ref, ...], row1: int, row2: int, col1: int, col2: int
                       ) -> dict[tuple[int, int], Ref]:
    """(row, column) → merged range, for the cells of a table's data rows that a merged cell covers but that are
    not its top-left cell (usually none: one pass over the sheet's few merged ranges)."""
    out: dict[tuple[int, int], Ref] = {}
    for m in merged:
        if m.row2 < row1 or m.row1 > row2 or m.col2 < col1 or m.col1 > col2:
            continue
        for r in range(max(m.row1, row1), min(m.row2, row2) + 1):
            for c in range(max(m.col1, col1), min(m.col2, col2) + 1):
                if (r, c) != (m.row1, m.col1):
                    out[(r, c)] = m
    return out


def _choices(spec: InputSpec, column: str) -> tuple[str, ...] | None:
    return next((c.choices for c in spec.columns or () if c.name == column), None)


def _id_number(d: Decimal) -> str:
    return format(d, "f").replace(".", ",")


def _big_number(number: Decimal, text: str) -> str:
    """An out-of-range number quoted the same whoever saved it: a file's ``1E+308`` or ``1.23456789012345E+16``
    and a live book's ``1e+308`` or ``12345678901234500`` are the number Excel holds, in scientific notation
    (Excel's 15 significant digits, as :func:`~.cellxml.excel_number` reads them). NaN/∞ as stored."""
    if not number.is_finite():
        return _clip(text)
    return format(number.normalize(_FIFTEEN), "E")


def _shown_percent(number: Decimal) -> str | None:
    """How :func:`_as_percent` shows a number, None where it cannot (NaN, ∞, 10^26 and more: out of range, B218)."""
    try:
        return _id_number(_as_percent(number))
    except (InvalidOperation, TypeError):
        return None


def _as_percent(number: Decimal) -> Decimal:
    """0,85 → 85 exactly (a shift of the decimal point, not a float multiplication)."""
    d = number.scaleb(2)
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d


def _is_empty(cell: Cell) -> bool:
    return cell.kind == "empty" or (cell.kind == "text" and not cell.text.strip())


def _header_text(cell: Cell) -> str:
    if cell.kind == "number":
        return _plain_number(cell.text)
    return cell.text if cell.kind in ("text", "boolean", "error") else ""


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _plain_number(text: str) -> str:
    try:
        d = excel_number(text)
    except InvalidOperation:
        return text
    return format(d, "f")


def _looks_numeric(text: str) -> bool:
    t = text.strip().replace(" ", "")
    for candidate in (t, t.replace(".", "").replace(",", "."), t.replace(",", "")):
        try:
            if Decimal(candidate).is_finite():
                return True
        except InvalidOperation:
            continue
    return False


def _clip(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["read_inputs", "read_inputs_from", "workbook_names"]
