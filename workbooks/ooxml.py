"""SpreadsheetML on the package: read sheets, names, tables and cells; edit only what kinerja owns.

An .xlsx/.xlsm is a zip of XML parts: the package itself (members, relationships, content types, custom
properties, the atomic save) is :mod:`.opc`; one cell's XML is :mod:`.cellxml`. openpyxl cannot be used to write
an operator's workbook back because it re-serialises every part and drops form buttons (see docs/buku-kerja.md).
:class:`Package` keeps every zip member
it does not edit byte-for-byte (same data, same ZipInfo metadata, same order) and edits the few parts it must
by splicing text (:mod:`.xmltext`), so buttons, VBA, charts, images, comments, validation and conditional
formats survive.

Reading uses ElementTree (namespace-aware; prefixes do not matter). Writing edits raw text.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

from . import unhide as U
from . import xmltext as X
from .bounded import evict_oldest
from .cellxml import (
    EMPTY,
    MAX_TEXT,
    NS,
    Cell,
    cell_edits,
    cell_xml,
    number_text,
    qname,
    rich_text,
)
from .cellxml import style_in as _style_of  # noqa: F401  (a kept cell's style, read by set_cells' edits)
from .errors import BAD_TARGET, NOT_A_WORKBOOK, WorkbookError, corrupt, not_a_workbook
from .opc import NS_PKG_REL, NS_R, OpcPackage, Rel, parse_part
from .refs import Ref, RefProblem, parse_area, quote_sheet
from .sheetcells import SheetCells, sheet_cells
from .sheetcells import int_attr as _int
from .sheetplain import plain_sheet_cells
from .workbookxml import DefinedName as DefinedName
from .workbookxml import SheetEntry, read_workbook_part

NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_SHARED_STRINGS = NS_R + "/sharedStrings"
REL_STYLES = NS_R + "/styles"
REL_TABLE = NS_R + "/table"
REL_CALC_CHAIN = NS_R + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MACRO_TEMPLATE = "application/vnd.ms-excel.template.macroEnabled.main+xml"

# Children of <workbook> that come after <definedNames> / <calcPr> in schema order.
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                        "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
_AFTER_CALC_PR = _AFTER_DEFINED_NAMES[1:]



# --- what is read -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    name: str
    index: int  # position in <sheets>, the number localSheetId refers to
    sheet_id: int
    rid: str
    part: str | None  # zip member, None if the relationship is missing
    state: str  # visible | hidden | veryHidden
    is_worksheet: bool  # False for chart sheets, dialog sheets, macro sheets


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject), an alternative source for a kinerja table input."""

    name: str
    display_name: str
    ref: Ref
    header_rows: int
    totals_rows: int
    columns: tuple[str, ...]




@dataclass(frozen=True)
class StyleRecipe:
    """A cell format kinerja may append to styles.xml for its own cells. Existing indices never shift."""

    num_fmt_id: int = 0  # built-in formats only: 0 General, 2 "0.00", 3 "#,##0", 4 "#,##0.00", 49 "@"
    bold: bool = False
    fill_rgb: str | None = None  # "FFD9D9D9"
    wrap: bool = False
    vertical: str | None = None  # top | center


# --- the package -------------------------------------------------------------------------------------------


class Package(OpcPackage):
    """An opened workbook held in memory. Reading methods see pending edits; :meth:`save` writes them."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        raw = self._raw
        main = [r for r in self.rels("") if r.type == REL_OFFICE_DOCUMENT]
        if not main or self.member(main[0].target) is None:
            raise not_a_workbook(self.path, raw)
        self.workbook_part = self.member(main[0].target)
        if NS_STRICT.encode() in self.read(self.workbook_part)[:2000]:
            raise WorkbookError(
                NOT_A_WORKBOOK, str(self.path),
                "format Strict Open XML tidak didukung.", "Strict Open XML workbooks are not supported.",
                "Di Excel: File › Save As › Excel Workbook (*.xlsx) atau Excel Macro-Enabled Workbook (*.xlsm).",
            )

    def is_macro_enabled(self) -> bool:
        return self.content_type(self.workbook_part) in (CT_MACRO_MAIN, CT_MACRO_TEMPLATE)

    # -- workbook: sheets, names, tables, strings -------------------------------------------------------

    def sheets(self) -> list[Sheet]:
        """The workbook's sheets in order. Built once per state of the package (every edit drops the index)."""
        if "sheets" not in self._cache:
            self._cache["sheets"] = tuple(self._read_sheets())
        return list(self._cache["sheets"])

    def _workbook_part(self) -> tuple[tuple[SheetEntry, ...], tuple[DefinedName, ...]]:
        """The sheets' entries and the defined names of the workbook part (:mod:`.workbookxml`: once per content)."""
        part = self.workbook_part
        return read_workbook_part(self.read(part), lambda: self._xml(part), self.path, part)

    def _read_sheets(self) -> list[Sheet]:
        rels = {r.id: r for r in self.rels(self.workbook_part)}
        out = []
        for i, (name, sheet_id, rid, state) in enumerate(self._workbook_part()[0]):
            rel = rels.get(rid)
            part = self.member(rel.target) if rel and not rel.external else None
            out.append(Sheet(name, i, sheet_id, rid, part, state, bool(rel and rel.type == REL_WORKSHEET)))
        return out

    def sheet(self, name: str) -> Sheet | None:
        """Sheet by name, case-insensitive as in Excel."""
        if "sheet_by_name" not in self._cache:
            index: dict[str, Sheet] = {}
            for s in self.sheets():
                index.setdefault(s.name.casefold(), s)
            self._cache["sheet_by_name"] = index
        return self._cache["sheet_by_name"].get(name.casefold())

    def defined_names(self) -> list[DefinedName]:
        if "names" not in self._cache:
            self._cache["names"] = tuple(self._read_defined_names())
        return list(self._cache["names"])

    def _read_defined_names(self) -> list[DefinedName]:
        return list(self._workbook_part()[1])

    def workbook_names(self) -> dict[str, DefinedName]:
        """Workbook-level defined names, keyed by lower-cased name (Excel names are case-insensitive)."""
        if "wb_names" not in self._cache:
            self._cache["wb_names"] = {n.name.casefold(): n for n in self.defined_names() if n.local_sheet is None}
        return dict(self._cache["wb_names"])

    def name_places(self) -> dict[str, str]:
        """Workbook-level name → where it points (``Input!C5``), or its stored text when that is no plain
        reference (:func:`.reader.workbook_names_from`). A function of the defined names alone, which are one
        tuple per content of the workbook part (:mod:`.workbookxml`): made once per that tuple (≈ 0.5 ms for PK
        2024's 505 names), a copy handed out."""
        names = self._workbook_part()[1]
        hit = _PLACES.get(id(names))
        if hit is None or hit[0] is not names:
            out = {}
            for name in {n.name.casefold(): n for n in names if n.local_sheet is None}.values():  # workbook_names
                try:
                    out[name.name] = name.ref().location
                except RefProblem:
                    out[name.name] = name.text
            hit = (names, out)  # holds the tuple: its id is not reused while kept
            if len(_PLACES) >= 8:
                evict_oldest(_PLACES)
            _PLACES[id(names)] = hit
        return dict(hit[1])

    def sheet_scoped_names(self) -> list[DefinedName]:
        return [n for n in self.defined_names() if n.local_sheet is not None]

    def tables(self) -> dict[str, Table]:
        """Excel tables keyed by lower-cased display name."""
        if "tables" not in self._cache:
            self._cache["tables"] = self._read_tables()
        return dict(self._cache["tables"])

    def _read_tables(self) -> dict[str, Table]:
        out: dict[str, Table] = {}
        for sh in self.sheets():
            if not sh.part:
                continue
            for rel in self.rels(sh.part):
                if rel.type != REL_TABLE or rel.external:
                    continue
                t = self._xml(rel.target)
                if t is None:
                    continue
                try:
                    r1, c1, r2, c2 = parse_area(t.get("ref", ""))
                except ValueError:
                    continue
                cols = tuple(c.get("name", "") for c in t.iter(qname("tableColumn")))
                display = t.get("displayName") or t.get("name", "")
                out[display.casefold()] = Table(
                    t.get("name", display), display, Ref(sh.name, r1, c1, r2, c2),
                    *(_int(t.get(a, d), self.path, rel.target, f'{a}="{t.get(a)}"', 0)
                      for a, d in (("headerRowCount", "1"), ("totalsRowCount", "0"))),
                    cols,
                )
        return out

    def shared_strings(self) -> list[str]:
        if "sst" not in self._cache:
            part = next((r.target for r in self.rels(self.workbook_part) if r.type == REL_SHARED_STRINGS), None)
            root = self._xml(part) if part else None
            self._cache["sst"] = [] if root is None else [rich_text(si) for si in root.findall(qname("si"))]
            self._cache["sst_part"] = self.member(part) if part else None  # a write to it drops every sheet's cells
        return self._cache["sst"]

    def cells(self, sheet_name: str) -> SheetCells:
        """All stored cells and merged ranges of a worksheet."""
        sh = self.sheet(sheet_name)
        if sh is None or not sh.part or not sh.is_worksheet:
            raise KeyError(sheet_name)
        key = ("cells", sh.part)
        if key in self._cache:
            return self._cache[key]
        data = self.read(sh.part)
        sst = self.shared_strings()

        me, path, part = weakref.ref(self), self.path, sh.part  # a weak reference: the package keeps the cells

        def tree() -> SheetCells:
            pkg = me()
            return sheet_cells(pkg._xml(part) if pkg is not None else parse_part(data, path, part), data, sst,
                               sh.name, path, part)

        # a part in the plain form is read from its text (no tree built); any other part, or a plain one whose
        # rows or cells the text reader does not recognise, from the tree: the same cells either way (.sheetplain)
        result = plain_sheet_cells(data, sst, sh.name, tree) or tree()
        self._cache[key] = result
        return result

    # -- edits ----------------------------------------------------------------------------------------------

    def set_cells(self, sheet_name: str, cells: dict[tuple[int, int], tuple[object, str | None, int | None]]) -> None:
        """Write (value, formula, style index or None = keep) into cells of an existing worksheet."""
        sh = self.sheet(sheet_name)
        if sh is None or not sh.part or not sh.is_worksheet:
            raise KeyError(sheet_name)
        text, prefix = self.editable(sh.part, NS)
        where = f"{self.path}: {quote_sheet(sh.name)}!"  # locations as Ref.location writes them, for messages
        edits, keys = cell_edits(prefix, cells, where, self.path, sh.name)
        try:
            self.write(sh.part, X.edit_sheet_cells(text, edits, prefix, keys))
        except X.BadPosition as exc:
            raise corrupt(self.path, sh.part, str(exc), exc.en) from None

    def show(self, sheet_name: str, rows: frozenset[int] = frozenset(), cols: frozenset[int] = frozenset()) -> None:
        """Unhide the hidden ``rows`` and ``cols`` of an existing worksheet (:mod:`.unhide`: only their ``hidden``
        attribute changes; a hidden column range is split). The part is not rewritten when none of them is hidden."""
        sh = self.sheet(sheet_name)
        if sh is None or not sh.part or not sh.is_worksheet:
            raise KeyError(sheet_name)
        data = self.read(sh.part)
        if not (rows or cols) or b"hidden" not in data:
            return  # no hidden row or column (nor any hidden attribute) in the part: nothing to read or change
        # asked of the sheet the reader read (from its text or its tree) first, or answered for the same part's
        # bytes and the same rows and columns a moment ago (_HIDDEN_ASKED); the text walked only on a yes
        key = (data, rows, cols)
        asked = _HIDDEN_ASKED.get(key)
        if asked is None:
            cells = self.cells(sheet_name)
            asked = (rows if rows and cells.any_hidden_row(rows) else frozenset(),
                     cols if cols and cells.any_hidden_col(cols) else frozenset())
            if len(data) <= 1 << 20:  # bounded: at most 32 parts of at most 1 MiB kept alive
                if len(_HIDDEN_ASKED) >= 32:
                    evict_oldest(_HIDDEN_ASKED)
                _HIDDEN_ASKED[key] = asked
        rows, cols = asked
        if not (rows or cols):
            return
        text, prefix = self.editable(sh.part, NS)
        try:
            new, shown = U.show_rows(text, rows, prefix)
        except X.BadPosition as exc:
            raise corrupt(self.path, sh.part, str(exc), exc.en) from None
        new, shown_cols = U.show_cols(new, cols, prefix)
        if shown or shown_cols:
            self.write(sh.part, new)

    def put_sheet(self, name: str, xml: str, hidden: bool = False, well_formed: bool = False) -> str:
        """Create a worksheet named ``name`` at the end of the workbook (``hidden``: with state hidden), or replace
        the part of the existing one. Returns the part name. ``well_formed``: see :meth:`write`."""
        existing = self.sheet(name)
        if existing is not None:
            if not existing.part or not existing.is_worksheet:
                raise WorkbookError(BAD_TARGET, f"{self.path}: {name}", f"sheet {name} bukan lembar kerja biasa.",
                                    f"sheet {name} is not a worksheet.", "Ganti nama atau hapus sheet itu.")
            self.write(existing.part, xml, well_formed)
            return existing.part
        _check_sheet_name(name, self.path)
        folder = posixpath.join(posixpath.dirname(self.workbook_part), "worksheets")
        n = len(self.sheets()) + 1
        while self.member(f"{folder}/sheet{n}.xml") is not None:
            n += 1
        part = f"{folder}/sheet{n}.xml"
        self.write(part, xml, well_formed)
        rid = self.add_rel(self.workbook_part, REL_WORKSHEET, part)
        self.add_override(part, CT_WORKSHEET)
        text, p = self.editable(self.workbook_part, NS)
        r = X.ns_prefix(text, NS_R)
        rattr = f'{r}:id="{rid}"' if r else f'r:id="{rid}" xmlns:r="{NS_R}"'
        sheet_id = max((s.sheet_id for s in self.sheets()), default=0) + 1
        state = ' state="hidden"' if hidden else ""
        new = f'<{p}sheet name="{X.escape(name, attr=True)}" sheetId="{sheet_id}"{state} {rattr}/>'
        sheets = X.find(text, p + "sheets")
        self.write(self.workbook_part, X.insert_child(text, sheets, new, (), p))
        return part

    def set_defined_names(self, names: dict[str, str]) -> None:
        """Add or replace workbook-level defined names (name → reference text such as ``Hasil!$B$2``)."""
        text, p = self.editable(self.workbook_part, NS)
        # One walk over the existing names (a template sets hundreds: one splice per name was quadratic). As
        # name by name: the first workbook-level name of the same (case-insensitive) name is replaced in place,
        # the others are appended in order; a name given twice in other cases keeps the first place, last text.
        new: dict[str, str] = {}
        for name, ref_text in names.items():
            new[name.casefold()] = (f'<{p}definedName name="{X.escape(name, attr=True)}">{X.escape(ref_text)}'
                                    f"</{p}definedName>")
        if new:
            block = X.find(text, p + "definedNames")
            if block is None:
                wb = X.find(text, p + "workbook")
                text = X.insert_child(text, wb, f"<{p}definedNames>{''.join(new.values())}</{p}definedNames>",
                                      _AFTER_DEFINED_NAMES, p)
            else:
                lo, hi = block.inner
                out, pos = [], lo
                for el in X.children(text, p + "definedName", lo, hi):
                    tag = text[el.start:el.tag_end]
                    key = (X.attr(tag, "name") or "").casefold()
                    if key in new and X.attr(tag, "localSheetId") is None:
                        out.append(text[pos:el.start] + new.pop(key))
                        pos = el.end
                text = text[:lo] + "".join(out) + text[pos:]
                if new:
                    text = X.insert_child(text, X.find(text, p + "definedNames"), "".join(new.values()), (), p)
        self.write(self.workbook_part, text)

    def set_full_calc_on_load(self) -> None:
        """``<calcPr fullCalcOnLoad="1"/>``: Excel recalculates every formula (kinerja's checks) when opening."""
        text, p = self.editable(self.workbook_part, NS)
        calc = X.find(text, p + "calcPr")
        if calc is None:
            wb = X.find(text, p + "workbook")
            text = X.insert_child(text, wb, f'<{p}calcPr fullCalcOnLoad="1"/>', _AFTER_CALC_PR, p)
        else:
            tag = text[calc.start:calc.tag_end]
            new = X.set_attr(tag, "fullCalcOnLoad", "1")
            if new == tag:
                return
            text = text[:calc.start] + new + text[calc.tag_end:]
        self.write(self.workbook_part, text)

    def drop_calc_chain(self) -> bool:
        """Remove xl/calcChain.xml (a cache Excel rebuilds). Stale entries — a formula cell kinerja overwrote
        with a value — make Excel "repair" the file, so kinerja drops it whenever it writes cells."""
        rels = [r for r in self.rels(self.workbook_part) if r.type == REL_CALC_CHAIN and not r.external]
        if not rels:
            return False
        part = rels[0].target
        rels_name = self.rels_part(self.workbook_part)
        text, p = self.editable(rels_name, NS_PKG_REL)
        for el in X.children(text, p + "Relationship", 0, len(text)):
            if X.attrs(text[el.start:el.tag_end]).get("Id") == rels[0].id:
                self.write(rels_name, X.splice(text, el, ""))
                break
        self.remove_override(part)
        self.delete(part)
        return True

    def ensure_styles(self, recipes: dict[str, StyleRecipe]) -> dict[str, int]:
        """Cell-format indices for ``recipes``: an identical existing ``<xf>`` is reused, otherwise fonts, fills
        and xfs are appended (counts bumped). Existing indices never shift; re-running appends nothing."""
        part = next((r.target for r in self.rels(self.workbook_part) if r.type == REL_STYLES), None)
        if part is None or self.read(part) is None:
            return {}
        text, p = self.editable(part, NS)
        key = (text, p, tuple(recipes.items()))
        done = _STYLED.get(key)
        if done is None:  # a pure function of the part's text and the recipes: a template's workbooks share both
            done = _styled(text, p, recipes)
            if len(_STYLED) >= 8:
                _STYLED.clear()
            _STYLED[key] = done
        new, out = done
        if new is not None and new != text:
            self.write(part, new)
        return dict(out)


_STYLED: dict[tuple, tuple[str | None, dict[str, int]]] = {}
_PLACES: dict[int, tuple[tuple[DefinedName, ...], dict[str, str]]] = {}  # id(defined names) → (them, name places)


def _styled(text: str, p: str, recipes: dict[str, StyleRecipe]) -> tuple[str | None, dict[str, int]]:
    """styles.xml with ``recipes`` reused or appended, and their indices; (None, {}) without ``cellXfs``."""
    out = {}
    for key, rec in recipes.items():
        font_id = 0
        if rec.bold:
            first = _first_child(text, p, "fonts", "font")
            if first is not None:
                font = first if "<" + p + "b/>" in first else re.sub(r"^(<[^>]*>)", r"\1" + f"<{p}b/>", first)
                if first.endswith("/>"):
                    font = f"<{p}font><{p}b/></{p}font>"
                text, font_id = _find_or_append(text, p, "fonts", "font", font)
        fill_id = 0
        if rec.fill_rgb:
            fill = (f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{rec.fill_rgb}"/>'
                    f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
            text, fill_id = _find_or_append(text, p, "fills", "fill", fill)
        xf = (f'<{p}xf numFmtId="{rec.num_fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="0" xfId="0"'
              + (' applyNumberFormat="1"' if rec.num_fmt_id else "")
              + (' applyFont="1"' if font_id else "") + (' applyFill="1"' if fill_id else ""))
        if rec.wrap or rec.vertical:
            align = (' wrapText="1"' if rec.wrap else "") + (f' vertical="{rec.vertical}"' if rec.vertical else "")
            xf += f' applyAlignment="1"><{p}alignment{align}/></{p}xf>'
        else:
            xf += "/>"
        if X.find(text, p + "cellXfs") is None:
            return None, {}
        text, out[key] = _find_or_append(text, p, "cellXfs", "xf", xf)
    return text, out


# --- helpers ------------------------------------------------------------------------------------------------

# (an input sheet's bytes, the rows and columns asked about) → those of them hidden there (Package.show): a pure
# function of the bytes; an input sheet recalculated again unchanged is not walked row by row again (≈ 2.5 ms for the
# sample's five input sheets). The last 32 answers, for parts of at most 1 MiB.
_HIDDEN_ASKED: dict[tuple[bytes, frozenset[int], frozenset[int]], tuple[frozenset[int], frozenset[int]]] = {}


def _check_sheet_name(name: str, path: Path) -> None:
    bad = set("[]:*?/\\")
    if not name or len(name) > 31 or bad & set(name) or name[0] == "'" or name[-1] == "'" \
            or name.casefold() == "history":
        raise WorkbookError(BAD_TARGET, f"{path}: {name}", f"nama sheet {name!r} tidak sah di Excel.",
                            f"{name!r} is not a valid Excel sheet name.",
                            "Maksimal 31 karakter, tanpa [ ] : * ? / \\ dan bukan 'History'.")


def _first_child(text: str, p: str, parent: str, child: str) -> str | None:
    block = X.find(text, p + parent)
    if block is None or block.self_closing:
        return None
    el = X.find(text, p + child, *block.inner)
    return None if el is None else text[el.start:el.end]


def _find_or_append(text: str, p: str, parent: str, child: str, new: str) -> tuple[str, int]:
    """Index of an identical ``child`` in ``parent``, or append it and bump ``count``."""
    block = X.find(text, p + parent)
    items = list(X.children(text, p + child, *block.inner)) if not block.self_closing else []
    for i, el in enumerate(items):
        if text[el.start:el.end] == new:
            return text, i
    text = X.insert_child(text, block, new, (), p)
    block = X.find(text, p + parent)
    tag = text[block.start:block.tag_end]
    text = text[:block.start] + X.set_attr(tag, "count", str(len(items) + 1)) + text[block.tag_end:]
    return text, len(items)


__all__ = [
    "EMPTY", "Cell", "DefinedName", "Package", "Ref", "RefProblem", "Rel", "Sheet", "SheetCells", "StyleRecipe",
    "Table", "cell_xml", "number_text", "MAX_TEXT",
]
