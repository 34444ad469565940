"""What the plan remembers across Hitung is a function of layout alone and never served for something else: the
natural order of an Audit row's inputs (by their names, whatever their values), the names of a table column's
cells in the derivations (by table, column and row count), and the rows and columns that hold input data (by every
source and which inputs are tables)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine import derivation
from kinerja.engine.interface import CellKey, Inputs
from kinerja.workbooks import audit, plan

NAMES = st.sampled_from(["x", "x1", "x2", "x10", "x01", "a[2].b", "a[10].b", "a[1].b", "b", "t[3].c", "t[12].c"])


@settings(max_examples=200, deadline=None)
@given(st.lists(NAMES, unique=True, max_size=8), st.lists(st.integers(0, 99), min_size=8, max_size=8))
def test_inputs_in_natural_order_whatever_was_remembered(names, values):
    first = [(n, Decimal(v), f"S!C{v}") for n, v in zip(names, values)]
    again = [(n, Decimal(v + 1), "") for n, v in zip(names, values)]  # the same names, other values and places
    for inputs in (first, again, list(reversed(first))):
        assert audit._in_natural_order(inputs) == sorted(inputs, key=audit._natural_first)


def test_column_cell_names_grow_and_stay_apart():
    derivation._CELLS.clear()
    assert derivation._cells("t", "c", 0) == ()
    short = derivation._cells("t", "c", 2)
    longer = derivation._cells("t", "c", 11)
    other = derivation._cells("t", "d", 3)
    assert longer[:2] == short[:2]
    for cells, column in ((longer, "c"), (other, "d")):
        assert len(cells) >= (11 if column == "c" else 3)
        for i, (key, name) in enumerate(cells):
            assert key == CellKey("t", i, column) and name == str(key) == f"t[{i + 1}].{column}"


def test_data_places_remembered_only_for_the_same_sources_and_tables():
    plan._PLACES.clear()
    base = Inputs(tables={"t": []}, sources={CellKey("t", 0, "a"): "'Isian A'!C7", "x": "'Isian A'!C3",
                                             "t": "'Isian A'!B6", "y": "data.yaml: x"})
    moved = Inputs(tables={"t": []}, sources={**base.sources, CellKey("t", 0, "a"): "'Isian A'!D8"})
    not_a_table = Inputs(tables={}, sources=dict(base.sources))
    for inputs in (base, moved, not_a_table, base):
        assert plan.data_places(inputs) == plan._data_places(inputs)
    assert plan.data_places(base) == ({"Isian A": frozenset({7, 3})}, {"Isian A": frozenset({3})})
    assert plan.data_places(moved)[0] == {"Isian A": frozenset({8, 3})}
    assert plan.data_places(not_a_table)[0] == {"Isian A": frozenset({7, 3, 6})}  # a table's own place is not a row
