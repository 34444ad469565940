"""The local pool of a batch run, in which the coordinating process works too.

``--jobs N`` runs N - 1 worker processes and the coordinator itself. Every process takes the next job from one
shared counter (a ``multiprocessing.Value`` in shared memory, under its lock) when it is free: no job is handed
to a process before it can start it, so the work stays balanced to the last workbook, and the coordinator never
waits on a worker holding a queue of jobs. The coordinator is warm (kinerja imported, the rules loaded, its
memories filled by its own workbooks) and needs no pipe for its own records; a worker writes each record into
a pipe of its own (wide enough for many records, so it does not wait), which the coordinator drains between its
own workbooks and at the end; the end of the pipe is the end of the worker, whatever ended it.

This module knows nothing of workbooks: a task is any picklable function of one item, run in a worker after its
initializer; its result is returned as it is, an exception it raises as its text. A worker that dies (killed,
out of memory) loses only the item it held (:attr:`PullPool.lost`); the others go on, the coordinator included.
Stopping (:meth:`PullPool.stop`): no process takes a new item; those started finish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

_LOCAL = -1  # the coordinator's slot
_PIPE_BYTES = 1 << 20  # a worker's pipe holds ~25 records unread (Linux; 64 KiB elsewhere): it never waits


def _worker(slot: int, counter, stopped, claimed, out, items: Sequence[Any], task: Callable[[Any], Any],
            initializer: Callable[..., None], initargs: tuple) -> None:
    initializer(*initargs)
    while (i := _claim(counter, stopped, claimed, slot, len(items))) is not None:
        try:
            msg = (i, True, task(items[i]))
        except Exception as exc:  # noqa: BLE001 - reported for this item; the worker goes on
            msg = (i, False, f"{type(exc).__name__}: {exc}")
        out.send(msg)  # in the pipe before the next item is taken: a worker that dies later loses nothing it did
    out.close()


def _claim(counter, stopped, claimed, slot: int, n: int) -> int | None:
    with counter.get_lock():
        i = counter.value
        if stopped.value or i >= n:
            return None
        counter.value = i + 1
        if slot != _LOCAL:
            claimed[slot] = i
        return i


def _widen(conn) -> None:
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (ImportError, OSError):  # not Linux, or above the system's limit: the default size, only slower
        pass


class PullPool:
    """``workers`` processes (started from ``ctx`` by the constructor: forked at once, else by a thread while the
    caller goes on) and the caller share ``items``. The caller takes items with :meth:`claim` and collects the
    workers' results with :meth:`results`."""

    def __init__(self, ctx, workers: int, items: Sequence[Any], task: Callable[[Any], Any],
                 initializer: Callable[..., None], initargs: tuple):
        self.n = len(items)
        self._counter = ctx.Value("q", 0)
        self._stopped = ctx.Value("b", 0, lock=False)  # read under the counter's lock, set without it
        self._claimed = ctx.Array("q", [-1] * workers, lock=False)
        self._procs: list = []
        self._readers: dict = {}  # a worker's pipe → its slot, while it is open
        self._got: set[int] = set()
        #: item index → what became of the worker that held it (exit code), for items whose worker died first
        self.lost: dict[int, str] = {}
        #: why the workers could not be started, if they could not (the caller then does every item itself)
        self.start_failed: str | None = None
        args = (items, task, initializer, initargs)
        self._starting = None
        if ctx.get_start_method() == "fork":  # at once (milliseconds), and never from a thread
            self._start(ctx, workers, args)
        else:  # a fork server or a new interpreter answers only when ready: the caller works meanwhile
            import threading

            self._starting = threading.Thread(target=self._start, args=(ctx, workers, args), daemon=True,
                                              name="kinerja-pool-start")
            self._starting.start()

    def _start(self, ctx, workers: int, args: tuple) -> None:
        procs, readers = [], {}
        try:
            for slot in range(workers):
                reader, writer = ctx.Pipe(duplex=False)
                _widen(writer)
                p = ctx.Process(target=_worker, daemon=True,
                                args=(slot, self._counter, self._stopped, self._claimed, writer, *args))
                p.start()
                writer.close()  # the worker's own end: its pipe ends (EOF) when the worker does
                procs.append(p)
                readers[reader] = slot
        except Exception as exc:  # noqa: BLE001 - no (more) workers: the caller takes what they would have
            self.start_failed = f"{type(exc).__name__}: {exc}"
        self._procs, self._readers = procs, readers  # published whole, for the caller's thread

    def claim(self) -> int | None:
        """The next item for the caller to do itself, or None when every item is taken (or the pool stopped)."""
        return _claim(self._counter, self._stopped, self._claimed, _LOCAL, self.n)

    def stop(self) -> None:
        """No process takes another item. Safe in a signal handler: one byte written, no lock taken (the
        handler may run while this process holds the counter's lock)."""
        self._stopped.value = 1

    def results(self, wait: bool) -> Iterator[tuple[int, bool, Any]]:
        """``(index, ok, result or error text)`` of what the workers finished: with ``wait`` until every
        worker has ended (then :attr:`lost` says which items died with their worker), else what has arrived."""
        from multiprocessing.connection import wait as ready

        if self._starting is not None:
            if not wait and self._starting.is_alive():
                return
            self._starting.join()
            self._starting = None
        while self._readers:
            got_any = False
            for reader in ready(list(self._readers), timeout=None if wait else 0):
                got_any = True
                try:
                    got = reader.recv()
                except EOFError:  # the worker has ended
                    self._ended(self._readers.pop(reader))
                    reader.close()
                    continue
                self._got.add(got[0])
                yield got
            if not (got_any or wait):
                return

    def _ended(self, slot: int) -> None:
        p = self._procs[slot]
        p.join()
        if p.exitcode != 0 and self._claimed[slot] >= 0 and self._claimed[slot] not in self._got:
            self.lost[self._claimed[slot]] = f"exit code {p.exitcode}"
