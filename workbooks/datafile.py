"""Data files as an input source: YAML (``masukan``, ``tabel``, ``dilaporkan``) and CSV.

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
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..engine.batasan import check_inputs
from ..engine.errors import InputError
from ..engine.interface import CellKey, InputProblem, Inputs, InputSpec

_ID_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ID_NUMBER.match(text):
            text = text.replace(".", "").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return None


def _problem(code: str, name: str, where: str, msg: str, msg_en: str, hint: str,
             cell: CellKey | None = None) -> InputProblem:
    shown = str(cell) if cell else name
    return InputProblem(code, name, where, f"{where} ({shown}): {msg}", f"{where} ({shown}): {msg_en}", hint, cell)


def _convert(name: str, kind: str, value: Any, where: str, problems: list[InputProblem],
             cell: CellKey | None = None) -> Decimal | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "teks":
        return str(value)
    d = _number(value)
    if d is None:
        problems.append(_problem("B201", name, where, f"berisi {value!r}, seharusnya angka ({kind}).",
                                 f"contains {value!r}, a number ({kind}) is expected.",
                                 "isi dengan angka, mis. 55", cell))
        return None
    if kind == "cacah" and (d < 0 or d != d.to_integral_value()):
        problems.append(_problem("B202", name, where,
                                 f"bernilai {value}, seharusnya bilangan cacah (bulat ≥ 0).",
                                 f"is {value}, a whole number ≥ 0 is expected.", "isi dengan bilangan bulat ≥ 0",
                                 cell))
        return None
    if kind == "rupiah" and d < 0:
        problems.append(_problem("B203", name, where, f"bernilai {value}, rupiah tidak boleh negatif.",
                                 f"is {value}; an amount cannot be negative.", "periksa tanda minus", cell))
        return None
    return d


def _load_yaml(p: Path) -> dict:
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(f"Berkas data tidak ditemukan: {p}", message_en=f"Data file not found: {p}",
                         location=str(p), code="B101", hint="periksa path berkas --data") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark else str(p)
        raise InputError(f"Berkas YAML tidak dapat dibaca: {getattr(exc, 'problem', exc)}",
                         message_en=f"Cannot read YAML file: {getattr(exc, 'problem', exc)}", location=loc,
                         code="B102", hint="periksa indentasi dan tanda titik dua di baris itu") from None
    if not isinstance(data, dict):
        raise InputError("Berkas data harus berisi pemetaan (masukan:, tabel:, dilaporkan:).",
                         message_en="A data file must contain a mapping (masukan:, tabel:, dilaporkan:).",
                         location=str(p), code="B103")
    return data


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
                             location=f"dilaporkan.{where}.{key}", code="B150",
                             hint="tulis angka tercetak di tempat yang sama dengan bentuk yang sama")


def read_yaml(path: str | Path | list[str | Path], specs: list[InputSpec]) -> Inputs:
    """One YAML data file, or several: inputs and tables may be given once only; printed figures
    (``dilaporkan``) of all files are combined (e.g. the user's data plus a file of further printed figures)."""
    paths = [Path(x) for x in (path if isinstance(path, list) else [path])]
    values: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    reported: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for p in paths:
        data = _load_yaml(p)
        for section, into in (("masukan", values), ("tabel", tables)):
            for name, value in (data.get(section) or {}).items():
                if name in into:
                    raise InputError(f"{section}.{name} diisi di dua berkas data: {origin[name]} dan {p.name}.",
                                     message_en=f"{section}.{name} is given in two data files: {origin[name]} "
                                                f"and {p.name}.", location=f"{p}: {section}.{name}", code="B151",
                                     hint="isi setiap masukan di satu berkas saja")
                into[name], origin[name] = value, p.name
        _merge_reported(reported, data.get("dilaporkan") or {}, p.name)
    return _build(paths[0].name if len(paths) == 1 else None, specs, values, tables, reported, yaml_prefix=True,
                  origin=origin)


def _build(shown: str | None, specs: list[InputSpec], values: dict, tables: dict, reported: dict,
           yaml_prefix: bool = False, origin: dict[str, str] | None = None) -> Inputs:
    origin = origin or {}
    inputs = Inputs(origin=shown or ", ".join(dict.fromkeys(origin.values())), reported=reported)
    problems: list[InputProblem] = []
    by_name = {s.name: s for s in specs}
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
            line = row.get("baris")
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


def read_csv(paths: list[Path], specs: list[InputSpec]) -> Inputs:
    values: dict[str, Any] = {}
    tables: dict[str, list] = {}
    table_names = {s.name for s in specs if s.is_table}
    for p in paths:
        try:
            with p.open(newline="", encoding="utf-8-sig") as fh:
                sample = fh.read(4096)
                fh.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
                reader = csv.DictReader(fh, dialect=dialect)
                rows = list(reader)
                header = [h.strip().lower() for h in (reader.fieldnames or [])]
        except FileNotFoundError:
            raise InputError(f"Berkas data tidak ditemukan: {p}", message_en=f"Data file not found: {p}",
                             location=str(p), code="B101") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"Berkas CSV tidak dapat dibaca: {exc}", message_en=f"Cannot read CSV: {exc}",
                             location=str(p), code="B102") from None
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
                             location=str(p), code="B104",
                             hint="tabel yang dikenal: " + ", ".join(sorted(table_names)))
    shown = ", ".join(p.name for p in paths)
    return _build(shown, specs, values, tables, {})


def read_data(paths: list[str | Path], specs: list[InputSpec]) -> Inputs:
    """Read one YAML file, or one or more CSV files, into :class:`Inputs` (values checked against kinds)."""
    ps = [Path(p) for p in paths]
    if ps and all(p.suffix.lower() in (".yaml", ".yml") for p in ps):
        return read_yaml(ps, specs)
    if all(p.suffix.lower() == ".csv" for p in ps):
        return read_csv(ps, specs)
    raise InputError("Berkas data harus .yaml/.yml atau .csv (satu atau lebih, tidak dicampur).",
                     message_en="Data files must be .yaml/.yml or .csv files (one or more, not mixed).",
                     location=", ".join(str(p) for p in ps), code="B105")
