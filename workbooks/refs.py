"""A1 addresses and the references stored in defined names (``Input!$C$5``, ``'Data Satker'!$B$2:$D$9``).

Pure string functions, so the reader, the writer and the tests agree on one spelling of a location:
``Sheet!C5`` (no ``$``, sheet quoted only when Excel would quote it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

MAX_ROW = 1_048_576
MAX_COL = 16_384

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_COL = re.compile(r"\$?([A-Za-z]{1,3})")
_ROW = re.compile(r"\$?([0-9]{1,7})")
# A sheet name needs quotes unless it is a plain identifier that cannot be read as a cell or an R1C1 address.
_PLAIN_SHEET = re.compile(r"[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*")


@lru_cache(maxsize=4096)
def col_index(letters: str) -> int:
    """``"C"`` → 3."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


@lru_cache(maxsize=4096)
def col_letters(index: int) -> str:
    """3 → ``"C"``."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_name(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


@lru_cache(maxsize=65536)  # pure; a sheet repeats the same addresses (reading, then splicing)
def parse_cell(text: str) -> tuple[int, int]:
    """``"$C$5"`` or ``"C5"`` → (5, 3). Raises ValueError for anything else."""
    m = _CELL.fullmatch(text.strip())
    if not m:
        raise ValueError(f"bukan alamat sel: {text!r}")
    row, col = int(m.group(2)), col_index(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(f"alamat sel di luar lembar: {text!r}")
    return row, col


@lru_cache(maxsize=1024)
def quote_sheet(name: str) -> str:
    """Quote a sheet name the way Excel does in formulas: ``Data Satker`` → ``'Data Satker'``."""
    r1c1 = re.fullmatch(r"(?:[Rr]\d*)?(?:[Cc]\d*)?", name)
    if _PLAIN_SHEET.fullmatch(name) and not _CELL.fullmatch(name) and not r1c1:
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class Ref:
    """A rectangle on one sheet, 1-based and inclusive."""

    sheet: str
    row1: int
    col1: int
    row2: int
    col2: int

    @property
    def is_single(self) -> bool:
        return self.row1 == self.row2 and self.col1 == self.col2

    # a1 and location: made once per Ref (it is frozen; the field comparison, hash and repr are the fields'), and a
    # parsed defined name is one Ref for every workbook of a template (parse_ref is remembered): ≈ 0.8 µs each,
    # asked for every defined name, input and output cell of each workbook
    @cached_property
    def a1(self) -> str:
        first = cell_name(self.row1, self.col1)
        return first if self.is_single else f"{first}:{cell_name(self.row2, self.col2)}"

    @cached_property
    def location(self) -> str:
        """``Input!C5`` / ``'Data Satker'!B2:D9`` — the form used in messages and ``Inputs.sources``."""
        return f"{quote_sheet(self.sheet)}!{self.a1}"

    def formula(self) -> str:
        """Absolute form for a ``<definedName>``: ``Hasil!$B$2``."""
        a = f"${col_letters(self.col1)}${self.row1}"
        if not self.is_single:
            a += f":${col_letters(self.col2)}${self.row2}"
        return f"{quote_sheet(self.sheet)}!{a}"

    def contains(self, row: int, col: int) -> bool:
        return self.row1 <= row <= self.row2 and self.col1 <= col <= self.col2


class RefProblem(ValueError):
    """Why a defined name's text is not a plain reference. ``kind``: ``deleted`` (#REF!) or ``other``."""

    def __init__(self, kind: str, text: str, reason: str, reason_en: str):
        super().__init__(reason_en)
        self.kind = kind
        self.text = text
        self.reason = reason
        self.reason_en = reason_en


def parse_area(text: str) -> tuple[int, int, int, int]:
    """``$B$2:$D$9`` / ``C5`` / ``$C:$E`` / ``$5:$7`` → (row1, col1, row2, col2), normalised."""
    parts = text.split(":")
    if len(parts) == 1:
        r, c = parse_cell(parts[0])
        return r, c, r, c
    if len(parts) != 2:
        raise ValueError(text)
    a, b = parts
    if _CELL.fullmatch(a) and _CELL.fullmatch(b):
        (r1, c1), (r2, c2) = parse_cell(a), parse_cell(b)
    elif _COL.fullmatch(a) and _COL.fullmatch(b):
        r1, r2, c1, c2 = 1, MAX_ROW, col_index(a.strip("$")), col_index(b.strip("$"))
    elif _ROW.fullmatch(a) and _ROW.fullmatch(b):
        r1, r2, c1, c2 = int(a.strip("$")), int(b.strip("$")), 1, MAX_COL
    else:
        raise ValueError(text)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def split_sheet(text: str) -> tuple[str | None, str]:
    """``'O''Brien'!A1`` → (``O'Brien``, ``A1``); ``A1`` → (None, ``A1``)."""
    if text.startswith("'"):
        i = 1
        name = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(ch)
            i += 1
        rest = text[i + 1 :]
        if not rest.startswith("!"):
            raise ValueError(text)
        return "".join(name), rest[1:]
    if "!" in text:
        sheet, _, area = text.rpartition("!")
        return sheet, area
    return None, text


@lru_cache(maxsize=65536)  # pure, and a Ref is frozen: the Audit and the writer resolve the same sources again
def parse_ref(text: str) -> Ref:
    """Parse the text of a ``<definedName>`` (or a ``Sheet!A1`` key). Raises :class:`RefProblem`."""
    t = text.strip()
    if t.startswith("="):
        t = t[1:].strip()
    if "#REF!" in t.upper():
        raise RefProblem(
            "deleted", text,
            "menunjuk ke #REF! (sheet atau selnya sudah dihapus)",
            "points to #REF! (its sheet or cells were deleted)",
        )
    if t.startswith("[") or re.match(r"'?\[", t):
        raise RefProblem("other", text, "menunjuk ke buku kerja lain", "points to another workbook")
    try:
        sheet, area = split_sheet(t)
    except ValueError:
        sheet, area = None, ""
    quoted = t.startswith("'")
    if not sheet or any(ch in area for ch in ",() ") or (not quoted and any(ch in sheet for ch in ",!() ")):
        raise RefProblem(
            "other", text,
            "bukan rujukan ke satu rentang sel (mis. konstanta, rumus, atau beberapa rentang)",
            "is not a reference to one cell range (e.g. a constant, a formula or several areas)",
        )
    if ":" in sheet and not quoted:
        raise RefProblem("other", text, "merujuk beberapa sheet sekaligus", "refers to several sheets at once")
    try:
        r1, c1, r2, c2 = parse_area(area)
    except ValueError:
        raise RefProblem("other", text, "alamat sel tidak dikenali", "the cell address is not recognised") from None
    return Ref(sheet, r1, c1, r2, c2)
