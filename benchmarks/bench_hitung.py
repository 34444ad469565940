"""`kinerja hitung` end to end on the PK 2024 sample workbook against the read-and-rewrite floor (issue 7).

`python benchmarks/bench_hitung.py [repeats]` prints, measured in one run (compare ratios, not seconds):

* the floor: reading every zip member of the workbook and writing them all back (zipfile, deflate);
* the whole recalculation in process (read inputs, evaluate, findings, write outputs, Audit and Temuan) with the
  rules already loaded — what a batch worker or the server repeats per workbook — of a workbook not seen before:
  each repeat recalculates another copy of the sample with a note typed into every sheet of the operator's, so
  that nothing remembered by a part's content (the reader's row index, the writer's memos) is found again from
  the previous repeat; the same workbook recalculated again is printed too (for what those memos save);
* the same as a batch worker repeats it (``batch.recalc_one``: long-lived objects frozen, the garbage collector
  paused during a workbook); the mean CPU time is printed as well, since a full collection lands in some runs;
* each step of it (open, rules, inputs, evaluate + plan of every write, apply = splice + deflate + atomic write);
* ``kinerja hitung BUKU`` as a fresh process (interpreter start, imports, first load of the rules included);
* ``kinerja templat`` for PK 2024: in process with the rules loaded (target ≤ 300 ms) and as a fresh process.

Target (issue 7): in-process recalculation ≤ 3× the floor. Times are the minimum CPU time of the repeats
(``process_time``), which other processes on a shared machine disturb least; the wall-clock median is printed
next to it.
"""

from __future__ import annotations

import gc
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _timing import note_every_sheet
from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import batch as B
from kinerja.workbooks import recalc as R
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs_from, workbook_names_from
from kinerja.workbooks.template import build_template

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def measure(fn, repeats: int) -> tuple[float, float, float]:
    """(minimum CPU seconds, median wall seconds, mean CPU seconds) of ``fn()``."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), statistics.median(wall), statistics.mean(cpu)


def rewrite_zip(src: Path, dest: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
    dest.write_bytes(buf.getvalue())


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory(prefix="bench-hitung-") as tmp:
        book = Path(tmp) / "pk2024.xlsx"
        shutil.copy(SAMPLE, book)
        R.recalculate_workbook(book)  # rules loaded and the core form lowered once, as in a worker
        (Path(tmp) / "salinan").mkdir()
        copies = [Path(tmp) / "salinan" / f"{i:03d}.xlsx" for i in range(3 * repeats)]
        for i, copy in enumerate(copies):
            note_every_sheet(book, copy, f"catatan operator {i}")
        copies = iter(copies)
        floor = measure(lambda: rewrite_zip(book, Path(tmp) / "floor.xlsx"), repeats)
        whole = measure(lambda: R.recalculate_workbook(next(copies)), repeats)
        again = measure(lambda: R.recalculate_workbook(book), repeats)

        steps: dict[str, list[float]] = {}

        def step(name, fn, *args, **kw):
            c0 = time.process_time()
            out = fn(*args, **kw)
            steps.setdefault(name, []).append(time.process_time() - c0)
            return out

        for _ in range(repeats):
            book_i = next(copies)
            pkg = step("open the package", Package, book_i)
            checked, meta = step("rules (cache hit) + meta", R.rules_of, book_i, None, pkg)
            step("same layout check", R.check_same_layout, book_i, pkg, checked, meta)
            inputs = step("read inputs", read_inputs_from, pkg, input_specs(checked))
            names = step("defined names", workbook_names_from, pkg)
            rc = step("evaluate + findings + plan (Audit, Temuan)", R.plan_recalc, checked, inputs, names, meta)
            step("apply (splice, deflate, atomic write)", R.apply_to_file, book_i, rc.plan, pkg=pkg)

        # as a batch worker runs it: long-lived objects frozen, no collection during a workbook
        B.freeze_long_lived()
        worker = measure(lambda: B.recalc_one(B.plan([str(next(copies))])[0], load_rules), repeats)
        gc.unfreeze()

        env = dict(os.environ)
        cli = measure(lambda: subprocess.run([sys.executable, "-m", "kinerja.cli", "hitung", str(book)],
                                             capture_output=True, env=env), max(3, repeats // 5))

        # kinerja templat (issue 7: ≤ 300 ms): in process with the rules loaded, and as a fresh process
        checked = load_rules("pk2024-sumsel")
        made = iter(range(10_000))
        templat = measure(lambda: build_template(checked, Path(tmp) / f"templat-{next(made)}.xlsx",
                                                 rules_ref="pk2024-sumsel"), max(3, repeats // 3))
        templat_cli = measure(lambda: subprocess.run(
            [sys.executable, "-m", "kinerja.cli", "templat", "--aturan", "pk2024-sumsel", "--keluaran",
             str(Path(tmp) / f"templat-cli-{next(made)}.xlsx")], capture_output=True, env=env), 3)
        size = book.stat().st_size
    ms = 1000
    print(f"sample workbook {size / 1024:.0f} KiB; CPU ms (min of {repeats}), wall ms (median), CPU ms (mean)")
    for label, v in (("floor: read + rewrite every zip member", floor),
                     ("recalculate in process (rules loaded)", whole),
                     ("  the same workbook again (memos found)", again),
                     ("the same as a batch worker (GC settled)", worker)):
        print(f"  {label:40s} {v[0] * ms:8.1f}   {v[1] * ms:8.1f}   {v[2] * ms:8.1f}")
    for name, v in steps.items():
        print(f"    {name:38s} {min(v) * ms:8.1f}")
    print(f"  kinerja hitung, fresh process (wall)     {'':8s}   {cli[1] * ms:8.1f}")
    print(f"  templat PK 2024 in process (rules loaded) {templat[0] * ms:7.1f}   {templat[1] * ms:8.1f}   [≤ 300]")
    print(f"  kinerja templat, fresh process (wall)    {'':8s}   {templat_cli[1] * ms:8.1f}")
    print()
    print(f"ratio recalculate / floor (CPU)            {whole[0] / floor[0]:8.2f}   [≤ 3]")
    print(f"ratio recalculate / floor (wall)           {whole[1] / floor[1]:8.2f}")
    print(f"ratio batch worker / floor (CPU, mean)     {worker[2] / floor[2]:8.2f}")
    print(f"ratio fresh process / floor (wall)         {cli[1] / floor[1]:8.2f}")


if __name__ == "__main__":
    main()
