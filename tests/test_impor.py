"""The package's structure, read from the source with ``ast``: no import cycles among kinerja modules, the
engine imports no adapter library and nothing above it, and every module opens by saying what it owns
(docs/arsitektur.md).

Every import counts, wherever it stands: at the top, inside a function, or under ``if TYPE_CHECKING`` — a cycle
hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kinerja
import pytest

ROOT = Path(kinerja.__file__).parent
SKIPPED = {"tests", "benchmarks", ".shim"}  # not modules of the package

# Cycles tolerated while a cut is under way (none now: the writer ↔ plan tie went with workbooks/cellwrite.py).
KNOWN: set[frozenset[str]] = set()


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the package."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in SKIPPED:
            continue
        parts = ("kinerja", *rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(kinerja modules ``name`` imports, top-level names of other packages it imports). ``from p import x``
    counts as importing ``p.x`` when that is a module, else ``p``."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    inside: set[str] = set()
    outside: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for t in targets:
            if t.split(".")[0] != "kinerja":
                outside.add(t.split(".")[0])
            elif t != name:
                # `import kinerja.a.b` imports the deepest module it names
                while t not in known and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t != name:
                    inside.add(t)
    return inside, outside


def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    known = modules()
    inside, outside = {}, {}
    for name, path in known.items():
        inside[name], outside[name] = imports(name, path, known)
    return inside, outside


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(frozenset(comp))
    return found


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_function_local_and_type_checking_imports_count(tmp_path):
    pkg = tmp_path / "kinerja"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .b import g\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    known = modules(pkg)
    edges = {n: imports(n, p, known)[0] for n, p in known.items()}
    assert edges["kinerja.a"] == {"kinerja.b"} and edges["kinerja.b"] == {"kinerja.a"}
    assert cycles(edges) == [frozenset({"kinerja.a", "kinerja.b"})]


def test_no_import_cycle_among_kinerja_modules():
    inside, _ = graph()
    assert len(inside) > 50  # the walk saw the package
    unexpected = [sorted(c) for c in cycles(inside) if c not in KNOWN]
    assert unexpected == [], f"import cycles: {unexpected} (move the shared piece one floor down)"


@pytest.mark.parametrize("library", ["openpyxl", "click", "xlwings", "fastapi", "xlsxwriter", "rich"])
def test_the_engine_imports_no_adapter_library(library):
    _, outside = graph()
    users = sorted(n for n, libs in outside.items() if n.startswith("kinerja.engine") and library in libs)
    assert users == []


def test_the_engine_imports_nothing_above_it():
    inside, _ = graph()
    up = sorted((n, t) for n, ts in inside.items() if n.startswith("kinerja.engine")
                for t in ts if not t.startswith("kinerja.engine"))
    assert up == []


def test_every_module_says_what_it_owns():
    # a module with code opens with a docstring naming what it owns (an empty package marker needs none)
    silent = sorted(name for name, path in modules().items()
                    if path.read_text(encoding="utf-8").strip()
                    and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))))
    assert silent == []
