"""Hitung button benchmark: the live adapter (xlwings' Book API, remote engine) vs the file recalculation, and
``kinerja server`` answering HTTP requests one at a time and 8 at once.

`python benchmarks/bench_live.py [repeats]` prints median times and ratios measured in the same run. Needs
XLWINGS_LICENSE_KEY (set to ``noncommercial`` here when absent). Excel itself is not timed (no Excel on Linux):
on Windows the COM round trips of writing ~400 cells and the Audit block come on top.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from _timing import timed  # noqa: E402
from kinerja.server import create_app, load_rule_sets  # noqa: E402
from kinerja.workbooks.live import hitung  # noqa: E402
from kinerja.workbooks.recalc import recalculate_workbook  # noqa: E402
from kinerja.workbooks.remote import open_payload  # noqa: E402
from kinerja.workbooks.tombol import pasang_tombol  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "workbooks"))
from payload import payload_of  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rules = load_rule_sets(["pk2024-sumsel"])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "contoh.xlsx"
        shutil.copy(SAMPLE, src)
        book_path = Path(tmp) / "contoh.xlsm"
        pasang_tombol(src, book_path)
        payload = payload_of(book_path)
        t_file = timed(lambda: recalculate_workbook(book_path), repeats)
        t_live = timed(lambda: hitung(open_payload(payload), allowed=rules), repeats)

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(TOKEN, rules), host="127.0.0.1", port=port,
                                               log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/hitung"
        with httpx.Client(timeout=120) as client:
            t_http = timed(lambda: client.post(url, json=payload, headers={"Authorization": TOKEN}).raise_for_status(),
                           repeats)

        def burst() -> None:
            def one(_):
                with httpx.Client(timeout=120) as c:
                    c.post(url, json=payload, headers={"Authorization": TOKEN}).raise_for_status()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(one, range(8)))

        t_burst = timed(burst, max(1, repeats // 2))
        server.should_exit = True
    size = len(str(payload)) / 1024
    print(f"file recalculation (kinerja hitung)   {t_file * 1000:8.1f} ms")
    print(f"live hitung (Book API, remote engine) {t_live * 1000:8.1f} ms")
    print(f"server, one HTTP request              {t_http * 1000:8.1f} ms   (payload ~{size:.0f} KiB)")
    print(f"server, 8 concurrent requests         {t_burst * 1000:8.1f} ms")
    print(f"ratio live / file                     {t_live / t_file:8.2f}")
    print(f"ratio HTTP / live                     {t_http / t_live:8.2f}")
    print(f"ratio 8 concurrent / 8 × one          {t_burst / (8 * t_http):8.2f}")


if __name__ == "__main__":
    main()
