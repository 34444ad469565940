"""Inheritance between rule sets, resolved once on the model (before the checker and the lowering read it).

A rule set that ``perluas`` another starts from everything the parent declares; then, in this order:

1. ``hapus JENIS id`` removes an inherited declaration. Removing an indicator removes its target; removing a
   sasaran removes its indicators; removing an index removes its sub-indices. Inputs and tables that then have no
   use left are removed too. Every removal is remembered (``RuleSet.removed``) so that a remaining reference is an
   error that names the ``hapus`` line, never a "did you mean …?".
2. A redeclared block **merges** into the inherited one: only the properties and children written change
   (``sasaran imi_s2 { indikator baru "…" {…} }`` adds an indicator and keeps the others;
   ``indeks iphp.pelayanan_tahanan { dimensi administrasi bobot 40% }`` changes one weight). ``ganti`` before the
   block replaces it whole (indicators of a replaced sasaran that it no longer lists are removed).
   Single declarations (masukan, tabel, nilai, per_baris, periksa, target, parameter, pengaturan) are replaced.
3. Every change is recorded in ``RuleSet.changes`` (``kinerja periksa --perubahan`` lists them).

:func:`finish` runs on the rule set asked for: declarations that are still incomplete (a new block without its
title or weight) are errors, and an index that is the realisasi of an indicator takes that indicator's target
(one index, one target).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import fields, is_dataclass, replace

from . import model as m
from .errors import Diagnostic
from .kelompok import expand as expand_groups
from .ruletext import line_of, source_line

# kind word of `hapus` → RuleSet attribute
KIND_STORE = {"indikator": "indicators", "sasaran": "sasaran", "masukan": "inputs", "tabel": "tables",
              "target": "targets", "indeks": "indices", "nilai": "values", "periksa": "checks",
              "sama": "same"}

# RuleFile attribute, RuleSet attribute, key attribute, kind word (eselons before what they group; sasaran
# before indicators)
_KEYED = (
    ("settings", "settings", "name", "pengaturan"), ("params", "params", "name", "parameter"),
    ("targets", "targets", "id", "target"), ("eselons", "eselons", "id", "eselon"),
    ("inputs", "inputs", "name", "masukan"), ("tables", "tables", "name", "tabel"),
    ("sasaran", "sasaran", "id", "sasaran"), ("indicators", "indicators", "id", "indikator"),
    ("indices", "indices", "id", "indeks"), ("values", "values", "name", "nilai"),
    ("rows", "rows", "table", "per_baris"), ("checks", "checks", "id", "periksa"), ("same", "same", "id", "sama"),
)


def short(ident: str) -> str:
    return ident.rsplit(".", 1)[-1]


def refs(obj, out: set[str] | None = None) -> set[str]:
    """Every name an object refers to (first part of each reference; a per_baris block's table)."""
    out = set() if out is None else out
    if isinstance(obj, m.Ref):
        out.add(obj.parts[0])
    elif isinstance(obj, m.Span):
        return out
    elif is_dataclass(obj):
        if isinstance(obj, m.RowsBlock):
            out.add(obj.table)
        if isinstance(obj, m.Check) and obj.subject:
            out.add(obj.subject.split(".")[0])
        for f in fields(obj):
            if f.name not in ("span", "word_spans", "kind_span", "level_span", "subject_span", "written"):
                refs(getattr(obj, f.name), out)
    elif isinstance(obj, (tuple, list)):
        for x in obj:
            refs(x, out)
    return out


def _merge_props(old, new):
    return replace(old, **{k: getattr(new, k) for k in new.written})


def _text(e) -> str:
    return e.span.text if e is not None and getattr(e, "span", None) is not None else "-"


def _prop(v) -> str:
    """An index property as written (``bulat 2 potong`` → ``2 potong``), for the list of a child's changes."""
    if v is None or v == "":
        return "-"
    if isinstance(v, m.Rounding):
        return f"{v.digits}" + (f" {v.mode}" if v.mode != "setengah_naik" else "")
    if isinstance(v, str):
        return f'"{v}"' if " " in v else v
    return _text(v) if getattr(v, "span", None) is not None else str(v)


class _Inherit:
    def __init__(self, rs: m.RuleSet, files: list[m.RuleFile], diagnostics: list[Diagnostic]):
        self.rs = rs
        self.files = files
        self.diags = diagnostics
        self.texts = {rf.path: rf.text for rf in files}
        self.inherited = {store: set(getattr(rs, store)) for _, store, _, _ in _KEYED}
        self.removed_objs: list[tuple[object, m.Removal]] = []
        self.emptied: dict[str, m.Removal] = {}  # sasaran id → the removal that took its indicators
        self.details: list[str] = []

    # ---- reporting ----
    def error(self, code: str, span: m.Span, hint_key: str | None = None, hint_fields: dict | None = None,
              width: int | None = None, **fields) -> None:
        self.diags.append(Diagnostic(
            code, span.file, span.line, span.column, fields, hint_key, hint_fields or {},
            line_of(self.texts.get(span.file, ""), span.line),
            end_column=span.column + (width or max(1, len(span.text.split("\n")[0])))))

    def change(self, action: str, kind: str, ident: str, span: m.Span, detail: str = "") -> None:
        self.rs.changes.append(m.Change(action, kind, ident, span, detail))

    # ---- the passes ----
    def run(self) -> None:
        parent_year, parent_same = _berlaku(self.rs), dict(self.rs.same)
        parent_places = {store: {k: o.source for k, o in getattr(self.rs, store).items()} for store in _PLACED}
        for rf in self.files:
            for r in rf.removals:
                self.remove(r)
        replaced_sasaran = {s.id for rf in self.files for s in rf.sasaran if s.replace}
        seen: dict[tuple[str, str], m.Span] = {}
        for rf in self.files:
            for attr, store_name, key, kind in _KEYED:
                store = getattr(self.rs, store_name)
                items = getattr(rf, attr)
                if attr == "indices":
                    items = [i for i in items if not i.parent]  # nested indices come with their tree
                for item in items:
                    k = getattr(item, key)
                    if (attr, k) in seen:
                        if attr == "eselons" and item.name in (store[k].name, ""):
                            continue
                        other = seen[(attr, k)]
                        self.error("E202", item.span, "rename", width=len(k), name=k,
                                   other=f"{other.file}:{other.line}")
                        continue
                    seen[(attr, k)] = item.span
                    if attr == "indices":
                        self.index(item, rf)
                    elif k in store and k in self.inherited[store_name]:
                        if attr == "indicators" and item.sasaran in replaced_sasaran:
                            item = replace(item, replace=True)
                        store[k] = self.merge(kind, store[k], item)
                    else:
                        store[k] = item
                        self.change("tambah", kind, k, item.span)
        self.fix_sasaran()
        self.drop_unused()
        self.other_year_places(parent_year, parent_same, parent_places)

    def other_year_places(self, parent_year, parent_same: dict, parent_places: dict) -> None:
        """A ``sumber`` is a place in the report of the parent's year ("Tabel 15, baris 1191" of LKjIP 2024). A
        child for another year inherits the declarations, not the places: for its data they would name lines of
        last year's report (a `sama` finding, ``sumber_laporan`` in the JSON), so they are left out (a `sama`
        finding still cites the data's own place). A place written with ``{tahun}`` follows the year and is kept;
        a place the child writes is its own."""
        year = _berlaku(self.rs)
        if parent_year is None or year == parent_year:
            return
        for store in _PLACED:
            objs = getattr(self.rs, store)
            for k, o in list(objs.items()):
                if o.source and "{tahun" not in o.source and parent_places[store].get(k) == o.source:
                    objs[k] = replace(o, source="")
        for k, sm in list(self.rs.same.items()):
            if parent_same.get(k) is sm and any(i.source and "{tahun" not in i.source for i in sm.items):
                self.rs.same[k] = replace(sm, items=tuple(
                    i if "{tahun" in i.source else replace(i, source="") for i in sm.items))

    def merge(self, kind: str, old, new):
        if kind in ("pengaturan", "parameter", "target"):
            if _text(old.expr) != _text(new.expr):
                self.change("ubah", kind, getattr(new, "id", getattr(new, "name", "")), new.span,
                            f"{_text(old.expr)} → {_text(new.expr)}")
            return new
        if kind in ("masukan", "tabel", "nilai", "periksa"):
            self.change("timpa", kind, getattr(new, "name", getattr(new, "id", "")), new.span)
            return replace(new, group=new.group or old.group)
        if kind == "per_baris":
            self.change("timpa", kind, new.table, new.span)
            return new
        if kind == "eselon":
            if new.written - {"source"}:
                self.change("ubah", kind, new.id, new.span, ", ".join(sorted(new.written)))
            return _merge_props(old, new)
        if kind == "sasaran":
            return self.merge_sasaran(old, new)
        if kind == "indikator":
            if new.replace:
                self.change("ganti", kind, new.id, new.span)
                return new
            merged = _merge_props(old, new)
            spans = dict(old.word_spans)
            spans.update(dict(new.word_spans))
            merged = replace(merged, sasaran=new.sasaran or old.sasaran, word_spans=tuple(spans.items()))
            what = ", ".join(_PROP_WORDS.get(p, p) for p in sorted(new.written))
            if old.sasaran != merged.sasaran:
                what = ", ".join(x for x in (what, f"pindah dari {old.sasaran} ke {merged.sasaran}") if x)
            if what:
                self.change("ubah", kind, new.id, new.span, what)
            return merged
        return new  # pragma: no cover - every kind is handled above

    def merge_sasaran(self, old: m.Sasaran, new: m.Sasaran) -> m.Sasaran:
        if new.replace:
            for iid in old.indicators:
                if iid not in new.indicators and iid in self.rs.indicators:
                    r = m.Removal("indikator", iid, new.span, cause=f"ganti sasaran {new.id}")
                    self.drop_indicator(iid, r)
            self.change("ganti", "sasaran", new.id, new.span)
            return replace(new, group=new.group or old.group)
        merged = _merge_props(old, new)
        added = tuple(i for i in new.indicators if i not in old.indicators)
        merged = replace(merged, indicators=old.indicators + added, group=old.group)
        what = [_PROP_WORDS.get(p, p) for p in sorted(new.written)]
        what += [f"tambah indikator {i}" for i in added]
        if what:
            self.change("ubah", "sasaran", new.id, new.span, ", ".join(what))
        return merged

    # ---- indices: merged as trees, then flattened again ----
    def index(self, item: m.Index, rf: m.RuleFile) -> None:
        rs, k = self.rs, item.id
        if k in rs.indices and k in self.inherited["indices"]:
            old = rs.indices[k]
            self.details = []
            if item.replace:
                node = replace(item, weight=item.weight if "weight" in item.written else old.weight)
                self.change("ganti", "indeks", k, item.span)
            else:
                node = self.merge_index(old, item, k)
                self.change("ubah", "indeks", k, item.span, "; ".join(self.details))
            self.put_index(k, node)
            return
        if "." in k:
            cands = [i for i in rs.indices if "." in i]
            close = difflib.get_close_matches(k, cands, n=1)
            self.error("E224", item.span, "did_you_mean" if close else None,
                       {"suggestion": close[0]} if close else None, name=k)
            return
        for i in rf.indices:
            if i.id == k or i.id.startswith(k + "."):
                rs.indices[i.id] = i
        self.change("tambah", "indeks", k, item.span)

    def merge_index(self, old: m.Index, new: m.Index, path: str) -> m.Index:
        merged = _merge_props(old, new)
        for p in sorted(new.written):
            if p == "weight":
                self.details.append(f"{path} bobot {_text(old.weight)} → {_text(new.weight)}")
            else:
                self.details.append(f"{path} {_PROP_WORDS.get(p, p)} {_prop(getattr(old, p))} → "
                                    f"{_prop(getattr(new, p))}")
        kids = self.merge_list(old.children, new.children, lambda c: short(c.id),
                               lambda c: f"sub-indeks {path}.{short(c.id)}",
                               lambda o, c: self.merge_index(o, c, f"{path}.{short(c.id)}"))
        dims = self.merge_list(old.dimensions, new.dimensions, lambda d: d.id, lambda d: f"{path} dimensi {d.id}",
                               lambda o, d: self.merge_dim(o, d, f"{path} dimensi {d.id}"))
        comps = self.merge_comps(old.components, new.components, path)
        return replace(merged, children=kids, dimensions=dims, components=comps)

    def merge_list(self, old: tuple, new: tuple, key, what, merge) -> tuple:
        """Children written in a redeclared block: a new one is added, `ganti` replaces, any other merges."""
        out = list(old)
        for c in new:
            at = next((n for n, o in enumerate(out) if key(o) == key(c)), None)
            if at is None:
                out.append(c)
                self.details.append(f"tambah {what(c)}")
            elif c.replace:
                out[at] = c
                self.details.append(f"ganti {what(c)}")
            else:
                out[at] = merge(out[at], c)
        return tuple(out)

    def merge_dim(self, old: m.Dimension, new: m.Dimension, path: str) -> m.Dimension:
        merged = _merge_props(old, new)
        if "weight" in new.written:
            self.details.append(f"{path} bobot {_text(old.weight)} → {_text(new.weight)}")
        return replace(merged, components=self.merge_comps(old.components, new.components, path))

    def merge_comps(self, old: tuple, new: tuple, path: str) -> tuple:
        comps = list(old)
        for c in new:
            at = next((n for n, o in enumerate(comps) if o.id == c.id), None)
            if at is None:
                comps.append(c)
                self.details.append(f"{path}: tambah indikator {c.id}")
                continue
            if "weight" in c.written:
                self.details.append(f"{path}: indikator {c.id} bobot {_text(comps[at].weight)} → {_text(c.weight)}")
            comps[at] = _merge_props(comps[at], c)
        return tuple(comps)

    def put_index(self, ident: str, node: m.Index | None) -> None:
        """Put ``node`` at ``ident`` in its tree (None: remove it) and flatten the tree into rs.indices."""
        rs = self.rs
        parts = ident.split(".")
        root_id = parts[0]

        def put(cur: m.Index, rest: list[str]) -> m.Index | None:
            if not rest:
                return node
            kids = []
            for c in cur.children:
                if short(c.id) == rest[0]:
                    c = put(c, rest[1:])
                if c is not None:
                    kids.append(c)
            return replace(cur, children=tuple(kids))

        root = put(rs.indices[root_id], parts[1:])
        flat = m.flatten_index(root, "", rs.indices[root_id].group) if root is not None else []
        mine = [k for k in rs.indices if k == root_id or k.startswith(root_id + ".")]
        out: dict[str, m.Index] = {}
        for k, v in rs.indices.items():
            if k in mine:
                if k == mine[0]:
                    out.update((i.id, i) for i in flat)
                continue
            out[k] = v
        rs.indices.clear()
        rs.indices.update(out)

    # ---- removal ----
    def remove(self, r: m.Removal) -> None:
        rs = self.rs
        store = getattr(rs, KIND_STORE[r.kind])
        if r.id not in store:
            cands = list(store)
            close = difflib.get_close_matches(r.id, cands, n=1)
            done = rs.removed.get(r.id)
            if done is not None:  # removed by a parent set or an earlier line: the wanted state holds already
                self.error("W506", r.span, "removed_twice", width=len(r.id), kind=r.kind, name=r.id,
                           where=f"{done.span.file}:{done.span.line}", cause=f" ({done.cause})" if done.cause else "")
                return
            self.error("E222", r.span, "did_you_mean" if close else None,
                       {"suggestion": close[0]} if close else None, kind=r.kind, name=r.id)
            return
        rs.removed[r.id] = r
        self.change("hapus", r.kind, r.id, r.span)
        if r.kind == "indikator":
            self.drop_indicator(r.id, r, record=False)
        elif r.kind == "sasaran":
            s = store.pop(r.id)
            self.removed_objs.append((s, r))
            for iid in [i.id for i in rs.indicators.values() if i.sasaran == r.id]:
                self.drop_indicator(iid, m.Removal("indikator", iid, r.span, cause=f"sasaran {r.id}"))
        elif r.kind == "indeks":
            node = store[r.id]
            for k in [k for k in store if k == r.id or k.startswith(r.id + ".")]:
                rs.targets.pop(k, None)
                if k != r.id:
                    rs.removed[k] = m.Removal("indeks", k, r.span, cause=f"indeks {r.id}")
            self.removed_objs.append((node, r))
            self.put_index(r.id, None)
        elif r.kind == "tabel":
            self.removed_objs.append((store.pop(r.id), r))
            if r.id in rs.rows:
                self.removed_objs.append((rs.rows.pop(r.id), r))
                self.change("hapus", "per_baris", r.id, r.span, f"tabel {r.id}")
        else:
            self.removed_objs.append((store.pop(r.id), r))

    def drop_indicator(self, iid: str, r: m.Removal, record: bool = True) -> None:
        rs = self.rs
        ind = rs.indicators.pop(iid)
        rs.targets.pop(iid, None)
        self.removed_objs.append((ind, r))
        self.emptied.setdefault(ind.sasaran, r)
        if record:
            rs.removed[iid] = r
            self.change("hapus", "indikator", iid, r.span, r.cause)

    def fix_sasaran(self) -> None:
        """Each sasaran lists exactly the indicators that belong to it (after removals, moves and additions)."""
        rs = self.rs
        for sid, s in list(rs.sasaran.items()):
            keep = [i for i in s.indicators if i in rs.indicators and rs.indicators[i].sasaran == sid]
            keep += [i.id for i in rs.indicators.values() if i.sasaran == sid and i.id not in keep]
            if tuple(keep) != s.indicators:
                rs.sasaran[sid] = replace(s, indicators=tuple(keep))
            if not keep and s.indicators and sid in self.emptied:
                r = self.emptied[sid]
                self.error("E420", r.span, "remove_sasaran", {"name": sid}, name=sid,
                           cause=f"{r.kind} {r.id}")

    def drop_unused(self) -> None:
        """Inherited inputs and tables that only removed declarations used are removed with them."""
        rs = self.rs
        candidates: dict[str, m.Removal] = {}
        for obj, r in self.removed_objs:
            for name in sorted(refs(obj)):
                if (name in rs.inputs and name in self.inherited["inputs"]) or (
                        name in rs.tables and name in self.inherited["tables"]):
                    candidates.setdefault(name, r)
        if not candidates:
            return
        used: set[str] = set()
        for store in ("params", "targets", "inputs", "tables", "sasaran", "indicators", "indices", "values",
                      "rows", "checks", "same", "settings"):
            for obj in getattr(rs, store).values():
                refs(obj, used)
        for name, r in candidates.items():
            if name in used:
                continue
            kind = "masukan" if name in rs.inputs else "tabel"
            getattr(rs, KIND_STORE[kind]).pop(name)
            why = f"hanya dipakai oleh {r.kind} {r.id}"
            rs.removed[name] = m.Removal(kind, name, r.span, cause=why)
            self.change("hapus", kind, name, r.span, why)


_PROP_WORDS = {"name": "judul", "unit": "satuan", "direction": "arah", "formula": "realisasi", "rounding": "bulat",
               "zero_rule": "nol_per_nol", "source": "sumber", "mode": "capaian", "division": "divisi",
               "scale": "skala", "weight": "bobot", "inverted": "terbalik"}


def inherit(rs: m.RuleSet, files: list[m.RuleFile], diagnostics: list[Diagnostic]) -> None:
    """Apply a child's files to ``rs`` (which holds everything its parents declare)."""
    _Inherit(rs, files, diagnostics).run()


_PLACED = ("eselons", "sasaran", "indicators", "indices", "values")  # declarations with a `sumber` in the report


def _berlaku(rs: m.RuleSet):
    """The year of ``pengaturan { berlaku = … }`` (None when not written as a number)."""
    setting = rs.settings.get("berlaku")
    return setting.expr.value if setting is not None and isinstance(setting.expr, m.Num) else None


_YEAR = re.compile(r"\{tahun(?:\s*-\s*(\d+))?\}")


def _year_labels(rs: m.RuleSet, err) -> None:
    """``{tahun}`` / ``{tahun - 1}`` in labels become the year of ``pengaturan { berlaku = 2025 }``, so labels
    inherited from last year's set name this year."""
    setting = rs.settings.get("berlaku")
    year = _berlaku(rs)
    if setting is not None and year is None:
        # written, but not as a number (`berlaku = "2025"`): one error at that line, not one per label using
        # the year (those are in files the planner may not be able to edit)
        text = setting.expr.span.text.strip()
        digits = text.strip("\"'")
        fix = f"berlaku = {digits if digits.isdigit() else 2025}"
        err("E209", setting.span, "set_year_number", {"fix": fix}, name="berlaku", value=text,
            choices="1900–9999")
        return
    told: set = set()

    def sub(text: str, span: m.Span) -> str:
        if "{tahun" not in text:
            return text
        if year is None:
            if (span.file, span.line, span.column) not in told:  # a label and a source of one declaration
                told.add((span.file, span.line, span.column))
                err("E225", span, "set_year", {}, name=span.text or text)
            return text
        return _YEAR.sub(lambda mt: str(int(year) - int(mt.group(1) or 0)), text)

    for k, i in rs.inputs.items():
        rs.inputs[k] = replace(i, label=sub(i.label, i.span))
    for k, t in rs.tables.items():
        cols = tuple(replace(c, label=sub(c.label, c.span)) for c in t.columns)
        rs.tables[k] = replace(t, label=sub(t.label, t.span), columns=cols)
    for k, v in rs.values.items():
        rs.values[k] = replace(v, label=sub(v.label, v.span), source=sub(v.source, v.span))
    # A check's message: `{tahun}` / `{tahun - 1}` placeholders become the year as text ("Pagu akhir 2025 …"),
    # unless the rules declare something named tahun themselves.
    if not any("tahun" in d for d in (rs.params, rs.values, rs.inputs, rs.tables)):
        for k, chk in rs.checks.items():
            parts = tuple(_year_part(p, year, chk, err) for p in chk.parts)
            if parts != chk.parts:
                rs.checks[k] = replace(chk, parts=parts)
    # `tahun_berlaku` in formulas and filters is that year (`untuk tahun = tahun_berlaku - 1`): a parameter
    # made here, for the set asked for, so a child's `berlaku = 2025` carries into every inherited rule.
    if year is not None and (YEAR_PARAM not in rs.params or rs.params[YEAR_PARAM].span == setting.span):
        rs.params[YEAR_PARAM] = m.Param(YEAR_PARAM, m.Num(year, False, setting.span), setting.span)


YEAR_PARAM = "tahun_berlaku"


def _year_part(part, year, chk, err):
    """One piece of a check message: ``{tahun}`` / ``{tahun - N}`` → the year as text; anything else as is."""
    offset = None
    if isinstance(part, m.Ref) and part.name == "tahun":
        offset = 0
    elif (isinstance(part, m.BinOp) and part.op == "-" and isinstance(part.left, m.Ref) and part.left.name == "tahun"
          and isinstance(part.right, m.Num) and not part.right.percent):
        offset = int(part.right.value)
    if offset is None:
        return part
    if year is None:
        err("E225", part.span, "set_year", {}, name=chk.id)
        return part
    return str(int(year) - offset)


def finish(rs: m.RuleSet, diagnostics: list[Diagnostic]) -> None:
    """Last resolution of the rule set asked for: incomplete new declarations, one index one target, the year
    in labels."""
    def err(code, span, hint_key=None, hint_fields=None, **fields):
        src = source_line(rs, span)
        diagnostics.append(Diagnostic(code, span.file, span.line, span.column, fields, hint_key,
                                      hint_fields or {}, src, end_column=span.column + max(1, len(span.text))))

    _year_labels(rs, err)
    expand_groups(rs, err)  # kelompok … menurut …: one value per group (engine/kelompok.py)

    def incomplete(o, siblings, kind: str, what: str) -> None:
        """E221: a block the child wrote that is new and incomplete. A name close to a complete sibling is
        most likely that inherited block misspelt (`dimensi kepribadan`): the hint names it, so the planner
        does not add the title asked for and with it a block nobody meant."""
        bare = o.id.rstrip("0123456789")  # ham_s9 beside ham_s2: a new member of a numbered series, no typo
        close = difflib.get_close_matches(o.id, [s.id for s in siblings if s is not o and s.name
                                                 and s.id.rstrip("0123456789") != bare], n=1, cutoff=0.75)
        err("E221", o.span, "did_you_mean" if close else None, {"suggestion": close[0]} if close else None,
            name=o.id, kind=kind, what=what)

    for kind, objs in (("eselon", rs.eselons.values()), ("sasaran", rs.sasaran.values()),
                       ("indikator", rs.indicators.values()), ("indeks", rs.indices.values())):
        for o in objs:
            if not o.name:
                incomplete(o, objs, kind, "judul (teks dalam tanda kutip)")
    for idx in rs.indices.values():
        for comps, where in [(idx.components, idx.id)] + [(d.components, f"{idx.id} dimensi {d.id}")
                                                           for d in idx.dimensions]:
            for c in comps:
                if c.formula is None:
                    incomplete(c, comps, f"indikator dalam {where}", "rumus (= rasio …)")
                elif not c.name:
                    incomplete(c, comps, f"indikator dalam {where}", "judul")
        for d in idx.dimensions:
            if d.weight is None:
                incomplete(d, idx.dimensions, f"dimensi dalam {idx.id}", "bobot")
            if not d.name:
                incomplete(d, idx.dimensions, f"dimensi dalam {idx.id}", "judul")
    # One index, one target: an index that is the realisasi of an indicator is measured against its target.
    for ind in list(rs.indicators.values()):
        of = ind.realisasi_of
        if of not in rs.indices:
            continue
        written = rs.targets.get(of)
        if written is not None and not written.derived_from:
            err("E421", written.span, "one_target", {"name": of, "indicator": ind.id}, name=of, indicator=ind.id)
            continue
        tgt = rs.targets.get(ind.id)
        if tgt is not None:
            rs.targets[of] = m.Target(of, tgt.expr, tgt.span, derived_from=ind.id)
