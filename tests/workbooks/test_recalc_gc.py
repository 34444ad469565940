"""One recalculation runs with the garbage collector paused (recalc.collector_paused): the tens of thousands of
objects a workbook allocates are freed by reference counting, and the ≈ 50 collections they would trigger find
little to collect (docs/batch.md). The caller's collector state is what it was afterwards, also on an error."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from kinerja.engine import KinerjaError
from kinerja.workbooks.recalc import recalculate_workbook

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


@pytest.fixture
def collections():
    seen: list[str] = []

    def note(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


def test_no_collection_while_a_workbook_is_recalculated(tmp_path, collections):
    book = shutil.copy(SAMPLE, tmp_path / "contoh.xlsx")
    assert gc.isenabled()
    recalculate_workbook(book)
    # at most the one collection of its young objects as the collector is switched on again (≈ 160 without)
    assert collections in ([], [0])
    assert gc.isenabled()


def test_the_collector_is_on_again_after_an_error_and_stays_off_for_a_caller_that_had_it_off(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan zip")
    with pytest.raises(KinerjaError):
        recalculate_workbook(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        recalculate_workbook(shutil.copy(SAMPLE, tmp_path / "contoh.xlsx"))
        assert not gc.isenabled()
    finally:
        gc.enable()
