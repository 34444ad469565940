"""Input labels (uraian) in the input sheets kinerja generated, brought to the rules' wording on every Hitung.

The template (:mod:`.template`) writes each single input's label in its row — column Uraian, beside the value,
the input's name in column Nama of the same row — and each table's title three rows above its column-name row
(``Tabel: <label>``); the indicator headings above the inputs quote labels too (``«label»`` in the formula in
words). Those cells are kinerja's (the sheet is locked, the operator types only in the input cells).

When next year's rules only reword a label, the values still belong to the same inputs: a value is read by its
input's defined name, and the label is found through that same name and the name written in the same row (a
table: its first column's name under the title), so a label is only ever written into the row of the input it
describes. :func:`relabels` lists the label cells whose text differs from the rules' wording (a cell that does not
sit where the template put it — a row or column inserted, the name cell gone — is left alone); both Hitung paths
(file and live) rewrite them and say so in one note. The file path also proves that nothing but labels changed
(:func:`shown_labels` → :func:`.layout.layout_key` with the labels the workbook shows equals the key it recorded);
any structural difference is still refused (B121).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import language
from ..engine.interface import InputSpec
from . import layout
from .cellwrite import CellWrite
from .refs import RefProblem, cell_name, parse_ref, quote_sheet

REQUIRED_MARK = " *"


@dataclass(frozen=True)
class Relabel:
    """One label cell to rewrite: where, what it shows, what the rules say (``old``/``new``: the labels alone)."""

    name: str
    sheet: str
    row: int
    col: int
    shown: str
    wanted: str
    old: str
    new: str
    heading: bool = False  # an indicator heading quoting the label, not the input's own label cell

    @property
    def ref(self) -> str:
        return f"{quote_sheet(self.sheet)}!{cell_name(self.row, self.col)}"


def _text(cells: Mapping[tuple[int, int], Any], r: int, c: int) -> str | None:
    cell = cells.get((r, c))
    return cell.text if cell is not None and cell.kind == "text" else None


def single_label(spec: InputSpec) -> str:
    """The text of a single input's label cell, as the template writes it."""
    return (spec.label or spec.name) + (REQUIRED_MARK if spec.required else "")


def table_title(spec: InputSpec) -> str:
    """The text of a table's title cell, as the template writes it."""
    return f"{layout.TABLE_TITLE}{spec.label or spec.name}"


def relabels(view: Any, specs: Sequence[InputSpec], names: Mapping[str, str]) -> list[Relabel]:
    """The label cells of ``view`` (a file's package or an open book's view) whose text is not the rules' wording,
    found only where the template put them (see the module); then the heading cells quoting an old label."""
    by_name = {k.casefold(): v for k, v in names.items()}
    sheets: dict[str, Mapping[tuple[int, int], Any]] = {}
    out: list[Relabel] = []
    for spec in specs:
        try:
            ref = parse_ref(by_name.get(spec.name.casefold(), ""))
        except RefProblem:
            continue
        if ref.sheet not in sheets:
            try:
                sheets[ref.sheet] = view.cells(ref.sheet).cells
            except KeyError:
                sheets[ref.sheet] = {}
        cells = sheets[ref.sheet]
        if spec.is_table:
            first = (spec.columns or ())[:1]
            row, col = ref.row1 - layout.TABLE_TITLE_ABOVE, ref.col1
            shown = _text(cells, row, col)
            if (not first or row < 1 or _text(cells, ref.row1, ref.col1) != first[0].name or shown is None
                    or not shown.startswith(layout.TABLE_TITLE)):
                continue
            old = shown[len(layout.TABLE_TITLE):]
            wanted = table_title(spec)
        else:
            row, col = ref.row1, layout.COL_URAIAN
            shown = _text(cells, row, col)
            if (not ref.is_single or ref.col1 != layout.COL_NILAI or shown is None
                    or _text(cells, row, layout.COL_NAMA) != spec.name):
                continue
            old = shown[:-len(REQUIRED_MARK)] if shown.endswith(REQUIRED_MARK) else shown
            wanted = single_label(spec)
        if shown != wanted:
            out.append(Relabel(spec.name, ref.sheet, row, col, shown, wanted, old, spec.label or spec.name))
    out += _headings(sheets, [r for r in out if r.old != r.new])
    return out


def _headings(sheets: Mapping[str, Mapping[tuple[int, int], Any]], changed: list[Relabel]) -> list[Relabel]:
    """The indicator headings (column Uraian, no input name in the row) that quote a changed label as ``«old»``."""
    out = []
    for sheet in dict.fromkeys(r.sheet for r in changed):
        cells = sheets[sheet]
        mine = [r for r in changed if r.sheet == sheet]
        for (row, col), cell in sorted(cells.items()):
            if col != layout.COL_URAIAN or cell.kind != "text" or _text(cells, row, layout.COL_NAMA):
                continue
            text = cell.text
            for r in mine:
                text = text.replace(f"«{r.old}»", f"«{r.new}»")
            if text != cell.text:
                out.append(Relabel("", sheet, row, col, cell.text, text, "", "", heading=True))
    return out


def shown_labels(found: Sequence[Relabel]) -> dict[str, str]:
    """input name → the label the workbook shows, for the inputs whose label cell differs from the rules'."""
    return {r.name: r.old for r in found if not r.heading}


def writes(found: Sequence[Relabel]) -> dict[str, CellWrite]:
    """``Sheet!A1`` → the rules' wording."""
    return {r.ref: CellWrite(r.wanted) for r in found}


def note(found: Sequence[Relabel]) -> str:
    """One line: how many labels were rewritten, the first few (cell, old → new), values untouched."""
    own = [r for r in found if not r.heading]
    if not found:
        return ""
    heads = len(found) - len(own)
    shown = "; ".join(f"{r.ref} «{r.shown}» → «{r.wanted}»" for r in own[:3]) + (" …" if len(own) > 3 else "")
    if language() == "en":
        more = f" and {heads} heading(s) quoting them" if heads else ""
        return (f"Note: the rules word {len(own)} input label(s) differently; rewritten in the input sheets{more} "
                f"({shown}). No value was changed.")
    more = f" dan {heads} judul indikator yang mengutipnya" if heads else ""
    return (f"Catatan: aturan mengubah kata-kata {len(own)} uraian isian; ditulis ulang di sheet isian{more} "
            f"({shown}). Tidak ada angka isian yang diubah.")


__all__ = ["Relabel", "note", "relabels", "shown_labels", "single_label", "table_title", "writes"]
