"""Typed results: one type per object kind, with named fields; the derivation is rendered from events on demand.

``IndicatorResult.realisasi``, ``IndexResult.nilai``, ``SasaranResult.capaian``, ``ValueResult.nilai`` are the
objects' figures. ``value`` (the kind's main figure) and ``meta`` (a dict view of the named fields) remain for
readers written against the earlier untyped result. ``step`` / ``capaian_step`` are the derivation views
(:mod:`kinerja.engine.derivation`) of the recorded events: built when first read, ``None`` without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from . import model as m
from .interface import CellKey, Inputs
from .values import TANPA_DATA, Galat


def status_of(value: Any) -> str:
    if isinstance(value, Galat):
        return "galat"
    if value is TANPA_DATA:
        return "tanpa_data"
    return "ok"


@dataclass
class Observation:
    """A data problem noticed while computing (no printed figure needed), e.g. numerator > denominator."""

    kind: str  # pembilang_melebihi_penyebut | subindeks_di_atas_skala | periksa
    objek: str
    level: str
    message: str
    message_en: str
    values: dict[str, Any] = field(default_factory=dict)
    span: m.Span | None = None


class _Lazy:
    """A derivation Step rendered from an event the first time it is read."""

    def __init__(self, attr: str):
        self.attr = attr

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        cache = obj.__dict__.setdefault("_steps", {})
        if self.name not in cache:
            event = getattr(obj, self.attr)
            cache[self.name] = obj._render(event, self.name) if event is not None else None
        return cache[self.name]


@dataclass
class ObjectResult:
    """What every object result has. ``raw``: the value before the rule's rounding."""

    id: str
    nama: str
    status: str = "ok"  # ok | tanpa_data | galat
    pesan: str = ""
    span: m.Span | None = None
    raw: Any = None
    event: Any = field(default=None, repr=False)
    capaian_event: Any = field(default=None, repr=False)
    renderer: Any = field(default=None, repr=False, compare=False)

    jenis = ""
    step = _Lazy("event")
    capaian_step = _Lazy("capaian_event")

    def _render(self, event, which: str):
        return self.renderer(self, event, which)

    @property
    def value(self) -> Any:  # pragma: no cover - each kind names its own
        raise NotImplementedError

    capaian: Any = None
    target: Decimal | None = None
    raw_capaian: Any = None

    _META: ClassVar[tuple[str, ...]] = ()  # the descriptive fields each kind shows as ``meta`` (JSON, Ringkasan)

    @property
    def meta(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, list) else v for k in self._META for v in [getattr(self, k)]}


@dataclass
class IndicatorResult(ObjectResult):
    realisasi: Any = None
    capaian: Any = None
    target: Decimal | None = None
    raw_capaian: Any = None
    sasaran: str = ""
    eselon: str = ""
    satuan: str = ""
    arah: str = "naik"
    sumber: str = ""
    jenis = "indikator"

    @property
    def value(self) -> Any:
        return self.realisasi

    _META = ("sasaran", "satuan", "arah", "sumber", "eselon")


@dataclass
class IndexResult(ObjectResult):
    nilai: Any = None
    capaian: Any = None
    target: Decimal | None = None
    raw_capaian: Any = None
    skala: Decimal | None = None
    induk: str = ""
    sumber: str = ""
    #: intermediate figures of a composite index (what its calculation table prints): dimension id → value
    #: (percent points, before ÷ 100 × scale), component id → realisasi %, component id → its weighted
    #: contribution (realisasi × own weight; only in dimensions with indicator weights); an index of sub-indices:
    #: sub-index (short id) → its value × its weight
    dimensi: dict[str, Any] = field(default_factory=dict)
    komponen: dict[str, Any] = field(default_factory=dict)
    kontribusi: dict[str, Any] = field(default_factory=dict)
    jenis = "indeks"

    @property
    def value(self) -> Any:
        return self.nilai

    _META = ("skala", "sumber", "induk")


@dataclass
class SasaranResult(ObjectResult):
    capaian: Any = None
    raw_capaian: Any = None
    eselon: str = ""
    indikator: list[str] = field(default_factory=list)
    sumber: str = ""
    jenis = "sasaran"

    @property
    def value(self) -> Any:
        return self.capaian

    _META = ("eselon", "indikator", "sumber")


@dataclass
class ValueResult(ObjectResult):
    nilai: Any = None
    sumber: str = ""
    eselon: str = ""
    bagian: str = ""
    jenis = "nilai"

    @property
    def value(self) -> Any:
        return self.nilai

    _META = ("sumber", "eselon", "bagian")


def cell_key(key) -> CellKey:
    """A table cell's key: a :class:`CellKey`, or a ``(table, row, column)`` tuple from older readers."""
    return key if isinstance(key, CellKey) else CellKey(*key)


class CellValues(dict):
    """:class:`CellKey` → value of a computed table cell (``(table, row, column)`` tuples are accepted too)."""

    def __getitem__(self, key):
        return dict.__getitem__(self, cell_key(key))

    def __setitem__(self, key, value):
        dict.__setitem__(self, cell_key(key), value)

    def __contains__(self, key):
        return dict.__contains__(self, cell_key(key))

    def get(self, key, default=None):
        return dict.get(self, cell_key(key), default)


class _RowSteps(dict):
    """:class:`CellKey` → derivation Step of a computed table cell, rendered from its event when first read."""

    def __init__(self, events: dict, render):
        super().__init__()
        self.events = events
        self.render = render

    def _step(self, key):
        key = cell_key(key)
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, self.render(key, self.events[key]))
        return dict.__getitem__(self, key)

    def __getitem__(self, key):
        return self._step(key)

    def get(self, key, default=None):
        return self._step(key) if cell_key(key) in self.events else default

    def __contains__(self, key):
        return cell_key(key) in self.events

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)

    def items(self):
        return [(k, self._step(k)) for k in self.events]

    def values(self):
        return [self._step(k) for k in self.events]

    def keys(self):
        return self.events.keys()


@dataclass
class Result:
    rules: Any  # CheckedRules
    inputs: Inputs
    indicators: dict[str, IndicatorResult] = field(default_factory=dict)
    indices: dict[str, IndexResult] = field(default_factory=dict)
    sasaran: dict[str, SasaranResult] = field(default_factory=dict)
    values: dict[str, ValueResult] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    row_steps: Any = field(default_factory=dict)  # CellKey → Step of a computed cell (rendered on read)
    row_raw: CellValues = field(default_factory=CellValues)  # CellKey → computed cell before its bulat()
    observations: list[Observation] = field(default_factory=list)
    core: Any = None  # the core form that was evaluated

    def get(self, ident: str) -> ObjectResult | None:
        for d in (self.indicators, self.indices, self.sasaran, self.values):
            if ident in d:
                return d[ident]
        return None

    def all_objects(self) -> list[ObjectResult]:
        return [*self.indicators.values(), *self.indices.values(), *self.sasaran.values(), *self.values.values()]


__all__ = ["CellKey", "CellValues", "IndexResult", "IndicatorResult", "ObjectResult", "Observation", "Result",
           "SasaranResult", "ValueResult", "cell_key", "status_of"]
