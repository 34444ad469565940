"""What loading a rule set asks the file system, recorded so that a later load can tell cheaply whether anything
changed (the rules cache, :mod:`kinerja.engine.cache`).

A rule set is a deterministic function of the answers the file system gave while loading it: which paths exist
and where they really are, which .kin files a folder holds, which names are bundled sets, and the bytes of every
file read. The loader asks every such question through this module; while a load is recorded (:func:`recording`)
each question and its answer is noted, and :func:`same_answers` asks them all again. A file is compared by its
stat signature (device, inode, size, mtime and ctime in ns); one modified less than :data:`RACY_NS` before it was
read could change again within the same timestamp tick, so its bytes are hashed and compared as well (git's
"racy" rule).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .limits import MAX_RULE_FILE_BYTES, FileRefused, read_regular
from .ruletext import bundled_dir

RULE_SUFFIX = ".kin"

RACY_NS = 3 * 10**9
_recorder = threading.local()


class Probes:
    def __init__(self) -> None:
        self.answers: dict[tuple[str, object], object] = {}
        self.usable = True  # False when the same question got two answers during the load (a file changing)

    def note(self, kind: str, arg: object, answer: object) -> None:
        key = (kind, arg)
        old = self.answers.setdefault(key, answer)
        if old != answer:
            self.usable = False


def note(kind: str, arg: object, answer):
    probes = getattr(_recorder, "probes", None)
    if probes is not None:
        probes.note(kind, arg, answer)
    return answer


@contextmanager
def recording():
    """Note every file system question the loads inside ask; yields the :class:`Probes`."""
    before = getattr(_recorder, "probes", None)
    _recorder.probes = probes = Probes()
    try:
        yield probes
    finally:
        _recorder.probes = before


def _stat(path: Path) -> tuple[tuple[int, ...], bool] | None:
    """(device, inode, size, mtime ns, ctime ns) of ``path`` and whether it changed too recently to be trusted."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    racy = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), racy


def _same_file(path: Path, answer) -> bool:
    sig, digest = answer
    now = _stat(path)
    if now is None or now[0] != sig:
        return False
    if digest is None:
        return True
    try:
        return hashlib.sha256(read_regular(path, MAX_RULE_FILE_BYTES)).digest() == digest
    except (FileRefused, OSError):
        return False


def same_answers(probes: Probes) -> bool:
    """Does the file system still give every answer it gave while ``probes`` were recorded?"""
    ask = {"exists": _exists_now, "real": _real_now, "isdir": _is_dir_now, "list": _rule_files_now,
           "bundled": _is_bundled_now}
    for (kind, arg), answer in probes.answers.items():
        if kind == "file":
            if not _same_file(arg, answer):
                return False
        elif ask[kind](arg) != answer:
            return False
    return True


def bundled_names() -> list[str]:
    base = bundled_dir()
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob(f"*{RULE_SUFFIX}")))


_BUNDLED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def is_bundled_name(ref: str) -> bool:
    """Is ``ref`` the plain name of a bundled rule set (no path: ``pk2024-sumsel``)?"""
    return note("bundled", ref, _is_bundled_now(ref))


def _is_bundled_now(ref: str) -> bool:
    """``ref in bundled_names()``, asked of the one entry: the folder lists the name (the same listing
    ``iterdir`` walks) and that entry is a folder holding a rule file — what :func:`bundled_names` asks of every
    entry, which globbed every bundled set's folder (≈ 75 µs, asked a few times for every workbook of a batch)."""
    if not (_BUNDLED_NAME.match(ref) and ".." not in ref):
        return False
    base = bundled_dir()
    if ref not in os.listdir(base):
        return False
    entry = base / ref
    return entry.is_dir() and _holds_rule_file(entry)


# the names ``Path.glob("*.kin")`` matches, as it matches them (case-insensitively where paths are)
_RULE_NAME = re.compile(fnmatch.translate(f"*{RULE_SUFFIX}"), 0 if os.path.normcase("A") == "A" else re.IGNORECASE)


def _holds_rule_file(folder: Path) -> bool:
    """``any(folder.glob("*.kin"))`` for a folder: its entries of any kind, a folder that cannot be listed has
    none — pathlib's own walk, without building its selectors and paths."""
    try:
        with os.scandir(folder) as entries:
            return any(_RULE_NAME.fullmatch(e.name) for e in entries)
    except PermissionError:
        return False


def exists(p: Path) -> bool:
    return note("exists", p, _exists_now(p))


def _exists_now(p: Path) -> bool:
    try:
        return p.exists()
    except (OSError, ValueError):  # a name too long, a NUL byte, no permission: not a usable rule set
        return False


def real(p: Path) -> Path:
    return note("real", p, _real_now(p))


def _real_now(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError, ValueError):  # symlink loop, NUL byte
        return Path(p).absolute()


def is_dir(p: Path) -> bool:
    return note("isdir", p, _is_dir_now(p))


def _is_dir_now(p: Path) -> bool:
    try:
        return p.is_dir()
    except (OSError, ValueError):
        return False


def inside(p: Path, root: Path) -> bool:
    return p == root or root in p.parents


def rule_files(path: Path) -> list[Path]:
    return list(note("list", path, _rule_files_now(path)))


def _rule_files_now(path: Path) -> tuple[Path, ...]:
    if _is_dir_now(path):
        try:
            return tuple(sorted(path.glob(f"*{RULE_SUFFIX}")))
        except OSError:
            return ()
    return (path,)


def read_rule_file(path: Path) -> bytes:
    """The bytes of a rule file (a regular file up to :data:`limits.MAX_RULE_FILE_BYTES`), noted while recording:
    its stat signature taken first (a change after it changes the signature the next load sees), its hash too when
    it changed too recently to trust the signature alone."""
    before = _stat(path) if getattr(_recorder, "probes", None) is not None else None
    data = read_regular(path, MAX_RULE_FILE_BYTES)
    if before is not None:
        note("file", path, (before[0], hashlib.sha256(data).digest() if before[1] else None))
    return data
