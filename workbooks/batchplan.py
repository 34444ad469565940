"""Which workbooks a batch run takes and which rule sets it needs, before anything runs.

:func:`expand` turns files, folders and glob patterns into workbook paths (passing over lock files, kinerja's
temporary files, the run's own outputs and earlier summaries); :func:`plan` makes the run's :class:`Job` list
(refusing two outputs with one name); :class:`RuleCache` loads each rule set a run needs once (by content hash)
and is handed to the workers pickled; :func:`rule_refs` lists the sets the workbooks name. Running the jobs is
:mod:`.batch`'s.
"""

from __future__ import annotations

import glob
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..engine import CheckedRules, KinerjaError, load_rules
from ..engine.fsprobe import RULE_SUFFIX
from ..engine.loader import resolve
from .batch_ringkasan import is_summary
from .errors import NO_WORKBOOKS, SAME_OUTPUT, WorkbookError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SKIP_PREFIXES = ("~$", ".~lock.", ".~kinerja-")  # Excel owner files, LibreOffice locks, kinerja temp files


# --- which workbooks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    berkas: str  # the workbook as given
    keluaran: str | None = None  # write into this file instead (--keluaran DIR)
    aturan: str | None = None  # --aturan, else the rule set stored in the workbook
    hasil: bool = True  # the record carries the result's JSON (--json, --ringkasan); else its "hasil" is None and
    # the worker neither builds it nor sends it to the coordinator (≈ 1.5 ms of a PK 2024 workbook's ≈ 47)


def _wanted(p: Path) -> bool:
    return p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(_SKIP_PREFIXES)


def expand(paths: Iterable[str], exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Files as given (whatever their extension: a non-workbook is reported, not silently dropped), folders
    (every .xlsx/.xlsm/.xls below them) and glob patterns (``**`` allowed). In order, without duplicates.
    ``exclude``: the run's own outputs (a batch summary, a Kanwil workbook, the ``--keluaran`` folder and what is
    in it), never taken as input even when they lie in a folder being walked; a folder or pattern also passes over
    the summaries of earlier runs (:func:`is_summary`).

    Raises :class:`WorkbookError` (B132) for a path that does not exist or a folder/pattern with no workbook.
    """
    skip = {Path(e).resolve() for e in exclude}
    out: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and _wanted(q) and not is_summary(q))
        elif p.exists():
            found = [p]
        elif any(ch in raw for ch in "*?["):
            found = sorted(Path(q) for q in glob.glob(raw, recursive=True)
                           if Path(q).is_file() and _wanted(Path(q)) and not is_summary(Path(q)))
        else:
            raise WorkbookError(NO_WORKBOOKS, raw, "berkas atau folder tidak ditemukan.",
                                "file or folder not found.", "Periksa ejaan path-nya.", "Check the path.")
        if not found:
            raise WorkbookError(NO_WORKBOOKS, raw, "tidak ada buku kerja .xlsx/.xlsm di sini.",
                                "no .xlsx/.xlsm workbook here.")
        for q in found:
            if not skip or skip.isdisjoint((real := q.resolve(), *real.parents)):
                out.setdefault(q, None)
    return list(out)


def plan(paths: Iterable[str], *, keluaran: str | Path | None = None, aturan: str | None = None,
         ringkasan: str | Path | None = None, hasil: bool = True) -> list[Job]:
    """The jobs of a run; with ``keluaran`` (a folder, created if missing) each workbook is written there under
    its own name — two workbooks with the same name are refused (B133) before anything runs. ``ringkasan`` and
    ``keluaran`` are the run's outputs, not inputs (they may sit in the folder being recalculated, from the last
    run). ``hasil``: whether the records carry each result's JSON (:attr:`Job.hasil`)."""
    files = expand(paths, exclude=[e for e in (ringkasan, keluaran) if e])
    if keluaran is None:
        return [Job(str(f), None, aturan, hasil) for f in files]
    out_dir = Path(keluaran)
    seen: dict[str, Path] = {}
    for f in files:
        other = seen.setdefault(f.name.casefold(), f)
        if other != f:
            raise WorkbookError(SAME_OUTPUT, str(out_dir / f.name),
                                f"{other} dan {f} akan ditulis ke berkas yang sama.",
                                f"{other} and {f} would be written to the same file.",
                                "Jalankan per folder, atau ganti nama salah satunya.",
                                "Run one folder at a time, or rename one of them.")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [Job(str(f), str(out_dir / f.name), aturan, hasil) for f in files]


# --- rules, loaded once per run -----------------------------------------------------------------------------


def _files_key(path: Path) -> tuple:
    """The resolved place of a rule set and the size and modification time of its files: a reference → the
    rule set's identity without reading or parsing anything."""
    files = sorted(path.glob(f"*{RULE_SUFFIX}")) if path.is_dir() else [path]
    stats = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        stats.append((f.name, st.st_size, st.st_mtime_ns))
    return (str(path), tuple(stats))


class RuleCache:
    """Rule set reference → checked rules, each rule set loaded (parsed and checked) at most once.

    Checked rules are kept by their content hash (``RuleSet.version``: every file, parents included), so two
    references to the same files (a bundled name and its path) share one entry; a reference is mapped to that
    hash by its resolved place and its files' sizes and times (a changed file is loaded again). Trust is the
    loader's: a reference stored in a workbook is resolved with ``confine_to`` (its folder), exactly as
    ``kinerja hitung`` does. Picklable as a whole (:meth:`dumps`), so the parent loads every set the run needs
    and hands them to the workers."""

    def __init__(self, by_version: dict[str, CheckedRules] | None = None):
        self.by_version: dict[str, CheckedRules] = dict(by_version or {})
        self.keys: dict[tuple, str] = {}
        self.loads = 0  # how many times rules were actually loaded here (for tests and the benchmark)

    def get(self, ref: str, *, confine_to: Path | None = None) -> CheckedRules:
        path = resolve(str(ref), confine_to=confine_to)  # E214 for a place outside the workbook's folder
        key = _files_key(path)
        version = self.keys.get(key)
        if version is not None and version in self.by_version:
            return self.by_version[version]
        checked = load_rules(ref, confine_to=confine_to)
        self.loads += 1
        version = checked.rules.version
        self.keys[key] = version
        return self.by_version.setdefault(version, checked)

    def preload(self, refs: Iterable[tuple[str, Path | None]]) -> None:
        """Load what can be loaded; a broken, missing or refused set is reported by each workbook naming it."""
        for ref, confine in dict.fromkeys(refs):
            try:
                self.get(ref, confine_to=confine)
            except KinerjaError:
                pass

    def dumps(self) -> bytes:
        return pickle.dumps((self.by_version, self.keys), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads_from(cls, payload: bytes) -> RuleCache:
        by_version, keys = pickle.loads(payload)
        cache = cls(by_version)
        cache.keys = dict(keys)
        return cache


def rule_refs(jobs: list[Job]) -> list[tuple[str, Path | None]]:
    """The rule sets a run needs: ``--aturan``, else the set each workbook records, confined to its folder
    (files that cannot be read are left to their own record)."""
    from .writer import read_meta

    refs: list[tuple[str, Path | None]] = []
    for job in jobs:
        if job.aturan:
            refs.append((job.aturan, None))
            continue
        try:
            ref = read_meta(job.berkas).get("aturan")
        except Exception:  # noqa: BLE001 - the worker reports it, with the proper message
            continue
        if ref:
            refs.append((ref, Path(job.berkas).resolve().parent))
    return list(dict.fromkeys(refs))
