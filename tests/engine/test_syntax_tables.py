"""The parser is loaded from tables generated from the grammar (``grammar/lalr_tables.json``) instead of being
built in every process (≈ 150 ms of every ``kinerja`` command and Hitung click). The tables must stand for exactly
this grammar, and the loaded parser must read every rule text exactly as the built one does: the same trees, the
same syntax errors at the same places with the same expected words."""

from __future__ import annotations

import json
from pathlib import Path

import lark
import pytest
from kinerja.engine import syntax
from lark import Lark
from lark.exceptions import UnexpectedInput
from lark.grammar import Rule
from lark.lexer import TerminalDef

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "grammar" / "lalr_tables.json"
REGENERATE = "regenerate them: python -m kinerja.grammar"


def _plain(value):
    """Lark's serialized form with tuples as lists (JSON has no tuples; Lark reads either)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _outcome(p: Lark, text: str, start: str):
    try:
        return p.parse(text, start=start)
    except UnexpectedInput as err:
        return (type(err).__name__, err.line, err.column, sorted(getattr(err, "expected", None) or ()),
                sorted(getattr(err, "accepts", None) or ()), str(getattr(err, "token", "")))


def _rule_texts() -> list[tuple[str, str]]:
    files = sorted([*ROOT.glob("rules/**/*.kin"), *ROOT.glob("tests/**/*.kin"), *ROOT.glob("docs/**/*.kin")])
    return [(str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")) for f in files]


# Broken rule texts: every kind of syntax error the planner's messages (E101–E104) are made from.
BROKEN = [
    "indikator x \"X\" { realisasi = a / b × 100% ",
    "indikator x \"X\" { realisasi = a / / b }",
    "indikator x \"X\" { target = 3,1 }",
    "sasaran s1 \"S\" { indikator: x, }",
    "indikator x \"X\" { realisasi = a ^ b }",
    "indeks i \"I\" skala 0..4 { dimensi d bobot 60% { x } ",
    "masukan a: jumlah \"A\" opsional opsional",
    "periksa c tinggi { jika a > }",
    "\"tanpa kata kunci\"",
    "indikator 12 \"X\" {}",
]


def test_the_tables_are_made_from_this_grammar():
    stored = json.loads(TABLES.read_text(encoding="utf-8"))["stamp"]
    now = syntax.stamp(syntax.grammar_text())
    assert stored["grammar_sha256"] == now["grammar_sha256"], f"the grammar changed after the tables; {REGENERATE}"
    assert stored["options"] == now["options"], f"the parser's options changed after the tables; {REGENERATE}"


def test_the_parser_is_loaded_when_the_tables_match_else_built():
    matches = json.loads(TABLES.read_text(encoding="utf-8"))["stamp"]["lark"] == lark.__version__
    # Lark's serialized form is its own: under another Lark version the parser is built (slower, same language).
    assert (syntax.parser().source_path == "<deserialized>") == matches


def test_json_keeps_every_part_of_larks_serialized_parser():
    built = syntax.build_parser()
    data, memo = built.memo_serialize([TerminalDef, Rule])
    loaded = syntax.tables_from(syntax.tables_json(built).encode("utf-8"), syntax.grammar_text())
    assert loaded == {"data": _plain(data), "memo": _plain(memo)}  # the digit keys come back as numbers


@pytest.fixture(scope="module")
def both() -> tuple[Lark, Lark]:
    tables = syntax.tables_from(TABLES.read_bytes(), syntax.grammar_text())
    if tables is None or json.loads(TABLES.read_text(encoding="utf-8"))["stamp"]["lark"] != lark.__version__:
        tables = syntax.tables_from(syntax.tables_json().encode("utf-8"), syntax.grammar_text())  # this Lark's own
    return Lark.load(tables), syntax.build_parser()


def test_loaded_parser_reads_every_rule_file_as_the_built_one(both):
    loaded, built = both
    texts = _rule_texts()
    assert len(texts) > 100
    for name, text in texts:
        assert _outcome(loaded, text, "start") == _outcome(built, text, "start"), name


@pytest.mark.parametrize("text", BROKEN)
def test_loaded_parser_reports_syntax_errors_as_the_built_one(both, text):
    loaded, built = both
    got = _outcome(loaded, text, "start")
    assert isinstance(got, tuple), "a broken text must not parse"
    assert got == _outcome(built, text, "start")


@pytest.mark.parametrize("text", ["maks(t.responden)", "a / b × 100%", "rata(x) +", "(a"])
def test_loaded_parser_reads_expressions_as_the_built_one(both, text):
    loaded, built = both
    assert _outcome(loaded, text, "expr") == _outcome(built, text, "expr")


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[]", b'{"stamp": {}}', b'{"data": {}, "memo": {}}'])
def test_broken_or_foreign_tables_are_not_used(raw):
    assert syntax.tables_from(raw, syntax.grammar_text()) is None


def test_a_grammar_checked_out_with_crlf_line_ends_is_the_same_grammar():
    text = syntax.grammar_text()
    assert "\r\n" not in text
    assert syntax.stamp(text.replace("\n", "\r\n")) == syntax.stamp(text)


def test_tables_of_another_grammar_are_not_used():
    raw = TABLES.read_bytes()
    assert syntax.tables_from(raw, syntax.grammar_text()) is not None or \
        json.loads(raw)["stamp"]["lark"] != lark.__version__
    assert syntax.tables_from(raw, syntax.grammar_text() + "\n// one more line\n") is None
