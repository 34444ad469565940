"""The dependency graph of a rule set: cycles (E401) and which inputs each object depends on.

A mixin of the checker (:mod:`kinerja.engine.checker`), reading the ``deps`` the kind inference recorded.
"""

from __future__ import annotations

from . import model as m


class GraphChecks:
    def check_cycles(self) -> None:
        graph = {k: {d for d in v if d in self.node_span or d in self.deps} for k, v in self.deps.items()}
        state: dict[str, int] = {}
        reported: set[frozenset] = set()

        def visit(n: str, path: list[str]) -> None:
            state[n] = 1
            path.append(n)
            for d in sorted(graph.get(n, ())):
                if state.get(d) == 1:
                    cyc = path[path.index(d):] + [d]
                    key = frozenset(cyc)
                    if key not in reported:
                        reported.add(key)
                        span = self.node_span.get(d, m.NOSPAN)
                        self.report("E401", span, width=len(d.split(".")[-1]), cycle=" → ".join(cyc))
                elif state.get(d) is None:
                    visit(d, path)
            path.pop()
            state[n] = 2

        for n in sorted(graph):
            if state.get(n) is None:
                visit(n, [])

    def input_uses(self) -> dict[str, set[str]]:
        """Object → the inputs (and tables) it depends on, transitively (to mark galat by input)."""
        rs = self.rs
        memo: dict[str, set[str]] = {}

        def inputs_of(n: str, seen: frozenset) -> set[str]:
            if n in memo:
                return memo[n]
            if n in rs.inputs or n in rs.tables:
                return {n}
            out: set[str] = set()
            for d in self.deps.get(n, ()):
                if d not in seen:
                    out |= inputs_of(d, seen | {n})
            if n.split(".")[0] in rs.tables and n not in rs.indices:
                out.add(n.split(".")[0])
            memo[n] = out
            return out

        return {n: inputs_of(n, frozenset()) for n in self.deps}
