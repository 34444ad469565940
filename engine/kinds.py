"""Kind inference of rule expressions: the kind of every formula (one of vocabulary.KINDS, bool, or a list),
unknown names with suggestions, function arity, and the dependencies of every object.

A mixin of the checker (:mod:`kinerja.engine.checker`): it reports through the checker's ``report``/``unknown``
and fills its ``kinds``, ``deps``, ``row_columns`` and ``used_inputs``.
"""

from __future__ import annotations

from . import model as m
from .vocabulary import FUNCTIONS, KINDS, NUMERIC, ROUND_MODES, UNKNOWN, elem, list_of


class KindInference:
    # ---- names ----
    def all_names(self) -> list[str]:
        rs = self.rs
        names = list(rs.inputs) + list(rs.params) + list(rs.values) + list(rs.indicators) + list(rs.indices)
        for t in rs.tables.values():
            names.append(t.name)
            names.extend(f"{t.name}.{c.name}" for c in t.columns)
        for t, cols in self.row_columns.items():
            names.extend(f"{t}.{c}" for c in cols)
        return names

    def table_columns(self, table: str) -> dict[str, str]:
        t = self.rs.tables[table]
        cols = {c.name: c.kind for c in t.columns}
        cols.update(self.row_columns.get(table, {}))
        return cols

    # ---- expression kinds ----
    def infer(self, e: m.Expr, node: str, row: str | None = None) -> str:
        """Kind of ``e``; records dependencies of ``node``; ``row`` = table whose columns are bare names."""
        if isinstance(e, m.Num):
            return "angka"
        if isinstance(e, m.Str):
            return "teks"
        if isinstance(e, m.Bool):
            return "bool"
        if isinstance(e, m.NoDataLit):
            return UNKNOWN
        if isinstance(e, m.Ref):
            return self.infer_ref(e, node, row)
        if isinstance(e, m.ListExpr):
            ks = [self.scalar(self.infer(i, node, row), i) for i in e.items]
            return list_of(self.unify(ks, e, "[ ]"))
        if isinstance(e, m.Neg):
            k = self.infer(e.operand, node, row)
            self.numeric(k, e.operand, "-")
            return k
        if isinstance(e, m.Not):
            self.boolean(self.infer(e.operand, node, row), e.operand)
            return "bool"
        if isinstance(e, m.If):
            self.boolean(self.infer(e.cond, node, row), e.cond)
            a, b = self.infer(e.then, node, row), self.infer(e.other, node, row)
            return self.unify([a, b], e, "jika/lainnya")
        if isinstance(e, m.Ratio):
            a = self.scalar(self.infer(e.num, node, row), e.num)
            b = self.scalar(self.infer(e.den, node, row), e.den)
            self.numeric(a, e.num, "rasio")
            self.numeric(b, e.den, "rasio")
            if UNKNOWN not in (a, b) and "angka" not in (a, b) and a != b and a in NUMERIC and b in NUMERIC:
                self.report("E301", e.span, left=a, op="/", right=b)
            return "persen"
        if isinstance(e, m.Growth):
            a = self.scalar(self.infer(e.now, node, row), e.now)
            b = self.scalar(self.infer(e.last, node, row), e.last)
            self.numeric(a, e.now, "pertumbuhan")
            self.numeric(b, e.last, "pertumbuhan")
            if UNKNOWN not in (a, b) and "angka" not in (a, b) and a != b:
                self.report("E301", e.span, left=a, op="dari", right=b)
            return "persen"
        if isinstance(e, m.BinOp):
            return self.infer_binop(e, node, row)
        if isinstance(e, m.Call):
            return self.infer_call(e, node, row)
        return UNKNOWN  # pragma: no cover

    def infer_ref(self, e: m.Ref, node: str, row: str | None) -> str:
        rs, name = self.rs, e.name
        if row is not None and len(e.parts) == 1:
            cols = self.table_columns(row)
            if name in cols:
                if name in self.row_columns.get(row, {}):
                    self.deps.setdefault(node, set()).add(f"{row}.{name}")
                else:
                    self.used_inputs.add(row)
                return cols[name]
        if name in rs.inputs:
            self.used_inputs.add(name)
            self.deps.setdefault(node, set()).add(name)
            return rs.inputs[name].kind
        if name in rs.params:
            self.deps.setdefault(node, set()).add(name)
            return self.kinds.get(name, "angka")
        if name in rs.values or name in rs.indicators or name in rs.indices:
            self.deps.setdefault(node, set()).add(name)
            return self.kinds.get(name, UNKNOWN)
        if name in rs.tables:
            self.used_inputs.add(name)
            self.report("E213", e.span, name=name)
            return UNKNOWN
        if len(e.parts) == 2 and e.parts[0] in rs.tables:
            table, col = e.parts
            cols = self.table_columns(table)
            self.used_inputs.add(table)
            if col in cols:
                if col in self.row_columns.get(table, {}):
                    self.deps.setdefault(node, set()).add(f"{table}.{col}")
                return list_of(cols[col])
            self.unknown("E205", e.span, col, cols, table=table)
            return UNKNOWN
        if self.removed_ref(e.parts[0], e.span):
            return UNKNOWN

        def candidates() -> list[str]:
            names = self.all_names()
            if row is not None:
                names += list(self.table_columns(row))
            return names

        sug = self.suggest(name, candidates)
        if sug:
            self.report("E201", e.span, "did_you_mean", sug, name=name)
        else:
            self.report("E201", e.span, "declare_input", {"name": name}, name=name)
        return UNKNOWN

    def infer_binop(self, e: m.BinOp, node: str, row: str | None) -> str:
        if e.op == "di":
            return self.infer_member(e, node, row)
        a = self.infer(e.left, node, row)
        b = self.infer(e.right, node, row)
        op = e.op
        if op in ("dan", "atau"):
            self.boolean(a, e.left)
            self.boolean(b, e.right)
            return "bool"
        a, b = self.scalar(a, e.left), self.scalar(b, e.right)
        if UNKNOWN in (a, b):
            return "bool" if op in ("==", "!=", "<", "<=", ">", ">=") else (b if a == UNKNOWN else a)
        if op in ("==", "!=", "<", "<=", ">", ">=", "+", "-"):
            self.percent_trap(e, a, b)
        if op in ("==", "!="):
            if a != b and "angka" not in (a, b):
                self.report("E301", e.span, left=a, op=op, right=b)
            return "bool"
        if op in ("<", "<=", ">", ">="):
            self.numeric(a, e.left, op)
            self.numeric(b, e.right, op)
            if a != b and "angka" not in (a, b) and a in NUMERIC and b in NUMERIC:
                self.report("E301", e.span, left=a, op=op, right=b)
            return "bool"
        if a not in NUMERIC or b not in NUMERIC:
            self.report("E301", e.span, left=a, op=op, right=b)
            return UNKNOWN
        if op in ("+", "-"):
            if a == b or b == "angka":
                return a
            if a == "angka":
                return b
            self.report("E301", e.span, left=a, op=op, right=b)
            return UNKNOWN
        if op == "*":
            if a == "angka":
                return b
            if b == "angka":
                return a
            if a == "cacah":
                return b
            if b == "cacah":
                return a
            return "angka"
        # division
        if b == "angka":
            return a
        return "angka"

    def infer_member(self, e: m.BinOp, node: str, row: str | None) -> str:
        """``x di [a, b, …]``: x is one of the listed values (a list literal of x's kind)."""
        a = self.scalar(self.infer(e.left, node, row), e.left)
        if not isinstance(e.right, m.ListExpr) or not e.right.items:
            self.infer(e.right, node, row)
            self.report("E304", e.right.span, what="ruas kanan 'di'", expected="daftar [a, b, …]",
                        kind=e.right.span.text or "rumus")
            return "bool"
        for item in e.right.items:
            b = self.scalar(self.infer(item, node, row), item)
            if UNKNOWN in (a, b):
                continue
            if (a == "teks") != (b == "teks") or (a != b and "angka" not in (a, b)):
                self.report("E301", item.span, left=a, op="di", right=b)
        return "bool"

    def infer_call(self, e: m.Call, node: str, row: str | None) -> str:
        if e.func not in FUNCTIONS:
            self.unknown("E203", e.span, e.func, FUNCTIONS)
            for a in e.args:
                self.infer(a.expr, node, row)
            return UNKNOWN
        lo, hi = FUNCTIONS[e.func]
        n = len(e.args)
        if n < lo or (hi is not None and n > hi):
            expected = str(lo) if lo == hi else (f"{lo}–{hi}" if hi else f"≥ {lo}")
            self.report("E204", e.span, name=e.func, expected=expected, given=n)
            return UNKNOWN
        if e.func in ("bulat", "potong"):
            k = self.scalar(self.infer(e.args[0].expr, node, row), e.args[0].expr)
            digits = e.args[1].expr
            if not (isinstance(digits, m.Num) and digits.value == digits.value.to_integral_value()):
                self.report("E304", digits.span, what="digit pembulatan", expected="bilangan bulat", kind="rumus")
            if n == 3:
                mode = e.args[2].expr
                if not (isinstance(mode, m.Ref) and mode.name in ROUND_MODES):
                    name = mode.name if isinstance(mode, m.Ref) else mode.span.text
                    self.unknown("E304", mode.span, name, ROUND_MODES, what="mode pembulatan",
                                 expected="setengah_naik/potong", kind=name)
            return k
        if e.func == "ada":
            self.infer(e.args[0].expr, node, row)
            return "bool"
        if e.func == "mutlak":
            k = self.scalar(self.infer(e.args[0].expr, node, row), e.args[0].expr)
            self.numeric(k, e.args[0].expr, "mutlak")
            return k
        # aggregates
        kinds = []
        for a in e.args:
            k = self.infer(a.expr, node, row)
            if a.where is not None:
                table = self.column_table(a.expr)
                if table is None:
                    self.report("E304", a.expr.span, what="agregat dengan 'untuk'", expected="kolom tabel",
                                kind=elem(k))
                else:
                    self.boolean(self.infer(a.where, node, table), a.where)
            kinds.append(elem(k))
        if e.func == "banyak":
            return "cacah"
        if e.func == "rata_rata_tertimbang":
            self.numeric(kinds[0], e.args[0].expr, e.func)
            self.numeric(kinds[1], e.args[1].expr, e.func)
            return kinds[0]
        k = self.unify(kinds, e, e.func)
        self.numeric(k, e, e.func)
        return k

    def column_table(self, e: m.Expr) -> str | None:
        if isinstance(e, m.Ref) and len(e.parts) == 2 and e.parts[0] in self.rs.tables:
            return e.parts[0]
        return None

    def unify(self, kinds: list[str], e: m.Expr, op: str) -> str:
        ks = [k for k in kinds if k != UNKNOWN]
        if not ks:
            return UNKNOWN
        nonplain = [k for k in ks if k != "angka"]
        if not nonplain:
            return "angka"
        first = nonplain[0]
        for k in nonplain[1:]:
            if k != first:
                self.report("E301", e.span, left=first, op=op, right=k)
                return UNKNOWN
        return first

    def scalar(self, kind: str, e: m.Expr) -> str:
        if kind.startswith("daftar:"):
            self.report("E304", e.span, what=e.span.text or "nilai", expected="satu nilai", kind="daftar")
            return UNKNOWN
        return kind

    def numeric(self, kind: str, e: m.Expr, op: str) -> None:
        if kind not in NUMERIC and kind != UNKNOWN:
            self.report("E304", e.span, what=e.span.text or op, expected="angka", kind=kind)

    def boolean(self, kind: str, e: m.Expr) -> None:
        if kind not in ("bool", UNKNOWN):
            self.report("E303", e.span, kind=kind)

    # ---- constants (weights, parameters) ----
    def declared(self, decl, inferred: str) -> str:
        """A declared kind (`nilai x: angka = …`) replaces the inferred one; it must be a known kind."""
        if not decl.kind:
            return inferred
        if decl.kind not in KINDS:
            self.unknown_word(decl.kind, decl.kind_span or decl.span, KINDS, "jenis")
            return UNKNOWN
        if (decl.kind == "teks") != (inferred == "teks") and inferred != UNKNOWN:
            self.report("E304", decl.span, what=decl.name, expected=decl.kind, kind=inferred)
        return decl.kind

    def infer_quiet(self, e: m.Expr, node: str, row: str | None = None) -> str:
        saved = (list(self.diags), set(self.used_inputs))
        k = self.infer(e, node, row)
        self.diags, self.used_inputs = saved[0], saved[1]
        return k
