"""Where each workbook-level name points (Package.name_places, read by the Hitung plan as the workbook's names) is
made once per parsed defined names (tenth speed round): the same workbook part gives the same places, a name
pointed elsewhere, re-scoped or broken gives its own, an edit of the names is seen, and no caller can change
another's answer."""

from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import workbook_names_from
from test_workbookxml_memo import book, with_workbook_part


def places_by_hand(pkg):
    out = {}
    for n in pkg.workbook_names().values():
        try:
            out[n.name] = n.ref().location
        except Exception:  # noqa: BLE001 - RefProblem: the stored text
            out[n.name] = n.text
    return out


def test_places_follow_the_names(tmp_path):
    a, b = book(tmp_path / "a.xlsx"), book(tmp_path / "b.xlsx")
    pa = workbook_names_from(Package(a))
    assert pa == {"masukan": "A!B2"} == workbook_names_from(Package(b)) == places_by_hand(Package(a))
    moved = book(tmp_path / "c.xlsx", target="=A!$B$3")
    assert workbook_names_from(Package(moved)) == {"masukan": "A!B3"}
    broken = with_workbook_part(a, tmp_path / "d.xlsx", lambda d: d.replace(b"A!$B$2", b"#REF!$B$2"))
    assert workbook_names_from(Package(broken)) == {"masukan": "#REF!$B$2"} == places_by_hand(Package(broken))
    unscoped = with_workbook_part(a, tmp_path / "e.xlsx", lambda d: d.replace(b' localSheetId="1"', b""))
    assert workbook_names_from(Package(unscoped)) == {"masukan": "A!B2", "lokal": "B!A1"}
    assert workbook_names_from(Package(a)) == {"masukan": "A!B2"}


def test_a_caller_cannot_change_the_next_answer_and_an_edit_is_seen(tmp_path):
    a = book(tmp_path / "a.xlsx")
    got = workbook_names_from(Package(a))
    got["masukan"] = "Z!Z9"
    got["lain"] = "A!A1"
    pkg = Package(a)
    assert workbook_names_from(pkg) == {"masukan": "A!B2"}
    pkg.set_defined_names({"keluaran": "A!$C$4"})
    assert workbook_names_from(pkg) == {"masukan": "A!B2", "keluaran": "A!C4"} == places_by_hand(pkg)
