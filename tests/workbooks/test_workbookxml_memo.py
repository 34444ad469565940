"""The workbook part's sheets and defined names, kept by its content (workbooks/workbookxml.py, issue 7: PK 2024's
527 names were parsed again for every workbook of a template): a part differing in one byte — a name pointed
elsewhere, re-scoped, hidden, a sheet renamed — is read again, never answered with the names of the part it was;
a part that cannot be read is reported every time; the memory is bounded and safe for the server's threads."""

import threading
import zipfile

import pytest
import xlsxwriter
from kinerja.workbooks import workbookxml as WX
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.ooxml import Package


def book(path, *, target="=A!$B$2", sheet_b="B"):
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("A").write("B2", 5)
    wb.add_worksheet(sheet_b).write("A1", 7)
    wb.define_name("masukan", target)
    wb.define_name(f"'{sheet_b}'!lokal", f"='{sheet_b}'!$A$1")
    wb.close()
    return path


def with_workbook_part(src, dest, change):
    with zipfile.ZipFile(src) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["xl/workbook.xml"] = change(members["xl/workbook.xml"])
    with zipfile.ZipFile(dest, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return dest


def names(path):
    pkg = Package(path)
    return ({n.name: (n.text, n.local_sheet, n.hidden) for n in pkg.defined_names()},
            [(s.name, s.sheet_id, s.part, s.state) for s in pkg.sheets()])


def test_a_changed_workbook_part_is_read_again(tmp_path):
    base = book(tmp_path / "a.xlsx")
    first = names(base)
    assert first[0]["masukan"] == ("A!$B$2", None, False) and first[0]["lokal"] == ("'B'!$A$1", "B", False)
    again = book(tmp_path / "b.xlsx", target="=A!$B$3")  # the same part but for one name's target
    assert names(again)[0]["masukan"][0] == "A!$B$3" and names(base) == first
    renamed = book(tmp_path / "c.xlsx", sheet_b="C")  # the scope follows the sheet at localSheetId's place
    assert names(renamed)[0]["lokal"] == ("'C'!$A$1", "C", False) and names(renamed)[1][1][0] == "C"
    hidden = with_workbook_part(base, tmp_path / "d.xlsx",
                                lambda d: d.replace(b'<definedName name="masukan"',
                                                    b'<definedName name="masukan" hidden="1"'))
    assert names(hidden)[0]["masukan"] == ("A!$B$2", None, True) and names(base) == first
    rescoped = with_workbook_part(base, tmp_path / "e.xlsx",
                                  lambda d: d.replace(b'localSheetId="1"', b'localSheetId="0"'))
    assert names(rescoped)[0]["lokal"][1] == "A" and names(base) == first
    hidden_sheet = with_workbook_part(base, tmp_path / "f.xlsx",
                                      lambda d: d.replace(b'<sheet name="B"', b'<sheet name="B" state="hidden"'))
    assert names(hidden_sheet)[1][1][3] == "hidden" and names(base)[1][1][3] == "visible"


def test_the_same_part_is_parsed_once_and_a_bad_one_reported_every_time(tmp_path):
    base = book(tmp_path / "a.xlsx")
    pkg = Package(base)
    data = pkg.read(pkg.workbook_part)
    WX.read_workbook_part(data, lambda: pkg._xml(pkg.workbook_part), pkg.path, pkg.workbook_part)

    def refuse():
        raise AssertionError("parsed again")

    sheets, dn = WX.read_workbook_part(data, refuse, pkg.path, pkg.workbook_part)
    assert [s[0] for s in sheets] == ["A", "B"] and {n.name for n in dn} == {"masukan", "lokal"}
    bad = with_workbook_part(base, tmp_path / "bad.xlsx",
                             lambda d: d.replace(b'localSheetId="1"', b'localSheetId="x"'))
    for _ in range(2):  # never kept: the same message every time
        with pytest.raises(WorkbookError) as e:
            Package(bad).defined_names()
        assert e.value.code == "B102" and "localSheetId" in str(e.value)
    assert not any(b'localSheetId="x"' in k for k in WX._KEPT)
    damaged = with_workbook_part(base, tmp_path / "dmg.xlsx", lambda d: d.replace(b"</sheets>", b"</sheetz>"))
    for _ in range(2):
        with pytest.raises(WorkbookError):
            Package(damaged).defined_names()


def test_the_memory_is_bounded_and_safe_across_threads(tmp_path):
    paths = [book(tmp_path / f"t{i}.xlsx", target=f"=A!$B${i + 2}") for i in range(WX._KEPT_MAX + 4)]
    assert len(WX._KEPT) <= WX._KEPT_MAX and sum(map(len, WX._KEPT)) <= WX._KEPT_BYTES
    WX._KEPT.clear()
    wrong = []

    def read(i):
        for _ in range(20):
            got = names(paths[i])[0]["masukan"][0]
            if got != f"A!$B${i + 2}":
                wrong.append((i, got))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong and len(WX._KEPT) <= WX._KEPT_MAX
