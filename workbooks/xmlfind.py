r"""Locating elements in the raw text of an XML part, for :mod:`.xmltext`'s splicing: the text *masked* (comments,
CDATA sections and processing instructions blanked out, same length, so that every ``<`` left starts a real tag),
the first element of a name (nesting of the same name handled), successive children, and the children of a kind
that never holds its own kind (rows, cells).

A tag of a name is found with ``str.find`` of ``<name`` and ``</name`` (then the character after it checked),
which skips over the text in C instead of stopping at every ``<``: the same positions the pattern
``<(/?)name(?=[\s/>])`` finds (``_next_tag``; tests/workbooks/test_xmlfind.py compares them on generated text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_START_TAG = r"""<{q}(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>"""


@dataclass(frozen=True)
class Element:
    """Where one element sits in a text: ``text[start:tag_end]`` is its start tag, ``text[start:end]`` all of it."""

    start: int
    tag_end: int
    end: int
    close_len: int  # length of the end tag ("" when self-closing)

    @property
    def self_closing(self) -> bool:
        return self.close_len == 0

    @property
    def inner(self) -> tuple[int, int]:
        return self.tag_end, self.end - self.close_len


_SPECIAL = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)
_mask_cache: dict[str, str] = {}
_last_masked: list = [(None, None)]  # (text, masked text) of the last part answered from the cache, read at once


def masked(text: str) -> str:
    """``text`` with every comment, CDATA section and processing instruction replaced by spaces of the same
    length. In a well-formed part ``<`` cannot occur in attribute values or character data, so in the result
    every ``<`` starts a real tag or end tag."""
    last = _last_masked[0]  # one pair, read once: another thread may remember another part meanwhile
    if text is last[0]:  # the part being walked, asked once per row: not even compared
        return last[1]
    small = len(text) < 4096  # one cell's XML: masked directly, so it never evicts a whole part from the cache
    hit = None if small else _mask_cache.get(text)  # a str caches its hash; an equal copy is compared once
    if hit is not None:
        _last_masked[0] = (text, hit)
        return hit
    only = _only_declaration(text)
    if only is not None and only[0] < 0:  # nothing to mask
        if not small:
            _remember(text, text)
        return text
    parts, pos = [], 0
    for m in [only] if only is not None else _SPECIAL.finditer(text):
        parts.append(text[pos:m.start()])
        parts.append(" " * (m.end() - m.start()))
        pos = m.end()
    parts.append(text[pos:])
    out = "".join(parts)
    if not small:
        _remember(text, out)
    return out


class _Span(tuple):
    def start(self) -> int:
        return self[0]

    def end(self) -> int:
        return self[1]


def _only_declaration(text: str) -> _Span | None:
    """What :data:`_SPECIAL` finds in a text with no ``<!`` and no ``<?`` but its first (the XML declaration, as
    every part has), told by single-character searches (C ``memchr``; a two-character one stops at every ``<``):
    ``(-1, -1)`` when there is nothing to mask, the span of that one processing instruction, or None (ask the
    pattern: a ``<!`` or a second ``<?`` may be there, or too many ``!``/``?`` to look at one by one)."""
    if not _none_after_lt(text, "!", 0):
        return None
    q = text.find("?")
    if q < 0:
        return _Span((-1, -1))
    if q == 0 or text[q - 1] != "<":
        return _Span((-1, -1)) if _none_after_lt(text, "?", q) else None
    e = text.find("?>", q + 1)
    if e < 0:
        return None
    return _Span((q - 1, e + 2)) if _none_after_lt(text, "?", e + 2) else None


def _none_after_lt(text: str, ch: str, pos: int) -> bool:
    """No ``ch`` from ``pos`` on comes right after a ``<`` (False, too, when there are many to look at)."""
    for _ in range(16):
        i = text.find(ch, pos)
        if i < 0:
            return True
        if i > 0 and text[i - 1] == "<":
            return False
        pos = i + 1
    return False


def _remember(text: str, out: str) -> None:
    if len(_mask_cache) > 8:
        _mask_cache.clear()
    _mask_cache[text] = out
    _last_masked[0] = (text, out)


_pattern_cache: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _patterns(qname: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    if qname not in _pattern_cache:
        q = re.escape(qname)
        _pattern_cache[qname] = (
            re.compile(_START_TAG.format(q=q)),
            re.compile(rf"<(/?){q}(?=[\s/>])"),
        )
    return _pattern_cache[qname]


def _next_tag(text: str, qname: str, pos: int, end: int) -> tuple[int, bool, int] | None:
    """(start, is an end tag, end of ``<name`` or ``</name``) of the first tag of ``qname`` in ``text[pos:end]`` —
    what ``re.compile(rf"<(/?){re.escape(qname)}(?=[\\s/>])").search(text, pos, end)`` finds (the character after
    the name inside ``end``, and whitespace as ``\\s`` means it: ``str.isspace``)."""
    k = len(qname) + 1
    a = text.find("<" + qname, pos, end)
    while a >= 0 and not (a + k < end and (text[a + k] in "/>" or text[a + k].isspace())):
        a = text.find("<" + qname, a + 1, end)
    b = text.find("</" + qname, pos, end if a < 0 else a)
    while b >= 0 and not (b + k + 1 < end and (text[b + k + 1] in "/>" or text[b + k + 1].isspace())):
        b = text.find("</" + qname, b + 1, end if a < 0 else a)
    if b >= 0:
        return b, True, b + k + 1
    return (a, False, a + k) if a >= 0 else None


def find(text: str, qname: str, start: int = 0, end: int | None = None) -> Element | None:
    """First ``<qname …>`` element starting in ``text[start:end]`` (nesting of the same name handled)."""
    start_re = _patterns(qname)[0]
    text = masked(text)
    end = len(text) if end is None else end
    m = _next_tag(text, qname, start, end)
    while m and m[1]:  # a stray end tag: skip
        m = _next_tag(text, qname, m[2], end)
    if not m:
        return None
    tag = start_re.match(text, m[0])
    if not tag:
        raise ValueError(f"start tag <{qname}> tidak terbaca pada posisi {m[0]}")
    if tag.group(1):
        return Element(m[0], tag.end(), tag.end(), 0)
    depth, pos, size = 1, tag.end(), len(text)
    while True:
        n = _next_tag(text, qname, pos, size)
        if not n:
            raise ValueError(f"<{qname}> tanpa tag penutup")
        if n[1]:
            depth -= 1
            gt = text.index(">", n[2])
            if depth == 0:
                return Element(m[0], tag.end(), gt + 1, gt + 1 - n[0])
            pos = gt + 1
        else:
            inner_tag = start_re.match(text, n[0])
            if inner_tag and not inner_tag.group(1):
                depth += 1
            pos = inner_tag.end() if inner_tag else n[2]


def children(text: str, qname: str, start: int, end: int) -> Iterator[Element]:
    """Successive ``qname`` elements in ``text[start:end]``, not descending into the ones found."""
    pos = start
    while True:
        el = find(text, qname, pos, end)
        if el is None or el.start >= end:
            return
        yield el
        pos = el.end


def _flat_children(xml: str, qname: str, lo: int, hi: int) -> Iterator[Element]:
    """``children(xml, qname, lo, hi)`` for elements that do not hold their own kind (a ``<row>`` holds no
    ``<row>``, a ``<c>`` no ``<c>``), with :func:`find`'s first step inlined: the end of each is the next
    ``qname`` tag when that is an end tag; a nested one goes the general way."""
    start_re = _patterns(qname)[0]
    text = masked(xml)
    pos, size = lo, len(text)
    while True:
        m = _next_tag(text, qname, pos, hi)
        while m and m[1]:  # a stray end tag: skip
            m = _next_tag(text, qname, m[2], hi)
        if not m:
            return
        tag = start_re.match(text, m[0])
        if not tag:
            raise ValueError(f"start tag <{qname}> tidak terbaca pada posisi {m[0]}")
        if tag.group(1):
            el = Element(m[0], tag.end(), tag.end(), 0)
        else:
            n = _next_tag(text, qname, tag.end(), size)
            if n and n[1]:
                gt = text.index(">", n[2])
                el = Element(m[0], tag.end(), gt + 1, gt + 1 - n[0])
            else:
                el = find(xml, qname, m[0], hi)
        yield el
        pos = el.end
