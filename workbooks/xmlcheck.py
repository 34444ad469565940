"""What kinerja asks expat before and after splicing a part (see :mod:`.xmltext`): which prefix a part writes a
namespace with — refusing (:class:`UnsafeXml`) a part whose prefixes the splicer could not follow or that carries
a DOCTYPE — and whether an edited part is one well-formed document. Both answers are remembered for the very same
text (a batch's workbooks made from one template share their workbook, styles and relationship parts).
"""

from __future__ import annotations

import re
import xml.parsers.expat

from .bounded import PART_KEPT_MAX, evict_oldest, refresh


class UnsafeXml(ValueError):
    """A part kinerja must not edit by splicing (the adapter turns it into a coded message)."""

    def __init__(self, reason: str, reason_en: str):
        super().__init__(reason)
        self.reason, self.reason_en = reason, reason_en


_WELL_FORMED: dict[bytes, None] = {}  # the last few parts found well-formed (the same bytes are again)


def check_well_formed(data: bytes) -> None:
    """Raise :class:`UnsafeXml` unless ``data`` is one well-formed XML document (expat). Bytes found well-formed
    a moment ago (a sheet that is the same in every workbook of a batch) are not parsed again: the answer depends
    on the bytes alone, and only equal bytes find it."""
    if data in _WELL_FORMED:
        refresh(_WELL_FORMED, data)  # kept longest: the least recently used go first
        return
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeXml(f"hasil penyuntingan bukan XML yang sah ({exc})",
                        f"the edited part is not well-formed XML ({exc})") from None
    if 4096 <= len(data) <= PART_KEPT_MAX:  # small parts parse faster than they hash
        if len(_WELL_FORMED) >= 16:
            evict_oldest(_WELL_FORMED)
        _WELL_FORMED[bytes(data)] = None


_PREFIXES: dict[tuple[str, str], str] = {}  # (text, uri) → prefix, for the last few parts asked about


def uniform_prefix(text: str, uri: str) -> str:
    """:func:`_uniform_prefix`, remembered for the very same text (a batch's workbooks made from one template
    share their workbook, styles and relationship parts); a refused text is never remembered."""
    key = (text, uri)
    hit = _PREFIXES.get(key)
    if hit is not None:
        refresh(_PREFIXES, key)  # most recently used last
        return hit
    prefix = _uniform_prefix(text, uri)
    if 4096 <= len(text) <= PART_KEPT_MAX:  # small parts parse faster than they hash
        if len(_PREFIXES) >= 16:
            evict_oldest(_PREFIXES)
        _PREFIXES[key] = prefix
    return prefix


def _declared_prefix(text: str, uri: str) -> str | None:
    """:func:`_uniform_prefix` from the namespace declarations alone, when they settle it: ``uri`` bound to one
    prefix only (or only as the default namespace), that prefix never bound to another namespace, the root element
    in ``uri``, no DOCTYPE — then every element written with the prefix is in ``uri`` and every element of ``uri``
    is written with it. None (ask element by element) for anything else, including text expat refuses."""
    sep = "\x01"
    parser = xml.parsers.expat.ParserCreate(namespace_separator=sep)
    decls: list[tuple[str, str]] = []
    root: list[str] = []
    doctype: list[bool] = []

    def first(name: str, _attrs) -> None:
        root.append(name)
        parser.StartElementHandler = None  # only the root element is looked at

    parser.StartNamespaceDeclHandler = lambda prefix, ns: decls.append((prefix or "", ns or ""))
    parser.StartElementHandler = first
    parser.StartDoctypeDeclHandler = lambda *a: doctype.append(True)
    try:
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError:
        return None
    ours = {p for p, ns in decls if ns == uri}
    if doctype or len(ours) != 1 or not root or not root[0].startswith(uri + sep):
        return None
    prefix = next(iter(ours))
    if any(p == prefix and ns != uri for p, ns in decls):
        return None
    return prefix + ":" if prefix else ""


def _uniform_prefix(text: str, uri: str) -> str:
    """The prefix (``"x:"`` or ``""``) with which every element of namespace ``uri`` is written in ``text``.

    Parsed with expat, so prefixes declared anywhere, default-namespace redeclarations, comments, CDATA and
    processing instructions are all understood. Raises :class:`UnsafeXml` when the text-splicing writer could
    not follow the part: elements of ``uri`` written with more than one prefix, an element of another namespace
    written with the same name as one of ``uri``, a DOCTYPE, or text that is not well-formed."""
    quick = _declared_prefix(text, uri)
    if quick is not None:
        return quick
    sep = "\x01"
    parser = xml.parsers.expat.ParserCreate(namespace_separator=sep)
    parser.namespace_prefixes = True
    written: dict[str, set[str]] = {}  # written qname → namespaces it stands for
    ours: set[str] = set()  # prefixes used for uri
    doctype: list[bool] = []

    names: set[str] = set()

    def start(name: str, _attrs) -> None:
        if name in names:  # the same written name in the same namespace: nothing new to learn
            return
        names.add(name)
        bits = name.split(sep)
        ns, local, prefix = (bits + ["", ""])[:3] if len(bits) > 1 else ("", bits[0], "")
        qname = f"{prefix}:{local}" if prefix else local
        written.setdefault(qname, set()).add(ns)
        if ns == uri:
            ours.add(prefix + ":" if prefix else "")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = lambda *a: doctype.append(True)
    try:
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeXml(f"bagian ini bukan XML yang sah ({exc})", f"the part is not well-formed XML ({exc})") from None
    if doctype:
        raise UnsafeXml("bagian ini memuat DOCTYPE (Excel tidak pernah menulisnya)",
                        "the part carries a DOCTYPE (Excel never writes one)")
    if len(ours) > 1:
        shown = ", ".join(sorted(repr(p[:-1]) if p else "(default)" for p in ours))
        raise UnsafeXml(f"namespace yang sama ditulis dengan beberapa prefiks ({shown})",
                        f"the same namespace is written with several prefixes ({shown})")
    for qname, spaces in written.items():
        if uri in spaces and len(spaces) > 1:
            raise UnsafeXml(f"nama elemen <{qname}> dipakai untuk dua namespace",
                            f"the element name <{qname}> stands for two namespaces")
    if ours:
        return next(iter(ours))
    return root_prefix(text)


def root_prefix(text: str) -> str:
    """``"x:"`` when the root element is written ``<x:worksheet …>``, else ``""``."""
    m = re.search(r"<([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*[\s/>]", _skip_prolog(text))
    return m.group(1) or "" if m else ""


def _skip_prolog(text: str) -> str:
    pos = 0
    while True:
        m = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S).match(text, pos)
        if not m:
            return text[pos:]
        pos = m.end()
