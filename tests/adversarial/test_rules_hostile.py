"""Attack suite, rule and data-file side (issue 13): one generated case per kind of hostile or broken input.

Each case builds its files in a fresh folder, runs the real ``kinerja`` command in a child process under a
500 MB / 10 s CPU ceiling (rules_attack.py) and asserts the coded message, the exit code, that nothing of a
file outside the rules is echoed, and that a refused workbook is byte-identical. The workbook package side
(XML, zip) has its own suite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from rules_attack import assert_bounded, run_kinerja

SECRET = "RAHASIA-JANGAN-DITAMPILKAN"
RULE = 'target { rb = 100 }\nmasukan a: cacah\nmasukan b: cacah\n' \
       'sasaran s "S" { indikator rb "RB" { satuan persen  realisasi = rasio a / b } }\n'
DATA = "masukan: {a: 3, b: 4}\n"


@dataclass
class Case:
    args: list[str]
    code: str | None  # the coded diagnostic expected in the output (None: a clean run)
    exit: int
    say: tuple[str, ...] = ()  # further text the output must contain
    unchanged: tuple[Path, ...] = ()  # files that must be byte-identical afterwards
    forbidden: tuple[str, ...] = (SECRET, "root:x:0")
    env: dict[str, str] = field(default_factory=dict)


def secret_file(folder: Path, name: str) -> Path:
    """A file that is not a rule file and whose first line must never appear in a message."""
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(f"{SECRET}: kata sandi\nbaris kedua\n", encoding="utf-8")
    return p


def rules_dir(folder: Path, text: str = RULE, name: str = "a.kin") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


# ---- rule paths ------------------------------------------------------------------------------------------

def empty_folder(t: Path) -> Case:
    (t / "kosong").mkdir()
    return Case(["periksa", "kosong"], "E215", 2, ("tidak berisi berkas .kin",))


def etc_folder(t: Path) -> Case:
    return Case(["periksa", "/etc"], "E215", 2)


def dot_without_rules(t: Path) -> Case:
    secret_file(t, "catatan.txt")
    (t / "d.yaml").write_text(DATA, encoding="utf-8")
    return Case(["hitung", "--aturan", ".", "--data", "d.yaml"], "E215", 2)


def only_declarations(t: Path) -> Case:
    rules_dir(t / "aturan", "masukan a: cacah\n")
    return Case(["periksa", "aturan"], "E215", 2, ("tidak berisi aturan",))


def include_absolute(t: Path) -> Case:
    secret = secret_file(t / "luar", "shadow")
    rules_dir(t / "set", RULE + f'sertakan "{secret}"\n')
    return Case(["periksa", "set"], "E214", 2)


def include_etc_passwd_relative(t: Path) -> Case:
    rules_dir(t / "set", RULE + 'sertakan "../../../../../../../../etc/passwd"\n')
    return Case(["periksa", "set"], "E214", 2)


def include_kin_outside_tree(t: Path) -> Case:
    (t / "luar.kin").write_text(f'nilai x = 1\n{SECRET} ??\n', encoding="utf-8")
    rules_dir(t / "set", RULE + 'sertakan "../luar.kin"\n')
    return Case(["periksa", "set"], "E214", 2)


def include_symlink_out(t: Path) -> Case:
    secret = secret_file(t / "luar", "kunci.kin")
    rules_dir(t / "set")
    os.symlink(secret, t / "set" / "b.kin")  # a link inside the folder that leads out of it
    return Case(["periksa", "set"], "E214", 2)


def include_not_kin(t: Path) -> Case:
    secret_file(t / "set", "catatan.txt")
    rules_dir(t / "set", RULE + 'sertakan "catatan.txt"\n')
    return Case(["periksa", "set"], "E212", 2, ("bukan berkas .kin",))


def rules_file_dev_zero(t: Path) -> Case:
    return Case(["periksa", "/dev/zero"], "E212", 2)


def include_dev_zero(t: Path) -> Case:
    rules_dir(t / "set", RULE + 'sertakan "/dev/zero"\n')
    return Case(["periksa", "set"], "E214", 2)


def fifo_rule_file(t: Path) -> Case:
    rules_dir(t / "set")
    os.mkfifo(t / "set" / "pipa.kin")  # opening it for reading would block forever
    return Case(["periksa", "set"], "E212", 2, ("bukan berkas biasa",))


def huge_rule_file(t: Path) -> Case:
    rules_dir(t / "set", RULE + "# " + "x" * 1_100_000 + "\n")
    return Case(["periksa", "set"], "E212", 2, ("lebih dari 1 MB",))


def extends_outside(t: Path) -> Case:
    secret = secret_file(t / "jauh" / "lain", "a.kin")
    rules_dir(t / "aturan" / "pk2025", RULE + f'perluas "{secret.parent}"\n')
    return Case(["periksa", "aturan/pk2025"], "E214", 2)


def extends_bundled_escape(t: Path) -> Case:
    rules_dir(t / "set", RULE + 'perluas "../../../../../../../../etc"\n')
    return Case(["periksa", "set"], "E214", 2)


def include_chain_1000(t: Path) -> Case:
    s = t / "set"
    rules_dir(s, RULE + 'sertakan "r0001.kin"\n')
    for i in range(1, 1001):
        nxt = f'sertakan "r{i + 1:04d}.kin"\n' if i < 1000 else ""
        (s / f"r{i:04d}.kin").write_text(nxt + f"nilai v{i} = {i}\n", encoding="utf-8")
    return Case(["periksa", "set"], "E216", 2, ("tingkat sertakan",))


def bom_accepted(t: Path) -> Case:
    (t / "set").mkdir()
    (t / "set" / "a.kin").write_bytes(b"\xef\xbb\xbf" + RULE.encode())
    return Case(["periksa", "set"], None, 0, ("baik",))


# ---- a workbook names its rule set (untrusted) -----------------------------------------------------------

def _workbook(t: Path, stored: str) -> Path:
    """A template of a small rule set, whose stored rule-set reference is then replaced by ``stored``."""
    from kinerja.engine import load_rules
    from kinerja.workbooks.template import build_template
    from kinerja.workbooks.writer import write_back

    rules_dir(t / "aturan")
    path = t / "buku.xlsx"
    build_template(load_rules(t / "aturan"), path, rules_ref="aturan")
    write_back(path, meta={"aturan": stored})
    return path


def workbook_names_etc_passwd(t: Path) -> Case:
    book = _workbook(t, "/etc/passwd")
    return Case(["hitung", "buku.xlsx"], "E214", 2, ("--aturan",), unchanged=(book,))


def workbook_names_parent_folder(t: Path) -> Case:
    secret = secret_file(t.parent / f"{t.name}-luar", "a.kin")
    book = _workbook(t, f"../{secret.parent.name}")
    return Case(["hitung", "buku.xlsx"], "E214", 2, unchanged=(book,))


def workbook_names_dev_zero(t: Path) -> Case:
    book = _workbook(t, "/dev/zero")
    return Case(["hitung", "buku.xlsx"], "E214", 2, unchanged=(book,))


def workbook_names_empty_folder(t: Path) -> Case:
    book = _workbook(t, ".")  # the workbook's own folder: no .kin files there
    return Case(["hitung", "buku.xlsx"], "E215", 2, unchanged=(book,))


def workbook_names_its_own_folder(t: Path) -> Case:
    _workbook(t, "aturan")  # a folder next to the workbook: allowed
    return Case(["hitung", "buku.xlsx"], None, 1, ("Ditulis ke",))  # exit 1: the template's inputs are empty


CASES: dict[str, Callable[[Path], Case]] = {f.__name__: f for f in [
    empty_folder, etc_folder, dot_without_rules, only_declarations, include_absolute,
    include_etc_passwd_relative, include_kin_outside_tree, include_symlink_out, include_not_kin,
    rules_file_dev_zero, include_dev_zero, fifo_rule_file, huge_rule_file, extends_outside,
    extends_bundled_escape, include_chain_1000, bom_accepted, workbook_names_etc_passwd,
    workbook_names_parent_folder, workbook_names_dev_zero, workbook_names_empty_folder,
    workbook_names_its_own_folder,
]}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_rule_input(name: str, tmp_path: Path) -> None:
    work = tmp_path / "kerja"
    work.mkdir()
    case = CASES[name](work)
    before = {p: p.read_bytes() for p in case.unchanged}
    run = run_kinerja(case.args, work, case.env)
    assert_bounded(run)
    assert run.code == case.exit, f"exit {run.code}, expected {case.exit}\n{run.output[-3000:]}"
    if case.code:
        assert f" {case.code}" in run.output or f"{case.code}:" in run.output, run.output[-3000:]
    for text in case.say:
        assert text in run.output, run.output[-3000:]
    for text in case.forbidden:
        assert text not in run.output, f"echoed {text!r}:\n{run.output[-3000:]}"
    for p, data in before.items():
        assert p.read_bytes() == data, f"{p.name} changed"
