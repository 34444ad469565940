"""Views of a result: the JSON structure of ``kinerja hitung --json`` and the Tabel 4 style text summary; and of
a rule set's check (``kinerja periksa``): the count of errors, the set's size, its changes to its parents.

Readers only: nothing here computes a figure. Numbers go to JSON as numbers (rounded as the rules say),
``null`` where there is no value.
"""

from __future__ import annotations

from typing import Any

from . import model as m
from .results import IndexResult, IndicatorResult, ObjectResult, Result, SasaranResult
from .temuan import LEVEL_ORDER, Temuan
from .trace import to_dict as trace_dict
from .values import TANPA_DATA, Galat, format_id, to_json_number


def _src(span: m.Span | None) -> str | None:
    return f"{span.file}:{span.line}" if span and span.line else None


def _object_json(o: ObjectResult, fields: dict[str, Any], trace: bool) -> dict[str, Any]:
    """The fields every object shares around its own ``fields``, in a stable order."""
    out: dict[str, Any] = {"id": o.id, "nama": o.nama, **fields, "status": o.status, "pesan": o.pesan or None,
                           "derivasi": o.step.line() if o.step else None}
    if o.capaian_step is not None:
        out["derivasi_capaian"] = o.capaian_step.line()
    out["aturan"] = _src(o.span)
    out["sumber_laporan"] = getattr(o, "sumber", "") or None
    if trace and o.step is not None:
        out["jejak"] = trace_dict(o.step)
    return out


def indicator_json(o: IndicatorResult, trace: bool = False) -> dict[str, Any]:
    return _object_json(o, {
        "sasaran": o.sasaran, "eselon": o.eselon, "satuan": o.satuan,
        "arah": o.arah, "target": to_json_number(o.target), "realisasi": to_json_number(o.realisasi),
        "capaian": to_json_number(o.capaian)}, trace)


def index_json(o: IndexResult, trace: bool = False) -> dict[str, Any]:
    return _object_json(o, {
        "induk": o.induk or None, "skala": to_json_number(o.skala),
        "nilai": to_json_number(o.nilai), "target": to_json_number(o.target),
        "capaian": to_json_number(o.capaian)}, trace)


def sasaran_json(o: SasaranResult, trace: bool = False) -> dict[str, Any]:
    return _object_json(o, {"eselon": o.eselon, "indikator": list(o.indikator),
                            "capaian": to_json_number(o.capaian)}, trace)


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: to_json_number(v) for k, v in row.items()}


def to_json(result: Result, findings: list[Temuan], trace: bool = False) -> dict[str, Any]:
    rs = result.rules.rules
    out: dict[str, Any] = {
        "aturan": {"nama": rs.name, "judul": rs.title or None, "versi": rs.version, "induk": rs.parents or None},
        "unit": rs.unit or None,
        "sumber_data": result.inputs.origin or None,
        "indikator": [indicator_json(o, trace) for o in result.indicators.values()],
        "indeks": [index_json(o, trace) for o in result.indices.values()],
        "sasaran": [sasaran_json(o, trace) for o in result.sasaran.values()],
    }
    # Tabel 4: per eselon I / division, its sasaran and their capaian
    out["eselon"] = [
        {"id": e.id, "nama": e.name, "divisi": e.division or None,
         "sasaran": [{"id": o.id, "nama": o.nama, "capaian": to_json_number(o.value), "status": o.status}
                     for o in result.sasaran.values() if o.eselon == e.id]}
        for e in rs.eselons.values()]
    sections: dict[str, dict[str, Any]] = {}
    for blk in rs.rows.values():
        if blk.section:
            sections.setdefault(blk.section, {})[blk.alias or blk.table] = [
                _row_json(r) for r in result.tables.get(blk.table, [])]
    loose: dict[str, Any] = {}
    for name, o in result.values.items():
        target = sections.setdefault(o.bagian, {}) if o.bagian else loose
        target[name] = to_json_number(o.value)
    for key, val in sections.items():
        out[key] = val
    if loose:
        out["nilai"] = loose
    out["temuan"] = [t.to_dict() for t in findings]
    out["masalah_masukan"] = [p.to_dict() for p in result.inputs.problems]
    out["ringkasan"] = {
        "indikator": len(result.indicators), "sasaran": len(result.sasaran), "indeks": len(result.indices),
        "temuan": {lvl: sum(1 for t in findings if t.tingkat == lvl) for lvl in LEVEL_ORDER},
        "galat": sum(1 for o in result.all_objects() if o.status == "galat"),
    }
    return out


# an indicator's status as shown to people (summary, Audit), never the internal code
STATUS_SHOWN = {"id": {"tanpa_data": "tanpa data", "galat": "galat"},
                "en": {"tanpa_data": "no data", "galat": "error"}}


def _pct(v: Any) -> str:
    if v is TANPA_DATA or v is None:
        return "-"
    if isinstance(v, Galat):
        return "GALAT"
    return format_id(v, 2)


def _galat_reason(ind, lang: str) -> str:
    """Why an indicator is GALAT (its realisasi or its capaian), in the reader's language; "" when it is not."""
    text = ind.pesan if ind.status == "galat" else ""
    for v in (ind.value, ind.capaian):
        if isinstance(v, Galat):
            text = (v.message_en or v.message) if lang == "en" else v.message
            break
    parts = text.split("; ")
    if len(text) > 240 and len(parts) > 3:  # many empty inputs: the first ones, and how many more
        more = f"… (+{len(parts) - 3} lagi)" if lang == "id" else f"… (+{len(parts) - 3} more)"
        text = "; ".join(parts[:3] + [more])
    return text


def summary_text(result: Result, findings: list[Temuan], lang: str = "id", width: int = 100) -> str:
    """Tabel 4 style: per eselon, per sasaran its capaian; then the findings by severity."""
    rs = result.rules.rules
    lines = []
    title = rs.title or rs.name
    lines.append(title)
    if rs.unit:
        lines.append(rs.unit)
    lines.append(f"Set aturan: {rs.name} (versi {rs.version})" if lang == "id" else
                 f"Rule set: {rs.name} (version {rs.version})")
    if result.inputs.origin:
        lines.append(("Data: " if lang == "id" else "Data: ") + result.inputs.origin)
    lines.append("")
    head = "CAPAIAN KINERJA PER SASARAN (gaya Tabel 4)" if lang == "id" else "ACHIEVEMENT PER SASARAN (Tabel 4 style)"
    lines.append(head)
    lines.append("=" * len(head))
    by_group: dict[str, list[SasaranResult]] = {}
    for s in result.sasaran.values():
        by_group.setdefault(s.eselon, []).append(s)
    name_w = width - 14
    for gid, items in by_group.items():
        e = rs.eselons.get(gid)
        if e is not None:
            lines.append("")
            lines.append(f"{e.name}" + (f" — {e.division}" if e.division else ""))
        for n, s in enumerate(items, 1):
            name = s.nama if len(s.nama) <= name_w else s.nama[: name_w - 1] + "…"
            lines.append(f"  {n:>2}. {name:<{name_w}} {_pct(s.value):>8}")
            for iid in s.indikator:
                ind = result.indicators[iid]
                real = _pct(ind.value) if ind.satuan in ("persen", "indeks") else (
                    format_id(ind.value) if ind.status == "ok" else _pct(ind.value))
                tgt = format_id(ind.target) if ind.target is not None else "-"
                status = "" if ind.status == "ok" else f" [{STATUS_SHOWN[lang].get(ind.status, ind.status)}]"
                lines.append(f"        · {iid}: target {tgt}, realisasi {real}, capaian {_pct(ind.capaian)}{status}")
                why = _galat_reason(ind, lang)
                if why:
                    lines.append(f"          {'alasan' if lang == 'id' else 'reason'}: {why}")
    lines.append("")
    head = f"TEMUAN ({len(findings)})" if lang == "id" else f"FINDINGS ({len(findings)})"
    lines.append(head)
    lines.append("=" * len(head))
    if not findings:
        lines.append("Tidak ada temuan." if lang == "id" else "No findings.")
    for level in LEVEL_ORDER:
        group = [t for t in findings if t.tingkat == level]
        if not group:
            continue
        lines.append("")
        shown = level if lang == "id" else {"tinggi": "high", "sedang": "medium", "rendah": "low"}.get(level, level)
        lines.append(f"[{shown.upper()}] {len(group)}")
        for t in group:
            lines.append(f"  - {t.kode} {t.message(lang)}")
    if result.inputs.problems:
        lines.append("")
        lines.append("MASALAH MASUKAN" if lang == "id" else "INPUT PROBLEMS")
        for p in result.inputs.problems:
            text = p.message if lang == "id" else (p.message_en or p.message)
            lines.append(f"  - {text}" if text.startswith(p.location) else f"  - {p.location}: {text}")
    return "\n".join(lines)


def errors_count(diags: list, lang: str = "id") -> str:
    """``3 galat, 1 peringatan``: the last line of a check that failed."""
    n = len([d for d in diags if d.is_error])
    return ((f"{n} galat" if lang == "id" else f"{n} error(s)") +
            (f", {len(diags) - n} peringatan" if lang == "id" else f", {len(diags) - n} warning(s)"))


def changes_json(changes: list[m.Change]) -> list[dict[str, Any]]:
    return [{"aksi": c.action, "jenis": c.kind, "id": c.id, "rincian": c.detail,
             "lokasi": f"{c.span.file}:{c.span.line}"} for c in changes]


def check_text(rs: m.RuleSet, changes: list[m.Change] | None, lang: str = "id") -> str:
    """A rule set that checks: its size and version; with ``changes``, every change to its parents."""
    msg = (f"{rs.name}: baik — {len(rs.indicators)} indikator, {len(rs.sasaran)} sasaran, "
           f"{len(rs.indices)} indeks, {len(rs.inputs) + len(rs.tables)} masukan, versi {rs.version}")
    if lang == "en":
        msg = (f"{rs.name}: ok — {len(rs.indicators)} indicators, {len(rs.sasaran)} sasaran, "
               f"{len(rs.indices)} indices, {len(rs.inputs) + len(rs.tables)} inputs, version {rs.version}")
    lines = [msg]
    if changes is not None:
        parents = ", ".join(rs.parents) or "-"
        lines.append(f"perubahan atas {parents}: {len(changes)}" if lang == "id" else
                     f"changes to {parents}: {len(changes)}")
        for c in changes:
            detail = f" — {c.detail}" if c.detail else ""
            lines.append(f"  {c.span.file}:{c.span.line}: {c.action} {c.kind} {c.id}{detail}")
    return "\n".join(lines)

