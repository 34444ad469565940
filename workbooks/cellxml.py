"""Cell XML: reading a ``<c>`` element into a :class:`Cell` (shared strings, rich text, inline strings, errors,
numbers as Excel shows them) and writing one (a number as Excel stores it, text always as a string, never a
formula unless kinerja writes one); a shared-formula master is never overwritten.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache
from pathlib import Path

from . import xmltext as X
from .errors import BAD_TARGET, BAD_VALUE, WorkbookError
from .refs import Ref, cell_name, parse_area

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAX_TEXT = 32_767  # Excel's limit for one cell (UTF-16 code units)


def qname(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's stored content.

    ``kind``: ``empty``, ``number``, ``text``, ``boolean``, ``error``, ``uncached`` (a formula saved without
    its result), or ``date`` (a live cell Excel shows as a date or time; its text is the day number). ``text`` is
    the XML text of the value (``"26943"``, ``"#DIV/0!"``, ``"1"`` for TRUE, the string itself for text).
    ``formula`` is the formula without ``=`` (``""`` for a shared-formula follower), or None.
    """

    kind: str
    text: str = ""
    formula: str | None = None
    style: int | None = None

    @property
    def number(self) -> Decimal:
        """The number the operator sees (:func:`excel_number`); ``decimal.InvalidOperation`` if it is not one."""
        return excel_number(self.text)


#: Excel calculates with, shows and lets one type 15 significant digits; it saves a number as the 17 digits of the
#: nearest binary double (a typed 94,36 is saved as ``94.359999999999999``, 28,5% as ``0.28499999999999998``).
EXCEL_DIGITS = 15
_EXCEL = Context(prec=EXCEL_DIGITS, rounding=ROUND_HALF_EVEN)


def excel_number(text: str) -> Decimal:
    """A saved number as the operator sees it — the one reading rule of a number cell.

    Read as saved, ``94.359999999999999`` would round half-up to one step lower at 2 decimals than the 94,36 on the
    screen, with no message; rounded to Excel's 15 significant digits it is 94,36 exactly. Numbers with at most 15
    significant digits (every integer below 10^15, every figure kinerja writes back) are kept as saved.
    """
    d = Decimal(text)
    if len(text) <= EXCEL_DIGITS or not d.is_finite() or len(d.as_tuple().digits) <= EXCEL_DIGITS:
        return d  # (a text of at most 15 characters has at most 15 digits)
    d = _EXCEL.plus(d).normalize(_EXCEL)
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d  # 2.6943E+4 → 26943


EMPTY = Cell("empty")


def rich_text(el: ET.Element) -> str:
    """Text of an ``<si>``/``<is>``: its ``<t>`` and run ``<t>``s, without phonetic (``<rPh>``) runs."""
    parts = []
    for child in el:
        if child.tag == qname("t"):
            parts.append(child.text or "")
        elif child.tag == qname("r"):
            t = child.find(qname("t"))
            parts.append(t.text or "" if t is not None else "")
    return X.excel_unescape("".join(parts))


_F, _V, _IS = qname("f"), qname("v"), qname("is")


_BLANK: dict[tuple[bool, int | None], Cell] = {}  # (inline string?, style) → the cell of a <c> with no children


def style_of(s: str | None) -> int | None:
    """The cell format index of a ``<c s="…">`` (None when absent or not a plain number)."""
    return int(s) if s and s.isdigit() else None


def blank_cell(inline: bool, style: int | None) -> Cell:
    """A ``<c>`` with no child element: a formatted blank (most cells of a template's spare table rows)."""
    key = (inline, style)
    cell = _BLANK.get(key)
    if cell is None:
        if len(_BLANK) >= 4096:  # any s="…" a file writes: kept bounded
            _BLANK.clear()
        cell = _BLANK[key] = Cell("text" if inline else "empty", "", None, style)
    return cell


def read_cell(c: ET.Element, sst: list[str]) -> Cell:
    style = style_of(c.get("s"))
    if not len(c):  # no <f>, <v> or <is>
        return blank_cell(c.get("t") == "inlineStr", style)
    t = c.get("t", "n")
    f = v = is_ = None
    for child in c:  # the first of each, as Element.find would give
        tag = child.tag
        if tag == _V:
            v = child if v is None else v
        elif tag == _F:
            f = child if f is None else f
        elif tag == _IS:
            is_ = child if is_ is None else is_
    inline = rich_text(is_) if t == "inlineStr" and is_ is not None else None
    return cell_of(t, style, None if f is None else (f.text or ""), None if v is None else (v.text or ""), inline,
                   sst)


def cell_of(t: str, style: int | None, formula: str | None, text: str | None, inline: str | None,
            sst: list[str]) -> Cell:
    """The cell of a ``<c t="…">`` with at least one child element, from what its children hold: the text of its
    first ``<f>`` (``formula``) and first ``<v>`` (``text``), and the text of its first ``<is>`` (``inline``, read
    only for ``t="inlineStr"``); None for a child that is not there. The one reading rule of a cell's content,
    whether the sheet was parsed into a tree (:func:`read_cell`) or read from its text (:mod:`.sheetplain`)."""
    if t == "inlineStr":
        return Cell("text", inline if inline is not None else "", formula, style)
    if formula is not None and (text is None or (not text and t != "str")):
        return Cell("uncached", "", formula, style)  # openpyxl writes <v/>, kinerja writes no <v>
    if text is None:
        return Cell("empty", "", formula, style)
    if t == "s":
        try:
            return Cell("text", sst[int(text)], formula, style)
        except (ValueError, IndexError):
            return Cell("error", "#REF!", formula, style)
    if t == "d":  # an ISO 8601 date (t="d", written by some tools): shown as a date, never read as text
        return Cell("date", text.strip(), formula, style)
    if t == "str":
        return Cell("text", X.excel_unescape(text), formula, style)
    if t == "b":
        return Cell("boolean", text.strip(), formula, style)
    if t == "e":
        return Cell("error", text.strip(), formula, style)
    if not text.strip():
        return Cell("empty", "", formula, style)
    return Cell("number", text.strip(), formula, style)


def cell_xml(prefix: str, row: int, col: int, value: object, formula: str | None, style: int | None,
             where: str = "") -> str:
    """One ``<c>`` element: numbers as ``<v>``, text as an inline string, a formula as ``<f>`` without a cached
    value (so Excel and LibreOffice compute it on load), None as an empty (possibly styled) cell."""
    return cell_xml_at(prefix, cell_name(row, col), value, formula, style, where)


def cell_xml_at(prefix: str, ref: str, value: object, formula: str | None, style: int | None,
                where: str = "") -> str:
    """:func:`cell_xml` for the cell whose address ``ref`` (``"C5"``) the caller already has."""
    p = prefix
    if type(value) is str and formula is None:  # the usual output cell: its XML after the address remembered
        if len(value) > MAX_TEXT:
            raise WorkbookError(BAD_VALUE, where, f"teks lebih dari {MAX_TEXT} karakter.",
                                f"text longer than {MAX_TEXT} characters.", "Persingkat teksnya.")
        tail = _TEXT_TAILS.get((p, value, style))
        return f'<{p}c r="{ref}"{tail or _text_tail(p, value, style)}'
    attrs = f'r="{ref}"' if style is None else f'r="{ref}" s="{style}"'
    if formula is not None:
        body = formula[1:] if formula.startswith("=") else formula
        return f"<{p}c {attrs}><{p}f>{X.escape(X.excel_escape(body))}</{p}f></{p}c>"
    if value is None:
        return f"<{p}c {attrs}/>"
    if isinstance(value, bool):
        return f'<{p}c {attrs} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float, Decimal)):
        return f"<{p}c {attrs}><{p}v>{number_text(value, where)}</{p}v></{p}c>"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise WorkbookError(BAD_VALUE, where, f"teks lebih dari {MAX_TEXT} karakter.",
                                f"text longer than {MAX_TEXT} characters.", "Persingkat teksnya.")
        return f"<{p}c {attrs}{_text_body(p, value)}"
    raise WorkbookError(BAD_VALUE, where, f"jenis nilai {type(value).__name__} tidak dapat ditulis ke sel.",
                        f"a {type(value).__name__} cannot be written to a cell.",
                        "Gunakan Decimal, int, float, str, bool atau None.")


def _text_body(p: str, value: str) -> str:
    """A text cell's XML after its attributes (``r``, ``s``)."""
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return f' t="inlineStr"><{p}is><{p}t{space}>{X.escape(X.excel_escape(value))}</{p}t></{p}is></{p}c>'


_TEXT_TAILS: dict[tuple[str, str, int | None], str] = {}  # (prefix, text, style) → the cell's XML after its address


def _text_tail(p: str, value: str, style: int | None) -> str:
    """``cell_xml_at(p, ref, value, None, style)`` after ``<c r="ref"``, remembered (bounded: emptied when full):
    the statuses and derivations an output sheet shows repeat from one Hitung to the next."""
    tail = ("" if style is None else f' s="{style}"') + _text_body(p, value)
    if len(_TEXT_TAILS) >= 20_000:
        _TEXT_TAILS.clear()
    _TEXT_TAILS[(p, value, style)] = tail
    return tail


def number_text(value: int | float | Decimal, where: str = "") -> str:
    """Plain decimal text for ``<v>`` (``Decimal("2.6943E+4")`` → ``26943``); NaN/∞ refused."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise WorkbookError(BAD_VALUE, where, "bilangan tak hingga/NaN tidak dapat ditulis.",
                                "infinite/NaN numbers cannot be written.", "Periksa perhitungannya.")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise WorkbookError(BAD_VALUE, where, "bilangan tak hingga/NaN tidak dapat ditulis.",
                                "infinite/NaN numbers cannot be written.", "Periksa perhitungannya.")
        text = format(value, "f")
        return "0" if text in ("-0", "-0.0") else text
    return str(value)


@lru_cache(maxsize=4096)
def style_in(head: str) -> int | None:
    """The style index of a ``<c>`` start tag (None when it has none or not a number): the output cells of a
    template have the same start tags in every workbook made from it."""
    s = X.attr(head, "s")
    return int(s) if s and s.isdigit() else None


def cell_edits(prefix: str, cells: dict[tuple[int, int], tuple[object, str | None, int | None]], where: str,
               path: Path, sheet: str) -> tuple[dict[tuple[int, int], Callable[[str | None], str]],
                                                dict[int, tuple]]:
    """What :meth:`.ooxml.Package.set_cells` splices: for each (row, column) → (value, formula, style index or None
    = keep the cell's) the :data:`.xmltext.CellEdit` writing it (a shared-formula master refused), and for every
    row whose values can be keyed exactly, the key of its edits — with the row's old text, what its new text is a
    pure function of (:func:`.xmltext.edit_sheet_cells` remembers rows by it). ``where``: the sheet's place in
    messages (``"book.xlsx: Sheet!"``)."""
    edits: dict[tuple[int, int], Callable[[str | None], str]] = {}
    keys: dict[int, list | None] = {}
    for (row, col), (value, formula, style) in cells.items():
        edits[(row, col)] = _cell_edit(prefix, row, col, value, formula, style, where, path, sheet)
        if row not in keys:
            keys[row] = []
        row_key = keys[row]
        if row_key is not None:
            vk = value_key(value)
            if vk is None:
                keys[row] = None
            else:
                row_key.append((col, vk, formula, style))
    return edits, {r: tuple(sorted(k)) for r, k in keys.items() if k is not None}


def value_key(value: object) -> tuple | None:
    """What a value is written as, as a key: equal keys, equal XML (``Decimal("1.0") == Decimal("1.00")`` are
    written differently, so a number is keyed by its text). None for a value kinerja does not key."""
    t = type(value)
    if t is str:
        return ("s", value)
    if value is None:
        return ("",)
    if t is Decimal:
        return ("d", str(value))  # str tells every sign, digit and exponent apart
    if t is int:
        return ("i", value)
    if t is bool:
        return ("b", value)
    if t is float:
        return ("f", repr(value))
    return None


def _cell_edit(prefix: str, row: int, col: int, value: object, formula: str | None, style: int | None, where: str,
               path: Path, sheet: str) -> Callable[[str | None], str]:
    def make(old: str | None) -> str:
        ref = cell_name(row, col)
        st = style
        if old is not None:
            refuse_shared_master(old, path, sheet, row, col)
            if style is None:  # the cell keeps its format
                st = style_in(old[: old.index(">") + 1])
        return cell_xml_at(prefix, ref, value, formula, st, where + ref)
    return make


def refuse_shared_master(old: str, path: Path, sheet: str, row: int, col: int) -> None:
    """Overwriting the master of a shared or array formula would break the other cells that use it."""
    if "<f" not in old and ":f" not in old:  # no formula element can match (the common case: a plain value)
        return
    m = re.search(r"<(?:\w+:)?f\b([^>]*)>", X.masked(old))
    if not m:
        return
    a = X.attrs(m.group(0))
    if a.get("t") in ("shared", "array") and a.get("ref") and ":" in a["ref"]:
        r1, c1, r2, c2 = parse_area(a["ref"])
        if (r1, c1) != (r2, c2):
            loc = Ref(sheet, row, col, row, col).location
            raise WorkbookError(
                BAD_TARGET, f"{path}: {loc}",
                f"sel {loc} memegang rumus bersama/array untuk {a['ref']}; menimpanya merusak sel lain.",
                f"cell {loc} holds the shared/array formula of {a['ref']}; overwriting it breaks other cells.",
                "Arahkan nama keluaran ke sel lain yang tidak berisi rumus.",
            )
