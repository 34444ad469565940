"""kinerja's own sheets as XML: the complete worksheet part of a sheet kinerja owns and recreates on every run
(Audit, Temuan, Hasil, FormatIsian) from rows of :class:`~.cellwrite.CellWrite`: column widths, wrapped row
heights, long texts continued to the right, title merges, links, print setup. Texts and formulas are written
through a memo of their XML (a rule set's labels, formulas and rule lines are the same in every workbook of a
template); numbers are written every time.

:mod:`.writer` puts these parts into an operator's workbook (and re-exports these names).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from itertools import chain
from operator import attrgetter

from . import xmltext as X
from .bounded import evict_oldest
from .cellwrite import CellWrite
from .cellxml import MAX_TEXT, NS, cell_xml_at, number_text, value_key
from .ooxml import NS_R
from .plan import SheetLayout, SheetPlan
from .refs import cell_name, col_letters

# --- owned sheets -------------------------------------------------------------------------------------------


_SHEETS_MADE: OrderedDict[tuple, str] = OrderedDict()
_SHEETS_KEPT = 8
_SHEETS_BY_ID: dict[int, tuple[SheetPlan, tuple, str]] = {}  # id(plan) → (plan, style indices + layout, XML)


def sheet_xml_once(sp: SheetPlan, style_ids: dict[str, int], where: str = "") -> str:
    """:func:`owned_sheet_xml` of a plan's sheet, remembered for a sheet whose cells are texts and formulas only
    (e.g. ``FormatIsian``: ≈ 2 300 formulas, the same in every workbook of a template, ≈ 10 ms to write out).
    For such cells, equal plans give equal XML: a text or formula is written as it is, so the key is the plan
    itself (rows, layout, style indices; ``where`` only names the place in a message, and a plan that raises is
    not kept). A number is never a key — ``Decimal("1.0") == Decimal("1.00") == 1 == True`` are written
    differently — so a sheet holding one is written out every time."""
    styles = (tuple(sorted(style_ids.items())), _layout_key(sp.layout))
    same = _SHEETS_BY_ID.get(id(sp))
    if same is not None and same[0] is sp and same[1] == styles:  # the very plan object (an immutable, cached one)
        return same[2]
    key = _plan_key(sp, style_ids)
    if key is not None:
        try:
            hit = _SHEETS_MADE.get(key)
        except TypeError:  # a layout field that cannot be a key: written out
            key = hit = None
        if hit is not None:
            _SHEETS_MADE.move_to_end(key)
            return _by_id(sp, styles, hit)
    xml = owned_sheet_xml(list(sp.rows), style_ids, where, sp.layout)
    if key is not None:
        _SHEETS_MADE[key] = xml
        while len(_SHEETS_MADE) > _SHEETS_KEPT:
            _SHEETS_MADE.popitem(last=False)
    return _by_id(sp, styles, xml) if key is not None else xml


def _by_id(sp: SheetPlan, styles: tuple, xml: str) -> str:
    """Remember ``xml`` for the plan object itself (kept alive here, so its id is not reused): a plan built once
    and cached (FormatIsian's) is answered without hashing its ≈ 2 300 cells again."""
    if len(_SHEETS_BY_ID) >= _SHEETS_KEPT:
        evict_oldest(_SHEETS_BY_ID)
    _SHEETS_BY_ID[id(sp)] = (sp, styles, xml)
    return xml


def _plan_key(sp: SheetPlan, style_ids: dict[str, int]) -> tuple | None:
    for row in sp.rows:
        for w in row:
            if w is not None and w.value is not None and type(w.value) is not str:
                return None
            if w is not None and type(w) is not CellWrite:
                return None
    return sp.rows, _layout_key(sp.layout), tuple(sorted(style_ids.items()))


def _layout_key(layout: SheetLayout) -> tuple:
    return tuple((f.name, _frozen(getattr(layout, f.name))) for f in fields(layout))


def _frozen(value):
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return value


def styles_used(sp: SheetPlan) -> set[str | None]:
    """The style keys a plan's cells name (None among them when a cell has none), for the cell formats the
    writer must have in styles.xml; remembered for the plan object itself, as its XML is (a cached plan's
    ≈ 2 300 cells are not walked again)."""
    same = _STYLES_BY_ID.get(id(sp))
    if same is not None and same[0] is sp:
        return same[1]
    used = set(map(attrgetter("style"), filter(None, chain.from_iterable(sp.rows))))
    if len(_STYLES_BY_ID) >= _SHEETS_KEPT:
        evict_oldest(_STYLES_BY_ID)
    _STYLES_BY_ID[id(sp)] = (sp, frozenset(used))
    return used


_STYLES_BY_ID: dict[int, tuple[SheetPlan, frozenset]] = {}  # id(plan) → (plan, its style keys)


# What a text or formula cell is written as after its address, and how many lines a wrapped text takes in a
# column of a given width: pure functions of the key (the text or formula, the style index, the width), kept
# across sheets and workbooks — a rule set's labels, formulas and rule lines are the same in every workbook of a
# template. Each memo is emptied when full, so a batch of many different texts stays bounded.
_TEXT_XML: dict[tuple[str, int | None], str] = {}
_FORMULA_XML: dict[tuple[str, int | None], str] = {}
_LINES: dict[tuple[str, float], int] = {}
_MEMO_KEPT = 20_000


def _text_tail(v: str, sid: int | None) -> str:
    """``cell_xml_at("", ref, v, None, sid)`` after ``<c r="ref"``."""
    space = ' xml:space="preserve"' if v != v.strip() or "\n" in v else ""
    tail = ((' t="inlineStr">' if sid is None else f' s="{sid}" t="inlineStr">')
            + f"<is><t{space}>{X.escape(X.excel_escape(v))}</t></is></c>")
    if len(_TEXT_XML) >= _MEMO_KEPT:
        _TEXT_XML.clear()
    _TEXT_XML[(v, sid)] = tail
    return tail


def _formula_tail(formula: str, sid: int | None) -> str:
    """``cell_xml_at("", ref, None, formula, sid)`` after ``<c r="ref"``."""
    body = formula[1:] if formula.startswith("=") else formula
    tail = ("" if sid is None else f' s="{sid}"') + f"><f>{X.escape(X.excel_escape(body))}</f></c>"
    if len(_FORMULA_XML) >= _MEMO_KEPT:
        _FORMULA_XML.clear()
    _FORMULA_XML[(formula, sid)] = tail
    return tail


_S: dict[int | None, str] = {}  # style index → ' s="…"' ("" for None)


def _s_attr(sid: int | None) -> str:
    _S[sid] = "" if sid is None else f' s="{sid}"'
    return _S[sid]


def _lines_once(text: str, width: float) -> int:
    n = _lines(text, width)
    if len(_LINES) >= _MEMO_KEPT:
        _LINES.clear()
    _LINES[(text, width)] = n
    return n


# (the sheet's columns, merged title widths, wrapped styles and style indices; the row number; the row's cells
# keyed exactly) → the row's XML: the rows of a workbook recalculated again with the same results (the Audit rows of
# indicators whose inputs did not change) are not written out again. Bounded: emptied when full.
_ROWS_MADE: dict[tuple, str] = {}
_ROWS_KEPT = 4096


def _row_key(row) -> tuple | None:
    """A row's cells as a key that tells apart everything written differently (each value by
    :func:`.cellxml.value_key`: ``Decimal("1.0") == Decimal("1.00") == 1 == True`` are written differently). None
    for a value of another kind (written out every time)."""
    out = []
    for w in row:
        if w is None:
            out.append(None)
            continue
        vk = value_key(w.value)
        if vk is None:
            return None
        out.append((vk, w.formula, w.style))
    return tuple(out)


class _LongText(Exception):
    """A text longer than one cell holds: the sheet is written again from :func:`split_long_texts`' rows."""


def owned_sheet_xml(rows: list[list[CellWrite | None]], style_ids: dict[str, int], where: str = "",
                    layout: SheetLayout | None = None) -> str:
    """A complete worksheet part for a kinerja-owned sheet: column widths from the content (or ``layout``),
    header row frozen when it is all ``header`` style; with a ``layout``: title rows above the header, autofilter,
    merged title cells, internal hyperlinks, A4 print setup (orientation, fit to width) and a footer. A text
    longer than Excel's cell limit is continued to the right (:func:`split_long_texts`): found while writing, so
    the usual sheet, with none, is walked once."""
    try:
        return _sheet_xml(rows, style_ids, where, layout)
    except _LongText:
        return _sheet_xml(split_long_texts(rows, (layout or SheetLayout()).header_row), style_ids, where, layout)


def _sheet_xml(rows: list[list[CellWrite | None]], style_ids: dict[str, int], where: str,
               layout: SheetLayout | None) -> str:
    lay = layout or SheetLayout()
    hr = lay.header_row
    widths: dict[int, float] = {}
    body = []
    fixed = lay.widths  # a column with a given width: its content is not measured
    ncols = max((len(r) for r in rows), default=0)
    if not all(c in fixed for c in range(1, ncols + 1)):
        for row in rows:
            for c, w in enumerate(row, start=1):
                if w is not None and c not in fixed:
                    n = _display_width(w)
                    if n > widths.get(c, 0):
                        widths[c] = n
    widths.update(fixed)
    spans = {(r1, c1): sum(widths.get(c, 8.43) for c in range(c1, c2 + 1)) for r1, c1, _, c2 in lay.merges}
    text_xml, formula_xml, lines_of, sget = _TEXT_XML, _FORMULA_XML, _LINES, style_ids.get
    merged_rows = {r1 for r1, _ in spans}
    columns = [("", 8.43, 0)]  # column → (letters, width, characters on one line)
    for c in range(1, ncols + 1):
        cw = widths.get(c, 8.43)
        columns.append((col_letters(c), cw, max(int(cw * 1.1) - 1, 4)))
    wrapped = ("wrap", "header") if layout is not None else ()
    half = MAX_TEXT // 2  # a text of at most this many characters has at most MAX_TEXT UTF-16 units
    # what a row's XML depends on besides its number and cells (:data:`_ROWS_MADE`)
    context = (tuple(columns), tuple(sorted(spans.items())), wrapped, tuple(sorted(style_ids.items())))
    made = _ROWS_MADE
    for r, row in enumerate(rows, start=1):
        key = _row_key(row)
        if key is not None:
            key = (context, r, key)
            hit = made.get(key)
            if hit is not None:
                if hit:
                    body.append(hit)
                continue
        cells = []
        lines = 1
        rn = str(r)
        spanned = r in merged_rows
        for c, w in enumerate(row, start=1):
            if w is None:
                continue
            col, width, per = columns[c]
            v, st = w.value, w.style
            sid = sget(st)
            if type(v) is str and w.formula is None and len(v) <= half:  # most cells: cell_xml_at inlined
                tail = text_xml.get((v, sid))
                cells.append(f'<c r="{col}{rn}"{tail or _text_tail(v, sid)}')
                if st in wrapped:
                    if spanned and (r, c) in spans:
                        width = spans[(r, c)]
                        per = max(int(width * 1.1) - 1, 4)
                    if len(v) > per or "\n" in v:  # else one line (see _lines)
                        n = lines_of.get((v, width)) or _lines_once(v, width)
                        if n > lines:
                            lines = n
                continue
            if v is None and type(w.formula) is str:
                tail = formula_xml.get((w.formula, sid))
                cells.append(f'<c r="{col}{rn}"{tail or _formula_tail(w.formula, sid)}')
                continue
            tv = type(v)
            if (tv is Decimal and v.is_finite() or tv is int) and w.formula is None:  # a number: no general path
                cells.append(f'<c r="{col}{rn}"{_S.get(sid) or _s_attr(sid)}><v>{number_text(v)}</v></c>')
                continue
            if isinstance(v, str) and len(v) > half and _units(v) > MAX_TEXT:
                raise _LongText
            cells.append(cell_xml_at("", col + rn, v, w.formula, sid, where))
            if st in wrapped and isinstance(v, str):
                lines = max(lines, _lines(v, spans.get((r, c), width)))
        xml = ""
        if cells:
            # wrapped cells: neither Excel nor LibreOffice fits row heights on load, so kinerja sets them
            ht = f' ht="{min(12.75 * lines + 2, 409):.2f}" customHeight="1"' if lines > 1 else ""
            xml = f'<row r="{r}"{ht}>{"".join(cells)}</row>'
            body.append(xml)
        if key is not None:
            if len(made) >= _ROWS_KEPT:
                made.clear()
            made[key] = xml
    dim = f"A1:{cell_name(max(len(rows), 1), max(ncols, 1))}" if rows and ncols else "A1"
    first = [w for w in (rows[hr - 1] if len(rows) >= hr else []) if w is not None]
    frozen = bool(first) and len(rows) > hr and all(w.style == "header" for w in first)
    view = (f'<sheetView workbookViewId="0"><pane ySplit="{hr}" topLeftCell="A{hr + 1}" activePane="bottomLeft" '
            'state="frozen"/></sheetView>' if frozen else '<sheetView workbookViewId="0"/>')
    for c in lay.hidden_cols:
        widths.setdefault(c, 8.43)
    cols = "".join(f'<col min="{c}" max="{c}" width="{w:.2f}" customWidth="1"'
                   + (' hidden="1"/>' if c in lay.hidden_cols else "/>") for c, w in sorted(widths.items()))
    pr = ""
    if lay.tab_rgb or lay.fit_width:
        pr = ("<sheetPr>" + (f'<tabColor rgb="{_attr(lay.tab_rgb)}"/>' if lay.tab_rgb else "")
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
            f'<hyperlink ref="{cell_name(k.row, k.col)}" location="{_attr(k.location)}" display="'
            f'{_attr(_link_text(rows, k))}"/>' for k in lay.links) + "</hyperlinks>")
    setup = ('<pageSetup paperSize="9"' + (' orientation="landscape"' if lay.landscape else ' orientation="portrait"')
             + (' fitToWidth="1" fitToHeight="0"' if lay.fit_width else "") + "/>")
    footer = (f"<headerFooter><oddFooter>&amp;C{X.escape(X.excel_escape(lay.footer))}</oddFooter></headerFooter>"
              if lay.footer else "")
    margins = ('<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               if layout is not None else
               '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    # one join: each `+` of the ≈ 0.35 MB part would allocate and copy it again (≈ 2 ms for the Audit sheet)
    return "".join((
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS}" xmlns:r="{NS_R}">{pr}<dimension ref="{dim}"/><sheetViews>{view}</sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{cols}</cols>" if cols else "", "<sheetData>", *body,
        "</sheetData>", after, margins, setup if layout is not None else "", footer, "</worksheet>",
    ))


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


def _attr(text: str) -> str:
    """An attribute value: characters XML cannot hold as Excel writes them (``_x0001_``), then escaped."""
    return X.escape(X.excel_escape(text), attr=True)


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
        total += _para_lines(para, per)
    return total


def _para_lines(para: str, per: int) -> int:
    """Lines of one paragraph: each line ends at the last space that keeps it within ``per`` characters (one
    search per line). A paragraph with a leading, trailing or double space, or a word longer than a line, is
    counted word by word (the rule those cases follow)."""
    if len(para) <= per:
        return 1
    if "  " not in para and para[0] != " " and para[-1] != " ":
        n, pos, end = 1, 0, len(para)
        while end - pos > per:
            cut = para.rfind(" ", pos, pos + per + 1)
            if cut <= pos:
                break  # a word longer than the line: word by word
            n, pos = n + 1, cut + 1
        else:
            return n
    n, used = 1, 0
    for word in para.split(" "):
        size = len(word) + (1 if used else 0)
        if used and used + size > per:
            n, used, size = n + 1, 0, len(word)
        if size > per:  # a word longer than a line (a rule file's path): Excel and LibreOffice break it
            extra = (size - 1) // per
            n, used = n + extra, size - extra * per
        else:
            used += size
    return n


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
