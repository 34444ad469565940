"""``kinerja banding A B``: what changed between two rule sets, read from their core forms, and its effect.

Both rule sets are loaded, checked and lowered (:mod:`kinerja.engine.lower`); the comparison reads only the core
form, so it sees what the engine computes — a weight inherited from a parent, a target changed through
``perluas``, a 0/0 rule inherited from an index — never the text of the files. Formulas are compared as core
expressions (names resolved, spans and spelling left out). Given data, both are evaluated on it and every
capaian is listed before, after, and the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any

from ..engine import Tracer, evaluate, input_specs, load_rules
from ..engine import core as c
from ..engine.inherit import YEAR_PARAM
from ..engine.interface import InputProblem
from ..engine.lower import lower
from ..engine.values import TANPA_DATA, Galat, format_id

_SKIP = ("span", "text", "formula", "label", "node")


def canon(x: Any) -> str:
    """A core expression as a canonical string: equal meaning → equal string (spans and spelling ignored)."""
    if isinstance(x, c.Obj):
        return f"@{x.name}"
    if isinstance(x, Decimal):
        return format(x.normalize(), "f")
    if is_dataclass(x):
        inner = ",".join(f"{f.name}={canon(getattr(x, f.name))}" for f in fields(x) if f.name not in _SKIP)
        return f"{type(x).__name__}({inner})"
    if isinstance(x, (tuple, list)):
        return "[" + ",".join(canon(i) for i in x) + "]"
    return repr(x)


def _zero_rules(x: Any, out: list | None = None) -> list:
    out = [] if out is None else out
    if isinstance(x, c.Ratio):
        out.append("tanpa_data" if x.zero is None else format(x.zero.normalize(), "f"))
    if isinstance(x, c.Obj):
        return out
    if is_dataclass(x):
        for f in fields(x):
            if f.name not in _SKIP:
                _zero_rules(getattr(x, f.name), out)
    elif isinstance(x, (tuple, list)):
        for i in x:
            _zero_rules(i, out)
    return out


def _strip_zero(text: str) -> str:
    import re

    return re.sub(r"zero=[^,)]*", "zero=*", text)


def _num(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, Decimal):
        return format_id(v.normalize()) if v == v.to_integral() else format_id(v)
    return str(v)


def _rounding(r: c.Rounding | None) -> str:
    return "-" if r is None else f"{r.digits} {r.mode}"


def _param_expr(e: Any) -> str:
    """A parameter's value as the planner wrote it (``75%``), else its canonical form."""
    if isinstance(e, c.Const):
        return e.text.strip() if "%" in e.text else _num(e.value)
    return canon(e)


def _pct(v: Decimal | None) -> str:
    return "-" if v is None else format_id((v * 100).normalize()) + "%"


def _weights(idx: c.Index) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    e = idx.expr
    if isinstance(e, c.SubIndexSum):
        for obj, w in e.children:
            out[f"sub-indeks {obj.name}"] = w
    elif isinstance(e, c.Composite):
        for d in e.dimensions:
            out[f"dimensi {d.name}"] = d.weight
            for comp in d.components:
                if comp.weight is not None:
                    out[f"dimensi {d.name} › indikator {comp.id}"] = comp.weight
    return out


def _components(idx: c.Index) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(idx.expr, c.Composite):
        for d in idx.expr.dimensions:
            for comp in d.components:
                out[f"dimensi {d.name} › indikator {comp.id}"] = canon(comp.expr) + f"|terbalik={comp.inverted}"
    return out


@dataclass
class Item:
    action: str  # tambah | hapus | ubah
    kind: str
    id: str
    what: str = ""  # for ubah: which property
    before: str = ""
    after: str = ""

    def text(self) -> str:
        sign = {"tambah": "+", "hapus": "-", "ubah": "~"}[self.action]
        if self.action == "ubah":
            return f"{sign} {self.kind} {self.id}: {self.what} {self.before} → {self.after}"
        extra = f" ({self.after or self.before})" if (self.after or self.before) else ""
        return f"{sign} {self.kind} {self.id}{extra}"

    def to_dict(self) -> dict[str, str]:
        return {"aksi": self.action, "jenis": self.kind, "id": self.id, "sifat": self.what,
                "sebelum": self.before, "sesudah": self.after}


@dataclass
class Effect:
    id: str
    jenis: str
    before: Any
    after: Any

    @property
    def diff(self) -> Decimal | None:
        if isinstance(self.before, Decimal) and isinstance(self.after, Decimal):
            return self.after - self.before
        return None

    @property
    def changed(self) -> bool:
        return canon(self.before) != canon(self.after)

    def to_dict(self) -> dict[str, Any]:
        def js(v):
            if isinstance(v, Decimal):
                return float(v)
            if v is TANPA_DATA:
                return "tanpa_data"
            if isinstance(v, Galat):
                return f"galat: {v.message}"
            return v

        return {"id": self.id, "jenis": self.jenis, "sebelum": js(self.before), "sesudah": js(self.after),
                "selisih": js(self.diff), "berubah": self.changed}


@dataclass
class Comparison:
    a: str
    b: str
    items: list[Item] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    value_effects: list[Effect] = field(default_factory=list)  # `nilai` (budget totals, NKA, …): not a capaian
    data: str = ""
    problems_a: list[InputProblem] = field(default_factory=list)  # why a capaian is galat: the inputs' problems
    problems_b: list[InputProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"aturan_a": self.a, "aturan_b": self.b, "perubahan": [i.to_dict() for i in self.items],
                "data": self.data, "akibat": [e.to_dict() for e in self.effects],
                "akibat_nilai": [e.to_dict() for e in self.value_effects],
                "masalah_masukan": {"a": [p.to_dict() for p in self.problems_a],
                                    "b": [p.to_dict() for p in self.problems_b]}}

    def text(self, lang: str = "id") -> str:
        w = _WORDS[lang]
        out = [f"{w['title']} {self.a} → {self.b}", "", f"{w['changes']} ({len(self.items)})"]
        out += [f"  {i.text()}" for i in self.items] or [f"  ({w['none']})"]
        if self.data:
            changed = [e for e in self.effects if e.changed]
            out += ["", f"{w['effects']} (data: {self.data})",
                    f"  {w['object']:<34} {w['before']:>12} {w['after']:>12} {w['diff']:>10}"]
            for e in changed:
                diff = e.diff
                d = "-" if diff is None else ("+" if diff > 0 else "") + format_id(diff, 2)
                out.append(f"  {e.jenis + ' ' + e.id:<34} {_show(e.before, lang):>12} {_show(e.after, lang):>12} "
                           f"{d:>10}")
            rest = len(self.effects) - len(changed)
            out.append(f"  ({rest} {w['unchanged']})")
            moved = [e for e in self.value_effects if e.changed]
            if moved:  # a parameter or a table formula may change values and no capaian
                out += ["", f"{w['value_effects']}",
                        f"  {w['object']:<34} {w['before']:>18} {w['after']:>18} {w['diff']:>14}"]
                for e in moved:
                    diff = e.diff
                    d = "-" if diff is None else ("+" if diff > 0 else "") + format_id(diff)
                    out.append(f"  {'nilai ' + e.id:<34} {_show(e.before, lang, None):>18} "
                               f"{_show(e.after, lang, None):>18} {d:>14}")
                out.append(f"  ({len(self.value_effects) - len(moved)} {w['values_unchanged']})")
            for name, problems in ((self.a, self.problems_a), (self.b, self.problems_b)):
                if problems:
                    out += ["", f"{w['problems']} {name} ({len(problems)})"]
                    out += [f"  - {p.message if lang == 'id' else (p.message_en or p.message)}" for p in problems[:12]]
                    if len(problems) > 12:
                        out.append(f"  … {w['more'].format(n=len(problems) - 12)}")
        return "\n".join(out)


_WORDS = {
    "id": {"title": "Banding", "changes": "PERUBAHAN ATURAN", "none": "tidak ada", "effects": "AKIBAT PADA CAPAIAN",
           "object": "objek", "before": "sebelum", "after": "sesudah", "diff": "selisih",
           "unchanged": "capaian lain tidak berubah", "problems": "MASALAH MASUKAN",
           "more": "dan {n} lagi (lihat --json)", "no_data": "tanpa data", "error": "galat",
           "value_effects": "AKIBAT PADA NILAI LAIN", "values_unchanged": "nilai lain tidak berubah"},
    "en": {"title": "Compare", "changes": "RULE CHANGES", "none": "none", "effects": "EFFECT ON CAPAIAN",
           "object": "object", "before": "before", "after": "after", "diff": "difference",
           "unchanged": "other capaian unchanged", "problems": "INPUT PROBLEMS",
           "more": "and {n} more (see --json)", "no_data": "no data", "error": "error",
           "value_effects": "EFFECT ON OTHER VALUES", "values_unchanged": "other values unchanged"},
}


def _show(v: Any, lang: str = "id", places: int | None = 2) -> str:
    """A figure of the effect tables: capaian with 2 decimals; values (``places=None``) with every decimal they have."""
    if v is None:
        return f"({_WORDS[lang]['none']})"
    if v is TANPA_DATA:
        return _WORDS[lang]["no_data"]
    if isinstance(v, Galat):
        return _WORDS[lang]["error"]
    if isinstance(v, Decimal):
        return format_id(v, 2) if places == 2 else format_id(v)
    return str(v)


def _diff_keys(items: list[Item], kind: str, a: dict, b: dict, describe=lambda o: "") -> list[str]:
    for k in a:
        if k not in b:
            items.append(Item("hapus", kind, k, before=describe(a[k])))
    for k in b:
        if k not in a:
            items.append(Item("tambah", kind, k, after=describe(b[k])))
    return [k for k in a if k in b]


def compare_rules(ca: c.CoreRules, cb: c.CoreRules) -> list[Item]:
    items: list[Item] = []

    def prop(kind, ident, what, x, y, show=_num):
        if canon(x) != canon(y):
            items.append(Item("ubah", kind, ident, what, show(x), show(y)))

    # inputs and tables
    inputs_a = {**ca.inputs, **{t: "tabel" for t in ca.tables}}
    inputs_b = {**cb.inputs, **{t: "tabel" for t in cb.tables}}
    for k in _diff_keys(items, "masukan", inputs_a, inputs_b, lambda kind: kind):
        prop("masukan", k, "jenis", inputs_a[k], inputs_b[k], str)
    for k in _diff_keys(items, "sasaran", ca.sasaran, cb.sasaran):
        sa, sb = ca.sasaran[k], cb.sasaran[k]
        gone = [i for i in sa.indicators if i not in sb.indicators]
        new = [i for i in sb.indicators if i not in sa.indicators]
        if gone or new:
            items.append(Item("ubah", "sasaran", k, "indikator", ", ".join(sa.indicators), ", ".join(sb.indicators)))
        prop("sasaran", k, "capaian", sa.expr.mode, sb.expr.mode, str)
    for k in _diff_keys(items, "indikator", ca.indicators, cb.indicators, lambda i: f"sasaran {i.sasaran}"):
        ia, ib = ca.indicators[k], cb.indicators[k]
        prop("indikator", k, "target", ia.target, ib.target)
        prop("indikator", k, "arah", ia.direction, ib.direction, str)
        prop("indikator", k, "satuan", ia.unit, ib.unit, str)
        prop("indikator", k, "sasaran", ia.sasaran, ib.sasaran, str)
        prop("indikator", k, "bulat", (ia.rounding.digits, ia.rounding.mode), (ib.rounding.digits, ib.rounding.mode),
             lambda r: f"{r[0]} {r[1]}")
        if _strip_zero(canon(ia.expr)) != _strip_zero(canon(ib.expr)):
            items.append(Item("ubah", "indikator", k, "realisasi", ia.formula, ib.formula))
        prop("indikator", k, "nol_per_nol", _zero_rules(ia.expr), _zero_rules(ib.expr), lambda z: ", ".join(z) or "-")
    for k in _diff_keys(items, "indeks", ca.indices, cb.indices):
        xa, xb = ca.indices[k], cb.indices[k]
        prop("indeks", k, "target", xa.target, xb.target)
        prop("indeks", k, "skala", xa.scale, xb.scale)
        prop("indeks", k, "bulat", xa.rounding, xb.rounding, _rounding)
        wa, wb = _weights(xa), _weights(xb)
        for part in dict.fromkeys([*wa, *wb]):
            if canon(wa.get(part)) != canon(wb.get(part)):
                items.append(Item("ubah", "indeks", k, f"bobot {part}", _pct(wa.get(part)), _pct(wb.get(part))))
        fa, fb = _components(xa), _components(xb)
        for part in dict.fromkeys([*fa, *fb]):
            if part not in fa or part not in fb:
                items.append(Item("tambah" if part in fb else "hapus", "indeks", f"{k} {part}"))
            elif _strip_zero(fa[part]) != _strip_zero(fb[part]):
                items.append(Item("ubah", "indeks", k, f"rumus {part}", "", ""))
            elif fa[part] != fb[part]:
                items.append(Item("ubah", "indeks", k, f"nol_per_nol {part}", "", ""))
    for k in _diff_keys(items, "nilai", ca.values, cb.values):
        if canon(ca.values[k].expr) != canon(cb.values[k].expr):
            items.append(Item("ubah", "nilai", k, "rumus", ca.values[k].formula, cb.values[k].formula))
        prop("nilai", k, "bulat", ca.values[k].rounding, cb.values[k].rounding, _rounding)
    # parameters: formulas name them (``@bobot_capaian_ro``), so a changed weight shows only here
    # (``tahun_berlaku`` is made from ``pengaturan { berlaku }``, listed with the settings)
    params_a = {k: p for k, p in ca.params.items() if k != YEAR_PARAM}
    params_b = {k: p for k, p in cb.params.items() if k != YEAR_PARAM}
    for k in _diff_keys(items, "parameter", params_a, params_b, lambda p: _param_expr(p.expr)):
        prop("parameter", k, "nilai", ca.params[k].expr, cb.params[k].expr, _param_expr)
    for k in [t for t in ca.tables if t in cb.tables]:  # added/removed tables are listed with the inputs
        ra = {col.name: col for col in ca.tables[k].computed}
        rb = {col.name: col for col in cb.tables[k].computed}
        for col in _diff_keys(items, f"kolom hasil {k}", ra, rb):
            if canon(ra[col].expr) != canon(rb[col].expr):
                items.append(Item("ubah", "tabel", k, f"kolom hasil {col}", ra[col].formula, rb[col].formula))
    for k in _diff_keys(items, "periksa", ca.checks, cb.checks):
        if canon(ca.checks[k].condition) != canon(cb.checks[k].condition):
            items.append(Item("ubah", "periksa", k, "syarat", "", ""))
    for k in dict.fromkeys([*ca.settings, *cb.settings]):
        prop("pengaturan", k, "nilai", ca.settings.get(k), cb.settings.get(k), str)
    return items


def compare(ref_a: str, ref_b: str, data: list[str] | None = None, buku: str | None = None) -> Comparison:
    """The semantic difference of two rule sets and, given data files or a workbook (read once per rule set,
    each by its own input names, with the same reading rules as `kinerja hitung`), the effect on every capaian."""
    ka, kb = load_rules(ref_a), load_rules(ref_b)
    cmp = Comparison(ka.rules.name, kb.rules.name, compare_rules(lower(ka), lower(kb)))
    if data or buku:
        if buku:
            from ..workbooks.ooxml import Package
            from ..workbooks.reader import read_inputs_from

            pkg = Package(buku)  # parsed once, read with each rule set's inputs
            ia, ib = read_inputs_from(pkg, input_specs(ka)), read_inputs_from(pkg, input_specs(kb))
            cmp.data = str(buku).rsplit("/", 1)[-1]
        else:
            from ..workbooks.datafile import read_data

            ia, ib = read_data(list(data), input_specs(ka), ka), read_data(list(data), input_specs(kb), kb)
            cmp.data = ", ".join(str(d).rsplit("/", 1)[-1] for d in data)
        ra = evaluate(ka, ia, Tracer(False))
        rb = evaluate(kb, ib, Tracer(False))
        cmp.problems_a, cmp.problems_b = list(ia.problems), list(ib.problems)
        for jenis, da, db in (("sasaran", ra.sasaran, rb.sasaran), ("indikator", ra.indicators, rb.indicators),
                              ("indeks", ra.indices, rb.indices)):
            for k in dict.fromkeys([*da, *db]):
                before = da[k].capaian if k in da else None
                after = db[k].capaian if k in db else None
                cmp.effects.append(Effect(k, jenis, before, after))
        for k in dict.fromkeys([*ra.values, *rb.values]):
            before = ra.values[k].nilai if k in ra.values else None
            after = rb.values[k].nilai if k in rb.values else None
            cmp.value_effects.append(Effect(k, "nilai", before, after))
    return cmp
