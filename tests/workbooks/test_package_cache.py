"""What a package remembers after one of its parts is written (issue 7: a recalculation writes styles, the
workbook, relationships and new sheets after reading the input sheets, and used to parse them all again): the
parsed XML of every other part and the cells of every other sheet stay; the written part's are read anew; the
cells of every sheet are read anew when the shared strings, or the workbook's relationships that name them, are
written."""

import xlsxwriter
from kinerja.workbooks.ooxml import Package


def book(path):
    wb = xlsxwriter.Workbook(str(path))  # xlsxwriter writes texts as shared strings
    a = wb.add_worksheet("A")
    a.write("A1", "satu")
    a.write("B1", 5)
    wb.add_worksheet("B").write("A1", "dua")
    wb.close()
    return path


def part(pkg, sheet):
    return pkg.sheet(sheet).part


def test_writing_another_part_keeps_what_was_read(tmp_path):
    pkg = Package(book(tmp_path / "b.xlsx"))
    cells_a, cells_b = pkg.cells("A"), pkg.cells("B")
    assert cells_a.get(1, 1).text == "satu"
    pkg.write("xl/styles.xml", pkg.text("xl/styles.xml").replace("<fonts", "<fonts ", 1))
    pkg.write("docProps/kinerja-baru.xml", "<x/>")  # a new member
    assert pkg.cells("A") is cells_a and pkg.cells("B") is cells_b
    pkg.write(part(pkg, "B"), pkg.text(part(pkg, "B")).replace("<v>1</v>", "<v>1</v>"))
    assert pkg.cells("A") is cells_a and pkg.cells("B") is not cells_b
    pkg.write(part(pkg, "A").upper(), pkg.text(part(pkg, "A")).replace("<v>5</v>", "<v>6</v>"))
    assert pkg.cells("A") is not cells_a and pkg.cells("A").get(1, 2).text == "6"


def test_writing_the_shared_strings_or_their_relationship_reads_every_sheet_again(tmp_path):
    pkg = Package(book(tmp_path / "b.xlsx"))
    sst = next(r.target for r in pkg.rels(pkg.workbook_part) if r.type.endswith("/sharedStrings"))
    assert pkg.cells("A").get(1, 1).text == "satu" and pkg.cells("B").get(1, 1).text == "dua"
    pkg.write(sst, pkg.text(sst).replace("satu", "SATU").replace("dua", "DUA"))
    assert pkg.cells("A").get(1, 1).text == "SATU" and pkg.cells("B").get(1, 1).text == "DUA"
    cells = pkg.cells("A")
    rels = pkg.rels_part(pkg.workbook_part)
    pkg.write(rels, pkg.text(rels))
    assert pkg.cells("A") is not cells and pkg.cells("A").get(1, 1).text == "SATU"


def test_custom_properties_are_read_once_and_anew_after_a_write(tmp_path):
    """The custom properties (kinerja's meta and ownership record) are remembered until a part is written; the
    caller gets a copy, so changing it changes nothing remembered."""
    pkg = Package(book(tmp_path / "b.xlsx"))
    pkg.set_custom_properties("kinerja.", {"kinerja.meta.aturan": "satu"})
    first = pkg.custom_properties()
    assert first["kinerja.meta.aturan"] == "satu"
    first["kinerja.meta.aturan"] = "diubah pemanggil"
    assert pkg.custom_properties()["kinerja.meta.aturan"] == "satu"
    pkg.set_custom_properties("kinerja.", {"kinerja.meta.aturan": "dua"})
    assert pkg.custom_properties()["kinerja.meta.aturan"] == "dua"
    saved = tmp_path / "c.xlsx"
    pkg.save(saved)
    assert Package(saved).custom_properties()["kinerja.meta.aturan"] == "dua"
