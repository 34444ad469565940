"""Data-file loading: a ~5 MB YAML data file (the bundled PK 2024 data plus an 80,000-row survey table) read with
libyaml (``yaml.CSafeLoader`` behind the event pre-check that enforces the depth and alias limits) and with the
pure-Python bounded loader, in one run; prints both times and the ratio.

    python benchmarks/bench_yaml.py [repeats] [rows]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _timing import timed
from kinerja.workbooks import datafile_yaml
from kinerja.workbooks.datafile import bundled_data
from kinerja.workbooks.datafile_yaml import _BoundedLoader, _load_yaml


def python_loader(text: str):
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 80_000
    base = bundled_data()[0].read_text(encoding="utf-8")
    table = "".join(f'    - {{unit: "Satuan kerja {i}", responden: {30 + i % 50}, nilai: {3 + (i % 10) / 10}}}\n'
                    for i in range(rows))
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "besar.yaml"
        p.write_text(base.replace("tabel:\n", "tabel:\n  besar_survei:\n" + table, 1), encoding="utf-8")
        size = p.stat().st_size
        text = p.read_text(encoding="utf-8")
        assert datafile_yaml._compose(text) == python_loader(text)
        fast = timed(lambda: _load_yaml(p), repeats) if datafile_yaml._C_LOADER else None
        saved, datafile_yaml._C_LOADER = datafile_yaml._C_LOADER, None
        try:
            slow = timed(lambda: _load_yaml(p), repeats)
        finally:
            datafile_yaml._C_LOADER = saved
    print(f"data file                    {size / 1e6:.1f} MB ({rows:,} table rows)")
    print(f"pure-Python bounded loader   {slow:6.2f} s")
    if fast is None:
        print("libyaml                      not available (PyYAML built without it)")
        return
    print(f"libyaml + limit pre-check    {fast:6.2f} s   →   {slow / fast:.1f}× faster")


if __name__ == "__main__":
    main()
