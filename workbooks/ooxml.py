"""The xlsx/xlsm package: read sheets, names, tables and cells; edit only what kinerja owns; save atomically.

An .xlsx/.xlsm is a zip of XML parts. openpyxl cannot be used to write an operator's workbook back because it
re-serialises every part and drops form buttons (see docs/buku-kerja.md). This module keeps every zip member
it does not edit byte-for-byte (same data, same ZipInfo metadata, same order) and edits the few parts it must
by splicing text (:mod:`.xmltext`), so buttons, VBA, charts, images, comments, validation and conditional
formats survive.

Reading uses ElementTree (namespace-aware; prefixes do not matter). Writing edits raw text.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from . import xmltext as X
from .atomic import atomic_write
from .errors import BAD_TARGET, BAD_VALUE, FILE_NOT_FOUND, NOT_A_WORKBOOK, TOO_LARGE, UNSAFE_XML, WorkbookError
from .refs import MAX_ROW, Ref, RefProblem, cell_name, parse_area, parse_cell, parse_ref

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_SHARED_STRINGS = NS_R + "/sharedStrings"
REL_STYLES = NS_R + "/styles"
REL_TABLE = NS_R + "/table"
REL_CALC_CHAIN = NS_R + "/calcChain"
REL_CUSTOM = NS_R + "/custom-properties"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MACRO_TEMPLATE = "application/vnd.ms-excel.template.macroEnabled.main+xml"
FMTID_USER = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# Children of <workbook> that come after <definedNames> / <calcPr> in schema order.
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                        "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
_AFTER_CALC_PR = _AFTER_DEFINED_NAMES[1:]
MAX_TEXT = 32_767  # Excel's limit for one cell (UTF-16 code units)

# Bounds on what kinerja inflates (a workbook is someone else's data): the whole file, one part it reads, and
# how much a part may grow from its compressed size. Real PK workbooks are well under 1 MiB per part; Excel's
# own sheets compress about 5-20x. Members kinerja does not read are copied compressed and never inflated.
MAX_FILE = 256 * 2**20
MAX_PART = 64 * 2**20
MAX_RATIO = 200
RATIO_FROM = 4 * 2**20  # small parts may compress as well as they like


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


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
class DefinedName:
    name: str
    text: str  # as stored, e.g. "Input!$C$5" or "#REF!$C$5"
    local_sheet: str | None  # sheet name for sheet-scoped names, None for workbook-level names
    hidden: bool

    def ref(self) -> Ref:
        """The referenced rectangle; raises :class:`~.refs.RefProblem` for #REF!, constants, formulas…"""
        return parse_ref(self.text)


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
class Cell:
    """A cell's stored content.

    ``kind``: ``empty``, ``number``, ``text``, ``boolean``, ``error``, or ``uncached`` (a formula saved without
    its result). ``text`` is the XML text of the value (``"26943"``, ``"#DIV/0!"``, ``"1"`` for TRUE, the string
    itself for text). ``formula`` is the formula without ``=`` (``""`` for a shared-formula follower), or None.
    """

    kind: str
    text: str = ""
    formula: str | None = None
    style: int | None = None

    @property
    def number(self) -> Decimal:
        return Decimal(self.text)


EMPTY = Cell("empty")


@dataclass(frozen=True)
class SheetCells:
    cells: dict[tuple[int, int], Cell]
    merged: tuple[Ref, ...]

    def get(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col), EMPTY)

    def merge_at(self, row: int, col: int) -> Ref | None:
        for m in self.merged:
            if m.contains(row, col):
                return m
        return None

    def last_row(self) -> int:
        return self._last_row

    @cached_property
    def _last_row(self) -> int:  # the cells of a package state never change (an edit drops them)
        return max((r for r, _ in self.cells), default=0)


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # resolved part name for internal targets, raw target for external ones
    external: bool


@dataclass(frozen=True)
class StyleRecipe:
    """A cell format kinerja may append to styles.xml for its own cells. Existing indices never shift."""

    num_fmt_id: int = 0  # built-in formats only: 0 General, 2 "0.00", 3 "#,##0", 4 "#,##0.00", 49 "@"
    bold: bool = False
    fill_rgb: str | None = None  # "FFD9D9D9"
    wrap: bool = False
    vertical: str | None = None  # top | center


# --- the package -------------------------------------------------------------------------------------------


class Package:
    """An opened workbook held in memory. Reading methods see pending edits; :meth:`save` writes them."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():  # a folder, FIFO or device: never opened (no hang)
            raise WorkbookError(
                NOT_A_WORKBOOK, str(self.path), "bukan berkas biasa (folder, FIFO atau perangkat).",
                "not a regular file (a folder, FIFO or device).",
                "Berikan path berkas buku kerja .xlsx/.xlsm.",
            )
        if not self.path.is_file():
            raise WorkbookError(
                FILE_NOT_FOUND, str(self.path), "berkas tidak ditemukan.", "file not found.",
                "Periksa nama dan folder berkas buku kerja.",
            )
        try:
            size = self.path.stat().st_size
            if size > MAX_FILE:
                raise _too_large(self.path, None, size, MAX_FILE)
            raw = self.path.read_bytes()
        except OSError as exc:
            raise WorkbookError(
                NOT_A_WORKBOOK, str(self.path), f"berkas tidak dapat dibaca ({exc.strerror or exc}).",
                f"the file cannot be read ({exc.strerror or exc}).", "Periksa izin baca berkas itu.",
            ) from exc
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(raw))
            self._infos = self._zip.infolist()
            self._comment = self._zip.comment
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
            raise _not_a_workbook(self.path, raw) from exc
        self._raw = raw
        seen: dict[str, str] = {}
        for info in self._infos:
            key = info.filename.lower()
            if key in seen:
                raise _corrupt(self.path, info.filename, f"entri zip ganda '{info.filename}'",
                               f"duplicate zip entry '{info.filename}'")
            seen[key] = info.filename
        self._by_name = {i.filename: i for i in self._infos}
        self._data: dict[str, bytes] = {}  # inflated members (read or written), by member name
        self._dirty: set[str] = set()  # original members whose data kinerja replaced
        self._names = dict(seen)
        self._new: list[str] = []  # members added by kinerja, in order
        self._deleted: set[str] = set()
        main = [r for r in self.rels("") if r.type == REL_OFFICE_DOCUMENT]
        if not main or self.member(main[0].target) is None:
            raise _not_a_workbook(self.path, raw)
        self.workbook_part = self.member(main[0].target)
        if NS_STRICT.encode() in self.read(self.workbook_part)[:2000]:
            raise WorkbookError(
                NOT_A_WORKBOOK, str(self.path),
                "format Strict Open XML tidak didukung.", "Strict Open XML workbooks are not supported.",
                "Di Excel: File › Save As › Excel Workbook (*.xlsx) atau Excel Macro-Enabled Workbook (*.xlsm).",
            )

    # -- members -----------------------------------------------------------------------------------------

    def member(self, name: str) -> str | None:
        """The zip member for a part name (part names are case-insensitive), or None."""
        actual = self._names.get(name.lstrip("/").lower())
        return actual if actual is not None and actual not in self._deleted else None

    def read(self, name: str) -> bytes | None:
        """A member's data, inflated on first use within the size and ratio limits (:data:`MAX_PART`,
        :data:`MAX_RATIO`); members kinerja never reads are never inflated."""
        actual = self.member(name)
        if actual is None:
            return None
        if actual not in self._data:
            self._data[actual] = self._inflate(self._by_name[actual])
        return self._data[actual]

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_PART:
            raise _too_large(self.path, info.filename, size, MAX_PART)
        if size > RATIO_FROM and size > MAX_RATIO * packed:
            raise WorkbookError(
                TOO_LARGE, f"{self.path}: {info.filename}",
                f"bagian {info.filename} mengembang {size // packed}× saat dibuka ({_mib(packed)} → {_mib(size)}); "
                f"batasnya {MAX_RATIO}×. Berkas ini tampak seperti bom zip; kinerja tidak membukanya.",
                f"the part {info.filename} inflates {size // packed}× ({_mib(packed)} → {_mib(size)}); the limit is "
                f"{MAX_RATIO}×. The file looks like a zip bomb; kinerja does not open it.",
                "Buka buku kerja di Excel, hapus isi yang tidak perlu, lalu simpan ulang.",
            )
        try:
            with self._zip.open(info) as f:
                data = f.read(MAX_PART + 1)
        except RuntimeError as exc:  # encrypted member
            raise _corrupt(self.path, info.filename, f"bagian {info.filename} terenkripsi",
                           f"the part {info.filename} is encrypted") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
            raise _corrupt(self.path, info.filename, f"bagian {info.filename} rusak ({exc})",
                           f"the part {info.filename} is damaged ({exc})") from exc
        if len(data) != size:  # zipfile stops at the declared size and checks the CRC there
            raise _corrupt(self.path, info.filename, f"ukuran bagian {info.filename} tidak cocok",
                           f"the size of the part {info.filename} does not match")
        return data

    def editable(self, name: str, uri: str) -> tuple[str, str]:
        """A part's text and the prefix its ``uri`` elements are written with, for splicing; refuses (``B151``)
        a part the splicer could not follow (see :func:`.xmltext.uniform_prefix`)."""
        text = self.text(name)
        try:
            return text, X.uniform_prefix(text, uri)
        except X.UnsafeXml as exc:
            raise _unsafe(self.path, name, exc) from None

    def text(self, name: str) -> str:
        data = self.read(name)
        if data is None:
            raise KeyError(name)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise WorkbookError(
                NOT_A_WORKBOOK, f"{self.path}: {name}", "bagian XML tidak berkode UTF-8.",
                "an XML part is not UTF-8 encoded.", "Buka dan simpan ulang buku kerja di Excel.",
            ) from None

    def write(self, name: str, data: bytes | str) -> None:
        """Replace a member's data (metadata kept) or add a new member at the end of the zip."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name.lower().endswith((".xml", ".rels")):
            try:
                X.check_well_formed(data)
            except X.UnsafeXml as exc:
                raise _unsafe(self.path, name, exc) from None
        actual = self.member(name)
        if actual is None:
            actual = name.lstrip("/")
            self._names[actual.lower()] = actual
            self._deleted.discard(actual)
            if actual not in self._new and actual not in self._by_name:
                self._new.append(actual)
        if actual in self._by_name:
            self._dirty.add(actual)
        self._data[actual] = data
        self._forget(actual)

    def _forget(self, actual: str) -> None:
        """Drop what was read from ``actual``: replacing an existing worksheet's part changes only that sheet's
        parsed XML and cells; any other change (workbook, relationships, tables, strings, a new or deleted
        member) drops the whole index."""
        cache = self.__dict__.get("_cache")
        if cache is None:
            return
        if actual in self._by_name and any(s.part == actual for s in cache.get("sheets", ())):
            cache.pop(("xml", actual), None)
            cache.pop(("cells", actual), None)
        else:
            self.__dict__.pop("_cache", None)

    def delete(self, name: str) -> None:
        actual = self.member(name)
        if actual is not None:
            self._deleted.add(actual)
            self.__dict__.pop("_cache", None)

    def members(self) -> list[str]:
        """Zip member names in the order :meth:`save` writes them."""
        names = [i.filename for i in self._infos] + self._new
        return [n for n in names if n not in self._deleted]

    @cached_property
    def _cache(self) -> dict:
        return {}

    def _xml(self, name: str) -> ET.Element | None:
        key = ("xml", name)
        if key not in self._cache:
            data = self.read(name)
            try:
                self._cache[key] = None if data is None else ET.fromstring(data)
            except ET.ParseError as exc:
                raise WorkbookError(
                    NOT_A_WORKBOOK, f"{self.path}: {name}", f"bagian XML rusak ({exc}).",
                    f"a damaged XML part ({exc}).", "Buka buku kerja di Excel, biarkan Excel memperbaikinya, "
                    "lalu simpan ulang.",
                ) from None
        return self._cache[key]

    # -- relationships and content types ------------------------------------------------------------------

    @staticmethod
    def rels_part(part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[Rel]:
        key = ("rels", part)
        if key not in self._cache:
            self._cache[key] = tuple(self._read_rels(part))
        return list(self._cache[key])

    def _read_rels(self, part: str) -> list[Rel]:
        root = self._xml(self.rels_part(part))
        if root is None:
            return []
        out = []
        for r in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            target, external = r.get("Target", ""), r.get("TargetMode") == "External"
            if not external:
                target = target[1:] if target.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(part), target))
            out.append(Rel(r.get("Id", ""), r.get("Type", ""), target, external))
        return out

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from ``part`` to ``target_part``; returns its new unique Id."""
        rels_name = self.rels_part(part)
        used = {r.id for r in self.rels(part)}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(part) or ".")
        if self.read(rels_name) is None:
            self.write(rels_name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                  f'<Relationships xmlns="{NS_PKG_REL}"></Relationships>')
        text, p = self.editable(rels_name, NS_PKG_REL)
        root = X.find(text, p + "Relationships")
        new = f'<{p}Relationship Id="{rid}" Type="{rel_type}" Target="{X.escape(target, attr=True)}"/>'
        self.write(rels_name, X.insert_child(text, root, new, (), p))
        return rid

    def add_override(self, part: str, content_type: str) -> None:
        text, p = self.editable("[Content_Types].xml", NS_CT)
        root = ET.fromstring(text.encode("utf-8"))
        for o in root.iter(f"{{{NS_CT}}}Override"):
            if o.get("PartName", "").lower() == "/" + part.lower():
                return
        new = f'<{p}Override PartName="/{X.escape(part, attr=True)}" ContentType="{content_type}"/>'
        self.write("[Content_Types].xml", X.insert_child(text, X.find(text, p + "Types"), new, (), p))

    def remove_override(self, part: str) -> None:
        text, p = self.editable("[Content_Types].xml", NS_CT)
        for el in X.children(text, p + "Override", 0, len(text)):
            if X.attrs(text[el.start:el.tag_end]).get("PartName", "").lower() == "/" + part.lower():
                self.write("[Content_Types].xml", X.splice(text, el, ""))
                return

    def content_type(self, part: str) -> str | None:
        root = self._xml("[Content_Types].xml")
        for o in root.iter(f"{{{NS_CT}}}Override"):
            if o.get("PartName", "").lower() == "/" + part.lower():
                return o.get("ContentType")
        return None

    def is_macro_enabled(self) -> bool:
        return self.content_type(self.workbook_part) in (CT_MACRO_MAIN, CT_MACRO_TEMPLATE)

    # -- workbook: sheets, names, tables, strings -------------------------------------------------------

    def sheets(self) -> list[Sheet]:
        """The workbook's sheets in order. Built once per state of the package (every edit drops the index)."""
        if "sheets" not in self._cache:
            self._cache["sheets"] = tuple(self._read_sheets())
        return list(self._cache["sheets"])

    def _read_sheets(self) -> list[Sheet]:
        wb = self._xml(self.workbook_part)
        rels = {r.id: r for r in self.rels(self.workbook_part)}
        out = []
        for i, s in enumerate(wb.iter(_q("sheet"))):
            rid = s.get(f"{{{NS_R}}}id", "")
            rel = rels.get(rid)
            part = self.member(rel.target) if rel and not rel.external else None
            sheet_id = _int(s.get("sheetId", "0"), self.path, self.workbook_part,
                            f'sheetId="{s.get("sheetId")}" pada sheet {s.get("name", "")!r}')
            out.append(Sheet(s.get("name", ""), i, sheet_id, rid, part,
                             s.get("state", "visible"), bool(rel and rel.type == REL_WORKSHEET)))
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
        wb = self._xml(self.workbook_part)
        sheets = self.sheets()
        out = []
        for d in wb.iter(_q("definedName")):
            local = d.get("localSheetId")
            scope = None
            if local is not None:
                idx = _int(local, self.path, self.workbook_part,
                           f'localSheetId="{local}" pada nama {d.get("name", "")!r}')
                scope = sheets[idx].name if 0 <= idx < len(sheets) else f"#{idx}"
            out.append(DefinedName(d.get("name", ""), (d.text or "").strip(), scope, d.get("hidden") in ("1", "true")))
        return out

    def workbook_names(self) -> dict[str, DefinedName]:
        """Workbook-level defined names, keyed by lower-cased name (Excel names are case-insensitive)."""
        if "wb_names" not in self._cache:
            self._cache["wb_names"] = {n.name.casefold(): n for n in self.defined_names() if n.local_sheet is None}
        return dict(self._cache["wb_names"])

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
                cols = tuple(c.get("name", "") for c in t.iter(_q("tableColumn")))
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
            self._cache["sst"] = [] if root is None else [_rich_text(si) for si in root.findall(_q("si"))]
        return self._cache["sst"]

    def cells(self, sheet_name: str) -> SheetCells:
        """All stored cells and merged ranges of a worksheet."""
        sh = self.sheet(sheet_name)
        if sh is None or not sh.part or not sh.is_worksheet:
            raise KeyError(sheet_name)
        key = ("cells", sh.part)
        if key in self._cache:
            return self._cache[key]
        root = self._xml(sh.part)
        sst = self.shared_strings()
        cells: dict[tuple[int, int], Cell] = {}
        row_num = 0
        tag_c = _q("c")
        for row in root.iter(_q("row")):
            r = row.get("r")
            row_num = row_num + 1 if r is None else _int(r, self.path, sh.part, f'<row r="{r}">', 1, MAX_ROW)
            col_num = 0
            for c in row.iterfind(tag_c):
                ref = c.get("r")
                try:
                    col_num = parse_cell(ref)[1] if ref else col_num + 1
                except ValueError:
                    raise _corrupt(self.path, sh.part, f'<c r="{ref}"> bukan alamat sel',
                                   f'<c r="{ref}"> is not a cell address') from None
                cells[(row_num, col_num)] = _cell(c, sst)
        merged = []
        for m in root.iter(_q("mergeCell")):
            try:
                r1, c1, r2, c2 = parse_area(m.get("ref", ""))
            except ValueError:
                continue
            merged.append(Ref(sh.name, r1, c1, r2, c2))
        result = SheetCells(cells, tuple(merged))
        self._cache[key] = result
        return result

    # -- edits ----------------------------------------------------------------------------------------------

    def set_cells(self, sheet_name: str, cells: dict[tuple[int, int], tuple[object, str | None, int | None]]) -> None:
        """Write (value, formula, style index or None = keep) into cells of an existing worksheet."""
        sh = self.sheet(sheet_name)
        if sh is None or not sh.part or not sh.is_worksheet:
            raise KeyError(sheet_name)
        text, prefix = self.editable(sh.part, NS)

        def edit(row: int, col: int, value: object, formula: str | None, style: int | None) -> X.CellEdit:
            def make(old: str | None) -> str:
                keep = None
                if old is not None:
                    _refuse_shared_master(old, self.path, sh.name, row, col)
                    s = X.attrs(old[: old.index(">") + 1]).get("s")
                    keep = int(s) if s and s.isdigit() else None
                where = f"{self.path}: {Ref(sh.name, row, col, row, col).location}"
                return cell_xml(prefix, row, col, value, formula, style if style is not None else keep, where)
            return make

        edits = {(r, c): edit(r, c, *spec) for (r, c), spec in cells.items()}
        try:
            self.write(sh.part, X.edit_sheet_cells(text, edits, prefix))
        except X.BadPosition as exc:
            raise _corrupt(self.path, sh.part, str(exc), exc.en) from None

    def put_sheet(self, name: str, xml: str) -> str:
        """Create a worksheet named ``name`` at the end of the workbook, or replace the part of the existing one.
        Returns the part name."""
        existing = self.sheet(name)
        if existing is not None:
            if not existing.part or not existing.is_worksheet:
                raise WorkbookError(BAD_TARGET, f"{self.path}: {name}", f"sheet {name} bukan lembar kerja biasa.",
                                    f"sheet {name} is not a worksheet.", "Ganti nama atau hapus sheet itu.")
            self.write(existing.part, xml)
            return existing.part
        _check_sheet_name(name, self.path)
        folder = posixpath.join(posixpath.dirname(self.workbook_part), "worksheets")
        n = len(self.sheets()) + 1
        while self.member(f"{folder}/sheet{n}.xml") is not None:
            n += 1
        part = f"{folder}/sheet{n}.xml"
        self.write(part, xml)
        rid = self.add_rel(self.workbook_part, REL_WORKSHEET, part)
        self.add_override(part, CT_WORKSHEET)
        text, p = self.editable(self.workbook_part, NS)
        r = X.ns_prefix(text, NS_R)
        rattr = f'{r}:id="{rid}"' if r else f'r:id="{rid}" xmlns:r="{NS_R}"'
        sheet_id = max((s.sheet_id for s in self.sheets()), default=0) + 1
        new = f'<{p}sheet name="{X.escape(name, attr=True)}" sheetId="{sheet_id}" {rattr}/>'
        sheets = X.find(text, p + "sheets")
        self.write(self.workbook_part, X.insert_child(text, sheets, new, (), p))
        return part

    def set_defined_names(self, names: dict[str, str]) -> None:
        """Add or replace workbook-level defined names (name → reference text such as ``Hasil!$B$2``)."""
        text, p = self.editable(self.workbook_part, NS)
        for name, ref_text in names.items():
            new = f'<{p}definedName name="{X.escape(name, attr=True)}">{X.escape(ref_text)}</{p}definedName>'
            block = X.find(text, p + "definedNames")
            if block is None:
                wb = X.find(text, p + "workbook")
                text = X.insert_child(text, wb, f"<{p}definedNames>{new}</{p}definedNames>", _AFTER_DEFINED_NAMES, p)
                continue
            lo, hi = block.inner
            for el in X.children(text, p + "definedName", lo, hi):
                a = X.attrs(text[el.start:el.tag_end])
                if a.get("name", "").casefold() == name.casefold() and "localSheetId" not in a:
                    text = X.splice(text, el, new)
                    break
            else:
                text = X.insert_child(text, block, new, (), p)
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
                return {}
            text, out[key] = _find_or_append(text, p, "cellXfs", "xf", xf)
        if text != self.text(part):
            self.write(part, text)
        return out

    def custom_properties(self) -> dict[str, str]:
        """docProps/custom.xml as name → text value."""
        part = self._custom_part()
        root = self._xml(part) if part else None
        if root is None:
            return {}
        out = {}
        for prop in root.iter(f"{{{NS_CUSTOM}}}property"):
            value = next(iter(prop), None)
            out[prop.get("name", "")] = "" if value is None else X.excel_unescape(value.text or "")
        return out

    def set_custom_properties(self, drop_prefix: str, props: dict[str, str]) -> None:
        """Remove every custom property whose name starts with ``drop_prefix`` and add ``props`` (as text).
        Other custom properties are left as they are. Creates docProps/custom.xml when needed."""
        part = self._custom_part()
        if part is None:
            part = "docProps/custom.xml"
            self.write(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                             f'<Properties xmlns="{NS_CUSTOM}" xmlns:vt="{NS_VT}"></Properties>')
            self.add_rel("", REL_CUSTOM, part)
            self.add_override(part, CT_CUSTOM)
        text, p = self.editable(part, NS_CUSTOM)
        vt = X.ns_prefix(text, NS_VT)
        pids = []
        for el in reversed(list(X.children(text, p + "property", 0, len(text)))):
            a = X.attrs(text[el.start:el.tag_end])
            if a.get("name", "").startswith(drop_prefix):
                text = X.splice(text, el, "")
            elif a.get("pid", "").isdigit():
                pids.append(int(a["pid"]))
        pid = max(pids, default=1) + 1
        new = []
        for name, value in props.items():
            lp = f"<{vt}:lpwstr>" if vt else f'<vt:lpwstr xmlns:vt="{NS_VT}">'
            close = f"</{vt}:lpwstr>" if vt else "</vt:lpwstr>"
            new.append(f'<{p}property fmtid="{FMTID_USER}" pid="{pid}" name="{X.escape(name, attr=True)}">'
                       f"{lp}{X.escape(X.excel_escape(value))}{close}</{p}property>")
            pid += 1
        self.write(part, X.insert_child(text, X.find(text, p + "Properties"), "".join(new), (), p))

    def _custom_part(self) -> str | None:
        rel = next((r for r in self.rels("") if r.type == REL_CUSTOM and not r.external), None)
        return self.member(rel.target) if rel else None

    # -- save ------------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The package as zip bytes. Members kinerja did not change are copied raw — the same compressed bytes and
        metadata, never inflated — in their order; changed ones keep their ZipInfo; new ones go last."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for info in self._infos:
                if info.filename in self._deleted:
                    continue
                if info.filename in self._dirty:
                    info = copy.copy(info)
                    info.extra = _without_zip64(info.extra)  # sizes there would describe the old member
                    z.writestr(info, self._data[info.filename])
                else:
                    self._copy_raw(z, info)
            for name in self._new:
                if name not in self._deleted:
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o600 << 16
                    z.writestr(info, self._data[name])
            z.comment = self._comment
        return buf.getvalue()

    def _copy_raw(self, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Append ``info``'s stored (compressed) bytes to ``z`` unchanged, as zipfile itself writes a member: a
        local header, the data, and the entry for the central directory written on close."""
        off = info.header_offset
        head = self._raw[off:off + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise _corrupt(self.path, info.filename, f"header lokal {info.filename} rusak",
                           f"the local header of {info.filename} is damaged")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = off + 30 + name_len + extra_len
        data = self._raw[start:start + info.compress_size]
        if len(data) != info.compress_size:
            raise _corrupt(self.path, info.filename, f"data {info.filename} terpotong",
                           f"the data of {info.filename} is truncated")
        new = copy.copy(info)
        new.extra = _without_zip64(info.extra)
        new.flag_bits &= ~0x08  # sizes go into the local header; no data descriptor follows
        z.fp.seek(z.start_dir)
        new.header_offset = z.fp.tell()
        z.fp.write(new.FileHeader(None))
        z.fp.write(data)
        z.start_dir = z.fp.tell()
        z.filelist.append(new)
        z.NameToInfo[new.filename] = new
        z._didModify = True

    def save(self, dest: str | Path | None = None) -> Path:
        """Atomically write the package to ``dest`` (default: where it was opened). See :mod:`.atomic`."""
        target = Path(dest) if dest is not None else self.path
        data = self.to_bytes()
        atomic_write(target, lambda f: f.write(data))
        return target


# --- helpers ------------------------------------------------------------------------------------------------


def _int(text: str, path: Path, part: str, what: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer attribute of a part, or B102 naming the part and the attribute."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        value = None
    if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise _corrupt(path, part, f"{what} bukan bilangan yang sah", f"{what} is not a valid number")
    return value


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} B"


def _too_large(path: Path, part: str | None, size: int, limit: int) -> WorkbookError:
    what, what_en = (f"bagian {part}", f"the part {part}") if part else ("berkas", "the file")
    return WorkbookError(
        TOO_LARGE, f"{path}: {part}" if part else str(path),
        f"{what} berukuran {_mib(size)} setelah dibuka; batasnya {_mib(limit)}. kinerja tidak membukanya.",
        f"{what_en} is {_mib(size)} when inflated; the limit is {_mib(limit)}. kinerja does not open it.",
        "Buka buku kerja di Excel, hapus isi yang tidak perlu (baris kosong berformat, gambar besar), lalu simpan "
        "ulang.",
    )


def _corrupt(path: Path, part: str, why: str, why_en: str) -> WorkbookError:
    return WorkbookError(
        NOT_A_WORKBOOK, f"{path}: {part}", f"paket buku kerja rusak: {why}; kinerja tidak mengubah apa pun.",
        f"the workbook package is damaged: {why_en}; kinerja changed nothing.",
        "Buka buku kerja di Excel, biarkan Excel memperbaikinya, lalu simpan ulang (tanpa kata sandi).",
    )


def _unsafe(path: Path, part: str, exc: X.UnsafeXml) -> WorkbookError:
    return WorkbookError(
        UNSAFE_XML, f"{path}: {part}",
        f"bagian {part} tidak dapat diubah dengan aman: {exc.reason}; kinerja tidak mengubah apa pun.",
        f"the part {part} cannot be edited safely: {exc.reason_en}; kinerja changed nothing.",
        "Buka buku kerja di Excel lalu simpan ulang (Excel menulis bagian itu dalam bentuk baku), lalu jalankan "
        "lagi.",
    )


def _not_a_workbook(path: Path, raw: bytes) -> WorkbookError:
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        hint = ("Berkas ini format lama (.xls) atau dilindungi kata sandi. Di Excel: hapus kata sandi lalu "
                "File › Save As › Excel Workbook (*.xlsx) / Excel Macro-Enabled Workbook (*.xlsm).")
    else:
        hint = "Gunakan buku kerja .xlsx atau .xlsm yang disimpan oleh Excel, atau templat kinerja."
    return WorkbookError(NOT_A_WORKBOOK, str(path), "bukan buku kerja .xlsx/.xlsm yang valid.",
                         "not a valid .xlsx/.xlsm workbook.", hint)


def _without_zip64(extra: bytes) -> bytes:
    """Drop Zip64 records (id 1) from a zip extra field; zipfile adds its own when a member needs one."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[i:i + 4])
        if kind != 1:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return out + extra[i:] if i < len(extra) else out


def _rich_text(el: ET.Element) -> str:
    """Text of an ``<si>``/``<is>``: its ``<t>`` and run ``<t>``s, without phonetic (``<rPh>``) runs."""
    parts = []
    for child in el:
        if child.tag == _q("t"):
            parts.append(child.text or "")
        elif child.tag == _q("r"):
            t = child.find(_q("t"))
            parts.append(t.text or "" if t is not None else "")
    return X.excel_unescape("".join(parts))


_F, _V, _IS = _q("f"), _q("v"), _q("is")


def _cell(c: ET.Element, sst: list[str]) -> Cell:
    t = c.get("t", "n")
    s = c.get("s")
    style = int(s) if s and s.isdigit() else None
    f = v = is_ = None
    for child in c:  # the first of each, as Element.find would give
        tag = child.tag
        if tag == _V:
            v = child if v is None else v
        elif tag == _F:
            f = child if f is None else f
        elif tag == _IS:
            is_ = child if is_ is None else is_
    formula = None if f is None else (f.text or "")
    if t == "inlineStr":
        return Cell("text", _rich_text(is_) if is_ is not None else "", formula, style)
    text = "" if v is None else v.text or ""
    if formula is not None and (v is None or (not text and t != "str")):
        return Cell("uncached", "", formula, style)  # openpyxl writes <v/>, kinerja writes no <v>
    if v is None:
        return Cell("empty", "", formula, style)
    if t == "s":
        try:
            return Cell("text", sst[int(text)], formula, style)
        except (ValueError, IndexError):
            return Cell("error", "#REF!", formula, style)
    if t in ("str", "d"):
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
    p = prefix
    attrs = f'r="{cell_name(row, col)}"' + (f' s="{style}"' if style is not None else "")
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
        space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
        return (f'<{p}c {attrs} t="inlineStr"><{p}is><{p}t{space}>{X.escape(X.excel_escape(value))}'
                f"</{p}t></{p}is></{p}c>")
    raise WorkbookError(BAD_VALUE, where, f"jenis nilai {type(value).__name__} tidak dapat ditulis ke sel.",
                        f"a {type(value).__name__} cannot be written to a cell.",
                        "Gunakan Decimal, int, float, str, bool atau None.")


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


def _refuse_shared_master(old: str, path: Path, sheet: str, row: int, col: int) -> None:
    """Overwriting the master of a shared or array formula would break the other cells that use it."""
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
    "Cell", "DefinedName", "Package", "Ref", "RefProblem", "Rel", "Sheet", "SheetCells", "StyleRecipe", "Table",
    "cell_xml", "number_text",
]
