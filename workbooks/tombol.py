"""Put a **Hitung** button into a workbook: ``kinerja pasang-tombol BUKU.xlsx --keluaran BUKU.xlsm``.

The result is a macro-enabled copy in which each chosen sheet has a form button captioned *Hitung* whose macro
(``Hitung`` in ``xl/vbaProject.bin``, see :mod:`.vba`) runs ``kinerja.workbooks.live.hitung_caller`` through
xlwings' ``RunPython`` — no add-in. Next to each button a *status cell* tells when Hitung last ran, with which
rules and how many findings; :mod:`.live` finds it by its text, which starts with :data:`STATUS_PREFIX`.

Lossless: every zip member is copied through unchanged except

* ``[Content_Types].xml`` — the workbook becomes macro-enabled; overrides for the VBA project and drawings;
* ``xl/_rels/workbook.xml.rels`` — the relationship to ``xl/vbaProject.bin`` (added);
* each sheet that gets a button — one ``<legacyDrawing>`` element and the status cell; its ``.rels`` one
  relationship; a new ``xl/drawings/vmlDrawingN.vml`` (or, when the sheet already has legacy shapes such as
  comments, the button shape appended to that VML part).

Where the button goes: rows 1–2, to the right of everything shown in rows 1–3 (text overflowing into empty
neighbours counted), one empty column in between; the status cell is under the button, in row 3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import xmltext as X
from .atomic import check_writable, refuse_existing
from .errors import EXISTS, VBA_EXISTS, WRONG_EXTENSION, WorkbookError
from .ooxml import CT_MACRO_MAIN, CT_MACRO_TEMPLATE, NS_R, Package
from .refs import cell_name
from .vba import MACRO, vba_project
from .writer import read_meta_from, read_ownership_from

STATUS_PREFIX = "Status Hitung:"
CAPTION = "Hitung"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_VML = NS_R + "/vmlDrawing"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VBA_PART = "xl/vbaProject.bin"
# children of <worksheet> that follow <legacyDrawing> in schema order
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")
_PT_PER_CHAR = 5.25  # Calibri 11: one character of column width ≈ 7 px = 5.25 pt
_ROW_PT = 15.0


@dataclass(frozen=True)
class Placed:
    sheet: str
    status_cell: str  # "Ringkasan!K3"
    vml_part: str


def status_text(state: str, rules: str | None = None, *extra: str) -> str:
    """The status cell's text: ``Status Hitung: <state> | aturan: <ref> | …`` (fields split by `` | ``)."""
    parts = [f"{STATUS_PREFIX} {state}"] + ([f"aturan: {rules}"] if rules else []) + [e for e in extra if e]
    return " | ".join(parts)


def rules_from_status(text: str) -> str | None:
    """The rule set recorded in a status cell's text, or None."""
    if not isinstance(text, str) or not text.startswith(STATUS_PREFIX):
        return None
    for part in text.split(" | "):
        if part.startswith("aturan: "):
            return part[len("aturan: "):].strip() or None
    return None


def pasang_tombol(src: str | Path, dest: str | Path | None = None, *, sheets: Iterable[str] | None = None,
                  overwrite: bool = False) -> list[Placed]:
    """Write a macro-enabled copy of ``src`` with a Hitung button on ``sheets`` (default: every visible
    worksheet kinerja does not own, i.e. the input sheets and Ringkasan of a template) to ``dest``
    (default: ``src`` with the extension ``.xlsm``). ``dest`` must end in ``.xlsm``; an existing ``dest`` is
    refused unless ``overwrite``."""
    src = Path(src)
    dest = Path(dest) if dest is not None else src.with_suffix(".xlsm")
    if dest.suffix.lower() != ".xlsm":
        raise WorkbookError(WRONG_EXTENSION, str(dest), "buku kerja bertombol Hitung berisi makro dan harus "
                            "disimpan sebagai .xlsm.", "a workbook with the Hitung button holds macros and must be "
                            "saved as .xlsm.", "Gunakan nama berkas keluaran berakhiran .xlsm.",
                            "Use an output file name ending in .xlsm.")
    pkg = Package(src)
    if dest.exists() and not overwrite and dest.resolve() != src.resolve():
        raise WorkbookError(EXISTS, str(dest), "berkas tujuan sudah ada.", "the destination file exists.",
                            "Tambahkan --timpa untuk menimpanya, atau pilih nama lain.",
                            "Add --overwrite to replace it, or choose another name.")
    check_writable(dest)
    placed = install(pkg, sheets)
    pkg.save(dest)
    return placed


def build_macro_template(checked, dest: str | Path, *, rules_ref: str, overwrite: bool = False, inputs=None,
                         specs=None):
    """``kinerja templat … --keluaran BUKU.xlsm``: the template of :mod:`.template`, then :func:`pasang_tombol`
    into ``dest``. Returns the template's :class:`~.template.Summary` with ``path`` = ``dest``."""
    import tempfile

    from .template import build_template_summary

    dest = Path(dest)
    refuse_existing(dest, overwrite)
    with tempfile.TemporaryDirectory(prefix="kinerja-tombol-") as tmp:
        work = Path(tmp) / (dest.stem + ".xlsx")
        done = build_template_summary(checked, work, rules_ref=rules_ref, inputs=inputs, specs=specs,
                                      folder=dest.parent)
        pasang_tombol(work, dest, overwrite=overwrite)
    done.path = dest
    return done


def install(pkg: Package, sheets: Iterable[str] | None = None) -> list[Placed]:
    """Add the VBA project and the buttons to an opened package (see the module docstring for what changes)."""
    if pkg.read(VBA_PART) == vba_project():
        raise WorkbookError(VBA_EXISTS, str(pkg.path), "tombol Hitung kinerja sudah terpasang di buku kerja ini.",
                            "kinerja's Hitung button is already installed in this workbook.",
                            "Buka buku kerja ini di Excel dan klik Hitung; tidak perlu dipasang lagi.",
                            "Open this workbook in Excel and click Hitung; nothing to install again.")
    if any(r.type == REL_VBA for r in pkg.rels(pkg.workbook_part)) or pkg.read(VBA_PART) is not None:
        raise WorkbookError(VBA_EXISTS, str(pkg.path), "buku kerja ini sudah berisi proyek VBA (makro); kinerja "
                            "tidak menimpa makro yang ada.", "this workbook already holds a VBA project; kinerja "
                            "does not replace existing macros.",
                            "Pasang tombol pada salinan .xlsx tanpa makro, atau tambahkan modul xlwings dan makro "
                            f"`{MACRO}` sendiri (lihat docs/operator.md).",
                            "Install the button into a macro-free .xlsx copy.")
    owned = {s.casefold() for s in read_ownership_from(pkg).sheets}
    if sheets is None:
        targets = [s for s in pkg.sheets() if s.is_worksheet and s.part and s.state == "visible"
                   and s.name.casefold() not in owned]
    else:
        targets = []
        for name in sheets:
            s = pkg.sheet(name)
            if s is None or not s.is_worksheet or not s.part:
                raise WorkbookError("B113", f"{pkg.path}: {name}", f"sheet {name} tidak ada.",
                                    f"there is no worksheet {name}.", "Periksa nama sheet.")
            targets.append(s)
    rules = read_meta_from(pkg).get("aturan")

    _set_workbook_content_type(pkg)
    pkg.write(VBA_PART, vba_project())
    pkg.add_override(VBA_PART, CT_VBA)
    pkg.add_rel(pkg.workbook_part, REL_VBA, VBA_PART)
    idmap = _max_idmap(pkg)
    placed = []
    for s in targets:
        col = _free_column(pkg, s.name)
        idmap += 1
        vml = _add_button(pkg, s.part, col, idmap)
        pkg.set_cells(s.name, {(3, col): (status_text("belum dijalankan", rules), None, None)})
        placed.append(Placed(s.name, f"{s.name}!{cell_name(3, col)}", vml))
    return placed


# --- content types ------------------------------------------------------------------------------------------


def _set_workbook_content_type(pkg: Package) -> None:
    current = pkg.content_type(pkg.workbook_part) or ""
    want = CT_MACRO_TEMPLATE if ".template." in current else CT_MACRO_MAIN
    if current == want:
        return
    text = pkg.text("[Content_Types].xml")
    p = X.root_prefix(text)
    root = X.find(text, p + "Types")
    lo, hi = root.inner
    for el in X.children(text, p + "Override", lo, hi):
        tag = text[el.start:el.tag_end]
        if X.attrs(tag).get("PartName", "").lower() == "/" + pkg.workbook_part.lower():
            new_tag = X.set_attr(tag, "ContentType", want)
            pkg.write("[Content_Types].xml", text[:el.start] + new_tag + text[el.tag_end:])
            return
    pkg.add_override(pkg.workbook_part, want)


# --- where the button goes ----------------------------------------------------------------------------------


def _col_widths(xml: str) -> tuple[dict[int, float], float]:
    default = 8.43
    m = re.search(r"<(?:\w+:)?sheetFormatPr\b[^>]*>", xml)
    if m:
        a = X.attrs(m.group(0))
        if "defaultColWidth" in a:
            default = float(a["defaultColWidth"])
        elif "baseColWidth" in a:
            default = float(a["baseColWidth"]) + 0.43
    widths: dict[int, float] = {}
    for m in re.finditer(r"<(?:\w+:)?col\b[^>]*>", xml):
        a = X.attrs(m.group(0))
        try:
            lo, hi = int(a["min"]), int(a["max"])
            w = float(a.get("width", default))
        except (KeyError, ValueError):
            continue
        if a.get("hidden") in ("1", "true"):
            w = 0.0
        for c in range(lo, min(hi, lo + 200) + 1):
            widths[c] = w
    return widths, default


def _free_column(pkg: Package, sheet: str) -> int:
    """1-based column for the button: right of what rows 1–3 show, one empty column in between."""
    sh = pkg.sheet(sheet)
    widths, default = _col_widths(pkg.text(sh.part))
    cells = pkg.cells(sheet)
    right = 0
    for (r, c), cell in cells.cells.items():
        if r > 3 or cell.kind == "empty":
            continue
        end = c
        if cell.kind == "text":  # left-aligned text overflows into empty neighbours; titles use larger fonts
            need = len(cell.text) * 1.4
            have = widths.get(c, default)
            while have < need and cells.get(r, end + 1).kind == "empty" and end < c + 30:
                end += 1
                have += widths.get(end, default)
        right = max(right, end)
    for m in cells.merged:
        if m.row1 <= 3:
            right = max(right, m.col2)
    return right + 2


# --- the drawing --------------------------------------------------------------------------------------------

_SHAPETYPE = ('<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
              '<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" '
              'o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>')


def button_shape(shape_id: int, col: int, left_pt: float = 0.0, width_cols: int = 2) -> str:
    """The VML of one form button (0-based anchor columns ``col-1`` … ``col-1+width_cols``, rows 1–2)."""
    c0 = col - 1
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t201" style="position:absolute;margin-left:{left_pt:.2f}pt;'
        f'margin-top:1.5pt;width:{max(width_cols * 48, 72)}pt;height:{2 * _ROW_PT - 3:.1f}pt;z-index:{shape_id % 1024};'
        'mso-wrap-style:tight" o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" '
        'o:insetmode="auto"><v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" '
        'rotation="t"/><v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
        f'<font face="Calibri" size="220" color="#000000"><b>{CAPTION}</b></font></div></v:textbox>'
        f'<x:ClientData ObjectType="Button"><x:Anchor>{c0}, 2, 0, 2, {c0 + width_cols}, 0, 2, 0</x:Anchor>'
        '<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>'
        f'<x:FmlaMacro>[0]!{MACRO}</x:FmlaMacro><x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center'
        '</x:TextVAlign></x:ClientData></v:shape>'
    )


def _max_idmap(pkg: Package) -> int:
    top = 0
    for name in pkg.members():
        if name.lower().endswith(".vml"):
            text = pkg.read(name).decode("utf-8", "replace")
            for m in re.finditer(r'<o:idmap\b[^>]*\bdata="([\d,\s]+)"', text):
                top = max([top] + [int(x) for x in re.split(r"[,\s]+", m.group(1)) if x])
    return top


def _add_button(pkg: Package, sheet_part: str, col: int, idmap: int) -> str:
    xml = pkg.text(sheet_part)
    widths, default = _col_widths(xml)
    left = sum(widths.get(c, default) for c in range(1, col)) * _PT_PER_CHAR
    p = X.root_prefix(xml)
    existing = re.search(rf"<{re.escape(p)}legacyDrawing\b[^>]*>", xml)
    if existing:  # comments or other legacy shapes: add the button to that VML part
        rid = next(v for k, v in X.attrs(existing.group(0)).items() if k.endswith(":id"))
        rel = next(r for r in pkg.rels(sheet_part) if r.id == rid)
        vml = pkg.read(rel.target).decode("utf-8")
        ids = [int(x) for x in re.findall(r'id="_x0000_s(\d+)"', vml)]
        shape_id = max(ids, default=idmap * 1024) + 1
        addition = ("" if 'o:spt="201"' in vml else _SHAPETYPE) + button_shape(shape_id, col, left)
        end = vml.rindex("</xml>")
        pkg.write(rel.target, vml[:end] + addition + vml[end:])
        return rel.target
    n = 1
    while pkg.member(f"xl/drawings/vmlDrawing{n}.vml") is not None:
        n += 1
    part = f"xl/drawings/vmlDrawing{n}.vml"
    pkg.write(part, (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        f'<o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>' + _SHAPETYPE
        + button_shape(idmap * 1024 + 1, col, left) + "</xml>"))
    pkg.add_override(part, CT_VML)
    rid = pkg.add_rel(sheet_part, REL_VML, part)
    r = X.ns_prefix(xml, NS_R)
    element = (f'<{p}legacyDrawing {r}:id="{rid}"/>' if r else
               f'<{p}legacyDrawing xmlns:r="{NS_R}" r:id="{rid}"/>')
    root = X.find(xml, p + "worksheet")
    pkg.write(sheet_part, X.insert_child(xml, root, element, _AFTER_LEGACY, p))
    return part


__all__ = ["CAPTION", "STATUS_PREFIX", "Placed", "install", "pasang_tombol", "rules_from_status", "status_text"]
