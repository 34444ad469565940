"""Plain data that crosses the boundary between the engine and its adapters.

Adapters (YAML/CSV data files, .xlsx files, live Excel) turn their sources into an :class:`Inputs`; the
engine never sees a sheet, a cell object or a file handle. Every value that came from somewhere carries that
place (``sumber``: ``"Input!C5"`` or ``"data.yaml: masukan.x"``) so the audit can cite it.

Kinds (``jenis``) of inputs: ``cacah`` (whole number ≥ 0), ``rupiah``, ``persen``, ``indeks``, ``angka``,
``tahun`` (a year), ``teks`` — declared once, in :mod:`kinerja.engine.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .vocabulary import KINDS
from .vocabulary import NUMERIC as NUMERIC_KINDS

__all__ = ["KINDS", "NUMERIC_KINDS", "CellKey", "ColumnSpec", "InputProblem", "InputSpec", "Inputs"]


class CellKey(NamedTuple):
    """One cell of a table input, the typed key that crosses layers (never a string parsed apart again).

    ``row`` is the 0-based index of the row among the table's data rows; people see it 1-based (``str``).
    Immutable and ordered by (table, row, column); a named tuple, so hashing and comparing it — done for every
    table cell read, evaluated and written to the Audit — happen in C.
    """

    table: str
    row: int
    column: str

    def __str__(self) -> str:
        return f"{self.table}[{self.row + 1}].{self.column}"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    label: str = ""
    required: bool = True
    choices: tuple[str, ...] | None = None  # allowed values of a reference column (engine/batasan.py)
    maximum: Decimal | None = None  # upper bound beyond the kind's own (an index scale)


@dataclass(frozen=True)
class InputSpec:
    """One declared input of a rule set: a single value, or a table when ``columns`` is not None."""

    name: str
    kind: str  # for tables: "tabel"
    label: str = ""
    required: bool = True
    columns: tuple[ColumnSpec, ...] | None = None
    group: str = ""  # eselon id (one input sheet per group in templates)
    group_label: str = ""
    maximum: Decimal | None = None  # upper bound beyond the kind's own (an index scale)
    known_ids: frozenset[str] = field(default=frozenset(), compare=False, repr=False)  # rule ids, lower-cased
    key: tuple[str, ...] = ()  # a table's ``kunci``: the columns whose values identify a row (B222 when repeated)

    @property
    def is_table(self) -> bool:
        return self.columns is not None


@dataclass(frozen=True)
class InputProblem:
    """Something wrong with one input value, found by an adapter. Dependent results get status ``galat``."""

    code: str  # stable code, e.g. "B201"
    input: str  # input name (the table's name for a problem in one of its cells)
    location: str  # "Sheet!Cell", "file.yaml: masukan.x", …
    message: str  # Indonesian
    message_en: str = ""
    hint: str = ""
    cell: CellKey | None = None  # set when the problem is one cell of a table; the rest of the table is fine
    # The problem is the row's (its key repeats another row's, B222): ``cell`` is its first key cell, and every
    # other cell of the row is unusable too; the key cells keep their values, so ``untuk kolom = …`` filters still
    # know which group the row belongs to and only that group's figures become galat.
    whole_row: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kode": self.code,
            "masukan": self.input,
            "lokasi": self.location,
            "pesan": self.message,
            "pesan_en": self.message_en,
            "saran": self.hint,
            "sel": str(self.cell) if self.cell else None,
        }


@dataclass
class Inputs:
    """Input values for one evaluation.

    ``values``: name → Decimal | str | None (None = empty).  ``tables``: name → list of rows (dict column →
    Decimal | str | None).  ``sources``: input name (or :class:`CellKey` of a table cell) → where the value came from.
    ``problems``: input problems; an input named in a problem is treated as erroneous (status ``galat``).
    ``reported``: optional figures a source printed (the ``dilaporkan`` section of a data file), compared
    with the computed values to produce findings.
    """

    values: dict[str, Decimal | str | None] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Decimal | str | None]]] = field(default_factory=dict)
    sources: dict[str | CellKey, str] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)
    reported: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # the file (or workbook) these inputs came from

    def problem_for(self, name: str) -> InputProblem | None:
        """The problem of a whole input (a single value, or a table as a whole), not of one table cell."""
        for p in self.problems:
            if p.input == name and p.cell is None:
                return p
        return None
