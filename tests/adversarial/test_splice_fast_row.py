"""The fast walk of a row's cells (issue 7: one regular expression instead of a tag-by-tag walk, for rows whose
cells each start with their own ``r``) splices exactly what the tag-by-tag walk splices, on rows mixing what it
handles and what sends a row back to the tag-by-tag walk: ``r`` later in the tag or in single quotes, cells without
``r``, comments and processing instructions between and inside cells, ``>`` inside attribute values, trailing
whitespace, self-closing cells, new cells before, between and after the existing ones."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.refs import cell_name

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

gap = st.sampled_from(["", "", " ", "\n  ", "<!-- <c r=\"Z9\"/> -->", "<?pi x?>"])


@st.composite
def cell(draw, p: str, r: int, c: int) -> str:
    ref = cell_name(r, c)
    head = draw(st.sampled_from([f'<{p}c r="{ref}"', f'<{p}c r="{ref}" s="3"', f'<{p}c s="3" r="{ref}"',
                                 f"<{p}c r='{ref}'", f'<{p}c r="{ref}" t="str" x:a="1>2"', f"<{p}c"]))
    body = draw(st.sampled_from(["/>", f"><{p}v>1</{p}v></{p}c>", f"><{p}f>A1&gt;0</{p}f><{p}v>1</{p}v></{p}c >",
                                 f'><{p}is><{p}t><![CDATA[<c r="A1">]]></{p}t></{p}is></{p}c>',
                                 f"><!-- <{p}c r=\"B1\"/> --><{p}v>2</{p}v></{p}c>"]))
    return head + body


@st.composite
def rows(draw):
    p = draw(st.sampled_from(["", "x:"]))
    r = draw(st.integers(1, 30))
    cols = draw(st.lists(st.integers(1, 12), unique=True, max_size=6).map(sorted))
    inner = "".join(draw(gap) + draw(cell(p, r, c)) for c in cols) + draw(gap)
    decl = f'xmlns:x="{NS}"' if p else f'xmlns="{NS}" xmlns:x="urn:x"'
    xml = (f'<{p}worksheet {decl}><{p}dimension ref="A1"/><{p}sheetData><{p}row r="{r}" spans="1:12">{inner}'
           f"</{p}row></{p}sheetData></{p}worksheet>")
    edits = draw(st.lists(st.integers(1, 14), unique=True, min_size=1, max_size=5))
    return xml, p, r, edits


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_fast_row_walk_splices_as_the_tag_walk(case):
    xml, p, r, cols = case

    def edit(c):
        return lambda old: f'<{p}c r="{cell_name(r, c)}"><{p}v>{len(old or "")}</{p}v></{p}c>'

    edits = {(r, c): edit(c) for c in cols}
    fast = X.edit_sheet_cells(xml, edits, p)
    keep = X._plain_cells
    X._plain_cells = lambda *a: None  # the tag-by-tag walk for every row
    try:
        slow = X.edit_sheet_cells(xml, edits, p)
    finally:
        X._plain_cells = keep
    assert fast == slow
    X.check_well_formed(fast.encode())


def test_the_fast_walk_takes_the_usual_row():
    xml = (f'<worksheet xmlns="{NS}"><sheetData><row r="2"><c r="A2" s="1"><v>1</v></c> <c r="C2"/></row>'
           "</sheetData></worksheet>")
    lo = xml.index('<c r="A2"')
    hi = xml.index("</row>")
    assert X._plain_cells(xml, "", lo, hi) == [(lo, xml.index(" <c r=\"C2\""), "A2"),
                                                (xml.index('<c r="C2"'), hi, "C2")]
    assert X._plain_cells(xml.replace('<c r="C2"/>', '<c s="1" r="C2"/>'), "", lo, hi + 6) is None
