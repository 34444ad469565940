"""What the writer remembers between workbooks is never served for a different input: an owned sheet of texts and
formulas (FormatIsian) is written out once per distinct plan, a sheet with numbers every time (equal numbers can
be written differently), and a well-formedness answer only for the very same bytes."""

from decimal import Decimal

import pytest
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.plan import SheetLayout, SheetPlan
from kinerja.workbooks.writer import CellWrite, owned_sheet_xml, sheet_xml_once

STYLES = {"header": 7, "wrap": 8}


def formulas(target: str, n: int = 40) -> SheetPlan:
    rows = [(CellWrite("Isian", style="header"),)]
    rows += [(CellWrite(formula=f'ROW({target}!C{r})&","&CELL("format",{target}!C{r})'),) for r in range(1, n)]
    return SheetPlan(tuple(rows), SheetLayout(hidden=True))


def written(sp: SheetPlan, styles=STYLES) -> str:
    return owned_sheet_xml(list(sp.rows), styles, "t", sp.layout)


def test_equal_plans_are_written_once_and_exactly():
    first = sheet_xml_once(formulas("Isian"), STYLES)
    again = sheet_xml_once(formulas("Isian"), STYLES)  # an equal plan built anew, as for the next workbook
    assert again is first and first == written(formulas("Isian"))


def test_another_formula_layout_or_style_is_written_anew():
    base = sheet_xml_once(formulas("Isian"), STYLES)
    other = sheet_xml_once(formulas("Isian2"), STYLES)
    assert other != base and other == written(formulas("Isian2")) and "Isian2!C5" in other
    wide = SheetPlan(formulas("Isian").rows, SheetLayout(hidden=True, widths={1: 30}))
    assert sheet_xml_once(wide, STYLES) == written(wide) != base
    restyled = {"header": 9, "wrap": 8}
    assert sheet_xml_once(formulas("Isian"), restyled) == written(formulas("Isian"), restyled) != base


@pytest.mark.parametrize("a, b", [(Decimal("1.0"), Decimal("1.00")), (1, True), (Decimal(2), 2.0)])
def test_equal_numbers_written_differently_are_never_served_from_memory(a, b):
    assert a == b  # equal as keys would be…
    one = SheetPlan(((CellWrite("x"), CellWrite(a)),))
    two = SheetPlan(((CellWrite("x"), CellWrite(b)),))
    xa, xb = sheet_xml_once(one, STYLES), sheet_xml_once(two, STYLES)
    assert xa == written(one) and xb == written(two) and xa != xb  # …but written differently


def test_well_formed_answer_only_for_the_same_bytes():
    good = written(formulas("Isian", 200)).encode()
    assert len(good) > 4096
    X.check_well_formed(good)
    X.check_well_formed(good)  # remembered
    bad = good.replace(b"</sheetData>", b"</sheetDat>")
    assert len(bad) > 4096
    for _ in range(2):  # refused, and not remembered as good
        with pytest.raises(X.UnsafeXml):
            X.check_well_formed(bad)
    X.check_well_formed(good)


def test_prefix_answer_only_for_the_same_text():
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    good = written(formulas("Isian", 200))
    assert len(good) > 4096
    assert X.uniform_prefix(good, ns) == "" == X.uniform_prefix(good, ns)
    prefixed = good.replace("<worksheet ", '<x:worksheet xmlns:x="' + ns + '" ', 1).replace(
        "</worksheet>", "</x:worksheet>")
    mixed = prefixed.replace("<sheetData>", "<x:sheetData>").replace("</sheetData>", "</x:sheetData>")
    for _ in range(2):  # refused, and not remembered
        with pytest.raises(X.UnsafeXml):
            X.uniform_prefix(mixed, ns)
    assert X.uniform_prefix(good, ns) == ""
