"""Planner tests as data: ``uji/*.yaml`` inside a rule set, run by ``kinerja uji ATURAN`` and collected by pytest.

A test file::

    data: ../data-lkjip-2024.yaml          # base data (relative to this file; one file or a list); optional
    kasus:
      - nama: angka laporan 2024
        harapan:                           # id → value; id.capaian → capaian; exact as written
          pas_iphp: "4,01"                 # Indonesian print (4,01) or a number (4.01)
          pas_iphp.capaian: "111,39"
          ki_aduan: tanpa_data             # no data (also "-"); galat: an error result
      - nama: JDIHN separuh
        masukan: {bphn_jdihn_pembilang: 18}      # inputs changed from the base data
        tabel: {imi_ikm_upt_survei: [{unit: Kanim Palembang, nilai: 3.2}]}
        toleransi: 0.01                    # optional, for the whole case; or per value: {nilai: "3,9", toleransi: 0.05}
        harapan:
          bphn_jdihn.capaian: "200,00"

A value is compared **exactly as written**: ``"108"`` does not pass for 108,38 (write ``"108,38"``, or a
``toleransi``). Data checks (temuan) do not make a test fail; only expectations do.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine import CheckedRules, InputError, Tracer, evaluate, input_specs, load_rules
from ..engine.loader import resolve
from ..engine.values import TANPA_DATA, Galat, format_id
from ..workbooks.datafile import read_yaml
from ..workbooks.datafile_values import number as data_number
from ..workbooks.datafile_yaml import load_yaml

NO_DATA_WORDS = ("tanpa_data", "-", "tanpa data")


@dataclass
class Outcome:
    file: str  # shown name, e.g. "uji/laporan.yaml"
    case: str
    failures: list[Failure] = field(default_factory=list)
    checked: int = 0  # expectations compared

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"berkas": self.file, "kasus": self.case, "lulus": self.ok, "harapan": self.checked,
                "gagal": [f.text(lang) for f in self.failures]}


@dataclass(frozen=True)
class Failure:
    """One expectation of a case that did not hold (or could not be asked), shown in either language."""

    key: str  # the expected object (``ki_memahami.capaian``) or the unknown input
    expected: str = ""  # as the planner wrote it
    got: str = ""  # the engine's value, shown
    tolerance: str = ""
    reason: str = "beda"  # beda (values differ) | tak_ada (no such object) | masukan (unknown input)
    removed: str = ""  # for tak_ada / masukan: where the rule set removed the name (``pk2025.kin:13``)
    suggestion: str = ""  # for tak_ada / masukan: the nearest name the rule set has

    def text(self, lang: str = "id") -> str:
        en = lang == "en"
        if self.removed:
            what = "input " if self.reason == "masukan" else ""
            what_id = "masukan " if self.reason == "masukan" else ""
            sep = " " if what else ": "
            return f"{what}{self.key}{sep}removed by this rule set at {self.removed}" if en else \
                f"{what_id}{self.key}{sep}dihapus oleh set aturan ini di {self.removed}"
        hint = (f" — did you mean {self.suggestion}?" if en else f" — maksud Anda {self.suggestion}?") \
            if self.suggestion else ""
        if self.reason == "masukan":
            return f"input {self.key} is unknown to this rule set{hint}" if en else \
                f"masukan {self.key} tidak dikenal set aturan ini{hint}"
        if self.reason == "tak_ada":
            return f"{self.key}: no indicator, index, sasaran or value has this name{hint}" if en else \
                f"{self.key}: tidak ada indikator, indeks, sasaran atau nilai bernama demikian{hint}"
        tol = (f" (tolerance {self.tolerance})" if en else f" (toleransi {self.tolerance})") if self.tolerance else ""
        return f"{self.key}: expected {self.expected}{tol}, got {self.got}" if en else \
            f"{self.key}: harapan {self.expected}{tol}, hasil {self.got}"


class UjiError(InputError):
    """A test file that cannot be run (unreadable YAML, wrong shape, missing base data)."""

    code = "U100"


def uji_files(rules_dir: Path) -> list[Path]:
    return sorted((rules_dir / "uji").glob("*.yaml")) if (rules_dir / "uji").is_dir() else []


def _expected(raw: Any, where: str) -> tuple[Any, str]:
    """(Decimal | TANPA_DATA | "galat", as written)."""
    if isinstance(raw, bool) or raw is None:
        raise UjiError(f"{where}: harapan harus angka, tanpa_data atau galat.",
                       message_en=f"{where}: an expected value must be a number, tanpa_data or galat.",
                       location=where, code="U102")
    text = (getattr(raw, "text", None) or str(raw)).strip()  # as written in the file ("108,38", 108.38)
    if text.lower() in NO_DATA_WORDS:
        return TANPA_DATA, text
    if text.lower() == "galat":
        return "galat", text
    num = data_number(raw)  # the data files' one reading rule: "1.000" is asked about, never taken as 1
    if num is None:
        bare = text.rstrip("% ")
        hint, hint_en = 'tulis mis. "108,38", 108.38, 1000 (bukan 1.000), tanpa_data atau galat', ""
        if text.endswith("%") and data_number(bare) is not None:  # "104,17%" copied from the PK document
            hint = f'tulis "{bare}" (tanpa %: capaian dan nilai persen ditulis pada skala 0–100)'
            hint_en = f'write "{bare}" (without %: capaian and persen values are written on 0–100)'
        raise UjiError(f"{where}: harapan {text!r} bukan angka yang terbaca satu arti.",
                       message_en=f"{where}: {text!r} is not a number with one reading.", location=where,
                       code="U102", hint=hint, hint_en=hint_en)
    return num, text


def _unknown(checked: CheckedRules, key: str, reason: str, names: list[str]) -> Failure:
    """An expectation or input the rule set does not have: where it was removed (``hapus``), else the
    nearest name (``.capaian`` kept), so the planner learns what to write."""
    base, suffix = (key[: -len(".capaian")], ".capaian") if key.endswith(".capaian") else (key, "")
    gone = checked.rules.removed.get(base)
    if gone is not None:
        cause = f" ({gone.cause})" if gone.cause else ""
        return Failure(key, reason=reason, removed=f"{gone.span.file}:{gone.span.line}{cause}")
    close = difflib.get_close_matches(base, names, n=1, cutoff=0.75)
    return Failure(key, reason=reason, suggestion=close[0] + suffix if close else "")


def _got(result, key: str) -> tuple[Any, bool]:
    """The computed figure for ``id`` or ``id.capaian`` (value, found)."""
    obj = result.get(key)
    if obj is not None:
        return obj.value, True
    if key.endswith(".capaian"):
        obj = result.get(key[: -len(".capaian")])
        if obj is not None:
            return obj.capaian, True
    return None, False


def _show(v: Any) -> str:
    if v is TANPA_DATA:
        return "tanpa_data"
    if isinstance(v, Galat):
        return f"galat ({v})"
    if isinstance(v, Decimal):
        return format_id(v)
    return str(v)


def _load(path: Path) -> dict:
    try:
        data = load_yaml(path) or {}
    except InputError as exc:
        raise UjiError(f"Berkas uji tidak dapat dibaca: {exc.message_id}",
                       message_en=f"Cannot read test file: {exc.message_en}", location=exc.location or str(path),
                       code="U101", hint=exc.hint_id) from None
    if not isinstance(data, dict) or not isinstance(data.get("kasus"), list):
        raise UjiError("Berkas uji harus berisi 'kasus:' (daftar kasus dengan nama dan harapan).",
                       message_en="A test file must contain 'kasus:' (a list of cases with nama and harapan).",
                       location=str(path), code="U101")
    return data


def run_file(checked: CheckedRules, path: Path, shown: str) -> list[Outcome]:
    data = _load(path)
    base = data.get("data") or []
    base = [base] if isinstance(base, str) else list(base)
    base_paths = [(path.parent / b).resolve() for b in base]
    for b in base_paths:
        if not b.is_file():
            raise UjiError(f"Data dasar uji tidak ditemukan: {b}", message_en=f"Base data of the test not found: {b}",
                           location=f"{shown}: data", code="U103")
    specs = input_specs(checked)
    outcomes = []
    for n, case in enumerate(data["kasus"], 1):
        if not isinstance(case, dict) or not isinstance(case.get("harapan"), dict):
            raise UjiError(f"{shown}: kasus ke-{n} harus punya 'harapan:' (id → nilai).",
                           message_en=f"{shown}: case {n} needs 'harapan:' (id → value).",
                           location=f"{shown}: kasus[{n}]", code="U101")
        name = str(case.get("nama") or f"kasus {n}")
        changes = {"masukan": case.get("masukan") or {}, "tabel": case.get("tabel") or {}}
        unknown = [k for k in list(changes["masukan"]) + list(changes["tabel"])
                   if k not in {s.name for s in specs}]
        out = Outcome(shown, name)
        for k in unknown:
            out.failures.append(_unknown(checked, str(k), "masukan", [s.name for s in specs]))
        inputs = read_yaml(base_paths or [], specs, changes=changes, changes_origin=f"{shown} › {name}", rules=checked)
        result = evaluate(checked, inputs, Tracer(False))
        case_tol = case.get("toleransi")
        for key, raw in case["harapan"].items():
            tol = case_tol
            if isinstance(raw, dict):
                tol, raw = raw.get("toleransi", tol), raw.get("nilai")
            want, written = _expected(raw, f"{shown} › {name} › {key}")
            if tol is not None:
                tol, _ = _expected(tol, f"{shown} › {name} › {key} › toleransi")
                if not isinstance(tol, Decimal):
                    raise UjiError(f"{shown} › {name} › {key}: toleransi harus angka.",
                                   message_en=f"{shown} › {name} › {key}: toleransi must be a number.",
                                   location=f"{shown} › {name}", code="U102")
            got, found = _got(result, str(key))
            out.checked += 1
            if not found:
                out.failures.append(_unknown(checked, str(key), "tak_ada", [o.id for o in result.all_objects()]))
                continue
            if want is TANPA_DATA:
                ok = got is TANPA_DATA
            elif want == "galat":
                ok = isinstance(got, Galat)
            elif not isinstance(got, Decimal):
                ok = False
            elif tol is not None:
                ok = abs(got - want) <= tol
            else:
                ok = got == want
            if not ok:
                out.failures.append(Failure(str(key), written, _show(got), "" if tol is None else str(tol)))
        outcomes.append(out)
    return outcomes


def run(ref: str) -> tuple[CheckedRules, list[Outcome]]:
    """Run every ``uji/*.yaml`` of a rule set. Raises RuleError / UjiError when they cannot run."""
    path = resolve(ref)
    folder = path if path.is_dir() else path.parent
    checked = load_rules(ref)
    outcomes: list[Outcome] = []
    for f in uji_files(folder):
        outcomes.extend(run_file(checked, f, f"uji/{f.name}"))
    return checked, outcomes


def outcomes_text(name: str, outcomes: list[Outcome], lang: str = "id") -> str:
    """What ``kinerja uji`` prints: each case passed or failed with its failures, then the count."""
    en = lang == "en"
    lines = []
    for o in outcomes:
        status = ("passed" if en else "lulus") if o.ok else ("FAILED" if en else "GAGAL")
        lines.append(f"{status}  {o.file} › {o.case}")
        lines += [f"        {f.text(lang)}" for f in o.failures]
    failed = [o for o in outcomes if not o.ok]
    expectations = sum(o.checked for o in outcomes)
    if not outcomes:
        lines.append(f"{name}: no tests (uji/*.yaml)" if en else f"{name}: tidak ada uji (uji/*.yaml)")
    elif en:
        lines.append(f"{name}: {len(outcomes)} cases, {expectations} expectations — "
                     + (f"{len(failed)} cases failed" if failed else "all passed"))
    else:
        lines.append(f"{name}: {len(outcomes)} kasus, {expectations} harapan — "
                     + (f"{len(failed)} kasus gagal" if failed else "semua lulus"))
    return "\n".join(lines)
