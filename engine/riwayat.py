"""Findings on the multi-year history tables of a report (``dilaporkan: indikator: X: riwayat:``): target,
realisasi and capaian of earlier years as printed, each year checked with the indicator's own capaian formula
and direction (T106). A mixin of :class:`kinerja.engine.findings._Finder`, which holds the result (``self.r``)
and the list of findings (``self.out``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .core import Ratio, Round
from .results import ObjectResult
from .semantics import capaian_value
from .temuan import Temuan, fmt, level_of
from .tercetak import printed_or_none
from .values import CTX, HUNDRED, decimals_of, round_to


class HistoryChecks:
    """The ``riwayat`` checks of :class:`kinerja.engine.findings._Finder`."""

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
            cells = {f: printed_or_none(e.get(f)) for f in ("target", "realisasi", "capaian")}
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
            add(level_of(value, cap, None, "capaian"), "capaian",
                f"capaian dicetak {e.get('capaian')}, padahal realisasi {e.get('realisasi')} dan target "
                f"{e.get('target')} memberi {fmt(value)} menurut rumus capaian indikator ini",
                f"capaian printed {e.get('capaian')}, but realisasi {e.get('realisasi')} and target "
                f"{e.get('target')} give {fmt(value)} by this indicator's capaian formula", value, cap)


def _is_ratio(node: Any) -> bool:
    """A ratio indicator (``rasio a / b``), possibly rounded: its realisasi is a share of a whole, ≤ 100%."""
    while isinstance(node, Round):
        node = node.operand
    return isinstance(node, Ratio)
