"""A data file's keys checked against the rule set: unknown sections, inputs, tables and table columns named with
the nearest name the rules have (B110: never silently ignored), inputs the rules removed (``hapus``) let through,
and the file's period against the year the rules apply to (B122).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ..engine.interface import InputProblem, InputSpec
from ..engine.limits import shown
from .errors import DATA_OTHER_PERIOD, DATA_UNKNOWN_KEY


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


def top_level(data: dict, p: Path, rules: Any) -> list[InputProblem]:
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


def unknown_keys(specs: list[InputSpec], values: dict, tables: dict, where_of, removed: frozenset[str],
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
