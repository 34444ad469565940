"""Recalculate many workbooks: in a local process pool, or on a Dask distributed cluster.

The unit of work is :func:`recalc_one`: one workbook path in, one result record out (a plain dict in the shape
of :class:`kinerja.schema.CatatanBatch`). A workbook that cannot be processed (corrupt, password-protected,
not an xlsx, locked, read-only, broken rules) gives a record with status ``gagal`` and the reason; it never
stops the others and nothing is written to it (every write is atomic, see :mod:`.atomic`).

Rules are loaded and checked once per run, in the parent, for every rule set the workbooks name (``--aturan``
or the name stored in each workbook, trusted only as ``kinerja hitung`` trusts it); they are cached by their
content hash (:class:`~.batchplan.RuleCache`) and handed to the workers (a forked worker inherits them, another
unpickles them once). A workbook whose rule set the parent could not foresee is loaded in the worker, once per
worker. A run in one process loads each set when its first workbook needs it (no reading ahead). Which workbooks
and which rule sets (:func:`~.batchplan.plan`) are :mod:`.batchplan`'s; this module runs the jobs: one workbook,
the local pool and its workers, Dask, :class:`Run`.

Ctrl-C: workers ignore SIGINT; the parent stops handing out work, lets the workbooks already started finish
(each is written atomically, so none is half-written) and marks the others ``dibatalkan``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..engine import CheckedRules, KinerjaError
from ..engine.errors import language
from ..engine.loader import resolve
from .batch_ringkasan import first_of
from .batchplan import WORKBOOK_SUFFIXES, Job, RuleCache, expand, plan, rule_refs
from .errors import CANCELLED, INTERNAL, NO_CLUSTER, WorkbookError

# batchplan's names (and the loader's resolve) are named here too: callers and tests use them as batch.*
__all__ = ["WORKBOOK_SUFFIXES", "Job", "RuleCache", "Run", "cancelled", "collector_paused", "expand",
           "freeze_long_lived", "plan", "pool_context", "recalc_one", "resolve", "rule_refs", "run"]

# --- one workbook -------------------------------------------------------------------------------------------


def _failure(job: Job, code: str, message: str, message_en: str, location: str, hint: str = "",
             hint_en: str = "", seconds: float | None = None) -> dict[str, Any]:
    en = language() == "en"
    return {"berkas": job.berkas, "keluaran": None, "status": "gagal", "jumlah_temuan": 0,
            "jumlah_masalah_masukan": 0, "detik": seconds,
            "galat": {"kode": code, "pesan": message_en if en else message, "pesan_en": message_en or message,
                      "lokasi": location or job.berkas, "saran": (hint_en if en else hint) or None},
            "pertama": None, "hasil": None}


def cancelled(job: Job) -> dict[str, Any]:
    rec = _failure(job, CANCELLED, "dibatalkan (Ctrl-C) sebelum buku kerja ini diproses; tidak diubah.",
                   "cancelled (Ctrl-C) before this workbook was processed; it is unchanged.", job.berkas,
                   "Jalankan lagi untuk buku kerja yang tersisa.", "Run again for the remaining workbooks.")
    rec["status"] = "dibatalkan"
    return rec


def recalc_one(job: Job, rules: Callable[[str], CheckedRules] | None = None) -> dict[str, Any]:
    """Recalculate one workbook; never raises for a problem of that workbook (it becomes the record)."""
    from .recalc import recalculate_workbook

    get = rules or _worker_cache().get
    t0 = time.perf_counter()
    try:
        with collector_paused():
            outcome = recalculate_workbook(job.berkas, aturan=job.aturan, keluaran=job.keluaran, rules=get)
            hasil, written = outcome.json if job.hasil else None, str(outcome.path)
            n_find, n_prob = len(outcome.findings), len(outcome.problems)
            first = first_of(outcome.problems, outcome.findings)
            del outcome  # freed now, by reference counting: the collector never walks the workbook's objects
    except KinerjaError as err:
        return _failure(job, err.code, err.message_id, err.message_en, err.location, err.hint_id, err.hint_en,
                        round(time.perf_counter() - t0, 4))
    except Exception as exc:  # noqa: BLE001 - a bug on one workbook must not stop the others
        what = f"{type(exc).__name__}: {exc}"
        return _failure(job, INTERNAL, f"galat internal kinerja ({what}); buku kerja tidak diubah.",
                        f"internal kinerja error ({what}); the workbook is unchanged.", job.berkas,
                        "Laporkan ke pengembang beserta berkasnya.", "Please report it with the file.",
                        round(time.perf_counter() - t0, 4))
    return {"berkas": job.berkas, "keluaran": written,
            "status": "temuan" if (n_find or n_prob) else "ok", "jumlah_temuan": n_find,
            "jumlah_masalah_masukan": n_prob, "detik": round(time.perf_counter() - t0, 4), "galat": None,
            "pertama": first or None, "hasil": hasil}


# --- workers ------------------------------------------------------------------------------------------------

_CACHE: RuleCache | None = None
_CACHE_TOKEN: str | None = None


def _worker_cache() -> RuleCache:
    global _CACHE
    if _CACHE is None:
        _CACHE = RuleCache()
    return _CACHE


def _init_worker(cache: RuleCache, lang: str) -> None:
    """A pool worker's start: ignore Ctrl-C (the parent decides), take the parent's rules (inherited by a forked
    worker, unpickled once by another) and language."""
    global _CACHE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..engine.errors import set_language

    set_language(lang)
    _CACHE = cache
    freeze_long_lived()


def freeze_long_lived() -> None:
    """Move every object alive now (the modules, the Lark grammar, the checked rules: a few hundred thousand
    objects that live as long as the process) out of the garbage collector's sight. Each workbook allocates tens
    of thousands of objects, which trigger collections; a full one walked all of those long-lived objects again,
    in about every second workbook (≈ 20 ms CPU a workbook on average, measured with ``gc.callbacks`` on the
    PK 2024 sample; ≈ 10 ms once they are frozen). Only workbooks' own garbage is collected from then on.
    Freezing is a constant-time move of the collector's lists (no collection first: the little garbage frozen
    with them stays until :func:`gc.unfreeze` or the end of the process)."""
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection while one workbook is recalculated. A workbook makes tens of thousands of
    objects and no reference cycle (tests/memory): what it does not keep is freed by reference counting, and
    :func:`recalc_one` drops it before the collector runs again, by the first allocation after this (the counter
    is past its threshold by then) — a walk of what the memories kept only (≈ 4 000 objects, ≈ 0.5 ms; GC 4.6 →
    1.3 ms a workbook over 30 varied PK 2024 workbooks, ``gc.callbacks``). A caller that had it off keeps it off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _pool_task(job: Job) -> dict[str, Any]:
    return recalc_one(job)


#: What a pool worker runs, imported once by the fork server (see :func:`pool_context`).
WORKER_MODULES = ["__main__", __name__, "kinerja.workbooks.batchpool", "kinerja.workbooks.recalc"]


def pool_context():
    """The start method of the local pool: ``fork`` where the platform has it and the process runs no other
    thread (a worker is a copy of the parent, kinerja imported and the rules loaded: ready in milliseconds; a
    fork would copy a lock another thread holds into the child, where nobody releases it). With other threads
    (a server, a progress bar drawing) ``forkserver``: a thread-free process imports :data:`WORKER_MODULES` once
    (≈ 0.4 s, started by :meth:`Run.__init__` to overlap the loading of the rules) and forks each worker. Else
    (Windows) ``spawn``. A forked worker inherits the parent's rules; another gets them pickled, once."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" not in methods:
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_MODULES)
    return ctx


def _start_fork_server(ctx) -> None:
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # returns at once; the server imports while the parent goes on


def _dask_task(job: Job, token: str, payload: bytes, lang: str) -> dict[str, Any]:
    """The same unit of work on a Dask worker; the scattered rules are unpickled once per worker process."""
    global _CACHE, _CACHE_TOKEN
    if _CACHE_TOKEN != token:
        from ..engine.errors import set_language

        set_language(lang)
        _CACHE = RuleCache.loads_from(payload)
        _CACHE_TOKEN = token
    return recalc_one(job)


# --- a run --------------------------------------------------------------------------------------------------


class Run:
    """Iterate :meth:`records` to get each record as soon as it is done (completion order); afterwards
    :attr:`done` holds every record in the order of the jobs. Ctrl-C (SIGINT) while iterating, or :meth:`stop`,
    stops cleanly: no new workbook starts, those started finish (atomically), the rest are ``dibatalkan``."""

    POLL = 0.2  # seconds between looks at the stop flag while waiting for a cluster

    def __init__(self, jobs: list[Job], *, workers: int | None = None, klaster: str | None = None,
                 cache: RuleCache | None = None):
        self.jobs = jobs
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.klaster = klaster
        self.cache = cache if cache is not None else RuleCache()
        self.context = None
        if not klaster and self.workers > 1 and len(jobs) > 1:
            self.context = pool_context()
            _start_fork_server(self.context)
        if (self.context is not None or klaster) and not self.cache.by_version:
            self.cache.preload(rule_refs(jobs))  # for the workers; one process loads each set when it needs it
        self.done: list[dict[str, Any] | None] = [None] * len(jobs)
        self.interrupted = False
        self._workers = None  # the local pool's workers, once started (:meth:`start`)

    def start(self) -> None:
        """Start the local pool's workers, now (else on the first record asked for): ``--jobs N`` starts N - 1
        worker processes, the coordinator works too (:mod:`.batchpool`). The CLI starts them before its progress
        bar, whose drawing thread would rule out forking (:func:`pool_context`). Nothing to start for one
        worker, one job or a cluster."""
        if self._workers is not None or self.context is None:
            return
        import threading

        from .batchpool import PullPool

        ctx = self.context
        if ctx.get_start_method() == "fork" and threading.active_count() > 1:  # a thread appeared meanwhile
            ctx = self.context = pool_context()
            _start_fork_server(ctx)
        freeze_long_lived()  # the coordinator works as a worker does; before a fork, so that no collection in a
        # worker touches (copies) the parent's pages; undone at the end of the run
        self._workers = PullPool(ctx, min(self.workers, len(self.jobs)) - 1, self.jobs, _pool_task,
                                 _init_worker, (self.cache, language()))

    def stop(self, *_: Any) -> None:
        self.interrupted = True
        if self._workers is not None:
            self._workers.stop()  # no worker starts another workbook; those started finish their (atomic) write

    def records(self) -> Iterator[dict[str, Any]]:
        try:
            previous = signal.signal(signal.SIGINT, self.stop)
        except ValueError:  # not the main thread: no signal handling, stop() still works
            previous = None
        try:
            if self.klaster:
                yield from self._dask()
            elif self.workers == 1 or len(self.jobs) <= 1:
                yield from self._serial()
            else:
                yield from self._pool()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        for i, job in enumerate(self.jobs):
            if self.done[i] is None:
                self.done[i] = cancelled(job)

    def _serial(self) -> Iterator[dict[str, Any]]:
        freeze_long_lived()  # as a pool worker does; for this run only (the process may go on, e.g. a server)
        try:
            for i, job in enumerate(self.jobs):
                if self.interrupted:
                    return
                yield self._put(i, recalc_one(job, self.cache.get))
        finally:
            gc.unfreeze()

    def _put(self, i: int, rec: dict[str, Any]) -> dict[str, Any]:
        self.done[i] = rec
        return rec

    def _take(self, i: int, fut) -> dict[str, Any]:
        try:
            return self._put(i, fut.result())
        except Exception as exc:  # noqa: BLE001 - a worker died (out of memory, killed): report, go on
            return self._worker_failed(i, f"{type(exc).__name__}: {exc}")

    def _pool(self) -> Iterator[dict[str, Any]]:
        """The coordinator takes the next job whenever it is free, as every worker does, and hands on what
        the workers finished between its own workbooks; then it waits for the workers' last ones."""
        self.start()
        pool = self._workers
        try:
            while not self.interrupted and (i := pool.claim()) is not None:
                yield self._put(i, recalc_one(self.jobs[i], self.cache.get))
                yield from self._from_workers(pool.results(wait=False))
            yield from self._from_workers(pool.results(wait=True))
        finally:
            pool.stop()  # for a caller that stopped iterating: no worker starts another workbook
            gc.unfreeze()
        for i, what in pool.lost.items():
            yield self._worker_failed(i, what)

    def _from_workers(self, results) -> Iterator[dict[str, Any]]:
        for i, ok, rec in results:
            yield self._put(i, rec) if ok else self._worker_failed(i, rec)

    def _worker_failed(self, i: int, what: str) -> dict[str, Any]:
        job = self.jobs[i]
        return self._put(i, _failure(job, INTERNAL, f"proses pekerja gagal ({what}); buku kerja tidak diubah.",
                                     f"the worker process failed ({what}); the workbook is unchanged.", job.berkas))

    def _dask(self) -> Iterator[dict[str, Any]]:
        try:
            from distributed import Client
        except ImportError as exc:
            raise WorkbookError(NO_CLUSTER, self.klaster or "", "Dask distributed tidak terpasang.",
                                "Dask distributed is not installed.", "pip install 'kinerja[klaster]'") from exc
        payload = self.cache.dumps()
        token = hashlib.sha256(payload).hexdigest()[:16]
        try:
            client = Client(self.klaster, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise WorkbookError(NO_CLUSTER, self.klaster or "", f"penjadwal Dask tidak dapat dihubungi ({exc}).",
                                f"the Dask scheduler cannot be reached ({exc}).",
                                "Periksa alamatnya (tcp://host:8786) dan bahwa `dask scheduler` berjalan.",
                                "Check the address (tcp://host:8786) and that `dask scheduler` is running.") from exc
        with client:
            [shared] = client.scatter([payload], broadcast=True)
            run_id = f"{token}-{time.time_ns()}"
            futures = {client.submit(_dask_task, job, token, shared, language(), pure=False,
                                     key=f"kinerja-{run_id}-{i}"): i for i, job in enumerate(self.jobs)}
            pending = set(futures)
            while pending:
                finished = {f for f in pending if f.done()}
                pending -= finished
                for fut in finished:
                    yield self._take(futures[fut], fut)
                if self.interrupted:
                    # tasks a worker has taken run to the end of their (atomic) write; the queued ones are
                    # cancelled at the scheduler
                    taken = {k for keys in client.processing().values() for k in keys}
                    client.cancel([f for f in pending if f.key not in taken])
                    for fut in pending:
                        if fut.key in taken:
                            try:
                                fut.result()
                            except Exception:  # noqa: BLE001 - reported by _take
                                pass
                            yield self._take(futures[fut], fut)
                    return
                if not finished:
                    time.sleep(self.POLL / 4)


def run(jobs: list[Job], **kwargs: Any) -> list[dict[str, Any]]:
    """Run every job; the records in the order of the jobs."""
    r = Run(jobs, **kwargs)
    for _ in r.records():
        pass
    return [rec for rec in r.done if rec is not None]
