"""A second `load_rules` of unchanged files is answered from the load cache (a stat per file and folder); any
change a load could see — an edited file (even one of the same size, within the same timestamp tick, or with
its old mtime put back), a file added to or removed from the set's folder, a folder appearing next to a
workbook under a bundled set's name, another working folder — is never served stale."""

import os
import time
from decimal import Decimal

from kinerja.engine import Inputs, cache, evaluate, load_rules

SET = """
target {{ i = {target} }}
masukan a: cacah
masukan b: cacah
sasaran s "S" {{
  indikator i "Ind" {{ satuan persen realisasi = rasio a / b }}
}}
"""


def target_of(checked) -> Decimal:
    r = evaluate(checked, Inputs(values={"a": Decimal(1), "b": Decimal(2)}))
    return r.indicators["i"].target


def test_unchanged_files_are_a_hit(tmp_path):
    p = tmp_path / "a.kin"
    p.write_text(SET.format(target=10), encoding="utf-8")
    first = load_rules(p)
    hits = cache.stats.get("loaded_hits", 0)
    assert load_rules(p) is first and load_rules(str(p)) is first
    assert cache.stats["loaded_hits"] == hits + 2


def test_same_size_edit_at_once_is_seen(tmp_path):
    """Written twice within one timestamp tick, same size: the recent file's bytes are compared."""
    p = tmp_path / "a.kin"
    p.write_text(SET.format(target=10), encoding="utf-8")
    assert target_of(load_rules(p)) == 10
    p.write_text(SET.format(target=20), encoding="utf-8")
    assert target_of(load_rules(p)) == 20


def test_edit_with_the_old_mtime_put_back_is_seen(tmp_path):
    """An old file (not recent: compared by its stat signature only) edited and its mtime restored: the ctime
    still changes."""
    p = tmp_path / "a.kin"
    p.write_text(SET.format(target=10), encoding="utf-8")
    old = time.time_ns() - 3600 * 10**9
    os.utime(p, ns=(old, old))
    time.sleep(0.01)
    checked = load_rules(p)
    assert target_of(checked) == 10
    p.write_text(SET.format(target=30), encoding="utf-8")
    os.utime(p, ns=(old, old))
    again = load_rules(p)
    assert again is not checked and target_of(again) == 30


def test_replaced_file_is_seen(tmp_path):
    p = tmp_path / "a.kin"
    p.write_text(SET.format(target=10), encoding="utf-8")
    assert target_of(load_rules(p)) == 10
    q = tmp_path / "b.tmp"
    q.write_text(SET.format(target=40), encoding="utf-8")
    os.replace(q, p)  # as editors save: a new file renamed over the old one
    assert target_of(load_rules(p)) == 40


def test_file_added_to_or_removed_from_the_folder_is_seen(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "10-a.kin").write_text(SET.format(target=10), encoding="utf-8")
    first = load_rules(folder)
    assert "x" not in first.rules.values
    (folder / "20-b.kin").write_text("nilai x = 1 + 1\n", encoding="utf-8")
    second = load_rules(folder)
    assert "x" in second.rules.values
    (folder / "20-b.kin").unlink()
    assert "x" not in load_rules(folder).rules.values


def test_included_file_edited_is_seen(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "main.kin").write_text('sertakan "lib/t.kin"\n' + SET.format(target=10).replace(
        "target { i = 10 }", ""), encoding="utf-8")
    (folder / "lib").mkdir()
    (folder / "lib" / "t.kin").write_text("target { i = 10 }\n", encoding="utf-8")
    assert target_of(load_rules(folder / "main.kin")) == 10
    (folder / "lib" / "t.kin").write_text("target { i = 50 }\n", encoding="utf-8")
    assert target_of(load_rules(folder / "main.kin")) == 50


def test_folder_appearing_next_to_a_workbook_is_seen(tmp_path):
    """A workbook's reference is resolved inside its folder first: a local folder under the bundled set's name
    that appears later is the rule set from then on."""
    bundled = load_rules("pk2024-sumsel", confine_to=tmp_path)
    assert load_rules("pk2024-sumsel", confine_to=tmp_path) is bundled
    local = tmp_path / "pk2024-sumsel"
    local.mkdir()
    (local / "a.kin").write_text(SET.format(target=10), encoding="utf-8")
    mine = load_rules("pk2024-sumsel", confine_to=tmp_path)
    assert mine is not bundled and target_of(mine) == 10


def test_relative_reference_from_another_working_folder(tmp_path, monkeypatch):
    for name, target in (("one", 10), ("two", 60)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.kin").write_text(SET.format(target=target), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "one")
    assert target_of(load_rules("a.kin")) == 10
    monkeypatch.chdir(tmp_path / "two")
    assert target_of(load_rules("a.kin")) == 60
