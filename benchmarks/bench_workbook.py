"""Workbook benchmark: recalculating the PK 2024 sample workbook vs evaluating the same data from YAML.

`python benchmarks/bench_workbook.py [repeats]` prints the median time of each step and the ratios measured in
the same run (read inputs / write back / whole recalculation against the pure evaluation), then what the
defences against hostile packages cost (issue 13): the same recalculation of a workbook carrying an unused member
that inflates to 3 GiB (copied compressed, so it should cost about what its 3 MB of compressed bytes cost to
copy), and the expat checks made around every spliced part against the splice itself.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

from _timing import timed
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.loader import bundled_dir
from kinerja.workbooks import xmltext as X
from kinerja.workbooks.datafile import read_data
from kinerja.workbooks.ooxml import NS, Package
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
    hostile(repeats, t_recalc)


def with_bomb(src: Path, dest: Path, gib: int = 3) -> None:
    """``src`` plus a member ``xl/media/bom.bin`` of ``gib`` GiB of zeros, deflated without compressing it
    ``gib`` times (after a full flush every 64 MiB segment compresses to the same bytes)."""
    unit = bytes(64 * 2**20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    seg = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    n = gib * 16
    data = first + seg * (n - 1) + c.flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(unit, crc)
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info, zin.read(info))
        info = zipfile.ZipInfo("xl/media/bom.bin", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type, info.CRC = zipfile.ZIP_DEFLATED, crc
        info.compress_size, info.file_size = len(data), n * len(unit)
        z.fp.seek(z.start_dir)
        info.header_offset = z.fp.tell()
        z.fp.write(info.FileHeader(None) + data)
        z.start_dir = z.fp.tell()
        z.filelist.append(info)
        z.NameToInfo[info.filename] = info
    dest.write_bytes(buf.getvalue())


def hostile(repeats: int, t_recalc: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bom.xlsx"
        with_bomb(SAMPLE, bomb)
        t_bomb = timed(lambda: recalculate_workbook(bomb), repeats)
        size = bomb.stat().st_size
        pkg = Package(SAMPLE)
        part = max((s.part for s in pkg.sheets() if s.part and s.is_worksheet), key=lambda p: len(pkg.read(p)))
        text = pkg.text(part)
        t_check = timed(lambda: (X.uniform_prefix(text, NS), X.check_well_formed(text.encode())), repeats * 4)
        edits = {(r, 30): (lambda old, r=r: f'<c r="AD{r}"><v>{r}</v></c>') for r in range(1, 200)}
        t_splice = timed(lambda: X.edit_sheet_cells(text, edits), repeats * 4)
    print(f"recalculate with a 3 GiB member {t_bomb * 1000:8.1f} ms   ({size / 2**20:.1f} MiB file, member copied raw)")
    print(f"ratio bomb / plain recalculate  {t_bomb / t_recalc:8.2f}")
    print(f"expat checks of one sheet part  {t_check * 1000:8.2f} ms   ({len(text) / 1024:.0f} KiB, {part})")
    print(f"splice 199 cells into it        {t_splice * 1000:8.2f} ms")
    print(f"ratio checks / splice           {t_check / t_splice:8.2f}")


if __name__ == "__main__":
    main()
