"""The OPC package under an .xlsx/.xlsm: zip members, relationships and content types — read within limits,
edited in memory, saved atomically with every member kinerja did not change copied raw (the same compressed bytes
and metadata, never inflated), in its order.

SpreadsheetML (sheets, names, tables, cells, styles) is :mod:`.ooxml`'s, which extends :class:`OpcPackage`.
"""

from __future__ import annotations

import copy
import io
import posixpath
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import xmltext as X
from .atomic import atomic_write
from .bounded import evict_oldest, refresh
from .errors import (
    FILE_NOT_FOUND,
    NOT_A_WORKBOOK,
    TOO_LARGE,
    WorkbookError,
    corrupt,
    mib,
    not_a_workbook,
    too_large,
    unsafe,
)

NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_CUSTOM = NS_R + "/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID_USER = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# Bounds on what kinerja inflates (a workbook is someone else's data): the whole file, one part it reads, and
# how much a part may grow from its compressed size. Real PK workbooks are well under 1 MiB per part; Excel's
# own sheets compress about 5-20x. Members kinerja does not read are copied compressed and never inflated.
MAX_FILE = 256 * 2**20
MAX_PART = 64 * 2**20
MAX_RATIO = 200
RATIO_FROM = 4 * 2**20  # small parts may compress as well as they like


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # resolved part name for internal targets, raw target for external ones
    external: bool


def parse_part(data: bytes, path, name: str) -> ET.Element:
    """The element tree of the part ``name`` of the package at ``path``; a damaged part is B102."""
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise WorkbookError(
            NOT_A_WORKBOOK, f"{path}: {name}", f"bagian XML rusak ({exc}).", f"a damaged XML part ({exc}).",
            "Buka buku kerja di Excel, biarkan Excel memperbaikinya, lalu simpan ulang.") from None


class OpcPackage:
    """A zip package held in memory. Reading methods see pending edits; :meth:`save` writes them."""

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
                raise too_large(self.path, None, size, MAX_FILE)
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
            raise not_a_workbook(self.path, raw) from exc
        self._raw = raw
        seen: dict[str, str] = {}
        for info in self._infos:
            key = info.filename.lower()
            if key in seen:
                raise corrupt(self.path, info.filename, f"entri zip ganda '{info.filename}'",
                               f"duplicate zip entry '{info.filename}'")
            seen[key] = info.filename
        self._by_name = {i.filename: i for i in self._infos}
        self._data: dict[str, bytes] = {}  # inflated members (read or written), by member name
        self._dirty: set[str] = set()  # original members whose data kinerja replaced
        self._names = dict(seen)
        self._new: list[str] = []  # members added by kinerja, in order
        self._deleted: set[str] = set()

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
            raise too_large(self.path, info.filename, size, MAX_PART)
        if size > RATIO_FROM and size > MAX_RATIO * packed:
            raise WorkbookError(
                TOO_LARGE, f"{self.path}: {info.filename}",
                f"bagian {info.filename} mengembang {size // packed}× saat dibuka ({mib(packed)} → {mib(size)}); "
                f"batasnya {MAX_RATIO}×. Berkas ini tampak seperti bom zip; kinerja tidak membukanya.",
                f"the part {info.filename} inflates {size // packed}× ({mib(packed)} → {mib(size)}); the limit is "
                f"{MAX_RATIO}×. The file looks like a zip bomb; kinerja does not open it.",
                "Buka buku kerja di Excel, hapus isi yang tidak perlu, lalu simpan ulang.",
            )
        data = self._inflate_direct(info)
        if data is not None:
            return data
        try:
            with self._zip.open(info) as f:
                data = f.read(MAX_PART + 1)
        except RuntimeError as exc:  # encrypted member
            raise corrupt(self.path, info.filename, f"bagian {info.filename} terenkripsi",
                           f"the part {info.filename} is encrypted") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
            raise corrupt(self.path, info.filename, f"bagian {info.filename} rusak ({exc})",
                           f"the part {info.filename} is damaged ({exc})") from exc
        if len(data) != size:  # zipfile stops at the declared size and checks the CRC there
            raise corrupt(self.path, info.filename, f"ukuran bagian {info.filename} tidak cocok",
                           f"the size of the part {info.filename} does not match")
        return data

    def _inflate_direct(self, info: zipfile.ZipInfo) -> bytes | None:
        """The member's data inflated straight from the file's bytes with zlib, or None to take zipfile's way
        (:meth:`_inflate`), which then says what is wrong. ``zipfile.open`` costs ≈ 40 µs a member before any
        byte is inflated (its file objects, lock and header reads; ≈ 17 members a Hitung). Answered only for the
        usual member — stored or deflated, not encrypted or patched, its local header whole with the name of its
        directory entry, the data within the file (and within the entry's end where zipfile knows it) — whose
        data comes out whole: the deflate stream ends, gives exactly the declared size, and the CRC-32 is the
        declared one. zipfile gives that very data for such a member (it inflates the same bytes with the same
        zlib, stops at the declared size and checks the same CRC), so either way gives the same bytes; anything
        else, damaged or unusual, goes to zipfile and is reported by its words as before
        (tests/workbooks/test_inflate_direct.py compares both on damaged and generated members)."""
        method, size = info.compress_type, info.file_size
        if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x61:
            return None  # encrypted (bit 0), compressed patched data (5), strong encryption (6)
        raw, off = self._raw, info.header_offset
        head = raw[off:off + 30]
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            return None
        flags, name_len, extra_len = struct.unpack("<H18xHH", head[6:30])
        fname = raw[off + 30:off + 30 + name_len]
        try:
            shown = fname.decode("utf-8" if flags & 0x800 else (self._zip.metadata_encoding or "cp437"))
        except UnicodeDecodeError:
            return None
        start = off + 30 + name_len + extra_len
        end = start + info.compress_size
        known_end = getattr(info, "_end_offset", None)  # zipfile's own bound, where its version has one
        if shown != info.orig_filename or end > len(raw) or (known_end is not None and end > known_end):
            return None
        with memoryview(raw) as view:
            packed = view[start:end]
            try:
                if method == zipfile.ZIP_STORED:
                    data, whole = bytes(packed), True
                else:
                    inflater = zlib.decompressobj(-15)
                    data = inflater.decompress(packed, size + 1)  # never more than one byte past the size
                    whole = inflater.eof
            except zlib.error:
                return None
            finally:
                packed.release()
        if not whole or len(data) != size or zlib.crc32(data) != info.CRC:
            return None
        return data

    def editable(self, name: str, uri: str) -> tuple[str, str]:
        """A part's text and the prefix its ``uri`` elements are written with, for splicing; refuses (``B151``)
        a part the splicer could not follow (see :func:`.xmltext.uniform_prefix`)."""
        text = self.text(name)
        try:
            return text, X.uniform_prefix(text, uri)
        except X.UnsafeXml as exc:
            raise unsafe(self.path, name, exc) from None

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

    def write(self, name: str, data: bytes | str, well_formed: bool = False) -> None:
        """Replace a member's data (metadata kept) or add a new member at the end of the zip (deflated at
        :data:`QUICK_LEVEL` when saved). An XML part is parsed again first — an edit that broke it is refused —
        unless ``well_formed``: the caller made it whole, well-formed by construction (kinerja's own sheets,
        :func:`.sheetxml.owned_sheet_xml`, proven in tests/adversarial/test_owned_sheet_xml.py)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not well_formed and name.lower().endswith((".xml", ".rels")):
            try:
                X.check_well_formed(data)
            except X.UnsafeXml as exc:
                raise unsafe(self.path, name, exc) from None
        actual = self.member(name)
        existed = actual is not None
        if actual is None:
            actual = name.lstrip("/")
            self._names[actual.lower()] = actual
            self._deleted.discard(actual)
            if actual not in self._new and actual not in self._by_name:
                self._new.append(actual)
        if actual in self._by_name:
            self._dirty.add(actual)
        self._data[actual] = data
        self._forget(actual, existed)

    _INDEX = ("sheets", "sheet_by_name", "names", "wb_names")  # read from the workbook part, its relationships
    # and which of their targets exist (ooxml.py)

    def _forget(self, actual: str, existed: bool = False) -> None:
        """Drop what was read from ``actual`` and every index built from several parts; other parts' parsed XML
        and relationships stay, and other sheets' cells unless ``actual`` says which strings are shared, or holds
        them. The index of sheets and defined names stays when ``actual`` is an existing part that is none of
        the workbook part, a relationship part or the content types (e.g. a worksheet written again)."""
        cache = self.__dict__.get("_cache")
        if cache is None:
            return
        wb = getattr(self, "workbook_part", None)  # its relationships say which part holds the shared strings
        name = actual.lower()
        strings = name in (str(cache.get("sst_part")).lower(), self.rels_part(wb).lower() if wb else "")
        index = (existed and wb is not None and name != wb.lstrip("/").lower() and not name.endswith(".rels")
                 and name != "[content_types].xml")
        kept = {k: v for k, v in cache.items() if (k in ("sst", "sst_part") and not strings)
                or (k in self._INDEX and index) or (type(k) is tuple and (
                    (k[0] in ("xml", "cells") and k[1].lstrip("/").lower() != name and (k[0] == "xml" or not strings))
                    or (k[0] == "rels" and self.rels_part(k[1]).lstrip("/").lower() != name)))}
        cache.clear()
        cache.update(kept)

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
            self._cache[key] = None if data is None else parse_part(data, self.path, name)
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

    # -- custom document properties (docProps/custom.xml) -------------------------------------------------

    def custom_properties(self) -> dict[str, str]:
        """docProps/custom.xml as name → text value (a copy). Read once until a part is written: a recalculation
        asks for the stored meta and for the ownership record (twice) of the same package."""
        cache = self._cache
        props = cache.get("custom_properties")  # not kept by _forget: any write reads them again
        if props is None:
            props = cache["custom_properties"] = self._read_custom_properties()
        return dict(props)

    def _read_custom_properties(self) -> dict[str, str]:
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
        kept, pos = [], 0  # one walk: the dropped properties cut out (one splice per property was quadratic)
        for el in list(X.children(text, p + "property", 0, len(text))):
            a = X.attrs(text[el.start:el.tag_end])
            if a.get("name", "").startswith(drop_prefix):
                kept.append(text[pos:el.start])
                pos = el.end
            elif a.get("pid", "").isdigit():
                pids.append(int(a["pid"]))
        if pos:
            text = "".join(kept) + text[pos:]
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
                    _write_member(z, info, self._data[info.filename], QUICK_LEVEL)
                else:
                    self._copy_raw(z, info)
            for name in self._new:
                if name not in self._deleted:
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o600 << 16
                    _write_member(z, info, self._data[name], QUICK_LEVEL)
            z.comment = self._comment
        return buf.getvalue()

    def _copy_raw(self, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Append ``info``'s stored (compressed) bytes to ``z`` unchanged, as zipfile itself writes a member: a
        local header, the data, and the entry for the central directory written on close."""
        off = info.header_offset
        head = self._raw[off:off + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise corrupt(self.path, info.filename, f"header lokal {info.filename} rusak",
                           f"the local header of {info.filename} is damaged")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = off + 30 + name_len + extra_len
        data = self._raw[start:start + info.compress_size]
        if len(data) != info.compress_size:
            raise corrupt(self.path, info.filename, f"data {info.filename} terpotong",
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


# zlib level of every member kinerja writes (a member it does not change is copied raw): ≈ 3× faster than zipfile's
# default (6). Its own sheets (Audit, Temuan, FormatIsian, Hasil; ≈ 0.7 MB of XML): ≈ 6.9 → 1.9 ms when all are new,
# ≈ 20 KB more in the file; the parts a Hitung edits (Ringkasan, workbook, styles, custom properties; ≈ 140 KB on
# the PK 2024 sample): ≈ 1.5 → 0.4 ms, ≈ 4 KB more. The next Hitung writes them all again anyway.
QUICK_LEVEL: int | None = 1

_DEFLATED: dict[tuple[int | None, bytes], tuple[bytes, int]] = {}  # (level, data) → (its deflated bytes, CRC-32),
_DEFLATED_KEPT = 4  # the last few written


def _write_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, level: int | None = None) -> None:
    """``z.writestr(info, data)``; a member whose data was deflated a moment ago (a sheet that is the same in
    every workbook of a batch, e.g. ``FormatIsian``: ≈ 3 ms) gets those deflated bytes again, written as
    zipfile writes a member to a seekable file: the local header with flags 0 and the sizes and CRC, then the
    data. Deflate is a pure function of the data and its level, so the bytes are those zipfile would write.
    ``level``: the zlib level (None: zipfile's default)."""
    plain = (info.compress_type == zipfile.ZIP_DEFLATED and info._compresslevel is None and z._seekable
             and len(data) * 1.05 < zipfile.ZIP64_LIMIT)
    key = (level, data)
    hit = _DEFLATED.get(key) if plain and len(data) >= 65536 else None
    if hit is None:
        start = z.start_dir
        z.writestr(info, data, compresslevel=level)
        if plain and len(data) >= 65536:
            done = z.filelist[-1]
            body = start + len(done.FileHeader(False))
            packed = None
            if isinstance(z.fp, io.BytesIO):
                with z.fp.getbuffer() as view:  # released before the next write resizes the buffer
                    packed = bytes(view[body:body + done.compress_size])
            if packed is not None and len(packed) == done.compress_size:
                if len(_DEFLATED) >= _DEFLATED_KEPT:
                    evict_oldest(_DEFLATED)
                _DEFLATED[(level, bytes(data))] = (packed, done.CRC)
        return
    refresh(_DEFLATED, key)  # most recently used last
    packed, crc = hit
    info.file_size = len(data)
    info.compress_size = len(packed)
    info.CRC = crc
    info.flag_bits = 0x00
    if not info.external_attr:
        info.external_attr = 0o600 << 16
    z.fp.seek(z.start_dir)
    info.header_offset = z.fp.tell()
    z._writecheck(info)
    z._didModify = True
    z.fp.write(info.FileHeader(False))
    z.fp.write(packed)
    z.start_dir = z.fp.tell()
    z.filelist.append(info)
    z.NameToInfo[info.filename] = info


def _without_zip64(extra: bytes) -> bytes:
    """Drop Zip64 records (id 1) from a zip extra field; zipfile adds its own when a member needs one."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[i:i + 4])
        if kind != 1:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return out + extra[i:] if i < len(extra) else out
