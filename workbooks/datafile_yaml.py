"""YAML data files: read within limits (depth and alias-expanded size counted while libyaml's events stream, or
while the pure-Python loader composes — B113), their layout checked once (B107), several files' printed figures
combined (:func:`read_yaml`); and written back (:func:`data_yaml`, ``kinerja ekspor``) so that reading the text
gives the same values.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..engine.errors import InputError
from ..engine.interface import InputProblem, Inputs, InputSpec
from ..engine.limits import MAX_YAML_DEPTH, MAX_YAML_NODES, clip, shown
from ..engine.tercetak import printed_cell
from ..engine.values import THOUSANDS_OR_DECIMAL, in_range
from .datafile_keys import removed_inputs, top_level
from .datafile_values import KeyTwice, build_inputs, given_twice, one_reading, read_text, written_twice
from .errors import DATA_BAD_SHAPE as BAD_SHAPE
from .errors import DATA_NOT_A_MAPPING, DATA_SHAPES_DIFFER
from .errors import DATA_REFUSED as REFUSED


class _TooBig(Exception):
    def __init__(self, reason: str, reason_en: str, mark: Any):
        super().__init__(reason)
        self.reason, self.reason_en, self.mark = reason, reason_en, mark


@one_reading
class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, composing at most :data:`limits.MAX_YAML_DEPTH` levels of nested collections
    and at most :data:`limits.MAX_YAML_NODES` nodes counted with every alias expanded: a "billion laughs" of
    a few lines is refused while it is read, before anything walks (or prints) the aliased tree."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)  # an aliased node's size is already known
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _TooBig(f"bersarang lebih dari {MAX_YAML_DEPTH} tingkat",
                          f"nested more than {MAX_YAML_DEPTH} levels", mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes.get(id(c), 1) for c in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
        if size > MAX_YAML_NODES:
            raise _TooBig(*_too_many(), mark)
        if size > 1:
            self._sizes[id(node)] = size
        return node


#: libyaml's loader when PyYAML was built with it (about 5× faster on a 5 MB file); else the pure-Python one.
#: Composition happens in C there, out of reach of :class:`_BoundedLoader`'s counting, so :func:`_prechecked`
#: first walks libyaml's event stream — no node is composed — and applies the same two limits.
_C_LOADER = one_reading(type("_CLoader", (yaml.CSafeLoader,), {})) if hasattr(yaml, "CSafeLoader") else None


def _prechecked(text: str) -> None:
    """Depth and alias-expanded size of a YAML text from libyaml's events (the limits of :class:`_BoundedLoader`):
    a node's size is 1 + its children's sizes, an alias counts its anchor's whole size, so an alias bomb of a few
    lines is refused here without anything being expanded, and no deep nesting reaches the C composer."""
    parser = _C_LOADER(text)
    stack: list[list] = []  # per open collection: [size so far, anchor, where it starts]
    anchors: dict[str, int] = {}
    try:
        while parser.check_event():
            ev = parser.get_event()
            if isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                depth = len(stack) + 1
                if not isinstance(ev, yaml.AliasEvent) and depth > MAX_YAML_DEPTH:
                    raise _TooBig(f"bersarang lebih dari {MAX_YAML_DEPTH} tingkat",
                                  f"nested more than {MAX_YAML_DEPTH} levels", ev.start_mark)
                if isinstance(ev, yaml.CollectionStartEvent):
                    stack.append([1, ev.anchor, ev.start_mark])
                    continue
                size = anchors.get(ev.anchor, 1) if isinstance(ev, yaml.AliasEvent) else 1
                if isinstance(ev, yaml.ScalarEvent) and ev.anchor:
                    anchors[ev.anchor] = 1
            elif isinstance(ev, yaml.CollectionEndEvent):
                size, anchor, mark = stack.pop()
                if size > MAX_YAML_NODES:
                    raise _TooBig(*_too_many(), mark)
                if anchor:
                    anchors[anchor] = size
            else:
                continue
            if stack:
                stack[-1][0] += size
    finally:
        parser.dispose()


def _too_many() -> tuple[str, str]:
    return (f"lebih dari {MAX_YAML_NODES:,} unsur bila alias (*…) diuraikan".replace(",", "."),
            f"more than {MAX_YAML_NODES:,} elements once aliases (*…) are expanded")


def _compose(text: str) -> object:
    if _C_LOADER is not None:
        _prechecked(text)
        loader = _C_LOADER(text)
    else:
        loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(p: Path) -> object:
    """A kinerja YAML file — a data file or a planner's test file — within the data-file limits, every number read by
    the one reading rule (:func:`.datafile_values.one_reading`); an :class:`InputError` naming the file and line."""
    try:
        return _compose(read_text(p))
    except _TooBig as exc:
        loc = f"{p}:{exc.mark.line + 1}:{exc.mark.column + 1}" if exc.mark else str(p)
        raise InputError(f"Berkas YAML tidak dibaca: {exc.reason}.", message_en=f"YAML file not read: "
                         f"{exc.reason_en}.", location=loc, code=REFUSED,
                         hint="berkas data kinerja cukup bertingkat: masukan → nama → nilai; tabel → nama → baris"
                         ) from None
    except KeyTwice as exc:
        raise written_twice(f"{p}:{exc.again.line + 1}:{exc.again.column + 1}", clip(shown(exc.key), 80),
                            exc.first.line + 1, exc.again.line + 1,
                            " dalam satu bagian; YAML akan memakai yang terakhir tanpa peringatan",
                            " in one section; YAML would use the last one without a warning") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark else str(p)
        problem = clip(str(getattr(exc, "problem", None) or exc), 200)
        raise InputError(f"Berkas YAML tidak dapat dibaca: {problem}",
                         message_en=f"Cannot read YAML file: {problem}", location=loc,
                         code="B102", hint="periksa indentasi dan tanda titik dua di baris itu") from None


def _load_yaml(p: Path) -> dict:
    data = load_yaml(p) or {}
    if not isinstance(data, dict):
        raise InputError("Berkas data harus berisi pemetaan (masukan:, tabel:, dilaporkan:).",
                         message_en="A data file must contain a mapping (masukan:, tabel:, dilaporkan:).",
                         location=str(p), code=DATA_NOT_A_MAPPING)
    _check_shape(data, p)
    return data


def _bad_shape(p: Path, where: str, what: str, what_en: str) -> InputError:
    return InputError(f"{where} {what}.", message_en=f"{where} {what_en}.", location=f"{p}: {clip(where)}",
                      code=BAD_SHAPE, hint="bentuk berkas data: docs/berkas-data.md; contoh: rules/pk2024-sumsel/"
                      "data-lkjip-2024.yaml")


_REPORTED_GROUPS = ("indikator", "indeks", "sasaran")


def _check_shape(data: dict, p: Path) -> None:
    """The layout every reader of a data file relies on, checked once here (B107 naming the place):
    ``masukan`` name → value, ``tabel`` name → list of rows, ``dilaporkan`` group → id → field → printed
    figures, each figure ``{nilai: number or "-", sumber: text}``."""
    for section in ("masukan", "tabel", "dilaporkan"):
        value = data.get(section)
        if value is not None and not isinstance(value, dict):
            raise _bad_shape(p, section, f"harus pemetaan nama → isi, bukan {shown(value)}",
                             f"must be a mapping name → content, not {shown(value)}")
        for key in value or {}:
            if not isinstance(key, str):
                raise _bad_shape(p, f"{section}.{shown(key)}", "harus bernama teks", "must be named by text")
    for name, rows in (data.get("tabel") or {}).items():
        if rows is not None and not isinstance(rows, list):
            raise _bad_shape(p, f"tabel.{name}", f"harus daftar baris, bukan {shown(rows)}",
                             f"must be a list of rows, not {shown(rows)}")
    for key, group in (data.get("dilaporkan") or {}).items():
        if key in _REPORTED_GROUPS:
            if group is None:
                continue
            if not isinstance(group, dict):
                raise _bad_shape(p, f"dilaporkan.{key}", "harus pemetaan id → bidang", "must be a mapping id → field")
            for ident, fields in group.items():
                where = f"dilaporkan.{key}.{shown(ident)}"
                if fields is None:
                    continue
                if not isinstance(fields, dict):
                    raise _bad_shape(p, where, "harus pemetaan bidang (realisasi, capaian, …) → angka tercetak",
                                     "must be a mapping field (realisasi, capaian, …) → printed figures")
                for fname, entries in fields.items():
                    _check_entries(p, f"{where}.{shown(fname)}", entries)
        elif isinstance(group, (dict, list)):  # a section of the rules (e.g. anggaran): key → printed figures
            for sub, entries in (group.items() if isinstance(group, dict) else enumerate(group)):
                _check_entries(p, f"dilaporkan.{key}.{shown(sub)}", entries)


def _check_entries(p: Path, where: str, entries: Any) -> None:
    items = entries if isinstance(entries, list) else [entries] if isinstance(entries, dict) else None
    if entries is None:
        return
    if items is None:
        raise _bad_shape(p, where, f"harus daftar angka tercetak {{nilai: …, sumber: …}}, bukan {shown(entries)}",
                         f"must be a list of printed figures {{nilai: …, sumber: …}}, not {shown(entries)}")
    for i, e in enumerate(items):
        if not isinstance(e, dict):
            raise _bad_shape(p, f"{where}[{i + 1}]", f"harus {{nilai: …, sumber: …}}, bukan {shown(e)}",
                             f"must be {{nilai: …, sumber: …}}, not {shown(e)}")
        for k, v in e.items():
            if isinstance(v, (dict, list)):
                raise _bad_shape(p, f"{where}[{i + 1}].{shown(k)}", f"harus satu nilai, bukan {shown(v)}",
                                 f"must be one value, not {shown(v)}")
        for k in ("nilai", "target", "realisasi", "capaian") if "tahun" in e else ("nilai",):
            if k not in e:
                continue
            v = e[k]
            try:
                cell = printed_cell(v)
            except ValueError:
                cell = (None, False)
            if cell is not None and (cell[0] is None or not in_range(cell[0])):
                raise _bad_shape(p, f"{where}[{i + 1}].{k}",
                                 f"harus angka (YAML, atau teks seperti tercetak: \"111,40\", \"85%\") dalam rentang "
                                 f"kinerja, atau \"-\"/\"NIHIL\", bukan {shown(v)}",
                                 f"must be a number (YAML, or text as printed: \"111,40\", \"85%\") within kinerja's "
                                 f"range, or \"-\"/\"NIHIL\", not {shown(v)}")


def _merge_reported(into: dict, extra: dict, where: str) -> None:
    """Printed figures of several files: lists of the same slot are concatenated, mappings merged."""
    for key, value in extra.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge_reported(into[key], value, f"{where}.{key}")
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key] = into[key] + value
        else:
            raise InputError(f"dilaporkan.{where}.{key}: bentuknya berbeda antarberkas data (daftar vs pemetaan).",
                             message_en=f"dilaporkan.{where}.{key}: different shapes across data files.",
                             location=f"dilaporkan.{where}.{key}", code=DATA_SHAPES_DIFFER,
                             hint="tulis angka tercetak di tempat yang sama dengan bentuk yang sama")


def read_yaml(path: str | Path | list[str | Path], specs: list[InputSpec], changes: dict | None = None,
              changes_origin: str = "", rules: Any = None) -> Inputs:
    """One YAML data file, or several: inputs and tables may be given once only; printed figures
    (``dilaporkan``) of all files are combined (e.g. the user's data plus a file of further printed figures).
    ``changes`` (``{"masukan": {…}, "tabel": {…}}``) replaces some inputs afterwards (a planner test case).
    ``rules`` (the checked rule set, optional): inputs it removed (``hapus``) are not reported as unknown, and
    each file's period (``periode``/``tahun``) is compared with the year the rules apply to (``berlaku``)."""
    paths = [Path(x) for x in (path if isinstance(path, list) else [path])]
    values: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    reported: dict[str, Any] = {}
    origin: dict[str, str] = {}
    early: list[InputProblem] = []
    for p in paths:
        data = _load_yaml(p)
        early += top_level(data, p, rules)
        for section, into in (("masukan", values), ("tabel", tables)):
            for name, value in (data.get(section) or {}).items():
                if name in into:
                    raise given_twice(f"{p}: {section}.{name}", f"{section}.{name}", origin[name], p.name)
                into[name], origin[name] = value, p.name
        _merge_reported(reported, data.get("dilaporkan") or {}, p.name)
    for section, into in (("masukan", values), ("tabel", tables)):
        for name, value in ((changes or {}).get(section) or {}).items():
            into[name], origin[name] = value, changes_origin
    inputs = build_inputs(paths[0].name if len(paths) == 1 else None, specs, values, tables, reported, yaml_prefix=True,
                    origin=origin, removed=removed_inputs(rules))
    inputs.problems[:0] = early
    return inputs


# --- writing a data file (kinerja ekspor) ----------------------------------------------------------------------

def _yaml_text(text: str) -> str:
    """A text as one double-quoted YAML scalar (escapes for every character YAML cannot hold raw)."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf")).rstrip("\n")


def yaml_number(d: Decimal) -> str:
    """A number as YAML text that reads back as exactly ``d`` through :func:`datafile_values.number`: a plain
    integer; a plain decimal when the float YAML makes of it converts back to the same value (``2.54``); otherwise
    a quoted scientific form (``"1.2345678901234567891E+0"``), which that function reads exactly and which can never be
    taken for an Indonesian ``1.234`` (= 1234)."""
    text = format(d, "f")
    if "." not in text:
        return text
    if Decimal(repr(float(text))) == d and not THOUSANDS_OR_DECIMAL.match(text):
        return text
    return f'"{d:E}"'


def _yaml_value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, Decimal):
        return yaml_number(v)
    return _yaml_text(str(v))


def data_yaml(specs: list[InputSpec], inputs: Inputs, header: list[str], periode: int | None = None) -> str:
    """The YAML data file of ``inputs`` (single values and table rows, as read), in the order of ``specs``,
    each value with the place it came from as a comment. ``read_yaml`` of the text gives the same values."""
    lines = [f"# {h}" if h else "#" for h in header]
    if periode is not None:
        lines.append(f"periode: {periode}")
    singles = [s for s in specs if not s.is_table]
    tables = [s for s in specs if s.is_table]
    group = None
    if singles:
        lines.append("masukan:")
    for s in singles:
        if s.group_label and s.group_label != group:
            group = s.group_label
            lines.append(f"  # {group}")
        where = inputs.sources.get(s.name)
        note = f"    # {where}" if where else ""
        lines.append(f"  {s.name}: {_yaml_value(inputs.values.get(s.name))}{note}")
    if tables:
        lines.append("tabel:")
    for s in tables:
        rows = inputs.tables.get(s.name) or []
        where = inputs.sources.get(s.name)
        note = f"    # {where}" if where else ""
        if not rows:
            lines.append(f"  {s.name}: []{note}")
            continue
        lines.append(f"  {s.name}:{note}")
        for row in rows:
            cells = ", ".join(f"{c.name}: {_yaml_value(row[c.name])}" for c in s.columns or ()
                              if row.get(c.name) is not None)
            lines.append(f"    - {{{cells}}}")
    return "\n".join(lines) + "\n"
