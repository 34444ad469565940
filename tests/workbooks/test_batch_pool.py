"""The local pool of `kinerja batch` (workbooks/batchpool.py): the coordinator works too, every process takes the
next job from one shared counter, and a worker that dies loses only the workbook it held.

A worker's death is simulated with ``os._exit`` in a forked child (a real out-of-memory kill cannot be planted
reliably); the pool itself is tested with plain items, the batch run with real workbooks."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kinerja.workbooks import batch as b
from kinerja.workbooks.batchpool import PullPool
from kinerja.workbooks.errors import INTERNAL
from kinerja.workbooks.variasi import build_varied

FORK = "fork" in mp.get_all_start_methods()
needs_fork = pytest.mark.skipif(not FORK, reason="the death of a worker is planted in a forked child (POSIX)")


def _double_or_die(x: str) -> str:
    if x == "mati":
        os._exit(3)
    if x == "galat":
        raise ValueError("rusak")
    return x * 2


def _slowly(x: str) -> str:
    time.sleep(0.2)
    return x


def _nothing() -> None:
    pass


@needs_fork
def test_a_dead_worker_loses_only_its_item_the_others_go_on():
    items = ["a", "mati", "b", "c", "galat", "d", "e", "f"]
    pool = PullPool(mp.get_context("fork"), 2, items, _double_or_die, _nothing, ())
    got = {i: (ok, res) for i, ok, res in pool.results(wait=True)}  # the coordinator takes nothing: workers do all
    assert got == {0: (True, "aa"), 2: (True, "bb"), 3: (True, "cc"), 4: (False, "ValueError: rusak"),
                   5: (True, "dd"), 6: (True, "ee"), 7: (True, "ff")}
    assert pool.lost == {1: "exit code 3"}
    assert pool.claim() is None


@needs_fork
def test_what_no_worker_is_left_for_falls_to_the_coordinator():
    items = ["a", "mati", "b", "c"]
    pool = PullPool(mp.get_context("fork"), 1, items, _double_or_die, _nothing, ())
    assert [(i, ok, res) for i, ok, res in pool.results(wait=True)] == [(0, True, "aa")]
    assert pool.lost == {1: "exit code 3"}
    assert [pool.claim(), pool.claim(), pool.claim()] == [2, 3, None]


@needs_fork
def test_stopped_no_process_takes_another_item():
    pool = PullPool(mp.get_context("fork"), 1, ["a"] * 50, _slowly, _nothing, ())  # 10 s if nothing stops it
    pool.stop()
    assert pool.claim() is None
    assert len(list(pool.results(wait=True))) < 5  # what the worker took before the stop (one, on a quiet machine)
    assert pool.lost == {}


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    return [str(p) for p in build_varied(tmp_path_factory.mktemp("enam"), 6, seed=5, distinct=3)]


def _child(scenario: str, books: list[str], out) -> dict:
    """The scenario run by batch_pool_child.py in a fresh, thread-free interpreter (see there)."""
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("batch_pool_child.py")), scenario, str(out),
                           *books], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@needs_fork
def test_two_jobs_the_coordinator_and_one_worker_share_the_workbooks(six, tmp_path):
    """--jobs 2: one worker process and the coordinator; each does some of the workbooks, every record is
    what one process gives."""
    one = b.run(b.plan(six, keluaran=tmp_path / "satu"), workers=1)
    got = _child("pids", six, tmp_path / "dua")
    two = got["records"]
    pids = {r["hasil"].pop("_pid") for r in two}
    assert got["parent"] in pids and len(pids) == 2
    assert [r["status"] for r in two] == [r["status"] for r in one]
    assert [{k: v for k, v in r["hasil"].items() if k != "buku_kerja"} for r in two] == \
        [json.loads(json.dumps({k: v for k, v in r["hasil"].items() if k != "buku_kerja"}, default=str))
         for r in one]


@needs_fork
def test_a_worker_that_dies_fails_only_its_workbook(six, tmp_path):
    recs = _child("worker_dies", six, tmp_path / "dua")["records"]
    failed = [r for r in recs if r["status"] == "gagal"]
    assert len(failed) == 1 and len(recs) == 6
    assert failed[0]["galat"]["kode"] == INTERNAL
    assert "proses pekerja gagal (exit code 3)" in failed[0]["galat"]["pesan"]
    assert not (tmp_path / "dua" / os.path.basename(failed[0]["berkas"])).exists()  # nothing written for it
    assert all(r["status"] in ("ok", "temuan") for r in recs if r is not failed[0])


@pytest.mark.skipif("forkserver" not in mp.get_all_start_methods(), reason="POSIX start method")
def test_workers_from_a_fork_server_start_while_the_coordinator_works():
    """The fork server answers only once it has imported what a worker needs: the workers are started by a
    thread, the coordinator takes items at once."""
    items = [str(i) for i in range(12)]
    pool = PullPool(mp.get_context("forkserver"), 1, items, _double_or_die, _nothing, ())
    mine, got = [], {}
    while (i := pool.claim()) is not None:
        mine.append(i)
        time.sleep(0.05)
        got.update((i, res) for i, ok, res in pool.results(wait=False))  # never waits for the workers
    got.update((i, res) for i, ok, res in pool.results(wait=True))
    assert mine and mine[0] == 0  # the coordinator did not wait for the fork server
    assert sorted([*mine, *got]) == list(range(12)) and all(got[i] == items[i] * 2 for i in got)
    assert pool.start_failed is None and pool.lost == {}


def test_one_process_reads_no_rule_set_ahead(six, tmp_path, monkeypatch):
    """--jobs 1 loads each rule set when its first workbook needs it: reading every workbook's rule set name
    first (for workers to inherit) would only read each workbook twice."""
    monkeypatch.setattr(b, "rule_refs", lambda jobs: pytest.fail("the rule sets were read ahead"))
    cache = b.RuleCache()
    recs = b.run(b.plan(six, keluaran=tmp_path / "satu"), workers=1, cache=cache)
    assert cache.loads == 1 and [r["status"] in ("ok", "temuan") for r in recs] == [True] * 6
