"""Findings on the printed figures of the rule set's sections (``bagian anggaran { … }``): a section's values by
name, its tables by name or alias (``pagu_awal_sasaran``), a table row by every input column the printed entry
names; a key the rules do not compute is named with the nearest name or the name it has for that year (T101,
T103, T105). A mixin of :class:`kinerja.engine.findings._Finder`, which holds the result (``self.r``), the
printed figures (``self.rep``), the rounding modes allowed (``self.modes``), the list of findings (``self.out``)
and ``compare``.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import Any

from .interface import CellKey
from .temuan import Temuan, fmt, level_of
from .tercetak import agrees, entries_of, printed_decimal


class SectionChecks:
    """The section checks of :class:`kinerja.engine.findings._Finder`: tables by alias or name, values by name."""

    def sections(self) -> None:
        rs = self.r.rules.rules
        for section in {b.section for b in rs.rows.values() if b.section} | {
                v.section for v in rs.values.values() if v.section}:
            rep = self.rep.get(section) or {}
            if not isinstance(rep, dict):
                continue
            blocks = {b.table: b for b in rs.rows.values() if b.section == section}
            for key, entries in rep.items():
                if key in self.r.values:
                    obj = self.r.values[key]
                    self.compare(key, obj, "nilai", obj.value, [obj.raw], entries_of(entries), None)
                    continue
                table, column = self._table_for(key, blocks)
                if table is None:
                    self.unknown_section_key(section, key, entries, blocks)
                    continue
                self.compare_rows(section, table, blocks[table], column, entries_of(entries) if column else
                                  [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else [])

    def unknown_section_key(self, section: str, key: str, entries, blocks) -> None:
        """A printed figure under a section key the rules do not compute (T103, never silently skipped): the
        nearest name, or for a name with a year (``pagu_belanja_2024``) the rules' ``…_tahun_ini`` /
        ``…_tahun_lalu`` for that year."""
        declared = self.r.rules.rules.values
        names = [k for k in self.r.values if k not in declared or declared[k].section == section]
        names += [f"{col}_{b.alias}" for b in blocks.values() if b.alias for col in
                  [c.name for c in self.r.rules.rules.tables[b.table].columns] + [a.name for a in b.assigns]]
        hint, hint_en = "", ""
        year = re.fullmatch(r"(.+)_(\d{4})", key)
        berlaku = self.r.rules.rules.settings.get("berlaku")
        this = getattr(getattr(berlaku, "expr", None), "value", None)
        if year and this is not None:
            which = {int(this): "tahun_ini", int(this) - 1: "tahun_lalu"}.get(int(year.group(2)))
            if which and f"{year.group(1)}_{which}" in names:
                hint = f" — untuk tahun {year.group(2)} namanya {year.group(1)}_{which}"
                hint_en = f" — for {year.group(2)} it is named {year.group(1)}_{which}"
        if not hint:
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
            if close:
                hint, hint_en = f" — maksud Anda {close[0]}?", f" — did you mean {close[0]}?"
        ident = f"{section}.{key}"
        for e in entries_of(entries) if isinstance(entries, (list, dict)) else []:
            self.out.append(Temuan("T103", "info", ident, f"{ident}: angka dilaporkan untuk nilai yang tidak ada "
                                   f"dalam aturan{hint}", "", None, printed_decimal(e.get("nilai")),
                                   str(e.get("sumber", "")),
                                   pesan_en=f"{ident}: a figure is reported for a value the rules do not have"
                                   f"{hint_en}"))

    def _table_for(self, key: str, blocks) -> tuple[str | None, str | None]:
        if key in blocks:
            return key, None
        for table, blk in blocks.items():
            if blk.alias and key.endswith("_" + blk.alias):
                return table, key[: -len(blk.alias) - 1]
        return None, None

    def compare_rows(self, section: str, table: str, blk, column: str | None, entries: list[dict]) -> None:
        """Printed figures of table rows; a row is identified by every input column the entry names."""
        rows = self.r.tables.get(table) or []
        tdef = self.r.rules.rules.tables[table]
        input_cols = {c.name for c in tdef.columns}
        computed = {a.name for a in blk.assigns}
        label = blk.alias or table
        for e in entries:
            keys = {k: v for k, v in e.items() if k in input_cols and k != column}
            if not keys:
                continue
            row_i = next((i for i, r in enumerate(rows) if all(_same(r.get(k), v) for k, v in keys.items())), None)
            src = str(e.get("sumber", ""))
            ident = f"{section}.{label}." + "/".join(str(v) for v in keys.values())
            if row_i is None:
                self.out.append(Temuan("T103", "info", ident, f"{ident}: baris dilaporkan di {src} tetapi tidak ada "
                                       f"dalam data", "", None, None, src,
                                       pesan_en=f"{ident}: row reported at {src} but not in the data"))
                continue
            row = rows[row_i]
            fields = {column: e.get("nilai")} if column else {k: v for k, v in e.items() if k in computed}
            for fname, pv in fields.items():
                printed = printed_decimal(pv)
                value = row.get(fname)
                if printed is None or not isinstance(value, Decimal):
                    continue
                if agrees(printed, [value, self.r.row_raw.get(CellKey(table, row_i, fname))], self.modes):
                    continue
                if fname not in computed:  # an input column: the same quantity printed twice, differently
                    where = self.r.inputs.sources.get(CellKey(table, row_i, fname), "")
                    msg = (f"{ident}: {fname} dicetak {fmt(printed)} di {src}, tetapi data berisi {fmt(value)}"
                           + (f" ({where})" if where else "") + "; angka yang sama dicetak berbeda di dua tempat "
                           "laporan — pastikan mana yang benar")
                    en = (f"{ident}: {fname} printed {fmt(printed)} at {src}, but the data holds {fmt(value)}"
                          + (f" ({where})" if where else "") + "; the same figure is printed differently in two "
                          "places of the report — establish which is right")
                    self.out.append(Temuan("T105", level_of(value, printed, None, fname), ident, msg, fname, value,
                                           printed, src, f"{blk.span.file}:{blk.span.line}", "", pesan_en=en))
                    continue
                step = self.r.row_steps.get(CellKey(table, row_i, fname))
                deriv = step.line() if step else ""
                msg = (f"{ident}: {fname} dicetak {fmt(printed)} di {src}, aturan menghitung {fmt(value)}"
                       + (f" ({deriv})" if deriv else ""))
                en = (f"{ident}: {fname} printed {fmt(printed)} at {src}, the rule computes {fmt(value)}"
                      + (f" ({deriv})" if deriv else ""))
                self.out.append(Temuan("T101", level_of(value, printed, None, fname), ident, msg, fname, value,
                                       printed, src, f"{blk.span.file}:{blk.span.line}", deriv, pesan_en=en))


def _same(a: Any, b: Any) -> bool:
    """A row's key value equals a printed one (numbers compared as numbers: 2024 == Decimal('2024'))."""
    da = printed_decimal(a) if not isinstance(a, str) else None
    db = printed_decimal(b) if not isinstance(b, str) else None
    if da is not None and db is not None:
        return da == db
    return str(a).strip() == str(b).strip()
