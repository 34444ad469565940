"""Shared by the benchmark scripts: the median wall time of a few runs (compare ratios, not seconds), and workbooks
no memo has seen."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def note_every_sheet(src, dest, text: str) -> None:
    """Copy the workbook ``src`` to ``dest`` (None: in place) with ``text`` typed far right of row 1 (AD1) of every
    sheet kinerja does not own: a note, not an input, so the recalculation is the same, but no part of the
    operator's has the bytes of one recalculated before (whatever is remembered by a part's content is not found
    again)."""
    from kinerja.workbooks.ooxml import Package
    from kinerja.workbooks.writer import CellWrite, read_ownership_from, write_back

    pkg = Package(src)
    owned = {s.casefold() for s in read_ownership_from(pkg).sheets}
    sheets = [s.name for s in pkg.sheets() if s.is_worksheet and s.part and s.name.casefold() not in owned]
    write_back(src, out_path=dest, cells={f"'{name}'!AD1": CellWrite(text) for name in sheets}, pkg=pkg)
