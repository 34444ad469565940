"""Grouping (``kelompok TABEL menurut eselon(KOLOM) { nilai … }``): one value per group of a table's rows.

Resolved once, when a rule set is loaded (after includes and ``perluas`` are merged, so the groups are those of
the whole rule set): each ``nilai x`` of the block becomes one ordinary ``nilai x_<kunci>`` per group, whose
aggregates over the table keep only the group's rows by a membership filter (``kolom di ["id1", "id2"]``) and
whose bare names of the block mean the same group's value. Everything after this step (checker, core form,
evaluator, derivations, the Audit sheet's Excel formulas, findings) sees plain values with an ``untuk … di […]``
filter — one meaning, written here.

The groups come from the rule set's own structure, never from the data, so the output names are fixed before
any data arrives:

* ``eselon(kolom)`` — the Eselon I blocks in declaration order; a column holding sasaran ids groups each sasaran
  under its eselon, a column holding indicator ids each indicator under its sasaran's eselon;
* ``sasaran(kolom)`` — the sasaran in declaration order; the column holds indicator ids.

Which ids a column holds is what :func:`kinerja.engine.batasan.choices_of` says (the check the operator meets
when typing the cell, B215), so a row whose id belongs to no group never reaches the sums silently.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, Callable

from . import model as m

#: key functions → (what the column must hold, English word)
KEYS = {"eselon": ("id sasaran atau indikator", "sasaran or indicator ids"),
        "sasaran": ("id indikator", "indicator ids")}
AGGREGATES = ("jumlah", "rata_rata", "min", "maks", "banyak", "rata_rata_tertimbang")


def groups_of(rs: m.RuleSet, func: str, holds: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, name, member ids) of each non-empty group, in declaration order."""
    out: list[tuple[str, str, tuple[str, ...]]] = []
    if func == "eselon":
        for e in rs.eselons.values():
            if holds == "sasaran":
                ids = tuple(s.id for s in rs.sasaran.values() if s.group == e.id)
            else:
                ids = tuple(i.id for i in rs.indicators.values()
                            if i.sasaran in rs.sasaran and rs.sasaran[i.sasaran].group == e.id)
            if ids:
                out.append((e.id, e.name or e.id, ids))
    elif func == "sasaran":
        for s in rs.sasaran.values():
            ids = tuple(i for i in s.indicators if i in rs.indicators)
            if ids:
                out.append((s.id, s.name or s.id, ids))
    return out


def _holds(rs: m.RuleSet, table: m.Table, col: m.Column) -> str:
    """What ids a table column holds: ``sasaran``, ``indikator`` or ``""`` (free text / other)."""
    from .batasan import choices_of
    from .interface import ColumnSpec

    choices = choices_of(table.name, ColumnSpec(col.name, col.kind, col.label), rs)
    if choices is None:
        return ""
    if rs.sasaran and choices == tuple(rs.sasaran):
        return "sasaran"
    if rs.indicators and choices == tuple(rs.indicators):
        return "indikator"
    return ""


def expand(rs: m.RuleSet, err: Callable[..., None]) -> None:
    """Replace every grouped value of ``rs.values`` by its per-group values (in place, declaration order kept:
    a block's values group by group). Problems are reported through ``err(code, span, hint_key, hint_fields,
    **fields)``; a block with a problem is left out (its names stay unknown, so uses of them are reported too)."""
    if not any(v.grouping is not None for v in rs.values.values()):
        return
    blocks: dict[m.Grouping, list[m.Value]] = {}
    for v in rs.values.values():
        if v.grouping is not None:
            blocks.setdefault(v.grouping, []).append(v)
    expanded: dict[m.Grouping, list[m.Value]] = {g: _expand_block(rs, g, vs, err) for g, vs in blocks.items()}
    taken = {name: v for name, v in rs.values.items() if v.grouping is None}
    out: dict[str, m.Value] = {}
    for name, v in rs.values.items():
        if v.grouping is None:
            out[name] = v
            continue
        made = expanded.pop(v.grouping, None)
        for nv in made or ():  # the whole block at the place of its first value
            other = taken.get(nv.name) or out.get(nv.name) or rs.inputs.get(nv.name) or rs.indicators.get(nv.name)
            if other is not None:
                err("E202", rs.values[nv.template].span, "group_name", {"name": nv.name, "key": nv.group_key},
                    name=nv.name, other=f"{other.span.file}:{other.span.line}")
                continue
            out[nv.name] = nv
    rs.values.clear()
    rs.values.update(out)


def _expand_block(rs: m.RuleSet, g: m.Grouping, values: list[m.Value], err) -> list[m.Value]:
    table = rs.tables.get(g.table)
    if table is None:
        err("E201", g.table_span or g.span, "declare_input", {"name": g.table}, name=g.table)
        return []
    if g.func not in KEYS:
        import difflib

        close = difflib.get_close_matches(g.func, list(KEYS), n=1, cutoff=0.5)
        err("E226", g.func_span or g.span, "did_you_mean" if close else None,
            {"suggestion": close[0]} if close else None, name=g.func, known=", ".join(f"{k}(kolom)" for k in KEYS))
        return []
    col = next((c for c in table.columns if c.name == g.column), None)
    if col is None:
        import difflib

        names = [c.name for c in table.columns]
        close = difflib.get_close_matches(g.column, names, n=1, cutoff=0.6)
        err("E205", g.column_span or g.span, "did_you_mean" if close else None,
            {"suggestion": close[0]} if close else None, name=g.column, table=g.table)
        return []
    holds = _holds(rs, table, col)
    what, what_en = KEYS[g.func]
    if not holds or (g.func == "sasaran" and holds != "indikator"):
        err("E227", g.column_span or g.span, "group_column", {"table": g.table, "column": g.column},
            table=g.table, column=g.column, func=g.func, what=what, what_en=what_en)
        return []
    groups = groups_of(rs, g.func, holds)
    if not groups:
        err("E227", g.func_span or g.span, "group_column", {"table": g.table, "column": g.column},
            table=g.table, column=g.column, func=g.func, what=what, what_en=what_en)
        return []
    bad = False
    for v in values:
        for ref in _column_refs_outside_aggregates(v.formula, g.table):
            err("E228", ref.span, "group_aggregate", {"name": ref.name}, name=ref.name, table=g.table)
            bad = True
    if bad:
        return []
    out = []
    for key, title, ids in groups:
        member_text = f"{g.column} di [" + ", ".join(f'"{i}"' for i in ids) + "]"
        mspan = replace(g.span, text=member_text)
        member = m.BinOp("di", m.Ref((g.column,), mspan),
                         m.ListExpr(tuple(m.Str(i, mspan) for i in ids), mspan), mspan)
        names = {n: f"{n}_{key}" for n in g.names}
        for v in values:
            formula = _rewrite(v.formula, g.table, member, names)
            formula = replace(formula, span=replace(v.formula.span, text=_text(v.formula, g.table, member_text,
                                                                              names)))
            out.append(replace(v, name=names[v.name], label=(v.label or v.name).replace("{kelompok}", title),
                               source=v.source.replace("{kelompok}", title),
                               formula=formula, grouping=None, group_key=key, template=v.name))
    return out


def _walk(e: Any):
    yield e
    if is_dataclass(e) and not isinstance(e, m.Span):
        for f in fields(e):
            x = getattr(e, f.name)
            if isinstance(x, tuple):
                for i in x:
                    if is_dataclass(i):
                        yield from _walk(i)
            elif is_dataclass(x) and not isinstance(x, m.Span):
                yield from _walk(x)


def _column_refs_outside_aggregates(e: m.Expr, table: str) -> list[m.Ref]:
    """References to the grouped table's columns that no aggregate filters by group (they would mean every row)."""
    found: list[m.Ref] = []

    def visit(x: Any) -> None:
        if isinstance(x, m.Ref):
            if len(x.parts) == 2 and x.parts[0] == table:
                found.append(x)
            return
        if isinstance(x, m.Call) and x.func in AGGREGATES:
            for a in x.args:
                if not (isinstance(a.expr, m.Ref) and len(a.expr.parts) == 2 and a.expr.parts[0] == table):
                    visit(a.expr)
            return
        if is_dataclass(x) and not isinstance(x, m.Span):
            for f in fields(x):
                y = getattr(x, f.name)
                for i in (y if isinstance(y, tuple) else (y,)):
                    if is_dataclass(i) and not isinstance(i, m.Span):
                        visit(i)

    visit(e)
    return found


def _rewrite(e: Any, table: str, member: m.BinOp, names: dict[str, str]) -> Any:
    if isinstance(e, m.Ref):
        if len(e.parts) == 1 and e.name in names:
            return m.Ref((names[e.name],), replace(e.span, text=names[e.name]))
        return e
    if isinstance(e, m.Call) and e.func in AGGREGATES:
        args = []
        for a in e.args:
            if isinstance(a.expr, m.Ref) and len(a.expr.parts) == 2 and a.expr.parts[0] == table:
                where = member if a.where is None else m.BinOp(
                    "dan", member, a.where, replace(a.where.span, text=f"{member.span.text} dan ({a.where.span.text})"))
                args.append(m.Arg(a.expr, where))
            else:
                args.append(m.Arg(_rewrite(a.expr, table, member, names), a.where))
        return replace(e, args=tuple(args))
    if isinstance(e, m.Arg):
        return m.Arg(_rewrite(e.expr, table, member, names), e.where)
    if is_dataclass(e) and not isinstance(e, (m.Span, m.Num, m.Str, m.Bool, m.NoDataLit)):
        changes = {}
        for f in fields(e):
            x = getattr(e, f.name)
            if isinstance(x, tuple) and any(is_dataclass(i) for i in x):
                changes[f.name] = tuple(_rewrite(i, table, member, names) for i in x)
            elif is_dataclass(x) and not isinstance(x, m.Span):
                changes[f.name] = _rewrite(x, table, member, names)
        return replace(e, **changes) if changes else e
    return e


def _text(e: m.Expr, table: str, member_text: str, names: dict[str, str]) -> str:
    """The formula as written, with the group made visible: ``jumlah(t.x untuk sasaran di ["a", "b"])`` and the
    block's names as the group's names (what the Audit sheet and the derivations show)."""
    text = e.span.text
    # aggregates over the table: add the group's filter inside the call's brackets
    calls = [x for x in _walk(e) if isinstance(x, m.Call) and x.func in AGGREGATES and any(
        isinstance(a.expr, m.Ref) and len(a.expr.parts) == 2 and a.expr.parts[0] == table for a in x.args)]
    for call in calls:
        inner = call.span.text
        if not inner.endswith(")"):
            continue
        has_where = any(a.where is not None for a in call.args)
        new = inner[:-1] + (f" dan {member_text})" if has_where else f" untuk {member_text})")
        text = text.replace(inner, new, 1)
    # bare names of the block (not a table's column `t.x`, not inside a string, not in an `untuk` clause where a
    # bare name is a column of the row)
    if names:
        wheres = [a.where.span.text for x in _walk(e) if isinstance(x, m.Call) for a in x.args
                  if a.where is not None and a.where.span.text]
        for i, w in enumerate(wheres):
            text = text.replace(w, f"\x00{i}\x00")
        pat = re.compile(r'"[^"]*"|(?<![\w.])(' + "|".join(re.escape(n) for n in names) + r")(?![\w.])")
        text = pat.sub(lambda mt: names[mt.group(1)] if mt.group(1) else mt.group(0), text)
        for i, w in enumerate(wheres):
            text = text.replace(f"\x00{i}\x00", w)
    return text


__all__ = ["KEYS", "expand", "groups_of"]
