"""Build the shipped sample workbook ``workbooks/contoh-pk2024-sumsel.xlsx``.

It is what an operator's workbook looks like after a year's work: the template of the bundled rule set
``pk2024-sumsel``, filled with the figures of the LKjIP 2024 report (``datafile.bundled_data``)
and — when the recalculation is available — recalculated, so the Ringkasan and Audit sheets show results.
Regenerate it after changing the rules, the data or the template layout::

    python -m kinerja.workbooks.buat_contoh [KELUARAN.xlsx]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..engine import input_specs, load_rules
from .datafile import bundled_data, read_data
from .template import build_template

RULES = "pk2024-sumsel"
SAMPLE = Path(__file__).with_name(f"contoh-{RULES}.xlsx")


def build_sample(dest: Path = SAMPLE) -> tuple[Path, bool]:
    """Template → fill → recalculate (if :mod:`kinerja.workbooks.recalc` exists). Returns (path, recalculated)."""
    checked = load_rules(RULES)
    specs = input_specs(checked)
    inputs = read_data(bundled_data(RULES), specs, checked)
    if inputs.problems:
        raise SystemExit("data contoh bermasalah: " + "; ".join(p.message for p in inputs.problems))
    build_template(checked, dest, rules_ref=RULES, overwrite=True, inputs=inputs, specs=specs)
    try:
        from .recalc import recalculate_workbook
    except ImportError:
        return dest, False
    recalculate_workbook(dest, aturan=None, keluaran=None)
    return dest, True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dest, recalculated = build_sample(Path(args[0]) if args else SAMPLE)
    state = "dihitung ulang" if recalculated else "belum dihitung (kinerja.workbooks.recalc belum ada)"
    print(f"contoh ditulis ke {dest}: templat {RULES} terisi data LKjIP 2024, {state}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
