"""The judge of tests/adversarial/test_memo_stale.py: what one Hitung of a workbook gives in a FRESH process.

kinerja remembers many things by a part's exact bytes (layouts, rows, cells, well-formed parts, styles, deflated
members, Audit rows …). A memory served for the wrong workbook is a silent wrong number. The tests therefore never
compare a warmed process with itself: every expected record comes from :func:`fresh`, a child process that imports
kinerja, then forks once per workbook before anything was read, evaluated or written, so each Hitung starts with
every memory empty — the same as ``kinerja hitung BUKU`` typed in a new terminal, only without paying the imports
thirty times (one test also runs the real CLI in a new process, to show the fork judges as the CLI would).

A record (:func:`record`) is everything a Hitung hands back or leaves behind: the JSON of ``kinerja hitung
--json``, every input problem (code, place, both languages), the summary text, or the coded error, and every
member of the workbook written (decompressed bytes). The time is fixed, so the files must be identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

NOW = datetime(2026, 12, 7, 1, 2, 3, tzinfo=timezone.utc)


def members(path: Path) -> dict[str, str]:
    """Every member of the zip, decompressed (text as latin-1, so a record is JSON)."""
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename).decode("latin-1") for i in z.infolist()}


def record(src: str, dest: str, aturan: str | None = None, zona: str | None = None, lang: str = "id") -> dict:
    """One Hitung of ``src`` into ``dest`` in this process, as a comparable record (paths taken out)."""
    from kinerja.engine.errors import KinerjaError, set_language
    from kinerja.workbooks.recalc import recalculate_workbook

    set_language(lang)
    try:
        out = recalculate_workbook(src, aturan=aturan, keluaran=dest, now=NOW, zona=zona)
    except KinerjaError as err:
        rec: dict[str, Any] = {"error": err.to_dict() if hasattr(err, "to_dict") else str(err)}
        shown = json.dumps(rec["error"], default=str).replace(str(Path(dest).resolve().parent), "<dir>")
        rec["error"] = json.loads(shown)
        return rec
    finally:
        set_language(None)
    js = dict(out.json)
    js.pop("buku_kerja", None)
    return {
        "json": json.loads(json.dumps(js, default=str)),
        "problems": [[p.code, p.input, p.location, p.message, p.message_en] for p in out.problems],
        "summary": out.summary.replace(str(dest), "<dest>"),
        "members": members(Path(dest)),
    }


_ZYGOTE = """
import json, os, sys
sys.path.insert(0, {here!r})
import kinerja.workbooks.recalc  # imported once; nothing read, evaluated or written before the forks
import memo_fresh
jobs = json.load(sys.stdin)
outs = []
for i, job in enumerate(jobs):
    target = job["dest"] + ".record.json"
    pid = os.fork()
    if pid == 0:
        try:
            rec = memo_fresh.record(job["src"], job["dest"], job.get("aturan"), job.get("zona"), job.get("lang", "id"))
            with open(target, "w") as fh:
                json.dump(rec, fh)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    outs.append(target)
print(json.dumps(outs))
"""


def fresh(jobs: list[dict]) -> list[dict]:
    """:func:`record` of each job, each in a process whose memories are all empty (module docstring)."""
    return _forked(_ZYGOTE.format(here=str(Path(__file__).parent)), jobs)


def _forked(code: str, items: list) -> list:
    """Run a zygote program on ``items`` (JSON on stdin); it prints the files its forks wrote, one per item."""
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(items), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = []
    for target in json.loads(proc.stdout):
        with open(target) as fh:
            out.append(json.load(fh))
    return out


def differences(warm: dict, cold: dict) -> list[str]:
    """Where a warmed process's record differs from the fresh one (empty when identical)."""
    diff = [k for k in ("error", "json", "problems", "summary") if warm.get(k) != cold.get(k)]
    wm, cm = warm.get("members", {}), cold.get("members", {})
    diff += [f"member {m}" for m in sorted(set(wm) | set(cm)) if wm.get(m) != cm.get(m)]
    return diff


_LIVE_ZYGOTE = """
import json, os, sys
sys.path.insert(0, {here!r})
from kinerja.server import _run, load_rule_sets
rules = load_rule_sets({names!r})  # as the server does at start; no payload seen before the forks
payloads = json.load(sys.stdin)
outs = []
for i, payload in enumerate(payloads):
    target = {folder!r} + f"/live-{{i}}.json"
    pid = os.fork()
    if pid == 0:
        try:
            with open(target, "w") as fh:
                json.dump(_run(payload, rules), fh)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    outs.append(target)
print(json.dumps(outs))
"""


def fresh_live(payloads: list[dict], folder: Path, rule_sets: tuple[str, ...] = ("pk2024-sumsel",)) -> list[list]:
    """The actions ``kinerja server`` answers for each payload, each computed in a process that has seen no
    other payload (forked from one that only loaded the rule sets, as the server does at start)."""
    return _forked(_LIVE_ZYGOTE.format(here=str(Path(__file__).parent), names=list(rule_sets), folder=str(folder)),
                   payloads)
