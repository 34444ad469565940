"""Recalculate one workbook: read its inputs, evaluate the rules, write results and their audit back.

One workbook in, one result out (:class:`Outcome`) — the unit a batch or distributed run repeats. Two steps:

* PLAN — :func:`plan_recalc`: inputs (already read, by any adapter) + rules + the workbook's defined names and
  meta → :class:`Recalc` (result, findings, and a :class:`~kinerja.workbooks.plan.WritePlan`: every write as
  plain cells). Pure: no file, no workbook object.
* APPLY — :func:`apply_to_file` writes a plan into an .xlsx/.xlsm with the lossless writer (atomic; refused
  when the workbook is open in Excel or read-only). The live Excel adapter applies the same plan to an open book.

:func:`recalculate_workbook` is read → plan → apply for a file. What is written:

* output cells: every defined name of :mod:`workbooks.layout` that the workbook has (a template has them all);
* ``Hasil`` — only when the workbook has no output names at all: one row per indicator, index, sasaran, value;
* ``Audit`` — always: one row per computed value with its derivation, formula, inputs (with their cells), rule
  file and line, and where the derivation can be written as an Excel formula, that live formula and whether it
  still agrees with the stored value; rule set, hash, engine and local time in its header (:mod:`.audit`);
* ``Temuan`` — always: every input problem and finding, linked to its cell or Audit row (:mod:`.temuan`).
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine import InputError, KinerjaError, Tracer, evaluate, input_specs, load_rules
from ..engine.checker import CheckedRules
from ..engine.errors import language
from ..engine.evaluator import ObjectResult, Result
from ..engine.findings import Temuan, find
from ..engine.interface import InputProblem, Inputs
from ..engine.report import summary_text, to_json
from ..engine.values import TANPA_DATA, Galat
from . import layout, uraian
from .atomic import check_writable
from .audit import Audit, local_time, value_cell
from .errors import BAD_TARGET, INTERNAL, NO_RULES, OTHER_RULES, WorkbookError
from .formatlive import format_sheet
from .ooxml import Package
from .ownrecord import names_in
from .pindahan import Carried, carried_inputs, read_carried, rules_year, stale_findings
from .plan import SheetPlan, WritePlan, data_places
from .reader import read_inputs_from, workbook_names_from
from .temuan import count_text, temuan_sheet
from .uraian import Relabel
from .writer import CellWrite, read_meta, read_meta_from, read_ownership_from, write_back


@dataclass
class Outcome:
    path: Path  # the workbook written
    result: Result
    findings: list[Temuan]
    problems: list[InputProblem]
    written_cells: int = 0
    _json: dict[str, Any] | None = field(default=None, repr=False)
    _summary: str | Callable[[], str] = field(default="", repr=False)

    @property
    def summary(self) -> str:
        """The text ``kinerja hitung`` prints; made when first asked (a batch record never needs it)."""
        if callable(self._summary):
            self._summary = self._summary()
        return self._summary

    @summary.setter
    def summary(self, text: str | Callable[[], str]) -> None:
        self._summary = text

    @property
    def json(self) -> dict[str, Any]:
        """The result in the JSON shape of ``kinerja hitung --json``, with the workbook written (``buku_kerja``);
        built when first asked (a Hitung that only writes the workbook never needs it)."""
        if self._json is None:
            self._json = to_json(self.result, self.findings)
            self._json["buku_kerja"] = str(self.path)
        return self._json


def rules_of(path: Path, aturan: str | None, pkg: Package | None = None,
             load: Callable[[str], CheckedRules] = load_rules) -> tuple[CheckedRules, dict[str, str]]:
    meta = read_meta_from(pkg) if pkg is not None else read_meta(path)
    ref = aturan or meta.get(layout.META_RULES)
    if not ref:
        raise InputError(
            f"{path.name}: buku kerja ini tidak menyimpan nama set aturan.",
            message_en=f"{path.name}: this workbook does not record its rule set.",
            location=str(path), code=NO_RULES,
            hint="berikan --aturan ATURAN (mis. --aturan pk2024-sumsel), atau buat buku kerja dari `kinerja templat`",
            hint_en="give --aturan RULES (e.g. --aturan pk2024-sumsel), or start from `kinerja templat`")
    # A rule set named by the workbook is data from whoever sent it: bundled, or inside the workbook's folder.
    return (load(aturan) if aturan else load(ref, confine_to=path.resolve().parent)), meta


def status_word(kind: str, o: ObjectResult) -> str:
    """The operator's word for one result (Ringkasan, Hasil): Tercapai / Belum tercapai against the target,
    Tanpa data, Galat — or Dihitung for a value that has no target. Never the engine's code."""
    if o.status == "galat":
        return layout.GALAT
    if o.status == "tanpa_data":
        return layout.TANPA_DATA
    capaian = o.value if kind == "sasaran" else o.capaian
    if isinstance(capaian, Galat):
        return layout.GALAT
    if kind == "nilai" or capaian is None:
        return layout.DIHITUNG
    if capaian is TANPA_DATA:
        return layout.TANPA_DATA
    try:
        return layout.TERCAPAI if Decimal(capaian) >= 100 else layout.BELUM
    except (TypeError, ValueError, ArithmeticError):
        return layout.DIHITUNG


def _status_text(kind: str, o: ObjectResult, findings_on: set[str], problem_inputs: frozenset[str] = frozenset()
                 ) -> str:
    """The status cell: the word, "· lihat Temuan" when the Temuan sheet has a line about the row (a finding, or
    the input problem a Galat comes from) and, for a Galat, its reason — after the pointer, which a narrow printed
    cell still shows."""
    word = status_word(kind, o)
    listed = o.id in findings_on
    if word == layout.GALAT and not listed:
        cause = next((v for v in (o.value, o.capaian) if isinstance(v, Galat)), None)
        listed = cause is not None and not problem_inputs.isdisjoint(cause.inputs)
    text = f"{word} · lihat Temuan" if listed else word
    return f"{text}: {o.pesan}" if word == layout.GALAT and o.pesan else text


def concerned(result: Result, findings: list[Temuan]) -> set[str]:
    """The objects whose Ringkasan row points to Temuan: each finding's object, and an indicator whose realisasi is
    that very object (``realisasi = iphp``: the row shows the same 4,01 that exceeds the 0–4 scale)."""
    on = {t.objek for t in findings}
    stale = {i["masukan"] for t in findings for i in carried_inputs(t)}  # inputs still holding another year's figure
    if stale:
        on |= {o for o, used in result.rules.uses.items() if not stale.isdisjoint(used)}
    for ind in result.rules.rules.indicators.values():
        if ind.realisasi_of in on:
            on.add(ind.id)
    return on


def _output_cells(result: Result, names: dict[str, str], findings: list[Temuan] = (),
                  problems: list[InputProblem] = ()) -> dict[str, CellWrite]:
    """Values for the output names the workbook has (case-insensitive, as Excel); a value is built only for a name
    the workbook has."""
    have = {n.casefold(): n for n in names}
    findings_on = concerned(result, findings)
    problem_inputs = frozenset(p.input for p in problems)
    out: dict[str, CellWrite] = {}
    for kind, objs in (("indikator", result.indicators), ("indeks", result.indices), ("sasaran", result.sasaran),
                       ("nilai", result.values)):
        fields = layout.FIELDS[kind]
        for o in objs.values():
            for f in fields:
                key = have.get(_output_key(f, o.id))
                if key is None:
                    continue
                if f == "status":
                    out[key] = CellWrite(_status_text(kind, o, findings_on, problem_inputs))
                elif f == "derivasi":
                    out[key] = CellWrite(o.step.line() if o.step else "")
                elif f == "capaian" and kind != "sasaran":
                    out[key] = value_cell(o.capaian)
                else:
                    out[key] = value_cell(o.value)
    key = have.get(layout.TEMUAN_COUNT.casefold())
    if key is not None:
        out[key] = CellWrite(count_text(list(findings), list(problems)))
    return out


@lru_cache(maxsize=16384)  # a rule set's output names: the same on every Hitung
def _output_key(field_: str, ident: str) -> str:
    return layout.output_name(field_, ident).casefold()


def _result_sheet(result: Result) -> list[list[CellWrite | None]]:
    head = ["Jenis", "ID", "Nama", "Satuan", "Target", "Realisasi / nilai", "Capaian (%)", "Status", "Derivasi"]
    rows: list[list[CellWrite | None]] = [[CellWrite(h, style="header") for h in head]]
    for kind, objs in (("indikator", result.indicators), ("indeks", result.indices), ("sasaran", result.sasaran),
                       ("nilai", result.values)):
        for o in objs.values():
            main = None if kind == "sasaran" else o.value
            rows.append([CellWrite(kind), CellWrite(o.id), CellWrite(o.nama), CellWrite(o.meta.get("satuan")),
                         value_cell(o.target) if o.target is not None else None,
                         value_cell(main) if kind != "sasaran" else None,
                         value_cell(o.capaian if kind != "sasaran" else o.value) if kind != "nilai" else None,
                         CellWrite(status_word(kind, o)), CellWrite(o.step.line() if o.step else "", style="wrap")])
    return rows


@dataclass(frozen=True)
class Recalc:
    """The PLAN step's answer: what the rules computed and what to write."""

    result: Result
    findings: list[Temuan]
    problems: list[InputProblem]
    plan: WritePlan
    note: str = ""  # e.g. the rule set changed since the workbook was made


class Steps:
    """Which step a recalculation is in, so that an internal error can say where it happened."""

    def __init__(self) -> None:
        self.now = "membuka buku kerja"

    def __call__(self, what: str) -> None:
        self.now = what


def plan_recalc(checked: CheckedRules, inputs: Inputs, names: dict[str, str], meta: dict[str, str], *,
                aturan: str | None = None, now: datetime | None = None, zona: str | None = None,
                steps: Steps | None = None, carried: Carried | None = None,
                relabel: Sequence[Relabel] = ()) -> Recalc:
    """Evaluate the rules on ``inputs`` and plan every write. ``names``: the workbook's defined names (name →
    reference text), ``meta``: its stored ``kinerja.meta``; ``aturan``: the rule set as the user named it;
    ``zona``: WIB (default, or ``KINERJA_ZONA``), WITA or WIT for the times shown in the sheets; ``steps``
    is told each step (for the message of an internal error); ``carried``: the workbook's record of the inputs
    ``kinerja pindah`` carried from another year (:func:`~.pindahan.read_carried`) — one still holding that
    figure is finding T501; ``relabel``: the input label cells to bring to the rules' wording
    (:func:`~.uraian.relabels`), said in the note."""
    step = steps or Steps()
    step("menghitung indikator")
    result = evaluate(checked, inputs, Tracer())
    step("mencari temuan")
    findings = find(result) + stale_findings(carried, inputs, names)
    now = now or datetime.now(timezone.utc)
    when = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = local_time(now, zona)
    problems = list(inputs.problems)

    step(f"menyusun sheet {layout.AUDIT_SHEET}")
    audit = Audit(checked, result, names, shown)
    audit.objects()
    audit.checks()
    rs = checked.rules
    sheets: dict[str, SheetPlan] = {layout.AUDIT_SHEET: audit.sheet()}
    step(f"menyusun sheet {layout.TEMUAN_SHEET}")
    sheets[layout.TEMUAN_SHEET] = temuan_sheet(findings, problems, audit.row_of, title=rs.title or rs.name,
                                               subtitle=f"Hitung {shown} · set aturan {rs.name} versi {rs.version}")
    step("menyusun sel keluaran")
    cells = _output_cells(result, names, findings, problems)
    if not cells:
        sheets[layout.RESULT_SHEET] = SheetPlan(tuple(tuple(r) for r in _result_sheet(result)))
    specs = input_specs(checked)
    sheets[layout.FORMAT_SHEET] = format_sheet(specs, names, inputs)  # for the next live Hitung
    new_meta = dict(meta)
    new_meta.update({layout.META_RULES: aturan or meta.get(layout.META_RULES) or rs.name,
                     layout.META_LAYOUT: layout.layout_key(checked),
                     layout.META_VERSION: rs.version, layout.META_ENGINE: __version__, layout.META_TIME: when})
    year = rules_year(checked)
    if year is not None:
        new_meta[layout.META_YEAR] = str(year)
    note = ""
    if meta.get(layout.META_VERSION) and meta.get(layout.META_VERSION) != rs.version:
        old = meta.get(layout.META_VERSION)
        note = (f"Catatan: aturan berubah sejak buku kerja ini dibuat (versi {old} → {rs.version})."
                if language() == "id" else
                f"Note: the rules changed since this workbook was made (version {old} → {rs.version}).")
    if relabel:
        note = f"{note}\n{uraian.note(relabel)}".strip()
    protect = tuple(s.name for s in specs)
    rows, cols = data_places(inputs)
    return Recalc(result, findings, problems, WritePlan(cells, sheets, new_meta, protect, rows, cols,
                                                        uraian.writes(relabel)), note)


def apply_to_file(src: str | Path, plan: WritePlan, dest: str | Path | None = None,
                  pkg: Package | None = None) -> Path:
    """APPLY step for a file: write ``plan`` into ``src`` (or into the copy ``dest``); returns the written path.
    ``pkg``: ``src`` as already opened for reading (read and parsed once)."""
    pkg = Package(src) if pkg is None else pkg
    refuse_lost_outputs(pkg, plan.meta.get(layout.META_RULES) or "ATURAN")
    return write_back(src, out_path=dest, cells={**plan.cells, **plan.labels}, owned_sheets=dict(plan.sheets),
                      meta=dict(plan.meta), protect=plan.inputs, pkg=pkg, show_rows=plan.show_rows,
                      show_cols=plan.show_cols)


def owned_output_names(view: Any) -> tuple[str, ...]:
    """The defined names kinerja created in a workbook, as both Hitung paths read them: from the custom property
    ``kinerja.owned.names`` of a file (``view`` a :class:`~.ooxml.Package`), else — an open book, whose custom
    properties xlwings cannot reach, or a file whose property a tool dropped — from the same record in the hidden
    ``FormatIsian`` sheet (:mod:`.ownrecord`; one writer puts it in both places). Empty when neither holds one (a
    workbook written before the sheet record existed, seen live: the check below cannot be made there)."""
    if isinstance(view, Package):
        names = read_ownership_from(view).names
        if names:
            return names
    sheet = view.sheet(layout.FORMAT_SHEET)
    if sheet is None:
        return ()
    try:
        return names_in(view.cells(sheet.name).cells) or ()
    except KeyError:  # not a worksheet
        return ()


def refuse_lost_outputs(view: Any, rules: str, owned: tuple[str, ...] | None = None) -> None:
    """B114 when an output name kinerja created (:func:`owned_output_names`: ``capaian_x``, ``jumlah_temuan``) is
    no longer in the workbook. Results are written by name, so its cell would keep the last run's figure beside
    the new ones without a word (realisasi 20, "Belum tercapai", capaian still 100). Refused before anything is
    written, like an output name that points at ``#REF!``. ``view``: a file's package or an open book's
    :class:`~.live.BookView`; ``rules``: as the workbook records them, for the ``kinerja pindah`` that rebuilds
    it; ``owned``: the names when already read."""
    owned = owned_output_names(view) if owned is None else owned
    have = view.workbook_names()
    lost = [n for n in owned if n.casefold() not in have]
    if not lost:
        return
    shown = ", ".join(lost[:5]) + (f" (+{len(lost) - 5})" if len(lost) > 5 else "")
    near = near_en = ""
    for name in lost:  # a surviving output of the same object shows the row the lost one was on
        field_, _, ident = name.partition("_")
        sibling = next((have[f"{f}_{ident}".casefold()] for f in _FIELDS if f != field_
                        and f"{f}_{ident}".casefold() in have), None) if field_ in _FIELDS else None
        if sibling is not None:
            near = f" (baris yang sama dengan {sibling.name}: {sibling.text})"
            near_en = f" (the row of {sibling.name}: {sibling.text})"
            break
    book = view.path.name
    raise WorkbookError(
        BAD_TARGET, f"{view.path}: {lost[0]}",
        f"nama keluaran {shown} dibuat kinerja tetapi tidak ada lagi di buku kerja (dihapus di Name Manager?); "
        "selnya akan tetap menampilkan angka Hitung sebelumnya di samping hasil baru. kinerja tidak menulis apa "
        "pun.",
        f"the output name(s) {shown} were made by kinerja but no longer exist in the workbook (deleted in Name "
        "Manager?); their cells would keep the previous run's figures beside the new results. kinerja wrote "
        "nothing.",
        f"Buat lagi nama itu di Formulas › Name Manager (cakupan Workbook) pada selnya{near}, atau pindahkan "
        f"isian ke buku kerja baru: kinerja pindah \"{book}\" --aturan {rules} --keluaran BARU.xlsx",
        f"Define the name again in Formulas › Name Manager (scope Workbook) on its cell{near_en}, or move the "
        f"entries to a new workbook: kinerja pindah \"{book}\" --aturan {rules} --keluaran NEW.xlsx")


_FIELDS = tuple(dict.fromkeys(f for fields in layout.FIELDS.values() for f in fields))


def _same_year(meta: dict[str, str], checked: CheckedRules) -> bool:
    """The workbook records the year the rules are for (or neither says one): labels may be reworded only within a
    year — another year's rules with reworded ``{tahun}`` labels are another year's workbook (``kinerja pindah``,
    whose Pindahan record keeps last year's figures from passing as this year's)."""
    year = rules_year(checked)
    return meta.get(layout.META_YEAR, "") == ("" if year is None else str(year))


def check_same_layout(src: Path, pkg: Package, checked: CheckedRules, meta: dict[str, str],
                      shown: dict[str, str] | None = None) -> None:
    """A workbook whose Ringkasan was generated from other rules (another year's indicators and targets) is not
    recalculated with these: that would mix two years in one file. Refused with the command that migrates it.
    ``shown``: input name → the label the workbook shows where the rules word it otherwise
    (:func:`~.uraian.shown_labels`): when the recorded key is the one those labels give and the year is the same,
    only labels changed — Hitung rewrites them (kinerja's cells) instead of refusing."""
    if layout.META_RULES not in meta or pkg.sheet(layout.SUMMARY_SHEET) is None:
        return  # not made by `kinerja templat`: every sheet kinerja writes is rebuilt whole on each run
    stored = meta.get(layout.META_LAYOUT)
    if not stored and not meta.get(layout.META_VERSION):
        return  # nothing recorded to compare with
    same = stored == layout.layout_key(checked) if stored else meta.get(layout.META_VERSION) == checked.rules.version
    if same or (stored and shown and _same_year(meta, checked) and stored == layout.layout_key(checked, shown)):
        return
    rs = checked.rules
    new = f"{src.stem}-{rs.name}{src.suffix}"
    raise WorkbookError(
        OTHER_RULES, str(src),
        f"buku kerja ini dibuat dari set aturan {meta.get(layout.META_RULES)} (versi {meta.get(layout.META_VERSION)});"
        f" set aturan {rs.name} (versi {rs.version}) mengubah judul, indikator, target atau masukannya. Menghitung "
        "dengan aturan itu akan mencampur dua tahun (Ringkasan dan target lama di samping capaian baru); buku kerja "
        "tidak diubah.",
        f"this workbook was made from the rule set {meta.get(layout.META_RULES)} (version "
        f"{meta.get(layout.META_VERSION)}); the rule set {rs.name} (version {rs.version}) changes its title, "
        "indicators, targets or inputs. Recalculating with it would mix two years; the workbook was not changed.",
        f"Pindahkan isian ke templat aturan baru: kinerja pindah \"{src.name}\" --aturan {rs.name} --keluaran "
        f"\"{new}\" (masukan yang namanya tetap ikut pindah; yang dihapus aturan baru didaftar), lalu kinerja hitung "
        f"\"{new}\".",
        f"Move the entries to the new rules' template: kinerja pindah \"{src.name}\" --aturan {rs.name} --keluaran "
        f"\"{new}\" (inputs whose names survive keep their values; dropped ones are listed), then kinerja hitung "
        f"\"{new}\".")


def internal_error(workbook: Path, step: str, exc: BaseException) -> WorkbookError:
    """The message for a bug met while recalculating ``workbook``: which workbook, which step, that nothing was
    written, and where the log with the details is (next to the workbook, or in the temp folder)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    text = (f"kinerja {__version__} · Python {sys.version.split()[0]} · {datetime.now(timezone.utc).isoformat()}\n"
            f"buku kerja: {workbook}\nlangkah: {step}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    log = None
    for folder in (workbook.resolve().parent, Path(tempfile.gettempdir())):
        candidate = folder / f"kinerja-galat-{workbook.stem}-{stamp}.log"
        try:
            candidate.write_text(text, encoding="utf-8")
        except OSError:
            continue
        log = candidate
        break
    where = (f" Rincian teknis di {log}; kirim berkas itu ke pengelola kinerja." if log else "")
    where_en = (f" Technical details are in {log}; send that file to whoever maintains kinerja." if log else "")
    return WorkbookError(
        INTERNAL, str(workbook),
        f"galat internal kinerja saat {step} ({type(exc).__name__}); buku kerja tidak diubah.{where}",
        f"internal kinerja error while {STEP_EN.get(step.split(' sheet ')[0], step)} ({type(exc).__name__}); "
        f"the workbook was not changed.{where_en}",
        "Ini kesalahan kinerja, bukan kesalahan isian Anda. Hasil Hitung sebelumnya tetap seperti semula.",
        "This is a fault in kinerja, not in your entries. The results of the previous Hitung are unchanged.")


STEP_EN = {"membuka buku kerja": "opening the workbook", "membaca set aturan": "reading the rule set",
           "membaca masukan": "reading the inputs", "menghitung indikator": "computing the indicators",
           "mencari temuan": "looking for findings", "menyusun": "building a sheet",
           "menyusun sel keluaran": "preparing the output cells", "menulis buku kerja": "writing the workbook"}


def recalculate_workbook(path: str | Path, *, aturan: str | None = None, keluaran: str | Path | None = None,
                         now: datetime | None = None, zona: str | None = None,
                         rules: Callable[[str], CheckedRules] = load_rules) -> Outcome:
    """Read, evaluate and write back one workbook (in place, or into ``keluaran``).

    ``rules``: rule set reference → checked rules; a batch run passes its cache (rules loaded once per run).
    ``zona``: WIB (default), WITA or WIT for the times shown in the sheets."""
    src = Path(path)
    dest = Path(keluaran) if keluaran else src
    step = Steps()
    try:
        pkg = Package(src)  # read once: meta, names and inputs come from the same parsed package
        step("membaca set aturan")
        checked, meta = rules_of(src, aturan, pkg, rules)
        specs = input_specs(checked)
        names = workbook_names_from(pkg)
        relabel = uraian.relabels(pkg, specs, names)
        check_same_layout(src, pkg, checked, meta, uraian.shown_labels(relabel))
        check_writable(dest)  # fail before computing when the workbook is open in Excel or read-only
        step("membaca masukan")
        inputs = read_inputs_from(pkg, specs)
        inputs.origin = src.name
        # recorded by bundled name or relative to the folder the workbook is written to (never absolute)
        recorded = layout.recorded_rules(aturan or meta[layout.META_RULES], dest.parent,
                                         confine_to=None if aturan else src.resolve().parent)
        rc = plan_recalc(checked, inputs, names, meta, aturan=recorded, now=now, zona=zona,
                         steps=step, carried=read_carried(pkg), relabel=relabel)
        step("menulis buku kerja")
        written = apply_to_file(src, rc.plan, dest if keluaran else None, pkg)
    except (KinerjaError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # a bug in kinerja: name the workbook and the step, keep the details in a log
        raise internal_error(src, step.now, exc) from exc
    outcome = Outcome(written, rc.result, rc.findings, rc.problems)
    outcome.written_cells = rc.plan.cell_count
    note = f"\n{rc.note}" if rc.note else ""
    sheets, count, lang, result, findings = ", ".join(rc.plan.sheets), rc.plan.cell_count, language(), rc.result, \
        rc.findings  # not the outcome: a function of the outcome kept in it would be a reference cycle
    outcome.summary = lambda: summary_text(result, findings, lang) + note + (
        f"\n\nDitulis ke {written}: {count} sel keluaran, sheet {sheets}." if lang == "id" else
        f"\n\nWritten to {written}: {count} output cells, sheets {sheets}.")
    return outcome
