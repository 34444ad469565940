"""Hypothesis fuzz of the cell splicer on legal but unusual sheet XML (fixed budget, so CI time is bounded).

Generated sheets mix what Excel never writes but OOXML allows: comments holding fake rows and cells, processing
instructions, CDATA inside strings, implied row/cell positions, a prefixed or default main namespace. After
editing random cells the part must be well-formed, every written cell must read back (through ElementTree, a
different parser) with its new value, every other cell must be unchanged, and every comment must survive.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.ooxml import cell_xml
from kinerja.workbooks.refs import cell_name, parse_cell

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

noise = st.sampled_from([
    "", " ", "\n  ",
    '<!-- <row r="3"><c r="B3"><v>9</v></c></row> -->',
    '<!-- <c r="C2"><v>7</v></c> </sheetData> -->',
    "<?kinerja lewati?>",
    '<!--<x:row r="1"/>-->',
])


@st.composite
def sheets(draw):
    prefix = draw(st.sampled_from(["", "x:"]))
    p = prefix
    rows = draw(st.lists(st.integers(1, 8), unique=True, max_size=6).map(sorted))
    body, cells = [], {}
    implied_row = 0
    for r in rows:
        explicit_row = draw(st.booleans()) or r != implied_row + 1
        implied_row = r
        cols = draw(st.lists(st.integers(1, 6), unique=True, max_size=5).map(sorted))
        parts, implied_col = [], 0
        for c in cols:
            explicit = draw(st.booleans()) or c != implied_col + 1
            implied_col = c
            ref = f' r="{cell_name(r, c)}"' if explicit else ""
            if draw(st.booleans()):
                value = str(draw(st.integers(0, 999)))
                parts.append(draw(noise) + f"<{p}c{ref}><{p}v>{value}</{p}v></{p}c>")
            else:
                value = draw(st.sampled_from(["teks", "<row r=\"1\">", "]]", "a&b"]))
                inner = f"<![CDATA[{value}]]>" if "]]" not in value else X.escape(value)
                parts.append(draw(noise) + f'<{p}c{ref} t="inlineStr"><{p}is><{p}t>{inner}</{p}t></{p}is></{p}c>')
            cells[(r, c)] = value
        rattr = f' r="{r}"' if explicit_row else ""
        body.append(draw(noise) + f"<{p}row{rattr}>" + "".join(parts) + draw(noise) + f"</{p}row>")
    decl = f'xmlns:x="{NS}"' if p else f'xmlns="{NS}"'
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n{draw(noise)}<{p}worksheet {decl}><{p}dimension ref="A1"/>'
           f"<{p}sheetData>{''.join(body)}{draw(noise)}</{p}sheetData></{p}worksheet>")
    return xml, prefix, cells


def read_back(xml: str) -> dict[tuple[int, int], str]:
    root = ET.fromstring(xml.encode())
    out, r = {}, 0
    for row in root.iter(f"{{{NS}}}row"):
        r = int(row.get("r", r + 1))
        c = 0
        for cell in row.findall(f"{{{NS}}}c"):
            c = parse_cell(cell.get("r"))[1] if cell.get("r") else c + 1
            v = cell.find(f"{{{NS}}}v")
            t = cell.find(f"{{{NS}}}is/{{{NS}}}t")
            out[(r, c)] = v.text if v is not None else (t.text if t is not None else None)
    return out


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.dictionaries(st.tuples(st.integers(1, 10), st.integers(1, 8)), st.integers(0, 10**6),
                                 min_size=1, max_size=6))
def test_splicing_cells_into_unusual_sheet_xml(sheet, edits):
    xml, prefix, cells = sheet
    assert X.uniform_prefix(xml, NS) == prefix
    fns = {rc: (lambda old, rc=rc, v=v: cell_xml(prefix, rc[0], rc[1], v, None, None)) for rc, v in edits.items()}
    out = X.edit_sheet_cells(xml, fns, prefix)
    X.check_well_formed(out.encode())
    got = read_back(out)
    want = dict(cells)
    want.update({rc: str(v) for rc, v in edits.items()})
    assert got == want
    for comment in set(X._SPECIAL.findall(xml)):  # comments and PIs sit between elements: all survive
        if not comment.startswith("<![CDATA["):
            assert out.count(comment) == xml.count(comment)
