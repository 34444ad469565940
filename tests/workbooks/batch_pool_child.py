"""Run by tests/workbooks/test_batch_pool.py in a fresh interpreter: a scenario of `kinerja batch --jobs 2` whose
workers are planted with a patch of ``recalc_one`` that a forked worker inherits. It must run in a process with
no other thread (pytest's process has some once other tests ran, and then the pool does not fork: the patch
would not reach the workers). Prints the records as JSON, one object.

``python batch_pool_child.py SCENARIO OUT WORKBOOK…`` with SCENARIO ``pids`` (every record tagged with the pid
of the process that made it) or ``worker_dies`` (a worker exits with code 3 on its first workbook)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from kinerja.workbooks import batch as b


def main() -> None:
    scenario, out, books = sys.argv[1], sys.argv[2], sys.argv[3:]
    assert threading.active_count() == 1 and b.pool_context().get_start_method() == "fork"
    parent = os.getpid()
    real = b.recalc_one

    def traced(job, rules=None):
        if os.getpid() == parent:
            time.sleep(0.2)  # the worker, forked meanwhile, takes its share however slow the machine
        elif scenario == "worker_dies":
            os._exit(3)
        rec = real(job, rules)
        if scenario == "pids":
            rec["hasil"]["_pid"] = os.getpid()
        return rec

    b.recalc_one = traced
    recs = b.run(b.plan(books, keluaran=out), workers=2)
    print(json.dumps({"parent": parent, "records": recs}, default=str))


if __name__ == "__main__":
    main()
