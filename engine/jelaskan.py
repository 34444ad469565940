"""The view of ``kinerja jelaskan ID``: one object of a result found by its id — a removed id says where the rule
set removed it (E220), an unknown one names the nearest id (E201) — and its derivation as a terminal tree or as
JSON. Readers only: nothing here computes a figure.
"""

from __future__ import annotations

import difflib
from typing import Any

from .checker import CheckedRules
from .errors import KinerjaError
from .results import ObjectResult, Result
from .trace import to_dict, tree


def object_for(checked: CheckedRules, result: Result, ident: str) -> ObjectResult:
    """The object ``ident`` of ``result``, or the error that says why there is none."""
    obj = result.get(ident)
    if obj is not None:
        return obj
    gone = checked.rules.removed.get(ident)
    if gone is not None:  # removed on purpose by the rule set: say where, never "did you mean"
        cause = f" ({gone.cause})" if gone.cause else ""
        where = f"{gone.span.file}:{gone.span.line}"
        raise KinerjaError(f"{gone.kind} {ident} dihapus oleh set aturan ini di {where}{cause}.",
                           message_en=f"{gone.kind} {ident} was removed by this rule set at {where}{cause}.",
                           code="E220", location=where,
                           hint="jelaskan dengan set aturan induknya, mis. --aturan pk2024-sumsel",
                           hint_en="explain it with the parent rule set, e.g. --aturan pk2024-sumsel")
    names = [o.id for o in result.all_objects()]
    close = difflib.get_close_matches(ident, names, n=1)
    hint = f"maksud Anda {close[0]}?" if close else "lihat daftar id dengan: kinerja hitung --json"
    raise KinerjaError(f"ID tidak dikenal: {ident}", message_en=f"Unknown id: {ident}", code="E201",
                       hint=hint, hint_en=hint.replace("maksud Anda", "did you mean"))


def explain_json(obj: ObjectResult) -> dict[str, Any]:
    """The object with its derivation trees (``jejak``, ``jejak_capaian``) as JSON."""
    return {"id": obj.id, "jenis": obj.jenis, "nama": obj.nama, "status": obj.status,
            "jejak": to_dict(obj.step) if obj.step else None,
            "jejak_capaian": to_dict(obj.capaian_step) if obj.capaian_step else None}


def explain_text(obj: ObjectResult) -> str:
    """The object's heading, its derivation tree, the capaian's one line and its status when it has a message."""
    lines = [f"{obj.jenis} {obj.id} — {obj.nama}"]
    if obj.step is not None:
        lines.append(tree(obj.step))
    if obj.capaian_step is not None:
        lines.append(f"capaian: {obj.capaian_step.line()}")
    if obj.pesan:
        lines.append(f"status: {obj.status} — {obj.pesan}")
    return "\n".join(lines)
