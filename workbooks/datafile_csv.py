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
from .datafile_values import build_inputs, read_text
from .errors import CSV_HEADER


def read_csv(paths: list[Path], specs: list[InputSpec], rules: Any = None) -> Inputs:
    values: dict[str, Any] = {}
    tables: dict[str, list] = {}
    table_names = {s.name for s in specs if s.is_table}
    for p in paths:
        text = read_text(p)
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
    return build_inputs(shown, specs, values, tables, {}, removed=removed_inputs(rules))
