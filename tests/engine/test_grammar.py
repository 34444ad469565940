"""Grammar tables: valid rule text parses; invalid text gives the right diagnostic code, line and column."""

import pytest
from kinerja.engine import model as m
from kinerja.engine.parser import parse_text

VALID = [
    'aturan contoh "Contoh"',
    'unit "Kanwil"',
    'sertakan "lain.kin"',
    'perluas "pk2023-sumsel"',
    "pengaturan { nol_per_nol = tanpa_data  bulat_capaian = 2  toleransi_laporan = [setengah_naik, potong] }",
    "parameter bobot_ro = 75%",
    "parameter { a = 1  b = a * 2 }",
    "target { x = 100  iphp.pelayanan = 3.6 }",
    'masukan x: cacah "Jumlah x"',
    "masukan x: rupiah opsional",
    'tabel t "Survei" { unit: teks "Bulan"  responden: cacah opsional  nilai: indeks }',
    'tabel t "Survei" kunci unit { unit: teks "Bulan"  nilai: indeks }',
    "tabel t kunci tahun, jenis { tahun: tahun  jenis: teks  pagu: rupiah }",
    "tabel t kunci kunci { kunci: teks }",  # `kunci` is a keyword only where the grammar expects it
    'eselon e "Eselon" divisi "Divisi" { masukan x: cacah }',
    'sasaran s "S" { sumber "Tabel 4"  capaian = lewati_tanpa_data  indikator i "I" { satuan persen  arah turun'
    '  realisasi = rasio a / b  bulat 2 potong  nol_per_nol 100  sumber "T6" } }',
    'indeks ix "Indeks" skala 4 { bulat 2  nol_per_nol 100  dimensi d "D" bobot 50% { indikator c "C" = rasio a / b'
    ' bobot 25% terbalik } }',
    'indeks ix "Indeks" skala 4 { indeks sub "Sub" bobot 12.5% { indikator c "C" = rasio a / b } }',
    'nilai v "V" = jika a > 0 dan tidak (b = 0 atau c != 1) maka a × 2 lainnya tanpa_data bulat 2 sumber "x"',
    "nilai v = pertumbuhan a dari b",
    'nilai v = jumlah(t.nilai untuk unit = "Mei") + rata_rata(a, b, [c, 1]) - bulat(x, 2, potong)',
    "nilai v = -a + (-2.5) * 10% / 3 + rasio a / (b / 2)",
    "per_baris t { c = a + b  d = c * 2 }",
    "bagian anggaran { per_baris t sebagai baris { c = a }  nilai total = jumlah(t.c) }",
    'periksa p "Pesan" tingkat sedang jika banyak(t.nilai untuk nilai = 0) > 0',
    "# komentar saja\n\n",
    "nilai kolom_bernama_nilai = t.nilai",  # keywords are names where a name is expected
    "tabel t { unit: teks  nilai: indeks }\nmasukan x: cacah\nnilai y = x",  # `nilai` column right after a kind
    "masukan x: cacah\nnilai y: angka = x\nper_baris t { nilai: angka = 1 }",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_text_parses(text):
    _, diags = parse_text(text, "uji.kin")
    assert diags == [], [d.format() for d in diags]


# (text, code, line, column)
INVALID = [
    ("target { x = 3,1 }", "E104", 1, 14),
    ('indikator x "a" { }', "E101", 1, 1),  # indicators live inside a sasaran
    ('sasaran s "x" {', "E103", 1, 16),
    ("nilai x = a $ b", "E102", 1, 13),
    ("nilai x = a +", "E103", 1, 14),
    ("masukan x cacah", "E101", 1, 11),
    ("nilai x = (a + b", "E103", 1, 17),
    ('\n\nsasaran s "S" {\n  indikator i "I" {\n    realisasi = = a\n  }\n}', "E101", 5, 17),
    ("nilai x = rasio a b", "E101", 1, 19),
    ('tabel t { a: cacah "x" "y" }', "E101", 1, 24),
    ("pengaturan { nol_per_nol tanpa_data }", "E101", 1, 26),
    ('masukan "x": cacah', "E101", 1, 9),
    ("tabel t kunci { a: teks }", "E101", 1, 15),  # kunci without a column
    ("tabel t kunci a, { a: teks }", "E101", 1, 18),
    ('tabel t { a: teks } kunci a', "E101", 1, 21),  # the key is written before the columns
]


@pytest.mark.parametrize("text,code,line,column", INVALID)
def test_invalid_text_reports_code_line_column(text, code, line, column):
    _, diags = parse_text(text, "uji.kin")
    assert len(diags) == 1
    d = diags[0]
    assert (d.code, d.line, d.column) == (code, line, column), d.format()
    assert d.file == "uji.kin"


def test_syntax_error_names_expected_tokens_in_words():
    _, diags = parse_text("masukan x cacah", "uji.kin")
    text = diags[0].format("id")
    assert '":"' in text and "yang diharapkan" in text
    assert "^" in text  # caret under the column
    assert "expected" in diags[0].format("en")


def test_unexpected_quoted_text_is_shown_with_its_own_quotes():
    _, diags = parse_text('masukan "x": cacah', "uji.kin")
    assert 'tidak diharapkan "x" di sini' in diags[0].format("id")  # not ""x""
    _, diags = parse_text("masukan x cacah", "uji.kin")
    assert 'unexpected "cacah" here' in diags[0].format("en")


def test_decimal_comma_gets_a_hint():
    _, diags = parse_text("target { x = 3,1 }", "uji.kin")
    assert "tulis 3.1" in diags[0].format("id")


def test_model_keeps_positions_and_formula_text():
    rf, _ = parse_text('sasaran s "S" {\n  indikator i "I" { realisasi = rasio a / b }\n}', "uji.kin")
    ind = rf.indicators[0]
    assert (ind.span.line, ind.span.column) == (2, 13)
    assert isinstance(ind.formula, m.Ratio)
    assert ind.formula.span.text == "rasio a / b"
    assert ind.sasaran == "s"


def test_percent_literal_is_a_fraction():
    rf, _ = parse_text("parameter w = 12.5%", "uji.kin")
    assert rf.params[0].expr.value == m.Decimal("0.125")


def test_nested_index_ids_are_dotted():
    rf, _ = parse_text('indeks a "A" skala 4 { indeks b "B" bobot 100% { indeks c "C" bobot 100% {'
                       ' indikator x "X" = rasio p / q } } }', "uji.kin")
    assert [i.id for i in rf.indices] == ["a", "a.b", "a.b.c"]
    assert rf.indices[2].parent == "a.b"


def test_table_key_keeps_its_columns_and_their_positions():
    rf, _ = parse_text('tabel t "T"\n  kunci tahun, jenis {\n  tahun: tahun\n  jenis: teks\n}', "uji.kin")
    t = rf.tables[0]
    assert t.key == ("tahun", "jenis")
    assert [(s.line, s.column) for s in t.key_spans] == [(2, 9), (2, 16)]
    rf, _ = parse_text("tabel t { a: teks }", "uji.kin")
    assert rf.tables[0].key == ()
