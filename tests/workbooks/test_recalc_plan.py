"""The PLAN step of a recalculation is pure data: inputs + rules → every write, with no file or workbook object;
applying that plan to a file gives exactly what `recalculate_workbook` writes."""

from __future__ import annotations

import pickle
from decimal import Decimal

from kinerja.engine import input_specs, load_rules
from kinerja.workbooks import layout
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.plan import SheetPlan, WritePlan
from kinerja.workbooks.reader import read_inputs_from, workbook_names_from
from kinerja.workbooks.recalc import apply_to_file, plan_recalc, recalculate_workbook
from kinerja.workbooks.writer import CellWrite, read_meta
from test_recalc import NOW, build, rules  # noqa: F401  (fixture)


def test_plan_is_plain_data_and_apply_matches_recalculate(tmp_path, rules):  # noqa: F811
    path = build(tmp_path / "buku.xlsx", outputs=True)
    twin = tmp_path / "kembar.xlsx"
    twin.write_bytes(path.read_bytes())
    checked = load_rules(str(rules))
    pkg = Package(path)
    inputs = read_inputs_from(pkg, input_specs(checked))
    inputs.origin = path.name
    recorded = layout.recorded_rules(str(rules), path.parent)  # as recalculate_workbook records it: "aturan"
    rc = plan_recalc(checked, inputs, workbook_names_from(pkg), {}, aturan=recorded, now=NOW)
    plan = rc.plan
    assert isinstance(plan, WritePlan)
    pickle.loads(pickle.dumps(plan))  # no file handle, no workbook object inside
    assert plan.cells[layout.output_name("realisasi", "rb")] == CellWrite(Decimal("100.00"))
    audit = plan.sheets[layout.AUDIT_SHEET]
    assert isinstance(audit, SheetPlan)
    assert any(c is not None and c.value == "55 / 55 × 100% = 100%" for row in audit.rows for c in row)
    assert plan.meta[layout.META_VERSION] == checked.rules.version
    assert path.read_bytes() == twin.read_bytes()  # planning touched nothing

    apply_to_file(path, plan)
    recalculate_workbook(twin, aturan=str(rules), now=NOW)
    assert path.read_bytes() == twin.read_bytes()
    assert read_meta(path)[layout.META_RULES] == "aturan"
