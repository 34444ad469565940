"""Batch benchmark: `kinerja batch` on N generated PK 2024 unit workbooks against the floor, LibreOffice and Dask.

`python benchmarks/bench_batch.py [N]` (default 30) generates N workbooks from the template with varied plausible
data (workbooks/variasi.py) and prints, in one run, per-workbook medians and the ratios of:

* batch with 1 job (per record, as `kinerja batch` runs, and with --json: each record carrying its result's JSON)
  and with 2 jobs (throughput: workbooks per second of wall time, start-up included), and with 2 jobs while
  another thread is alive (the worker then comes from the fork server);
* the floor: reading every zip member and writing them all back (zipfile), openpyxl load, openpyxl load+save;
* LibreOffice headless recalculating the same workbooks (their Audit check formulas, recalculated on load) —
  one soffice process converting all N files, per workbook;
* engine-only evaluation (inputs already read);
* a Dask LocalCluster with 2 workers against the local pool of 2;
* peak memory (max RSS of a serial batch process) for M and for 4M workbooks (M = min(N, 10)).

Six data sets are generated (building a filled workbook is the slow part) and copied; every workbook then gets
its own note typed into each of its sheets, so that no two have a part in common that a memo could recognise.

Targets (issue 11): 1 job ≤ 3× the read-and-rewrite floor; ≥ 50× faster than LibreOffice; 2 jobs ≥ 1.7× the
throughput of 1; memory flat in N; Dask within 1.5× of the local pool. Machines here are noisy: compare ratios.
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _timing import note_every_sheet
from kinerja.workbooks import batch as b

# Only what a worker needs is imported at the top: the pool's spawned workers import this main module again
# (as they import the `kinerja` command's), so openpyxl and the workbook generator are imported in main().


def per_book(fn, files: list[Path]) -> float:
    """Median seconds of ``fn(path)`` over the files."""
    samples = []
    for f in files:
        t0 = time.perf_counter()
        fn(f)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def rewrite_zip(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    path.with_suffix(".floor").write_bytes(buf.getvalue())


def openpyxl_save(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).save(path.with_suffix(".opx.xlsx"))


def batch_wall(files: list[Path], out: Path, hasil: bool = False, **kw) -> tuple[float, list[dict]]:
    """`kinerja batch --keluaran OUT` (``hasil``: with --json, the records carrying each result's JSON)."""
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    recs = b.run(b.plan([str(f) for f in files], keluaran=out, hasil=hasil), **kw)
    wall = time.perf_counter() - t0
    bad = [r for r in recs if r["status"] not in ("ok", "temuan")]
    assert not bad, bad[:1]
    return wall, recs


def fork_server_wall(files: list[Path], out: Path) -> float:
    """2 jobs while another thread is alive (a server, a progress bar drawing before the workers started): the
    worker comes from the fork server (batch.pool_context), which imports kinerja first; the coordinator works
    meanwhile."""
    import threading

    stop = threading.Event()
    alive = threading.Thread(target=stop.wait, daemon=True)
    alive.start()
    try:
        return batch_wall(files, out, workers=2)[0]
    finally:
        stop.set()
        alive.join()


def libreoffice(files: list[Path], out: Path) -> float:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return float("nan")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        t0 = time.perf_counter()
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, files)],
                       capture_output=True, timeout=600, check=True)
        return (time.perf_counter() - t0) / len(files)


def peak_rss_mb(folder: Path, out: Path) -> float:
    """Max RSS of a fresh process running a serial batch over ``folder`` (the coordinator does the work)."""
    code = ("import resource, sys\n"
            "from kinerja.workbooks import batch as b\n"
            "b.run(b.plan([sys.argv[1]], keluaran=sys.argv[2]), workers=1)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run([sys.executable, "-c", code, str(folder), str(out)], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout.split()[-1]) / 1024


def main() -> None:
    import openpyxl
    from kinerja.engine import Tracer, evaluate, input_specs, load_rules
    from kinerja.workbooks.ooxml import Package
    from kinerja.workbooks.reader import read_inputs_from
    from kinerja.workbooks.variasi import build_varied

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        files = build_varied(tmp / "unit", n, seed=1, distinct=min(n, 6))
        for i, f in enumerate(files):  # copies of the six data sets made unlike each other, as real units are
            note_every_sheet(f, None, f"catatan unit {i}")
        print(f"{n} PK 2024 unit workbooks ({files[0].stat().st_size / 1024:.0f} KiB each) generated in "
              f"{time.perf_counter() - t_start:.1f} s")

        # batch first, from a process as `kinerja batch` has it (kinerja imported, the rules loaded, nothing else):
        # the pool's workers are forked from it, and a process holding the garbage of 60 openpyxl workbooks (the
        # floor below) makes every fork copy, and every worker fault in, far more memory than the command does
        wall1, recs1 = batch_wall(files, tmp / "out1", workers=1)
        t_batch1 = statistics.median(r["detik"] for r in recs1)
        wall2, _ = batch_wall(files, tmp / "out2", workers=2)
        wall2fs = fork_server_wall(files, tmp / "out2fs")
        # the same serial run with --json (after the pools: its garbage is not in their forks)
        t_batch1j = statistics.median(r["detik"] for r in batch_wall(files, tmp / "out1j", hasil=True, workers=1)[1])

        # floor
        t_zip = per_book(rewrite_zip, files)
        t_opx_load = per_book(lambda f: openpyxl.load_workbook(f), files)
        t_opx_save = per_book(openpyxl_save, files)

        # engine only
        checked = load_rules("pk2024-sumsel")
        specs = input_specs(checked)
        inputs = [read_inputs_from(Package(f), specs) for f in files]
        samples = []
        for inp in inputs:
            t0 = time.perf_counter()
            evaluate(checked, inp, Tracer())
            samples.append(time.perf_counter() - t0)
        t_engine = statistics.median(samples)

        # Dask LocalCluster, 2 workers
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
            batch_wall(files[:2], tmp / "warm", klaster=cl.scheduler_address)  # workers import kinerja once
            wall_dask, _ = batch_wall(files, tmp / "outd", klaster=cl.scheduler_address)

        # LibreOffice on the recalculated workbooks (they carry the Audit check formulas)
        t_lo = libreoffice(sorted((tmp / "out1").glob("*.xlsx")), tmp / "lo")

        # memory, M and 4M workbooks (M = min(N, 10), to stay within the time budget)
        m = min(n, 10)
        small, big = tmp / "mem1", tmp / "mem4"
        small.mkdir(), big.mkdir()
        for f in files[:m]:
            shutil.copyfile(f, small / f.name)
            for i in range(4):
                shutil.copyfile(f, big / f"{i}-{f.name}")
        rss_n = peak_rss_mb(small, tmp / "m1")
        rss_4n = peak_rss_mb(big, tmp / "m4")

    ms = 1000
    print()
    print("per workbook (median)")
    print(f"  floor: read + rewrite every zip member   {t_zip * ms:8.1f} ms")
    print(f"  floor: openpyxl load                     {t_opx_load * ms:8.1f} ms")
    print(f"  floor: openpyxl load + save              {t_opx_save * ms:8.1f} ms")
    print(f"  engine only (evaluate, trace)            {t_engine * ms:8.1f} ms")
    print(f"  kinerja batch, 1 job (per record)        {t_batch1 * ms:8.1f} ms")
    print(f"  kinerja batch --json, 1 job (per record) {t_batch1j * ms:8.1f} ms")
    print(f"  LibreOffice headless recalculation       {t_lo * ms:8.1f} ms")
    print()
    print(f"wall time for {n}: 1 job {wall1:.2f} s, 2 jobs {wall2:.2f} s (with a fork server {wall2fs:.2f} s), "
          f"Dask LocalCluster(2) {wall_dask:.2f} s")
    print()
    print("ratios (targets in brackets)")
    print(f"  batch 1 job / zip read+rewrite floor     {t_batch1 / t_zip:8.2f}   [≤ 3]")
    print(f"  the same with --json                     {t_batch1j / t_zip:8.2f}")
    print(f"  batch 1 job / openpyxl load+save         {t_batch1 / t_opx_save:8.2f}")
    print(f"  LibreOffice / batch 1 job                {t_lo / t_batch1:8.2f}   [≥ 50]")
    print(f"  throughput 2 jobs / 1 job                {wall1 / wall2:8.2f}   [≥ 1.7]")
    print(f"  the same, worker from the fork server    {wall1 / wall2fs:8.2f}")
    print(f"  Dask LocalCluster(2) / local pool(2)     {wall_dask / wall2:8.2f}   [≤ 1.5]")
    print(f"  batch 1 job / engine only                {t_batch1 / t_engine:8.2f}")
    print()
    print(f"peak memory (serial batch process): {m} workbooks {rss_n:.0f} MB, {4 * m} workbooks {rss_4n:.0f} MB "
          f"(ratio {rss_4n / rss_n:.2f}, flat = 1)")
    print(f"benchmark total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
