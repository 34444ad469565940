"""What a valid input value is, derived from the rules: bounds per kind and the allowed values of reference columns.

One meaning, many readers: the workbook reader, the data-file reader and the template generator (Excel data
validation and dropdowns) all read these, so the check an operator meets when typing in Excel is the check the
engine applies when it reads the file.

Bounds per kind (``batas``):

* ``cacah`` — whole number ≥ 0;  ``rupiah`` — ≥ 0;
* ``persen`` — 0 to 100 (a rule whose value may exceed 100 declares the input ``angka``);
* ``indeks`` — 0 to the rule set's index scale (the ``skala`` its indices declare, when they agree), else ≥ 0;
* ``tahun`` — a year: whole number 1900–9999 (a fraction is B220, outside the range B214);
* ``angka`` and ``teks`` — no bounds.

Allowed values (``pilihan``) of a ``teks`` table column that refers to something:

* named ``sasaran`` / ``eselon`` / ``indikator``, or compared in the rules (``untuk kolom = "…"``) only with ids
  of one of those kinds → every id of that kind in the rule set;
* named ``bulan``, or labelled "Bulan …" → the twelve month names (Januari … Desember);
* labelled with alternatives in parentheses, ``"Jenis belanja (Belanja Pegawai / Barang / Modal)"`` → those
  alternatives, the first one's leading words completing the shorter ones (Belanja Pegawai, Belanja Barang,
  Belanja Modal).

Values are compared exactly (as the rules compare them): ``Pas_S1`` is not ``pas_s1``. A free-text cell holding an
internal id (``setjen_s1`` as a satker name) is flagged too: ids are for the rules, people read names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .interface import CellKey, ColumnSpec, InputProblem, Inputs, InputSpec
from .values import CTX

OUT_OF_RANGE = "B214"  # a number outside the bounds of its kind (persen 0–100, indeks 0–skala, …)
NOT_A_CHOICE = "B215"  # a value that is not one of the column's allowed values (unknown or mis-cased id, month)
INTERNAL_ID = "B216"  # an internal id (sasaran, indikator, masukan …) typed into a free-text cell
PERCENT_FORMAT = "B217"  # a percent-formatted cell in an input that is not a percentage
NOT_WHOLE = "B220"  # a fraction in a kind that is whole by definition (tahun)
DUPLICATE_KEY = "B222"  # two rows of a table with the same key (``kunci``): the same month or satker twice

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
ZERO, HUNDRED = Decimal(0), Decimal(100)
FIRST_YEAR, LAST_YEAR = Decimal(1900), Decimal(9999)


@dataclass(frozen=True)
class Batas:
    """Bounds of one kind of number; ``whole`` = no fractional part."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    whole: bool = False

    def words(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"{_id(self.minimum)}–{_id(self.maximum)}"
        if self.minimum is not None:
            return f"≥ {_id(self.minimum)}"
        return f"≤ {_id(self.maximum)}" if self.maximum is not None else ""


def batas(kind: str, scale: Decimal | None = None) -> Batas:
    """The bounds of ``kind`` (``scale``: the rule set's index scale, for ``indeks``)."""
    if kind == "indeks":
        return Batas(ZERO, scale)
    return _FIXED.get(kind, _NO_BOUNDS)  # frozen: one object per kind, not one per value checked


_FIXED = {"cacah": Batas(ZERO, None, True), "rupiah": Batas(ZERO), "persen": Batas(ZERO, HUNDRED),
          "tahun": Batas(FIRST_YEAR, LAST_YEAR, True)}
_NO_BOUNDS = Batas()


def text_value(text: str) -> str:
    """A text input as the operator sees it — the one reading rule of a ``teks`` value, for every reader: spaces at
    either end (a no-break space pasted from a web page included) are invisible, so not part of it. Kept, ``"pas_s1 "``
    passed the allowed-values check (which compares the stripped text) yet matched no ``untuk sasaran = "pas_s1"``:
    the row's budget was dropped from the sasaran's sum without a word."""
    return text.strip()


def index_scale(rules: Any) -> Decimal | None:
    """The one ``skala`` the rule set's indices declare (None when none or several)."""
    scales = {i.scale for i in rules.indices.values() if getattr(i, "scale", None) is not None}
    return scales.pop() if len(scales) == 1 else None


def choices_of(table: str, col: ColumnSpec, rules: Any) -> tuple[str, ...] | None:
    """The allowed values of one table column, or None for free text (see the module text)."""
    if col.kind != "teks":
        return None
    kinds = {"sasaran": tuple(rules.sasaran), "eselon": tuple(rules.eselons), "indikator": tuple(rules.indicators)}
    if col.name in kinds and kinds[col.name]:
        return kinds[col.name]
    compared = _compared_literals(rules, table, col.name)
    if compared:
        for ids in kinds.values():
            if ids and compared <= set(ids):
                return ids
    label = (col.label or "").strip()
    if col.name == "bulan" or label.casefold().startswith("bulan"):
        return MONTHS
    m = re.search(r"\(([^()]*/[^()]*)\)\s*$", label)
    if m:
        parts = [p.strip() for p in m.group(1).split("/") if p.strip()]
        if len(parts) >= 2:
            first = parts[0].split()
            out = [parts[0]]
            for p in parts[1:]:
                n = len(first) - len(p.split())
                out.append(" ".join(first[:n] + [p]) if n > 0 else p)
            return tuple(out)
    return None


def _compared_literals(rules: Any, table: str, column: str) -> set[str]:
    """String literals the rules compare ``table.column`` with in ``untuk column = "…"`` filters."""
    pattern = re.compile(rf"\b{re.escape(table)}\.\w+\s+untuk\s+(.*?)\)")
    found: set[str] = set()
    for v in getattr(rules, "values", {}).values():
        text = v.formula.span.text if getattr(v, "formula", None) is not None else ""
        for cond in pattern.findall(text):
            found.update(re.findall(rf"\b{re.escape(column)}\s*=\s*\"([^\"]*)\"", cond))
    return found


def internal_ids(rules: Any) -> set[str]:
    """Every id the rules define (lower-cased): sasaran, indicators, indices, eselon, inputs, tables, values."""
    out: set[str] = set()
    for group in ("sasaran", "indicators", "indices", "eselons", "inputs", "tables", "values"):
        out.update(k.casefold() for k in getattr(rules, group, {}))
    return {i for i in out if "_" in i or "." in i}  # plain words ("Januari") are not ids


def row_label(spec: InputSpec, row: dict[str, Any]) -> str:
    """How people recognise a table row: its text columns (satker name, bulan, jenis belanja)."""
    parts = [str(row[c.name]).strip() for c in spec.columns or () if c.kind == "teks"
             and isinstance(row.get(c.name), str) and str(row[c.name]).strip()]
    return " · ".join(parts)


def cell_label(spec: InputSpec, i: int, column: str, row_text: str) -> tuple[str, str]:
    """(Indonesian, English) words for one table cell: table, row number, row label, column."""
    shown = f" «{_clip(row_text)}»" if row_text else ""
    return f"{spec.name}.{column}, baris {i + 1}{shown}", f"{spec.name}.{column}, row {i + 1}{shown}"


def check_inputs(specs: list[InputSpec], inputs: Inputs) -> None:
    """Add a problem for every value outside its bounds or its allowed values, and for internal ids in free
    text (what the specs of :func:`kinerja.engine.input_specs` carry). Values already reported (their cell or
    input has a problem) are not checked again. Every reader calls this once after reading."""
    have = {(p.input, p.cell) for p in inputs.problems}
    for spec in specs:
        if (spec.name, None) in have:
            continue
        if not spec.is_table:
            v = inputs.values.get(spec.name)
            where = inputs.sources.get(spec.name, spec.name)
            for what, what_en, hint, code in value_faults(v, spec.kind, None, spec.known_ids, spec.maximum):
                inputs.problems.append(InputProblem(
                    code, spec.name, where, f"{where} ({spec.name}): {what}. {hint}",
                    f"{where} ({spec.name}): {what_en}.", hint))
            continue
        for i, row in enumerate(inputs.tables.get(spec.name, [])):
            for col in spec.columns or ():
                if have and (spec.name, CellKey(spec.name, i, col.name)) in have:
                    continue
                faults = value_faults(row.get(col.name), col.kind, col.choices, spec.known_ids, col.maximum)
                if not faults:
                    continue  # the key and the words naming the cell are made only for a problem
                key = CellKey(spec.name, i, col.name)
                where = inputs.sources.get(key, str(key))
                label, label_en = cell_label(spec, i, col.name, row_label(spec, row))
                for what, what_en, hint, code in faults:
                    inputs.problems.append(InputProblem(
                        code, spec.name, where, f"{where} ({label}): {what}. {hint}",
                        f"{where} ({label_en}): {what_en}.", hint, key))
        if spec.key:
            inputs.problems.extend(duplicate_rows(spec, inputs.tables.get(spec.name, []), inputs.sources))


def key_form(v: Any) -> Any:
    """How a key value is compared with another row's: what looks the same to the operator is the same. A number
    is compared as a number (2024 = 2024,0). A text is the text as read (:func:`text_value`) compared the way B215
    recognises a mistyped choice: invisible characters (zero-width space, no-break space) as the spaces they show
    as or nothing, runs of spaces as one, and letter case ignored — "Oktober" and "oktober " are one month, "Lapas
    Kelas I" and "LAPAS  KELAS I" one satker. The value itself is not changed (B215 still asks for the right
    spelling); only the comparison of keys reads it this way."""
    if not isinstance(v, str):
        return v
    text = text_value(v)
    if text.isascii() and text.isprintable():  # no control character and no space but " ": nothing to replace
        return " ".join(text.split()).casefold()
    shown = "".join((" " if unicodedata.category(ch)[0] == "Z" else "") if ch != " " and unicodedata.category(
        ch)[0] in "CZ" else ch for ch in text)
    return " ".join(shown.split()).casefold()


def duplicate_rows(spec: InputSpec, rows: list[dict[str, Any]], sources: dict) -> list[InputProblem]:
    """B222 for every row whose key (``spec.key``) another row of the table also has, each naming the other rows.
    Rows with an empty key cell are left to the required-cell check (an empty row is no row); a key cell that could
    not be read (None after a reader's problem) is empty here too. Both rows are refused, not one kept: kinerja
    cannot know which copy is right."""
    by_key: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        values = [row.get(k) for k in spec.key]
        if any(v is None or (isinstance(v, str) and not text_value(v)) for v in values):
            continue
        by_key.setdefault(tuple(key_form(v) for v in values), []).append(i)
    cols = {c.name: c for c in spec.columns or ()}
    names = " / ".join(column_words(cols[k]) if k in cols else k for k in spec.key)
    out: list[InputProblem] = []
    for same in (ix for ix in by_key.values() if len(ix) > 1):
        for i in same:
            key = CellKey(spec.name, i, spec.key[0])
            where = sources.get(key, str(key))
            shown = ", ".join(f"{column_words(cols[k]) if k in cols else k} {_key_text(rows[i].get(k))}"
                              for k in spec.key)
            others = [f"baris {j + 1} ({sources.get(ck, str(ck))})" for j in same if j != i
                      for ck in [CellKey(spec.name, j, spec.key[0])]]
            others_en = [o.replace("baris", "row", 1) for o in others]
            label, label_en = cell_label(spec, i, spec.key[0], row_label(spec, rows[i]))
            hint = f"Hapus salah satu baris, atau perbaiki {names} pada baris yang keliru."
            out.append(InputProblem(
                DUPLICATE_KEY, spec.name, where,
                f"{where} ({label}): baris ganda — {shown} juga ada di {' dan '.join(others)}; angka baris-baris "
                f"itu tidak dipakai (tidak dijumlah atau dirata-rata dua kali). {hint}",
                f"{where} ({label_en}): duplicate row — {shown} is also in {' and '.join(others_en)}; the figures "
                "of these rows are not used (never summed or averaged twice). Delete one of the rows, or correct "
                f"{names} in the wrong one.", hint, key, whole_row=True))
    return out


def column_words(col: ColumnSpec) -> str:
    """A column as the operator knows it: its label without a trailing explanation in parentheses."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", col.label).strip() or col.name


def _key_text(v: Any) -> str:
    return f"\"{_clip(text_value(v))}\"" if isinstance(v, str) else _id(v) if isinstance(v, Decimal) else str(v)


def value_faults(v: Any, kind: str, choices: tuple[str, ...] | None, ids: frozenset[str] | set[str],
                 scale: Decimal | None) -> list[tuple[str, str, str, str]]:
    """(message, message_en, hint, code) for each fault of one value read for ``kind``."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return []
    if kind == "teks":
        text = str(v).strip()
        if choices is not None:
            if text in choices:
                return []
            hidden = [ch for ch in dict.fromkeys(text) if ch != " " and unicodedata.category(ch)[0] in "CZ"]
            bare = "".join((" " if unicodedata.category(ch)[0] == "Z" else "") if ch in hidden else ch for ch in text)
            if hidden and bare in choices:  # a zero-width or no-break space pasted from a web page: invisible
                codes = ", ".join(f"U+{ord(ch):04X}" for ch in hidden)
                return [(f"berisi \"{bare}\" dengan karakter tak terlihat ({codes}, biasanya ikut tersalin dari "
                         "halaman web atau dokumen), sehingga tidak sama dengan pilihan aturan",
                         f"holds \"{bare}\" with invisible characters ({codes}, usually pasted from a web page or "
                         "a document), so it is not the rules' choice",
                         f"Hapus isi sel, lalu pilih \"{bare}\" dari daftar pilihan sel.", NOT_A_CHOICE)]
            near = [c for c in choices if c.casefold() == text.casefold()]
            shown = ", ".join(choices) if len(choices) <= 24 else ", ".join(choices[:24]) + ", …"
            if near:
                return [(f"berisi \"{text}\"; yang dikenal aturan adalah \"{near[0]}\" (huruf besar/kecil berbeda)",
                         f"holds \"{text}\"; the rules know \"{near[0]}\" (different case)",
                         f"Pilih \"{near[0]}\" dari daftar pilihan sel.", NOT_A_CHOICE)]
            return [(f"berisi \"{_clip(text)}\" yang tidak dikenal aturan (pilihan: {shown})",
                     f"holds \"{_clip(text)}\", unknown to the rules (allowed: {shown})",
                     "Pilih salah satu nilai dari daftar pilihan sel.", NOT_A_CHOICE)]
        if text.casefold() in ids:
            return [(f"berisi kode internal \"{text}\" di sel teks bebas",
                     f"holds the internal id \"{text}\" in a free-text cell",
                     "Tulis nama yang dibaca orang (mis. nama satker), bukan kode aturan.", INTERNAL_ID)]
        return []
    if not isinstance(v, Decimal):
        return []
    b = batas(kind, scale)
    if b.whole and v != v.to_integral_value():  # cacah fractions are the readers' B202; this is a year's
        return [(f"berisi {_id(v)}, bukan bilangan bulat ({kind} {b.words()})",
                 f"holds {_id(v)}, not a whole number ({kind} {b.words()})",
                 f"Isi dengan bilangan bulat {b.words()} tanpa desimal"
                 + (", mis. 2024." if kind == "tahun" else "."), NOT_WHOLE)]
    low = b.minimum is not None and v < b.minimum
    high = b.maximum is not None and v > b.maximum
    if low or high:
        return [(f"berisi {_id(v)}, di luar batas {kind} {b.words()}",
                 f"holds {_id(v)}, outside the bounds of {kind} {b.words()}",
                 f"Isi dengan angka {b.words()}; periksa kembali angka sumbernya.", OUT_OF_RANGE)]
    return []


def _id(d: Decimal) -> str:
    text = format(d.normalize(CTX) if d == d.to_integral_value() else d, "f")
    return text.replace(".", ",")


def _clip(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
