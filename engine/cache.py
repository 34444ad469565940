"""Parse once, check once: rule files cached by content, checked rule sets by the files that make them up.

Parsing is nearly all of the cost of loading a rule set (the Lark grammar is compiled once, in ``parser``);
a server, a batch run or a second ``load_rules`` of unchanged files gets the parsed file from here. The key is
the path as shown in messages and the SHA-256 of the text, so an edited file is parsed again. Callers get
their own copy of the file's lists (the declarations in them are frozen and shared). A checked rule set is
kept by its version (the hash over all its files), its name and the places of its files: the same files at the
same places give the same ``CheckedRules`` (read-only by convention; its core form is lowered once). In front
of both, a ``check_rules`` of the same reference is answered from :func:`loaded` when every question its load
asked the file system (paths, folder listings, each file's stat signature) still gets the same answer.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import fields
from functools import wraps
from pathlib import Path
from threading import Lock

from .ruletext import shown_name

MAX_FILES = 512  # parsed files kept (least recently used dropped first)

_cache: OrderedDict = OrderedDict()
_lock = Lock()
stats = {"hits": 0, "misses": 0}


def _copy(rf):
    cls = type(rf)
    return cls(**{f.name: (list(v) if isinstance(v := getattr(rf, f.name), list) else v) for f in fields(rf)})


def cached_by_content(parse):
    """Decorate ``parse_text(text, path) -> (RuleFile, diagnostics)`` with the content cache."""

    @wraps(parse)
    def wrapper(text: str, path: str = "<teks>"):
        key = (path, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                stats["hits"] += 1
        if hit is not None:
            return _copy(hit[0]), list(hit[1])
        rf, diags = parse(text, path)
        with _lock:
            stats["misses"] += 1
            _cache[key] = (_copy(rf), tuple(diags))
            while len(_cache) > MAX_FILES:
                _cache.popitem(last=False)
        return rf, diags

    wrapper.cache_clear = lambda: _cache.clear()  # type: ignore[attr-defined]
    return wrapper


_checked: OrderedDict = OrderedDict()
MAX_RULE_SETS = 32


def checked_once(check, rs):
    """``check(rs)``, or the result of checking the same files at the same places before."""
    # the names messages and the Audit give the files are relative to the working folder (ruletext.shown_name)
    key = (rs.version, rs.name, tuple(sorted(rs.files)), tuple(shown_name(Path(f)) for f in sorted(rs.files)))
    with _lock:
        hit = _checked.get(key)
        if hit is not None:
            _checked.move_to_end(key)
            stats["checked_hits"] = stats.get("checked_hits", 0) + 1
            checked, own = hit
            checked.diagnostics = list(own)  # load_rules adds the load diagnostics to it each time
            return checked
    checked = check(rs)
    with _lock:
        _checked[key] = (checked, tuple(checked.diagnostics))
        while len(_checked) > MAX_RULE_SETS:
            _checked.popitem(last=False)
    return checked


_loaded: OrderedDict = OrderedDict()


def load_key(ref, confine_to) -> tuple | None:
    """The key of a ``check_rules`` call: the reference as given, the folder it is confined to and the working
    folder (relative references and the names messages give rule files depend on it); None without one."""
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    return str(ref), None if confine_to is None else str(confine_to), cwd


def loaded(key, still_same):
    """``(checked, diagnostics)`` of an earlier successful ``check_rules`` with ``key`` when ``still_same(probes)``
    says the file system still gives every answer that load got (see ``fsprobe.recording``); None otherwise.
    A hit costs a stat per file and folder instead of reading, hashing and merging every file again."""
    if key is None:
        return None
    with _lock:
        hit = _loaded.get(key)
    if hit is None:
        return None
    probes, checked, own, diags = hit
    if not still_same(probes):
        with _lock:
            if _loaded.get(key) is hit:
                del _loaded[key]
        return None
    with _lock:
        if key in _loaded:
            _loaded.move_to_end(key)
        stats["loaded_hits"] = stats.get("loaded_hits", 0) + 1
        stats["checked_hits"] = stats.get("checked_hits", 0) + 1  # a hit of the checked rules, as checked_once
        checked.diagnostics = list(own)  # load_rules adds the load diagnostics to it each time
    return checked, list(diags)


def remember_loaded(key, probes, checked, diags) -> None:
    if key is None or not probes.usable:
        return
    with _lock:
        _loaded[key] = (probes, checked, tuple(checked.diagnostics), tuple(diags))
        while len(_loaded) > MAX_RULE_SETS:
            _loaded.popitem(last=False)


def clear() -> None:
    with _lock:
        _cache.clear()
        _checked.clear()
        _loaded.clear()
