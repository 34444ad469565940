"""The namespace-prefix answer from declarations alone (issue 7: no Python call per element for the usual part)
is given only when the declarations settle it, and then it is the element-by-element answer; every other part
(two prefixes for the namespace, a prefix bound twice, the default namespace redeclared, the root in another
namespace, a DOCTYPE, text expat refuses) goes the element-by-element way and is refused or answered as before."""

import zipfile
from pathlib import Path

import pytest
from kinerja.workbooks import xmlcheck
from kinerja.workbooks.xmlcheck import UnsafeXml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OTHER = "urn:lain"
SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"

CASES = [
    f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"/></row></sheetData></worksheet>',
    f'<x:worksheet xmlns:x="{NS}"><x:sheetData/></x:worksheet>',
    f'<worksheet xmlns="{NS}" xmlns:x="{NS}"><sheetData/></worksheet>',
    f'<worksheet xmlns="{NS}" xmlns:x="{NS}"><x:sheetData/></worksheet>',
    f'<worksheet xmlns="{NS}"><sheetData xmlns="{OTHER}"><row/></sheetData></worksheet>',
    f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row xmlns:x="{OTHER}"/></x:sheetData></x:worksheet>',
    f'<worksheet xmlns="{OTHER}" xmlns:x="{NS}"><x:sheetData/></worksheet>',
    f'<worksheet xmlns="{OTHER}" xmlns:x="{NS}"><sheetData/></worksheet>',
    f'<worksheet xmlns="{OTHER}"><sheetData/></worksheet>',
    f'<!DOCTYPE worksheet><worksheet xmlns="{NS}"><sheetData/></worksheet>',
    f'<worksheet xmlns="{NS}"><sheetData><row xmlns=""/></sheetData></worksheet>',
    f'<worksheet xmlns="{NS}"><!-- <x:c xmlns:x="{OTHER}"/> --><sheetData/></worksheet>',
    f'<worksheet xmlns="{NS}"><sheetData><![CDATA[<c xmlns="{OTHER}"/>]]></sheetData></worksheet>',
    f'<worksheet xmlns="{NS}"><sheetData>',
]


def full(text: str) -> str | Exception:
    """The element-by-element answer (the quick path switched off)."""
    keep = xmlcheck._declared_prefix
    xmlcheck._declared_prefix = lambda *a: None
    try:
        return xmlcheck._uniform_prefix(text, NS)
    except UnsafeXml as exc:
        return exc
    finally:
        xmlcheck._declared_prefix = keep


@pytest.mark.parametrize("text", CASES)
def test_quick_answer_only_when_it_is_the_full_answer(text):
    quick = xmlcheck._declared_prefix(text, NS)
    slow = full(text)
    if quick is not None:
        assert quick == slow
    try:
        got = xmlcheck._uniform_prefix(text, NS)
    except UnsafeXml as exc:
        assert isinstance(slow, UnsafeXml) and exc.reason == slow.reason
    else:
        assert got == slow


def test_the_usual_parts_take_the_quick_answer():
    assert xmlcheck._declared_prefix(CASES[0], NS) == ""
    assert xmlcheck._declared_prefix(CASES[1], NS) == "x:"
    with zipfile.ZipFile(SAMPLE) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") or name in ("xl/workbook.xml", "xl/styles.xml"):
                text = z.read(name).decode()
                assert xmlcheck._declared_prefix(text, NS) == full(text) == ""
