"""The data-file YAML loader: libyaml (``yaml.CSafeLoader``) when PyYAML has it, with the same limits as the
pure-Python bounded loader — same data, same refusals (depth, alias-expanded size) on both paths."""

from __future__ import annotations

import pytest
import yaml
from kinerja.workbooks import datafile_yaml
from kinerja.workbooks.datafile import bundled_data
from kinerja.workbooks.datafile_yaml import _BoundedLoader, _compose, _TooBig

pytestmark = pytest.mark.skipif(datafile_yaml._C_LOADER is None, reason="PyYAML built without libyaml: one path only")


def python_path(text: str):
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def outcome(load, text: str):
    try:
        return ("data", load(text))
    except _TooBig as exc:
        return ("refused", exc.reason, exc.mark.line if exc.mark else None)
    except yaml.YAMLError as exc:  # the same kind of error (its wording is libyaml's or PyYAML's own)
        return ("error", type(exc).__name__)


def test_the_c_loader_is_used_and_reads_the_bundled_data_identically():
    assert issubclass(datafile_yaml._C_LOADER, yaml.CSafeLoader)  # libyaml, with the one-reading resolvers
    for p in bundled_data():
        text = p.read_text(encoding="utf-8-sig")
        assert _compose(text) == python_path(text), p.name


def nested(levels: int) -> str:
    return "masukan:\n  a: " + "{x: " * levels + "1" + "}" * levels + "\n"


def aliases(width: int, depth: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(lines) + f"\nmasukan:\n  a: *l{depth - 1}\n"


@pytest.mark.parametrize("text", [nested(n) for n in (60, 61, 62, 63, 64, 65, 200)] + [
    "a: [[[[1]]]]\n", "a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n",
    "- &s 5\n- *s\n- [*s, *s]\n", "{? [1, 2] : 3}\n",
])
def test_same_depth_limit_and_data_on_both_paths(text):
    assert outcome(_compose, text) == outcome(python_path, text)


@pytest.mark.parametrize(("width", "depth"), [(3, 3), (4, 4), (5, 4), (6, 4), (10, 4), (2, 12), (10, 9)])
def test_same_alias_expansion_limit_on_both_paths(monkeypatch, width, depth):
    monkeypatch.setattr(datafile_yaml, "MAX_YAML_NODES", 1000)  # sizes around the limit stay small to build
    text = aliases(width, depth)
    c, py = outcome(_compose, text), outcome(python_path, text)
    assert c == py
    if c[0] == "refused":
        assert "alias" in c[1]
