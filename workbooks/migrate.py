"""Moving a workbook to another rule set (a new PK year): ``kinerja pindah BUKU.xlsx --aturan BARU --keluaran B``.

The sheets a template generates from the rules (input sheets, Ringkasan with its targets and rows) belong to one
rule set. Recalculating them with another would mix two years (a title and targets of one beside capaian of the
other, stale rows of removed indicators), so ``kinerja hitung`` refuses that (B121) and names this command.
It builds the new rule set's template and fills it with every input of the old workbook whose name survives;
inputs the new rules no longer have are listed (dropped), new inputs are left empty. The old file is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..engine import CheckedRules, Inputs, KinerjaError, input_specs, load_rules
from ..engine.interface import InputProblem
from . import layout
from .errors import REQUIRED_EMPTY
from .ooxml import Package
from .pindahan import CODE, Move, pending, read_carried, recorded, rules_year, year_text
from .reader import read_inputs_from
from .template import build_template
from .writer import read_meta_from, read_ownership_from


@dataclass
class Migration:
    path: Path
    kept: list[str] = field(default_factory=list)  # inputs carried over with their values
    empty: list[str] = field(default_factory=list)  # inputs of the new rules with nothing to carry
    dropped: list[str] = field(default_factory=list)  # the old workbook's inputs the new rules do not have
    bad: list[InputProblem] = field(default_factory=list)  # old cells not carried: they cannot be read exactly
    check: list[InputProblem] = field(default_factory=list)  # carried as read, but wrong for the new rules
    rules: str = ""  # the new rule set's name
    move: Move | None = None  # a move between years (None: the same year)
    carried: list[str] = field(default_factory=list)  # inputs recorded in the sheet Pindahan (another year's figures)

    def lines(self, lang: str = "id") -> list[str]:
        """What ``kinerja pindah`` tells the operator: what moved, what was dropped, what to fill or check."""
        fresh = [n for n in self.empty if n not in {p.input for p in self.bad}]
        if lang != "en":
            out = [f"ditulis ke {self.path}: templat {self.rules}, {len(self.kept)} masukan dipindahkan, "
                   f"{len(self.empty)} masukan baru/kosong."]
            if self.dropped:
                out.append("masukan lama yang tidak dipakai aturan baru (tidak dipindahkan): "
                           + ", ".join(self.dropped))
            if fresh:
                out.append("masukan yang perlu diisi (baru, atau kosong di buku lama): " + ", ".join(fresh))
            out += [f"tidak dipindahkan, sel buku lama bermasalah — {p.message}" for p in self.bad]
            out += [f"dipindahkan apa adanya, periksa di buku baru — {p.message}" for p in self.check]
            if self.carried and self.move is not None:
                old, new = year_text(self.move.from_year), year_text(self.move.to_year)
                out.append(f"{len(self.carried)} masukan berisi angka buku kerja tahun {old}, padahal buku baru "
                           f"untuk tahun {new}: {_some(self.carried, 'lainnya')} (daftarnya di sheet "
                           f"{layout.CARRIED_SHEET}). Isi angka tahun {new}; bila angkanya memang "
                           f"sama, tulis ya di barisnya di sheet {layout.CARRIED_SHEET}. Sampai itu, setiap Hitung "
                           f"mencatatnya sebagai temuan {CODE}.")
            out.append(f"lalu: kinerja hitung \"{self.path}\"")
            return out
        out = [f"written to {self.path}: template {self.rules}, {len(self.kept)} inputs moved, "
               f"{len(self.empty)} new/empty inputs."]
        if self.dropped:
            out.append("old inputs the new rules do not use (not moved): " + ", ".join(self.dropped))
        if fresh:
            out.append("inputs to fill (new, or empty in the old workbook): " + ", ".join(fresh))
        out += [f"not moved, the old workbook's cell is wrong — {p.message_en or p.message}" for p in self.bad]
        out += [f"moved as it is, check it in the new workbook — {p.message_en or p.message}" for p in self.check]
        if self.carried and self.move is not None:
            old, new = year_text(self.move.from_year, "en"), year_text(self.move.to_year, "en")
            out.append(f"{len(self.carried)} inputs hold figures of the {old} workbook, but the new one is for {new}: "
                       f"{_some(self.carried, 'more')} (listed in the sheet {layout.CARRIED_SHEET}). Enter {new}'s "
                       f"figures; where a figure really is the same, write ya in its row of the sheet "
                       f"{layout.CARRIED_SHEET}. Until then every Hitung lists it as finding {CODE}.")
        out.append(f"then: kinerja hitung \"{self.path}\"")
        return out


def migrate_workbook(src: str | Path, checked: CheckedRules, dest: str | Path, *, rules_ref: str,
                     overwrite: bool = False) -> Migration:
    src, dest = Path(src), Path(dest)
    pkg = Package(src)
    specs = input_specs(checked)
    read = read_inputs_from(pkg, specs)
    names = pkg.workbook_names()
    out = Migration(dest, rules=checked.rules.name)
    carried = Inputs()
    for s in specs:
        if s.name.casefold() not in names:
            out.empty.append(s.name)
            continue
        whole = read.problem_for(s.name)
        if whole is not None:
            out.empty.append(s.name)
            if whole.code != REQUIRED_EMPTY:  # an empty cell stays empty; a bad one is named
                out.bad.append(whole)
            continue
        for p in read.problems:
            if p.input != s.name or p.cell is None or p.code == REQUIRED_EMPTY:
                continue
            rows = read.tables.get(s.name) or []
            kept = p.cell.row < len(rows) and rows[p.cell.row].get(p.cell.column) is not None
            (out.check if kept else out.bad).append(p)
        if s.columns is not None:
            carried.tables[s.name] = read.tables.get(s.name, [])
        else:
            carried.values[s.name] = read.values.get(s.name)
        out.kept.append(s.name)
    owned = {n.casefold() for n in read_ownership_from(pkg).names}
    wanted = {s.name.casefold() for s in specs}
    out.dropped = sorted(n.name for n in names.values()
                         if n.name.casefold() not in owned and n.name.casefold() not in wanted
                         and not n.name.startswith("_") and n.name != layout.TEMUAN_COUNT)
    out.move = _move(src, pkg, checked, read)
    if out.move is not None:
        out.carried = [s.name for s, _ in recorded(specs, carried, out.move.only)]
    build_template(checked, dest, rules_ref=rules_ref, overwrite=overwrite, inputs=carried, specs=specs,
                   moved=out.move)
    return out


def _some(names: list[str], more: str, shown: int = 6) -> str:
    return ", ".join(names[:shown]) + (f" … (+{len(names) - shown} {more})" if len(names) > shown else "")


def _move(src: Path, pkg: Package, checked: CheckedRules, read: Inputs) -> Move | None:
    """The move between years, None within one year. The old year: recorded in the workbook's meta (a template or
    Hitung since kinerja wrote it), else its rule set's ``berlaku``; unknown — the rules cannot be loaded, or the
    workbook records none — counts as another year (a figure is never assumed to be this year's). Within one year,
    the figures the old workbook's own ``Pindahan`` still lists as an earlier year's (``read``: its inputs) are
    carried into the new record: a mid-year revision does not make them this year's."""
    meta = read_meta_from(pkg)
    text = meta.get(layout.META_YEAR, "")
    old, known = (int(text), True) if text.isdigit() else (None, False)
    if not known and meta.get(layout.META_RULES):
        try:
            old, known = rules_year(load_rules(meta[layout.META_RULES], confine_to=src.resolve().parent)), True
        except KinerjaError:
            pass
    move = Move(old, rules_year(checked), src.name)
    if move.across_years or not known:
        return move
    record = read_carried(pkg)
    if record is None:
        return None
    if record.unreadable[0]:  # which are still an earlier year's cannot be known: every one is
        return Move(record.from_year, move.to_year, src.name)
    still = pending(record, read)
    return Move(record.from_year, move.to_year, src.name, only=still) if still else None
