"""Findings (temuan): where printed figures disagree with the rules, and data problems that need no figure.

Printed figures come with a data source (the ``dilaporkan`` section of a data file; later, an operator's
typed values). A printed figure *agrees* when it equals the computed value rounded, with one of the rounding
modes the rule set allows (``toleransi_laporan``), to the number of decimals it was printed with — before or
after the rule's own rounding. Everything else is a finding, with what was printed, where, what the rule
gives, and, where one exists, the explanation (e.g. a capaian computed from a realisasi printed elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice, product
from typing import Any

from .derivation import capaian_formula
from .evaluator import ObjectResult, Result
from .interface import CellKey
from .semantics import capaian_value
from .values import CTX, HUNDRED, TANPA_DATA, Galat, decimals_of, format_id, mean, round_to, to_json_number

LEVEL_ORDER = {"tinggi": 0, "sedang": 1, "rendah": 2, "info": 3}

# Every finding code, once (the README's table says each in full). T4xx are raised by engine/rekap.py.
CODES: dict[str, str] = {
    "T101": "angka tercetak berbeda dari hasil aturan",
    "T102": "tercetak '-' padahal ada nilai, atau nilai padahal tanpa data",
    "T103": "angka tercetak untuk objek atau parameter yang tidak ada di aturan",
    "T104": "parameter tercetak berbeda dari yang diterapkan aturan",
    "T105": "besaran yang sama tercetak dua kali dengan angka berbeda",
    "T106": "tabel riwayat tidak konsisten",
    "T201": "pembilang melebihi penyebut",
    "T202": "sub-indeks di atas skalanya",
    "T203": "capaian sasaran tercetak bukan rata-rata capaian indikatornya",
    "T204": "hasil hitung di luar jangkauan angka yang dihitung tepat (besaran ≥ 10^15)",
    "T300": "pengamatan lain saat menghitung",
    "T301": "pemeriksaan data (periksa …) dalam aturan",
    "T401": "rekap: unit yang diharapkan tidak ada",
    "T402": "rekap: unit ganda",
    "T403": "rekap: unit di luar daftar",
    "T404": "rekap: nilai 'sama' berbeda antarunit",
    "T405": "rekap: nilai unit bermasalah tidak ikut",
    "T406": "rekap: buku kerja unit tidak dapat dibaca",
}


@dataclass
class Temuan:
    kode: str
    tingkat: str
    objek: str
    pesan: str
    bidang: str = ""
    dihitung: Any = None
    dilaporkan: Any = None
    sumber: str = ""
    aturan: str = ""  # rule file:line that computes the object
    derivasi: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    pesan_en: str = ""

    def message(self, lang: str = "id") -> str:
        return self.pesan_en if lang == "en" and self.pesan_en else self.pesan

    def to_dict(self) -> dict[str, Any]:
        out = {
            "kode": self.kode, "tingkat": self.tingkat, "objek": self.objek, "bidang": self.bidang or None,
            "pesan": self.pesan, "pesan_en": self.pesan_en or self.pesan, "dihitung": to_json_number(self.dihitung),
            "dilaporkan": to_json_number(self.dilaporkan), "sumber": self.sumber or None,
            "aturan": self.aturan or None, "derivasi": self.derivasi or None,
        }
        if self.data:
            out["data"] = {k: to_json_number(v) if not isinstance(v, dict) else
                           {kk: to_json_number(vv) for kk, vv in v.items()} for k, v in self.data.items()}
            if "sumber_semua" in self.data:
                out["sumber_semua"] = out["data"].pop("sumber_semua")
        return out


_PRINTED = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?")
NO_FIGURE = ("", "-", "nihil")


def printed_cell(value: Any) -> tuple[Decimal, bool] | None:
    """The one reading rule for a printed figure in a data file (``dilaporkan``): a YAML number as written
    (111.1 → 111.1), or text exactly as the report prints it, in Indonesian notation — ``"111,40"`` (keeps its two
    decimals), ``"1.234.567"``, ``"-0,39%"``, ``"85%"``; ``"-"``, ``"NIHIL"`` or empty is no figure (None).
    Returns (value, printed with a % sign). Any other text raises ValueError: it is reported, never guessed."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value, False
    if isinstance(value, float):
        return Decimal(repr(value)), False
    if isinstance(value, int):
        return Decimal(value), False
    text = str(value).strip()
    if text.casefold() in NO_FIGURE:
        return None
    percent = text.endswith("%")
    number = text.removesuffix("%").strip()
    if not _PRINTED.fullmatch(number):
        raise ValueError(value)
    return Decimal(number.replace(".", "").replace(",", ".")), percent


def printed_decimal(value: Any) -> Decimal | None:
    """A printed figure as the Decimal it was written as ("111,40" → Decimal('111.40'); a % sign is dropped)."""
    try:
        cell = printed_cell(value)
    except ValueError:
        return None  # the data file's shape check has reported it
    return cell[0] if cell else None


def agrees(printed: Decimal, candidates: list[Any], modes: tuple[str, ...]) -> bool:
    digits = decimals_of(printed)
    for c in candidates:
        if not isinstance(c, Decimal):
            continue
        for mode in modes:
            if round_to(c, digits, mode) == printed:
                return True
    return False


def _level(computed: Decimal, printed: Decimal, target: Decimal | None, field_name: str) -> str:
    if computed == 0:
        return "tinggi"
    rel = CTX.divide(CTX.subtract(printed, computed), computed).copy_abs()
    if field_name == "capaian" and (computed >= 100) != (printed >= 100):
        return "tinggi"  # printed figure says the target was (not) met, the rule says otherwise
    if target is not None and field_name in ("realisasi", "nilai") and (computed >= target) != (printed >= target):
        return "tinggi"
    if rel >= Decimal("0.05"):
        return "tinggi"
    if rel >= Decimal("0.005"):
        return "sedang"
    return "rendah"


def _fmt(v: Any) -> str:
    if isinstance(v, Decimal):
        return format_id(v, max(decimals_of(v), 0))
    if v is None or v is TANPA_DATA:
        return "-"
    return format_id(v)


def _entries(value: Any) -> list[dict]:
    if isinstance(value, list):
        return [e for e in value if isinstance(e, dict)]
    if isinstance(value, dict) and "nilai" in value:
        return [value]
    return []


class _Finder:
    def __init__(self, result: Result, reported: dict[str, Any]):
        self.r = result
        self.rep = reported or {}
        self.modes = tuple(result.rules.settings.get("toleransi_laporan", ("setengah_naik",)))
        self.out: list[Temuan] = []

    def run(self) -> list[Temuan]:
        self.observations()
        rep = self.rep
        for section, objects in (("indikator", self.r.indicators), ("indeks", self.r.indices),
                                 ("sasaran", self.r.sasaran)):
            for ident, fields in (rep.get(section) or {}).items():
                if ident not in objects:
                    self.unknown_reported(ident, fields)
        for ident, fields in (rep.get("indikator") or {}).items():
            obj = self.r.indicators.get(ident)
            if obj is None:
                continue
            for fname, entries in (fields or {}).items():
                if fname == "realisasi":
                    self.compare(ident, obj, fname, obj.value, [obj.raw], _entries(entries), obj.target,
                                 rep_fields=fields)
                elif fname == "capaian":
                    self.compare(ident, obj, fname, obj.capaian, [obj.raw_capaian], _entries(entries), None,
                                 rep_fields=fields)
                elif fname == "target":
                    self.compare(ident, obj, fname, obj.target, [], _entries(entries), None)
                elif fname == "riwayat":
                    self.history(ident, obj, _entries(entries))
        for ident, fields in (rep.get("indeks") or {}).items():
            obj = self.r.indices.get(ident)
            if obj is None:
                continue
            for fname, entries in (fields or {}).items():
                if fname == "nilai":
                    self.compare(ident, obj, "nilai", obj.value, [obj.raw], _entries(entries), obj.target,
                                 rep_fields={"realisasi": entries, **fields})
                elif fname == "capaian":
                    self.compare(ident, obj, "capaian", obj.capaian, [obj.raw_capaian], _entries(entries), None,
                                 rep_fields={"realisasi": fields.get("nilai"), **fields})
                elif fname == "target":
                    self.compare(ident, obj, fname, obj.target, [], _entries(entries), None)
                elif fname in ("dimensi", "komponen", "kontribusi"):
                    self.intermediate(ident, obj, fname, _entries(entries))
        for ident, fields in (rep.get("sasaran") or {}).items():
            obj = self.r.sasaran.get(ident)
            if obj is None:
                continue
            entries = _entries((fields or {}).get("capaian"))
            self.compare(ident, obj, "capaian", obj.value, [obj.raw], entries, None)
            self.sasaran_mean(ident, obj, entries)
        self.parameters()
        self.sections()
        return self.sorted()

    # ---- intermediate figures of a composite index (its calculation table) ----
    def intermediate(self, ident: str, obj: ObjectResult | None, fname: str, entries: list[dict]) -> None:
        """A printed dimension value, component realisasi or weighted contribution, compared like a final figure.
        ``satuan: pecahan`` on an entry: the table prints it as a fraction of 1 (0,46 for 45,97 percent points)."""
        key_field = "dimensi" if fname == "dimensi" else "indikator"
        figures = getattr(obj, fname, None) if obj is not None else None
        for e in entries:
            key = str(e.get(key_field, ""))
            if figures is None or key not in figures:
                src = str(e.get("sumber", ""))
                what = f"{fname} {key}"
                self.out.append(Temuan("T103", "info", ident, f"{ident}: angka dilaporkan untuk {what} yang tidak ada "
                                       "dalam aturan", what, None, printed_decimal(e.get("nilai")), src,
                                       pesan_en=f"{ident}: a figure is reported for {what}, which the rules do not "
                                       "have"))
                continue
            value = figures[key]
            if e.get("satuan") == "pecahan" and isinstance(value, Decimal):
                value = CTX.divide(value, HUNDRED)
            self.compare(ident, obj, f"{fname} {key}", value, [], [e], None)

    # ---- multi-year history tables (target, realisasi, capaian of earlier years, as printed) ----
    def history(self, ident: str, obj: ObjectResult | None, entries: list[dict]) -> None:
        """``riwayat: [{tahun, target, realisasi, capaian, sumber}]`` with the cells as printed ("82%", "-0,39%",
        "NIHIL", "-"). Each year is checked with the indicator's own capaian formula and direction: the printed
        capaian must be what some realisasi printing as the printed one gives (so truncated copies are not
        flagged); a ratio indicator's realisasi cannot exceed 100%; a capaian needs a target; a count is not
        printed with %."""
        core = getattr(self.r, "core", None)
        ind = core.indicators.get(ident) if core is not None else None
        if ind is None:
            for e in entries:
                self.out.append(Temuan("T103", "info", ident, f"{ident}: riwayat dilaporkan untuk indikator yang "
                                       f"tidak ada dalam aturan", "riwayat", None, None, str(e.get("sumber", "")),
                                       pesan_en=f"{ident}: history reported for an indicator the rules do not have"))
            return
        persen = ind.kind == "persen"
        ratio = _is_ratio(ind.expr)
        rule = f"{ind.span.file}:{ind.span.line}"
        for e in entries:
            year, src = e.get("tahun"), str(e.get("sumber", ""))
            cells = {f: _cell(e.get(f)) for f in ("target", "realisasi", "capaian")}
            head = f"{ind.name} ({ident}) tahun {year}"

            def add(level: str, what: str, msg: str, en: str, computed=None, printed=None, year=year, head=head,
                    src=src):
                self.out.append(Temuan("T106", level, f"{ident}@{year}", f"{head}: {msg} ({src})", what, computed,
                                       printed, src, rule, pesan_en=f"{ind.name} ({ident}) year {year}: {en} ({src})"))

            if not persen:
                for f in ("target", "realisasi"):
                    if cells[f] is not None and cells[f][1]:
                        add("rendah", f, f"{f} dicetak {e.get(f)} dengan tanda %, padahal satuan indikator ini "
                            f"{ind.unit or ind.kind}", f"{f} printed {e.get(f)} with a % sign, but this indicator "
                            f"is in {ind.unit or ind.kind}", None, cells[f][0])
            target, real, cap = (cells[f][0] if cells[f] else None for f in ("target", "realisasi", "capaian"))
            if ratio and real is not None and real > HUNDRED:
                add("sedang", "realisasi", f"realisasi dicetak {e.get('realisasi')}: rasio di atas 100%, pembilang "
                    f"melebihi penyebut", f"realisasi printed {e.get('realisasi')}: a ratio above 100%, the "
                    f"numerator exceeds the denominator", None, real)
            if cap is None:
                continue
            if target is None:
                add("rendah", "capaian", f"capaian dicetak {e.get('capaian')} tanpa target (target dicetak "
                    f"\"{e.get('target') or ''}\")", f"capaian printed {e.get('capaian')} without a target", None,
                    cap)
                continue
            if real is None or target == 0:
                continue
            ulp = Decimal(1).scaleb(-max(decimals_of(real), 0))  # a printed figure stands for [r − ulp/2, r + ulp)
            ends = [capaian_value(CTX.subtract(real, CTX.divide(ulp, 2)), target, ind.direction),
                    capaian_value(CTX.add(real, ulp), target, ind.direction)]
            lo, hi = min(ends), max(ends)
            cap_ulp = Decimal(1).scaleb(-max(decimals_of(cap), 0))
            if CTX.subtract(lo, cap_ulp) <= cap <= CTX.add(hi, cap_ulp):
                continue
            value = round_to(capaian_value(real, target, ind.direction), ind.capaian.digits)
            add(_level(value, cap, None, "capaian"), "capaian",
                f"capaian dicetak {e.get('capaian')}, padahal realisasi {e.get('realisasi')} dan target "
                f"{e.get('target')} memberi {_fmt(value)} menurut rumus capaian indikator ini",
                f"capaian printed {e.get('capaian')}, but realisasi {e.get('realisasi')} and target "
                f"{e.get('target')} give {_fmt(value)} by this indicator's capaian formula", value, cap)

    # ---- a parameter (e.g. a weight) stated in the report's text or headings ----
    def parameters(self) -> None:
        """``dilaporkan: parameter: NAME: [{nilai: "60%", sumber: …}]``: a weight or constant the report states
        must be the one the rules apply. A printed "60%" is the fraction 0,60, as a `%` literal is in the rules."""
        from .model import Num

        params = self.r.rules.rules.params
        for ident, entries in (self.rep.get("parameter") or {}).items():
            p = params.get(ident)
            value = p.expr.value if p is not None and isinstance(p.expr, Num) else None
            percent = p is not None and isinstance(p.expr, Num) and p.expr.percent
            rule = f"{p.span.file}:{p.span.line}" if p is not None else ""

            def show(v: Decimal, percent: bool = percent) -> str:
                return f"{_fmt(CTX.multiply(v, HUNDRED).normalize(CTX))}%" if percent else _fmt(v)

            for e in _entries(entries):
                cell = _cell(e.get("nilai"))
                printed = None if cell is None else CTX.divide(cell[0], HUNDRED) if cell[1] else cell[0]
                src = str(e.get("sumber", ""))
                if value is None or printed is None:
                    self.out.append(Temuan("T103", "info", ident, f"{ident}: angka dilaporkan untuk parameter yang "
                                           f"tidak ada (atau bukan angka tetap) dalam aturan", "parameter", None,
                                           printed, src, rule,
                                           pesan_en=f"{ident}: a figure is reported for a parameter the rules do "
                                           f"not have as a constant"))
                    continue
                if printed == value:
                    continue
                self.out.append(Temuan(
                    "T104", "sedang", ident, f"parameter {ident}: dicetak {show(printed)} di {src}, aturan memakai "
                    f"{show(value)} ({rule}); samakan teks laporan dengan yang diterapkan, atau ubah parameternya",
                    "parameter", value, printed, src, rule,
                    pesan_en=f"parameter {ident}: printed {show(printed)} at {src}, the rules apply {show(value)} "
                    f"({rule}); make the report's text and the applied value the same, or change the parameter"))

    # ---- observations made while computing ----
    def observations(self) -> None:
        codes = {"pembilang_melebihi_penyebut": "T201", "subindeks_di_atas_skala": "T202", "di_luar_jangkauan": "T204",
                 "periksa": "T301", "besaran_sama_berbeda": "T105"}
        for o in self.r.observations:
            rule = f"{o.span.file}:{o.span.line}" if o.span else ""
            dihitung = o.values.get("nilai") if o.kind == "subindeks_di_atas_skala" else None
            places = "; ".join(o.values.get("sumber", {}).values()) if o.kind == "besaran_sama_berbeda" else ""
            self.out.append(Temuan(codes.get(o.kind, "T300"), o.level, o.objek, o.message, o.kind,
                                   dihitung, None, places, rule, o.values.get("kondisi", "") if o.kind == "periksa"
                                   else "", {k: v for k, v in o.values.items() if k != "kondisi"},
                                   o.message_en))

    def unknown_object(self, ident: str) -> tuple[str, str]:
        """Why a reported id has no object: removed by the rule set (where), or a likely misspelling."""
        gone = getattr(self.r.rules.rules, "removed", {}).get(ident)
        if gone is not None:
            where = f"{gone.span.file}:{gone.span.line}" + (f" ({gone.cause})" if gone.cause else "")
            return f" — dihapus di {where}", f" — removed at {where}"
        import difflib

        close = difflib.get_close_matches(ident, [o.id for o in self.r.all_objects()], n=1, cutoff=0.75)
        return (f" — maksud Anda {close[0]}?", f" — did you mean {close[0]}?") if close else ("", "")

    # ---- figures printed for an object the rules do not have ----
    def unknown_reported(self, ident: str, fields: Any) -> None:
        """One T103 for an id the rules do not have, whatever was printed for it (realisasi, capaian, riwayat, …):
        the fields printed and every place, with the printed figure when all places print the same one."""
        printed = {fname: _entries(entries) for fname, entries in (fields or {}).items()
                   if isinstance(fname, str)}
        printed = {fname: entries for fname, entries in printed.items() if entries}
        if not printed:
            return
        why, why_en = self.unknown_object(ident)
        entries = [e for es in printed.values() for e in es]
        figures = {printed_decimal(e.get("nilai")) for e in entries}
        figure = figures.pop() if len(figures) == 1 else None
        for e in entries:
            self.out.append(Temuan("T103", "info", ident, f"{ident}: angka dilaporkan untuk objek yang tidak "
                                   f"ada dalam aturan{why}", ", ".join(printed), None, figure,
                                   str(e.get("sumber", "")),
                                   pesan_en=f"{ident}: a figure is reported for an object the rules do not "
                                   f"have{why_en}"))

    # ---- printed vs computed ----
    def compare(self, ident: str, obj: ObjectResult | None, fname: str, value: Any, raws: list[Any],
                entries: list[dict], target: Decimal | None, rep_fields: dict | None = None) -> None:
        rule = f"{obj.span.file}:{obj.span.line}" if obj.span else ""
        derivasi = ""
        step = obj.step if fname != "capaian" or obj.jenis == "sasaran" else obj.capaian_step
        if step is not None and fname != "target":  # a target is set by the PK, not derived
            derivasi = step.line()
        printed_values = [printed_decimal(e.get("nilai")) for e in entries]
        distinct = {p for p in printed_values if p is not None}
        for e, printed in zip(entries, printed_values):
            src = str(e.get("sumber", ""))
            if printed is None:  # printed as "-": no data
                if isinstance(value, Decimal):
                    self.out.append(Temuan("T102", "sedang", ident,
                                           f"{obj.nama}: {fname} dicetak \"-\" (tanpa data) di {src}, aturan "
                                           f"menghitung {_fmt(value)}", fname, value, None, src, rule, derivasi,
                                           pesan_en=f"{obj.nama}: {fname} printed \"-\" (no data) at {src}, the "
                                           f"rule computes {_fmt(value)}"))
                continue
            if value is TANPA_DATA or isinstance(value, Galat):
                state = "tanpa data" if value is TANPA_DATA else "galat"
                state_en = "no data" if value is TANPA_DATA else "error"
                self.out.append(Temuan("T102", "sedang", ident,
                                       f"{obj.nama}: {fname} dicetak {_fmt(printed)} di {src}, aturan: {state}",
                                       fname, None, printed, src, rule, derivasi,
                                       pesan_en=f"{obj.nama}: {fname} printed {_fmt(printed)} at {src}, the rule "
                                       f"gives: {state_en}"))
                continue
            if agrees(printed, [value, *raws], self.modes):
                continue
            level = _level(value, printed, target, fname)
            others = sorted(d for d in distinct if d != printed and agrees(d, [value, *raws], self.modes))
            if others and LEVEL_ORDER[level] > LEVEL_ORDER["sedang"]:
                level = "sedang"  # the report prints both the right figure and this one
            verb, verb_en = ("menetapkan", "sets") if fname == "target" else ("menghitung", "computes")
            msg = (f"{obj.nama} ({ident}): {fname} dicetak {_fmt(printed)} di {src}, aturan {verb} "
                   f"{_fmt(value)}")
            en = f"{obj.nama} ({ident}): {fname} printed {_fmt(printed)} at {src}, the rule {verb_en} {_fmt(value)}"
            if derivasi:
                msg += f" ({derivasi})"
                en += f" ({derivasi})"
            why, why_en = self.explain(obj, fname, printed, rep_fields or {})
            if why:
                msg += f"; {why}"
                en += f"; {why_en}"
            if others:
                msg += f"; di tempat lain laporan mencetak {', '.join(_fmt(o) for o in others)}"
                en += f"; elsewhere the report prints {', '.join(_fmt(o) for o in others)}"
            self.out.append(Temuan("T101", level, ident, msg, fname, value, printed, src, rule, derivasi,
                                   pesan_en=en))

    def explain(self, obj: ObjectResult, fname: str, printed: Decimal, rep_fields: dict) -> tuple[str, str]:
        """Why a printed capaian differs: find a printed realisasi that gives it (e.g. 4 instead of 4,01)."""
        core = self.r.core
        node = None
        if core is not None:
            holder = core.indicators.get(obj.id) or core.indices.get(obj.id)
            node = holder.capaian if holder is not None else None
        if fname != "capaian" or node is None or node.target in (None, 0):
            return "", ""
        for e in _entries(rep_fields.get("realisasi")):
            alt = printed_decimal(e.get("nilai"))
            if alt is None or alt == obj.value:
                continue
            cap = capaian_value(alt, node.target, node.direction)  # the one definition, by direction
            if agrees(printed, [cap], self.modes):
                head = f"{_fmt(printed)} = {capaian_formula(node.direction, _fmt(alt), _fmt(node.target))}"
                where = e.get("sumber", "?")
                return (f"{head}: dihitung dari realisasi {_fmt(alt)} (dicetak di {where}), bukan {_fmt(obj.value)}",
                        f"{head}: computed from realisasi {_fmt(alt)} (printed at {where}), not {_fmt(obj.value)}")
        return "", ""

    def sasaran_mean(self, ident: str, obj: ObjectResult | None, entries: list[dict]) -> None:
        """A printed sasaran capaian that is not the mean of its indicators' printed capaian.

        An indicator may be printed with different capaian in different tables; the sasaran figure is fine
        when *some* choice of one printed capaian per indicator averages to it (indicators printed "-" are
        left out, as the rules do).
        """
        if obj is None or not entries:
            return
        choices: list[list[Decimal]] = []
        names = []
        for iid in obj.meta.get("indikator", []):
            rep = ((self.rep.get("indikator") or {}).get(iid) or {}).get("capaian")
            vals = sorted({v for v in (printed_decimal(e.get("nilai")) for e in _entries(rep)) if v is not None})
            if vals:
                choices.append(vals)
                names.append(iid)
        if not choices:
            return
        means = []
        for combo in islice(product(*choices), 2000):
            means.append(mean(list(combo)))
        computed = obj.value if isinstance(obj.value, Decimal) else None
        seen = set()
        for e in entries:
            printed = printed_decimal(e.get("nilai"))
            if printed is None or printed in seen:
                continue
            if agrees(printed, means + [round_to(x, 2) for x in means], self.modes):
                continue
            seen.add(printed)
            listing = "; ".join(f"{n} {'/'.join(_fmt(v) for v in vs)}" for n, vs in zip(names, choices))
            if computed is not None and agrees(printed, [computed, obj.raw], self.modes):
                # the sasaran figure is the rule's own; the indicators' printed copies are what must change
                msg = (f"{obj.nama} ({ident}): capaian sasaran dicetak {_fmt(printed)} ({e.get('sumber', '?')}) "
                       f"sesuai aturan, tetapi capaian indikatornya dicetak lain ({listing}); samakan angka "
                       f"indikator itu dengan hitungan aturan")
                en = (f"{obj.nama} ({ident}): sasaran capaian printed {_fmt(printed)} ({e.get('sumber', '?')}) "
                      f"agrees with the rule, but its indicators' capaian are printed differently ({listing}); "
                      f"make those indicator figures the rule's")
                self.out.append(Temuan("T203", "rendah", ident, msg, "capaian_sasaran_bukan_rata_rata", computed,
                                       printed, str(e.get("sumber", "")),
                                       f"{obj.span.file}:{obj.span.line}" if obj.span else "", pesan_en=en))
                continue
            # the rule's value is the reference; a mean of printed (possibly truncated) copies never is
            nearest = min(means, key=lambda x: CTX.subtract(x, printed).copy_abs())
            ref = computed if computed is not None else round_to(nearest, 2)
            said = "aturan menghitung" if computed is not None else "rata-rata terdekat"
            said_en = "the rule computes" if computed is not None else "the closest mean is"
            msg = (f"{obj.nama} ({ident}): capaian sasaran dicetak {_fmt(printed)} ({e.get('sumber', '?')}), "
                   f"padahal bukan rata-rata capaian indikator yang dicetak ({listing}); {said} {_fmt(ref)}")
            en = (f"{obj.nama} ({ident}): sasaran capaian printed {_fmt(printed)} ({e.get('sumber', '?')}) is not "
                  f"the mean of its indicators' printed capaian ({listing}); {said_en} {_fmt(ref)}")
            self.out.append(Temuan("T203", _level(ref, printed, None, "capaian"), ident, msg,
                                   "capaian_sasaran_bukan_rata_rata", ref, printed,
                                   str(e.get("sumber", "")), f"{obj.span.file}:{obj.span.line}" if obj.span else "",
                                   pesan_en=en))

    # ---- sections (e.g. anggaran): tables by alias or name, values by name ----
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
                    self.compare(key, obj, "nilai", obj.value, [obj.raw], _entries(entries), None)
                    continue
                table, column = self._table_for(key, blocks)
                if table is None:
                    self.unknown_section_key(section, key, entries, blocks)
                    continue
                self.compare_rows(section, table, blocks[table], column, _entries(entries) if column else
                                  [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else [])

    def unknown_section_key(self, section: str, key: str, entries, blocks) -> None:
        """A printed figure under a section key the rules do not compute (T103, never silently skipped): the
        nearest name, or for a name with a year (``pagu_belanja_2024``) the rules' ``…_tahun_ini`` /
        ``…_tahun_lalu`` for that year."""
        import difflib

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
        for e in _entries(entries) if isinstance(entries, (list, dict)) else []:
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
                    msg = (f"{ident}: {fname} dicetak {_fmt(printed)} di {src}, tetapi data berisi {_fmt(value)}"
                           + (f" ({where})" if where else "") + "; angka yang sama dicetak berbeda di dua tempat "
                           "laporan — pastikan mana yang benar")
                    en = (f"{ident}: {fname} printed {_fmt(printed)} at {src}, but the data holds {_fmt(value)}"
                          + (f" ({where})" if where else "") + "; the same figure is printed differently in two "
                          "places of the report — establish which is right")
                    self.out.append(Temuan("T105", _level(value, printed, None, fname), ident, msg, fname, value,
                                           printed, src, f"{blk.span.file}:{blk.span.line}", "", pesan_en=en))
                    continue
                step = self.r.row_steps.get(CellKey(table, row_i, fname))
                deriv = step.line() if step else ""
                msg = (f"{ident}: {fname} dicetak {_fmt(printed)} di {src}, aturan menghitung {_fmt(value)}"
                       + (f" ({deriv})" if deriv else ""))
                en = (f"{ident}: {fname} printed {_fmt(printed)} at {src}, the rule computes {_fmt(value)}"
                      + (f" ({deriv})" if deriv else ""))
                self.out.append(Temuan("T101", _level(value, printed, None, fname), ident, msg, fname, value,
                                       printed, src, f"{blk.span.file}:{blk.span.line}", deriv, pesan_en=en))

    def sorted(self) -> list[Temuan]:
        """One finding per object, field and printed value; the places it was printed are listed together."""
        grouped: dict[tuple, Temuan] = {}
        for t in self.out:
            key = (t.kode, t.objek, t.bidang, str(t.dilaporkan)) if t.dilaporkan is not None else (
                t.kode, t.objek, t.bidang, t.pesan)
            first = grouped.get(key)
            if first is None:
                grouped[key] = t
                t.data.setdefault("sumber_semua", [t.sumber] if t.sumber else [])
            elif t.sumber and t.sumber not in first.data["sumber_semua"]:
                first.data["sumber_semua"].append(t.sumber)
        for t in grouped.values():
            places = t.data.get("sumber_semua") or []
            if len(places) > 1:
                joined = "; ".join(places)
                t.pesan = t.pesan.replace(f"di {t.sumber}", "di " + joined, 1).replace(
                    f"({t.sumber})", f"({joined})", 1)
                t.pesan_en = t.pesan_en.replace(f"at {t.sumber}", "at " + joined, 1).replace(
                    f"({t.sumber})", f"({joined})", 1)
                t.sumber = "; ".join(places)
            if not places:
                t.data.pop("sumber_semua", None)
        return sorted(grouped.values(), key=lambda t: (LEVEL_ORDER.get(t.tingkat, 9), t.objek, t.bidang, t.sumber))


def _cell(value: Any) -> tuple[Decimal, bool] | None:
    try:
        return printed_cell(value)
    except ValueError:
        return None  # reported by the data file's shape check


def _is_ratio(node: Any) -> bool:
    """A ratio indicator (``rasio a / b``), possibly rounded: its realisasi is a share of a whole, ≤ 100%."""
    from .core import Ratio, Round

    while isinstance(node, Round):
        node = node.operand
    return isinstance(node, Ratio)


def _same(a: Any, b: Any) -> bool:
    """A row's key value equals a printed one (numbers compared as numbers: 2024 == Decimal('2024'))."""
    da = printed_decimal(a) if not isinstance(a, str) else None
    db = printed_decimal(b) if not isinstance(b, str) else None
    if da is not None and db is not None:
        return da == db
    return str(a).strip() == str(b).strip()


def find(result: Result, reported: dict[str, Any] | None = None) -> list[Temuan]:
    """All findings of one evaluation: data observations, rule checks, and printed-vs-computed differences."""
    return _Finder(result, reported if reported is not None else result.inputs.reported).run()
