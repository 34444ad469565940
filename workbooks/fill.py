"""Put input values (from a YAML/CSV data file) into a workbook's named input cells.

Used by ``kinerja templat --isi DATA`` and by the shipped sample workbook: it is the inverse of
:func:`~.reader.read_inputs` — single inputs go into the cell of their defined name, table rows into the rows
under the column-name row of the table's named range, column by column by header (matched like the reader
matches it: column name or label, case-insensitive). Writing goes through :func:`~.writer.write_back`, so an
operator's workbook loses nothing and every cell keeps its format; numbers are written from their Decimal text.

All targets are resolved before anything is written: a missing name or column, or a table with more rows than
its range holds, raises one :class:`~.errors.WorkbookError` naming every problem, and the file is untouched.
Data rows of a table range beyond the given rows are emptied, so filling twice replaces rather than mixes.
A table row that receives data and was hidden (a template shows its first rows only) is shown, as Hitung would
show it: the filled workbook prints with every figure it holds.
"""

from __future__ import annotations

from pathlib import Path

from ..engine.interface import Inputs, InputSpec
from .errors import BAD_TARGET, WorkbookError
from .ooxml import Package
from .refs import Ref, RefProblem, cell_name, quote_sheet
from .writer import CellWrite, write_back


def fill_workbook(path: str | Path, inputs: Inputs, *, out_path: str | Path | None = None,
                  specs: list[InputSpec] | None = None) -> Path:
    """Write ``inputs`` into the workbook at ``path`` (or into a copy at ``out_path``); returns the written path.

    ``specs``: when given, only inputs declared there are written (a data file may carry names the rules do
    not use) and their column labels are accepted as headers; otherwise every value and table is written.
    """
    pkg = Package(path)
    planner = _Planner(pkg, specs)
    cells = planner.plan(inputs)
    return write_back(path, out_path=out_path, cells=cells, pkg=pkg, show_rows=planner.filled_rows)


class _Planner:
    def __init__(self, pkg: Package, specs: list[InputSpec] | None):
        self.pkg = pkg
        self.names = pkg.workbook_names()
        self.specs = {s.name: s for s in specs} if specs is not None else None
        self.problems: list[str] = []
        self.cells: dict[str, CellWrite] = {}
        self.filled_rows: dict[str, set[int]] = {}  # sheet → table rows given a value: shown if hidden

    def plan(self, inputs: Inputs) -> dict[str, CellWrite]:
        for name, value in inputs.values.items():
            if self.wanted(name, table=False):
                ref = self.locate(name)
                if ref is not None and not ref.is_single:
                    self.problems.append(f"{name}: nama menunjuk rentang {ref.location}, bukan satu sel")
                elif ref is not None:
                    self.put(ref.sheet, ref.row1, ref.col1, value)
        for name, rows in inputs.tables.items():
            if self.wanted(name, table=True):
                self.table(name, rows)
        if self.problems:
            shown = "; ".join(self.problems[:10]) + (f"; … (+{len(self.problems) - 10})"
                                                      if len(self.problems) > 10 else "")
            raise WorkbookError(BAD_TARGET, str(self.pkg.path), f"data tidak dapat dimasukkan: {shown}.",
                                f"the data cannot be filled in: {shown}.",
                                "Gunakan templat kinerja terbaru dari aturan yang sama (kinerja templat).",
                                "Use a fresh template of the same rules (kinerja templat).")
        return self.cells

    def wanted(self, name: str, *, table: bool) -> bool:
        if self.specs is None:
            return True
        spec = self.specs.get(name)
        return spec is not None and spec.is_table == table

    def locate(self, name: str) -> Ref | None:
        dn = self.names.get(name.casefold())
        if dn is None:
            self.problems.append(f"nama {name} tidak ada di buku kerja")
            return None
        try:
            return dn.ref()
        except RefProblem as p:
            self.problems.append(f"nama {name}: {p.reason}")
            return None

    def put(self, sheet: str, row: int, col: int, value) -> None:
        self.cells[f"{quote_sheet(sheet)}!{cell_name(row, col)}"] = CellWrite(value)

    def table(self, name: str, rows: list[dict]) -> None:
        ref = self.locate(name)
        if ref is None:
            return
        capacity = ref.row2 - ref.row1
        if len(rows) > capacity:
            self.problems.append(f"tabel {name} berisi {len(rows)} baris, rentang {ref.location} hanya memuat "
                                 f"{capacity} baris data; perpanjang rentang nama {name} di Name Manager")
            return
        headers = self.headers(ref)
        spec = self.specs.get(name) if self.specs is not None else None
        labels = {c.name: c.label for c in spec.columns or ()} if spec is not None else {}
        keys = list(labels) if spec is not None else list(dict.fromkeys(k for row in rows for k in row))
        for key in keys:
            c = headers.get(_norm(key)) or (headers.get(_norm(labels[key])) if labels.get(key) else None)
            if c is None:
                if any(row.get(key) is not None for row in rows):
                    self.problems.append(f"tabel {name}: kolom {key} tidak ada di baris judul {ref.location}")
                continue
            for i in range(capacity):
                value = rows[i].get(key) if i < len(rows) else None
                self.put(ref.sheet, ref.row1 + 1 + i, c, value)
                if value is not None:
                    self.filled_rows.setdefault(ref.sheet, set()).add(ref.row1 + 1 + i)

    def headers(self, ref: Ref) -> dict[str, int]:
        """Normalised header text → sheet column, from the first row of the range."""
        cells = self.pkg.cells(ref.sheet)
        out: dict[str, int] = {}
        for c in range(ref.col1, ref.col2 + 1):
            cell = cells.get(ref.row1, c)
            if cell.kind in ("text", "number"):
                out.setdefault(_norm(cell.text), c)
        return out


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


__all__ = ["fill_workbook"]
