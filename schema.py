"""The documented contract of kinerja's JSON output, as pydantic models; ``kinerja skema`` prints their JSON Schema.

Two shapes:

* :class:`Hasil` — one evaluation, as printed by ``kinerja hitung --json`` (and ``contoh --json``);
* :class:`CatatanBatch` — one workbook of ``kinerja batch --json`` (one JSON object per line): its path and
  status, the error when it could not be processed, and its :class:`Hasil` when it was.

The models describe what the views (:func:`kinerja.engine.report.to_json`) write; they never compute. Objects
allow extra fields (new fields may be added in later versions without breaking consumers); the fields listed
here are guaranteed with the types given. Numbers are JSON numbers; ``null`` means "no value" (no data, or an
error explained in ``pesan``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Angka = float | None  # a JSON number (ints included) or null
Status = Literal["ok", "tanpa_data", "galat"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Aturan(_Model):
    """The rule set that computed the result."""

    nama: str
    judul: str | None = None
    versi: str = Field(description="hash of every rule file of the set (parents included)")
    induk: list[str] | None = Field(None, description="parent rule sets (perluas)")


class _Objek(_Model):
    id: str
    nama: str
    status: Status = Field(description="ok, tanpa_data (no data, by the rules) or galat (an input problem)")
    pesan: str | None = Field(None, description="why the status is not ok")
    derivasi: str | None = Field(None, description="one-line derivation in Indonesian number format")
    aturan: str | None = Field(None, description="rule file and line (file:line)")
    sumber_laporan: str | None = None


class Indikator(_Objek):
    sasaran: str | None = None
    eselon: str | None = None
    satuan: str | None = None
    arah: str | None = Field(None, description="naik (higher is better) or turun")
    target: Angka = None
    realisasi: Angka | str = None
    capaian: Angka = None
    derivasi_capaian: str | None = None


class Indeks(_Objek):
    induk: str | None = None
    skala: Angka = None
    nilai: Angka = None
    target: Angka = None
    capaian: Angka = None
    derivasi_capaian: str | None = None


class Sasaran(_Objek):
    eselon: str | None = None
    indikator: list[str] | None = None
    capaian: Angka = None


class SasaranRingkas(_Model):
    id: str
    nama: str
    capaian: Angka = None
    status: Status


class Eselon(_Model):
    """Tabel 4: one eselon I / division with its sasaran."""

    id: str
    nama: str
    divisi: str | None = None
    sasaran: list[SasaranRingkas]


class IsianPindahan(_Model):
    """T501: one input still holding the figure ``kinerja pindah`` carried from another year's workbook."""

    masukan: str
    uraian: str
    sel: str = Field(description="the input's cell (or table range) in this workbook")
    konfirmasi: str = Field(description="the cell of sheet Pindahan where 'ya' says the figure really is the same")
    baris_pindahan: int
    tertulis: str | None = Field(None, description="what that cell holds when it is not 'ya'")
    nilai: Angka = Field(None, description="the carried figure (a single input)")
    baris: list[int] | None = Field(None, description="a table: the sheet rows still as carried")
    baris_tabel: int | None = Field(None, description="a table: its rows now")
    pesan: str
    pesan_en: str


class Temuan(_Model):
    kode: str = Field(description="T101…T301, see the README")
    tingkat: Literal["tinggi", "sedang", "rendah", "info"]
    objek: str
    bidang: str | None = None
    pesan: str
    pesan_en: str | None = None
    dihitung: Angka | str | list[Any] = None
    dilaporkan: Angka | str | list[Any] = None
    sumber: str | None = None
    aturan: str | None = None
    derivasi: str | None = None
    isian: list[IsianPindahan] | None = Field(None, description="T501: every input of the sheet (objek) still "
                                              "holding the carried figure — one finding per input sheet")


class MasalahMasukan(_Model):
    kode: str = Field(description="B2xx, see workbooks/errors.py")
    masukan: str
    lokasi: str = Field(description="Sheet!Cell, or file: key")
    pesan: str
    pesan_en: str | None = None
    saran: str | None = None
    sel: str | None = None


class JumlahTemuan(_Model):
    tinggi: int
    sedang: int
    rendah: int
    info: int


class Ringkasan(_Model):
    indikator: int
    sasaran: int
    indeks: int
    temuan: JumlahTemuan
    galat: int


class Hasil(_Model):
    """``kinerja hitung --json``. Sections of ``bagian`` blocks (e.g. ``anggaran``) appear as extra objects
    named after the section: table aliases → lists of rows, values → numbers."""

    model_config = ConfigDict(extra="allow", title="Hasil")

    aturan: Aturan
    unit: str | None = None
    sumber_data: str | None = Field(None, description="the data file or workbook the inputs came from")
    indikator: list[Indikator]
    indeks: list[Indeks]
    sasaran: list[Sasaran]
    eselon: list[Eselon]
    nilai: dict[str, Any] | None = Field(None, description="values outside any section")
    temuan: list[Temuan]
    masalah_masukan: list[MasalahMasukan]
    ringkasan: Ringkasan
    buku_kerja: str | None = Field(None, description="the workbook written (workbook recalculation only)")


class Galat(_Model):
    """Why a workbook could not be processed (nothing was written to it)."""

    kode: str = Field(description="B1xx (the workbook cannot be read or written, see workbooks/errors.py; "
                                  "B130 cancelled, B131 internal error), E1xx/E2xx (its rule set is broken)")
    pesan: str
    pesan_en: str | None = None
    lokasi: str | None = None
    saran: str | None = None


StatusBatch = Literal["ok", "temuan", "gagal", "dibatalkan"]


class CatatanBatch(_Model):
    """One workbook of ``kinerja batch --json`` (JSON Lines: one object per line, in the order given)."""

    model_config = ConfigDict(extra="allow", title="CatatanBatch")

    berkas: str = Field(description="the workbook as given (path)")
    keluaran: str | None = Field(None, description="the workbook written (the same path, or one in --keluaran)")
    status: StatusBatch = Field(description="ok: computed, no findings, no input problems · temuan: computed and "
                                            "written, with findings or input problems · gagal: not processed "
                                            "(see galat), nothing written · dibatalkan: not started (Ctrl-C)")
    jumlah_temuan: int = 0
    jumlah_masalah_masukan: int = 0
    detik: float | None = Field(None, description="seconds spent on this workbook")
    galat: Galat | None = None
    pertama: str | None = Field(None, description="the first input problem, else the first finding, in one line "
                                                  "(`KODE place: message`), as the summary table shows it; null "
                                                  "when there is none or when gagal (see galat)")
    hasil: Hasil | None = Field(None, description="the JSON of `kinerja hitung BUKU --json` (null when gagal)")


SCHEMAS: dict[str, type[BaseModel]] = {"hasil": Hasil, "batch": CatatanBatch}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one shape (``hasil`` or ``batch``)."""
    schema = SCHEMAS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
