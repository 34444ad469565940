"""A member written with the same data as a moment ago gets the same deflated bytes again, never another
member's: the package is byte-identical to one written without the memory, and a changed member is deflated
anew (its CRC and content checked by zipfile on reading)."""

import shutil
import zipfile
from pathlib import Path

from kinerja.workbooks import opc
from kinerja.workbooks.ooxml import Package

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def sample_copy(tmp_path: Path) -> Path:
    return Path(shutil.copy(SAMPLE, tmp_path / "buku.xlsx"))


def formulas(n: int, target: str) -> str:
    cells = "".join(f'<row r="{r}"><c r="A{r}"><f>ROW({target}!C{r})&amp;CELL("format",{target}!C{r})</f></c></row>'
                    for r in range(1, n))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')


def test_same_member_gives_the_same_bytes_with_and_without_memory(tmp_path):
    book = sample_copy(tmp_path)
    pkg = Package(book)
    pkg.put_sheet("Besar", formulas(3000, "Isian"))
    opc._DEFLATED.clear()
    first = pkg.to_bytes()  # deflated and remembered
    assert opc._DEFLATED
    again = pkg.to_bytes()  # the remembered bytes
    opc._DEFLATED.clear()
    assert again == first == pkg.to_bytes()


def test_changed_member_is_deflated_anew(tmp_path):
    book = sample_copy(tmp_path)
    one, two = Package(book), Package(book)
    one.put_sheet("Besar", formulas(3000, "Isian"))
    two.put_sheet("Besar", formulas(3000, "Lain"))
    one.to_bytes()
    out = tmp_path / "two.xlsx"
    out.write_bytes(two.to_bytes())
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        part = next(n for n in z.namelist() if b"Lain!C5" in z.read(n))
        assert b"Isian!C5" not in z.read(part)
