"""Text in XML and in Excel's cells: the XML escapes of character data and attribute values, and the
``_xHHHH_`` escapes Excel writes for characters XML cannot hold. Re-exported by :mod:`.xmltext`.
"""

from __future__ import annotations

import re

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]")  # \r: parsers turn it into \n
_XML_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4})_")


def escape(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return text


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[a-z]+);")


def unescape(text: str) -> str:
    if "&" not in text:
        return text

    def ent(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("#x"):
            return chr(int(e[2:], 16))
        if e.startswith("#"):
            return chr(int(e[1:]))
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}.get(e, m.group(0))

    return _ENTITY.sub(ent, text)


def excel_escape(text: str) -> str:
    """Encode characters XML cannot hold the way Excel does (``_x0001_``); protect literal ``_xHHHH_``."""
    if "_x" not in text and _XML_BAD.search(text) is None:
        return text  # nearly every text: one scan, no copy
    text = _XML_ESCAPED.sub(r"_x005F_\1_", text)
    return _XML_BAD.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def excel_unescape(text: str) -> str:
    """Inverse of :func:`excel_escape` (what Excel does when it reads a string)."""
    return _XML_ESCAPED.sub(lambda m: chr(int(m.group(1)[1:], 16)), text)
