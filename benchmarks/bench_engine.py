"""Engine benchmark: load+check the bundled rule set, evaluate PK 2024 with and without tracing, find findings.

Prints timings (median of repeats) and ratios measured in the same run — compare ratios, not absolute
seconds, between machines: `python benchmarks/bench_engine.py [repeats]`.
"""

from __future__ import annotations

import sys

from _timing import timed
from kinerja.engine import NO_TRACE, Tracer, evaluate, input_specs, load_rules
from kinerja.engine.findings import find
from kinerja.engine.loader import bundled_dir
from kinerja.engine.parser import _parser
from kinerja.workbooks.datafile import read_data


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    _parser()  # grammar compilation happens once per process; measured separately below
    t_grammar = timed(lambda: (_parser.cache_clear(), _parser()), 3)
    t_load = timed(lambda: load_rules("pk2024-sumsel"), max(3, repeats // 4))
    checked = load_rules("pk2024-sumsel")
    inputs = read_data([bundled_dir() / "pk2024-sumsel" / "data-lkjip-2024.yaml"], input_specs(checked))
    t_plain = timed(lambda: evaluate(checked, inputs, NO_TRACE), repeats)
    t_trace = timed(lambda: evaluate(checked, inputs, Tracer()), repeats)
    result = evaluate(checked, inputs, Tracer())
    t_find = timed(lambda: find(result), repeats)
    n = len(result.indicators) + len(result.indices) + len(result.sasaran) + len(result.values)
    print(f"grammar compile          {t_grammar * 1000:8.2f} ms")
    print(f"load + check pk2024      {t_load * 1000:8.2f} ms")
    print(f"evaluate (no trace)      {t_plain * 1000:8.2f} ms   ({n} objects)")
    print(f"evaluate (trace)         {t_trace * 1000:8.2f} ms")
    print(f"findings                 {t_find * 1000:8.2f} ms   ({len(find(result))} temuan)")
    print(f"ratio trace / no trace   {t_trace / t_plain:8.2f}")
    print(f"ratio load / evaluate    {t_load / t_plain:8.2f}")
    print(f"evaluations per second   {1 / t_plain:8.0f}   (no trace, rules loaded once)")


if __name__ == "__main__":
    main()
