"""xmlfind._next_tag finds a tag of a name with str.find (C skipping over the text) where the splicer used the
pattern ``<(/?)name(?=[\\s/>])``: the same positions for any text, window and name — whitespace of every kind
``\\s`` means (str.isspace), a name that is a prefix of another (``c``/``col``, ``row``/``rows``), a lookahead
character just outside the window, end tags before and after a start tag — so every splice locates what it did."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.workbooks import xmlfind as F

NAMES = ["c", "row", "x:row", "sheetData", "definedName", "cols"]
PIECES = ["<", "</", "/", ">", " ", "\t", "\n", "\x85", "\xa0", "\u2000", "\x1c", "a", "=", '"', "c", "col", "row",
          "rows", "x:", "sheetData", "definedName", "definedNames", "/>", "<c", "</c", "<row", "</row"]


def reference(text, qname, pos, end):
    m = re.compile(rf"<(/?){re.escape(qname)}(?=[\s/>])").search(text, pos, end)
    return None if m is None else (m.start(), bool(m.group(1)), m.end())


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(NAMES), st.integers(0, 60),
       st.integers(0, 80))
def test_next_tag_finds_what_the_pattern_finds(pieces, qname, pos, end):
    text = "".join(pieces)
    pos, end = min(pos, len(text)), min(end, len(text))
    assert F._next_tag(text, qname, pos, end) == reference(text, qname, pos, end)


def test_the_usual_cases():
    text = '<rows/><row r="1"><c r="A1"/><col/></row>\x85<row\x85r="2"/></row >'
    assert F._next_tag(text, "row", 0, len(text)) == reference(text, "row", 0, len(text)) == (7, False, 11)
    assert F._next_tag(text, "c", 0, len(text))[0] == text.index("<c ")
    assert F._next_tag(text, "row", 8, len(text)) == reference(text, "row", 8, len(text))
    assert F._next_tag("<row", "row", 0, 4) is None and F._next_tag("<row>", "row", 0, 4) is None
    sheet = '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"/></sheetData></worksheet>'
    sd = F.find(sheet, "sheetData")
    assert sheet[sd.start:sd.end].startswith("<sheetData>") and sheet[sd.start:sd.end].endswith("</sheetData>")
    rows = list(F._flat_children(sheet, "row", *sd.inner))
    assert [sheet[r.start:r.end] for r in rows] == ['<row r="1"><c r="A1"><v>1</v></c></row>', '<row r="2"/>']


def masked_reference(text):
    return F._SPECIAL.sub(lambda m: " " * (m.end() - m.start()), text)


MASK_PIECES = ["<", "?", "!", ">", "<?", "?>", "<!", "<!--", "-->", "<![CDATA[", "]]>", "<?xml v?>", "a", " ",
               "<row>", "</row>", "-", "\u2212", "Sheet1!A1", "Apa?"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(MASK_PIECES), max_size=40), st.booleans())
def test_masking_blanks_what_the_pattern_finds(pieces, long):
    text = "".join(pieces) + (" " * 4096 if long else "")  # a part (remembered) or one cell's XML
    assert F.masked(text) == masked_reference(text)
    assert F.masked(text) == masked_reference(text)  # asked again: the remembered answer


def test_masking_with_many_exclamation_and_question_marks():
    text = '<?xml version="1.0"?><a>' + "Sheet1!A1 Apa? " * 40 + "<!-- x --><b/><?pi y?></a>"
    assert F.masked(text) == masked_reference(text) and "<!--" not in F.masked(text)
    plain = '<?xml version="1.0"?><a>' + "Apa? Sheet1!A1 " * 3 + "</a>"
    assert F.masked(plain) == masked_reference(plain) and F.masked(plain).startswith(" " * 21 + "<a>")
