"""kinerja's own sheets (Audit, Temuan, Hasil, FormatIsian) are written whole by ``sheetxml.owned_sheet_xml``, and
``Package.write`` takes its word that they are well-formed instead of parsing the ≈ 0.3 MB Audit part again on
every Hitung. This hypothesis test is that word: whatever the rows hold — texts with every character a cell can
bring (control characters, ``]]>``, ``<!--``, quotes, ``_x0041_``, U+FFFE), formulas, numbers, booleans — and
whatever the layout's footer, links and tab colour say, the part is one well-formed document (expat, as the check
does), and every text reads back (ElementTree, another parser, then Excel's ``_xHHHH_`` unescaping) exactly as
written. (Lone surrogates are left out: no str holding one can be encoded as UTF-8, so no XML part holds one.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.cellwrite import STYLES, CellWrite
from kinerja.workbooks.plan import Link, SheetLayout
from kinerja.workbooks.sheetxml import owned_sheet_xml

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STYLE_IDS = {k: i + 1 for i, k in enumerate(STYLES)}

nasty = st.sampled_from(["]]>", "<!--", "-->", "&amp;", "<c r=\"A1\">", '"', "'", "\x00", "\x01\x1f", "\r\n", "\t",
                         "_x0041_", "_x000D_", "\ufffe", "\uffff", "<?pi?>", "\u2028", "😀", " "])
texts = st.lists(st.one_of(nasty, st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)),
                 max_size=4).map("".join)
numbers = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12,
                                max_value=10**12), st.integers(-10**15, 10**15), st.booleans())
styles = st.one_of(st.none(), st.sampled_from(sorted(STYLES)))
cells = st.one_of(
    st.none(),
    st.builds(lambda v, s: CellWrite(v, style=s), texts, styles),
    st.builds(lambda v, s: CellWrite(v, style=s), numbers, styles),
    st.builds(lambda f, s: CellWrite(formula=f, style=s), texts.filter(bool), styles),
)


@st.composite
def layouts(draw):
    if not draw(st.booleans()):
        return None
    return SheetLayout(
        header_row=draw(st.integers(1, 3)), landscape=draw(st.booleans()), fit_width=draw(st.booleans()),
        autofilter=draw(st.booleans()),
        widths=draw(st.dictionaries(st.integers(1, 5), st.floats(1, 80), max_size=3)),
        merges=tuple(draw(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 3)).map(
            lambda rc: (rc[0], rc[1], rc[0], rc[1] + 1)), max_size=2, unique=True))),
        links=tuple(draw(st.lists(st.builds(Link, st.integers(1, 6), st.integers(1, 5), texts), max_size=3))),
        footer=draw(texts), tab_rgb=draw(st.one_of(st.none(), texts.filter(bool))))


def _texts_written(rows) -> dict[str, str]:
    out = {}
    for r, row in enumerate(rows, start=1):
        for c, w in enumerate(row, start=1):
            if w is not None and isinstance(w.value, str) and w.formula is None:
                out[f"{chr(64 + c)}{r}"] = w.value
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, max_size=5), max_size=6), layout=layouts())
def test_owned_sheet_xml_is_well_formed_and_every_text_reads_back(rows, layout):
    data = owned_sheet_xml(rows, STYLE_IDS, "uji", layout).encode("utf-8")
    xml.parsers.expat.ParserCreate().Parse(data, True)  # what Package.write would have asked
    root = ET.fromstring(data)
    got = {}
    for c in root.iter(NS + "c"):
        t = c.find(f"{NS}is/{NS}t")
        if t is not None:
            got[c.get("r")] = X.excel_unescape(t.text or "")
    assert got == _texts_written(rows)
    if layout is not None and layout.footer:
        footer = root.find(f"{NS}headerFooter/{NS}oddFooter").text
        assert X.excel_unescape(footer) == "&C" + layout.footer
    if layout is not None:
        for link, el in zip(layout.links, root.iter(NS + "hyperlink")):
            assert X.excel_unescape(el.get("location")) == link.location
