"""A table column whose header appears twice in the header row is reported, never read from the first one.

An operator copies the "nilai" column beside itself (or writes the column's label above one column and its name
above another): the reader took the first matching column without a word, so the figures came from a column the
operator may not mean. Now it is B224 naming both header cells; what the column feeds is galat.
"""

from __future__ import annotations

from kinerja.cli import Exit
from test_bad_cells_sample import edited, hitung, status_of


def test_a_column_header_written_twice_is_reported_with_both_cells(tmp_path):
    # Setjen!B15:D15 hold the column names unit, responden, nilai; E is outside the range, so C becomes "nilai"
    book = edited(tmp_path, {"Setjen!C15": "nilai"})
    code, out, text = hitung(book)
    assert code == Exit.FINDINGS, text
    (p,) = [p for p in out["masalah_masukan"] if p["kode"] == "B224"]
    assert "Setjen!C15" in p["pesan"] and "Setjen!D15" in p["pesan"] and "nilai" in p["pesan"], p
    status, value = status_of(out, "setjen_ikm_kanwil")
    assert status == "galat" and value is None


def test_a_name_and_its_label_over_two_columns_are_the_same_column_twice(tmp_path):
    book = edited(tmp_path, {"Setjen!C15": "Nilai ILK (skala 0–4)"})
    code, out, text = hitung(book)
    assert [p["kode"] for p in out["masalah_masukan"]] == ["B224"], out["masalah_masukan"]
