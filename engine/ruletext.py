"""Rule texts as messages quote them: where the bundled rule sets live, the name a rule file is shown by, and one
line of a text (for the line a diagnostic quotes under its message).

It sits below the parser, the loader, the inheritance and the checker, which all quote rule lines: each reads
them here, so none of them needs another's file names.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .model import RuleSet, Span


@cache  # where the package was imported from: the same for the life of the process (≈ 19 µs to ask importlib)
def bundled_dir() -> Path:
    """The folder of the rule sets shipped with kinerja (``kinerja/rules``)."""
    return Path(str(resources.files("kinerja.rules")))


def shown_name(path: Path) -> str:
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


@lru_cache(maxsize=8)
def _lines(text: str) -> list[str]:
    return text.splitlines()


def line_of(text: str, line: int) -> str:
    """One line of a rule text, "" past its end (the lines of the last few texts are kept: thousands of
    diagnostics in one large file each quote their line without splitting the file again)."""
    lines = _lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def source_line(rs: RuleSet, span: Span) -> str:
    """The line of a loaded rule set that ``span`` points into ("" when its file is not one of the set's)."""
    text = _texts_by_shown(rs).get(span.file)
    return line_of(text, span.line) if text is not None else ""


_shown_cache: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def _texts_by_shown(rs: RuleSet) -> dict[str, str]:
    """Rule texts by the name messages use and by path (computed once per set of files)."""
    key = id(rs.files)
    hit = _shown_cache.get(key)
    if hit is not None and hit[0] is rs.files:
        return hit[1]
    out: dict[str, str] = {}
    for path, text in rs.files.items():
        out[path] = text
        out.setdefault(shown_name(Path(path)), text)
    if len(_shown_cache) > 32:
        _shown_cache.clear()
    _shown_cache[key] = (rs.files, out)
    return out
