"""Every diagnostic code has one meaning, declared once.

The catalogues: ``B1xx``/``B2xx`` in workbooks/errors.py (``CODES``), ``E``/``W`` in engine/errors.py
(``MESSAGES``, and ``ROOT_CODES`` for E100), ``T`` in engine/temuan.py (``CODES``). A code used anywhere —
source, tests, docs, README — must be in its family's catalogue, and no two named constants may give the same
code (that is how B130/B131 and B150/B151 came to mean two things each).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from kinerja.engine.errors import MESSAGES, ROOT_CODES
from kinerja.engine.temuan import CODES as FINDING_CODES
from kinerja.workbooks.errors import CODES as WORKBOOK_CODES

ROOT = Path(__file__).resolve().parents[1]
# a code, not a cell reference (Input!B200, ws["B200"]) and not a linter code after "noqa"
USE = re.compile(r"(?<![!\w$:])(?<!\[\")(?<!\[')([BETW]\d{3})(?!\d)")
# a module constant or a class attribute (``code = "E100"``), not a keyword argument (``code="B101"``)
CONSTANT = re.compile(r"^(?:    )?([A-Z][A-Z0-9_]*|code)(?:: str)? = [\"']([BETW]\d{3})[\"']", re.M)


def catalogue(code: str) -> dict:
    return {"B": WORKBOOK_CODES, "E": MESSAGES | ROOT_CODES, "W": MESSAGES, "T": FINDING_CODES}[code[0]]


def files() -> list[Path]:
    out = [p for p in ROOT.rglob("*.py") if ".shim" not in p.parts and "__pycache__" not in p.parts
           and p.name != "test_kode.py"]
    return out + [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]


def uses(paths: list[Path]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for p in paths:
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("noqa")[0]
            for m in USE.finditer(line):
                found[m.group(1)].add(f"{p.relative_to(ROOT)}:{n}")
    return found


def constants(paths: list[Path]) -> dict[str, set[str]]:
    """code → the named constants (``file:NAME``) that spell it as a literal."""
    found: dict[str, set[str]] = defaultdict(set)
    for p in paths:
        if p.suffix != ".py" or "tests" in p.relative_to(ROOT).parts:
            continue
        for m in CONSTANT.finditer(p.read_text(encoding="utf-8")):
            found[m.group(2)].add(f"{p.relative_to(ROOT)}:{m.group(1)}")
    return found


def test_every_code_used_is_declared():
    undeclared = {code: sorted(places)[:3] for code, places in uses(files()).items() if code not in catalogue(code)}
    assert not undeclared, f"codes used but not in their catalogue: {undeclared}"


def test_no_two_constants_share_a_code():
    shared = {code: sorted(names) for code, names in constants(files()).items() if len(names) > 1}
    assert not shared, f"one code, several meanings: {shared}"


def test_catalogues_are_disjoint_and_well_formed():
    for cat, families in ((WORKBOOK_CODES, "B"), (MESSAGES, "EW"), (FINDING_CODES, "T")):
        for code, meaning in cat.items():
            assert re.fullmatch(rf"[{families}]\d{{3}}", code), code
            assert meaning, code
    meanings = [m for m in WORKBOOK_CODES.values()]
    assert len(meanings) == len(set(meanings)), "two B codes with the same meaning"
    meanings = list(FINDING_CODES.values())
    assert len(meanings) == len(set(meanings)), "two T codes with the same meaning"


def test_the_scan_finds_a_clash(tmp_path):
    """The scanner itself: two constants with one code, and an undeclared code, are both found."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text('INTERNAL = "B131"  # a bug\n', encoding="utf-8")
    b.write_text('VBA_SOURCE = "B131"  # no VBA\nx = f(code="B999")  # Input!B998 ws["B997"]  # noqa: E402\n',
                 encoding="utf-8")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        assert constants([a, b]) == {"B131": {"a.py:INTERNAL", "b.py:VBA_SOURCE"}}
        assert set(uses([a, b])) == {"B131", "B999"}
    finally:
        ROOT = old
