"""A row typed just below a table's range is reported, never silently left out.

The template (and `templat --isi`, and every Hitung) hides a table's empty rows; the first visible row under the
filled ones is then the row just below the table's range (Setjen!66 under setjen_ikm_kanwil_survei B15:D65). An
operator adding next month's survey types it there — and kinerja read the table without it, realisasi unchanged,
exit 0. Now that row (anything in the table's columns, directly below its range) is an input problem (B223)
naming its cells, the table and what to do; what the table feeds is galat (never the figure without the row), the
typed row stays where it is. A row of the operator's own one blank row further
down (a total row, a note) is not part of the table and stays unread without a word.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from kinerja.cli import Exit
from kinerja.workbooks.ooxml import Package
from test_bad_cells_sample import edited, hitung, status_of


@pytest.mark.parametrize("cells, place, table, dependent", [
    ({"Setjen!B66": "November", "Setjen!C66": 10, "Setjen!D66": Decimal("1.5")}, "Setjen!B66:D66",
     "setjen_ikm_kanwil_survei", "setjen_ikm_kanwil"),
    ({"Setjen!D66": Decimal("3.2")}, "Setjen!B66:D66", "setjen_ikm_kanwil_survei", "setjen_ikm_kanwil"),
    ({"Anggaran!B111": "pas_s1", "Anggaran!D111": 1000}, "Anggaran!B111:E111", "anggaran_sasaran", "pagu_awal_pas"),
])
def test_a_row_just_below_a_table_is_reported_and_its_results_are_galat(tmp_path, cells, place, table, dependent):
    book = edited(tmp_path, cells)
    code, out, text = hitung(book)
    assert code == Exit.FINDINGS, text
    (p,) = [p for p in out["masalah_masukan"] if p["kode"] == "B223"]
    assert p["lokasi"] == place and table in p["pesan"] and "Name Manager" in p["pesan"], p
    assert len(out["masalah_masukan"]) == 1, out["masalah_masukan"]
    status, value = status_of(out, dependent)
    assert status in ("galat", None) and value is None, (dependent, status, value)
    assert status_of(out, "ham_ikm")[0] == "ok"  # the others are computed
    stored = Package(book).cells(place.split("!")[0])
    for where in cells:  # the typed row is never lost
        s, a1 = where.split("!")
        col = ord(a1[0]) - 64
        assert stored.get(int(a1[1:]), col).kind != "empty", where


def test_a_row_below_a_blank_row_is_not_the_tables(tmp_path):
    """A total row one blank row under the range is the operator's own: no problem, the figures unchanged."""
    book = edited(tmp_path, {"Setjen!B67": "Jumlah", "Setjen!D67": Decimal("6.28")})
    code, out, text = hitung(book)
    assert not [p for p in out["masalah_masukan"] if p["kode"] == "B223"], text
    ilk = next(o for o in out["indikator"] if o["id"] == "setjen_ikm_kanwil")
    assert Decimal(str(ilk["realisasi"])) == Decimal("3.14")


def test_english_message(tmp_path):
    from click.testing import CliRunner
    from kinerja.cli import main

    book = edited(tmp_path, {"Setjen!B66": "November"})
    r = CliRunner().invoke(main, ["hitung", str(book), "--bahasa", "en"], catch_exceptions=False)
    assert "just below the table" in r.output and "Setjen!B66:D66" in r.output, r.output


def test_package_unchanged_helper_sanity(tmp_path):
    """The edit helper itself puts the row where the test says (a test that can fail for the right reason)."""
    book = edited(tmp_path, {"Setjen!B66": "November"})
    assert Package(book).cells("Setjen").get(66, 2).text == "November"
