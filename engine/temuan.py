"""What a finding (temuan) is: its codes (:data:`CODES`, each once), levels and their order, the record with its
JSON form, how serious a difference between a printed and a computed figure is (:func:`level_of`), how a figure
is shown in a message (:func:`fmt`), and the final list — one finding per object, field and printed value with
the places it was printed together, most serious first (:func:`grouped`).

The checks that raise findings live in :mod:`kinerja.engine.findings` (printed against computed figures) and
:mod:`kinerja.engine.rekap` (consolidation); both build :class:`Temuan` from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .values import CTX, TANPA_DATA, decimals_of, format_id, to_json_number

LEVEL_ORDER = {"tinggi": 0, "sedang": 1, "rendah": 2, "info": 3}

# Every finding code, once (the README's table says each in full). T4xx are raised by engine/rekap.py, T501 by
# workbooks/pindahan.py (a workbook's record of the inputs `kinerja pindah` carried from another year).
CODES: dict[str, str] = {
    "T101": "angka tercetak berbeda dari hasil aturan",
    "T102": "tercetak '-' padahal ada nilai, atau nilai padahal tanpa data",
    "T103": "angka tercetak untuk objek atau parameter yang tidak ada di aturan",
    "T104": "parameter tercetak berbeda dari yang diterapkan aturan",
    "T105": "besaran yang sama tercetak dua kali dengan angka berbeda",
    "T106": "tabel riwayat tidak konsisten",
    "T201": "pembilang melebihi penyebut",
    "T202": "sub-indeks di atas skalanya",
    "T203": "capaian sasaran tercetak bukan rata-rata capaian indikatornya",
    "T204": "hasil hitung di luar jangkauan angka yang dihitung tepat (besaran ≥ 10^15)",
    "T300": "pengamatan lain saat menghitung",
    "T301": "pemeriksaan data (periksa …) dalam aturan",
    "T401": "rekap: unit yang diharapkan tidak ada",
    "T402": "rekap: unit ganda",
    "T403": "rekap: unit di luar daftar",
    "T404": "rekap: nilai 'sama' berbeda antarunit",
    "T405": "rekap: nilai unit bermasalah tidak ikut",
    "T406": "rekap: buku kerja unit tidak dapat dibaca",
    "T407": "rekap: buku kerja unit untuk tahun lain (tidak direkap)",
    "T501": "isian masih berisi angka yang dipindahkan dari buku kerja tahun lain (kinerja pindah)",
}


@dataclass
class Temuan:
    kode: str
    tingkat: str
    objek: str
    pesan: str
    bidang: str = ""
    dihitung: Any = None
    dilaporkan: Any = None
    sumber: str = ""
    aturan: str = ""  # rule file:line that computes the object
    derivasi: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    pesan_en: str = ""

    def message(self, lang: str = "id") -> str:
        return self.pesan_en if lang == "en" and self.pesan_en else self.pesan

    def to_dict(self) -> dict[str, Any]:
        out = {
            "kode": self.kode, "tingkat": self.tingkat, "objek": self.objek, "bidang": self.bidang or None,
            "pesan": self.pesan, "pesan_en": self.pesan_en or self.pesan, "dihitung": to_json_number(self.dihitung),
            "dilaporkan": to_json_number(self.dilaporkan), "sumber": self.sumber or None,
            "aturan": self.aturan or None, "derivasi": self.derivasi or None,
        }
        if self.data:
            out["data"] = {k: _json(v) for k, v in self.data.items()}
            for top in ("sumber_semua", "isian"):  # the places it was printed; T501: every carried input
                if top in self.data:
                    out[top] = out["data"].pop(top)
        return out


def _json(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json(x) for x in v]
    return to_json_number(v)


def level_of(computed: Decimal, printed: Decimal, target: Decimal | None, field_name: str) -> str:
    """How serious a printed figure's difference from the computed one is: tinggi when it turns "tercapai" round
    or is off by 5% or more, sedang from 0.5%, else rendah."""
    if computed == 0:
        return "tinggi"
    rel = CTX.divide(CTX.subtract(printed, computed), computed).copy_abs()
    if field_name == "capaian" and (computed >= 100) != (printed >= 100):
        return "tinggi"  # printed figure says the target was (not) met, the rule says otherwise
    if target is not None and field_name in ("realisasi", "nilai") and (computed >= target) != (printed >= target):
        return "tinggi"
    if rel >= Decimal("0.05"):
        return "tinggi"
    if rel >= Decimal("0.005"):
        return "sedang"
    return "rendah"


def fmt(v: Any) -> str:
    """A figure as a message shows it: Indonesian notation with every decimal it has; no data as "-"."""
    if isinstance(v, Decimal):
        return format_id(v, max(decimals_of(v), 0))
    if v is None or v is TANPA_DATA:
        return "-"
    return format_id(v)


def grouped(found: list[Temuan]) -> list[Temuan]:
    """One finding per object, field and printed value; the places it was printed are listed together; most
    serious first."""
    by_key: dict[tuple, Temuan] = {}
    for t in found:
        key = (t.kode, t.objek, t.bidang, str(t.dilaporkan)) if t.dilaporkan is not None else (
            t.kode, t.objek, t.bidang, t.pesan)
        first = by_key.get(key)
        if first is None:
            by_key[key] = t
            t.data.setdefault("sumber_semua", [t.sumber] if t.sumber else [])
        elif t.sumber and t.sumber not in first.data["sumber_semua"]:
            first.data["sumber_semua"].append(t.sumber)
    for t in by_key.values():
        places = t.data.get("sumber_semua") or []
        if len(places) > 1:
            joined = "; ".join(places)
            t.pesan = t.pesan.replace(f"di {t.sumber}", "di " + joined, 1).replace(
                f"({t.sumber})", f"({joined})", 1)
            t.pesan_en = t.pesan_en.replace(f"at {t.sumber}", "at " + joined, 1).replace(
                f"({t.sumber})", f"({joined})", 1)
            t.sumber = "; ".join(places)
        if not places:
            t.data.pop("sumber_semua", None)
    return sorted(by_key.values(), key=lambda t: (LEVEL_ORDER.get(t.tingkat, 9), t.objek, t.bidang, t.sumber))
