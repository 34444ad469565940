"""Printed figures (angka tercetak): the one reading rule for a figure as a report prints it (a ``dilaporkan``
entry of a data file), and when a printed figure agrees with a computed one (rounded as the rule set allows).
The data file reader and the findings both read printed figures here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .values import decimals_of, round_to

_LINES = re.compile(r"baris \[?([\d, –-]+)")
_PRINTED = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?")
NO_FIGURE = ("", "-", "nihil")


def printed_cell(value: Any) -> tuple[Decimal, bool] | None:
    """The one reading rule for a printed figure in a data file (``dilaporkan``): a YAML number as written
    (111.1 → 111.1), or text exactly as the report prints it, in Indonesian notation — ``"111,40"`` (keeps its two
    decimals), ``"1.234.567"``, ``"-0,39%"``, ``"85%"``; ``"-"``, ``"NIHIL"`` or empty is no figure (None).
    Returns (value, printed with a % sign). Any other text raises ValueError: it is reported, never guessed."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value, False
    if isinstance(value, float):
        return Decimal(repr(value)), False
    if isinstance(value, int):
        return Decimal(value), False
    text = str(value).strip()
    if text.casefold() in NO_FIGURE:
        return None
    percent = text.endswith("%")
    number = text.removesuffix("%").strip()
    if not _PRINTED.fullmatch(number):
        raise ValueError(value)
    return Decimal(number.replace(".", "").replace(",", ".")), percent


def printed_decimal(value: Any) -> Decimal | None:
    """A printed figure as the Decimal it was written as ("111,40" → Decimal('111.40'); a % sign is dropped)."""
    try:
        cell = printed_cell(value)
    except ValueError:
        return None  # the data file's shape check has reported it
    return cell[0] if cell else None


def agrees(printed: Decimal, candidates: list[Any], modes: tuple[str, ...]) -> bool:
    digits = decimals_of(printed)
    for c in candidates:
        if not isinstance(c, Decimal):
            continue
        for mode in modes:
            if round_to(c, digits, mode) == printed:
                return True
    return False


def printed_or_none(value: Any) -> tuple[Decimal, bool] | None:
    """:func:`printed_cell`, with text that is not a figure read as no figure (the data file check names it)."""
    try:
        return printed_cell(value)
    except ValueError:
        return None  # reported by the data file's shape check


def entries_of(value: Any) -> list[dict]:
    """The printed entries (``{nilai, sumber, …}``) of one ``dilaporkan`` field: a list of them, or one."""
    if isinstance(value, list):
        return [e for e in value if isinstance(e, dict)]
    if isinstance(value, dict) and "nilai" in value:
        return [value]
    return []


def report_lines(source: str) -> frozenset[str]:
    """The report line numbers a printed figure's source names: "Tabel 11, baris 1126" → {1126};
    "tabel/teks, baris [1126, 1145]" → both; "baris 1083–1085" → its two ends. Empty when it names none."""
    return frozenset(n for g in _LINES.findall(source or "") for n in re.findall(r"\d+", g))
