"""Whether a reference is a bundled rule set's name is asked of its one entry (fsprobe._is_bundled_now, tenth
speed round: it listed and globbed every bundled set, a few times for every workbook of a batch): the same answer
as ``ref in bundled_names()`` for every kind of entry a rules folder may hold."""

import os

import pytest
from kinerja.engine import fsprobe


@pytest.fixture
def rules_folder(tmp_path, monkeypatch):
    base = tmp_path / "rules"
    base.mkdir()
    (base / "set-a").mkdir()
    (base / "set-a" / "00.kin").write_text("")
    (base / "kosong").mkdir()  # a folder without a rule file
    (base / "lain").mkdir()
    (base / "lain" / "catatan.txt").write_text("")
    (base / "huruf").mkdir()
    (base / "huruf" / "A.KIN").write_text("")  # matched as pathlib matches it on this system
    (base / "tersembunyi").mkdir()
    (base / "tersembunyi" / ".kin").write_text("")
    (base / "bersarang").mkdir()
    (base / "bersarang" / "dalam.kin").mkdir()  # a folder named *.kin: glob matches any entry
    (base / "berkas.kin").write_text("")  # a file, not a set
    (base / "v1.2_x").mkdir()
    (base / "v1.2_x" / "a.kin").write_text("")
    os.symlink(base / "set-a", base / "tautan")
    os.symlink(tmp_path / "hilang", base / "putus")
    monkeypatch.setattr(fsprobe, "bundled_dir", lambda: base)
    return base


NAMES = ["set-a", "kosong", "lain", "huruf", "tersembunyi", "bersarang", "berkas.kin", "v1.2_x", "tautan", "putus",
         "SET-A", "set-a\n", "set-a/", "set-a/00.kin", "..", ".", "", "-x", "tidak-ada", "set-a ", "../rules/set-a"]


def before(ref):
    return bool(fsprobe._BUNDLED_NAME.match(ref)) and ".." not in ref and ref in fsprobe.bundled_names()


@pytest.mark.parametrize("ref", NAMES)
def test_one_entry_asked_gives_the_answer_of_the_whole_listing(rules_folder, ref):
    assert fsprobe._is_bundled_now(ref) == before(ref)


def test_the_answers_cover_both_sides(rules_folder):
    assert {r for r in NAMES if fsprobe._is_bundled_now(r)} >= {"set-a", "bersarang", "v1.2_x", "tautan",
                                                               "tersembunyi"}
    assert not any(fsprobe._is_bundled_now(r) for r in ("kosong", "lain", "berkas.kin", "putus", "set-a\n"))


def test_a_rule_file_added_or_removed_is_seen_at_once(rules_folder):
    assert not fsprobe._is_bundled_now("kosong")
    (rules_folder / "kosong" / "b.kin").write_text("")
    assert fsprobe._is_bundled_now("kosong") and before("kosong")
    (rules_folder / "set-a" / "00.kin").unlink()
    assert not fsprobe._is_bundled_now("set-a") and not before("set-a")
