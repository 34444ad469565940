"""Workbook benchmark: recalculating the PK 2024 sample workbook vs evaluating the same data from YAML.

`python benchmarks/bench_workbook.py [repeats]` prints the median time of each step and the ratios measured in
the same run (read inputs / write back / whole recalculation against the pure evaluation).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from _timing import timed
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.loader import bundled_dir
from kinerja.workbooks.datafile import read_data
from kinerja.workbooks.reader import read_inputs
from kinerja.workbooks.recalc import recalculate_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    checked = load_rules("pk2024-sumsel")
    specs = input_specs(checked)
    data = read_data([bundled_dir() / "pk2024-sumsel" / "data-lkjip-2024.yaml"], specs)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "pk2024.xlsx"
        shutil.copy(SAMPLE, book)
        t_eval = timed(lambda: evaluate(checked, data, Tracer()), repeats)
        t_read = timed(lambda: read_inputs(book, specs), repeats)
        t_recalc = timed(lambda: recalculate_workbook(book), repeats)
        size = book.stat().st_size
    print(f"evaluate (trace, from YAML)     {t_eval * 1000:8.1f} ms")
    print(f"read inputs from workbook       {t_read * 1000:8.1f} ms")
    print(f"recalculate workbook (all)      {t_recalc * 1000:8.1f} ms   ({size / 1024:.0f} KiB)")
    print(f"ratio read / evaluate           {t_read / t_eval:8.2f}")
    print(f"ratio recalculate / evaluate    {t_recalc / t_eval:8.2f}")
    print(f"workbooks per minute, one core  {60 / t_recalc:8.0f}")


if __name__ == "__main__":
    main()
