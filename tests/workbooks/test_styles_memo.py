"""The cell formats kinerja appends to styles.xml are worked out once per (styles.xml text, recipes) (issue 7: a
template's workbooks share both): a workbook with another styles.xml gets its own indices and its own text, and
the part written is the one worked out from its own text."""

import openpyxl
from kinerja.workbooks import ooxml
from kinerja.workbooks.ooxml import NS, Package
from kinerja.workbooks.writer import STYLES


def book(path, bold_cells: int):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(bold_cells):  # each distinct font makes styles.xml differ
        ws.cell(i + 1, 1, "x").font = openpyxl.styles.Font(bold=True, size=9 + i)
    wb.save(path)
    return path


def test_each_styles_part_gets_its_own_answer(tmp_path):
    a, b = book(tmp_path / "a.xlsx", 0), book(tmp_path / "b.xlsx", 3)
    ooxml._STYLED.clear()
    answers = {}
    for path in (a, b, a, b):
        pkg = Package(path)
        part = "xl/styles.xml"
        before = pkg.text(part)
        ids = pkg.ensure_styles(STYLES)
        fresh = ooxml._styled(before, "", STYLES)
        assert ids == fresh[1] and pkg.text(part) == fresh[0]
        answers.setdefault(path.name, []).append((ids, pkg.text(part)))
    assert answers["a.xlsx"][0] == answers["a.xlsx"][1] and answers["b.xlsx"][0] == answers["b.xlsx"][1]
    assert answers["a.xlsx"][0][1] != answers["b.xlsx"][0][1]
    ids = answers["a.xlsx"][0][0]
    ids["header"] = -1  # a caller's dict is its own
    assert Package(a).ensure_styles(STYLES)["header"] != -1
    assert NS in answers["b.xlsx"][0][1]
