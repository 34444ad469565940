"""The pure layers: reference parsing and raw-XML splicing (untouched text stays byte-identical)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.refs import MAX_ROW, Ref, RefProblem, col_index, col_letters, parse_ref, quote_sheet


@given(st.integers(min_value=1, max_value=16384))
def test_column_letters_round_trip(n):
    assert col_index(col_letters(n)) == n


@pytest.mark.parametrize("text,ref", [
    ("Input!$C$5", Ref("Input", 5, 3, 5, 3)),
    ("=Input!C5", Ref("Input", 5, 3, 5, 3)),
    ("'Data Satker'!$B$2:$D$10", Ref("Data Satker", 2, 2, 10, 4)),
    ("'O''Brien (2)'!A1", Ref("O'Brien (2)", 1, 1, 1, 1)),
    ("Input!$D$10:$B$2", Ref("Input", 2, 2, 10, 4)),
    ("Data!$A:$C", Ref("Data", 1, 1, MAX_ROW, 3)),
])
def test_parse_ref(text, ref):
    assert parse_ref(text) == ref


@pytest.mark.parametrize("text,kind", [
    ("#REF!$C$5", "deleted"), ("Input!#REF!", "deleted"), ("0.5", "other"), ('"teks"', "other"),
    ("Input!$A$1,Input!$B$2", "other"), ("[1]Input!$A$1", "other"), ("OFFSET(Input!$A$1,0,0,3,1)", "other"),
    ("Sheet1:Sheet3!A1", "other"), ("Input!ZZZZ1", "other"),
])
def test_parse_ref_problems(text, kind):
    with pytest.raises(RefProblem) as exc:
        parse_ref(text)
    assert exc.value.kind == kind and exc.value.reason and exc.value.reason_en


def test_locations_quote_like_excel():
    assert Ref("Data Satker", 2, 2, 2, 2).location == "'Data Satker'!B2"
    assert Ref("Input", 5, 3, 6, 3).formula() == "Input!$C$5:$C$6"
    assert [quote_sheet(s) for s in ("Input", "A1", "R1C1", "2024", "Hasil_2")] == \
        ["Input", "'A1'", "'R1C1'", "'2024'", "Hasil_2"]


def _edit(new: str) -> X.CellEdit:
    return lambda old: new if old is None else new.replace("/>", f' old="{len(old)}"/>')


def test_edit_sheet_cells_keeps_everything_else():
    head = '<?xml version="1.0"?>\r\n<x:worksheet xmlns:x="m" xmlns:mc="mc" mc:Ignorable="x14ac">' \
           '<x:dimension ref="B2:C3"/><x:sheetData>\n  '
    rows = '<x:row r="2" spans="2:3" x14ac:dyDescent="0.25"><x:c r="B2" s="1"><x:v>1</x:v></x:c>' \
           '<x:c r="C2"/></x:row>\n  <x:row r="3"><x:c r="C3" t="s"><x:v>0</x:v></x:c></x:row>\n'
    tail = '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="E5:F5"/></x:mergeCells></x:worksheet>'
    xml = head + rows + tail
    out = X.edit_sheet_cells(xml, {(2, 3): _edit('<x:c r="C2" n="1"/>'), (3, 1): _edit('<x:c r="A3"/>'),
                                   (1, 1): _edit('<x:c r="A1"/>'), (4, 2): _edit('<x:c r="B4"/>')}, "x:")
    assert out.startswith(head.replace('ref="B2:C3"', 'ref="A1:C4"'))
    assert out.endswith(tail)
    body = out[len(head):-len(tail)]
    assert body == ('<x:row r="1"><x:c r="A1"/></x:row><x:row r="2" spans="2:3" x14ac:dyDescent="0.25">'
                    '<x:c r="B2" s="1"><x:v>1</x:v></x:c><x:c r="C2" n="1" old="13"/></x:row>\n  '
                    '<x:row r="3"><x:c r="A3"/><x:c r="C3" t="s"><x:v>0</x:v></x:c></x:row>'
                    '<x:row r="4"><x:c r="B4"/></x:row>\n')


def test_implied_positions_are_made_explicit():
    xml = "<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>" \
          "</sheetData></worksheet>"
    out = X.edit_sheet_cells(xml, {(1, 2): _edit('<c r="B1"/>'), (3, 1): _edit('<c r="A3"/>')})
    assert out == ('<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1" old="22"/></row>'
                   '<row r="2"><c><v>3</v></c></row><row r="3"><c r="A3"/></row></sheetData></worksheet>')


def test_self_closing_sheet_data():
    out = X.edit_sheet_cells('<worksheet><dimension ref="A1"/><sheetData/></worksheet>', {(2, 2): _edit('<c r="B2"/>')})
    assert out == '<worksheet><dimension ref="A1:B2"/><sheetData><row r="2"><c r="B2"/></row></sheetData></worksheet>'


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_excel_escape_round_trip(text):
    escaped = X.excel_escape(text)
    assert "\r" not in escaped and not any(ord(ch) < 9 for ch in escaped)
    assert X.excel_unescape(escaped) == text


def test_attributes():
    tag = '<c r="A1" s=\'3\' t="s">'
    assert X.attrs(tag) == {"r": "A1", "s": "3", "t": "s"}
    assert X.set_attr(tag, "s", "5") == '<c r="A1" s="5" t="s">'
    assert X.set_attr("<c/>", "r", 'a"&') == '<c r="a&quot;&amp;"/>'
    assert X.del_attr(tag, "t") == "<c r=\"A1\" s='3'>"
