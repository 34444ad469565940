"""A worksheet's cells read by row when first asked for (issue 7): the same cells, last row and merged ranges as
reading every cell at once; a bad cell address anywhere in the sheet is still a damaged package (B102), whether
the quick check of the text vouches for the addresses or each one is checked; overlapping merged ranges answer
with the first in the sheet's order, as before."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.refs import Ref
from kinerja.workbooks.sheetcells import _addresses_plain, _all_cells, sheet_cells

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def sheet(rows: str, tail: str = "", decl: str = f'xmlns="{NS}"') -> bytes:
    return f"{HEAD}<worksheet {decl}><sheetData>{rows}</sheetData>{tail}</worksheet>".encode()


def read(data: bytes):
    return sheet_cells(ET.fromstring(data), data, ["nol", "satu"], "S", Path("b.xlsx"), "xl/worksheets/s.xml")


ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>2.5</v></c></row>'
        '<row r="3" hidden="1"><c r="B3" t="inlineStr"><is><t>x</t></is></c><c><v>7</v></c></row>'
        '<row r="4"><c r="A4"><f>A1</f></c></row><row r="9" ht="20"/><row r="12"><extLst/></row>')


PLAIN = sheet(ROWS.replace("<c><v>7</v></c>", '<c r="C3"><v>7</v></c>'))


@pytest.mark.parametrize("data", [sheet(ROWS), PLAIN, sheet(ROWS.replace('<c r="A4">', '<c s="1" r="A4">')),
                                  sheet(ROWS, decl=f'xmlns:x="{NS}" xmlns="{NS}"'),
                                  sheet(ROWS.replace("<v>7</v>", "<v>7</v><!-- c -->"))])
def test_cells_by_row_are_the_cells_read_at_once(data):
    assert _addresses_plain(data) == (data == PLAIN)
    eager = _all_cells(ET.fromstring(data), ["nol", "satu"])
    lazy = read(data)
    assert lazy.last_row() == 4
    assert {rc: lazy.get(*rc) for rc in eager} == eager
    assert read(data).cells == eager and lazy.get(9, 1).kind == "empty" and lazy.get(2, 2).kind == "empty"
    assert lazy.get(3, 3).text == "7" and lazy.get(1, 1).text == "nol"


@pytest.mark.parametrize("bad", ['<c r="A0"><v>1</v></c>', '<c r="B2x"/>', '<c s="1" r="ZZZZ9"/>'])
@pytest.mark.parametrize("plain_rest", [True, False])
def test_a_bad_address_in_a_row_never_read_is_a_damaged_package(bad, plain_rest):
    rows = ROWS if plain_rest else ROWS.replace('<c r="A4">', '<c s="1" r="A4">')
    data = sheet(rows + f'<row r="200">{bad}</row>')
    assert not _addresses_plain(data)
    with pytest.raises(WorkbookError) as err:
        read(data)
    assert err.value.code == "B102" and "xl/worksheets/s.xml" in str(err.value.location)


def test_the_quick_check_vouches_only_for_plain_addresses():
    assert _addresses_plain(sheet(ROWS.replace("<c><v>7</v></c>", '<c r="C3"><v>7</v></c>')))
    for odd in ('<c r="XFD1"/>', '<c r="$A$1"/>', '<c r="a1"/>', "<c\tr=\"A1\"/>", '<c r="A1000000"/>'):
        data = sheet(f'<row r="1">{odd}</row>')
        assert not _addresses_plain(data)
    assert not _addresses_plain(sheet('<row r="1"><c r="A1"/></row><!-- <c r="A0"/> -->'))
    assert not _addresses_plain(sheet('<row r="1"><c r="A1"/></row>', decl=f'xmlns:x="{NS}" xmlns="{NS}"'))
    assert read(sheet('<row r="1"><c r="XFD1"><v>3</v></c></row>')).get(1, 16384).text == "3"


def test_merged_ranges_first_in_the_sheets_order():
    merges = ('<mergeCells><mergeCell ref="A1:A9000"/><mergeCell ref="A2:B3"/><mergeCell ref="B3:C4"/>'
              "</mergeCells>")
    cells = read(sheet(ROWS, merges))
    assert cells.merge_at(3, 1) == Ref("S", 1, 1, 9000, 1)
    assert cells.merge_at(3, 2) == Ref("S", 2, 1, 3, 2)
    assert cells.merge_at(4, 3) == Ref("S", 3, 2, 4, 3)
    assert cells.merge_at(5, 2) is None and cells.merge_at(8999, 1) == Ref("S", 1, 1, 9000, 1)


def test_a_cell_written_twice_in_a_row_reads_as_its_last_copy():
    data = sheet('<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="A2"><v>3</v></c></row>')
    assert read(data).get(2, 1).text == "3" and read(data).cells[(2, 1)].text == "3"
    half = read(data)
    assert half.get(2, 2).text == "2" and half.cells == {(2, 1): half.get(2, 1), (2, 2): half.get(2, 2)}
    assert half.get(2, 1).text == "3"
