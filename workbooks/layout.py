"""The workbook contract shared by the template generator and the recalculation: names, sheets, meta keys, and
the layout key that tells whether another rule set's generated sheets differ (:func:`layout_key`).

Inputs are workbook-level defined names equal to the rule set's input names (tables: a name over a range whose
first row holds the column names). Outputs are defined names built from the object id:

=================  ==========================================  ===========================================
object             name                                         content
=================  ==========================================  ===========================================
indikator ``x``    ``realisasi_x``, ``capaian_x``                numbers (rounded as the rules say)
                   ``status_x``, ``derivasi_x``                  ``ok``/``tanpa_data``/``galat``, one line
indeks ``a.b``     ``nilai_a_b``, ``capaian_a_b``, ``status_…``, ``derivasi_…``
sasaran ``s``      ``capaian_s``, ``status_s``, ``derivasi_s``
nilai ``v``        ``nilai_v``, ``status_v``, ``derivasi_v``
=================  ==========================================  ===========================================

Dots in ids become underscores (``iphp.pelayanan_tahanan`` → ``nilai_iphp_pelayanan_tahanan``): dots are legal
in Excel names but not in every spreadsheet application, and underscores read the same.

Sheets kinerja owns and recreates on every Hitung: ``Audit`` (one row per computed value), ``Temuan`` (every
input problem and finding of the last Hitung, linked to its cell or Audit row) and, when the workbook has no
output names, ``Hasil``; hidden, ``FormatIsian`` (which input cells Excel shows as percentages, read by a live
Hitung: :mod:`.formatlive`). The output name ``jumlah_temuan`` (top of Ringkasan) receives the count of findings
and input problems. Status cells show the operator's words (:data:`STATUS_WORDS`), not the engine's codes.
Meta stored with the workbook (custom document properties
``kinerja.meta.*``): the rule set's name (``aturan``), its hash (``versi``), the engine version and the time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from ..engine import CheckedRules, Inputs, evaluate, input_specs
from ..engine.errors import KinerjaError
from ..engine.fsprobe import is_bundled_name
from ..engine.loader import bundled_dir, resolve

AUDIT_SHEET = "Audit"
RESULT_SHEET = "Hasil"
SUMMARY_SHEET = "Ringkasan"
TEMUAN_SHEET = "Temuan"
FORMAT_SHEET = "FormatIsian"  # hidden: which input cells Excel shows as percentages, for a live Hitung (.formatlive)
CARRIED_SHEET = "Pindahan"  # inputs `kinerja pindah` carried from another year, until replaced or confirmed (.pindahan)
TEMUAN_COUNT = "jumlah_temuan"  # output name: "15 temuan (3 tinggi, …) dan 0 masalah masukan — …"

# status cells of Ringkasan/Hasil: the operator's words (conditional formats key on the first word)
TERCAPAI, BELUM, TANPA_DATA, GALAT, DIHITUNG = "Tercapai", "Belum tercapai", "Tanpa data", "Galat", "Dihitung"
STATUS_WORDS = (TERCAPAI, BELUM, TANPA_DATA, GALAT, DIHITUNG)

META_RULES = "aturan"  # rule set: bundled name, or path relative to the workbook's folder (recorded_rules)
META_VERSION = "versi"  # rule set hash
META_ENGINE = "mesin"  # kinerja version
META_LAYOUT = "tata_letak"  # key of what the generated sheets show (layout_key); other rules → B121
META_YEAR = "tahun"  # the year the rule set is for (pengaturan { berlaku }), read by the next `kinerja pindah`
META_TIME = "waktu"  # ISO time of the last Hitung (absent in a fresh template)

# the columns of an input sheet's single inputs (workbooks/template.py writes them, workbooks/uraian.py finds the
# label cells by them): the label (Uraian) in the row of the value, the input's name in the same row
COL_NO, COL_URAIAN, COL_NILAI, COL_JENIS, COL_NAMA, COL_KET = range(1, 7)
TABLE_TITLE = "Tabel: "  # a table's title: this, then its label, three rows above its column-name row
TABLE_TITLE_ABOVE = 3

# object kind → the fields written for it, in order; the first is the main value
FIELDS = {
    "indikator": ("realisasi", "capaian", "status", "derivasi"),
    "indeks": ("nilai", "capaian", "status", "derivasi"),
    "sasaran": ("capaian", "status", "derivasi"),
    "nilai": ("nilai", "status", "derivasi"),
}


def output_name(field: str, ident: str) -> str:
    """Defined name of one output: ``output_name("realisasi", "setjen_rb_kanwil") == "realisasi_setjen_rb_kanwil"``."""
    return f"{field}_{ident.replace('.', '_')}"


def recorded_rules(ref: str, folder: Path, *, confine_to: Path | None = None) -> str:
    """How a workbook that lives in ``folder`` records the rule set ``ref``, so that it is found again wherever the
    folder is copied: a bundled set by its name, any other by its path relative to ``folder`` with forward slashes
    (``aturan``, ``../aturan-2025/pk.kin``). Never an absolute path (it names another PC's folders); only a path
    inside ``folder`` is used again without ``--aturan`` (docs/batas.md).

    ``ref`` is resolved as when it was loaded: relative to the working folder, or — ``confine_to`` — as read from a
    workbook in that folder; a reference that does not resolve is kept as given. On Windows a set on another
    drive has no relative path: its absolute path is kept."""
    try:
        place = resolve(str(ref), confine_to=confine_to)
    except KinerjaError:  # not a place from here (a caller recording a name it knows): kept as given
        return str(ref)
    bundled = bundled_dir().resolve()
    if place.parent == bundled and is_bundled_name(place.name):
        return place.name
    try:
        rel = os.path.relpath(place, Path(folder).resolve())
    except ValueError:  # another drive
        return str(place)
    return Path(rel).as_posix()


_layout_keys: dict[int, tuple[CheckedRules, str]] = {}  # id → (checked rules, key): evaluated once per rule set


def layout_key(checked: CheckedRules, labels: Mapping[str, str] | None = None) -> str:
    """What the generated sheets show of a rule set: title, unit, objects with names and targets, inputs. Two
    rule sets with the same key give the same template (a formula fix does not change it; a new year does).
    Computed once per (read-only) checked rule set: a recalculation asks twice, a batch once per workbook.
    ``labels``: input name → the label to count instead of the rules' (the labels a workbook shows: the key it
    recorded is then equal exactly when nothing but those labels changed)."""
    if labels:
        return _layout_key(checked, labels)
    hit = _layout_keys.get(id(checked))
    if hit is not None and hit[0] is checked:
        return hit[1]
    key = _layout_key(checked)
    if len(_layout_keys) >= 16:
        _layout_keys.clear()
    _layout_keys[id(checked)] = (checked, key)
    return key


def _layout_key(checked: CheckedRules, labels: Mapping[str, str] | None = None) -> str:
    rs = checked.rules
    labels = labels or {}
    empty = evaluate(checked, Inputs())
    objs = [(o.jenis, o.id, o.nama, str(o.target) if o.target is not None else "") for o in empty.all_objects()]
    specs = [(s.name, s.kind, labels.get(s.name, s.label), [(c.name, c.kind) for c in (s.columns or ())])
             for s in input_specs(checked)]
    text = json.dumps([rs.title or rs.name, rs.unit or "", objs, specs], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
