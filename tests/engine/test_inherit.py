"""Inheritance a planner can trust (issue 10): `perluas` + merge, `ganti`, `hapus`, one index one target.

Each test writes a small parent set and a child that extends it, loads the child and evaluates it on plain
values (no adapter), so a silent replacement or a wrong mean shows as a wrong number.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kinerja.engine import Inputs, Tracer, check_rules, evaluate, load_rules

PARENT = '''aturan induk "Induk untuk uji pewarisan"
masukan a_pembilang: cacah "A terlaksana"
masukan a_penyebut: cacah "A total"
masukan b_jumlah: cacah "B dokumen"
masukan k_pembilang: cacah "K"
masukan k_penyebut: cacah "K total"
target { a = 100  b = 5  pi = 3.5 }
sasaran s "Sasaran S" {
  indikator a "Indikator A" { satuan persen  arah naik  realisasi = rasio a_pembilang / a_penyebut }
  indikator b "Indikator B" { satuan dokumen  arah naik  realisasi = b_jumlah }
}
sasaran s2 "Sasaran S2" {
  indikator pi "Indeks sebagai IKK" { satuan indeks  arah naik  realisasi = idx }
}
indeks idx "Indeks" skala 4 {
  dimensi d1 "D1" bobot 50% { indikator k1 "K1" = rasio a_pembilang / a_penyebut }
  dimensi d2 "D2" bobot 50% { indikator k2 "K2" = rasio k_pembilang / k_penyebut }
}
periksa b_besar "B lebih dari 10" tingkat info objek b jika b > 10
'''

VALUES = {"a_pembilang": 45, "a_penyebut": 50, "b_jumlah": 6, "k_pembilang": 1, "k_penyebut": 2}


def child(tmp_path: Path, text: str, parent: str = PARENT) -> Path:
    (tmp_path / "induk").mkdir(exist_ok=True)
    (tmp_path / "induk" / "induk.kin").write_text(parent, encoding="utf-8")
    (tmp_path / "anak").mkdir(exist_ok=True)
    (tmp_path / "anak" / "anak.kin").write_text('perluas "../induk"\n' + text, encoding="utf-8")
    return tmp_path / "anak"


def result(path: Path, **extra):
    checked = load_rules(path)
    vals = {k: Decimal(v) for k, v in {**VALUES, **extra}.items()}
    return checked, evaluate(checked, Inputs(values=vals), Tracer(False))


def errors(path: Path):
    _, diags = check_rules(path)
    return [d for d in diags if d.is_error]


def test_adding_an_indicator_to_an_inherited_sasaran_keeps_the_others_in_its_mean(tmp_path):
    path = child(tmp_path, '''
masukan c_jumlah: cacah "C"
target { c = 4 }
sasaran s { indikator c "Indikator C" { satuan dokumen  arah naik  realisasi = c_jumlah } }
''')
    checked, res = result(path, c_jumlah=2)
    # a: 90/100 = 90; b: 6/5 = 120; c: 2/4 = 50 → (90 + 120 + 50) / 3 = 86,67 (the replaced list gave 50)
    assert checked.rules.sasaran["s"].indicators == ("a", "b", "c")
    assert checked.rules.sasaran["s"].name == "Sasaran S"  # title not retyped, not lost
    assert res.get("s").capaian == Decimal("86.67")


def test_redeclared_indicator_changes_only_what_is_written(tmp_path):
    path = child(tmp_path, 'sasaran s { indikator b { arah turun } }\n')
    checked, res = result(path)
    b = checked.rules.indicators["b"]
    assert (b.name, b.unit, b.direction) == ("Indikator B", "dokumen", "turun")
    assert res.get("b").capaian == Decimal("80")  # (2 × 5 − 6) / 5 × 100
    assert [(c.action, c.kind, c.id, c.detail) for c in checked.rules.changes] == [
        ("ubah", "indikator", "b", "arah")]


def test_ganti_replaces_a_sasaran_whole_and_removes_what_it_no_longer_lists(tmp_path):
    path = child(tmp_path, 'hapus periksa b_besar\n'
                           'ganti sasaran s "Sasaran S baru" { indikator a "A" { satuan persen  '
                           'realisasi = rasio a_pembilang / a_penyebut } }\n')
    checked, res = result(path)
    rs = checked.rules
    assert rs.sasaran["s"].indicators == ("a",) and "b" not in rs.indicators and "b" not in rs.targets
    assert res.get("s").capaian == Decimal("90")
    removed = {(c.kind, c.id) for c in rs.changes if c.action == "hapus"}
    assert ("indikator", "b") in removed and ("masukan", "b_jumlah") in removed


def test_ganti_without_removing_what_still_uses_the_dropped_indicator_is_an_error(tmp_path):
    path = child(tmp_path, 'ganti sasaran s "S" { indikator a "A" { realisasi = rasio a_pembilang / a_penyebut } }\n')
    errs = errors(path)
    # the parent's check names b twice (objek b, jika b > 10): both uses are reported
    assert [d.code for d in errs] == ["E220", "E220"] and "ganti sasaran s" in errs[0].message("id")


def test_partial_override_of_one_dimension_weight(tmp_path):
    path = child(tmp_path, 'indeks idx { dimensi d1 bobot 40%\n  dimensi d2 bobot 60% }\n')
    checked, res = result(path)
    idx = checked.rules.indices["idx"]
    assert [d.name for d in idx.dimensions] == ["D1", "D2"] and len(idx.dimensions[0].components) == 1
    # (90 × 40% + 50 × 60%) / 100 × 4 = 2,64 (the parent's 50/50 gives 2,80)
    assert res.get("idx").value == Decimal("2.64")


def test_weights_no_longer_100_percent_point_at_the_child_line_with_the_breakdown(tmp_path):
    path = child(tmp_path, 'indeks idx { dimensi d1 bobot 40% }\n')
    errs = errors(path)
    assert [d.code for d in errs] == ["E402"]
    d = errs[0]
    assert d.file.endswith("anak.kin") and d.line == 2
    text = d.format("id")
    assert "90%" in text and "d1 40% (" in text and "d2 50%" in text and "induk" not in d.file


def test_weight_without_percent_sign_is_reported_with_its_line_and_a_hint(tmp_path):
    path = child(tmp_path, 'indeks idx {\n  dimensi d1 bobot 60\n  dimensi d2 bobot 40% }\n')
    errs = errors(path)
    assert [d.code for d in errs] == ["E402"]
    assert errs[0].line == 3 and "tulis" not in errs[0].message("id")
    assert "60%" in errs[0].hint("id")


def test_removed_indicator_referenced_in_the_parent_is_an_error_naming_the_removal(tmp_path):
    path = child(tmp_path, 'hapus indikator b\n')
    errs = errors(path)
    assert [d.code for d in errs] == ["E220", "E220"]  # `objek b` and `jika b > 10` of the parent's check
    d = errs[0]
    assert d.file.endswith("induk.kin")  # the reference is in the parent …
    msg = d.format("id")
    assert "anak.kin:2" in msg and "dihapus" in msg and "maksud Anda" not in msg  # … the message names the child line


def test_removal_takes_the_target_and_inputs_only_it_used(tmp_path):
    path = child(tmp_path, 'hapus indikator b\nhapus periksa b_besar\n')
    checked, res = result(path)
    rs = checked.rules
    assert "b" not in rs.indicators and "b" not in rs.targets and "b_jumlah" not in rs.inputs
    assert "a_pembilang" in rs.inputs
    assert res.get("s").capaian == Decimal("90")
    assert any(c.id == "b_jumlah" and "hanya dipakai" in c.detail for c in rs.changes)


def test_index_target_follows_the_indicator_that_reports_it(tmp_path):
    path = child(tmp_path, 'target { pi = 2 }\n')
    checked, res = result(path)
    # idx = (90 × 50% + 50 × 50%) / 100 × 4 = 2,80; target 2 (from pi) → capaian 140
    assert res.get("idx").capaian == Decimal("140") and res.get("pi").capaian == Decimal("140")


def test_bundled_iphp_has_one_target():
    checked = load_rules("pk2024-sumsel")
    t = checked.rules.targets["iphp"]
    assert t.derived_from == "pas_iphp" and t.expr.value == Decimal("3.6")


def test_sertakan_accepts_a_bundled_file_like_perluas(tmp_path):
    (tmp_path / "a.kin").write_text('sertakan "pk2024-sumsel/10-setjen.kin"\n'
                                    'target { setjen_rb_kanwil = 100  setjen_ikm_kanwil = 3 }\n', encoding="utf-8")
    checked = load_rules(tmp_path)
    assert "setjen_rb_kanwil" in checked.rules.indicators


WEIGHTED_PARENT = PARENT.replace(
    'dimensi d1 "D1" bobot 50% { indikator k1 "K1" = rasio a_pembilang / a_penyebut }',
    'dimensi d1 "D1" bobot 50% { indikator k1 "K1" = rasio a_pembilang / a_penyebut bobot 50% }').replace(
    'dimensi d2 "D2" bobot 50% { indikator k2 "K2" = rasio k_pembilang / k_penyebut }',
    'dimensi d2 "D2" bobot 50% { indikator k2 "K2" = rasio k_pembilang / k_penyebut bobot 50% }')


def test_dimension_weight_changed_without_its_indicator_weights_points_at_the_child_line(tmp_path):
    """A child moves a dimension from 50% to 40% but its indicator keeps 50%: the error is the child's, at its
    line, with where each weight was written — never a line inside the parent that the planner cannot edit."""
    path = child(tmp_path, 'indeks idx {\n  dimensi d1 bobot 40%\n  dimensi d2 bobot 60%\n}\n', WEIGHTED_PARENT)
    errs = errors(path)
    assert [d.code for d in errs] == ["E403", "E403"]
    assert all(d.file.endswith("anak.kin") for d in errs), [d.file for d in errs]
    assert [d.line for d in errs] == [3, 4]  # line 1 is `perluas`
    text = errs[0].format("id")
    assert "berjumlah 50%" in text and "dimensi 40% (" in text and "anak.kin:3)" in text
    # the fix, written as the child would write it: the indicator's weight scaled to the dimension's
    assert "indeks idx { dimensi d1 { indikator k1 bobot 40% } }" in errs[0].hint("id")


def test_indicator_weight_changed_in_the_child_is_reported_at_that_line(tmp_path):
    path = child(tmp_path, 'indeks idx {\n  dimensi d1 { indikator k1 bobot 45% }\n}\n', WEIGHTED_PARENT)
    errs = errors(path)
    assert [d.code for d in errs] == ["E403"]
    assert errs[0].file.endswith("anak.kin") and errs[0].line == 3


def test_a_misspelt_inherited_name_is_not_taken_for_a_new_block_without_a_hint(tmp_path):
    """`dimensi d11 bobot 40%` (meaning d1) reads as a new dimension and E221 asks for its title — following
    that would add a dimension. The hint names the inherited one the planner meant."""
    path = child(tmp_path, 'indeks idx {\n  dimensi dd1 bobot 40%\n  dimensi d2 { indikator kk2 }\n}\n'
                           'sasaran s2 { indikator pii { arah turun } }\n'
                           'sasaran s3 { indikator c "C" { satuan orang  realisasi = b_jumlah } }\n')
    errs = errors(path)
    hints = {(d.code, d.line, d.column): d.hint("id") for d in errs if d.code == "E221"}
    assert hints[("E221", 3, 11)] == "maksud Anda d1?", hints  # the title it asks for
    assert hints[("E221", 4, 26)] == "maksud Anda k2?", hints  # the formula it asks for
    assert hints[("E221", 6, 24)] == "maksud Anda pi?", hints
    # a new member of a numbered series (s3 beside s, s2) is not a misspelling: no hint
    assert hints[("E221", 7, 9)] == "", hints


def test_a_weight_without_percent_is_one_error_with_the_percent_hint(tmp_path):
    """`dimensi d1 bobot 50` (5.000%) in a weighted dimension: the E402 says 'write 50%'; an E403 beside it
    proposing indicator weights of 5.000% would point the wrong way."""
    errs = errors(child(tmp_path, 'indeks idx { dimensi d1 bobot 50 }\n', WEIGHTED_PARENT))
    assert [d.code for d in errs] == ["E402"] and errs[0].hint("id") == "bobot ditulis dengan %: 50%"
    errs = errors(child(tmp_path, 'indeks idx { dimensi d1 { indikator k1 bobot 50 } }\n', WEIGHTED_PARENT))
    assert [d.code for d in errs] == ["E403"] and errs[0].hint("id") == "bobot ditulis dengan %: 50%"
    assert errs[0].file.endswith("anak.kin")


def test_a_merge_error_does_not_hide_the_checkers_errors(tmp_path):
    """A planner's child set with a misspelt `hapus` (E222), a new block missing its title (E221) and an unknown
    input in a new formula (E201, found by the checker): one `periksa` names all three. The merge errors used to
    stop everything before the checker, so the planner fixed one, ran again and met the next."""
    path = child(tmp_path, 'hapus indikator bb\n'
                           'indeks idx { dimensi d3 bobot 0% }\n'
                           'sasaran s { indikator c "C" { satuan orang  arah naik  realisasi = c_jumlahx } }\n'
                           'target { c = 4 }\n')
    errs = errors(path)
    assert sorted((d.code, d.line) for d in errs) == [("E201", 4), ("E221", 3), ("E222", 2)], [
        (d.code, d.line, d.message("id")) for d in errs]


def test_a_syntax_error_still_stops_before_the_checker(tmp_path):
    """A file that does not parse leaves the model incomplete: checking it would report names declared in the
    unparsed part as unknown. Only the syntax error is shown."""
    path = child(tmp_path, 'sasaran s { indikator c "C" { satuan orang  realisasi = } }\n'
                           'sasaran s3 "S3" { indikator d "D" { satuan orang  arah naik  realisasi = c } }\n')
    assert [d.code for d in errors(path)][:1] == ["E101"] and "E201" not in [d.code for d in errors(path)]


def test_a_misspelt_redeclared_indicator_is_one_error_at_its_place(tmp_path):
    """`indikator pii { arah turun }` (meaning pi) is a new indicator without a title (E221, "maksud Anda pi?");
    now that the checker runs beside merge errors it must not add "no target" and "no formula" at that same place:
    the one fix is the name."""
    errs = errors(child(tmp_path, 'sasaran s2 { indikator pii { arah turun } }\n'))
    assert [(d.code, d.hint("id")) for d in errs] == [("E221", "maksud Anda pi?")], [
        (d.code, d.line, d.column) for d in errs]
