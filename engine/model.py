"""The typed rule model: one frozen dataclass per construct, each with the source span it came from.

Built from the parse tree by :mod:`kinerja.engine.parser`; merged across files, includes and ``perluas`` by
:mod:`kinerja.engine.loader`; checked by :mod:`kinerja.engine.checker`; evaluated by
:mod:`kinerja.engine.evaluator`. Nothing here evaluates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0
    text: str = ""  # the exact source text of the construct (formulas: as the planner wrote them)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


NOSPAN = Span("<bawaan>", 0, 0)


# ---- expressions ---------------------------------------------------------------------------------------
class Expr:
    span: Span


@dataclass(frozen=True)
class Num(Expr):
    value: Decimal
    percent: bool
    span: Span


@dataclass(frozen=True)
class Str(Expr):
    value: str
    span: Span


@dataclass(frozen=True)
class Bool(Expr):
    value: bool
    span: Span


@dataclass(frozen=True)
class NoDataLit(Expr):
    span: Span


@dataclass(frozen=True)
class Ref(Expr):
    parts: tuple[str, ...]
    span: Span

    @property
    def name(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Arg:
    expr: Expr
    where: Expr | None = None


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Arg, ...]
    span: Span


@dataclass(frozen=True)
class Ratio(Expr):
    num: Expr
    den: Expr
    span: Span


@dataclass(frozen=True)
class Growth(Expr):
    now: Expr
    last: Expr
    span: Span


@dataclass(frozen=True)
class ListExpr(Expr):
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # + - * / == != < <= > >= dan atau
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr
    span: Span


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr
    span: Span


@dataclass(frozen=True)
class If(Expr):
    cond: Expr
    then: Expr
    other: Expr
    span: Span


# ---- declarations --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rounding:
    digits: int
    mode: str = "setengah_naik"
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Setting:
    name: str
    expr: Expr
    span: Span


@dataclass(frozen=True)
class Param:
    name: str
    expr: Expr
    span: Span


@dataclass(frozen=True)
class Target:
    id: str
    expr: Expr
    span: Span
    derived_from: str = ""  # an index's target taken from the one indicator whose realisasi is the index


@dataclass(frozen=True)
class Input:
    name: str
    kind: str
    label: str
    required: bool
    span: Span
    group: str = ""
    kind_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    label: str
    required: bool
    span: Span
    kind_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    columns: tuple[Column, ...]
    span: Span
    group: str = ""
    key: tuple[str, ...] = ()  # ``kunci a, b``: the columns whose values identify a row (empty: not declared)
    key_spans: tuple[Span, ...] = field(default=(), compare=False)  # one per key column, where it is written


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    span: Span
    sasaran: str = ""
    unit: str = "persen"
    direction: str = "naik"
    formula: Expr | None = None
    rounding: Rounding | None = None
    zero_rule: str | None = None  # "tanpa_data" | "100" | "0" … (None: rule-set default)
    source: str = ""
    word_spans: tuple = field(default=(), compare=False)  # (("unit", Span), ("direction", Span))
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole

    @property
    def realisasi_of(self) -> str | None:
        """The object this indicator's realisasi is, when its formula names that object alone (``realisasi =
        iphp``: the indicator is measured on an index), else None."""
        return self.formula.name if isinstance(self.formula, Ref) else None


@dataclass(frozen=True)
class Sasaran:
    id: str
    name: str
    span: Span
    indicators: tuple[str, ...] = ()
    group: str = ""
    mode: str | None = None  # None: rule-set default
    source: str = ""
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole


@dataclass(frozen=True)
class Component:
    """A constituent indicator of a composite index (realisasi in %)."""

    id: str
    name: str
    formula: Expr | None  # None only in a partial override (`indikator x bobot 20%`) before merging
    span: Span
    weight: Expr | None = None
    inverted: bool = False
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    weight: Expr | None  # None only in a partial override (`dimensi x { … }`) before merging
    components: tuple[Component, ...]
    span: Span
    source: str = ""
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole


@dataclass(frozen=True)
class Index:
    id: str  # full dotted id, e.g. "iphp.pelayanan_tahanan"
    name: str
    span: Span
    scale: Decimal | None = None  # None: inherited from the parent index
    weight: Expr | None = None  # weight inside the parent index
    children: tuple["Index", ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    components: tuple[Component, ...] = ()  # direct indicators: one implicit dimension of 100%
    rounding: Rounding | None = None
    zero_rule: str | None = None
    source: str = ""
    group: str = ""
    parent: str = ""
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole


@dataclass(frozen=True)
class Grouping:
    """``kelompok TABEL menurut FUNGSI(KOLOM) { nilai … }``: one value per group of the table's rows.

    ``func`` derives a row's group from ``column`` by the rule set's own structure (``eselon``: the Eselon I of
    the sasaran/indicator id in the column; ``sasaran``: the sasaran of the indicator id). ``names`` are the
    block's value names (inside the block a bare name of the block means the same group's value)."""

    table: str
    func: str
    column: str
    names: tuple[str, ...]
    span: Span
    func_span: Span | None = field(default=None, compare=False)
    column_span: Span | None = field(default=None, compare=False)
    table_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Value:
    name: str
    label: str
    formula: Expr
    span: Span
    rounding: Rounding | None = None
    source: str = ""
    group: str = ""
    section: str = ""
    kind: str = ""  # declared kind (overrides the inferred one), e.g. `nilai nka: angka = …`
    kind_span: Span | None = field(default=None, compare=False)
    grouping: Grouping | None = None  # a `kelompok` block's value (expanded per group by engine/kelompok.py)
    group_key: str = ""  # an expanded value: the group it is for (e.g. "pas"); its template is `template`
    template: str = ""


@dataclass(frozen=True)
class RowAssign:
    name: str
    formula: Expr
    span: Span
    kind: str = ""
    kind_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RowsBlock:
    table: str
    assigns: tuple[RowAssign, ...]
    span: Span
    alias: str = ""
    section: str = ""


@dataclass(frozen=True)
class Check:
    id: str
    message: str
    level: str
    condition: Expr
    span: Span
    group: str = ""
    level_span: Span | None = field(default=None, compare=False)
    subject: str = ""  # the object the check is about (an indicator, index, table …); default: the check id
    subject_span: Span | None = field(default=None, compare=False)
    parts: tuple = ()  # the message as text pieces and Expr placeholders ("… {maks(t.responden)} responden")


@dataclass(frozen=True)
class SameItem:
    ref: Ref
    source: str = ""


@dataclass(frozen=True)
class Same:
    """``sama ID "judul" { a sumber "…"  b sumber "…" }``: one quantity printed in several places must agree."""

    id: str
    label: str
    items: tuple[SameItem, ...]
    span: Span
    level: str = "tinggi"
    level_span: Span | None = field(default=None, compare=False)
    group: str = ""


@dataclass(frozen=True)
class RekapItem:
    """``rekap { input = cara(opsi, …) }``: how one input combines across unit workbooks (kinerja rekap)."""

    input: str
    cara: str  # jumlah | rata_rata | rata_rata_berbobot | gabung | sama | identitas (checked by the checker)
    opsi: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class RekapUnit:
    """``rekap { unit "…" }``: one unit whose workbook a consolidation expects."""

    name: str
    span: Span


@dataclass(frozen=True)
class Eselon:
    id: str
    name: str
    division: str
    span: Span
    source: str = ""
    written: frozenset = field(default=frozenset(), compare=False)  # properties written in the source (merging)
    replace: bool = field(default=False, compare=False)  # `ganti`: replaces an inherited block whole


@dataclass(frozen=True)
class Removal:
    """`hapus JENIS id` in a child rule set (or a removal it implies: the indicators of a removed sasaran)."""

    kind: str  # indikator | sasaran | masukan | tabel | target | indeks | nilai | periksa
    id: str
    span: Span  # the `hapus` line that caused it
    cause: str = ""  # for an implied removal: what removed it ("sasaran bphn_s2", "tidak dipakai lagi")


@dataclass(frozen=True)
class Change:
    """One thing a child rule set changed in what it inherited (listed by `periksa --perubahan`)."""

    action: str  # tambah | ubah | ganti | hapus | timpa
    kind: str  # indikator, sasaran, indeks, dimensi, target, masukan, …
    id: str
    span: Span
    detail: str = ""


@dataclass
class RuleFile:
    """Everything declared in one file, in source order (mutable while the parser fills it)."""

    path: str
    text: str
    header: tuple[str, str] | None = None
    unit: str = ""
    includes: list[tuple[str, Span]] = field(default_factory=list)
    extends: list[tuple[str, Span]] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    eselons: list[Eselon] = field(default_factory=list)
    sasaran: list[Sasaran] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    indices: list[Index] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    rows: list[RowsBlock] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    same: list[Same] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    rekap: list[RekapItem] = field(default_factory=list)
    rekap_units: list[RekapUnit] = field(default_factory=list)


@dataclass
class RuleSet:
    """A whole rule set after includes and ``perluas`` are merged (child declarations override the parent's)."""

    name: str
    title: str = ""
    unit: str = ""
    version: str = ""  # hash of every file that makes up the rule set
    files: dict[str, str] = field(default_factory=dict)  # path → text
    settings: dict[str, Setting] = field(default_factory=dict)
    params: dict[str, Param] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    eselons: dict[str, Eselon] = field(default_factory=dict)
    sasaran: dict[str, Sasaran] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    indices: dict[str, Index] = field(default_factory=dict)  # top-level and nested, by full id
    values: dict[str, Value] = field(default_factory=dict)
    rows: dict[str, RowsBlock] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    same: dict[str, Same] = field(default_factory=dict)  # sama: quantities printed twice that must agree
    rekap: dict[str, RekapItem] = field(default_factory=dict)  # input name → how it consolidates
    rekap_units: dict[str, RekapUnit] = field(default_factory=dict)  # expected units, in declaration order
    parents: list[str] = field(default_factory=list)
    removed: dict[str, Removal] = field(default_factory=dict)  # name → the removal (to explain references)
    changes: list[Change] = field(default_factory=list)  # what this set changed in its parents

    def top_indices(self) -> list[Index]:
        return [i for i in self.indices.values() if not i.parent]


def flatten_index(node: Index, parent: str = "", group: str = "") -> list[Index]:
    """Give a nested index and its sub-indices their full dotted id, parent and group; return them flattened
    (parent first). A child id may already be dotted (after inheritance): its last part is used."""
    full = f"{parent}.{node.id.rsplit('.', 1)[-1]}" if parent else node.id
    kids = [flatten_index(c, full, group) for c in node.children]
    flat = [replace(node, id=full, parent=parent, group=group, children=tuple(k[0] for k in kids))]
    for k in kids:
        flat.extend(k)
    return flat
