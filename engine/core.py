"""The core form: what every reader of a rule set reads (evaluator, Excel translator, derivation views, findings).

:mod:`kinerja.engine.lower` turns checked rules into this small set of typed nodes, once. Everything the surface
language leaves implicit is explicit here and written in exactly one place (the lowering):

- every name is resolved (an input, a table column, a cell of the current row, another object);
- every ratio carries its 0/0 rule (inherited from its indicator, its index or its parents, or the settings);
- every object carries its rounding (own, inherited from parent indices, or the setting);
- indices are expanded into components (with ``terbalik``), dimensions (mean skipping no data, or indicator
  weights) and the weighted sum on the index scale; sub-indices into a weighted sum of their children;
- capaian is a node with its direction, its target and its rounding; a sasaran's capaian is a node with its mode.

Nodes are immutable and compared by identity (a node is one place in one rule). ``span`` points back at the
surface construct the node came from (for derivations and messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Union

from . import model as m

#: The 0/0 rule of a ratio: ``None`` = no data (tanpa data), else the score the ratio takes (e.g. 100).
ZeroRule = Union[Decimal, None]


class Node:
    __slots__ = ()
    span: m.Span | None


def _node(cls):
    return dataclass(frozen=True, eq=False, slots=True)(cls)


# ---- leaves ----
@_node
class Const(Node):
    value: Any  # Decimal | str | bool | TANPA_DATA
    text: str  # as written (``90%``, ``"Kanwil"``, ``benar``)
    span: m.Span | None = None


@_node
class Input(Node):
    name: str
    kind: str  # declared kind (persen values show with a % sign)
    span: m.Span | None = None


@_node
class Column(Node):
    """All rows of one column of a table input (a list), e.g. ``ilk.nilai``."""

    table: str
    column: str
    span: m.Span | None = None


@_node
class Cell(Node):
    """A bare column name inside ``per_baris`` or an ``untuk`` filter: that column of the current row."""

    column: str
    computed: bool  # a ``per_baris`` column (computed) rather than an input column
    span: m.Span | None = None


@_node
class Obj(Node):
    """Another object's value: indicator realisasi, index nilai, a ``nilai`` or a parameter (memoised)."""

    name: str
    kind: str
    span: m.Span | None = None


# ---- arithmetic and logic ----
@_node
class ListOf(Node):
    items: tuple[Node, ...]
    span: m.Span | None = None


@_node
class Neg(Node):
    operand: Node
    span: m.Span | None = None


@_node
class Not(Node):
    operand: Node
    span: m.Span | None = None


@_node
class Arith(Node):
    """``+ - * /``; a division by zero is no data."""

    op: str
    left: Node
    right: Node
    span: m.Span | None = None


@_node
class Compare(Node):
    op: str  # == != < <= > >=
    left: Node
    right: Node
    span: m.Span | None = None


@_node
class Member(Node):
    """``x di [a, b, …]``: true when x equals one of the items (no data or an error in x is kept)."""

    operand: Node
    items: tuple[Node, ...]
    span: m.Span | None = None


@_node
class Logic(Node):
    op: str  # dan | atau
    left: Node
    right: Node
    span: m.Span | None = None


@_node
class Cond(Node):
    cond: Node
    then: Node
    other: Node
    span: m.Span | None = None


@_node
class Ratio(Node):
    """``num / den × 100`` with its 0/0 rule; ``inverted``: lower is better, enters as 100 − ratio (a 0/0 scored
    by the rule is already the score and is not inverted). ``node`` names the object for observations."""

    num: Node
    den: Node
    zero: ZeroRule
    node: str
    inverted: bool = False
    span: m.Span | None = None


@_node
class Invert(Node):
    """``100 − x`` (a ``terbalik`` component that is not a plain ratio)."""

    operand: Node
    span: m.Span | None = None


@_node
class Growth(Node):
    """``(now − last) / last × 100``; last year 0 is no data."""

    now: Node
    last: Node
    span: m.Span | None = None


@_node
class Round(Node):
    """Round to ``digits`` decimals: ``setengah_naik`` (half away from zero) or ``potong`` (toward zero)."""

    operand: Node
    digits: int
    mode: str
    func: str = "bulat"  # the surface function (bulat | potong), for the derivation text
    span: m.Span | None = None


@_node
class Exists(Node):
    operand: Node
    span: m.Span | None = None


@_node
class Abs(Node):
    operand: Node
    span: m.Span | None = None


@_node
class Arg(Node):
    """One argument of an aggregate; ``where`` filters the rows of ``table`` (an ``untuk`` clause)."""

    expr: Node
    where: Node | None = None
    table: str | None = None
    span: m.Span | None = None


@_node
class Agg(Node):
    """jumlah | rata_rata | min | maks | banyak over all argument values, no data skipped, errors win."""

    func: str
    args: tuple[Arg, ...]
    span: m.Span | None = None


@_node
class WeightedMean(Node):
    values: Arg
    weights: Arg
    span: m.Span | None = None


# ---- composite indices ----
@_node
class Component(Node):
    """One indicator inside an index (realisasi in %); ``weight`` is its own weight, if the dimension has any."""

    id: str
    label: str
    expr: Node
    weight: Decimal | None
    inverted: bool
    formula: str
    span: m.Span | None = None


@_node
class Dimension(Node):
    """Mean of its components (no data skipped) × the dimension weight, or Σ component × own weight."""

    name: str
    components: tuple[Component, ...]
    weight: Decimal
    weighted: bool
    span: m.Span | None = None
    ident: str = ""  # the dimension's id in the rules (``langsung``: the index's direct indicators)


@_node
class Composite(Node):
    """An index from its dimensions: Σ dimension values / 100 × scale."""

    dimensions: tuple[Dimension, ...]
    scale: Decimal
    span: m.Span | None = None


@_node
class SubIndexSum(Node):
    """An index from its sub-indices: Σ child × weight."""

    children: tuple[tuple[Obj, Decimal], ...]
    span: m.Span | None = None


# ---- capaian ----
@_node
class Capaian(Node):
    """Capaian by direction: naik ``r / t × 100``; turun ``(2t − r) / t × 100``; no target → no data."""

    realisasi: Obj
    target: Decimal | None
    direction: str  # naik | turun
    digits: int
    kind: str  # kind of realisasi and target, for display
    span: m.Span | None = None


@_node
class SasaranMean(Node):
    """Mean of the indicators' capaian; ``lewati_tanpa_data`` skips no data, ``tanpa_data_jika_ada`` gives no data."""

    capaian: tuple[tuple[str, Capaian], ...]
    mode: str
    digits: int
    span: m.Span | None = None


# ---- objects ----
@dataclass(frozen=True)
class Rounding:
    digits: int
    mode: str = "setengah_naik"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    expr: Node
    rounding: Rounding
    unit: str
    kind: str
    direction: str
    target: Decimal | None
    capaian: Capaian
    sasaran: str
    eselon: str
    source: str
    formula: str
    span: m.Span


@dataclass(frozen=True)
class Index:
    id: str
    name: str
    expr: Composite | SubIndexSum
    rounding: Rounding
    scale: Decimal | None
    target: Decimal | None
    capaian: Capaian
    source: str
    parent: str
    span: m.Span


@dataclass(frozen=True)
class Sasaran:
    id: str
    name: str
    expr: SasaranMean
    eselon: str
    indicators: tuple[str, ...]
    source: str
    span: m.Span


@dataclass(frozen=True)
class Value:
    name: str
    label: str
    expr: Node
    rounding: Rounding | None
    kind: str
    source: str
    group: str
    section: str
    formula: str
    span: m.Span


@dataclass(frozen=True)
class Param:
    name: str
    expr: Node
    span: m.Span


@dataclass(frozen=True)
class ComputedColumn:
    name: str
    expr: Node
    formula: str
    span: m.Span


@dataclass(frozen=True)
class TableColumn:
    name: str
    kind: str
    required: bool


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[TableColumn, ...]
    computed: tuple[ComputedColumn, ...] = ()
    key: tuple[str, ...] = ()  # ``kunci``: the columns identifying a row (kept when the row is a duplicate)

    @cached_property
    def _computed_by_name(self) -> dict[str, ComputedColumn]:
        return {cc.name: cc for cc in self.computed}

    def computed_column(self, name: str) -> ComputedColumn:
        """The ``per_baris`` column ``name`` (KeyError when the table computes no such column)."""
        return self._computed_by_name[name]


@dataclass(frozen=True)
class Check:
    id: str
    condition: Node
    parts: tuple[Any, ...]  # message pieces: str, or a Node placeholder
    message: str
    level: str
    subject: str
    span: m.Span


@dataclass(frozen=True)
class Same:
    """``sama``: one quantity printed in several places; ``items`` = (name, node, place in the report)."""

    id: str
    label: str
    items: tuple[tuple[str, Node, str], ...]
    level: str
    span: m.Span


@dataclass
class CoreRules:
    """A checked rule set in core form. ``objects`` is every named object (for :class:`Obj` lookups)."""

    name: str
    inputs: dict[str, str]  # input name → kind
    required: dict[str, bool]
    tables: dict[str, Table]
    params: dict[str, Param]
    values: dict[str, Value]
    indicators: dict[str, Indicator]
    indices: dict[str, Index]
    sasaran: dict[str, Sasaran]
    checks: dict[str, Check]
    settings: dict[str, Any] = field(default_factory=dict)
    same: dict[str, Same] = field(default_factory=dict)

    def object(self, name: str) -> Indicator | Index | Value | Param:
        return (self.indicators.get(name) or self.indices.get(name) or self.values.get(name)
                or self.params[name])
