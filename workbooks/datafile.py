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


def read_yaml(path: str | Path, specs: list[InputSpec]) -> Inputs:
    p = Path(path)
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
    values = data.get("masukan") or {}
    tables = data.get("tabel") or {}
    return _build(p.name, specs, values, tables, data.get("dilaporkan") or {}, yaml_prefix=True)


def _build(shown: str, specs: list[InputSpec], values: dict, tables: dict, reported: dict,
           yaml_prefix: bool = False) -> Inputs:
    inputs = Inputs(origin=shown, reported=reported)
    problems: list[InputProblem] = []
    by_name = {s.name: s for s in specs}
    for name, raw in values.items():
        spec = by_name.get(name)
        where = f"{shown}: masukan.{name}" if yaml_prefix else f"{shown}: {name}"
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
        for i, row in enumerate(rows or []):
            if not isinstance(row, dict):
                problems.append(_problem("B204", name, f"{shown}: tabel.{name}[{i + 1}]",
                                         "baris harus berupa pemetaan kolom → nilai.",
                                         "a row must be a mapping column → value.", "tulis {kolom: nilai, …}"))
                continue
            line = row.get("baris")
            where_row = f"{shown}: tabel.{name}[{i + 1}]" + (f" (laporan baris {line})" if line else "")
            out: dict[str, Any] = {}
            for cname, col in cols.items():
                where = f"{where_row}.{cname}"
                key = CellKey(name, i, cname)
                inputs.sources[key] = where
                out[cname] = _convert(name, col.kind, row.get(cname), where, problems, key)
            out_rows.append(out)
        inputs.tables[name] = out_rows
    inputs.problems = problems
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
    if len(ps) == 1 and ps[0].suffix.lower() in (".yaml", ".yml"):
        return read_yaml(ps[0], specs)
    if all(p.suffix.lower() == ".csv" for p in ps):
        return read_csv(ps, specs)
    raise InputError("Berkas data harus .yaml/.yml (satu) atau .csv (satu atau lebih).",
                     message_en="Data files must be one .yaml/.yml or one or more .csv files.",
                     location=", ".join(str(p) for p in ps), code="B105")
