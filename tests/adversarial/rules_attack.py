"""Run the ``kinerja`` command on a hostile input in a child process with a memory and CPU ceiling.

The ceiling is enforced by the operating system (``resource.setrlimit``: address space 500 MB, CPU 10 s) and
measured from the child's own resource usage (``os.wait4``), so a case that would exhaust memory or loop ends
as a failed test instead of taking the machine down; a case that blocks (a FIFO) is killed after
:data:`WALL_SECONDS`.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MEMORY_BYTES = 500 * 1024 * 1024
CPU_SECONDS = 10
#: Wall-clock bound: generous because the test machines run several suites side by side; CPU is the real
#: 10 s ceiling, this one catches a process that blocks instead of computing.
WALL_SECONDS = 60

RUNNER = "import sys; from kinerja.cli import main; sys.argv[0] = 'kinerja'; main()"


def _limits() -> None:  # runs in the child, before Python starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


@dataclass
class Run:
    code: int  # exit status, or -signal
    stdout: str
    stderr: str
    cpu_seconds: float
    max_rss_bytes: int
    wall_seconds: float
    timed_out: bool

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_kinerja(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    out, err = cwd / ".stdout", cwd / ".stderr"
    full_env = {**os.environ, "KINERJA_BAHASA": "id", **(env or {})}
    full_env.pop("KINERJA_DEBUG", None)
    start = time.monotonic()
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, *args], cwd=cwd, stdout=fo, stderr=fe,
                                stdin=subprocess.DEVNULL, env=full_env, preexec_fn=_limits)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > WALL_SECONDS:
                timed_out = True
                os.kill(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    return Run(proc.returncode, out.read_text(encoding="utf-8", errors="replace"),
               err.read_text(encoding="utf-8", errors="replace"), usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss * 1024, time.monotonic() - start, timed_out)


def assert_bounded(run: Run) -> None:
    """No internal error, no traceback, no kill by a limit; within 500 MB and 10 s of CPU."""
    assert not run.timed_out, f"blocked: killed after {WALL_SECONDS} s\n{run.output[-2000:]}"
    assert run.code >= 0, f"killed by signal {-run.code} (a resource limit?)\n{run.output[-2000:]}"
    assert "galat internal" not in run.output and "internal kinerja error" not in run.output, run.output[-3000:]
    assert "Traceback" not in run.output, run.output[-3000:]
    assert run.max_rss_bytes < MEMORY_BYTES, f"{run.max_rss_bytes / 2**20:.0f} MB"
    assert run.cpu_seconds < CPU_SECONDS, f"{run.cpu_seconds:.1f} s CPU"
