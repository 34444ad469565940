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
    max_output: int = 10_000_000  # 10,000 diagnostics of a few hundred characters each fit


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


# ---- rule text: depth and size ---------------------------------------------------------------------------

def _calc(t: Path, extra: str) -> list[str]:
    rules_dir(t / "set", RULE + extra)
    (t / "d.yaml").write_text(DATA, encoding="utf-8")
    return ["hitung", "--aturan", "set", "--data", "d.yaml", "--json", "--jejak"]


def parens_95(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "(a + " * 95 + "1" + ")" * 95 + "\n"), None, 0, ('"x"',))


def parens_590(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "(a + " * 590 + "1" + ")" * 590 + "\n"), None, 0, ('"x"',))


def parens_5000(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "(" * 5000 + "a" + ")" * 5000 + "\n"), "E105", 2)


def sum_500_terms(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + " + ".join(["a"] * 500) + "\n"), None, 0, ('"x"',))


def sum_100000_terms(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + " + ".join(["a"] * 100_000) + "\n"), "E216", 2, ("token",))


def jika_590_deep(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "jika a > b maka 1 lainnya " * 590 + "2\n"), None, 0, ('"x"',))


def jika_5000_deep(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "jika a > b maka 1 lainnya " * 5000 + "2\n"), "E105", 2)


def minus_5000(t: Path) -> Case:
    return Case(_calc(t, "nilai x = " + "-" * 5000 + "a\n"), "E105", 2)


def literal_40_digits(t: Path) -> Case:
    rules_dir(t / "set", RULE + "nilai x = a * 1234567890123456789012345678901234567890\n")
    return Case(["periksa", "set"], "E106", 1)


def rounding_digits_100000(t: Path) -> Case:
    rules_dir(t / "set", RULE + "nilai x = a bulat 100000\n")
    return Case(["periksa", "set"], "E107", 1)


def rounding_call_digits_100000(t: Path) -> Case:
    rules_dir(t / "set", RULE + "nilai x = bulat(a, 100000)\n")
    return Case(["periksa", "set"], "E107", 1)


def rounding_setting_100000(t: Path) -> Case:
    rules_dir(t / "set", "pengaturan { bulat_realisasi = 100000 }\n" + RULE)
    return Case(["periksa", "set"], "E209", 1)


def unknown_names_10000(t: Path) -> Case:
    lines = [f"nilai v{j} = " + " + ".join(f"tak_{j}_{i}" for i in range(500)) for j in range(20)]
    rules_dir(t / "set", RULE + "\n".join(lines) + "\n")
    return Case(["periksa", "set"], "E201", 1, ("10000 galat",))


def product_out_of_range(t: Path) -> Case:
    """Passed `periksa` and ended `hitung` in "galat internal kinerja (InvalidOperation)": now G008 on that
    indicator (finding T204 with the rule line and the operation), the other indicator computed, exit 1."""
    rules_dir(t / "set", 'target { rb = 100  rc = 100 }\nmasukan a: cacah\nmasukan b: cacah\nsasaran s "S" {\n'
              '  indikator rb "RB" { satuan cacah  realisasi = a * b * 99999999999999 * 99999999999999 }\n'
              '  indikator rc "RC" { satuan persen  realisasi = rasio a / b }\n}\n')
    (t / "d.yaml").write_text("masukan: {a: 99999999999999, b: 99999999999999}\n", encoding="utf-8")
    return Case(["hitung", "--aturan", "set", "--data", "d.yaml"], "T204", 1,
                ("set/a.kin:5: hasil perkalian di luar jangkauan", "rc: target 100, realisasi 100,00"))


def sum_of_table_rows_out_of_range(t: Path) -> Case:
    rules_dir(t / "set", RULE + 'tabel pagu "Pagu" { satker: teks  nilai: angka }\nnilai total = jumlah(pagu.nilai)\n')
    rows = "".join(f"    - {{satker: s{i}, nilai: 900000000000000}}\n" for i in range(3))
    (t / "d.yaml").write_text(DATA + "tabel:\n  pagu:\n" + rows, encoding="utf-8")
    return Case(["hitung", "--aturan", "set", "--data", "d.yaml", "--json"], "T204", 1,
                ("hasil jumlah di luar jangkauan",))


# ---- data files --------------------------------------------------------------------------------------------

def _data(t: Path, text: str, name: str = "d.yaml") -> list[str]:
    rules_dir(t / "set")
    (t / name).write_text(text, encoding="utf-8")
    return ["hitung", "--aturan", "set", "--data", name, "--json"]  # JSON: input problems with their codes


def yaml_nested_5000(t: Path) -> Case:
    return Case(_data(t, "masukan:\n  a: " + "{x: " * 5000 + "1" + "}" * 5000 + "\n"), "B106", 2,
                ("bersarang",))


def yaml_alias_bomb(t: Path) -> Case:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return Case(_data(t, "\n".join(lines) + "\nmasukan:\n  a: *l9\n  b: 4\n"), "B106", 2, ("alias",))


def yaml_masukan_is_a_list(t: Path) -> Case:
    return Case(_data(t, "masukan: [1, 2, 3]\n"), "B107", 2, ("masukan",))


def yaml_tabel_is_a_mapping(t: Path) -> Case:
    return Case(_data(t, DATA + "tabel:\n  survei: {unit: Januari}\n"), "B107", 2, ("tabel.survei",))


def yaml_dilaporkan_wrong_shape(t: Path) -> Case:
    return Case(_data(t, DATA + "dilaporkan:\n  indikator: [rb, 100]\n"), "B107", 2, ("dilaporkan.indikator",))


def yaml_dilaporkan_entry_not_a_number(t: Path) -> Case:
    return Case(_data(t, DATA + "dilaporkan:\n  indikator:\n    rb:\n      realisasi:\n"
                         "        - {nilai: [1, 2], sumber: T1}\n"), "B107", 2)


def yaml_dilaporkan_nan(t: Path) -> Case:
    return Case(_data(t, DATA + "dilaporkan:\n  indikator:\n    rb:\n      capaian: {nilai: .nan}\n"), "B107", 2)


def yaml_nan_inf_and_huge(t: Path) -> Case:
    return Case(_data(t, "masukan: {a: .nan, b: .inf}\n"), "B218", 1)


def yaml_10_pow_40(t: Path) -> Case:
    return Case(_data(t, f"masukan: {{a: {10 ** 40}, b: 1e400}}\n"), "B218", 1)


def yaml_row_not_a_mapping(t: Path) -> Case:
    rules_dir(t / "set", RULE + 'tabel survei "S" { nilai: indeks }\nnilai m = rata_rata(survei.nilai)\n')
    (t / "d.yaml").write_text(DATA + "tabel:\n  survei: [1, [2], {nilai: 3}]\n", encoding="utf-8")
    return Case(["hitung", "--aturan", "set", "--data", "d.yaml", "--json"], "B204", 1)


def yaml_huge_value_quoted_short(t: Path) -> Case:
    return Case(_data(t, "masukan: {a: '" + "x" * 2_000_000 + "', b: 4}\n"), "B201", 1, ("…",), max_output=20_000)


def data_fifo(t: Path) -> Case:
    rules_dir(t / "set")
    os.mkfifo(t / "d.yaml")
    return Case(["hitung", "--aturan", "set", "--data", "d.yaml"], "B106", 2, ("bukan berkas biasa",))


def csv_fifo(t: Path) -> Case:
    rules_dir(t / "set")
    os.mkfifo(t / "d.csv")
    return Case(["hitung", "--aturan", "set", "--data", "d.csv"], "B106", 2)


def data_bom_and_crlf(t: Path) -> Case:
    rules_dir(t / "set")
    (t / "d.yaml").write_bytes(b"\xef\xbb\xbfmasukan:\r\n  a: 3\r\n  b: 4\r\n")
    return Case(["hitung", "--aturan", "set", "--data", "d.yaml"], None, 0, ("75",))


CASES: dict[str, Callable[[Path], Case]] = {f.__name__: f for f in [
    empty_folder, etc_folder, dot_without_rules, only_declarations, include_absolute, include_etc_passwd_relative,
    include_kin_outside_tree, include_symlink_out, include_not_kin, rules_file_dev_zero, include_dev_zero,
    fifo_rule_file, huge_rule_file, extends_outside, extends_bundled_escape, include_chain_1000, bom_accepted,
    workbook_names_etc_passwd, workbook_names_parent_folder, workbook_names_dev_zero, workbook_names_empty_folder,
    workbook_names_its_own_folder, parens_95, parens_590, parens_5000, sum_500_terms, sum_100000_terms,
    jika_590_deep, jika_5000_deep, minus_5000, literal_40_digits, rounding_digits_100000,
    rounding_call_digits_100000, rounding_setting_100000, unknown_names_10000, product_out_of_range,
    sum_of_table_rows_out_of_range, yaml_nested_5000, yaml_alias_bomb,
    yaml_masukan_is_a_list, yaml_tabel_is_a_mapping, yaml_dilaporkan_wrong_shape,
    yaml_dilaporkan_entry_not_a_number, yaml_dilaporkan_nan, yaml_nan_inf_and_huge, yaml_10_pow_40,
    yaml_row_not_a_mapping, yaml_huge_value_quoted_short, data_fifo, csv_fifo, data_bom_and_crlf,
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
        assert any(f"{pre}{case.code}{post}" in run.output for pre, post in ((" ", " "), (" ", ":"), ('"', '"'))), \
            run.output[-3000:]
    for text in case.say:
        assert text in run.output, run.output[-3000:]
    for text in case.forbidden:
        assert text not in run.output, f"echoed {text!r}:\n{run.output[-3000:]}"
    for p, data in before.items():
        assert p.read_bytes() == data, f"{p.name} changed"
    assert len(run.output) < case.max_output, f"{len(run.output)} characters: values quoted in full?"
