"""Write results back into an operator's workbook without losing anything else in it.

kinerja owns exactly: the cells named in ``cells`` (output cells of a template), the sheets in
``owned_sheets`` (e.g. "Hasil", "Audit" — recreated on every run), the workbook-level names in ``owned_names``,
its ``kinerja.*`` custom document properties (docProps/custom.xml: ``meta`` and the record of what it owns),
``<calcPr fullCalcOnLoad="1"/>``, the cell formats it appends to styles.xml, and the removal of
xl/calcChain.xml (a cache Excel rebuilds). Every other zip member is copied byte for byte.

Why custom document properties for ``meta``: they travel with the file, survive Excel and LibreOffice saves,
are visible under File › Properties, and — unlike a hidden sheet — do not appear among the operator's sheets.
Excel limits a text property to 255 characters, so longer values are stored in numbered parts
(``name``, ``name~2``, …) and joined by :func:`read_meta`.

A sheet or name that exists but is not recorded as kinerja's is the operator's: replacing it is refused
(``B115``) unless the caller lists it in ``adopt`` (e.g. a template that ships an empty "Hasil").
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

from . import xmltext as X
from .atomic import check_writable
from .cellxml import cell_xml_at
from .errors import BAD_TARGET, NOT_OWNED, OUTPUT_OVERLAPS_INPUT, SHEET_NOT_FOUND, WRONG_EXTENSION, WorkbookError
from .ooxml import MAX_TEXT, NS, NS_R, Package, StyleRecipe, number_text
from .plan import SheetLayout, SheetPlan
from .refs import Ref, RefProblem, cell_name, col_letters, parse_ref

PROP_PREFIX = "kinerja."
_META = PROP_PREFIX + "meta."
_OWNED_SHEETS = PROP_PREFIX + "owned.sheets"
_OWNED_NAMES = PROP_PREFIX + "owned.names"
_PROP_MAX = 255

STYLES: dict[str, StyleRecipe] = {
    "header": StyleRecipe(bold=True, fill_rgb="FFD9E1F2", wrap=True, vertical="center"),
    "bold": StyleRecipe(bold=True),
    "number0": StyleRecipe(num_fmt_id=3),  # #,##0
    "number2": StyleRecipe(num_fmt_id=4),  # #,##0.00
    "text": StyleRecipe(num_fmt_id=49),  # @
    "wrap": StyleRecipe(wrap=True, vertical="top"),
    # kinerja's own sheets (Audit, Temuan): numbers with thousands separators, everything aligned to the top
    "judul": StyleRecipe(bold=True),
    "atas": StyleRecipe(vertical="top"),
    "angka0": StyleRecipe(num_fmt_id=3, vertical="top"),
    "angka2": StyleRecipe(num_fmt_id=4, vertical="top"),
}

Value = None | Decimal | int | float | str | bool


@dataclass(frozen=True)
class CellWrite:
    """What to put in one cell: a value, or a live formula (``"=ROUND(Input!C5/Input!C6*100,2)"``) that
    Excel/LibreOffice compute on load. ``style``: a key of :data:`STYLES`, or None to keep the cell's format."""

    value: Value = None
    formula: str | None = None
    style: str | None = None

    def __post_init__(self) -> None:
        if self.formula is not None and self.value is not None:
            raise ValueError("CellWrite: value dan formula tidak boleh diisi bersamaan")
        if self.style is not None and self.style not in STYLES:
            raise ValueError(f"CellWrite: gaya {self.style!r} tidak dikenal; pilih {', '.join(STYLES)}")


@dataclass(frozen=True)
class Ownership:
    sheets: tuple[str, ...]
    names: tuple[str, ...]


def write_back(
    path: str | Path,
    *,
    out_path: str | Path | None = None,
    cells: dict[str, CellWrite] | None = None,
    owned_sheets: dict[str, list[list[CellWrite | None]] | SheetPlan] | None = None,
    owned_names: dict[str, str] | None = None,
    meta: dict[str, str] | None = None,
    adopt: Iterable[str] = (),
    protect: Iterable[str] = (),
    pkg: Package | None = None,
    show_rows: Mapping[str, Iterable[int]] | None = None,
) -> Path:
    """Write into ``path`` (in place) or into a copy at ``out_path``; returns the written path.

    ``cells``: key = a workbook-level defined name or ``Sheet!A1``. ``owned_sheets``: sheet name → rows of
    cells (or a :class:`~kinerja.workbooks.plan.SheetPlan`: rows with their page layout), created at the end of
    the workbook or recreated in place. ``owned_names``: name → ``Sheet!$A$1``.
    ``meta``: replaces all previously stored meta (None keeps it). ``protect``: defined names (or Excel table
    names) of inputs — an output cell inside one, or an owned sheet holding one, is refused (``B152``), since
    writing there would replace the operator's input with a result. All-or-nothing: on any error nothing at the
    destination changed. Identical arguments on an identical file give identical bytes. ``pkg``: ``path``
    already opened (and not yet edited) by the caller, so that it is read and parsed once. ``show_rows``: sheet →
    rows to unhide when hidden (table rows holding data); only their ``hidden`` attribute changes.
    """
    src = Path(path)
    dest = Path(out_path) if out_path is not None else src
    pkg = Package(src) if pkg is None else pkg
    check_writable(dest)
    if out_path is not None:
        _check_extension(pkg, dest)
    cells, owned_names = cells or {}, owned_names or {}
    plans = {k: v if isinstance(v, SheetPlan) else SheetPlan(tuple(tuple(r) for r in v))
             for k, v in (owned_sheets or {}).items()}
    adopted = {a.casefold() for a in adopt}
    owned = read_ownership_from(pkg)
    owned_s = {s.casefold() for s in owned.sheets} | adopted
    owned_n = {n.casefold() for n in owned.names} | adopted

    for name in plans:
        if pkg.sheet(name) is not None and name.casefold() not in owned_s:
            raise _not_owned(pkg, "sheet", name)
    existing_names = pkg.workbook_names()
    names_text: dict[str, str] = {}
    for name, ref_text in owned_names.items():
        if name.casefold() in existing_names and name.casefold() not in owned_n:
            raise _not_owned(pkg, "nama", name)
        names_text[name] = _name_ref(pkg, name, ref_text, plans).formula()

    used = {c.style for c in cells.values() if c.style}
    used |= {c.style for sp in plans.values() for row in sp.rows for c in row if c is not None and c.style}
    style_ids = pkg.ensure_styles({k: STYLES[k] for k in STYLES if k in used})

    cells = {k: CellWrite(fit_text(w.value), style=w.style) if isinstance(w.value, str) else w
             for k, w in cells.items()}
    keys: dict[tuple[str, int, int], str] = {}
    targets = _resolve_cells(pkg, cells, names_text, plans, keys)
    _refuse_overwriting_inputs(pkg, protect, targets, keys, plans)
    for name, sp in plans.items():
        pkg.put_sheet(name, sheet_xml_once(sp, style_ids, f"{src}: {name}"), sp.layout.hidden)
    for sheet, writes in targets.items():
        pkg.set_cells(sheet, {rc: (w.value, w.formula, style_ids.get(w.style) if w.style else None)
                              for rc, w in writes.items()})
    for sheet, rows in (show_rows or {}).items():
        if pkg.sheet(sheet) is not None and sheet.casefold() not in {p.casefold() for p in plans}:
            pkg.show_rows(sheet, frozenset(rows))
    if names_text:
        pkg.set_defined_names(names_text)
    pkg.set_full_calc_on_load()
    if targets or plans:
        pkg.drop_calc_chain()

    record = Ownership(_union(owned.sheets, plans), _union(owned.names, owned_names))
    props = {}
    if record.sheets:
        props.update(_chunked(_OWNED_SHEETS, json.dumps(list(record.sheets), ensure_ascii=False)))
    if record.names:
        props.update(_chunked(_OWNED_NAMES, json.dumps(list(record.names), ensure_ascii=False)))
    if meta is None:  # keep the stored meta as it is
        props.update({k: v for k, v in pkg.custom_properties().items() if k.startswith(_META)})
    for key, value in (meta or {}).items():
        props.update(_chunked(_META + key, str(value)))
    if props or pkg.custom_properties():
        pkg.set_custom_properties(PROP_PREFIX, props)
    return pkg.save(dest)


def read_meta(path: str | Path) -> dict[str, str]:
    """The ``meta`` stored by the last :func:`write_back`."""
    return read_meta_from(Package(path))


def read_meta_from(pkg: Package) -> dict[str, str]:
    props = _joined(pkg.custom_properties())
    return {k[len(_META):]: v for k, v in props.items() if k.startswith(_META)}


def read_ownership(path: str | Path) -> Ownership:
    """The sheets and defined names kinerja has created in this workbook (and may therefore replace)."""
    return read_ownership_from(Package(path))


def read_ownership_from(pkg: Package) -> Ownership:
    props = _joined(pkg.custom_properties())

    def load(key: str) -> tuple[str, ...]:
        try:
            value = json.loads(props.get(key, "[]"))
        except ValueError:
            return ()
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    return Ownership(load(_OWNED_SHEETS), load(_OWNED_NAMES))


# --- owned sheets -------------------------------------------------------------------------------------------


_SHEETS_MADE: OrderedDict[tuple, str] = OrderedDict()
_SHEETS_KEPT = 8


def sheet_xml_once(sp: SheetPlan, style_ids: dict[str, int], where: str = "") -> str:
    """:func:`owned_sheet_xml` of a plan's sheet, remembered for a sheet whose cells are texts and formulas only
    (e.g. ``FormatIsian``: ≈ 2 300 formulas, the same in every workbook of a template, ≈ 10 ms to write out).
    For such cells, equal plans give equal XML: a text or formula is written as it is, so the key is the plan
    itself (rows, layout, style indices; ``where`` only names the place in a message, and a plan that raises is
    not kept). A number is never a key — ``Decimal("1.0") == Decimal("1.00") == 1 == True`` are written
    differently — so a sheet holding one is written out every time."""
    key = _plan_key(sp, style_ids)
    if key is not None:
        try:
            hit = _SHEETS_MADE.get(key)
        except TypeError:  # a layout field that cannot be a key: written out
            key = hit = None
        if hit is not None:
            _SHEETS_MADE.move_to_end(key)
            return hit
    xml = owned_sheet_xml(list(sp.rows), style_ids, where, sp.layout)
    if key is not None:
        _SHEETS_MADE[key] = xml
        while len(_SHEETS_MADE) > _SHEETS_KEPT:
            _SHEETS_MADE.popitem(last=False)
    return xml


def _plan_key(sp: SheetPlan, style_ids: dict[str, int]) -> tuple | None:
    for row in sp.rows:
        for w in row:
            if w is not None and w.value is not None and type(w.value) is not str:
                return None
            if w is not None and type(w) is not CellWrite:
                return None
    lay = tuple((f.name, _frozen(getattr(sp.layout, f.name))) for f in fields(sp.layout))
    return sp.rows, lay, tuple(sorted(style_ids.items()))


def _frozen(value):
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return value


def owned_sheet_xml(rows: list[list[CellWrite | None]], style_ids: dict[str, int], where: str = "",
                    layout: SheetLayout | None = None) -> str:
    """A complete worksheet part for a kinerja-owned sheet: column widths from the content (or ``layout``),
    header row frozen when it is all ``header`` style; with a ``layout``: title rows above the header, autofilter,
    merged title cells, internal hyperlinks, A4 print setup (orientation, fit to width) and a footer."""
    lay = layout or SheetLayout()
    hr = lay.header_row
    rows = split_long_texts(rows, hr)
    widths: dict[int, float] = {}
    body = []
    fixed = lay.widths  # a column with a given width: its content is not measured
    for row in rows:
        for c, w in enumerate(row, start=1):
            if w is not None and c not in fixed:
                n = _display_width(w)
                if n > widths.get(c, 0):
                    widths[c] = n
    widths.update(fixed)
    spans = {(r1, c1): sum(widths.get(c, 8.43) for c in range(c1, c2 + 1)) for r1, c1, _, c2 in lay.merges}
    letters: dict[int, str] = {}
    for r, row in enumerate(rows, start=1):
        cells = []
        lines = 1
        rn = str(r)
        for c, w in enumerate(row, start=1):
            if w is None:
                continue
            col = letters.get(c)
            if col is None:
                col = letters[c] = col_letters(c)
            v, st = w.value, w.style
            sid = style_ids.get(st) if st else None
            if type(v) is str and w.formula is None and len(v) <= MAX_TEXT:  # most cells: cell_xml_at inlined
                a = f'r="{col}{rn}"' if sid is None else f'r="{col}{rn}" s="{sid}"'
                space = ' xml:space="preserve"' if v != v.strip() or "\n" in v else ""
                cells.append(f'<c {a} t="inlineStr"><is><t{space}>{X.escape(X.excel_escape(v))}</t></is></c>')
                if layout is not None and st in ("wrap", "header"):
                    width = spans.get((r, c), widths.get(c, 8.43))
                    if len(v) > max(int(width * 1.1) - 1, 4) or "\n" in v:  # else one line (see _lines)
                        lines = max(lines, _lines(v, width))
                continue
            cells.append(cell_xml_at("", col + rn, v, w.formula, sid, where))
            if layout is not None and st in ("wrap", "header") and isinstance(v, str):
                lines = max(lines, _lines(v, spans.get((r, c), widths.get(c, 8.43))))
        if cells:
            # wrapped cells: neither Excel nor LibreOffice fits row heights on load, so kinerja sets them
            ht = f' ht="{min(12.75 * lines + 2, 409):.2f}" customHeight="1"' if lines > 1 else ""
            body.append(f'<row r="{r}"{ht}>{"".join(cells)}</row>')
    ncols = max((len(r) for r in rows), default=0)
    dim = f"A1:{cell_name(max(len(rows), 1), max(ncols, 1))}" if rows and ncols else "A1"
    first = [w for w in (rows[hr - 1] if len(rows) >= hr else []) if w is not None]
    frozen = bool(first) and len(rows) > hr and all(w.style == "header" for w in first)
    view = (f'<sheetView workbookViewId="0"><pane ySplit="{hr}" topLeftCell="A{hr + 1}" activePane="bottomLeft" '
            'state="frozen"/></sheetView>' if frozen else '<sheetView workbookViewId="0"/>')
    cols = "".join(f'<col min="{c}" max="{c}" width="{w:.2f}" customWidth="1"/>' for c, w in sorted(widths.items()))
    pr = ""
    if lay.tab_rgb or lay.fit_width:
        pr = ("<sheetPr>" + (f'<tabColor rgb="{lay.tab_rgb}"/>' if lay.tab_rgb else "")
              + ('<pageSetUpPr fitToPage="1"/>' if lay.fit_width else "") + "</sheetPr>")
    after = ""
    if lay.autofilter and ncols and len(rows) >= hr:
        after += f'<autoFilter ref="A{hr}:{cell_name(len(rows), ncols)}"/>'
    if lay.merges:
        after += (f'<mergeCells count="{len(lay.merges)}">'
                  + "".join(f'<mergeCell ref="{cell_name(r1, c1)}:{cell_name(r2, c2)}"/>'
                            for r1, c1, r2, c2 in lay.merges)
                  + "</mergeCells>")
    if lay.links:
        after += ("<hyperlinks>" + "".join(
            f'<hyperlink ref="{cell_name(k.row, k.col)}" location="{X.escape(k.location, attr=True)}" display="'
            f'{X.escape(_link_text(rows, k), attr=True)}"/>' for k in lay.links) + "</hyperlinks>")
    setup = ('<pageSetup paperSize="9"' + (' orientation="landscape"' if lay.landscape else ' orientation="portrait"')
             + (' fitToWidth="1" fitToHeight="0"' if lay.fit_width else "") + "/>")
    footer = f"<headerFooter><oddFooter>&amp;C{X.escape(lay.footer)}</oddFooter></headerFooter>" if lay.footer else ""
    margins = ('<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               if layout is not None else
               '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS}" xmlns:r="{NS_R}">{pr}<dimension ref="{dim}"/><sheetViews>{view}</sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData>{"".join(body)}</sheetData>'
        + after + margins + (setup if layout is not None else "") + footer + "</worksheet>"
    )


CONTINUED = "Lanjutan teks {n} (teks panjang di kiri dilanjutkan di sini)"
TRUNCATED = " … [terpotong: teks lengkap di sheet Audit]"


def _units(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units: a character outside the BMP counts twice)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def text_chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` Excel characters whose concatenation is ``text``; a cut
    falls after ``"; "`` or a line break when one is near the limit, so an input list breaks between items."""
    out, pos = [], 0
    while _units(text[pos:]) > limit:
        end = pos + limit
        while _units(text[pos:end]) > limit:
            end -= max(1, (_units(text[pos:end]) - limit))
        window = text[max(pos, end - 4000):end]
        cut = max(window.rfind("; "), window.rfind("\n"))
        if cut > 0:
            end = max(pos, end - 4000) + cut + (2 if window[cut] == ";" else 1)
        out.append(text[pos:end])
        pos = end
    out.append(text[pos:])
    return out


def split_long_texts(rows: list[list[CellWrite | None]], header_row: int = 1) -> list[list[CellWrite | None]]:
    """Rows of an owned sheet with every text longer than Excel's cell limit (32,767 characters) continued in
    extra columns to the right of the table, in the same row (so row numbers, and the formulas that point at
    them, stay as they are). The header row, when it is one, names the extra columns. Nothing is shortened:
    the pieces joined left to right are the original text."""
    ncols = max((len(r) for r in rows), default=0)
    extra: dict[int, list[CellWrite]] = {}
    half = MAX_TEXT // 2  # a text of at most this many characters has at most MAX_TEXT UTF-16 units
    for i, row in enumerate(rows):
        for w in row:
            if w is not None and isinstance(w.value, str) and len(w.value) > half and _units(w.value) > MAX_TEXT:
                chunks = text_chunks(w.value)
                extra.setdefault(i, []).extend(
                    [CellWrite(chunk, style=w.style) for chunk in chunks[1:]])
    if not extra:
        return rows
    width = max(len(v) for v in extra.values())
    out = [list(r) for r in rows]
    for i, more in extra.items():
        row = out[i]
        firsts = {id(w): text_chunks(w.value)[0] for w in row
                  if w is not None and isinstance(w.value, str) and _units(w.value) > MAX_TEXT}
        row[:] = [CellWrite(firsts[id(w)], style=w.style) if w is not None and id(w) in firsts else w for w in row]
        row.extend([None] * (ncols - len(row)))
        row.extend(more)
    h = header_row - 1
    if 0 <= h < len(out) and h not in extra and out[h] and all(w is not None and w.style == "header"
                                                               for w in out[h]):
        out[h].extend([None] * (ncols - len(out[h])))
        out[h].extend(CellWrite(CONTINUED.format(n=k + 1), style="header") for k in range(width))
    return out


def fit_text(value: str) -> str:
    """A text for one cell kinerja does not own the neighbours of (an output cell in the operator's sheet):
    cut to Excel's limit with a visible note; the full text is in the Audit sheet."""
    if _units(value) <= MAX_TEXT:
        return value
    return text_chunks(value, MAX_TEXT - len(TRUNCATED))[0] + TRUNCATED


def _link_text(rows: list[list[CellWrite | None]], link) -> str:
    try:
        w = rows[link.row - 1][link.col - 1]
    except IndexError:
        return ""
    return str(w.value) if w is not None and w.value is not None else ""


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (word wrap, a little generous)."""
    per = max(int(width * 1.1) - 1, 4)
    if len(text) <= per and "\n" not in text:
        return 1  # the words and spaces of the one paragraph fit: the loop below would give 1
    total = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split(" "):
            size = len(word) + (1 if used else 0)
            if used and used + size > per:
                n, used = n + 1, len(word)
                n += (len(word) - 1) // per
            else:
                used += size
        total += n
    return total


def _display_width(w: CellWrite) -> float:
    if w.formula is not None:
        n = 12
    elif isinstance(w.value, str):
        n = max((len(line) for line in w.value.splitlines()), default=0)
    elif w.value is None or isinstance(w.value, bool):
        n = 6
    else:
        n = len(number_text(w.value)) + 4
    limit = 40 if w.style in ("wrap", "header") else 60
    return float(min(max(n + 2, 8), limit))


# --- resolving targets --------------------------------------------------------------------------------------


def _resolve_cells(pkg: Package, cells: dict[str, CellWrite], names_text: dict[str, str],
                   owned_sheets: dict, keys: dict | None = None) -> dict[str, dict[tuple[int, int], CellWrite]]:
    owned = {s.casefold() for s in owned_sheets}
    new_names = {n.casefold(): t for n, t in names_text.items()}
    wb_names = pkg.workbook_names()
    out: dict[str, dict[tuple[int, int], CellWrite]] = {}
    for key, w in cells.items():
        where = f"{pkg.path}: {key}"
        if "!" in key:
            ref = _parse(key, where)
        elif key.casefold() in new_names:
            ref = parse_ref(new_names[key.casefold()])
        elif key.casefold() in wb_names:
            ref = _parse(wb_names[key.casefold()].text, where, key)
        else:
            raise WorkbookError(BAD_TARGET, where, f"nama {key} tidak ada di buku kerja.",
                                f"there is no defined name {key} in the workbook.",
                                "Gunakan templat kinerja terbaru atau buat nama itu di Name Manager.")
        if ref.sheet.casefold() in owned:
            raise WorkbookError(BAD_TARGET, where,
                                f"{key} berada di sheet milik kinerja {ref.sheet} yang dibuat ulang.",
                                f"{key} is on kinerja's sheet {ref.sheet}, which is recreated.",
                                f"Masukkan sel itu ke baris sheet {ref.sheet}.")
        sheet = pkg.sheet(ref.sheet)
        if sheet is None or not sheet.is_worksheet or not sheet.part:
            raise WorkbookError(SHEET_NOT_FOUND, where, f"sheet {ref.sheet} tidak ada.",
                                f"there is no worksheet {ref.sheet}.", "Periksa nama sheet pada nama/alamat sel.")
        if not ref.is_single:
            merge = next((m for m in pkg.cells(sheet.name).merged
                          if (m.row1, m.col1, m.row2, m.col2) == (ref.row1, ref.col1, ref.row2, ref.col2)), None)
            if merge is None:
                raise WorkbookError(BAD_TARGET, where, f"{key} menunjuk rentang {ref.location}, bukan satu sel.",
                                    f"{key} points to the range {ref.location}, not one cell.",
                                    "Arahkan nama ke satu sel (atau ke satu sel gabungan).")
        out.setdefault(sheet.name, {})[(ref.row1, ref.col1)] = w
        if keys is not None:
            keys[(sheet.name, ref.row1, ref.col1)] = key
    return out


def _refuse_overwriting_inputs(pkg: Package, protect: Iterable[str], targets: dict, keys: dict,
                               owned_sheets: dict) -> None:
    """B152 when an output cell lies inside an input's cell or range, or a sheet kinerja recreates holds an
    input: the result would replace the operator's number, and the next run would compute from the result."""
    names = pkg.workbook_names()
    tables = None
    owned = {s.casefold() for s in owned_sheets}
    for name in protect:
        d = names.get(name.casefold())
        ref = None
        if d is not None:
            try:
                ref = d.ref()
            except RefProblem:
                ref = None
        else:
            tables = pkg.tables() if tables is None else tables
            t = tables.get(name.casefold())
            ref = t.ref if t is not None else None
        if ref is None:
            continue
        if ref.sheet.casefold() in owned:
            raise WorkbookError(
                OUTPUT_OVERLAPS_INPUT, f"{pkg.path}: {name}",
                f"masukan {name} berada di sheet {ref.sheet}, yang dibuat ulang oleh kinerja setiap kali Hitung; "
                "masukan itu akan hilang. kinerja tidak menulis apa pun.",
                f"the input {name} is on the sheet {ref.sheet}, which kinerja recreates on every run; the input "
                "would be lost. kinerja wrote nothing.",
                f"Pindahkan sel masukan {name} ke sheet isian lain (Name Manager), lalu jalankan lagi.",
            )
        for (r, c) in targets.get(_sheet_name(pkg, ref.sheet), {}):
            if ref.contains(r, c):
                out = keys.get((_sheet_name(pkg, ref.sheet), r, c), "")
                here = Ref(ref.sheet, r, c, r, c).location
                raise WorkbookError(
                    OUTPUT_OVERLAPS_INPUT, f"{pkg.path}: {here}",
                    f"keluaran {out} menunjuk sel {here}, yang juga masukan {name} ({ref.location}); menulis hasil "
                    "di sana menimpa angka operator. kinerja tidak menulis apa pun.",
                    f"the output {out} points to {here}, which is also the input {name} ({ref.location}); writing "
                    "the result there would replace the operator's number. kinerja wrote nothing.",
                    f"Di Name Manager, arahkan {out} ke sel kosong yang bukan masukan, lalu jalankan lagi.",
                )


def _sheet_name(pkg: Package, name: str) -> str:
    sheet = pkg.sheet(name)
    return sheet.name if sheet is not None else name


def _parse(text: str, where: str, name: str | None = None) -> Ref:
    try:
        return parse_ref(text)
    except RefProblem as p:
        label = f"nama {name} " if name else ""
        raise WorkbookError(BAD_TARGET, where, f"{label}{text}: {p.reason}.", f"{name or ''} {text}: {p.reason_en}.",
                            "Perbaiki rujukan di Name Manager atau gunakan templat kinerja terbaru.") from None


_NAME_OK = re.compile(r"[A-Za-z_\\][\w.\\]*")


def _name_ref(pkg: Package, name: str, ref_text: str, owned_sheets: dict) -> Ref:
    where = f"{pkg.path}: {name}"
    cellish = re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]|(?:[Rr]\d*)?(?:[Cc]\d*)?", name)
    if not _NAME_OK.fullmatch(name) or cellish or len(name) > 255:
        raise WorkbookError(BAD_TARGET, where, f"{name!r} bukan nama yang sah di Excel.",
                            f"{name!r} is not a valid Excel name.",
                            "Awali dengan huruf atau _, tanpa spasi, dan jangan berbentuk alamat sel.")
    ref = _parse(ref_text, where, name)
    if pkg.sheet(ref.sheet) is None and ref.sheet.casefold() not in {s.casefold() for s in owned_sheets}:
        raise WorkbookError(SHEET_NOT_FOUND, where, f"nama {name} menunjuk ke sheet {ref.sheet} yang tidak ada.",
                            f"name {name} points to the missing sheet {ref.sheet}.", "Periksa nama sheet.")
    return ref


def _not_owned(pkg: Package, what: str, name: str) -> WorkbookError:
    en = "sheet" if what == "sheet" else "defined name"
    return WorkbookError(
        NOT_OWNED, f"{pkg.path}: {name}",
        f"{what} {name} sudah ada dan bukan buatan kinerja; kinerja tidak menimpanya.",
        f"the {en} {name} exists and was not created by kinerja; kinerja does not replace it.",
        f"Ganti nama {what} {name} milik Anda, atau izinkan kinerja mengambil alihnya (adopt).",
    )


def _check_extension(pkg: Package, dest: Path) -> None:
    suffix = dest.suffix.lower()
    macro = pkg.is_macro_enabled()
    if (macro and suffix in (".xlsx", ".xltx")) or (not macro and suffix in (".xlsm", ".xltm")):
        want = ".xlsm" if macro else ".xlsx"
        raise WorkbookError(
            WRONG_EXTENSION, str(dest),
            f"buku kerja {'bermakro' if macro else 'tanpa makro'} harus disimpan sebagai {want}; Excel menolak membuka "
            f"berkas {suffix} ini.",
            f"a {'macro-enabled' if macro else 'macro-free'} workbook must be saved as {want}; Excel refuses to "
            f"open it as {suffix}.",
            f"Gunakan nama berkas keluaran berakhiran {want}.",
        )


# --- custom property helpers --------------------------------------------------------------------------------


def _union(old: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    seen = {o.casefold() for o in old}
    out = list(old)
    for n in new:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return tuple(out)


def _chunked(name: str, value: str) -> dict[str, str]:
    if len(value) <= _PROP_MAX:
        return {name: value}
    parts = [value[i:i + _PROP_MAX] for i in range(0, len(value), _PROP_MAX)]
    return {name if i == 0 else f"{name}~{i + 1}": part for i, part in enumerate(parts)}


def _joined(props: dict[str, str]) -> dict[str, str]:
    out: dict[str, list[tuple[int, str]]] = {}
    for key, value in props.items():
        m = re.fullmatch(r"(.*)~(\d+)", key)
        base, n = (m.group(1), int(m.group(2))) if m and key.startswith(PROP_PREFIX) else (key, 1)
        out.setdefault(base, []).append((n, value))
    return {k: "".join(v for _, v in sorted(parts)) for k, parts in out.items()}


__all__ = ["STYLES", "CellWrite", "Ownership", "read_meta", "read_ownership", "write_back", "owned_sheet_xml"]
