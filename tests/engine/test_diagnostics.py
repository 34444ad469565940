"""One bad rule fixture per diagnostic (tests/engine/bad/): each names the diagnostic it must produce.

A fixture's first line reads ``# harapan: CODE LINE:COL``; the checker must report exactly that error (and no
other error), with a message and the source line. Folders are rule sets (for include cycles).
"""

import re
from pathlib import Path

import pytest
from kinerja.engine import check_rules
from kinerja.engine.errors import HINTS, MESSAGES

BAD = Path(__file__).parent / "bad"
FIXTURES = sorted([p for p in BAD.iterdir() if p.suffix == ".kin" or p.is_dir()], key=lambda p: p.name)


def expectation(path: Path):
    first = (path / "a.kin" if path.is_dir() else path).read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"# harapan: (\w+) (\d+):(\d+)", first)
    assert m, f"{path.name}: first line must be '# harapan: CODE LINE:COL'"
    return m.group(1), int(m.group(2)), int(m.group(3))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_bad_fixture_reports_its_diagnostic(path):
    code, line, col = expectation(path)
    _, diags = check_rules(path)
    found = [(d.code, d.line, d.column) for d in diags]
    assert (code, line, col) in found, "\n".join(d.format() for d in diags)
    others = [d for d in diags if d.code != code and d.is_error]
    assert not others, "unexpected extra errors:\n" + "\n".join(d.format() for d in others)
    d = next(d for d in diags if (d.code, d.line, d.column) == (code, line, col))
    assert d.message("id") and d.message("en") and d.message("id") != d.message("en")
    assert d.format().startswith(f"{d.file}:{line}:{col}: {code}")


def test_every_diagnostic_code_has_a_fixture():
    covered = {p.name.split("_")[0] for p in BAD.iterdir()}
    assert set(MESSAGES) <= covered, sorted(set(MESSAGES) - covered)


def test_not_utf8_file_is_E212(tmp_path):
    p = tmp_path / "latin1.kin"
    p.write_bytes("nilai x = 1 # Catatan: \xe9\n".encode("latin-1"))
    _, diags = check_rules(tmp_path)
    assert [d.code for d in diags] == ["E212"]


def test_misspelled_name_suggests_the_declared_one():
    _, diags = check_rules(BAD / "E201_nama_tak_dikenal.kin")
    diags = [d for d in diags if d.code == "E201"]
    text = diags[0].format("id")
    assert "maksud Anda rb_pembilang?" in text
    assert "rasio rb_pembilng / rb_penyebut" in text  # the source line …
    assert " " * 38 + "^" * len("rb_pembilng") + "\n" in text  # … with a caret under the name
    assert "did you mean rb_pembilang?" in diags[0].format("en")


def test_hints_exist_in_both_languages():
    for key, (id_text, en_text) in HINTS.items():
        assert id_text and en_text, key


def test_all_errors_of_a_rule_set_in_one_run(tmp_path):
    (tmp_path / "a.kin").write_text("""
target { rb = 100 }
masukan rb_pembilang: cacah
masukan rb_penyebut: cacah
masukan pnbp: rupiah
sasaran s "S" {
  indikator rb "RB" { satuan persen  realisasi = rasio rb_pembilng / rb_penyebt }
  indikator pn "PNBP" { satuan persen  realisasi = pnbp }
}
""", encoding="utf-8")
    _, diags = check_rules(tmp_path)
    codes = sorted(d.code for d in diags if d.is_error)
    assert codes == ["E201", "E201", "E302", "E404"]


def test_percent_literal_target_says_what_to_write(tmp_path):
    """`target { x = 90% }` on a persen indicator: capaian would be 10.000% with no finding; periksa refuses it."""
    _, diags = check_rules(BAD / "E306_target_persen_dengan_persen.kin")
    d = next(d for d in diags if d.code == "E306")
    assert "tulis 90, bukan 90%" in d.format("id")
    assert "write 90, not 90%" in d.format("en")


@pytest.mark.parametrize("text, where", [
    ("periksa p \"P\" tingkat rendah jika i < 90%\n", (8, 39)),
    ("nilai y = i + 5%\n", (8, 15)),
    ("parameter batas = 90%\nperiksa p \"P\" tingkat rendah jika i >= batas\n", (9, 40)),
])
def test_percent_literal_beside_a_persen_value(tmp_path, text, where):
    base = ('target { i = 90 }\nmasukan a: cacah\nmasukan b: cacah\nsasaran s "S" {\n'
            '  indikator i "I" { satuan persen realisasi = rasio a / b }\n}\n\n')
    p = tmp_path / "a.kin"
    p.write_text(base + text, encoding="utf-8")
    _, diags = check_rules(p)
    got = [(d.line, d.column) for d in diags if d.code == "E306"]
    assert got == [where], "\n".join(d.format() for d in diags)


def test_persen_targets_and_fraction_weights_are_fine(tmp_path):
    """The bundled PK 2024 writes targets 0–100 and weights as 50%: no unit trap there."""
    _, diags = check_rules("pk2024-sumsel")
    assert not [d for d in diags if d.code in ("E306", "E307")]


def test_percent_literal_target_of_an_indeks_indicator(tmp_path):
    """ham_ikm (satuan indeks, a survey on 0–4, target 3,33) with `target { ham_ikm = 90% }`: 0,9 on the
    0–4 scale, a capaian of 440% and no word. Reported like the persen trap, with the index scale."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "c.kin").write_text('perluas "pk2024-sumsel"\ntarget { ham_ikm = 90% }\n', encoding="utf-8")
    _, diags = check_rules(tmp_path / "c")
    errs = [d for d in diags if d.is_error]
    assert [(d.code, d.line, d.column) for d in errs] == [("E306", 2, 20)], "\n".join(d.format() for d in errs)
    assert "skala indeks (0–4)" in errs[0].format("id")
