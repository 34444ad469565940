"""What kinerja writes into one cell: :class:`CellWrite` — a value, or a live formula, and a style key of
:data:`STYLES` (the cell formats kinerja may append to styles.xml for its own cells). Plain data, below the plan
(:mod:`.plan`), the sheets' XML (:mod:`.sheetxml`) and the writer (:mod:`.writer`), which all name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .ooxml import StyleRecipe

STYLES: dict[str, StyleRecipe] = {
    "header": StyleRecipe(bold=True, fill_rgb="FFD9E1F2", wrap=True, vertical="center"),
    "bold": StyleRecipe(bold=True),
    "number0": StyleRecipe(num_fmt_id=3),  # #,##0
    "number2": StyleRecipe(num_fmt_id=4),  # #,##0.00
    "text": StyleRecipe(num_fmt_id=49),  # @
    "wrap": StyleRecipe(wrap=True, vertical="top"),
    # kinerja's own sheets (Audit, Temuan): numbers with thousands separators, everything aligned to the top
    "judul": StyleRecipe(bold=True),
    "atas": StyleRecipe(vertical="top"),
    "angka0": StyleRecipe(num_fmt_id=3, vertical="top"),
    "angka2": StyleRecipe(num_fmt_id=4, vertical="top"),
    "isian": StyleRecipe(fill_rgb="FFFFF2CC", vertical="top"),  # a cell of a kinerja sheet the operator fills
}

Value = None | Decimal | int | float | str | bool


@dataclass(frozen=True, slots=True)
class CellWrite:
    """What to put in one cell: a value, or a live formula (``"=ROUND(Input!C5/Input!C6*100,2)"``) that
    Excel/LibreOffice compute on load. ``style``: a key of :data:`STYLES`, or None to keep the cell's format."""

    value: Value = None
    formula: str | None = None
    style: str | None = None

    def __post_init__(self) -> None:
        if self.formula is not None and self.value is not None:
            raise ValueError("CellWrite: value dan formula tidak boleh diisi bersamaan")
        if self.style is not None and self.style not in STYLES:
            raise ValueError(f"CellWrite: gaya {self.style!r} tidak dikenal; pilih {', '.join(STYLES)}")
