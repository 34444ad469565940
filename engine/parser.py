"""Rule text → typed model (:mod:`kinerja.engine.model`), with every syntax error as a :class:`Diagnostic`.

The grammar lives in ``grammar/kinerja.lark``; the parser is LALR with Lark's contextual lexer and positions
propagated, built once per process. The Transformer only builds frozen model objects — it never evaluates.
"""

from __future__ import annotations

from dataclasses import replace

from lark import Token, v_args
from lark.exceptions import UnexpectedInput, VisitError

from . import model as m
from .build_expr import ExprBuilder, unquote
from .cache import cached_by_content
from .errors import Diagnostic
from .limits import ensure_recursion_headroom
from .ruletext import line_of
from .syntax import parser, syntax_diagnostic, too_deep
from .values import CTX


class _Build(ExprBuilder):
    """Parse tree → model objects. Declarations are collected into a RuleFile by :func:`parse_text`."""

    @v_args(meta=True, inline=True)
    def zero_rule(self, meta, value):
        return ("zero_rule", value)

    @v_args(inline=True)
    def zero_value(self, num):
        return format(self._literal(num).normalize(CTX), "f")

    def zero_nodata(self, _):
        return "tanpa_data"

    @v_args(meta=True, inline=True)
    def source(self, meta, s):
        return ("source", unquote(str(s)))

    @v_args(meta=True, inline=True)
    def unit_prop(self, meta, name):
        return ("unit", str(name), self._tspan(name))

    @v_args(inline=True)
    def direction(self, d):
        return ("direction", str(d), self._tspan(d))


    @v_args(meta=True, inline=True)
    def realisasi(self, meta, expr):
        return ("formula", expr)

    @v_args(inline=True)
    def scale(self, num):
        return ("scale", self._literal(num))

    @v_args(inline=True)
    def weight(self, expr):
        return ("weight", expr)

    @v_args(inline=True)
    def division(self, s):
        return ("division", unquote(str(s)))

    @v_args(inline=True)
    def sasaran_mode(self, name):
        return ("mode", str(name))

    # ---- declarations ----
    def rekap_unit(self, children):
        return ("rekap_units", [m.RekapUnit(unquote(str(s)), self._tspan(s)) for s in children])

    def rekap_item(self, children):
        name, cara, *opsi = children
        return m.RekapItem(str(name), str(cara), tuple(str(o) for o in opsi if o is not None), self._tspan(name))

    def rekap_block(self, children):
        return ("rekap", children)

    @v_args(meta=True, inline=True)
    def header(self, meta, name, title=None):
        return ("header", str(name), unquote(str(title)) if title else "")

    @v_args(inline=True)
    def unit_decl(self, s):
        return ("unit_decl", unquote(str(s)))

    @v_args(meta=True, inline=True)
    def include(self, meta, s):
        return ("include", unquote(str(s)), self._span(meta))

    @v_args(meta=True, inline=True)
    def extends(self, meta, s):
        return ("extends", unquote(str(s)), self._span(meta))

    @v_args(meta=True, inline=True)
    def setting(self, meta, name, expr):
        return m.Setting(str(name), expr, self._tspan(name))

    def settings(self, children):
        return ("settings", children)

    @v_args(meta=True, inline=True)
    def param(self, meta, name, expr):
        return m.Param(str(name), expr, self._tspan(name))

    @v_args(meta=True, inline=True)
    def param_item(self, meta, name, expr):
        return m.Param(str(name), expr, self._tspan(name))

    def param_block(self, children):
        return ("params", children)

    @v_args(meta=True, inline=True)
    def target_item(self, meta, dotted, expr):
        return m.Target(".".join(dotted[0]), expr, dotted[1])

    def target_block(self, children):
        return ("targets", children)

    @v_args(meta=True, inline=True)
    def input_decl(self, meta, name, kind, optional=None, label=None):
        return m.Input(str(name), str(kind), unquote(str(label)) if label else "", optional is None,
                       self._tspan(name), kind_span=self._tspan(kind))

    @v_args(meta=True, inline=True)
    def column(self, meta, name, kind, optional=None, label=None):
        return m.Column(str(name), str(kind), unquote(str(label)) if label else "", optional is None,
                        self._tspan(name), kind_span=self._tspan(kind))

    def table_key(self, children):
        return ("key", tuple(str(n) for n in children), tuple(self._tspan(n) for n in children))

    @v_args(meta=True)
    def table_decl(self, meta, children):
        name, label, key, *cols = children
        names, spans = (key[1], key[2]) if key else ((), ())
        return m.Table(str(name), unquote(str(label)) if label else "", tuple(cols), self._tspan(name),
                       key=names, key_spans=spans)

    @v_args(meta=True)
    def indicator(self, meta, children):
        replace_all, ident, title, *props = children
        kw: dict = {}
        for p in props:
            key = p[0]
            if key == "unit":
                kw["unit"] = p[1]
                kw["_unit_span"] = p[2]
            elif key == "direction":
                kw["direction"] = p[1]
                kw["_dir_span"] = p[2]
            elif key == "formula":
                kw["formula"] = p[1]
            elif key == "rounding":
                kw["rounding"] = p[1]
            elif key == "zero_rule":
                kw["zero_rule"] = p[1]
            elif key == "source":
                kw["source"] = p[1]
        spans = {"unit": kw.pop("_unit_span", None), "direction": kw.pop("_dir_span", None)}
        kw["word_spans"] = tuple((k, v) for k, v in spans.items() if v is not None)
        written = {k for k in kw if k != "word_spans"} | ({"name"} if title else set())
        return m.Indicator(str(ident), _title(title), self._tspan(ident), **kw, written=frozenset(written),
                           replace=replace_all is not None)

    @v_args(meta=True)
    def sasaran(self, meta, children):
        replace_all, ident, title, *items = children
        inds = [i for i in items if isinstance(i, m.Indicator)]
        props = {i[0]: i[1] for i in items if isinstance(i, tuple) and i[0] in ("mode", "source")}
        written = set(props) | ({"name"} if title else set())
        s = m.Sasaran(str(ident), _title(title), self._tspan(ident), tuple(i.id for i in inds), **props,
                      written=frozenset(written), replace=replace_all is not None)
        return ("sasaran", s, [_replace(i, sasaran=s.id) for i in inds])

    @v_args(meta=True, inline=True)
    def component(self, meta, ident, title, expr, weight=None, inverted=None):
        written = {k for k, v in (("name", title), ("formula", expr), ("weight", weight), ("inverted", inverted))
                   if v is not None}
        return m.Component(str(ident), _title(title), expr, self._tspan(ident),
                           weight[1] if weight else None, inverted is not None, written=frozenset(written))

    @v_args(meta=True)
    def dimension(self, meta, children):
        replace_all, ident, title, weight, *items = children
        comps = tuple(i for i in items if isinstance(i, m.Component))
        source = [i[1] for i in items if isinstance(i, tuple) and i[0] == "source"]
        written = {k for k, v in (("name", title), ("weight", weight)) if v is not None} | (
            {"source"} if source else set())
        return m.Dimension(str(ident), _title(title), weight[1] if weight else None, comps, self._tspan(ident),
                           source[0] if source else "", written=frozenset(written), replace=replace_all is not None)

    @v_args(meta=True)
    def index(self, meta, children):
        replace_all, (names, span), title, *items = children
        kw: dict = {"children": [], "dimensions": [], "components": []}
        for it in items:
            if it is None:
                continue
            if isinstance(it, m.Index):
                kw["children"].append(it)
            elif isinstance(it, m.Dimension):
                kw["dimensions"].append(it)
            elif isinstance(it, m.Component):
                kw["components"].append(it)
            elif it[0] in ("scale", "weight", "rounding", "zero_rule", "source"):
                kw[it[0]] = it[1]
        for key in ("children", "dimensions", "components"):
            kw[key] = tuple(kw[key])
        written = {k for k in kw if k not in ("children", "dimensions", "components")} | (
            {"name"} if title else set())
        return m.Index(".".join(names), _title(title), span, **kw, written=frozenset(written),
                       replace=replace_all is not None)

    @v_args(meta=True)
    def value_decl(self, meta, children):
        name, kind, label, expr, *rest = children
        kw = {}
        for it in rest:
            if it is not None:
                kw[it[0]] = it[1]
        return m.Value(str(name), unquote(str(label)) if label else "", expr, self._tspan(name), **kw,
                       kind=str(kind) if kind else "", kind_span=self._tspan(kind) if kind else None)

    @v_args(meta=True, inline=True)
    def row_item(self, meta, name, kind, expr):
        return m.RowAssign(str(name), expr, self._tspan(name), kind=str(kind) if kind else "",
                           kind_span=self._tspan(kind) if kind else None)

    @v_args(meta=True)
    def rows_decl(self, meta, children):
        table, alias, *assigns = children
        return m.RowsBlock(str(table), tuple(assigns), self._tspan(table), alias=str(alias) if alias else "")

    @v_args(meta=True)
    def group_decl(self, meta, children):
        table, func, column, *values = children
        values = [v for v in values if v is not None]
        head = m.Span(self.path, meta.line, meta.column, meta.line, meta.column + 8,
                      f"kelompok {table} menurut {func}({column})")
        g = m.Grouping(str(table), str(func), str(column), tuple(v.name for v in values), head,
                       func_span=self._tspan(func), column_span=self._tspan(column), table_span=self._tspan(table))
        return ("group", g, values)

    @v_args(meta=True)
    def section(self, meta, children):
        name, *items = children
        return ("section", str(name), items)

    @v_args(meta=True, inline=True)
    def check_decl(self, meta, ident, message, level, subject, cond):
        return m.Check(str(ident), unquote(str(message)), str(level), cond, self._tspan(ident),
                       level_span=self._tspan(level), subject=".".join(subject[0]) if subject else "",
                       subject_span=subject[1] if subject else None, parts=self._message_parts(message))

    @v_args(meta=True, inline=True)
    def same_item(self, meta, dotted, source=None):
        names, span = dotted
        return m.SameItem(m.Ref(tuple(names), span), unquote(str(source)) if source else "")

    @v_args(meta=True)
    def same_decl(self, meta, children):
        ident, label, level, *items = children
        return m.Same(str(ident), unquote(str(label)), tuple(items), self._tspan(ident),
                      level=str(level) if level else "tinggi", level_span=self._tspan(level) if level else None)

    def _message_parts(self, tok: Token) -> tuple:
        """A check's message split into text and ``{expression}`` placeholders (``{{`` is a literal brace)."""
        body = unquote(str(tok))
        parts: list = []
        text = ""
        i = 0
        while i < len(body):
            ch = body[i]
            if body.startswith("{{", i) or body.startswith("}}", i):
                text += ch
                i += 2
                continue
            if ch != "{":
                text += ch
                i += 1
                continue
            end = body.find("}", i)
            if end < 0:
                text += body[i:]
                break
            source = body[i + 1:end]
            # positions inside the string literal (its opening quote is at tok.column)
            span = m.Span(self.path, tok.line, tok.column + 1 + i + 1, tok.line, tok.column + 1 + end, source)
            try:
                expr = _reposition(_Build(self.path, source).transform(parser().parse(source, start="expr")), span)
            except UnexpectedInput as err:
                d = syntax_diagnostic(self.path, source, err)
                self.diagnostics.append(replace(d, line=tok.line, column=span.column + max(0, d.column - 1),
                                                source_line=line_of(self.text, tok.line)))
                expr = None
            if text:
                parts.append(text)
                text = ""
            if expr is not None:
                parts.append(expr)
            i = end + 1
        if text:
            parts.append(text)
        return tuple(parts)

    @v_args(meta=True)
    def eselon(self, meta, children):
        replace_all, ident, title, division, *items = children
        div = division[1] if division else ""
        source = [i[1] for i in items if isinstance(i, tuple) and i[0] == "source"]
        written = {k for k, v in (("name", title), ("division", division)) if v is not None} | (
            {"source"} if source else set())
        e = m.Eselon(str(ident), _title(title), div, self._tspan(ident), source[0] if source else "",
                     written=frozenset(written), replace=replace_all is not None)
        return ("eselon", e, [i for i in items if not (isinstance(i, tuple) and i[0] == "source")])


    @v_args(meta=True)
    def removal(self, meta, children):
        kind, *ids = children
        return ("removals", [m.Removal(str(kind.children[0]), ".".join(d[0]), d[1]) for d in ids])


_replace = replace


def _title(tok) -> str:
    return unquote(str(tok)) if tok is not None else ""


def _reposition(expr, span: m.Span, shift: int = 0):
    """Give an expression parsed out of a message string positions in the rule file (the placeholder's)."""
    from dataclasses import fields, is_dataclass

    if not is_dataclass(expr):
        return expr
    changes = {}
    for f in fields(expr):
        v = getattr(expr, f.name)
        if isinstance(v, m.Span):
            changes[f.name] = m.Span(span.file, span.line, span.column + v.column - 1 + shift, span.line,
                                     span.column + v.end_column - 1 + shift, v.text)
        elif is_dataclass(v):
            changes[f.name] = _reposition(v, span, shift)
        elif isinstance(v, tuple):
            changes[f.name] = tuple(_reposition(x, span, shift) if is_dataclass(x) else x for x in v)
    return replace(expr, **changes)


def _add(rf: m.RuleFile, item, group: str = "") -> None:
    if isinstance(item, m.Input):
        rf.inputs.append(_replace(item, group=group))
    elif isinstance(item, m.Table):
        rf.tables.append(_replace(item, group=group))
    elif isinstance(item, m.Index):
        rf.indices.extend(m.flatten_index(item, "", group))
    elif isinstance(item, m.Value):
        rf.values.append(_replace(item, group=group))
    elif isinstance(item, m.RowsBlock):
        rf.rows.append(item)
    elif isinstance(item, m.Check):
        rf.checks.append(_replace(item, group=group))
    elif isinstance(item, m.Same):
        rf.same.append(_replace(item, group=group))
    elif isinstance(item, m.Param):
        rf.params.append(item)
    elif isinstance(item, tuple):
        kind = item[0]
        if kind == "sasaran":
            rf.sasaran.append(_replace(item[1], group=group))
            rf.indicators.extend(item[2])
        elif kind == "eselon":
            rf.eselons.append(item[1])
            for sub in item[2]:
                _add(rf, sub, item[1].id)
        elif kind == "section":
            for sub in item[2]:
                if isinstance(sub, (m.Value, m.RowsBlock)):
                    sub = _replace(sub, section=item[1])
                elif isinstance(sub, tuple) and sub[0] == "group":
                    sub = ("group", sub[1], [_replace(v, section=item[1]) for v in sub[2]])
                _add(rf, sub, group)
        elif kind == "group":
            for v in item[2]:
                _add(rf, _replace(v, grouping=item[1]), group)
        elif kind == "header":
            rf.header = (item[1], item[2])
        elif kind == "unit_decl":
            rf.unit = item[1]
        elif kind == "include":
            rf.includes.append((item[1], item[2]))
        elif kind == "extends":
            rf.extends.append((item[1], item[2]))
        elif kind == "settings":
            rf.settings.extend(item[1])
        elif kind == "params":
            rf.params.extend(item[1])
        elif kind == "targets":
            rf.targets.extend(item[1])
        elif kind == "removals":
            rf.removals.extend(item[1])
        elif kind == "rekap":
            for sub in item[1]:
                if isinstance(sub, m.RekapItem):
                    rf.rekap.append(sub)
                else:
                    rf.rekap_units.extend(sub[1])


@cached_by_content
def parse_text(text: str, path: str = "<teks>") -> tuple[m.RuleFile, list[Diagnostic]]:
    """Parse one rule file. Returns the model and the syntax diagnostics (empty when the file parsed)."""
    ensure_recursion_headroom()
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark, as Windows editors write it
        text = text[1:]
    rf = m.RuleFile(path=path, text=text)
    try:
        tree = parser().parse(text, start="start")
    except UnexpectedInput as err:
        return rf, [syntax_diagnostic(path, text, err)]
    deep = too_deep(tree, path, text)
    if deep is not None:
        return rf, [deep]
    builder = _Build(path, text)
    try:
        items = builder.transform(tree)
    except VisitError as err:  # a bug in the transformer, never the planner's fault
        raise err.orig_exc from err
    for item in items.children:
        _add(rf, item)
    return rf, builder.diagnostics
