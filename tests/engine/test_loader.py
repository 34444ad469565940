"""Rule sets: folders, bundled names, `sertakan` (include), `perluas` (extends) and the rule-set hash."""

from decimal import Decimal
from pathlib import Path

import pytest
from kinerja.engine import Inputs, KinerjaError, check_rules, evaluate, load_rules
from kinerja.engine.fsprobe import bundled_names
from kinerja.engine.loader import load

PARENT = """
aturan induk "PK 2024"
target { rb = 100 }
parameter bobot = 50%
eselon e "Eselon" {
  masukan a: cacah
  masukan b: cacah
  sasaran s "S" { indikator rb "RB" { satuan persen  realisasi = rasio a / b } }
}
nilai separuh = rb * bobot
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def values(**kw):
    return Inputs(values={k: Decimal(v) for k, v in kw.items()})


def test_bundled_rule_set_is_found_by_name():
    assert "pk2024-sumsel" in bundled_names()
    checked = load_rules("pk2024-sumsel")
    assert checked.rules.name == "pk2024-sumsel"
    assert len(checked.rules.indicators) == 30 and len(checked.rules.sasaran) == 19
    assert not [d for d in checked.diagnostics], [d.format() for d in checked.diagnostics]


def test_unknown_rule_set_names_the_bundled_ones():
    with pytest.raises(KinerjaError) as err:
        load_rules("pk2099-tidak-ada")
    assert err.value.code == "E206" and "pk2024-sumsel" in err.value.format("id")


def test_include_is_relative_to_the_including_file(tmp_path):
    write(tmp_path / "set" / "bagian", {"masukan.kin": "masukan a: cacah\nmasukan b: cacah\n"})
    write(tmp_path / "set", {"utama.kin": 'sertakan "bagian/masukan.kin"\ntarget { rb = 100 }\n'
                                           'sasaran s "S" { indikator rb "RB" { realisasi = rasio a / b } }\n'})
    r = evaluate(load_rules(tmp_path / "set"), values(a=1, b=4))
    assert r.indicators["rb"].value == Decimal("25.00")


def test_extends_overrides_targets_and_parameters_without_copying_formulas(tmp_path):
    write(tmp_path / "pk2024", {"a.kin": PARENT})
    write(tmp_path / "pk2025", {"a.kin": 'aturan anak "PK 2025"\nperluas "../pk2024"\ntarget { rb = 80 }\n'
                                         'parameter bobot = 25%\n'})
    parent = evaluate(load_rules(tmp_path / "pk2024"), values(a=3, b=4))
    child = evaluate(load_rules(tmp_path / "pk2025"), values(a=3, b=4))
    assert parent.indicators["rb"].capaian == Decimal("75.00")
    assert child.indicators["rb"].capaian == Decimal("93.75")  # 75 / 80
    assert child.values["separuh"].value == Decimal("18.75")  # 75 × 25%
    rs = load_rules(tmp_path / "pk2025").rules
    assert rs.parents == ["pk2024"] and rs.title == "PK 2025"


def test_extends_by_bundled_name(tmp_path):
    write(tmp_path / "pk2025", {"a.kin": 'perluas "pk2024-sumsel"\ntarget { setjen_rb_kanwil = 95 }\n'})
    checked = load_rules(tmp_path / "pk2025")
    assert len(checked.rules.indicators) == 30
    assert checked.rules.targets["setjen_rb_kanwil"].expr.value == Decimal("95")
    assert checked.rules.version != load_rules("pk2024-sumsel").rules.version


def test_duplicate_inside_one_set_is_an_error_but_override_of_parent_is_not(tmp_path):
    write(tmp_path / "dup", {"a.kin": "masukan a: cacah\nnilai x = a\n", "b.kin": "masukan a: rupiah\n"})
    _, diags = check_rules(tmp_path / "dup")
    assert [(d.code, d.file.endswith("b.kin"), d.line) for d in diags if d.is_error] == [("E202", True, 1)]


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path / "x", {"a.kin": 'perluas "../y"\n'})
    write(tmp_path / "y", {"a.kin": 'perluas "../x"\n'})
    _, diags = check_rules(tmp_path / "x")
    assert "E207" in {d.code for d in diags}


def test_hash_changes_with_any_rule_file_and_not_with_the_folder_location(tmp_path):
    a = write(tmp_path / "a" / "set", {"a.kin": PARENT})
    b = write(tmp_path / "b" / "set", {"a.kin": PARENT})
    assert load(a)[0].version == load(b)[0].version
    (b / "a.kin").write_text(PARENT.replace("100", "90"), encoding="utf-8")
    assert load(a)[0].version != load(b)[0].version
