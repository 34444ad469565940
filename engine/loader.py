"""Find, read and merge the files of a rule set.

A rule set is a folder of ``*.kin`` files (read in name order), or one ``.kin`` file, or the *name* of a
bundled set (``pk2024-sumsel`` → ``kinerja/rules/pk2024-sumsel/``). ``sertakan "x.kin"`` includes a file
relative to the including one (or, failing that, to the bundled sets: ``sertakan "pk2024-sumsel/10-setjen.kin"``);
``perluas "pk2023-sumsel"`` loads a parent set first. What the child then writes is resolved here, before the
checker and the lowering see the model (:mod:`kinerja.engine.inherit`): ``hapus`` removes, a redeclared block
merges into the inherited one, ``ganti`` replaces it whole, and every change is listed in ``RuleSet.changes``.
Within one set a name declared twice is an error.
The version of a rule set is a hash over every file that makes it up, parents included.
Every question to the file system goes through :mod:`kinerja.engine.fsprobe`, which records it for the cache.

Where rules may come from (README, "Trust model"): a rule set named explicitly (``--aturan``, ``periksa``) may
be any folder, ``.kin`` file or bundled name; one named by a workbook (untrusted) only a bundled name or a
place inside the workbook's folder (``confine_to``). ``sertakan`` resolves inside the rule set's own folder
tree, ``perluas`` inside the folder holding the rule set (sibling years: ``perluas "../pk2024"``) — either
may also name the bundled rules. Only regular ``.kin`` files up to :data:`limits.MAX_RULE_FILE_BYTES` are
read; anything else is refused before it is opened for reading, so nothing of it can appear in a message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from pathlib import Path

from . import fsprobe as fs
from . import model as m
from .errors import Diagnostic, KinerjaError
from .fsprobe import RULE_SUFFIX
from .inherit import finish, inherit
from .limits import (
    MAX_EXTENDS_DEPTH,
    MAX_INCLUDE_DEPTH,
    MAX_RULE_FILE_TOKENS,
    MAX_RULE_FILES,
    MAX_RULE_SET_TOKENS,
    FileRefused,
    clip,
    count_tokens,
)
from .parser import parse_text
from .ruletext import bundled_dir, line_of, shown_name

# RuleFile list attribute → (RuleSet dict attribute, key attribute of the item)
_KEYED = {
    "settings": ("settings", "name"),
    "params": ("params", "name"),
    "targets": ("targets", "id"),
    "inputs": ("inputs", "name"),
    "tables": ("tables", "name"),
    "eselons": ("eselons", "id"),
    "sasaran": ("sasaran", "id"),
    "indicators": ("indicators", "id"),
    "indices": ("indices", "id"),
    "values": ("values", "name"),
    "rows": ("rows", "table"),
    "checks": ("checks", "id"),
    "same": ("same", "id"),
    "rekap": ("rekap", "input"),
    "rekap_units": ("rekap_units", "name"),
}
# Overriding a parent's parameters/targets/settings is the normal way to make next year's PK.
_OVERRIDE_SILENTLY = {"settings", "params", "targets"}


def _not_found(ref: str) -> KinerjaError:
    names = ", ".join(fs.bundled_names()) or "-"
    shown = clip(ref)
    return KinerjaError(
        f"Set aturan tidak ditemukan: {shown}.",
        message_en=f"Rule set not found: {shown}.",
        location=shown,
        hint=f"berikan path folder/berkas .kin, atau nama set bawaan: {names}",
        hint_en=f"give a path to a folder/.kin file, or a bundled set name: {names}",
        code="E206",
    )


def resolve(ref: str, relative_to: Path | None = None, *, confine_to: Path | None = None) -> Path:
    """A rule set reference (path or bundled name) → an existing file or folder.

    ``confine_to`` (a workbook's folder, for a reference stored in the workbook): only a bundled name or a
    place inside that folder is accepted; anything else is refused (E214) without being looked at.
    """
    ref = str(ref)
    if confine_to is not None:
        base = fs.real(Path(confine_to))
        cand = fs.real(base / ref) if "\0" not in ref else None
        if cand is not None and fs.inside(cand, base):
            if fs.exists(cand):
                return cand
        elif not fs.is_bundled_name(ref):
            shown = clip(ref)
            raise KinerjaError(
                f"Set aturan yang disimpan buku kerja ({shown}) berada di luar folder buku kerja; kinerja hanya "
                "memakai set bawaan atau folder di dalam folder buku kerja tanpa --aturan.",
                message_en=f"The rule set stored in the workbook ({shown}) is outside the workbook's folder; "
                "without --aturan kinerja only uses a bundled set or a folder inside the workbook's folder.",
                location=shown, code="E214",
                hint="bila Anda mempercayai set aturan itu, berikan secara eksplisit: --aturan FOLDER",
                hint_en="if you trust that rule set, name it explicitly: --aturan FOLDER")
        if fs.is_bundled_name(ref):
            return fs.real(bundled_dir() / ref)
        raise _not_found(ref)
    candidates = []
    p = Path(ref)
    if relative_to is not None and not p.is_absolute():
        candidates.append(relative_to / p)
    candidates.append(p)
    if fs.is_bundled_name(ref):
        candidates.append(bundled_dir() / ref)
    for c in candidates:
        if fs.exists(c):
            return fs.real(c)
    raise _not_found(ref)


@dataclass
class _Budget:
    """Counts shared by a rule set and its parents (limits.MAX_RULE_FILES)."""

    files: int = 0
    tokens: int = 0
    over: bool = False


def _limit(what_id: str, what_en: str) -> dict[str, str]:
    return {"id": what_id, "en": what_en}


class _Loading:
    def __init__(self, tree: Path, budget: _Budget) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.files: dict[str, str] = {}
        self.tree = tree  # includes resolve inside this folder (or the bundled rules)
        self.budget = budget

    def _where(self, path: Path, span: m.Span | None) -> tuple[str, int, int]:
        return (span.file, span.line, span.column) if span else (shown_name(path), 1, 1)

    def read(self, path: Path, span: m.Span | None) -> str | None:
        file, line, col = self._where(path, span)
        try:
            if path.suffix.lower() != RULE_SUFFIX:
                raise FileRefused("bukan berkas .kin", "not a .kin file")
            text = fs.read_rule_file(path).decode("utf-8")
        except FileRefused as exc:
            reason = _limit(exc.reason, exc.reason_en)
        except UnicodeDecodeError:
            reason = _limit("bukan UTF-8", "not UTF-8")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
        else:
            return text[1:] if text.startswith("\ufeff") else text  # a BOM, as Windows editors write it
        self.diagnostics.append(Diagnostic("E212", file, line, col, {"name": shown_name(path), "reason": reason}))
        return None

    def parse_files(self, paths: list[Path], stack: tuple[Path, ...] = ()) -> list[m.RuleFile]:
        out: list[m.RuleFile] = []
        for path in paths:
            out.extend(self._parse_one(path, None, stack))
        return out

    def _parse_one(self, path: Path, span: m.Span | None, stack: tuple[Path, ...]) -> list[m.RuleFile]:
        path = fs.real(path)
        file, line, col = self._where(path, span)
        if path in stack:
            cycle = " → ".join(shown_name(p) for p in (*stack, path))
            self.diagnostics.append(Diagnostic("E207", file, line, col, {"cycle": cycle}))
            return []
        if str(path) in self.files:  # already included elsewhere: once is enough
            return []
        if not (fs.inside(path, self.tree) or fs.inside(path, fs.real(bundled_dir()))):
            self.diagnostics.append(Diagnostic("E214", file, line, col, {"name": shown_name(path)}))
            return []
        if len(stack) > MAX_INCLUDE_DEPTH:
            self.diagnostics.append(Diagnostic("E216", file, line, col, {"what": _limit(
                f"lebih dari {MAX_INCLUDE_DEPTH} tingkat sertakan", f"more than {MAX_INCLUDE_DEPTH} include levels")}))
            return []
        self.budget.files += 1
        if self.budget.files > MAX_RULE_FILES:
            if not self.budget.over:
                self.budget.over = True
                self.diagnostics.append(Diagnostic("E216", file, line, col, {"what": _limit(
                    f"lebih dari {MAX_RULE_FILES} berkas", f"more than {MAX_RULE_FILES} files")}))
            return []
        text = self.read(path, span)
        if text is None:
            return []
        shown = shown_name(path)
        tokens = count_tokens(text)
        self.budget.tokens += tokens
        if tokens > MAX_RULE_FILE_TOKENS or self.budget.tokens > MAX_RULE_SET_TOKENS:
            what = (_limit(f"lebih dari {MAX_RULE_FILE_TOKENS:,} token dalam satu berkas".replace(",", "."),
                           f"more than {MAX_RULE_FILE_TOKENS:,} tokens in one file")
                    if tokens > MAX_RULE_FILE_TOKENS else
                    _limit(f"lebih dari {MAX_RULE_SET_TOKENS:,} token dalam set aturan".replace(",", "."),
                           f"more than {MAX_RULE_SET_TOKENS:,} tokens in the rule set"))
            self.diagnostics.append(Diagnostic("E216", shown, 1, 1, {"what": what}))
            return []
        self.files[str(path)] = text
        rf, diags = parse_text(text, shown)
        self.diagnostics.extend(diags)
        out = [rf]
        for inc, inc_span in rf.includes:
            target = fs.real(path.parent / inc)
            if not fs.exists(target) and fs.exists(fs.real(bundled_dir() / inc)):
                target = fs.real(bundled_dir() / inc)  # the same bundled paths `perluas` accepts
            if not (fs.inside(target, self.tree) or fs.inside(target, fs.real(bundled_dir()))):
                self.diagnostics.append(Diagnostic("E214", inc_span.file, inc_span.line, inc_span.column,
                                                   {"name": clip(inc)}, source_line=line_of(text, inc_span.line)))
                continue
            if not fs.exists(target):
                self.diagnostics.append(Diagnostic("E206", inc_span.file, inc_span.line, inc_span.column,
                                                   {"name": clip(inc)}, source_line=line_of(text, inc_span.line)))
                continue
            out.extend(self._parse_one(target, inc_span, (*stack, path)))
        return out


# Errors of one declaration that could not be merged (a duplicate, a misspelt `hapus`, a redeclared block missing
# its title, …): the rest of the model is whole, so the checker runs as well and the planner
# sees every error in one run. Any other load error (syntax, a file missing or unreadable, a limit) leaves part of
# the model unread: checking it would call the unread names unknown, so only the load errors are shown.
MERGE_ERRORS = frozenset({"E202", "E221", "E222", "E223", "E224", "E225", "E420", "E421"})


def _merge(rs: m.RuleSet, files: list[m.RuleFile], diagnostics: list[Diagnostic], texts: dict[str, str],
           inherited: dict[str, set[str]]) -> None:
    """Add the declarations of ``files`` to ``rs``. Names in ``inherited`` came from a parent (overridable)."""
    seen: dict[tuple[str, str], m.Span] = {}
    for rf in files:
        if rf.header and not rs.title:
            rs.title = rf.header[1]
        if rf.unit:
            rs.unit = rf.unit
        for attr, (target, key) in _KEYED.items():
            store = getattr(rs, target)
            for item in getattr(rf, attr):
                k = getattr(item, key)
                span = item.span
                if (attr, k) in seen:
                    other = seen[(attr, k)]
                    if attr == "eselons" and item.name in (store[k].name, ""):
                        continue  # an eselon block may go on in another file (same id, same name)
                    diagnostics.append(Diagnostic(
                        "E202", span.file, span.line, span.column,
                        {"name": k, "other": f"{other.file}:{other.line}"}, hint_key="rename",
                        source_line=line_of(rf.text, span.line), end_column=span.column + len(k)))
                    continue
                seen[(attr, k)] = span
                store[k] = item


def _parent_path(ref: str, setdir: Path, family: Path) -> Path | str:
    """Where ``perluas ref`` points: a folder/file next to the set (inside ``family``) or a bundled set;
    otherwise the diagnostic code (E214 outside, E206 not found)."""
    cand = fs.real(setdir / ref) if "\0" not in ref else None
    bundled = fs.real(bundled_dir())
    if cand is not None and (fs.inside(cand, family) or fs.inside(cand, bundled)):
        if fs.exists(cand):
            return cand
        return fs.real(bundled_dir() / ref) if fs.is_bundled_name(ref) else "E206"
    return fs.real(bundled_dir() / ref) if fs.is_bundled_name(ref) else "E214"


def load(ref: str | Path, *, confine_to: Path | None = None, _stack: tuple[Path, ...] = (),
         _family: Path | None = None, _budget: _Budget | None = None) -> tuple[m.RuleSet, list[Diagnostic]]:
    """Load a rule set (with its parents). Returns the merged model and all load/syntax diagnostics.

    ``confine_to``: the reference comes from an untrusted place (a workbook in that folder); see :func:`resolve`.
    A rule set without rules (no ``.kin`` files; nothing to compute) is an error (E215), never an empty result.
    """
    path = fs.real(Path(ref)) if _stack else resolve(str(ref), confine_to=confine_to)
    is_dir = fs.is_dir(path)
    setdir = path if is_dir else path.parent
    bundled = fs.real(bundled_dir())
    if fs.inside(path, bundled):
        family = bundled
    elif _family is not None:
        family = _family
    elif confine_to is not None:
        family = fs.real(Path(confine_to))
    else:
        family = setdir.parent
    budget = _budget or _Budget()
    loading = _Loading(setdir if not fs.inside(path, bundled) else bundled, budget)
    paths = fs.rule_files(path)
    files = loading.parse_files(paths)
    name = path.stem if not is_dir else path.name
    rs = m.RuleSet(name=name)
    diagnostics = list(loading.diagnostics)
    texts = dict(loading.files)

    # Parents first (perluas), then this set's own declarations override theirs.
    for rf in files:
        for parent_ref, span in rf.extends:
            ppath = _parent_path(parent_ref, setdir, family)
            if isinstance(ppath, str):
                diagnostics.append(Diagnostic(ppath, span.file, span.line, span.column, {"name": clip(parent_ref)},
                                              source_line=line_of(rf.text, span.line)))
                continue
            if ppath in _stack or ppath == path:
                cycle = " → ".join(shown_name(p) for p in (*_stack, path, ppath))
                diagnostics.append(Diagnostic("E207", span.file, span.line, span.column, {"cycle": cycle}))
                continue
            if len(_stack) >= MAX_EXTENDS_DEPTH:
                diagnostics.append(Diagnostic("E216", span.file, span.line, span.column, {"what": _limit(
                    f"lebih dari {MAX_EXTENDS_DEPTH} tingkat perluas",
                    f"more than {MAX_EXTENDS_DEPTH} extends levels")}, source_line=line_of(rf.text, span.line)))
                continue
            parent, pdiags = load(ppath, _stack=(*_stack, path), _family=family, _budget=budget)
            diagnostics.extend(pdiags)
            rs.parents.append(parent.name)
            texts.update(parent.files)
            for f in dc_fields(m.RuleSet):
                val = getattr(parent, f.name)
                if isinstance(val, dict) and f.name != "files":
                    getattr(rs, f.name).update(val)
            rs.title = rs.title or parent.title
            rs.unit = rs.unit or parent.unit
    own_title = next((rf.header[1] for rf in files if rf.header and rf.header[1]), "")
    own_unit = next((rf.unit for rf in files if rf.unit), "")
    if rs.parents:
        inherit(rs, files, diagnostics)
    else:
        for rf in files:
            for r in rf.removals:
                diagnostics.append(Diagnostic("E223", r.span.file, r.span.line, r.span.column,
                                              {"kind": r.kind, "name": r.id},
                                              source_line=line_of(rf.text, r.span.line)))
        _merge(rs, files, diagnostics, texts, {})
    rs.title = own_title or rs.title  # the set's own header wins over its parent's
    rs.unit = own_unit or rs.unit
    for rf in files:
        if rf.header:
            rs.name = rf.header[0].replace("_", "-") if not fs.is_dir(path) else rs.name
    rs.files = texts
    if not _stack:  # the rule set asked for (not a parent being loaded for it): resolve what is left
        finish(rs, diagnostics)
    rs.version = version_of(texts)
    return rs, diagnostics


def no_rules(rs: m.RuleSet, ref: str | Path) -> Diagnostic | None:
    """E215 when a rule set computes nothing (no ``.kin`` files, e.g. ``/etc`` or ``.``; or only declarations).
    The checker's own errors come first: this is reported only for a set that is otherwise fine."""
    if _has_rules(rs):
        return None
    what = (_limit("tidak berisi berkas .kin", "contains no .kin files") if not rs.files else
            _limit("tidak berisi aturan (indikator, indeks, nilai, per_baris atau periksa)",
                   "contains no rules (indicators, indices, values, per_baris or checks)"))
    first = next(iter(rs.files), None)
    shown = shown_name(Path(first)) if first else clip(str(ref))
    return Diagnostic("E215", shown, 1, 1, {"name": rs.name, "what": what})


def _has_rules(rs: m.RuleSet) -> bool:
    """Does the set compute anything? (A folder such as /etc or one without rule files does not.)"""
    return bool(rs.indicators or rs.indices or rs.values or rs.rows or rs.checks or rs.same)


def version_of(texts: dict[str, str]) -> str:
    h = hashlib.sha256()
    for p in sorted(texts):
        h.update(Path(p).name.encode())
        h.update(b"\0")
        h.update(texts[p].encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:12]
