"""The grammar and its errors: the Lark parser (built once per process) and the diagnostics for rule text that
does not parse — a syntax error with the words a planner would expect (E101–E104), an expression nested too deep
(E105). Building the model from a parse tree is :mod:`kinerja.engine.parser`'s job.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources

import lark
from lark import Lark, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic
from .limits import MAX_EXPR_DEPTH, MAX_TREE_DEPTH, clip
from .ruletext import line_of
from .vocabulary import KINDS

# Names of terminals as a planner would say them (for "expected …" in syntax errors).
_TERMINAL_WORDS_ID = {
    "NAME": "nama", "STRING": "teks dalam tanda kutip", "NUMBER": "angka", "INT": "bilangan bulat",
    "KIND": f"jenis ({', '.join(KINDS)})", "OPTIONAL": "opsional",
    "DIRECTION": "arah (naik/turun)", "ROUND_MODE": "mode pembulatan (setengah_naik/potong)",
    "LEVEL": "tingkat (tinggi/sedang/rendah/info)", "COMP_OP": "pembanding (=, <, >, …)",
    "ADD_OP": "+ atau -", "MUL_OP": "* atau ×", "SLASH": "/", "PERCENT": "%", "INVERTED": "terbalik",
    "$END": "akhir berkas",
}
_TERMINAL_WORDS_EN = {
    "NAME": "a name", "STRING": "quoted text", "NUMBER": "a number", "INT": "a whole number",
    "KIND": f"a kind ({', '.join(KINDS)})", "OPTIONAL": "opsional",
    "DIRECTION": "a direction (naik/turun)", "ROUND_MODE": "a rounding mode (setengah_naik/potong)",
    "LEVEL": "a level (tinggi/sedang/rendah/info)", "COMP_OP": "a comparison (=, <, >, …)",
    "ADD_OP": "+ or -", "MUL_OP": "* or ×", "SLASH": "/", "PERCENT": "%", "INVERTED": "terbalik",
    "$END": "end of file",
}


#: How the parser is built; the generated tables (``grammar/lalr_tables.json``) record it and are used only for
#: exactly these options.
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True, "maybe_placeholders": True,
            "start": ["start", "expr"]}  # "expr": a placeholder `{…}` inside a check's message
_TABLES = "lalr_tables.json"


def grammar_text() -> str:
    return resources.files("kinerja.grammar").joinpath("kinerja.lark").read_text(encoding="utf-8")


def build_parser() -> Lark:
    """The LALR parser built from ``grammar/kinerja.lark`` (≈ 150 ms: Lark computes the LALR tables)."""
    return Lark(grammar_text(), **_OPTIONS)


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The LALR parser of ``grammar/kinerja.lark`` (contextual lexer, positions propagated), once per process;
    two start symbols: a rule file (``start``) and one expression (``expr``). Loaded from the tables generated
    into ``grammar/lalr_tables.json`` (≈ 25 ms; every ``kinerja`` command and every Hitung click starts a
    process), built from the grammar when they were not made from this grammar, Lark version and options."""
    text = grammar_text()
    tables = generated_tables(text)
    return Lark.load(tables) if tables is not None else build_parser()


def stamp(text: str) -> dict[str, str]:
    """What generated tables must match to stand for the parser of ``text``: the grammar's text (its line ends
    as Lark reads them: a checkout that turned them into CRLF is the same grammar), Lark's version (the
    serialized form is its own) and the options."""
    lf = text.replace("\r\n", "\n")
    return {"grammar_sha256": hashlib.sha256(lf.encode("utf-8")).hexdigest(), "lark": lark.__version__,
            "options": repr(sorted(_OPTIONS.items()))}


def generated_tables(text: str) -> dict | None:
    """Lark's serialized parser from ``grammar/lalr_tables.json`` if it was generated from exactly ``text``, this
    Lark version and these options; else None."""
    try:
        raw = resources.files("kinerja.grammar").joinpath(_TABLES).read_bytes()
    except OSError:
        return None
    return tables_from(raw, text)


def tables_from(raw: bytes, text: str) -> dict | None:
    try:
        tables = json.loads(raw, object_pairs_hook=_int_keys)
    except ValueError:  # not JSON, not UTF-8
        return None
    if not isinstance(tables, dict) or tables.get("stamp") != stamp(text) or not {"data", "memo"} <= tables.keys():
        return None
    return {"data": tables["data"], "memo": tables["memo"]}


def _int_keys(pairs: list[tuple[str, object]]) -> dict:
    """JSON keeps only text keys; Lark's serialized parser numbers its states, tokens and memo entries, and has
    no text key made of digits (tests/engine/test_syntax_tables.py checks the round trip)."""
    return {(int(k) if k.isdigit() else k): v for k, v in pairs}


def tables_json(built: Lark | None = None) -> str:
    """The text of ``grammar/lalr_tables.json`` for the current grammar, Lark version and options: Lark's own
    serialized form of the built parser (plain data, no code), as JSON; one line per top-level part."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    text = grammar_text()
    data, memo = (built or build_parser()).memo_serialize([TerminalDef, Rule])
    parts = {"stamp": stamp(text), "data": data, "memo": memo}
    return "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                               for k, v in parts.items()) + "\n}\n"


def _expected_words(expected: set[str], lang: str) -> str:
    grammar = parser()
    words = []
    table = _TERMINAL_WORDS_EN if lang == "en" else _TERMINAL_WORDS_ID
    by_name = {t.name: t for t in grammar.terminals}
    for name in sorted(expected):
        if name in table:
            words.append(table[name])
            continue
        term = by_name.get(name)
        if term is not None and term.pattern.type == "str":
            words.append(f'"{term.pattern.value}"')
        else:
            words.append(name.lower())
    words = sorted(set(words), key=lambda w: (not w.startswith('"'), w))
    sep = " atau " if lang == "id" else " or "
    return ", ".join(words[:-1]) + (sep if len(words) > 1 else "") + words[-1] if words else "?"


_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{3}){2,}(?![\w.])")


def syntax_diagnostic(path: str, text: str, err: UnexpectedInput) -> Diagnostic:
    lines = text.splitlines()
    line = getattr(err, "line", 1) or 1
    column = getattr(err, "column", 1) or 1
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else "?"
        return Diagnostic("E102", path, line, column, {"found": repr(ch)}, source_line=src)
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        expected = set(getattr(err, "expected", set()) or set())
        if isinstance(err, UnexpectedToken):
            expected = set(err.accepts or err.expected)
        line = len(lines) or 1
        src = lines[-1] if lines else ""
        return Diagnostic("E103", path, line, len(src) + 1, {"expected": _bi_expected(expected)}, source_line=src)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    # A decimal comma: `3,1` — the number before and digits right after the comma.
    if tok.type == "COMMA" and re.match(r"\d", text[tok.end_pos:tok.end_pos + 1] if tok.end_pos else ""):
        before = re.search(r"(\d+)$", text[:tok.start_pos])
        after = re.match(r"(\d+)", text[tok.end_pos:])
        if before and after:
            found = f"{before.group(1)},{after.group(1)}"
            return Diagnostic("E104", path, line, column - len(before.group(1)), {"found": found},
                              hint_key="decimal_point",
                              hint_fields={"suggestion": f"{before.group(1)}.{after.group(1)}"},
                              source_line=src, end_column=column + 1 + len(after.group(1)))
    # Thousands dots copied from a PK document: `5.000.000` (one dot is E108, asked; two or more can only be that).
    if str(tok) == ".":
        around = next((t for t in _THOUSANDS.finditer(src) if t.start() < column <= t.end()), None)
        if around:
            found = around.group(0)
            return Diagnostic("E109", path, line, around.start() + 1, {"found": found}, hint_key="decimal_point",
                              hint_fields={"suggestion": found.replace(".", "")}, source_line=src,
                              end_column=around.end() + 1)
    expected = set(err.accepts or err.expected)
    found = str(tok) if tok.type == "STRING" else f'"{tok}"'  # a quoted text is shown with its own quotes
    return Diagnostic("E101", path, line, column, {"expected": _bi_expected(expected), "found": found},
                      source_line=src, end_column=column + max(1, len(str(tok))))


def _bi_expected(expected: set[str]) -> dict[str, str]:
    return {"id": _expected_words(expected, "id"), "en": _expected_words(expected, "en")}


# Folded into a chain of binary operations (``a + b + c`` → two levels); with one child only a grammar level.
_CHAINS = {"arith", "comparison", "or_expr", "and_expr"}


def too_deep(tree: Tree, path: str, text: str) -> Diagnostic | None:
    """E105 at the declaration holding the first expression deeper than :data:`limits.MAX_EXPR_DEPTH` (nesting,
    plus the length of an operator chain: ``a + b + c`` is two levels), or whose parse tree is deeper than
    :data:`limits.MAX_TREE_DEPTH`; found without recursion, before anything walks the tree recursively."""
    stack: list[tuple[Tree, int, int, Tree]] = [(child, 0, 0, child) for child in tree.children
                                                if isinstance(child, Tree)]
    while stack:
        node, depth, levels, decl = stack.pop()
        n = len(node.children)
        if node.data in _CHAINS:  # one child: a pass-through level of the grammar, not a model node
            step = n // 2 if node.data in ("arith", "comparison") else n - 1
        else:
            step = 1
        below = depth + step
        if below > MAX_EXPR_DEPTH or levels > MAX_TREE_DEPTH:
            meta = decl.meta
            line = getattr(meta, "line", 1) or 1
            column = getattr(meta, "column", 1) or 1
            return Diagnostic("E105", path, line, column, {"limit": MAX_EXPR_DEPTH},
                              source_line=clip(line_of(text, line), 200))
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, below, levels + 1, decl))
    return None

