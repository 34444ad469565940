"""Table keys (`tabel t "…" kunci a, b { … }`): the columns whose values identify a row.

The language and checker part: a key names input columns of its table, each once, none optional; inheritance
keeps or replaces the key as it keeps or replaces the rest of the table.
"""

from __future__ import annotations

from pathlib import Path

from kinerja.engine import check_rules, load_rules

PARENT = '''aturan induk "Induk"
eselon e "E" {
  tabel survei "Survei" kunci bulan {
    bulan: teks "Bulan"
    nilai: indeks "Nilai"
  }
}
nilai n = rata_rata(survei.nilai)
'''


def _set(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).mkdir(exist_ok=True)
    (tmp_path / name / "a.kin").write_text(text, encoding="utf-8")
    return tmp_path / name


def test_key_names_input_columns_of_its_table(tmp_path):
    t = load_rules(_set(tmp_path, "induk", PARENT)).rules.tables["survei"]
    assert t.key == ("bulan",) and t.group == "e"


def test_an_unknown_key_column_is_E205_at_its_line_with_the_nearest_column(tmp_path):
    path = _set(tmp_path, "x", 'aturan x "X"\n\ntabel t "T"\n  kunci tahun, jnis {\n  tahun: tahun "Tahun"\n'
                               '  jenis: teks "Jenis"\n  pagu: rupiah "Pagu"\n}\nnilai n = jumlah(t.pagu)\n')
    _, diags = check_rules(path)
    errs = [d for d in diags if d.is_error]
    assert [(d.code, d.line, d.column) for d in errs] == [("E205", 4, 16)]
    assert "maksud Anda jenis?" in errs[0].format("id")
    assert "Table t has no column jnis" in errs[0].format("en")


def test_a_computed_column_is_not_a_key(tmp_path):
    path = _set(tmp_path, "x", 'tabel t "T" kunci total {\n  a: cacah "A"\n}\n'
                               'per_baris t { total = a * 2 }\nnilai n = jumlah(t.total)\n')
    _, diags = check_rules(path)
    assert [(d.code, d.line) for d in diags if d.is_error] == [("E205", 1)]


def test_a_child_keeps_the_key_of_a_table_it_does_not_redeclare(tmp_path):
    _set(tmp_path, "induk", PARENT)
    anak = _set(tmp_path, "anak", 'perluas "../induk"\nnilai m = n\n')
    assert load_rules(anak).rules.tables["survei"].key == ("bulan",)


def test_a_redeclared_table_has_the_key_it_writes_like_its_columns(tmp_path):
    _set(tmp_path, "induk", PARENT)
    cols = '  bulan: teks "Bulan"\n  satker: teks "Satker"\n  nilai: indeks "Nilai"\n}\n'
    anak = _set(tmp_path, "anak", 'perluas "../induk"\ntabel survei "Survei" kunci satker, bulan {\n' + cols)
    assert load_rules(anak).rules.tables["survei"].key == ("satker", "bulan")
    tanpa = _set(tmp_path, "tanpa", 'perluas "../induk"\ntabel survei "Survei" {\n' + cols)
    assert load_rules(tanpa).rules.tables["survei"].key == ()  # replaced whole, as docs/bahasa-aturan.md says
    salah = _set(tmp_path, "salah", 'perluas "../induk"\ntabel survei "Survei" kunci bulam {\n' + cols)
    _, diags = check_rules(salah)
    assert [(d.code, Path(d.file).parent.name, d.line) for d in diags if d.is_error] == [("E205", "salah", 2)]
