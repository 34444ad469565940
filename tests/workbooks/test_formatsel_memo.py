"""The cell formats of styles.xml are read once per distinct content (issue 7): another styles.xml — a format
changed to a percentage, or one more format — is never answered from what an earlier workbook had."""

from kinerja.workbooks.formatsel import date_styles, percent_styles
from kinerja.workbooks.ooxml import NS, REL_STYLES
from kinerja.workbooks.opc import Rel

STYLES = ('<styleSheet xmlns="{ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{code}"/></numFmts>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="{third}"/></cellXfs></styleSheet>')


class Book:
    workbook_part = "xl/workbook.xml"

    def __init__(self, code: str, third: int = 0):
        self.data = STYLES.format(ns=NS, code=code, third=third).encode()

    def rels(self, part):
        return [Rel("rId1", REL_STYLES, "xl/styles.xml", False)]

    def read(self, part):
        return self.data


def test_another_styles_part_gets_its_own_answer():
    assert percent_styles(Book("0.00")) == frozenset() and date_styles(Book("0.00")) == frozenset()
    assert percent_styles(Book("0.00%")) == {1}
    assert date_styles(Book("dd/mm/yyyy")) == {1} and percent_styles(Book("dd/mm/yyyy")) == frozenset()
    assert percent_styles(Book("0.00", third=10)) == {2}
    assert percent_styles(Book("0.00")) == frozenset()
