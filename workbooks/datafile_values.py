"""What every data file format shares (YAML and CSV): a data file's text read within limits, the one reading rule
for a number written in a data file, a value read as its input's kind (B201–B203, B213), and the :class:`Inputs`
built from a file's values and tables — bounds and allowed values checked as for workbook cells, unknown keys
reported (:mod:`workbooks.datafile_keys`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..engine.batasan import check_inputs, text_value
from ..engine.errors import InputError
from ..engine.interface import CellKey, InputProblem, Inputs, InputSpec
from ..engine.limits import MAX_DATA_FILE_BYTES, FileRefused, clip, read_regular, shown
from ..engine.values import MAX_MAGNITUDE, THOUSANDS_OR_DECIMAL, in_range
from .datafile_keys import unknown_keys
from .errors import DATA_GIVEN_TWICE, DATA_KEY_TWICE, OUT_OF_EXACT_RANGE
from .errors import DATA_REFUSED as REFUSED

# --- one reading rule for a number written in a data file -------------------------------------------------------
# A YAML number (decimal point: 2.54, 8219700000, 1.5E+2) or, as text and in CSV cells, the Indonesian form
# (thousands dots and a decimal comma: "20.390.985.000", "1.234,5", "93,88"). A dot followed by exactly three
# digits after one to three digits ("1.000", "100.000") is a thousand in Indonesian and one in YAML: it is asked
# about, never guessed. YAML 1.1's other numbers (012 octal, 1:30 base 60, 0x1F, 1_000) and booleans
# (yes/no/on/off) are not read as numbers: they are text, which a number input reports.
_YAML_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_ID_NUMBER = re.compile(r"^[-+]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$|^[-+]?\d+,\d+$")


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


def number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    if isinstance(value, float):  # not made by kinerja's loader; kept for callers passing Python data
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if _ID_NUMBER.match(text) and not THOUSANDS_OR_DECIMAL.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif not _YAML_NUMBER.match(text) or THOUSANDS_OR_DECIMAL.match(text):
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
    if THOUSANDS_OR_DECIMAL.match(text):
        return text  # a thousand or one: the number input reports it (B201)
    low = text.lower()
    if low.endswith("inf"):
        return Decimal("-Infinity" if text.startswith("-") else "Infinity")
    if low.endswith("nan"):
        return Decimal("NaN")
    return _written(WrittenDecimal, text)


_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"


class KeyTwice(yaml.YAMLError):
    """A mapping of a data file with one key written twice (YAML itself would keep the last without a word)."""

    def __init__(self, key: Any, first: Any, again: Any):
        super().__init__(f"{key!r} twice")
        self.key, self.first, self.again = key, first, again


def _construct_mapping(loader, node, deep=False):
    """A mapping whose keys are each written once: the second of two equal keys is :class:`KeyTwice`, never the
    silent winner. Keys merged in with ``<<`` may be overridden, as YAML means them to be."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = loader.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # an unhashable key: the shape check names it
                continue
            if first is not key_node:
                raise KeyTwice(key, first.start_mark, key_node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def one_reading(loader_cls: type) -> type:
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
    loader_cls.construct_mapping = _construct_mapping
    return loader_cls


def written_twice(location: str, what: str, first: int, again: int, why: str = "", why_en: str = "") -> InputError:
    """B123, the one message for a name a data file writes twice (``first``, ``again``: its lines): never the
    last one kept without a word. ``why``: what the format itself would have done."""
    where = f"baris {first} dan baris {again}" if first != again else f"baris {again}"
    where_en = f"line {first} and line {again}" if first != again else f"line {again}"
    return InputError(f"{what} ditulis dua kali ({where}){why}; berkas tidak dibaca.",
                      message_en=f"{what} is written twice ({where_en}){why_en}; the file was not read.",
                      location=location, code=DATA_KEY_TWICE,
                      hint="hapus salah satunya, atau perbaiki namanya bila yang dimaksud nama lain")


def given_twice(location: str, what: str, first: str, second: str) -> InputError:
    """B109, the one message for an input or table that two data files both give."""
    return InputError(f"{what} diisi di dua berkas data: {first} dan {second}.",
                      message_en=f"{what} is given in two data files: {first} and {second}.", location=location,
                      code=DATA_GIVEN_TWICE, hint="isi setiap masukan di satu berkas saja")


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
        return text_value(getattr(value, "text", None) or str(value))
    d = number(value)
    if d is None and isinstance(value, str) and THOUSANDS_OR_DECIMAL.match(value.strip()):
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


def read_text(p: Path) -> str:
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


def build_inputs(shown: str | None, specs: list[InputSpec], values: dict, tables: dict, reported: dict,
           yaml_prefix: bool = False, origin: dict[str, str] | None = None,
           removed: frozenset[str] = frozenset()) -> Inputs:
    origin = origin or {}
    inputs = Inputs(origin=shown or ", ".join(dict.fromkeys(origin.values())), reported=reported)
    problems: list[InputProblem] = []
    by_name = {s.name: s for s in specs}

    def where_of(section: str, name: str) -> str:
        return f"{origin.get(name, shown)}: {section}.{name}" if yaml_prefix else f"{shown}: {name}"

    unknown_keys(specs, values, tables, where_of, removed, problems)
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
