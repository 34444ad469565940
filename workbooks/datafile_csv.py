"""CSV data files: a file with the header ``nama,nilai`` holds single inputs; a file named after a table
(``<table>.csv``) holds that table's rows with the column names in its header (delimiter sniffed: comma,
semicolon or tab).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..engine.errors import InputError
from ..engine.interface import Inputs, InputSpec
from ..engine.limits import clip
from .datafile_keys import removed_inputs
from .datafile_values import build_inputs, given_twice, read_text, written_twice
from .errors import CSV_HEADER


def read_csv(paths: list[Path], specs: list[InputSpec], rules: Any = None) -> Inputs:
    """Every name once: a name in two rows of a file, or a column twice in a header, is B123 (csv would keep
    the last); a name or table given by two files is B109."""
    values: dict[str, Any] = {}
    tables: dict[str, list] = {}
    origin: dict[str, str] = {}
    table_names = {s.name for s in specs if s.is_table}
    for p in paths:
        text = read_text(p)
        try:
            with io.StringIO(text, newline="") as fh:
                sample = fh.read(4096)
                fh.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
                reader = csv.reader(fh, dialect=dialect)
                header = [h.strip() for h in next(reader, [])]
                rows = [(reader.line_num, row) for row in reader if row]  # a blank line is no row
        except csv.Error as exc:
            raise InputError(f"Berkas CSV tidak dapat dibaca: {clip(str(exc), 200)}",
                             message_en=f"Cannot read CSV: {clip(str(exc), 200)}", location=str(p),
                             code="B102") from None
        columns: dict[str, int] = {}
        for h in header:
            if h:
                _once(p, h.lower(), columns, "kolom", 1)
        if p.stem in table_names:
            _given_once(p, p.stem, origin)
            tables[p.stem] = [_row(header, row) for _, row in rows]
        elif [h.lower() for h in header[:2]] == ["nama", "nilai"]:
            seen: dict[str, int] = {}
            for line, row in rows:
                name = row[0].strip() if row else ""
                if not name:
                    continue
                _once(p, name, seen, "nama", line)
                _given_once(p, name, origin)
                values[name] = row[1] if len(row) > 1 else None
        else:
            raise InputError(f"CSV {p.name}: kepala kolom harus 'nama,nilai', atau nama berkas = nama tabel",
                             message_en=f"CSV {p.name}: header must be 'nama,nilai', or the file named after a table",
                             location=str(p), code=CSV_HEADER,
                             hint="tabel yang dikenal: " + ", ".join(sorted(table_names)))
    shown = ", ".join(p.name for p in paths)
    return build_inputs(shown, specs, values, tables, {}, removed=removed_inputs(rules))


def _once(p: Path, name: str, seen: dict[str, int], what: str, line: int) -> None:
    """B123 when ``name`` was already seen (name → its line) in this file; else remember it."""
    if name in seen:
        raise written_twice(f"{p}:{line}", f"{what} {clip(name, 80)}", seen[name], line)
    seen[name] = line


def _row(header: list[str], row: list[str]) -> dict[str, Any]:
    """A table row as csv.DictReader gives it: a missing cell None, cells beyond the header as a list under ""."""
    out: dict[str, Any] = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header)}
    if len(row) > len(header):
        out[""] = row[len(header):]
    return out


def _given_once(p: Path, name: str, origin: dict[str, str]) -> None:
    if name in origin and origin[name] != str(p):
        raise given_twice(f"{p}: {name}", name, origin[name], str(p))
    origin[name] = str(p)
