"""Findings (temuan) of one evaluation: where printed figures disagree with the rules, and data problems that
need no figure (:func:`find`).

Printed figures come with a data source (the ``dilaporkan`` section of a data file; later, an operator's
typed values). A printed figure *agrees* when it equals the computed value rounded, with one of the rounding
modes the rule set allows (``toleransi_laporan``), to the number of decimals it was printed with — before or
after the rule's own rounding (:mod:`kinerja.engine.tercetak`). Everything else is a finding, with what was
printed, where, what the rule gives, and, where one exists, the explanation (e.g. a capaian computed from a
realisasi printed elsewhere).

This module owns the observations made while computing, the printed figures of indicators, indices, sasaran
(and their mean) and parameters, and ids the rules do not have. The history tables are checked in
:mod:`kinerja.engine.riwayat`, the sections' values and table rows in :mod:`kinerja.engine.bagian`; what a
finding is, its codes, levels and the final grouping in :mod:`kinerja.engine.temuan`.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from itertools import islice, product
from typing import Any

from .bagian import SectionChecks
from .derivation import capaian_formula
from .model import Num
from .results import ObjectResult, Result
from .riwayat import HistoryChecks
from .semantics import capaian_value
from .temuan import LEVEL_ORDER, Temuan, fmt, grouped, level_of
from .tercetak import agrees, entries_of, printed_decimal, printed_or_none, report_lines
from .values import CTX, HUNDRED, TANPA_DATA, Galat, mean, round_to


class _Finder(HistoryChecks, SectionChecks):
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
                    self.compare(ident, obj, fname, obj.value, [obj.raw], entries_of(entries), obj.target,
                                 rep_fields=fields)
                elif fname == "capaian":
                    self.compare(ident, obj, fname, obj.capaian, [obj.raw_capaian], entries_of(entries), None,
                                 rep_fields=fields)
                elif fname == "target":
                    self.compare(ident, obj, fname, obj.target, [], entries_of(entries), None)
                elif fname == "riwayat":
                    self.history(ident, obj, entries_of(entries))
        measured = {ind.realisasi_of: i for i, ind in self.r.rules.rules.indicators.items()
                    if ind.realisasi_of in self.r.indices}
        for ident, fields in (rep.get("indeks") or {}).items():
            obj = self.r.indices.get(ident)
            if obj is None:
                continue
            by = measured.get(ident)
            for fname, entries in (fields or {}).items():
                if fname == "nilai":
                    self.compare(ident, obj, "nilai", obj.value, [obj.raw],
                                 self.not_printed_for(by, "realisasi", obj.value, entries_of(entries)), obj.target,
                                 rep_fields={"realisasi": entries, **fields})
                elif fname == "capaian":
                    self.compare(ident, obj, "capaian", obj.capaian, [obj.raw_capaian],
                                 self.not_printed_for(by, "capaian", obj.capaian, entries_of(entries)), None,
                                 rep_fields={"realisasi": fields.get("nilai"), **fields})
                elif fname == "target":
                    self.compare(ident, obj, fname, obj.target, [], entries_of(entries), None)
                elif fname in ("dimensi", "komponen", "kontribusi"):
                    self.intermediate(ident, obj, fname, entries_of(entries))
        for ident, fields in (rep.get("sasaran") or {}).items():
            obj = self.r.sasaran.get(ident)
            if obj is None:
                continue
            entries = entries_of((fields or {}).get("capaian"))
            self.compare(ident, obj, "capaian", obj.value, [obj.raw], entries, None)
            self.sasaran_mean(ident, obj, entries)
        self.parameters()
        self.sections()
        return grouped(self.out)

    def not_printed_for(self, indicator: str | None, fname: str, value: Any, entries: list[dict]) -> list[dict]:
        """An index's printed figures less those that are the same print as the indicator measured on it
        (``realisasi = iphp``): the same figure, at places the indicator's own entries name, when both compute
        the same value. The data file may record such a figure under both ids; it is one contradiction, and the
        indicator's finding (the PK names the indicator) tells it."""
        obj = self.r.indicators.get(indicator) if indicator else None
        if obj is None or (obj.capaian if fname == "capaian" else obj.value) != value:
            return entries
        places: dict[Decimal | None, set[str]] = {}
        for e in entries_of(((self.rep.get("indikator") or {}).get(indicator) or {}).get(fname)):
            places.setdefault(printed_decimal(e.get("nilai")), set()).update(report_lines(e.get("sumber", "")))
        return [e for e in entries if not (report_lines(e.get("sumber", "")) or {None})
                <= places.get(printed_decimal(e.get("nilai")), set())]

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

    # ---- a parameter (e.g. a weight) stated in the report's text or headings ----
    def parameters(self) -> None:
        """``dilaporkan: parameter: NAME: [{nilai: "60%", sumber: …}]``: a weight or constant the report states
        must be the one the rules apply. A printed "60%" is the fraction 0,60, as a `%` literal is in the rules."""
        params = self.r.rules.rules.params
        for ident, entries in (self.rep.get("parameter") or {}).items():
            p = params.get(ident)
            value = p.expr.value if p is not None and isinstance(p.expr, Num) else None
            percent = p is not None and isinstance(p.expr, Num) and p.expr.percent
            rule = f"{p.span.file}:{p.span.line}" if p is not None else ""

            def as_set(v: Decimal, percent: bool = percent) -> str:
                return f"{fmt(CTX.multiply(v, HUNDRED).normalize(CTX))}%" if percent else fmt(v)

            for e in entries_of(entries):
                cell = printed_or_none(e.get("nilai"))
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
                    "T104", "sedang", ident, f"parameter {ident}: dicetak {as_set(printed)} di {src}, aturan memakai "
                    f"{as_set(value)} ({rule}); samakan teks laporan dengan yang diterapkan, atau ubah parameternya",
                    "parameter", value, printed, src, rule,
                    pesan_en=f"parameter {ident}: printed {as_set(printed)} at {src}, the rules apply {as_set(value)} "
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
        close = difflib.get_close_matches(ident, [o.id for o in self.r.all_objects()], n=1, cutoff=0.75)
        return (f" — maksud Anda {close[0]}?", f" — did you mean {close[0]}?") if close else ("", "")

    # ---- figures printed for an object the rules do not have ----
    def unknown_reported(self, ident: str, fields: Any) -> None:
        """One T103 for an id the rules do not have, whatever was printed for it (realisasi, capaian, riwayat, …):
        the fields printed and every place, with the printed figure when all places print the same one."""
        printed = {fname: entries_of(entries) for fname, entries in (fields or {}).items()
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
                                           f"menghitung {fmt(value)}", fname, value, None, src, rule, derivasi,
                                           pesan_en=f"{obj.nama}: {fname} printed \"-\" (no data) at {src}, the "
                                           f"rule computes {fmt(value)}"))
                continue
            if value is TANPA_DATA or isinstance(value, Galat):
                state = "tanpa data" if value is TANPA_DATA else "galat"
                state_en = "no data" if value is TANPA_DATA else "error"
                self.out.append(Temuan("T102", "sedang", ident,
                                       f"{obj.nama}: {fname} dicetak {fmt(printed)} di {src}, aturan: {state}",
                                       fname, None, printed, src, rule, derivasi,
                                       pesan_en=f"{obj.nama}: {fname} printed {fmt(printed)} at {src}, the rule "
                                       f"gives: {state_en}"))
                continue
            if agrees(printed, [value, *raws], self.modes):
                continue
            level = level_of(value, printed, target, fname)
            others = sorted(d for d in distinct if d != printed and agrees(d, [value, *raws], self.modes))
            if others and LEVEL_ORDER[level] > LEVEL_ORDER["sedang"]:
                level = "sedang"  # the report prints both the right figure and this one
            verb, verb_en = ("menetapkan", "sets") if fname == "target" else ("menghitung", "computes")
            of = self.r.rules.rules.indicators[ident].realisasi_of if obj.jenis == "indikator" else None
            label = f"{ident} = indeks {of}" if of in self.r.indices else ident
            label_en = f"{ident} = index {of}" if of in self.r.indices else ident
            msg = (f"{obj.nama} ({label}): {fname} dicetak {fmt(printed)} di {src}, aturan {verb} "
                   f"{fmt(value)}")
            en = f"{obj.nama} ({label_en}): {fname} printed {fmt(printed)} at {src}, the rule {verb_en} {fmt(value)}"
            if derivasi:
                msg += f" ({derivasi})"
                en += f" ({derivasi})"
            why, why_en = self.explain(obj, fname, printed, rep_fields or {})
            if why:
                msg += f"; {why}"
                en += f"; {why_en}"
            if others:
                msg += f"; di tempat lain laporan mencetak {', '.join(fmt(o) for o in others)}"
                en += f"; elsewhere the report prints {', '.join(fmt(o) for o in others)}"
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
        for e in entries_of(rep_fields.get("realisasi")):
            alt = printed_decimal(e.get("nilai"))
            if alt is None or alt == obj.value:
                continue
            cap = capaian_value(alt, node.target, node.direction)  # the one definition, by direction
            if agrees(printed, [cap], self.modes):
                head = f"{fmt(printed)} = {capaian_formula(node.direction, fmt(alt), fmt(node.target))}"
                where = e.get("sumber", "?")
                return (f"{head}: dihitung dari realisasi {fmt(alt)} (dicetak di {where}), bukan {fmt(obj.value)}",
                        f"{head}: computed from realisasi {fmt(alt)} (printed at {where}), not {fmt(obj.value)}")
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
            vals = sorted({v for v in (printed_decimal(e.get("nilai")) for e in entries_of(rep)) if v is not None})
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
            listing = "; ".join(f"{n} {'/'.join(fmt(v) for v in vs)}" for n, vs in zip(names, choices))
            if computed is not None and agrees(printed, [computed, obj.raw], self.modes):
                # the sasaran figure is the rule's own; the indicators' printed copies are what must change
                msg = (f"{obj.nama} ({ident}): capaian sasaran dicetak {fmt(printed)} ({e.get('sumber', '?')}) "
                       f"sesuai aturan, tetapi capaian indikatornya dicetak lain ({listing}); samakan angka "
                       f"indikator itu dengan hitungan aturan")
                en = (f"{obj.nama} ({ident}): sasaran capaian printed {fmt(printed)} ({e.get('sumber', '?')}) "
                      f"agrees with the rule, but its indicators' capaian are printed differently ({listing}); "
                      f"make those indicator figures the rule's")
                self.out.append(Temuan("T203", "rendah", ident, msg, "capaian_sasaran_bukan_rata_rata", computed,
                                       printed, str(e.get("sumber", "")),
                                       f"{obj.span.file}:{obj.span.line}" if obj.span else "", pesan_en=en))
                continue
            if computed is not None and agrees(computed, means, self.modes):
                # the printed indicator figures average to the rule's value: the T101 on this printed figure
                # (printed vs rule, every place) already says all there is — a T203 would count it twice
                continue
            # the rule's value is the reference; a mean of printed (possibly truncated) copies never is
            nearest = min(means, key=lambda x: CTX.subtract(x, printed).copy_abs())
            ref = computed if computed is not None else round_to(nearest, 2)
            said = "aturan menghitung" if computed is not None else "rata-rata terdekat"
            said_en = "the rule computes" if computed is not None else "the closest mean is"
            msg = (f"{obj.nama} ({ident}): capaian sasaran dicetak {fmt(printed)} ({e.get('sumber', '?')}), "
                   f"padahal bukan rata-rata capaian indikator yang dicetak ({listing}); {said} {fmt(ref)}")
            en = (f"{obj.nama} ({ident}): sasaran capaian printed {fmt(printed)} ({e.get('sumber', '?')}) is not "
                  f"the mean of its indicators' printed capaian ({listing}); {said_en} {fmt(ref)}")
            self.out.append(Temuan("T203", level_of(ref, printed, None, "capaian"), ident, msg,
                                   "capaian_sasaran_bukan_rata_rata", ref, printed,
                                   str(e.get("sumber", "")), f"{obj.span.file}:{obj.span.line}" if obj.span else "",
                                   pesan_en=en))


def find(result: Result, reported: dict[str, Any] | None = None) -> list[Temuan]:
    """All findings of one evaluation: data observations, rule checks, and printed-vs-computed differences."""
    return _Finder(result, reported if reported is not None else result.inputs.reported).run()
