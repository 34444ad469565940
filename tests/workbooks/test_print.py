"""Printing: the template and the recalculated sample, through LibreOffice to PDF, page by page.

Issue 8: a blank page of template rows in print (a table's hundred empty rows filled pages with nothing but row
numbers), heading fonts without a name (a serif fallback), rupiah of hundreds of billions as ``###``, wrapped
text printed over the next row. Every page of both PDFs is read back with poppler (pdftotext, pdffonts).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import main
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.reader import read_inputs, workbook_names
from kinerja.workbooks.refs import parse_ref
from kinerja.workbooks.template import BUDGET_TABLE_ROWS, TABLE_ROWS, VISIBLE_ROWS
from libreoffice import convert, pdf_pages

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
FOOTER = re.compile(r"halaman \d+ dari \d+")


def page_texts(pdf: Path) -> list[str]:
    return [text for text, _, _ in pdf_pages(pdf)]


def blank_pages(pages: list[str]) -> list[int]:
    """Pages (from 1) that print nothing of their own: only the footer, the title/header rows repeated from the
    page before, and row numbers of empty rows."""
    out, before = [], set()
    for i, text in enumerate(pages, start=1):
        lines = [" ".join(line.split()) for line in text.splitlines()]
        own = [t for t in lines if t and not FOOTER.search(t) and t not in before and not re.fullmatch(r"[\d ]+", t)]
        if not own:
            out.append(i)
        before = set(lines)
    return out


def test_the_blank_page_check_finds_a_page_of_empty_rows():
    header = "No Uraian Nilai Jenis/satuan"
    pages = [f"Judul\n{header}\n1 September 8 2,54\n2\nSetjen — halaman 1 dari 3",
             f"{header}\n37\n38\n39\nSetjen — halaman 2 dari 3",
             f"{header}\n40 Oktober 31\nSetjen — halaman 3 dari 3",
             "\f"]
    assert blank_pages(pages) == [2, 4]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """The empty template of the bundled rules and the recalculated sample, each as PDF pages."""
    tmp = tmp_path_factory.mktemp("cetak")
    template = tmp / "templat.xlsx"
    res = CliRunner().invoke(main, ["templat", "--keluaran", str(template)])
    assert res.exit_code == 0, res.output
    sample = tmp / "contoh.xlsx"
    shutil.copy(SAMPLE, sample)
    res = CliRunner().invoke(main, ["hitung", str(sample)])
    assert res.exit_code in (0, 1) and "galat internal" not in res.output, res.output
    out = {}
    for name, path in (("templat", template), ("contoh", sample)):
        pdf = convert(path, "pdf", tmp / f"pdf-{name}")[0]
        out[name] = (path, pdf, page_texts(pdf))
    return out


@pytest.mark.parametrize("which", ["templat", "contoh"])
def test_no_blank_printed_page(printed, which):
    _, _, pages = printed[which]
    assert blank_pages(pages) == [], f"{which}: {len(pages)} pages"


@pytest.mark.parametrize("which", ["templat", "contoh"])
def test_named_fonts_only_and_nothing_shown_as_hashes(printed, which):
    path, pdf, pages = printed[which]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Serif" not in fonts, fonts  # a font without a name falls back to a serif face in LibreOffice
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and cell.has_style:
                    assert cell.font.name, f"{ws.title}!{cell.coordinate} has a font without a name"
    assert not any("###" in p for p in pages), which


def test_rupiah_of_hundreds_of_billions_print_whole(printed):
    """The largest budget figure of the sample (Ditjen Pemasyarakatan's pagu, 305.496.521.000) printed in full on
    Ringkasan, and the columns that hold rupiah are wide enough for 999.999.999.999."""
    path, _, pages = printed["contoh"]
    text = "\n".join(pages)
    assert re.search(r"305[.,]496[.,]521[.,]000", text)
    wb = openpyxl.load_workbook(path)
    shown = len("999.999.999.999") + 2  # digits, separators and the cell's padding
    ws = wb[layout.SUMMARY_SHEET]
    assert ws.column_dimensions["F"].width >= shown  # Realisasi / Nilai
    # the bold underlined link "Temuan" above the No column: at width 6 the printed page showed "Temua"
    assert ws.column_dimensions["A"].width >= len(layout.TEMUAN_SHEET) + 2
    checked = load_rules("pk2024-sumsel")
    names = workbook_names(path)
    for spec in input_specs(checked):
        for col in spec.columns or ():
            if col.kind == "rupiah":
                ref = parse_ref(names[spec.name])
                letter = openpyxl.utils.get_column_letter(ref.col1 + [c.name for c in spec.columns].index(col.name))
                assert wb[ref.sheet].column_dimensions[letter].width >= shown, (spec.name, col.name)


def test_table_rows_beyond_the_shown_ones_are_hidden_but_still_read(printed, tmp_path):
    """An empty template shows VISIBLE_ROWS rows of each table and hides the rest of its range (grouped, so a
    "+" shows them); the sample shows exactly its filled rows. Hidden rows are still inside the named range: a
    value typed there is read."""
    checked = load_rules("pk2024-sumsel")
    specs = [s for s in input_specs(checked) if s.is_table]
    for which in ("templat", "contoh"):
        path = printed[which][0]
        wb = openpyxl.load_workbook(path)
        names = workbook_names(path)
        data = read_inputs(path, specs) if which == "contoh" else None
        for spec in specs:
            ref = parse_ref(names[spec.name])
            ws = wb[ref.sheet]
            capacity = ref.row2 - ref.row1
            assert capacity in (TABLE_ROWS, BUDGET_TABLE_ROWS)
            shown = VISIBLE_ROWS if data is None else max(len(data.tables.get(spec.name) or ()), 1)
            hidden = [r for r in range(ref.row1 + 1, ref.row2 + 1) if ws.row_dimensions[r].hidden]
            assert hidden == list(range(ref.row1 + 1 + shown, ref.row2 + 1)), (which, spec.name)
            assert all(ws.row_dimensions[r].outlineLevel == 1 for r in hidden)
    # a value in a hidden row is still an input: twelve survey months typed into the empty template (the last two
    # into rows still hidden: pasted past the visible part) are read
    from decimal import Decimal

    from kinerja.workbooks.writer import CellWrite, write_back

    path = shutil.copy(printed["templat"][0], tmp_path / "dua-belas.xlsx")
    survey = next(s for s in specs if s.name == "setjen_ikm_kanwil_survei")
    ref = parse_ref(workbook_names(path)[survey.name])
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    cells = {}
    for i, month in enumerate(months):
        for j, value in enumerate((month, Decimal(10), Decimal("3.5"))):
            cells[f"{ref.sheet}!{openpyxl.utils.get_column_letter(ref.col1 + j)}{ref.row1 + 1 + i}"] = CellWrite(value)
    write_back(path, cells=cells)
    ws = openpyxl.load_workbook(path)[ref.sheet]
    assert [ws.row_dimensions[ref.row1 + 1 + i].hidden for i in (10, 11)] == [True, True]
    assert len(read_inputs(path, [survey]).tables[survey.name]) == 12 > VISIBLE_ROWS


def test_filling_a_template_shows_the_hidden_table_rows_it_fills(printed, tmp_path):
    """``kinerja`` filling a template from a data file (rekap, generated test workbooks) shows the hidden table rows
    it puts data into, as Hitung would: the filled workbook prints with every figure it holds; the rows left empty
    stay hidden, and nothing else of the row changes (its outline level stays)."""
    from decimal import Decimal

    from kinerja.engine.interface import Inputs
    from kinerja.workbooks.fill import fill_workbook

    specs = [s for s in input_specs(load_rules("pk2024-sumsel")) if s.is_table]
    path = shutil.copy(printed["templat"][0], tmp_path / "dua-belas.xlsx")
    survey = next(s for s in specs if s.name == "setjen_ikm_kanwil_survei")
    rows = [{"unit": f"Bulan {m}", "responden": Decimal(10), "nilai": Decimal("3.5")} for m in range(1, 13)]
    fill_workbook(path, Inputs(tables={survey.name: rows}), specs=[survey])
    ref = parse_ref(workbook_names(path)[survey.name])
    ws = openpyxl.load_workbook(path)[ref.sheet]
    hidden = [r - ref.row1 for r in range(ref.row1 + 1, ref.row2 + 1) if ws.row_dimensions[r].hidden]
    assert hidden == list(range(13, ref.row2 - ref.row1 + 1))  # rows 11 and 12 shown, 13 … still hidden
    capacity = ref.row2 - ref.row1
    assert all(ws.row_dimensions[ref.row1 + r].outlineLevel == 1 for r in range(VISIBLE_ROWS + 1, capacity + 1))
    assert len(read_inputs(path, [survey]).tables[survey.name]) == 12


def test_the_placeholders_of_an_empty_template_print_whole_on_one_page_each(printed):
    """Audit and Temuan say, before the first Hitung, what Hitung will put there: each note prints on its own one
    page, no line cut at the page's edge onto a page of its own."""
    from kinerja.workbooks.template import AUDIT_NOTE, TEMUAN_NOTE

    _, _, pages = printed["templat"]
    for title, note in ((layout.AUDIT_SHEET, AUDIT_NOTE), (layout.TEMUAN_SHEET, TEMUAN_NOTE)):
        lines = [title, *note]
        found = [i for i, text in enumerate(pages) if text.split() and text.split()[0] == title]
        assert len(found) == 1, (title, len(pages))
        text = " ".join(pages[found[0]].split())
        assert all(" ".join(line.split()) in text for line in lines), (title, text)


def test_a_word_longer_than_its_column_gets_the_lines_it_wraps_to(printed):
    """A rule file's path ("rules/pk2024-sumsel/21-iphp.kin:170") has no space; Excel and LibreOffice break it
    across lines in the 22-character Aturan column of Temuan. The row used to get the height of its one-line
    message, so the path's second line was drawn over the next row of the printed page."""
    wb = openpyxl.load_workbook(printed["contoh"][0])
    seen = 0
    for name in (layout.TEMUAN_SHEET, layout.AUDIT_SHEET):
        ws = wb[name]
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                text = cell.value
                if not (isinstance(text, str) and cell.alignment.wrap_text and " " not in text and "\n" not in text):
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                if len(text) <= width * 1.1:
                    continue
                seen += 1
                height = ws.row_dimensions[cell.row].height
                assert height is not None and height >= 2 * 12.75, (name, cell.coordinate, text, width, height)
    assert seen  # the sample has such cells (the Temuan rows of T202 on iphp)
