"""Data files as an input source: YAML (``masukan``, ``tabel``, ``dilaporkan``) and CSV. The user's
documentation of the format is docs/berkas-data.md.

YAML layout (see the bundled ``rules/pk2024-sumsel/data-lkjip-2024.yaml``)::

    masukan:            # input name → value
      setjen_rb_kanwil_pembilang: 55
    tabel:              # table name → list of rows (column → value); a 'baris' key is a citation, not data
      setjen_ikm_kanwil_survei:
        - {unit: September, responden: 8, nilai: 2.54}
    dilaporkan: {...}   # figures a report printed, compared with the computed ones (findings)

CSV: a file with the header ``nama,nilai`` holds single inputs; a file named after a table (``<table>.csv``)
holds that table's rows with column names in the header. Numbers use a decimal point; an Indonesian
``1.234,5`` is read too when the cell is text in that shape.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..engine.batasan import check_inputs
from ..engine.errors import InputError
from ..engine.interface import CellKey, InputProblem, Inputs, InputSpec
from ..engine.limits import MAX_DATA_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, FileRefused, clip, read_regular, shown
from ..engine.tercetak import printed_cell
from ..engine.values import MAX_MAGNITUDE, in_range
from .errors import (
    CSV_HEADER,
    DATA_FILE_KIND,
    DATA_GIVEN_TWICE,
    DATA_NOT_A_MAPPING,
    DATA_OTHER_PERIOD,
    DATA_SHAPES_DIFFER,
    DATA_UNKNOWN_KEY,
    OUT_OF_EXACT_RANGE,
)
from .errors import DATA_BAD_SHAPE as BAD_SHAPE
from .errors import DATA_REFUSED as REFUSED

# --- one reading rule for a number written in a data file -------------------------------------------------------
# A YAML number (decimal point: 2.54, 8219700000, 1.5E+2) or, as text and in CSV cells, the Indonesian form
# (thousands dots and a decimal comma: "20.390.985.000", "1.234,5", "93,88"). A dot followed by exactly three
# digits after one to three digits ("1.000", "100.000") is a thousand in Indonesian and one in YAML: it is asked
# about, never guessed. YAML 1.1's other numbers (012 octal, 1:30 base 60, 0x1F, 1_000) and booleans
# (yes/no/on/off) are not read as numbers: they are text, which a number input reports.
_YAML_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_ID_NUMBER = re.compile(r"^[-+]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$|^[-+]?\d+,\d+$")
_THOUSANDS_OR_DECIMAL = re.compile(r"^[-+]?[1-9]\d{0,2}\.\d{3}$")


class WrittenInt(int):
    """An integer of a data file that keeps the text it was written as (``012`` is 12, and the text ``012``)."""

    text: str


class WrittenDecimal(Decimal):
    """A YAML number with a decimal point or exponent, exact (never through a float), with its text (``1.10``)."""

    text: str


def _written(cls, text: str):
    out = cls(text)
    out.text = text
    return out


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    if isinstance(value, float):  # not made by kinerja's loader; kept for callers passing Python data
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if _ID_NUMBER.match(text) and not _THOUSANDS_OR_DECIMAL.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif not _YAML_NUMBER.match(text) or _THOUSANDS_OR_DECIMAL.match(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return None


def _construct_int(loader, node) -> int:
    return _written(WrittenInt, node.value)


def _construct_float(loader, node) -> Decimal | str:
    text = node.value
    if _THOUSANDS_OR_DECIMAL.match(text):
        return text  # a thousand or one: the number input reports it (B201)
    low = text.lower()
    if low.endswith("inf"):
        return Decimal("-Infinity" if text.startswith("-") else "Infinity")
    if low.endswith("nan"):
        return Decimal("NaN")
    return _written(WrittenDecimal, text)


_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"


def _one_reading(loader_cls: type) -> type:
    """``loader_cls`` resolving plain scalars as YAML 1.2's core schema does: integers in decimal only (``012`` is
    12), numbers with a decimal point or exponent as exact :class:`Decimal`, only true/false as booleans."""
    loader_cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in pairs if tag not in (_INT, _FLOAT, _BOOL)]
        for first, pairs in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    loader_cls.add_implicit_resolver(_INT, re.compile(r"^[-+]?\d+$"), list("-+0123456789"))
    loader_cls.add_implicit_resolver(
        _FLOAT, re.compile(r"^[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$"
                           r"|^\.(?:nan|NaN|NAN)$"), list("-+0123456789."))
    loader_cls.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader_cls.add_constructor(_INT, _construct_int)
    loader_cls.add_constructor(_FLOAT, _construct_float)
    return loader_cls


def _problem(code: str, name: str, where: str, msg: str, msg_en: str, hint: str,
             cell: CellKey | None = None) -> InputProblem:
    shown = str(cell) if cell else name
    return InputProblem(code, name, where, f"{where} ({shown}): {msg}", f"{where} ({shown}): {msg_en}", hint, cell)


def _convert(name: str, kind: str, value: Any, where: str, problems: list[InputProblem],
             cell: CellKey | None = None) -> Decimal | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "teks":
        if isinstance(value, (dict, list)):
            problems.append(_problem("B201", name, where, f"berisi {shown(value)}, seharusnya teks.",
                                     f"contains {shown(value)}, a text is expected.", "isi dengan teks", cell))
            return None
        return getattr(value, "text", None) or str(value)
    d = _number(value)
    if d is None and isinstance(value, str) and _THOUSANDS_OR_DECIMAL.match(value.strip()):
        t = value.strip()
        whole, one = t.replace(".", ""), Decimal(t)
        problems.append(_problem("B201", name, where, f"berisi {t}: titik itu pemisah ribuan ({whole}) atau titik "
                                 f"desimal ({one})?", f"contains {t}: is the dot a thousands separator ({whole}) "
                                 f"or a decimal point ({one})?", f"tulis {whole} bila maksudnya {whole}, atau "
                                 f"\"{t.replace('.', ',')}\" (koma desimal) bila maksudnya {one}", cell))
        return None
    if d is None:
        problems.append(_problem("B201", name, where, f"berisi {shown(value)}, seharusnya angka ({kind}).",
                                 f"contains {shown(value)}, a number ({kind}) is expected.",
                                 "isi dengan angka, mis. 55", cell))
        return None
    if not in_range(d):
        limit = f"{MAX_MAGNITUDE:,.0f}".replace(",", ".")
        problems.append(_problem(OUT_OF_EXACT_RANGE, name, where,
                                 f"bernilai {shown(value)}, di luar rentang yang dihitung tepat oleh kinerja "
                                 f"(besaran di bawah {limit}).",
                                 f"is {shown(value)}, outside the range kinerja computes exactly (magnitude "
                                 f"below {limit}).", "periksa angkanya (satuan, jumlah digit)", cell))
        return None
    if kind == "cacah" and (d < 0 or d != d.to_integral_value()):
        problems.append(_problem("B202", name, where,
                                 f"bernilai {shown(value)}, seharusnya bilangan cacah (bulat ≥ 0).",
                                 f"is {shown(value)}, a whole number ≥ 0 is expected.", "isi dengan bilangan bulat ≥ 0",
                                 cell))
        return None
    if kind == "rupiah" and d < 0:
        problems.append(_problem("B203", name, where, f"bernilai {shown(value)}, rupiah tidak boleh negatif.",
                                 f"is {shown(value)}; an amount cannot be negative.", "periksa tanda minus", cell))
        return None
    return d


class _TooBig(Exception):
    def __init__(self, reason: str, reason_en: str, mark: Any):
        super().__init__(reason)
        self.reason, self.reason_en, self.mark = reason, reason_en, mark


@_one_reading
class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, composing at most :data:`limits.MAX_YAML_DEPTH` levels of nested collections
    and at most :data:`limits.MAX_YAML_NODES` nodes counted with every alias expanded: a "billion laughs" of
    a few lines is refused while it is read, before anything walks (or prints) the aliased tree."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)  # an aliased node's size is already known
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _TooBig(f"bersarang lebih dari {MAX_YAML_DEPTH} tingkat",
                          f"nested more than {MAX_YAML_DEPTH} levels", mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes.get(id(c), 1) for c in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
        if size > MAX_YAML_NODES:
            raise _TooBig(*_too_many(), mark)
        if size > 1:
            self._sizes[id(node)] = size
        return node


#: libyaml's loader when PyYAML was built with it (about 5× faster on a 5 MB file); else the pure-Python one.
#: Composition happens in C there, out of reach of :class:`_BoundedLoader`'s counting, so :func:`_prechecked`
#: first walks libyaml's event stream — no node is composed — and applies the same two limits.
_C_LOADER = _one_reading(type("_CLoader", (yaml.CSafeLoader,), {})) if hasattr(yaml, "CSafeLoader") else None


def _prechecked(text: str) -> None:
    """Depth and alias-expanded size of a YAML text from libyaml's events (the limits of :class:`_BoundedLoader`):
    a node's size is 1 + its children's sizes, an alias counts its anchor's whole size, so an alias bomb of a few
    lines is refused here without anything being expanded, and no deep nesting reaches the C composer."""
    parser = _C_LOADER(text)
    stack: list[list] = []  # per open collection: [size so far, anchor, where it starts]
    anchors: dict[str, int] = {}
    try:
        while parser.check_event():
            ev = parser.get_event()
            if isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                depth = len(stack) + 1
                if not isinstance(ev, yaml.AliasEvent) and depth > MAX_YAML_DEPTH:
                    raise _TooBig(f"bersarang lebih dari {MAX_YAML_DEPTH} tingkat",
                                  f"nested more than {MAX_YAML_DEPTH} levels", ev.start_mark)
                if isinstance(ev, yaml.CollectionStartEvent):
                    stack.append([1, ev.anchor, ev.start_mark])
                    continue
                size = anchors.get(ev.anchor, 1) if isinstance(ev, yaml.AliasEvent) else 1
                if isinstance(ev, yaml.ScalarEvent) and ev.anchor:
                    anchors[ev.anchor] = 1
            elif isinstance(ev, yaml.CollectionEndEvent):
                size, anchor, mark = stack.pop()
                if size > MAX_YAML_NODES:
                    raise _TooBig(*_too_many(), mark)
                if anchor:
                    anchors[anchor] = size
            else:
                continue
            if stack:
                stack[-1][0] += size
    finally:
        parser.dispose()


def _too_many() -> tuple[str, str]:
    return (f"lebih dari {MAX_YAML_NODES:,} unsur bila alias (*…) diuraikan".replace(",", "."),
            f"more than {MAX_YAML_NODES:,} elements once aliases (*…) are expanded")


def _compose(text: str) -> object:
    if _C_LOADER is not None:
        _prechecked(text)
        loader = _C_LOADER(text)
    else:
        loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _read_text(p: Path) -> str:
    """A data file's text: a regular file within :data:`limits.MAX_DATA_FILE_BYTES` (never a FIFO or device)."""
    try:
        return read_regular(p, MAX_DATA_FILE_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"Berkas data tidak ditemukan: {clip(str(p))}",
                         message_en=f"Data file not found: {clip(str(p))}",
                         location=clip(str(p)), code="B101", hint="periksa path berkas --data") from None
    except FileRefused as exc:
        raise InputError(f"Berkas data tidak dibaca: {exc.reason}.", message_en=f"Data file not read: "
                         f"{exc.reason_en}.", location=clip(str(p)), code=REFUSED,
                         hint="berikan berkas .yaml/.csv biasa") from None
    except UnicodeDecodeError:
        raise InputError("Berkas data bukan teks UTF-8.", message_en="The data file is not UTF-8 text.",
                         location=clip(str(p)), code="B102", hint="simpan ulang berkas sebagai UTF-8") from None
    except OSError as exc:
        raise InputError(f"Berkas data tidak dapat dibaca: {exc.strerror or exc}",
                         message_en=f"Cannot read data file: {exc.strerror or exc}", location=clip(str(p)),
                         code="B101") from None


def _load_yaml(p: Path) -> dict:
    try:
        data = _compose(_read_text(p)) or {}
    except _TooBig as exc:
        loc = f"{p}:{exc.mark.line + 1}:{exc.mark.column + 1}" if exc.mark else str(p)
        raise InputError(f"Berkas YAML tidak dibaca: {exc.reason}.", message_en=f"YAML file not read: "
                         f"{exc.reason_en}.", location=loc, code=REFUSED,
                         hint="berkas data kinerja cukup bertingkat: masukan → nama → nilai; tabel → nama → baris"
                         ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark else str(p)
        problem = clip(str(getattr(exc, "problem", None) or exc), 200)
        raise InputError(f"Berkas YAML tidak dapat dibaca: {problem}",
                         message_en=f"Cannot read YAML file: {problem}", location=loc,
                         code="B102", hint="periksa indentasi dan tanda titik dua di baris itu") from None
    if not isinstance(data, dict):
        raise InputError("Berkas data harus berisi pemetaan (masukan:, tabel:, dilaporkan:).",
                         message_en="A data file must contain a mapping (masukan:, tabel:, dilaporkan:).",
                         location=str(p), code=DATA_NOT_A_MAPPING)
    _check_shape(data, p)
    return data


def _bad_shape(p: Path, where: str, what: str, what_en: str) -> InputError:
    return InputError(f"{where} {what}.", message_en=f"{where} {what_en}.", location=f"{p}: {clip(where)}",
                      code=BAD_SHAPE, hint="bentuk berkas data: docs/berkas-data.md; contoh: rules/pk2024-sumsel/"
                      "data-lkjip-2024.yaml")


_REPORTED_GROUPS = ("indikator", "indeks", "sasaran")


def _check_shape(data: dict, p: Path) -> None:
    """The layout every reader of a data file relies on, checked once here (B107 naming the place):
    ``masukan`` name → value, ``tabel`` name → list of rows, ``dilaporkan`` group → id → field → printed
    figures, each figure ``{nilai: number or "-", sumber: text}``."""
    for section in ("masukan", "tabel", "dilaporkan"):
        value = data.get(section)
        if value is not None and not isinstance(value, dict):
            raise _bad_shape(p, section, f"harus pemetaan nama → isi, bukan {shown(value)}",
                             f"must be a mapping name → content, not {shown(value)}")
        for key in value or {}:
            if not isinstance(key, str):
                raise _bad_shape(p, f"{section}.{shown(key)}", "harus bernama teks", "must be named by text")
    for name, rows in (data.get("tabel") or {}).items():
        if rows is not None and not isinstance(rows, list):
            raise _bad_shape(p, f"tabel.{name}", f"harus daftar baris, bukan {shown(rows)}",
                             f"must be a list of rows, not {shown(rows)}")
    for key, group in (data.get("dilaporkan") or {}).items():
        if key in _REPORTED_GROUPS:
            if group is None:
                continue
            if not isinstance(group, dict):
                raise _bad_shape(p, f"dilaporkan.{key}", "harus pemetaan id → bidang", "must be a mapping id → field")
            for ident, fields in group.items():
                where = f"dilaporkan.{key}.{shown(ident)}"
                if fields is None:
                    continue
                if not isinstance(fields, dict):
                    raise _bad_shape(p, where, "harus pemetaan bidang (realisasi, capaian, …) → angka tercetak",
                                     "must be a mapping field (realisasi, capaian, …) → printed figures")
                for fname, entries in fields.items():
                    _check_entries(p, f"{where}.{shown(fname)}", entries)
        elif isinstance(group, (dict, list)):  # a section of the rules (e.g. anggaran): key → printed figures
            for sub, entries in (group.items() if isinstance(group, dict) else enumerate(group)):
                _check_entries(p, f"dilaporkan.{key}.{shown(sub)}", entries)


def _check_entries(p: Path, where: str, entries: Any) -> None:
    items = entries if isinstance(entries, list) else [entries] if isinstance(entries, dict) else None
    if entries is None:
        return
    if items is None:
        raise _bad_shape(p, where, f"harus daftar angka tercetak {{nilai: …, sumber: …}}, bukan {shown(entries)}",
                         f"must be a list of printed figures {{nilai: …, sumber: …}}, not {shown(entries)}")
    for i, e in enumerate(items):
        if not isinstance(e, dict):
            raise _bad_shape(p, f"{where}[{i + 1}]", f"harus {{nilai: …, sumber: …}}, bukan {shown(e)}",
                             f"must be {{nilai: …, sumber: …}}, not {shown(e)}")
        for k, v in e.items():
            if isinstance(v, (dict, list)):
                raise _bad_shape(p, f"{where}[{i + 1}].{shown(k)}", f"harus satu nilai, bukan {shown(v)}",
                                 f"must be one value, not {shown(v)}")
        for k in ("nilai", "target", "realisasi", "capaian") if "tahun" in e else ("nilai",):
            if k not in e:
                continue
            v = e[k]
            try:
                cell = printed_cell(v)
            except ValueError:
                cell = (None, False)
            if cell is not None and (cell[0] is None or not in_range(cell[0])):
                raise _bad_shape(p, f"{where}[{i + 1}].{k}",
                                 f"harus angka (YAML, atau teks seperti tercetak: \"111,40\", \"85%\") dalam rentang "
                                 f"kinerja, atau \"-\"/\"NIHIL\", bukan {shown(v)}",
                                 f"must be a number (YAML, or text as printed: \"111,40\", \"85%\") within kinerja's "
                                 f"range, or \"-\"/\"NIHIL\", not {shown(v)}")


def _merge_reported(into: dict, extra: dict, where: str) -> None:
    """Printed figures of several files: lists of the same slot are concatenated, mappings merged."""
    for key, value in extra.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge_reported(into[key], value, f"{where}.{key}")
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key] = into[key] + value
        else:
            raise InputError(f"dilaporkan.{where}.{key}: bentuknya berbeda antarberkas data (daftar vs pemetaan).",
                             message_en=f"dilaporkan.{where}.{key}: different shapes across data files.",
                             location=f"dilaporkan.{where}.{key}", code=DATA_SHAPES_DIFFER,
                             hint="tulis angka tercetak di tempat yang sama dengan bentuk yang sama")


def read_yaml(path: str | Path | list[str | Path], specs: list[InputSpec], changes: dict | None = None,
              changes_origin: str = "", rules: Any = None) -> Inputs:
    """One YAML data file, or several: inputs and tables may be given once only; printed figures
    (``dilaporkan``) of all files are combined (e.g. the user's data plus a file of further printed figures).
    ``changes`` (``{"masukan": {…}, "tabel": {…}}``) replaces some inputs afterwards (a planner test case).
    ``rules`` (the checked rule set, optional): inputs it removed (``hapus``) are not reported as unknown, and
    each file's period (``periode``/``tahun``) is compared with the year the rules apply to (``berlaku``)."""
    paths = [Path(x) for x in (path if isinstance(path, list) else [path])]
    values: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    reported: dict[str, Any] = {}
    origin: dict[str, str] = {}
    early: list[InputProblem] = []
    for p in paths:
        data = _load_yaml(p)
        early += _top_level(data, p, rules)
        for section, into in (("masukan", values), ("tabel", tables)):
            for name, value in (data.get(section) or {}).items():
                if name in into:
                    raise InputError(f"{section}.{name} diisi di dua berkas data: {origin[name]} dan {p.name}.",
                                     message_en=f"{section}.{name} is given in two data files: {origin[name]} "
                                                f"and {p.name}.", location=f"{p}: {section}.{name}",
                                     code=DATA_GIVEN_TWICE, hint="isi setiap masukan di satu berkas saja")
                into[name], origin[name] = value, p.name
        _merge_reported(reported, data.get("dilaporkan") or {}, p.name)
    for section, into in (("masukan", values), ("tabel", tables)):
        for name, value in ((changes or {}).get(section) or {}).items():
            into[name], origin[name] = value, changes_origin
    inputs = _build(paths[0].name if len(paths) == 1 else None, specs, values, tables, reported, yaml_prefix=True,
                    origin=origin, removed=removed_inputs(rules))
    inputs.problems[:0] = early
    return inputs


def removed_inputs(rules: Any) -> frozenset[str]:
    """Inputs and tables a rule set removed (``hapus``): last year's data may still give them."""
    removed = getattr(getattr(rules, "rules", None), "removed", None) or {}
    return frozenset(k for k, r in removed.items() if r.kind in ("masukan", "tabel"))


def rules_year(rules: Any) -> int | None:
    """The year a rule set applies to (``pengaturan { berlaku = 2025 }``), or None."""
    setting = (getattr(getattr(rules, "rules", None), "settings", None) or {}).get("berlaku")
    value = getattr(getattr(setting, "expr", None), "value", None)
    return int(value) if value is not None else None


_YEAR_TEXT = re.compile(r"^\s*(\d{4})(?!\d)")


def _top_level(data: dict, p: Path, rules: Any) -> list[InputProblem]:
    """Sections of one data file the reader does not know (B110, with a suggestion), and its period against
    the rules' year (B122): ``periode: 2024`` (or ``tahun``, or a text starting with the year such as
    ``"2024-S1"``) read with rules that say ``berlaku = 2025`` mixes two years."""
    out = []
    for key in data:
        if str(key) not in TOP_KEYS:
            sug = _close(str(key), TOP_KEYS)
            out.append(_unknown(f"{p.name}: {key}", f"({p.name}: {key})", f"bagian {key} tidak dikenal berkas data",
                                f"a data file has no section {key}", sug,
                                f"bagian yang dikenal: {', '.join(TOP_KEYS)} (docs/berkas-data.md)",
                                f"known sections: {', '.join(TOP_KEYS)} (docs/berkas-data.md)"))
    year = rules_year(rules)
    for key in ("periode", "tahun"):
        if key not in data or year is None:
            continue
        raw = data[key]
        m = _YEAR_TEXT.match(str(raw)) if isinstance(raw, (int, str)) and not isinstance(raw, bool) else None
        where = f"{p.name}: {key}"
        name = rules.rules.name
        if m is None:
            out.append(InputProblem(
                DATA_OTHER_PERIOD, f"({where})", where,
                f"{where}: {shown(raw)} bukan tahun; set aturan {name} berlaku {year}. Tulis {key}: {year}.",
                f"{where}: {shown(raw)} is not a year; the rule set {name} applies to {year}. Write {key}: {year}.",
                f"tulis {key}: {year}"))
        elif int(m.group(1)) != year:
            data_year = int(m.group(1))
            out.append(InputProblem(
                DATA_OTHER_PERIOD, f"({where})", where,
                f"{where}: data periode {data_year}, tetapi set aturan {name} berlaku {year}: target dan bobot "
                f"{year} dihitung dengan data {data_year}. Berikan data {year}, atau pakai set aturan {data_year}.",
                f"{where}: the data is for {data_year}, but the rule set {name} applies to {year}: {year}'s targets "
                f"and weights are computed on {data_year}'s data. Give {year}'s data, or use the {data_year} rules.",
                f"berikan data {year}, atau set aturan tahun {data_year}"))
    return out


TOP_KEYS = ("masukan", "tabel", "dilaporkan", "periode", "tahun", "unit", "catatan", "sumber")
ROW_NOTES = ("baris", "sumber", "catatan")  # a table row's citation keys, not data


def _close(name: str, candidates) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown(where: str, subject: str, what: str, what_en: str, suggestion: str | None, hint: str,
             hint_en: str = "") -> InputProblem:
    """B110: a key of the data file the rules do not know. ``subject`` is the input it stands for when the
    key looks like a misspelling of an input that is not given (that input then has this problem, never a
    silent empty value); otherwise a name no result depends on."""
    if suggestion:
        hint, hint_en = f"maksud Anda {suggestion}?", f"did you mean {suggestion}?"
    return InputProblem(DATA_UNKNOWN_KEY, subject, where, f"{where}: {what} — {hint}",
                        f"{where}: {what_en} — {hint_en or hint}", hint)


def _unknown_keys(specs: list[InputSpec], values: dict, tables: dict, where_of, removed: frozenset[str],
                  problems: list[InputProblem]) -> None:
    singles = [s.name for s in specs if not s.is_table]
    table_names = [s.name for s in specs if s.is_table]
    for name in values:
        if name in singles or name in removed:
            continue
        where = where_of("masukan", name)
        if name in table_names:
            problems.append(_unknown(where, name, f"{name} adalah tabel, bukan masukan tunggal",
                                     f"{name} is a table, not a single input", None,
                                     f"tulis barisnya di bawah tabel: {name}:", f"write its rows under tabel: {name}:"))
            continue
        sug = _close(name, [n for n in singles if n not in values])
        problems.append(_unknown(where, sug or f"masukan.{name}", f"masukan {name} tidak dikenal set aturan ini",
                                 f"the rules have no input {name}", sug,
                                 "periksa ejaannya; daftar masukan: kinerja templat atau kinerja periksa --json",
                                 "check the spelling; the inputs are listed by kinerja templat"))
    for name in tables:
        if name in table_names or name in removed:
            continue
        where = where_of("tabel", name)
        if name in singles:
            problems.append(_unknown(where, name, f"{name} adalah masukan tunggal, bukan tabel",
                                     f"{name} is a single input, not a table", None,
                                     f"tulis nilainya di bawah masukan: {name}: …",
                                     f"write its value under masukan: {name}: …"))
            continue
        sug = _close(name, [n for n in table_names if n not in tables])
        problems.append(_unknown(where, sug or f"tabel.{name}", f"tabel {name} tidak dikenal set aturan ini",
                                 f"the rules have no table {name}", sug, "periksa ejaannya",
                                 "check the spelling"))
    by_name = {s.name: s for s in specs}
    for name, rows in tables.items():
        spec = by_name.get(name)
        if spec is None or not spec.is_table:
            continue
        cols = [c.name for c in spec.columns or ()]
        seen: dict[str, list[int]] = {}
        for i, row in enumerate(rows or []):
            for key in row if isinstance(row, dict) else ():
                if str(key) not in cols and str(key) not in ROW_NOTES:
                    seen.setdefault(str(key), []).append(i + 1)
        for key, at in seen.items():
            rows_text = ", ".join(str(n) for n in at[:5]) + (", …" if len(at) > 5 else "")
            where = f"{where_of('tabel', name)} baris {rows_text}"
            sug = _close(key, cols)
            # a misspelt column leaves the real one empty in those rows: the table is wrong, never half-read
            problems.append(_unknown(where, name if sug else f"tabel.{name}.{key}",
                                     f"kolom {key} tidak dikenal tabel {name} (kolomnya: {', '.join(cols)})",
                                     f"table {name} has no column {key} (its columns: {', '.join(cols)})", sug,
                                     f"hapus kolom itu, atau tulis sebagai catatan ({'/'.join(ROW_NOTES)})",
                                     f"remove the column, or write it as a note ({'/'.join(ROW_NOTES)})"))


def _build(shown: str | None, specs: list[InputSpec], values: dict, tables: dict, reported: dict,
           yaml_prefix: bool = False, origin: dict[str, str] | None = None,
           removed: frozenset[str] = frozenset()) -> Inputs:
    origin = origin or {}
    inputs = Inputs(origin=shown or ", ".join(dict.fromkeys(origin.values())), reported=reported)
    problems: list[InputProblem] = []
    by_name = {s.name: s for s in specs}

    def where_of(section: str, name: str) -> str:
        return f"{origin.get(name, shown)}: {section}.{name}" if yaml_prefix else f"{shown}: {name}"

    _unknown_keys(specs, values, tables, where_of, removed, problems)
    for name, raw in values.items():
        spec = by_name.get(name)
        where = f"{origin.get(name, shown)}: masukan.{name}" if yaml_prefix else f"{shown}: {name}"
        inputs.sources[name] = where
        if spec is None or spec.is_table:
            inputs.values[name] = raw  # unknown names are ignored by the engine; kept for the audit
            continue
        inputs.values[name] = _convert(name, spec.kind, raw, where, problems)
    for name, rows in tables.items():
        spec = by_name.get(name)
        if spec is None or not spec.is_table:
            continue
        cols = {c.name: c for c in spec.columns or ()}
        out_rows = []
        shown_t = origin.get(name, shown)
        for i, row in enumerate(rows or []):
            if not isinstance(row, dict):
                problems.append(_problem("B204", name, f"{shown_t}: tabel.{name}[{i + 1}]",
                                         "baris harus berupa pemetaan kolom → nilai.",
                                         "a row must be a mapping column → value.", "tulis {kolom: nilai, …}"))
                continue
            line = clip(str(row.get("baris") or ""), 20)
            where_row = f"{shown_t}: tabel.{name}[{i + 1}]" + (f" (laporan baris {line})" if line else "")
            out: dict[str, Any] = {}
            for cname, col in cols.items():
                where = f"{where_row}.{cname}"
                key = CellKey(name, i, cname)
                inputs.sources[key] = where
                out[cname] = _convert(name, col.kind, row.get(cname), where, problems, key)
            out_rows.append(out)
        inputs.tables[name] = out_rows
    inputs.problems = problems
    check_inputs(specs, inputs)  # bounds, allowed values, internal ids: the same rules as workbook cells
    return inputs


def read_csv(paths: list[Path], specs: list[InputSpec], rules: Any = None) -> Inputs:
    values: dict[str, Any] = {}
    tables: dict[str, list] = {}
    table_names = {s.name for s in specs if s.is_table}
    for p in paths:
        text = _read_text(p)
        try:
            with io.StringIO(text, newline="") as fh:
                sample = fh.read(4096)
                fh.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
                reader = csv.DictReader(fh, dialect=dialect)
                rows = list(reader)
                header = [h.strip().lower() for h in (reader.fieldnames or [])]
        except csv.Error as exc:
            raise InputError(f"Berkas CSV tidak dapat dibaca: {clip(str(exc), 200)}",
                             message_en=f"Cannot read CSV: {clip(str(exc), 200)}", location=str(p),
                             code="B102") from None
        if p.stem in table_names:
            tables[p.stem] = [{(k or "").strip(): v for k, v in r.items()} for r in rows]
        elif header[:2] == ["nama", "nilai"]:
            for r in rows:
                key = {k.strip().lower(): v for k, v in r.items() if k}
                if key.get("nama"):
                    values[key["nama"].strip()] = key.get("nilai")
        else:
            raise InputError(f"CSV {p.name}: kepala kolom harus 'nama,nilai', atau nama berkas = nama tabel",
                             message_en=f"CSV {p.name}: header must be 'nama,nilai', or the file named after a table",
                             location=str(p), code=CSV_HEADER,
                             hint="tabel yang dikenal: " + ", ".join(sorted(table_names)))
    shown = ", ".join(p.name for p in paths)
    return _build(shown, specs, values, tables, {}, removed=removed_inputs(rules))


def bundled_data(rules: str = "pk2024-sumsel") -> list[Path]:
    """The data bundled with a rule set: the report's data file as the user gave it, plus the report's further
    printed figures and tables (``angka-tercetak.yaml``) when the rule set has one."""
    from ..engine.loader import bundled_dir

    folder = bundled_dir() / rules
    return [p for p in (folder / "data-lkjip-2024.yaml", folder / "angka-tercetak.yaml") if p.is_file()]


def read_data(paths: list[str | Path], specs: list[InputSpec], rules: Any = None) -> Inputs:
    """Read one or more YAML files, or one or more CSV files, into :class:`Inputs` (values checked against
    kinds; unknown keys reported; with ``rules``, removed inputs allowed and the period checked)."""
    ps = [Path(p) for p in paths]
    if ps and all(p.suffix.lower() in (".yaml", ".yml") for p in ps):
        return read_yaml(ps, specs, rules=rules)
    if all(p.suffix.lower() == ".csv" for p in ps):
        return read_csv(ps, specs, rules=rules)
    raise InputError("Berkas data harus .yaml/.yml atau .csv (satu atau lebih, tidak dicampur).",
                     message_en="Data files must be .yaml/.yml or .csv files (one or more, not mixed).",
                     location=", ".join(str(p) for p in ps), code=DATA_FILE_KIND)


# --- writing a data file (kinerja ekspor) ----------------------------------------------------------------------

def _yaml_text(text: str) -> str:
    """A text as one double-quoted YAML scalar (escapes for every character YAML cannot hold raw)."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf")).rstrip("\n")


def yaml_number(d: Decimal) -> str:
    """A number as YAML text that reads back as exactly ``d`` through :func:`_number`: a plain integer; a plain
    decimal when the float YAML makes of it converts back to the same value (``2.54``); otherwise a quoted
    scientific form (``"1.2345678901234567891E+0"``), which :func:`_number` reads exactly and which can never be
    taken for an Indonesian ``1.234`` (= 1234)."""
    text = format(d, "f")
    if "." not in text:
        return text
    if Decimal(repr(float(text))) == d and not _THOUSANDS_OR_DECIMAL.match(text):
        return text
    return f'"{d:E}"'


def _yaml_value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, Decimal):
        return yaml_number(v)
    return _yaml_text(str(v))


def data_yaml(specs: list[InputSpec], inputs: Inputs, header: list[str], periode: int | None = None) -> str:
    """The YAML data file of ``inputs`` (single values and table rows, as read), in the order of ``specs``,
    each value with the place it came from as a comment. ``read_yaml`` of the text gives the same values."""
    lines = [f"# {h}" if h else "#" for h in header]
    if periode is not None:
        lines.append(f"periode: {periode}")
    singles = [s for s in specs if not s.is_table]
    tables = [s for s in specs if s.is_table]
    group = None
    if singles:
        lines.append("masukan:")
    for s in singles:
        if s.group_label and s.group_label != group:
            group = s.group_label
            lines.append(f"  # {group}")
        where = inputs.sources.get(s.name)
        note = f"    # {where}" if where else ""
        lines.append(f"  {s.name}: {_yaml_value(inputs.values.get(s.name))}{note}")
    if tables:
        lines.append("tabel:")
    for s in tables:
        rows = inputs.tables.get(s.name) or []
        where = inputs.sources.get(s.name)
        note = f"    # {where}" if where else ""
        if not rows:
            lines.append(f"  {s.name}: []{note}")
            continue
        lines.append(f"  {s.name}:{note}")
        for row in rows:
            cells = ", ".join(f"{c.name}: {_yaml_value(row[c.name])}" for c in s.columns or ()
                              if row.get(c.name) is not None)
            lines.append(f"    - {{{cells}}}")
    return "\n".join(lines) + "\n"
