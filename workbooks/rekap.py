"""``kinerja rekap``: consolidate unit workbooks into the division/Kanwil workbook.

Read every unit workbook's inputs (with the Kanwil's rule set, ``--aturan``), combine them as the rules' ``rekap``
block says (:mod:`kinerja.engine.rekap`, pure), put the combined values into the Kanwil workbook's input cells
(the workbook is created from the template when it does not exist), recalculate it and write:

* the combined inputs into their cells, every output cell and the ``Audit`` sheet — where the source of each
  combined input is every unit's contribution (``rekap jumlah: Lapas A = 53 (lapas-a.xlsx Setjen!C7); …``);
* ``Rekap`` — one row per combined input and unit: the unit's value, where it came from, whether it was used,
  then the combined value and its derivation; and the consolidation's findings (missing, duplicated, unexpected
  units, values left out).

All of it is prepared on a temporary copy next to the destination and lands in one atomic write: the Kanwil
workbook is either as it was or fully consolidated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..engine import CheckedRules, KinerjaError, input_specs
from ..engine.interface import Inputs
from ..engine.rekap import Consolidated, UnitData, consolidate, identity_input, other_year
from ..engine.report import summary_text
from ..engine.temuan import Temuan
from . import layout
from .atomic import check_writable
from .batchplan import expand
from .errors import NO_REKAP
from .fill import fill_workbook
from .ooxml import Package
from .pindahan import read_carried, rules_year, stale_findings
from .plan import SheetPlan, WritePlan
from .reader import read_inputs_from, workbook_names_from
from .recalc import Outcome, apply_to_file, plan_recalc
from .template import build_template
from .writer import CellWrite, read_meta_from

REKAP_SHEET = "Rekap"
HEAD = ["Masukan", "Cara", "Unit", "Nilai unit", "Sumber", "Dipakai?", "Hasil rekap", "Derivasi"]


@dataclass
class RekapOutcome:
    outcome: Outcome
    consolidated: Consolidated
    findings: list[Temuan] = field(default_factory=list)  # of the consolidation (T4xx)
    json: dict[str, Any] = field(default_factory=dict)

    def lines(self, lang: str = "id") -> list[str]:
        """What ``kinerja rekap`` shows: the Kanwil workbook's summary, each combined input's derivation, the
        consolidation's findings, and where it was written."""
        c, out, en = self.consolidated, self.outcome, lang == "en"
        return [out.summary, "", ("CONSOLIDATION" if en else "REKAP") + f" ({len(c.units)} unit): "
                + ", ".join(c.units), *(f"  · {name}: {text}" for name, text in c.derivations.items()),
                *(f"  - {t.kode} [{t.tingkat}] {t.message(lang)}" for t in self.findings),
                (f"Written to {out.path}" if en else f"Ditulis ke {out.path}") + " (Rekap, Audit)."]


def read_units(paths: list[str], checked: CheckedRules, exclude: Path | None = None
               ) -> tuple[list[UnitData], list[tuple[str, str]], list[Temuan]]:
    """Each unit workbook's inputs (name: the ``identitas`` input, else the file stem), with its own findings
    (T501: a figure still as ``kinerja pindah`` carried it from last year); workbooks that cannot be read
    (file, reason), and those made for another year than the rules (T407, left out)."""
    specs = input_specs(checked)
    ident = identity_input(checked)
    year = rules_year(checked)
    units, failed, left_out = [], [], []
    for p in expand(paths, exclude=[exclude] if exclude is not None else ()):
        try:
            pkg = Package(p)
            recorded = read_meta_from(pkg).get(layout.META_YEAR, "")
            if year is not None and recorded.isdigit() and int(recorded) != year:
                left_out.append(other_year(p.name, int(recorded), year))
                continue
            inputs = read_inputs_from(pkg, specs)
            own = stale_findings(read_carried(pkg), inputs, workbook_names_from(pkg))
        except KinerjaError as err:
            failed.append((p.name, f"{err.code} {err.message_id}"))
            continue
        name = p.stem
        if ident:
            v = inputs.values.get(ident)
            if isinstance(v, str) and v.strip():
                name = v.strip()
        units.append(UnitData(name, p.name, inputs, own))
    return units, failed, left_out


def _rekap_sheet(c: Consolidated, checked: CheckedRules) -> list[list[CellWrite | None]]:
    rows: list[list[CellWrite | None]] = [[CellWrite(h, style="header") for h in HEAD]]
    for name, contributions in c.contributions.items():
        item = checked.rules.rekap[name]
        cara = item.cara + (f"({', '.join(item.opsi)})" if item.opsi else "")
        is_table = name in c.inputs.tables
        combined = len(c.inputs.tables[name]) if is_table else c.inputs.values.get(name)
        for k in contributions:
            rows.append([CellWrite(name), CellWrite(cara), CellWrite(k.unit), _cell(k.value), CellWrite(k.source),
                         CellWrite("ya" if k.used else "tidak"), None, None])
        rows.append([CellWrite(name), CellWrite(cara), CellWrite("= hasil rekap", style="header"), None, None, None,
                     _cell(combined), CellWrite(c.derivations.get(name, ""), style="wrap")])
    rows.append([None] * len(HEAD))
    rows.append([CellWrite("Temuan rekap", style="header"), CellWrite(f"{len(c.findings)}")] + [None] * 6)
    for t in c.findings:
        rows.append([CellWrite(t.kode), CellWrite(t.tingkat), CellWrite(t.objek), None, CellWrite(t.sumber or None),
                     None, None, CellWrite(t.pesan, style="wrap")])
    rows.append([None] * len(HEAD))
    rows.append([CellWrite("Unit direkap", style="header"), CellWrite(len(c.units))] + [None] * 6)
    for u in c.units:
        rows.append([None, None, CellWrite(u)] + [None] * 5)
    return rows


def _cell(v: Any) -> CellWrite | None:
    return None if v is None else CellWrite(v)


def rekap_workbooks(paths: list[str], checked: CheckedRules, dest: str | Path, *, rules_ref: str,
                    now: datetime | None = None) -> RekapOutcome:
    if not checked.rules.rekap:
        raise KinerjaError(f"Set aturan {checked.rules.name} tidak punya blok rekap.",
                           message_en=f"The rule set {checked.rules.name} has no rekap block.", code=NO_REKAP,
                           location=rules_ref,
                           hint="tambahkan `rekap { masukan = jumlah … }`; lihat docs/bahasa-aturan.md",
                           hint_en="add `rekap { input = jumlah … }`; see docs/bahasa-aturan.md")
    dest = Path(dest)
    check_writable(dest)
    units, failed, left_out = read_units(paths, checked, exclude=dest)
    c = consolidate(checked, units, failed, left_out)
    specs = input_specs(checked)
    fd, tmp_name = tempfile.mkstemp(prefix=".~kinerja-rekap-", suffix=dest.suffix or ".xlsx", dir=dest.parent)
    os.close(fd)
    work = Path(tmp_name)
    try:
        combined = Inputs(values={k: v for k, v in c.inputs.values.items()}, tables=dict(c.inputs.tables))
        if dest.exists():
            shutil.copyfile(dest, work)
        else:  # filled as it is built: the combined table rows are the visible ones (template.VISIBLE_ROWS)
            build_template(checked, work, rules_ref=rules_ref, overwrite=True, specs=specs, inputs=combined)
        fill_workbook(work, combined, specs=specs)
        pkg = Package(work)
        own = read_inputs_from(pkg, specs)  # the office's own inputs (and the combined ones, as filled)
        merged = Inputs(values={**own.values, **c.inputs.values}, tables={**own.tables, **c.inputs.tables},
                        sources={**own.sources, **c.inputs.sources},
                        problems=[p for p in own.problems if p.input not in c.contributions] + c.inputs.problems,
                        origin=dest.name)
        rc = plan_recalc(checked, merged, workbook_names_from(pkg), read_meta_from(pkg),
                          aturan=layout.recorded_rules(rules_ref, dest.parent), now=now)
        sheets = dict(rc.plan.sheets)
        sheets[REKAP_SHEET] = SheetPlan(tuple(tuple(r) for r in _rekap_sheet(c, checked)))
        plan = WritePlan(rc.plan.cells, sheets, rc.plan.meta, *_rest(rc.plan))
        written = apply_to_file(work, plan, dest)
    finally:
        work.unlink(missing_ok=True)
    outcome = Outcome(written, rc.result, rc.findings, rc.problems)
    outcome.json["rekap"] = {
        "unit": c.units, "unit_diharapkan": c.expected or None,
        "masukan": {name: {"cara": checked.rules.rekap[name].cara, "derivasi": c.derivations.get(name),
                           "kontribusi": [{"unit": k.unit, "nilai": _num(k.value), "sumber": k.source,
                                           "dipakai": k.used} for k in ks]}
                    for name, ks in c.contributions.items()},
        "temuan": [t.to_dict() for t in c.findings]}
    outcome.summary = summary_text(rc.result, rc.findings)
    return RekapOutcome(outcome, c, list(c.findings), outcome.json)


def _rest(plan: WritePlan) -> tuple:
    """Fields of WritePlan after cells/sheets/meta (e.g. the input names an adapter protects), kept as planned."""
    from dataclasses import fields

    return tuple(getattr(plan, f.name) for f in fields(plan)[3:])


def _num(v: Any) -> Any:
    from ..engine.values import to_json_number

    return to_json_number(v) if v is not None else None
