"""A recalculation leaves no cyclic garbage (docs/kecepatan.md, eighth round).

Everything a recalculation does not keep must be freed by reference counting the moment it is dropped: a batch
pauses the collector while one workbook is recalculated, and whatever was left in reference cycles (the
evaluator's dispatch table of its own bound methods, a result and its renderer pointing at each other, a package
and the closures of its sheets' cells, a recursive nested function) was walked by the next collections — ≈ 4 600
objects a workbook, with every event of the evaluation hanging off them. ``gc.collect()`` returns how many
unreachable objects it found: zero after a recalculation, with the collector off from the start.
"""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.workbooks import batch as b
from kinerja.workbooks.buat_contoh import SAMPLE
from kinerja.workbooks.ooxml import Package
from kinerja.workbooks.reader import read_inputs_from
from kinerja.workbooks.recalc import recalculate_workbook
from kinerja.workbooks.writer import CellWrite, write_back


def unreachable_after(fn) -> int:
    """How many objects ``fn()`` left in reference cycles (found by a full collection, none run meanwhile)."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        fn()
        return gc.collect()
    finally:
        if was:
            gc.enable()


def noted(dest: Path, text: str) -> Path:
    """The sample with a note typed into a sheet: bytes no memory of an earlier recalculation has seen."""
    write_back(SAMPLE, out_path=dest, cells={"'Setjen'!AD1": CellWrite(text)})
    return dest


def test_evaluation_with_every_derivation_rendered_leaves_no_cycle():
    checked = load_rules("pk2024-sumsel")
    inputs = read_inputs_from(Package(SAMPLE), input_specs(checked))
    shown = []

    def run():
        result = evaluate(checked, inputs, Tracer())
        for o in result.all_objects():  # rendered after the evaluator let go of everything
            shown.append(o.step.line() if o.step else "")
            shown.append(o.capaian_step.line() if o.capaian_step else "")
        for key in list(result.row_steps.events):
            shown.append(result.row_steps[key].line())

    assert unreachable_after(run) == 0
    assert len(shown) > 300 and any("×" in s for s in shown)


def test_a_recalculation_and_a_batch_record_leave_no_cycle(tmp_path):
    recalculate_workbook(noted(tmp_path / "hangat.xlsx", "hangat"))  # rules loaded, memories warm
    first = noted(tmp_path / "satu.xlsx", "satu")
    assert unreachable_after(lambda: recalculate_workbook(first, keluaran=tmp_path / "satu-hasil.xlsx")) == 0
    second = noted(tmp_path / "dua.xlsx", "dua")
    records = []
    assert unreachable_after(lambda: records.append(b.recalc_one(b.Job(str(second)), load_rules))) == 0
    assert records[0]["status"] in ("ok", "temuan") and records[0]["hasil"]["indikator"]


def test_a_package_is_freed_by_reference_counting_and_its_cells_still_read_from_the_tree(tmp_path):
    path = shutil.copyfile(SAMPLE, tmp_path / "contoh.xlsx")
    pkg = Package(path)
    cells = pkg.cells("Setjen")
    plain = [(r, c, cells.get(r, c)) for r in range(1, 40) for c in range(1, 6)]
    gone = weakref.ref(pkg)
    was = gc.isenabled()
    gc.disable()
    try:
        del pkg
        assert gone() is None  # no cycle through the cells' way back to the tree
    finally:
        if was:
            gc.enable()
    tree = cells._to_tree()  # a row the text reader does not know sends the sheet to the tree: parsed anew
    assert [(r, c, tree.get(r, c)) for r, c, _ in plain] == plain
    assert any(cell.kind != "empty" for _, _, cell in plain)


def test_the_summary_is_made_when_asked_in_the_language_of_the_recalculation(tmp_path):
    """A batch record never prints the summary, so it is made when first read — as it would have been made then."""
    from kinerja.engine.errors import set_language
    from kinerja.engine.report import summary_text

    book = noted(tmp_path / "contoh.xlsx", "ringkasan")
    set_language("id")
    try:
        outcome = recalculate_workbook(book)
        expected = summary_text(outcome.result, outcome.findings, "id")
        set_language("en")  # switched before the summary is first read
        text = outcome.summary
    finally:
        set_language(None)
    assert text.startswith(expected) and f"Ditulis ke {book}: {outcome.written_cells} sel keluaran" in text
    assert outcome.summary is text


def test_a_batch_record_never_makes_the_summary(tmp_path, monkeypatch):
    import kinerja.workbooks.recalc as recalc

    def refused(*_a, **_k):
        raise AssertionError("summary made for a batch record")

    monkeypatch.setattr(recalc, "summary_text", refused)
    rec = b.recalc_one(b.Job(str(noted(tmp_path / "contoh.xlsx", "tanpa ringkasan"))), load_rules)
    assert rec["status"] in ("ok", "temuan"), rec["galat"]
