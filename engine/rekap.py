"""Consolidation of unit inputs (``kinerja rekap``): pure, on :class:`Inputs`, as the rule set's ``rekap`` block says.

Each unit (UPT / satker) sends a workbook made from the same rule set; the division or Kanwil workbook gets, for
every input named in ``rekap { … }``, one value combined from the units':

=====================  ===========================================================================================
``x = jumlah``          sum of the units' values (counts, rupiah); a unit without a value adds nothing (and is a
                        finding when its cell has a problem)
``x = rata_rata``       mean over the units that have a value (non-participants left out)
``x = rata_rata(kosong_nol)``  mean over every expected unit, a unit without a value (or without a workbook)
                        counted as 0 — the ILK UPT convention of the LKjIP (26 satker, zeros included)
``x = rata_rata_berbobot(w)``  Σ x·w / Σ w over the units having both (``w`` another input of the same unit)
``t = gabung``          the tables' rows one after another, in unit order
``x = sama``            every unit must give the same value (e.g. a shared target); otherwise a finding, no value
``x = identitas``       a text input naming the unit (else the unit is named by its file); not combined
=====================  ===========================================================================================

Inputs not named in ``rekap`` are the consolidating office's own: they are not combined. ``unit "A", "B"``
lists the units expected; a missing one, one present twice, or one not in the list is a finding (T401–T403).
Every combined value carries its derivation with each unit's contribution and where it came from (file and
cell) as its source, so the Audit sheet of the consolidated workbook shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .batasan import duplicate_rows
from .interface import CellKey, Inputs
from .temuan import Temuan
from .values import CTX, format_id, mean, total

if TYPE_CHECKING:  # pragma: no cover
    from .checker import CheckedRules

# finding codes of rekap (declared in temuan.CODES)
MISSING = "T401"  # a unit the rules list is missing
DUPLICATE = "T402"  # a unit present twice (only the first is used)
UNEXPECTED = "T403"  # a unit not in the list
DISAGREE = "T404"  # a `sama` value differs between units
LEFT_OUT = "T405"  # a unit's problematic value is left out of the combination
UNREADABLE = "T406"  # a unit's workbook cannot be read
OTHER_YEAR = "T407"  # a unit's workbook is for another year than the rules (left out)


@dataclass
class UnitData:
    """One unit's inputs, read by an adapter. ``name``: its identity (file stem unless the rules name an
    ``identitas`` input); ``origin``: where it came from (the file)."""

    name: str
    origin: str
    inputs: Inputs
    findings: list[Temuan] = field(default_factory=list)  # the unit's own (e.g. T501: last year's figure kept)


@dataclass(frozen=True)
class Contribution:
    unit: str
    value: Any  # Decimal, str, None (no value), or a table's row count
    source: str  # "upt01.xlsx Setjen!C7"
    used: bool = True


@dataclass
class Consolidated:
    inputs: Inputs  # the combined inputs (only those named in rekap), sources = each unit's contribution
    contributions: dict[str, list[Contribution]] = field(default_factory=dict)
    derivations: dict[str, str] = field(default_factory=dict)  # input → one-line derivation
    findings: list[Temuan] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # the units used, in order
    expected: list[str] = field(default_factory=list)


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def _show(v: Any) -> str:
    if v is None:
        return "kosong"
    if isinstance(v, Decimal):
        return format_id(v)
    return str(v)


def identity_input(checked: CheckedRules) -> str | None:
    return next((i.input for i in checked.rules.rekap.values() if i.cara == "identitas"), None)


def other_year(origin: str, unit_year: int, year: int) -> Temuan:
    """T407: a unit workbook made for another year than the rules; left out (its unit counts as missing)."""
    return Temuan(OTHER_YEAR, "tinggi", origin,
                  f"Buku kerja unit {origin} dibuat untuk tahun {unit_year}, rekap ini tahun {year}: angkanya tidak "
                  f"ikut direkap. Minta unit mengirim buku kerja tahun {year} (kinerja pindah memindahkan isiannya "
                  "ke templat baru).",
                  pesan_en=f"The unit workbook {origin} is for {unit_year}, this consolidation for {year}: its figures "
                  f"are left out. Ask the unit for its {year} workbook (kinerja pindah moves the entries to the new "
                  "template).", sumber=origin, bidang="rekap")


def consolidate(checked: CheckedRules, units: list[UnitData], failed: list[tuple[str, str]] = (),
                left_out: list[Temuan] = ()) -> Consolidated:
    """Combine the units' inputs as the rules say. ``failed``: (file, reason) of unit workbooks that could not be
    read at all (each a finding; their unit counts as missing); ``left_out``: findings on workbooks the adapter did
    not hand over (:func:`other_year`)."""
    rs = checked.rules
    out = Consolidated(Inputs(origin="rekap"))
    out.findings.extend(left_out)
    expected = [u.name for u in rs.rekap_units.values()]
    out.expected = expected
    for origin, reason in failed:
        out.findings.append(Temuan(
            UNREADABLE, "tinggi", origin, f"Buku kerja unit {origin} tidak dapat dibaca dan tidak ikut direkap: "
            f"{reason}", pesan_en=f"The unit workbook {origin} cannot be read and is left out: {reason}",
            sumber=origin, bidang="rekap"))

    # identity, duplicates, expected units
    used: list[UnitData] = []
    seen: dict[str, UnitData] = {}
    data_seen: dict[str, UnitData] = {}
    for u in units:
        key = _norm(u.name)
        if key in seen:
            first = seen[key]
            out.findings.append(Temuan(
                DUPLICATE, "tinggi", u.name, f"Unit {u.name} dikirim dua kali ({first.origin} dan {u.origin}); "
                f"hanya {first.origin} yang direkap. Hapus salah satunya lalu jalankan lagi.",
                pesan_en=f"Unit {u.name} was sent twice ({first.origin} and {u.origin}); only {first.origin} is "
                f"consolidated. Remove one and run again.", sumber=u.origin, bidang="rekap"))
            continue
        fingerprint = repr((sorted((k, str(v)) for k, v in u.inputs.values.items() if k != identity_input(checked)),
                            sorted((k, repr(v)) for k, v in u.inputs.tables.items())))
        if fingerprint in data_seen and (u.inputs.values or u.inputs.tables):
            other = data_seen[fingerprint]
            out.findings.append(Temuan(
                DUPLICATE, "tinggi", u.name, f"Buku kerja {u.origin} ({u.name}) berisi data yang persis sama dengan "
                f"{other.origin} ({other.name}); kemungkinan berkas yang sama dikirim dua kali dengan nama berbeda. "
                "Keduanya direkap; periksa.", pesan_en=f"The workbook {u.origin} ({u.name}) holds exactly the same "
                f"data as {other.origin} ({other.name}); probably one file sent twice under two names. Both are "
                "consolidated; check.", sumber=u.origin, bidang="rekap"))
        data_seen.setdefault(fingerprint, u)
        seen[key] = u
        used.append(u)
        for t in u.findings:  # the unit's own findings, said of the unit
            out.findings.append(Temuan(t.kode, t.tingkat, t.objek, f"Unit {u.name} ({u.origin}): {t.pesan}",
                                       t.bidang, t.dihitung, t.dilaporkan, f"{u.origin} {t.sumber}".strip(),
                                       data=dict(t.data),
                                       pesan_en=f"Unit {u.name} ({u.origin}): {t.pesan_en or t.pesan}"))
    if expected:
        wanted = {_norm(n) for n in expected}
        for n in expected:
            if _norm(n) not in seen:
                out.findings.append(Temuan(
                    MISSING, "tinggi", n, f"Unit {n} tidak mengirim buku kerja (atau tidak terbaca); "
                    "rekap tanpa unit ini.", pesan_en=f"Unit {n} sent no workbook (or it could not be read); "
                    "consolidated without it.", bidang="rekap"))
        for u in used:
            if _norm(u.name) not in wanted:
                out.findings.append(Temuan(
                    UNEXPECTED, "sedang", u.name, f"Unit {u.name} ({u.origin}) tidak ada dalam daftar unit rekap; "
                    "tetap direkap. Periksa nama unitnya atau tambahkan ke daftar `unit` di aturan.",
                    pesan_en=f"Unit {u.name} ({u.origin}) is not in the rekap unit list; consolidated anyway. "
                    "Check its name or add it to the rules' `unit` list.", sumber=u.origin, bidang="rekap"))
    out.units = [u.name for u in used]

    for item in rs.rekap.values():
        if item.cara == "identitas":
            continue
        if item.cara == "gabung":
            _concat(out, item, used)
        else:
            _scalar(out, item, used, expected)
    _duplicate_rows(out, checked)
    return out


def _duplicate_rows(out: Consolidated, checked: CheckedRules) -> None:
    """B222 over each combined table: its key identifies a row of the consolidated table as it does a unit's. The
    unit is not part of the key — the Kanwil's rules aggregate the rows, so the same satker sent by two units is
    counted twice; a table whose rows repeat per unit (a monthly survey of every UPT) needs a column naming the
    unit in its key (``kunci satker, bulan``). Each problem names both rows by unit file and cell."""
    from . import input_specs  # the package imports this module

    for spec in input_specs(checked):
        if spec.key and spec.name in out.inputs.tables:
            out.inputs.problems.extend(duplicate_rows(spec, out.inputs.tables[spec.name], out.inputs.sources))


def _where(u: UnitData, key: str | CellKey) -> str:
    src = u.inputs.sources.get(key)
    return f"{u.origin} {src}" if src else u.origin


def _scalar(out: Consolidated, item, used: list[UnitData], expected: list[str]) -> None:
    name = item.input
    contributions: list[Contribution] = []
    values: list[tuple[UnitData, Decimal | str]] = []
    for u in used:
        v = u.inputs.values.get(name)
        problem = u.inputs.problem_for(name)
        if problem is not None:
            out.findings.append(Temuan(
                LEFT_OUT, "tinggi", name, f"{name} dari unit {u.name} tidak ikut direkap: {problem.message}",
                pesan_en=f"{name} of unit {u.name} is left out of the consolidation: "
                f"{problem.message_en or problem.message}", sumber=f"{u.origin} {problem.location}", bidang="rekap"))
            v = None
        contributions.append(Contribution(u.name, v, _where(u, name), v is not None))
        if v is not None:
            values.append((u, v))
    result: Decimal | str | None = None
    parts = "; ".join(f"{c.unit} = {_show(c.value)}" for c in contributions)
    if item.cara == "jumlah":
        nums = [v for _, v in values if isinstance(v, Decimal)]
        result = total(nums) if nums else None
        text = f"jumlah({parts}) = {_show(result)}"
    elif item.cara == "rata_rata" and "kosong_nol" in item.opsi:
        nums = [v for _, v in values if isinstance(v, Decimal)]
        present = {_norm(u.name) for u in used}
        contributions = [Contribution(c.unit, Decimal(0), f"{c.source} (kosong: dihitung 0)") if c.value is None
                         else c for c in contributions]
        contributions += [Contribution(n, Decimal(0), "tidak mengirim: dihitung 0") for n in expected
                          if _norm(n) not in present]
        n = len(contributions)
        result = CTX.divide(total(nums), Decimal(n)) if n else None
        parts = "; ".join(f"{c.unit} = {_show(c.value)}" for c in contributions)
        text = f"rata-rata atas {n} unit, yang kosong/tidak mengirim dihitung 0 ({parts}) = {_show(result)}"
    elif item.cara == "rata_rata":
        nums = [v for _, v in values if isinstance(v, Decimal)]
        result = mean(nums) if nums else None
        text = f"rata-rata atas {len(nums)} unit yang mengisi ({parts}) = {_show(result)}"
    elif item.cara == "rata_rata_berbobot":
        w_name = item.opsi[0]
        num, den, shown = Decimal(0), Decimal(0), []
        for u, v in values:
            w = u.inputs.values.get(w_name)
            if isinstance(v, Decimal) and isinstance(w, Decimal) and u.inputs.problem_for(w_name) is None:
                num, den = CTX.add(num, CTX.multiply(v, w)), CTX.add(den, w)
                shown.append(f"{u.name}: {_show(v)} × {_show(w)}")
        result = CTX.divide(num, den) if den else None
        text = f"Σ {name}×{w_name} / Σ {w_name} = ({'; '.join(shown)}) / {_show(den)} = {_show(result)}"
    else:  # sama
        distinct = {str(v) for _, v in values}
        if len(distinct) == 1:
            result = values[0][1]
        elif distinct:
            out.findings.append(Temuan(
                DISAGREE, "tinggi", name, f"{name} harus sama di semua unit, tetapi berbeda: {parts}.",
                pesan_en=f"{name} must be the same in every unit but differs: {parts}.", bidang="rekap"))
        text = f"sama di semua unit ({parts}) = {_show(result)}"
    out.inputs.values[name] = result
    out.inputs.sources[name] = f"rekap {item.cara}: " + "; ".join(f"{c.unit} = {_show(c.value)} ({c.source})"
                                                                  for c in contributions)
    out.contributions[name] = contributions
    out.derivations[name] = text


def _concat(out: Consolidated, item, used: list[UnitData]) -> None:
    name = item.input
    rows: list[dict] = []
    contributions: list[Contribution] = []
    for u in used:
        unit_rows = u.inputs.tables.get(name) or []
        for i, row in enumerate(unit_rows):
            new_i = len(rows)
            rows.append(dict(row))
            for col in row:
                src = u.inputs.sources.get(CellKey(name, i, col))
                out.inputs.sources[CellKey(name, new_i, col)] = f"{u.origin} {src}" if src else u.origin
        for p in u.inputs.problems:
            if p.input == name:
                out.findings.append(Temuan(
                    LEFT_OUT, "tinggi", name, f"Tabel {name} dari unit {u.name}: {p.message}",
                    pesan_en=f"Table {name} of unit {u.name}: {p.message_en or p.message}",
                    sumber=f"{u.origin} {p.location}", bidang="rekap"))
        contributions.append(Contribution(u.name, Decimal(len(unit_rows)), u.origin, bool(unit_rows)))
    out.inputs.tables[name] = rows
    out.inputs.sources[name] = "rekap gabung: " + "; ".join(f"{c.unit}: {_show(c.value)} baris ({c.source})"
                                                            for c in contributions)
    out.contributions[name] = contributions
    out.derivations[name] = (f"gabung baris {' + '.join(f'{c.unit} {_show(c.value)}' for c in contributions)} "
                             f"= {len(rows)} baris")
