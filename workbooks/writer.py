"""Write results back into an operator's workbook without losing anything else in it.

kinerja owns exactly: the cells named in ``cells`` (output cells of a template), the sheets in
``owned_sheets`` (e.g. "Hasil", "Audit" — recreated on every run), the workbook-level names in ``owned_names``,
its ``kinerja.*`` custom document properties (docProps/custom.xml: ``meta`` and the record of what it owns),
``<calcPr fullCalcOnLoad="1"/>``, the cell formats it appends to styles.xml, and the removal of
xl/calcChain.xml (a cache Excel rebuilds). Every other zip member is copied byte for byte.

The record of the names kinerja created is also written, by the same call, into the last column of the hidden
``FormatIsian`` sheet when it is among ``owned_sheets`` (:mod:`.ownrecord`): xlwings' ``Book`` API, which a live
Hitung reads through, cannot reach custom properties.

Why custom document properties for ``meta``: they travel with the file, survive Excel and LibreOffice saves,
are visible under File › Properties, and — unlike a hidden sheet — do not appear among the operator's sheets.
Excel limits a text property to 255 characters, so longer values are stored in numbered parts
(``name``, ``name~2``, …) and joined by :func:`read_meta`.

A sheet or name that exists but is not recorded as kinerja's is the operator's: replacing it is refused
(``B115``) unless the caller lists it in ``adopt`` (e.g. a template that ships an empty "Hasil").

``CellWrite`` is :mod:`.cellwrite`'s, the XML of the sheets kinerja owns :mod:`.sheetxml`'s (re-exported here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import layout
from .atomic import check_writable
from .cellwrite import STYLES, CellWrite, Value
from .errors import BAD_TARGET, NOT_OWNED, OUTPUT_OVERLAPS_INPUT, SHEET_NOT_FOUND, WRONG_EXTENSION, WorkbookError
from .ooxml import Package
from .ownrecord import with_names
from .plan import SheetPlan
from .refs import Ref, RefProblem, parse_ref
from .sheetxml import (
    CONTINUED,
    TRUNCATED,
    fit_text,
    owned_sheet_xml,
    sheet_xml_once,
    split_long_texts,
    styles_used,
    text_chunks,
)

PROP_PREFIX = "kinerja."
_META = PROP_PREFIX + "meta."
_OWNED_SHEETS = PROP_PREFIX + "owned.sheets"
_OWNED_NAMES = PROP_PREFIX + "owned.names"
_PROP_MAX = 255

@dataclass(frozen=True)
class Ownership:
    sheets: tuple[str, ...]
    names: tuple[str, ...]


def write_back(
    path: str | Path,
    *,
    out_path: str | Path | None = None,
    cells: dict[str, CellWrite] | None = None,
    owned_sheets: dict[str, list[list[CellWrite | None]] | SheetPlan] | None = None,
    owned_names: dict[str, str] | None = None,
    meta: dict[str, str] | None = None,
    adopt: Iterable[str] = (),
    protect: Iterable[str] = (),
    pkg: Package | None = None,
    show_rows: Mapping[str, Iterable[int]] | None = None,
    show_cols: Mapping[str, Iterable[int]] | None = None,
) -> Path:
    """Write into ``path`` (in place) or into a copy at ``out_path``; returns the written path.

    ``cells``: key = a workbook-level defined name or ``Sheet!A1``. ``owned_sheets``: sheet name → rows of
    cells (or a :class:`~kinerja.workbooks.plan.SheetPlan`: rows with their page layout), created at the end of
    the workbook or recreated in place. ``owned_names``: name → ``Sheet!$A$1``.
    ``meta``: replaces all previously stored meta (None keeps it). ``protect``: defined names (or Excel table
    names) of inputs — an output cell inside one, or an owned sheet holding one, is refused (``B152``), since
    writing there would replace the operator's input with a result. All-or-nothing: on any error nothing at the
    destination changed. Identical arguments on an identical file give identical bytes. ``pkg``: ``path``
    already opened (and not yet edited) by the caller, so that it is read and parsed once. ``show_rows``: sheet →
    rows to unhide when hidden (table rows holding data); only their ``hidden`` attribute changes; ``show_cols``
    likewise for columns (:mod:`.unhide`).
    """
    src = Path(path)
    dest = Path(out_path) if out_path is not None else src
    pkg = Package(src) if pkg is None else pkg
    check_writable(dest)
    if out_path is not None:
        _check_extension(pkg, dest)
    cells, owned_names = cells or {}, owned_names or {}
    plans = {k: v if isinstance(v, SheetPlan) else SheetPlan(tuple(tuple(r) for r in v))
             for k, v in (owned_sheets or {}).items()}
    adopted = {a.casefold() for a in adopt}
    owned = read_ownership_from(pkg)
    owned_s = {s.casefold() for s in owned.sheets} | adopted
    owned_n = {n.casefold() for n in owned.names} | adopted

    for name in plans:
        if pkg.sheet(name) is not None and name.casefold() not in owned_s:
            raise _not_owned(pkg, "sheet", name)
    existing_names = pkg.workbook_names()
    names_text: dict[str, str] = {}
    for name, ref_text in owned_names.items():
        if name.casefold() in existing_names and name.casefold() not in owned_n:
            raise _not_owned(pkg, "nama", name)
        names_text[name] = _name_ref(pkg, name, ref_text, plans).formula()

    used = {c.style for c in cells.values()}
    for sp in plans.values():
        used |= styles_used(sp)
    style_ids = pkg.ensure_styles({k: STYLES[k] for k in STYLES if k in used})

    cells = {k: _fitted(w) for k, w in cells.items()}
    keys: dict[tuple[str, int, int], str] = {}
    targets = _resolve_cells(pkg, cells, names_text, plans, keys)
    _refuse_overwriting_inputs(pkg, protect, targets, keys, plans)
    # rows and columns shown first: the input sheets' cells, read for the inputs, are asked before a new owned
    # sheet's relationship (written to the workbook relationships, which name the shared strings) drops them
    planned = {p.casefold() for p in plans}
    show_rows, show_cols = show_rows or {}, show_cols or {}
    for sheet in dict.fromkeys([*show_rows, *show_cols]):
        if pkg.sheet(sheet) is not None and sheet.casefold() not in planned:
            pkg.show(sheet, frozenset(show_rows.get(sheet, ())), frozenset(show_cols.get(sheet, ())))
    record = Ownership(_union(owned.sheets, plans), _union(owned.names, owned_names))
    if layout.FORMAT_SHEET in plans:  # the same record (and meta) where a live Hitung can read it
        stored = meta if meta is not None else read_meta_from(pkg)
        plans[layout.FORMAT_SHEET] = with_names(plans[layout.FORMAT_SHEET], record.names, stored)
    for name, sp in plans.items():
        pkg.put_sheet(name, sheet_xml_once(sp, style_ids, f"{src}: {name}"), sp.layout.hidden, well_formed=True)
    for sheet, writes in targets.items():
        pkg.set_cells(sheet, {rc: (w.value, w.formula, style_ids.get(w.style) if w.style else None)
                              for rc, w in writes.items()})
    if names_text:
        pkg.set_defined_names(names_text)
    pkg.set_full_calc_on_load()
    if targets or plans:
        pkg.drop_calc_chain()

    props = {}
    if record.sheets:
        props.update(_chunked(_OWNED_SHEETS, json.dumps(list(record.sheets), ensure_ascii=False)))
    if record.names:
        props.update(_chunked(_OWNED_NAMES, json.dumps(list(record.names), ensure_ascii=False)))
    if meta is None:  # keep the stored meta as it is
        props.update({k: v for k, v in pkg.custom_properties().items() if k.startswith(_META)})
    for key, value in (meta or {}).items():
        props.update(_chunked(_META + key, str(value)))
    if props or pkg.custom_properties():
        pkg.set_custom_properties(PROP_PREFIX, props)
    return pkg.save(dest)


def _fitted(w: CellWrite) -> CellWrite:
    """``w`` with its text cut to what one cell holds (:func:`fit_text`); the same object when it fits."""
    if not isinstance(w.value, str):
        return w
    text = fit_text(w.value)
    return w if text is w.value and type(w) is CellWrite else CellWrite(text, style=w.style)


def read_meta(path: str | Path) -> dict[str, str]:
    """The ``meta`` stored by the last :func:`write_back`."""
    return read_meta_from(Package(path))


def read_meta_from(pkg: Package) -> dict[str, str]:
    props = _joined(pkg.custom_properties())
    return {k[len(_META):]: v for k, v in props.items() if k.startswith(_META)}


def read_ownership(path: str | Path) -> Ownership:
    """The sheets and defined names kinerja has created in this workbook (and may therefore replace)."""
    return read_ownership_from(Package(path))


def read_ownership_from(pkg: Package) -> Ownership:
    props = _joined(pkg.custom_properties())

    def load(key: str) -> tuple[str, ...]:
        try:
            value = json.loads(props.get(key, "[]"))
        except ValueError:
            return ()
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    return Ownership(load(_OWNED_SHEETS), load(_OWNED_NAMES))


# --- resolving targets --------------------------------------------------------------------------------------


def _resolve_cells(pkg: Package, cells: dict[str, CellWrite], names_text: dict[str, str],
                   owned_sheets: dict, keys: dict | None = None) -> dict[str, dict[tuple[int, int], CellWrite]]:
    owned = {s.casefold() for s in owned_sheets}
    new_names = {n.casefold(): t for n, t in names_text.items()}
    wb_names = pkg.workbook_names()
    out: dict[str, dict[tuple[int, int], CellWrite]] = {}
    checked: dict[str, str] = {}  # a sheet named in a ref → the sheet's name, once found to be a target
    for key, w in cells.items():
        folded = key.casefold()
        if "!" in key:
            ref = _parse_quick(key, pkg, key)
        elif folded in new_names:
            ref = parse_ref(new_names[folded])
        elif folded in wb_names:
            ref = _parse_quick(wb_names[folded].text, pkg, key, key)
        else:
            raise WorkbookError(BAD_TARGET, f"{pkg.path}: {key}", f"nama {key} tidak ada di buku kerja.",
                                f"there is no defined name {key} in the workbook.",
                                "Gunakan templat kinerja terbaru atau buat nama itu di Name Manager.")
        name = checked.get(ref.sheet)
        if name is None:  # the first output on that sheet: the checks that depend on the sheet alone
            name = checked[ref.sheet] = _target_sheet(pkg, ref, key, owned)
        if not ref.is_single:
            merge = next((m for m in pkg.cells(name).merged
                          if (m.row1, m.col1, m.row2, m.col2) == (ref.row1, ref.col1, ref.row2, ref.col2)), None)
            if merge is None:
                raise WorkbookError(BAD_TARGET, f"{pkg.path}: {key}",
                                    f"{key} menunjuk rentang {ref.location}, bukan satu sel.",
                                    f"{key} points to the range {ref.location}, not one cell.",
                                    "Arahkan nama ke satu sel (atau ke satu sel gabungan).")
        target = out.get(name)
        if target is None:
            target = out[name] = {}
        target[(ref.row1, ref.col1)] = w
        if keys is not None:
            keys[(name, ref.row1, ref.col1)] = key
    return out


def _target_sheet(pkg: Package, ref: Ref, key: str, owned: set[str]) -> str:
    """The name of the worksheet ``ref`` (of the output ``key``) writes into; refused when kinerja recreates it
    (an owned sheet) or it is no worksheet."""
    where = f"{pkg.path}: {key}"
    if ref.sheet.casefold() in owned:
        raise WorkbookError(BAD_TARGET, where,
                            f"{key} berada di sheet milik kinerja {ref.sheet} yang dibuat ulang.",
                            f"{key} is on kinerja's sheet {ref.sheet}, which is recreated.",
                            f"Masukkan sel itu ke baris sheet {ref.sheet}.")
    sheet = pkg.sheet(ref.sheet)
    if sheet is None or not sheet.is_worksheet or not sheet.part:
        raise WorkbookError(SHEET_NOT_FOUND, where, f"sheet {ref.sheet} tidak ada.",
                            f"there is no worksheet {ref.sheet}.", "Periksa nama sheet pada nama/alamat sel.")
    return sheet.name


def _refuse_overwriting_inputs(pkg: Package, protect: Iterable[str], targets: dict, keys: dict,
                               owned_sheets: dict) -> None:
    """B152 when an output cell lies inside an input's cell or range, or a sheet kinerja recreates holds an
    input: the result would replace the operator's number, and the next run would compute from the result."""
    names = pkg.workbook_names()
    tables = None
    owned = {s.casefold() for s in owned_sheets}
    for name in protect:
        d = names.get(name.casefold())
        ref = None
        if d is not None:
            try:
                ref = d.ref()
            except RefProblem:
                ref = None
        else:
            tables = pkg.tables() if tables is None else tables
            t = tables.get(name.casefold())
            ref = t.ref if t is not None else None
        if ref is None:
            continue
        if ref.sheet.casefold() in owned:
            raise WorkbookError(
                OUTPUT_OVERLAPS_INPUT, f"{pkg.path}: {name}",
                f"masukan {name} berada di sheet {ref.sheet}, yang dibuat ulang oleh kinerja setiap kali Hitung; "
                "masukan itu akan hilang. kinerja tidak menulis apa pun.",
                f"the input {name} is on the sheet {ref.sheet}, which kinerja recreates on every run; the input "
                "would be lost. kinerja wrote nothing.",
                f"Pindahkan sel masukan {name} ke sheet isian lain (Name Manager), lalu jalankan lagi.",
            )
        for (r, c) in targets.get(_sheet_name(pkg, ref.sheet), {}):
            if ref.contains(r, c):
                out = keys.get((_sheet_name(pkg, ref.sheet), r, c), "")
                here = Ref(ref.sheet, r, c, r, c).location
                raise WorkbookError(
                    OUTPUT_OVERLAPS_INPUT, f"{pkg.path}: {here}",
                    f"keluaran {out} menunjuk sel {here}, yang juga masukan {name} ({ref.location}); menulis hasil "
                    "di sana menimpa angka operator. kinerja tidak menulis apa pun.",
                    f"the output {out} points to {here}, which is also the input {name} ({ref.location}); writing "
                    "the result there would replace the operator's number. kinerja wrote nothing.",
                    f"Di Name Manager, arahkan {out} ke sel kosong yang bukan masukan, lalu jalankan lagi.",
                )


def _sheet_name(pkg: Package, name: str) -> str:
    sheet = pkg.sheet(name)
    return sheet.name if sheet is not None else name


def _parse_quick(text: str, pkg: Package, key: str, name: str | None = None) -> Ref:
    """:func:`_parse` of an output's reference, its message's place made only for a reference that is refused."""
    try:
        return parse_ref(text)
    except RefProblem:
        return _parse(text, f"{pkg.path}: {key}", name)


def _parse(text: str, where: str, name: str | None = None) -> Ref:
    try:
        return parse_ref(text)
    except RefProblem as p:
        label = f"nama {name} " if name else ""
        raise WorkbookError(BAD_TARGET, where, f"{label}{text}: {p.reason}.", f"{name or ''} {text}: {p.reason_en}.",
                            "Perbaiki rujukan di Name Manager atau gunakan templat kinerja terbaru.") from None


_NAME_OK = re.compile(r"[A-Za-z_\\][\w.\\]*")


def _name_ref(pkg: Package, name: str, ref_text: str, owned_sheets: dict) -> Ref:
    where = f"{pkg.path}: {name}"
    cellish = re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]|(?:[Rr]\d*)?(?:[Cc]\d*)?", name)
    if not _NAME_OK.fullmatch(name) or cellish or len(name) > 255:
        raise WorkbookError(BAD_TARGET, where, f"{name!r} bukan nama yang sah di Excel.",
                            f"{name!r} is not a valid Excel name.",
                            "Awali dengan huruf atau _, tanpa spasi, dan jangan berbentuk alamat sel.")
    ref = _parse(ref_text, where, name)
    if pkg.sheet(ref.sheet) is None and ref.sheet.casefold() not in {s.casefold() for s in owned_sheets}:
        raise WorkbookError(SHEET_NOT_FOUND, where, f"nama {name} menunjuk ke sheet {ref.sheet} yang tidak ada.",
                            f"name {name} points to the missing sheet {ref.sheet}.", "Periksa nama sheet.")
    return ref


def _not_owned(pkg: Package, what: str, name: str) -> WorkbookError:
    en = "sheet" if what == "sheet" else "defined name"
    return WorkbookError(
        NOT_OWNED, f"{pkg.path}: {name}",
        f"{what} {name} sudah ada dan bukan buatan kinerja; kinerja tidak menimpanya.",
        f"the {en} {name} exists and was not created by kinerja; kinerja does not replace it.",
        f"Ganti nama {what} {name} milik Anda, atau izinkan kinerja mengambil alihnya (adopt).",
    )


def _check_extension(pkg: Package, dest: Path) -> None:
    suffix = dest.suffix.lower()
    macro = pkg.is_macro_enabled()
    if (macro and suffix in (".xlsx", ".xltx")) or (not macro and suffix in (".xlsm", ".xltm")):
        want = ".xlsm" if macro else ".xlsx"
        raise WorkbookError(
            WRONG_EXTENSION, str(dest),
            f"buku kerja {'bermakro' if macro else 'tanpa makro'} harus disimpan sebagai {want}; Excel menolak membuka "
            f"berkas {suffix} ini.",
            f"a {'macro-enabled' if macro else 'macro-free'} workbook must be saved as {want}; Excel refuses to "
            f"open it as {suffix}.",
            f"Gunakan nama berkas keluaran berakhiran {want}.",
        )


# --- custom property helpers --------------------------------------------------------------------------------


def _union(old: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    seen = {o.casefold() for o in old}
    out = list(old)
    for n in new:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return tuple(out)


def _chunked(name: str, value: str) -> dict[str, str]:
    if len(value) <= _PROP_MAX:
        return {name: value}
    parts = [value[i:i + _PROP_MAX] for i in range(0, len(value), _PROP_MAX)]
    return {name if i == 0 else f"{name}~{i + 1}": part for i, part in enumerate(parts)}


def _joined(props: dict[str, str]) -> dict[str, str]:
    out: dict[str, list[tuple[int, str]]] = {}
    for key, value in props.items():
        m = re.fullmatch(r"(.*)~(\d+)", key)
        base, n = (m.group(1), int(m.group(2))) if m and key.startswith(PROP_PREFIX) else (key, 1)
        out.setdefault(base, []).append((n, value))
    return {k: "".join(v for _, v in sorted(parts)) for k, parts in out.items()}


__all__ = ["CONTINUED", "STYLES", "TRUNCATED", "CellWrite", "Ownership", "Value", "fit_text", "owned_sheet_xml",
           "read_meta", "read_ownership", "sheet_xml_once", "split_long_texts", "text_chunks", "write_back"]
