"""The declared size and depth limits of rule files and data files, and bounded reading of files.

Rule folders are trusted like code, workbooks and data files are not (README, "Trust model"); either way a
file kinerja reads must not make it hang, exhaust memory or fail with an internal error. Each limit below is
far above anything a real PK rule set or LKjIP data file needs (the bundled PK 2024 set: 14 files, 60 KB,
expressions at most 8 levels deep) and is reported as a coded diagnostic naming the file and place when
exceeded.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

#: One rule file: 1 MB (the whole bundled PK 2024 set is 60 KB).
MAX_RULE_FILE_BYTES = 1_000_000
#: Tokens (names, numbers, strings, operators) of one rule file and of a whole rule set. The bundled PK 2024 set
#: has 3,500; parsing runs at about 25,000 tokens a second, so these keep any rule set within a few seconds.
MAX_RULE_FILE_TOKENS = 50_000
MAX_RULE_SET_TOKENS = 100_000
#: Files making up one rule set, its includes and parents together.
MAX_RULE_FILES = 500
#: Nested ``sertakan`` (include) levels, and nested ``perluas`` (extends) levels.
MAX_INCLUDE_DEPTH = 32
MAX_EXTENDS_DEPTH = 16
#: Depth of one expression: nesting of brackets/``jika``/``tidak``/minus, plus the length of a chain of binary
#: operators (``a + b + … `` with 400 terms is 399 levels). Hundreds of terms and deep nesting are fine.
MAX_EXPR_DEPTH = 600
#: Nodes of one expression's parse tree (the grammar has up to five levels per bracket); bounds the recursion
#: of the parse-tree transformer independently of the expression depth above.
MAX_TREE_DEPTH = 4_000
#: One data file (YAML/CSV): 64 MB (a 100,000-row table is about 5 MB of YAML).
MAX_DATA_FILE_BYTES = 64_000_000
#: Nesting of YAML collections in a data file (the real layout needs 4: tabel → table → row → value).
MAX_YAML_DEPTH = 64
#: Nodes of a data file after aliases are expanded (``*anchor``): a document may not grow by aliasing
#: beyond this (a "billion laughs" of 1 KB expands to 10^9 nodes).
MAX_YAML_NODES = 2_000_000
#: Characters of a quoted value in a message.
MAX_QUOTED = 80

#: Python frames available while the engine walks rule expressions: MAX_EXPR_DEPTH levels take a few frames
#: each in the parser's transformer, the checker, the evaluator and the views.
RECURSION_HEADROOM = 20_000


class FileRefused(Exception):
    """A file that is not read: ``reason`` says why in Indonesian and ``reason_en`` in English."""

    def __init__(self, reason: str, reason_en: str):
        super().__init__(reason)
        self.reason = reason
        self.reason_en = reason_en


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; :class:`FileRefused` otherwise.

    A FIFO, a device (``/dev/zero``), a socket or a folder is never opened for reading (opening a FIFO would
    block forever), and a file that grows while it is read is cut at ``limit + 1`` bytes and refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        raise FileRefused("sebuah folder, bukan berkas", "a folder, not a file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused("bukan berkas biasa", "not a regular file")
        if st.st_size > limit:
            raise FileRefused(f"lebih dari {_size(limit)}", f"larger than {_size(limit)}")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"lebih dari {_size(limit)}", f"larger than {_size(limit)}")
    return data


_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[A-Za-z_0-9.]+|\S')


def count_tokens(text: str) -> int:
    """An upper bound on the tokens of a rule text (comments counted once each), cheap enough to run before
    parsing."""
    return sum(1 for _ in _TOKEN.finditer(text))


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} KB"


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (a quoted value in a message stays short)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = MAX_QUOTED) -> str:
    """A short, bounded rendering of a value from a data file for a message: never ``repr`` of a whole tree."""
    if isinstance(value, str):
        return clip(repr(value[: limit + 2]), limit)
    if isinstance(value, (dict, list, tuple, set)):
        what = "pemetaan" if isinstance(value, dict) else "daftar"
        return f"({what} berisi {len(value)} unsur)"
    if isinstance(value, (int, float, bool)) or value is None:
        text = repr(value) if not isinstance(value, int) or abs(value) < 10 ** 60 else "(bilangan sangat besar)"
        return clip(text, limit)
    return clip(f"({type(value).__name__})", limit)


def ensure_recursion_headroom(frames: int = RECURSION_HEADROOM) -> None:
    """Allow at least ``frames`` Python frames: expressions up to :data:`MAX_EXPR_DEPTH` levels are walked
    recursively by the parser's transformer, the checker, the evaluator and the views. The limit is only ever
    raised, never lowered again, so that threads running the engine side by side cannot undercut each other;
    the depth limit, not the interpreter's, is what bounds the recursion."""
    if sys.getrecursionlimit() < frames:
        sys.setrecursionlimit(frames)
