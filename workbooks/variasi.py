"""Unit workbooks with varied, plausible data — for batch tests, consolidation examples and the benchmark.

Starts from a rule set's bundled data (PK 2024: the LKjIP 2024 figures) and varies it the way units differ:
every numerator is a share (85–100 %) of its denominator's original numerator, survey values move by up to
±0.3 on their 0–4 scale, survey respondent counts and other counts scale by 0.5–1.5. Deterministic per seed.
The result is the template of the rule set filled with those inputs (not yet recalculated), as an operator
sends it: ``python -m kinerja.workbooks.variasi FOLDER N`` writes N of them.
"""

from __future__ import annotations

import random
import shutil
from decimal import Decimal
from pathlib import Path

from ..engine import input_specs, load_rules
from ..engine.interface import Inputs, InputSpec
from ..engine.loader import bundled_dir
from .datafile import read_data
from .fill import fill_workbook
from .template import build_template

RULES = "pk2024-sumsel"


def varied_inputs(base: Inputs, specs: list[InputSpec], rng: random.Random) -> Inputs:
    kinds = {s.name: s for s in specs}
    values: dict = {}
    for name, v in base.values.items():
        spec = kinds.get(name)
        if not isinstance(v, Decimal) or spec is None or spec.kind not in ("cacah", "rupiah"):
            values[name] = v
        elif name.endswith("_pembilang"):
            values[name] = Decimal(int(v * Decimal(str(round(rng.uniform(0.85, 1.0), 3)))))
        elif name.endswith("_penyebut") or name.endswith("_tahun_lalu"):
            values[name] = v
        else:
            values[name] = Decimal(int(v * Decimal(str(round(rng.uniform(0.5, 1.5), 3)))))
    tables: dict = {}
    for name, rows in base.tables.items():
        cols = {c.name: c.kind for c in (kinds[name].columns or ())} if name in kinds else {}
        out = []
        for row in rows:
            new = dict(row)
            for col, v in row.items():
                if not isinstance(v, Decimal):
                    continue
                if cols.get(col) == "indeks":
                    new[col] = max(Decimal(0), min(Decimal(4), (v + Decimal(str(round(rng.uniform(-0.3, 0.3), 2))))
                                                   .quantize(Decimal("0.01"))))
                elif cols.get(col) == "cacah" and col == "responden":
                    new[col] = Decimal(max(1, int(v * Decimal(str(round(rng.uniform(0.5, 1.5), 2))))))
            out.append(new)
        tables[name] = out
    return Inputs(values=values, tables=tables, sources=dict(base.sources), origin=base.origin)


def build_varied(dest_dir: str | Path, n: int, *, seed: int = 0, prefix: str = "upt",
                 distinct: int | None = None) -> list[Path]:
    """``n`` filled PK 2024 workbooks ``<prefix>01.xlsx`` … in ``dest_dir`` (created if missing).

    ``distinct``: only that many different data sets, the rest are copies of them (cheaper to build)."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    checked = load_rules(RULES)
    specs = input_specs(checked)
    base = read_data([bundled_dir() / RULES / "data-lkjip-2024.yaml"], specs)
    rng = random.Random(seed)
    template = dest_dir / f".{prefix}-templat.xlsx"
    build_template(checked, template, rules_ref=RULES, overwrite=True, specs=specs)
    out: list[Path] = []
    for i in range(1, n + 1):
        dest = dest_dir / f"{prefix}{i:02d}.xlsx"
        if distinct is not None and i > distinct:
            shutil.copyfile(out[(i - 1) % distinct], dest)
        else:
            fill_workbook(template, varied_inputs(base, specs, rng), out_path=dest, specs=specs)
        out.append(dest)
    template.unlink()
    return out


if __name__ == "__main__":  # pragma: no cover
    import sys

    folder, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for p in build_varied(folder, count):
        print(p)
