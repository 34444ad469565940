"""Engine benchmark: load+check the bundled rule set, evaluate PK 2024 with and without the trace, find findings.

Prints timings (median of repeats) and ratios measured in the same run — compare ratios, not absolute
seconds, between machines: `python benchmarks/bench_engine.py [repeats] [--bandingkan REV]`.

With a git checkout, the same evaluation is also timed on the engine of an earlier revision (default: the
last one before the core form, ``BASELINE``), extracted with ``git archive`` into a temporary directory and run
in a subprocess in this same run, so the speed-up is a ratio of two measurements on one machine at one time.
Targets (issue 7): evaluation ≤ 5 ms without trace, with trace ≤ 2× that, 10× faster than before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from _timing import timed

BASELINE = "493de91"  # the engine before the core form (issue 7)
REPO = Path(__file__).resolve().parents[1]

_MEASURE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/kinerja/benchmarks")
from _timing import timed
from kinerja.engine import NO_TRACE, Tracer, evaluate, input_specs, load_rules
from kinerja.engine.loader import bundled_dir
from kinerja.workbooks.datafile import read_data
checked = load_rules("pk2024-sumsel")
inputs = read_data([bundled_dir() / "pk2024-sumsel" / "data-lkjip-2024.yaml"], input_specs(checked))
evaluate(checked, inputs, NO_TRACE)
n = int(sys.argv[2])
print(json.dumps({"plain": timed(lambda: evaluate(checked, inputs, NO_TRACE), n),
                  "trace": timed(lambda: evaluate(checked, inputs, Tracer()), n)}))
"""


def baseline(rev: str, repeats: int) -> dict | None:
    """Evaluation times of the engine at ``rev`` (None without git or that revision)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        try:
            subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), rev], check=True,
                           capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            return None
        dest = Path(tmp) / "kinerja"
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        out = subprocess.run([sys.executable, "-c", _MEASURE, tmp, str(repeats)], capture_output=True, text=True,
                             env=env, cwd=tmp)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return None
        return json.loads(out.stdout)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rev = sys.argv[sys.argv.index("--bandingkan") + 1] if "--bandingkan" in sys.argv else BASELINE
    if rev in args:
        args.remove(rev)
    repeats = int(args[0]) if args else 20

    from kinerja.engine import NO_TRACE, Tracer, evaluate, input_specs, load_rules
    from kinerja.engine.findings import find
    from kinerja.engine.loader import bundled_dir
    from kinerja.engine.syntax import parser as _parser
    from kinerja.workbooks.datafile import read_data

    _parser()  # grammar compilation happens once per process; measured separately below
    t_grammar = timed(lambda: (_parser.cache_clear(), _parser()), 3)
    from kinerja.engine import cache

    t_load = timed(lambda: (cache.clear(), load_rules("pk2024-sumsel")), max(3, repeats // 4))
    t_again = timed(lambda: load_rules("pk2024-sumsel"), repeats)
    checked = load_rules("pk2024-sumsel")
    inputs = read_data([bundled_dir() / "pk2024-sumsel" / "data-lkjip-2024.yaml"], input_specs(checked))
    evaluate(checked, inputs, NO_TRACE)  # the core form is lowered once per rule set, here
    t_plain = timed(lambda: evaluate(checked, inputs, NO_TRACE), repeats)
    t_trace = timed(lambda: evaluate(checked, inputs, Tracer()), repeats)
    result = evaluate(checked, inputs, Tracer())
    t_render = timed(lambda: [o.step for o in evaluate(checked, inputs, Tracer()).all_objects()], repeats)
    t_find = timed(lambda: find(result), repeats)
    n = len(result.indicators) + len(result.indices) + len(result.sasaran) + len(result.values)
    print(f"grammar compile          {t_grammar * 1000:8.2f} ms")
    print(f"load + check pk2024      {t_load * 1000:8.2f} ms   (first load: parse and check)")
    print(f"load again (cache hit)   {t_again * 1000:8.2f} ms   (target ≤ 10 ms)")
    print(f"evaluate (no trace)      {t_plain * 1000:8.2f} ms   ({n} objects; target ≤ 5 ms)")
    print(f"evaluate (trace)         {t_trace * 1000:8.2f} ms   (events recorded, no text)")
    print(f"evaluate + derivations   {t_render * 1000:8.2f} ms   (every object's derivation rendered)")
    print(f"findings                 {t_find * 1000:8.2f} ms   ({len(find(result))} temuan)")
    print(f"ratio trace / no trace   {t_trace / t_plain:8.2f}   (target ≤ 2)")
    print(f"ratio load / evaluate    {t_load / t_plain:8.2f}")
    print(f"evaluations per second   {1 / t_plain:8.0f}   (no trace, rules loaded once)")
    old = baseline(rev, repeats)
    if old is None:
        print(f"baseline {rev}: not available (no git checkout)")
        return
    print(f"baseline {rev} (no trace) {old['plain'] * 1000:8.2f} ms   → {old['plain'] / t_plain:5.1f}× faster now")
    print(f"baseline {rev} (trace)    {old['trace'] * 1000:8.2f} ms   → {old['trace'] / t_trace:5.1f}× faster now")


if __name__ == "__main__":
    main()
