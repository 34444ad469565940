"""The words of the rule language that are not grammar: kinds, units, directions, levels, rounding and sasaran
modes, functions and settings (with their defaults). The checker validates against them; lowering, the
evaluator and the views read them. One place to add a unit or a function name.
"""

from __future__ import annotations

# The kinds of inputs, columns and values, declared here only (engine/interface.py re-exports them):
# cacah (whole ≥ 0), rupiah, persen, indeks, angka (any number), tahun (a year: whole 1900–9999, shown without
# separators, compared with numbers: `untuk tahun = tahun_berlaku - 1`), teks. Bounds: engine/batasan.py.
NUMERIC = ("cacah", "rupiah", "persen", "indeks", "angka", "tahun")
KINDS = NUMERIC + ("teks",)
UNITS = {"persen": "persen", "indeks": "indeks", "rupiah": "rupiah", "angka": "angka", "orang": "cacah",
         "dokumen": "cacah", "kegiatan": "cacah", "laporan": "cacah", "satker": "cacah", "unit": "cacah",
         "desa": "cacah", "jumlah": "cacah", "cacah": "cacah", "nilai": "angka"}
DIRECTIONS = ("naik", "turun")
LEVELS = ("tinggi", "sedang", "rendah", "info")
ROUND_MODES = ("setengah_naik", "potong")
SASARAN_MODES = ("rata_rata_indikator", "lewati_tanpa_data", "tanpa_data_jika_ada")

# function → (min args, max args or None)
FUNCTIONS = {
    "jumlah": (1, None), "rata_rata": (1, None), "min": (1, None), "maks": (1, None), "banyak": (1, None),
    "rata_rata_tertimbang": (2, 2), "bulat": (2, 3), "potong": (2, 2), "ada": (1, 1), "mutlak": (1, 1),
}
AGGREGATES = ("jumlah", "rata_rata", "min", "maks", "banyak", "rata_rata_tertimbang")

SETTINGS = {
    "nol_per_nol": ("tanpa_data", "100", "0"),
    "bulat_realisasi": None, "bulat_capaian": None, "bulat_indeks": None,
    "capaian_sasaran": ("lewati_tanpa_data", "tanpa_data_jika_ada"),
    "toleransi_laporan": ROUND_MODES,
    "berlaku": None,  # the year the rule set applies to; `{tahun}` / `{tahun - 1}` in labels (inherit.finish)
}
DEFAULT_SETTINGS = {"nol_per_nol": "tanpa_data", "bulat_realisasi": 2, "bulat_capaian": 2, "bulat_indeks": 2,
                    "capaian_sasaran": "lewati_tanpa_data", "toleransi_laporan": ("setengah_naik",)}

# ways a `rekap { input = cara(opsi) }` item combines unit workbooks (engine/rekap.py), and the options of each
REKAP_WAYS = ("jumlah", "rata_rata", "rata_rata_berbobot", "gabung", "sama", "identitas")
REKAP_NUMERIC_WAYS = ("jumlah", "rata_rata", "rata_rata_berbobot")
REKAP_OPTIONS = {"rata_rata": ("kosong_nol",)}

UNKNOWN = "?"


def list_of(kind: str) -> str:
    return kind if kind.startswith("daftar:") else "daftar:" + kind


def elem(kind: str) -> str:
    return kind[7:] if kind.startswith("daftar:") else kind
