"""Small helpers: evaluate rule text on plain values without any adapter."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kinerja.engine import Inputs, Tracer, check_rules, evaluate, load_rules


def D(x) -> Decimal:
    return Decimal(str(x))


def write_rules(tmp_path: Path, text: str, name: str = "aturan.kin") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def diagnostics(tmp_path: Path, text: str):
    _, diags = check_rules(write_rules(tmp_path, text))
    return diags


def run(tmp_path: Path, text: str, values=None, tables=None, problems=None, trace=True):
    checked = load_rules(write_rules(tmp_path, text))
    vals = {k: (D(v) if isinstance(v, (int, float, str)) and not isinstance(v, bool) and _num(v) else v)
            for k, v in (values or {}).items()}
    tabs = {t: [{c: (D(v) if isinstance(v, (int, float)) else v) for c, v in row.items()} for row in rows]
            for t, rows in (tables or {}).items()}
    return evaluate(checked, Inputs(values=vals, tables=tabs, problems=list(problems or [])), Tracer(trace))


def _num(v) -> bool:
    try:
        Decimal(str(v))
        return True
    except Exception:
        return False
