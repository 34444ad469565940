"""The grammar and its errors: the Lark parser (built once per process) and the diagnostics for rule text that
does not parse — a syntax error with the words a planner would expect (E101–E104), an expression nested too deep
(E105). Building the model from a parse tree is :mod:`kinerja.engine.parser`'s job.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

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


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The LALR parser of ``grammar/kinerja.lark`` (contextual lexer, positions propagated), built once;
    two start symbols: a rule file (``start``) and one expression (``expr``)."""
    grammar = resources.files("kinerja.grammar").joinpath("kinerja.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True,
                start=["start", "expr"])  # "expr": a placeholder `{…}` inside a check's message


def _expected_words(expected: set[str], lang: str) -> str:
    lark = parser()
    words = []
    table = _TERMINAL_WORDS_EN if lang == "en" else _TERMINAL_WORDS_ID
    by_name = {t.name: t for t in lark.terminals}
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
    expected = set(err.accepts or err.expected)
    found = f'"{tok}"'
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
