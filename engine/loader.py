"""Find, read and merge the files of a rule set.

A rule set is a folder of ``*.kin`` files (read in name order), or one ``.kin`` file, or the *name* of a
bundled set (``pk2024-sumsel`` → ``kinerja/rules/pk2024-sumsel/``). ``sertakan "x.kin"`` includes a file
relative to the including one; ``perluas "pk2023-sumsel"`` loads a parent set first, whose declarations the
child may override (same name → the child's wins). Within one set a name declared twice is an error.
The version of a rule set is a hash over every file that makes it up, parents included.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields as dc_fields
from importlib import resources
from pathlib import Path

from . import model as m
from .errors import Diagnostic, KinerjaError
from .parser import parse_text

RULE_SUFFIX = ".kin"

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
}
# Overriding a parent's parameters/targets/settings is the normal way to make next year's PK.
_OVERRIDE_SILENTLY = {"settings", "params", "targets"}


def bundled_dir() -> Path:
    return Path(str(resources.files("kinerja.rules")))


def bundled_names() -> list[str]:
    base = bundled_dir()
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob(f"*{RULE_SUFFIX}")))


def resolve(ref: str, relative_to: Path | None = None) -> Path:
    """A rule set reference (path or bundled name) → an existing file or folder."""
    candidates = []
    p = Path(ref)
    if relative_to is not None and not p.is_absolute():
        candidates.append(relative_to / p)
    candidates.append(p)
    candidates.append(bundled_dir() / ref)
    for c in candidates:
        if c.exists():
            return c.resolve()
    names = ", ".join(bundled_names()) or "-"
    raise KinerjaError(
        f"Set aturan tidak ditemukan: {ref}.",
        message_en=f"Rule set not found: {ref}.",
        location=ref,
        hint=f"berikan path folder/berkas .kin, atau nama set bawaan: {names}",
        hint_en=f"give a path to a folder/.kin file, or a bundled set name: {names}",
        code="E206",
    )


def _rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob(f"*{RULE_SUFFIX}"))
    return [path]


def _display(path: Path) -> str:
    """How a rule file is named in messages and the audit: bundled files by their place in the package
    (``rules/pk2024-sumsel/21-iphp.kin``, the same on every machine), others relative to the working folder."""
    try:
        return "rules/" + str(path.relative_to(bundled_dir().resolve()))
    except ValueError:
        pass
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Loading:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.files: dict[str, str] = {}

    def read(self, path: Path, span: m.Span | None) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "bukan UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
            self.diagnostics.append(Diagnostic(
                "E212", span.file if span else _display(path), span.line if span else 1,
                span.column if span else 1, {"name": _display(path), "reason": reason}))
            return None

    def parse_files(self, paths: list[Path], stack: tuple[Path, ...] = ()) -> list[m.RuleFile]:
        out: list[m.RuleFile] = []
        for path in paths:
            out.extend(self._parse_one(path, None, stack))
        return out

    def _parse_one(self, path: Path, span: m.Span | None, stack: tuple[Path, ...]) -> list[m.RuleFile]:
        path = path.resolve()
        if path in stack:
            cycle = " → ".join(_display(p) for p in (*stack, path))
            self.diagnostics.append(Diagnostic("E207", span.file if span else _display(path),
                                               span.line if span else 1, span.column if span else 1,
                                               {"cycle": cycle}))
            return []
        if str(path) in self.files:  # already included elsewhere: once is enough
            return []
        text = self.read(path, span)
        if text is None:
            return []
        shown = _display(path)
        self.files[str(path)] = text
        rf, diags = parse_text(text, shown)
        self.diagnostics.extend(diags)
        out = [rf]
        for inc, inc_span in rf.includes:
            target = (path.parent / inc)
            if not target.exists():
                self.diagnostics.append(Diagnostic("E206", inc_span.file, inc_span.line, inc_span.column,
                                                   {"name": inc}, source_line=_line(text, inc_span.line)))
                continue
            out.extend(self._parse_one(target, inc_span, (*stack, path)))
        return out


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


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
                    if attr == "eselons" and item.name == store[k].name:
                        continue  # an eselon block may go on in another file (same id, same name)
                    diagnostics.append(Diagnostic(
                        "E202", span.file, span.line, span.column,
                        {"name": k, "other": f"{other.file}:{other.line}"}, hint_key="rename",
                        source_line=_line(rf.text, span.line), end_column=span.column + len(k)))
                    continue
                seen[(attr, k)] = span
                store[k] = item


def load(ref: str | Path, *, _stack: tuple[Path, ...] = ()) -> tuple[m.RuleSet, list[Diagnostic]]:
    """Load a rule set (with its parents). Returns the merged model and all load/syntax diagnostics."""
    path = resolve(str(ref))
    loading = _Loading()
    files = loading.parse_files(_rule_files(path))
    name = path.stem if path.is_file() else path.name
    rs = m.RuleSet(name=name)
    diagnostics = list(loading.diagnostics)
    texts = dict(loading.files)

    # Parents first (perluas), then this set's own declarations override theirs.
    for rf in files:
        for parent_ref, span in rf.extends:
            try:
                ppath = resolve(parent_ref, relative_to=Path(path if path.is_dir() else path.parent))
            except KinerjaError:
                diagnostics.append(Diagnostic("E206", span.file, span.line, span.column, {"name": parent_ref},
                                              source_line=_line(rf.text, span.line)))
                continue
            if ppath in _stack or ppath == path:
                cycle = " → ".join(str(p) for p in (*_stack, path, ppath))
                diagnostics.append(Diagnostic("E207", span.file, span.line, span.column, {"cycle": cycle}))
                continue
            parent, pdiags = load(ppath, _stack=(*_stack, path))
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
    _merge(rs, files, diagnostics, texts, {})
    rs.title = own_title or rs.title  # the set's own header wins over its parent's
    rs.unit = own_unit or rs.unit
    for rf in files:
        if rf.header:
            rs.name = rf.header[0].replace("_", "-") if not path.is_dir() else rs.name
    # Sasaran that a child redeclares replace the parent's indicator list; indicators keep their sasaran.
    rs.files = texts
    rs.version = version_of(texts)
    return rs, diagnostics


def version_of(texts: dict[str, str]) -> str:
    h = hashlib.sha256()
    for p in sorted(texts):
        h.update(Path(p).name.encode())
        h.update(b"\0")
        h.update(texts[p].encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:12]


def source_line(rs: m.RuleSet, span: m.Span) -> str:
    for path, text in rs.files.items():
        if _display(Path(path)) == span.file or path == span.file:
            return _line(text, span.line)
    return ""
