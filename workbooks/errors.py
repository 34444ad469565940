"""The one error class of the workbook adapters, and every stable code they use.

Two families, so that callers can tell "the file cannot be used" from "one value in it is wrong":

* ``B1xx`` — :class:`WorkbookError`, raised: the file is missing, locked, read-only, not an xlsx/xlsm, or a
  write-back target is impossible. Nothing was changed when one is raised.
* ``B2xx`` — codes of :class:`kinerja.engine.interface.InputProblem`, collected (never raised) while reading
  inputs, so that an operator sees every wrong cell at once.

The messages of a damaged, oversized or unsafe package (:func:`corrupt`, :func:`too_large`, :func:`unsafe`,
:func:`not_a_workbook`) are made here too, for the package layers that raise them (opc, ooxml, sheetcells).
Codes never change meaning once published; messages may be reworded.
"""

from __future__ import annotations

from pathlib import Path

from kinerja.engine import batasan as _batasan
from kinerja.engine.errors import InputError

from .xmlcheck import UnsafeXml

# --- B1xx: the workbook cannot be read or written (raised as WorkbookError) ---------------------------------
# B100 is the root code of a data source that cannot be read (engine/errors.py InputError, used when no other code
# fits). B101/B102 mean the same for data files (workbooks/datafile.py); B103–B110, B122 and B123 are data-file codes.
UNREADABLE_SOURCE = InputError.code  # B100: a data source cannot be read (the root code of InputError)
FILE_NOT_FOUND = "B101"  # the file does not exist
NOT_A_WORKBOOK = "B102"  # not an xlsx/xlsm zip (bad zip, .xls, encrypted, Strict OOXML, no workbook part)
DATA_NOT_A_MAPPING = "B103"  # a YAML data file whose top level is not a mapping (masukan:, tabel:, dilaporkan:)
CSV_HEADER = "B104"  # a CSV data file without the header 'nama,nilai' and not named after a table
DATA_FILE_KIND = "B105"  # data files that are not .yaml/.yml or .csv, or a mix of both
DATA_REFUSED = "B106"  # a data file not read: not a regular file, too large, nested too deep, alias amplification
DATA_BAD_SHAPE = "B107"  # a section of a data file has the wrong shape (masukan/tabel/dilaporkan)
DATA_SHAPES_DIFFER = "B108"  # several data files print the same dilaporkan slot with different shapes
DATA_GIVEN_TWICE = "B109"  # several data files give the same input or table
DATA_UNKNOWN_KEY = "B110"  # a data-file key the rules do not know (section, input, table, column)
DATA_KEY_TWICE = "B123"  # a data file names one input, column or printed field twice (YAML/CSV would keep the last)
DATA_OTHER_PERIOD = "B122"  # the data's period (periode/tahun) is not the year the rule set applies to (berlaku)
LOCKED = "B111"  # open in Excel or LibreOffice (owner/lock file next to it)
READ_ONLY = "B112"  # the file or its folder cannot be written
SHEET_NOT_FOUND = "B113"  # a write target names a sheet that does not exist
BAD_TARGET = "B114"  # a write target is not one writable cell (unknown name, range, shared-formula master…)
NOT_OWNED = "B115"  # a sheet or defined name kinerja would replace belongs to the operator
BAD_VALUE = "B116"  # a value kinerja was asked to write cannot be stored (NaN, unknown type, text too long)
WRITE_FAILED = "B117"  # the operating system refused the write; the original file is intact
WRONG_EXTENSION = "B118"  # a macro-enabled workbook would be saved under .xlsx (Excel refuses to open it)
EXISTS = "B119"  # a new workbook (kinerja templat) would replace an existing file without --timpa
NO_RULES = "B120"  # the workbook records no rule set and none was given (--aturan)
# B15x: hostile or damaged packages (issue 13). Corrupt zips (duplicate entries, bad deflate data, encrypted
# members) are B102.
TOO_LARGE = "B150"  # the file, or a part kinerja reads, exceeds the size or inflation-ratio limit (zip bomb)
UNSAFE_XML = "B151"  # a part kinerja must edit cannot be edited safely (namespace prefixes it cannot follow)
OUTPUT_OVERLAPS_INPUT = "B152"  # an output cell (or a sheet kinerja recreates) holds an input of the rules
OUT_OF_MEMORY = "B153"  # the input is too large for the memory of this machine (nothing was written)
# Batch (workbooks/batch.py): the state of one workbook of a run, or a run that cannot start.
OTHER_RULES = "B121"  # the workbook's generated sheets belong to another rule set (kinerja pindah migrates it)
CANCELLED = "B130"  # the run was stopped (Ctrl-C) before this workbook started; it is untouched
INTERNAL = "B131"  # kinerja failed on this workbook (a bug); it is untouched, the others went on
NO_WORKBOOKS = "B132"  # a path, folder or pattern given to kinerja batch names no workbook
SAME_OUTPUT = "B133"  # two workbooks would be written to the same file in --keluaran
NO_CLUSTER = "B134"  # --klaster: the Dask scheduler cannot be reached (or Dask is not installed)
NO_REKAP = "B135"  # kinerja rekap: the rule set has no rekap block (nothing says how units combine)
# The Hitung button (workbooks/tombol.py, workbooks/vba.py).
VBA_EXISTS = "B140"  # the workbook already has a VBA project (kinerja's or the operator's)
VBA_SOURCE = "B141"  # xlwings' VBA project (the source of the button's macro) is missing or unexpected

# --- B2xx: one input value is wrong (InputProblem.code) -------------------------------------------------------
# B201–B203 mean the same for every input source (data files use them too); B204 is the data files' "row is
# not a mapping". The rest are about cells and names.
WRONG_TYPE = "B201"  # text (or TRUE/FALSE) where a number is expected, or TRUE/FALSE where text is expected
NOT_A_COUNT = "B202"  # a count (cacah) that is negative or has a fractional part
NEGATIVE_RUPIAH = "B203"  # a negative rupiah amount
DATA_ROW_NOT_MAPPING = "B204"  # a row of a data file's table that is not a mapping (kolom: nilai)
REQUIRED_EMPTY = "B205"  # a required cell is empty
ERROR_VALUE = "B206"  # an error value such as #DIV/0!, #REF!, #N/A
NO_CACHED_VALUE = "B207"  # a formula whose result was never saved in the file
NAME_MISSING = "B208"  # no workbook-level defined name (or Excel table) for the input
NAME_DELETED_SHEET = "B209"  # the defined name points to #REF! (its sheet or cells were deleted)
NAME_NOT_A_RANGE = "B210"  # the defined name is a constant, formula, several areas, another file, or an unknown sheet
NOT_ONE_CELL = "B211"  # a range or merged area where one cell is expected
COLUMN_MISSING = "B212"  # a table's header row lacks a declared column
TABLE_EMPTY = "B213"  # a required table has no data rows
# B214–B217 are decided by the engine from the rules (engine/batasan.py) and mean the same for every source.
OUT_OF_RANGE = _batasan.OUT_OF_RANGE  # B214: outside the bounds of its kind (persen 0–100, indeks 0–skala)
NOT_A_CHOICE = _batasan.NOT_A_CHOICE  # B215: not one of the allowed values (unknown or mis-cased id, month)
INTERNAL_ID = _batasan.INTERNAL_ID  # B216: an internal id typed into a free-text cell
PERCENT_FORMAT = _batasan.PERCENT_FORMAT  # B217: a percent-formatted cell in an input that is not a percentage
OUT_OF_EXACT_RANGE = "B218"  # a number outside the range kinerja computes exactly (values.MAX_MAGNITUDE), NaN, ∞
DATE_FORMAT = "B219"  # a date- or time-formatted cell (Excel turned 15/3 or 1-2 into a day number)
NOT_WHOLE = _batasan.NOT_WHOLE  # B220: a fraction in a kind that is whole by definition (tahun)
FORMAT_UNKNOWN = "B221"  # live Hitung: a number whose cell format (85% or 0,85?) kinerja cannot see yet (.formatlive)
DUPLICATE_KEY = _batasan.DUPLICATE_KEY  # B222: two rows of a table with the same key (the same month twice)
COLUMN_TWICE = "B224"  # a table column's name or label heads two columns of the header row (which one is meant?)
BELOW_TABLE = "B223"  # something in a table's columns on the row just below its range (typed outside the table)

CODES: dict[str, str] = {
    UNREADABLE_SOURCE: "sumber data tidak dapat dibaca",
    FILE_NOT_FOUND: "berkas tidak ditemukan",
    NOT_A_WORKBOOK: "bukan buku kerja .xlsx/.xlsm",
    DATA_NOT_A_MAPPING: "berkas data bukan pemetaan",
    CSV_HEADER: "kepala kolom CSV salah",
    DATA_FILE_KIND: "jenis berkas data salah",
    DATA_REFUSED: "berkas data ditolak",
    DATA_BAD_SHAPE: "bentuk bagian berkas data salah",
    DATA_SHAPES_DIFFER: "angka tercetak berbeda bentuk antarberkas",
    DATA_GIVEN_TWICE: "masukan diisi di dua berkas data",
    DATA_UNKNOWN_KEY: "kunci berkas data tidak dikenal",
    DATA_OTHER_PERIOD: "periode data lain dari tahun berlaku aturan",
    DATA_KEY_TWICE: "nama ditulis dua kali dalam satu berkas data",
    LOCKED: "buku kerja sedang dibuka",
    READ_ONLY: "berkas atau folder hanya-baca",
    SHEET_NOT_FOUND: "sheet tidak ditemukan",
    BAD_TARGET: "sel tujuan tidak dapat ditulis",
    NOT_OWNED: "sheet atau nama milik operator",
    BAD_VALUE: "nilai tidak dapat disimpan",
    WRITE_FAILED: "gagal menulis berkas",
    WRONG_EXTENSION: "ekstensi tidak cocok",
    EXISTS: "berkas tujuan sudah ada",
    NO_RULES: "buku kerja tanpa set aturan",
    TOO_LARGE: "berkas atau bagiannya terlalu besar",
    UNSAFE_XML: "bagian XML tidak dapat diubah dengan aman",
    OUTPUT_OVERLAPS_INPUT: "sel keluaran menimpa sel masukan",
    OUT_OF_MEMORY: "memori tidak cukup",
    OTHER_RULES: "buku kerja milik set aturan lain",
    CANCELLED: "dibatalkan",
    INTERNAL: "galat internal",
    NO_WORKBOOKS: "tidak ada buku kerja",
    SAME_OUTPUT: "nama keluaran ganda",
    NO_CLUSTER: "klaster tidak dapat dihubungi",
    NO_REKAP: "aturan tanpa blok rekap",
    VBA_EXISTS: "sudah ada proyek VBA",
    VBA_SOURCE: "proyek VBA xlwings tidak ditemukan",
    WRONG_TYPE: "jenis nilai salah",
    NOT_A_COUNT: "bukan bilangan cacah",
    NEGATIVE_RUPIAH: "rupiah negatif",
    DATA_ROW_NOT_MAPPING: "baris tabel berkas data bukan pemetaan",
    REQUIRED_EMPTY: "sel wajib kosong",
    ERROR_VALUE: "nilai galat",
    NO_CACHED_VALUE: "rumus tanpa nilai tersimpan",
    NAME_MISSING: "nama tidak ditemukan",
    NAME_DELETED_SHEET: "nama menunjuk ke #REF!",
    NAME_NOT_A_RANGE: "nama bukan rujukan sel",
    NOT_ONE_CELL: "bukan satu sel",
    COLUMN_MISSING: "kolom tabel tidak ada",
    TABLE_EMPTY: "tabel wajib kosong",
    OUT_OF_RANGE: "di luar batas",
    NOT_A_CHOICE: "bukan pilihan yang dikenal",
    INTERNAL_ID: "kode internal di teks bebas",
    PERCENT_FORMAT: "format persen di sel bukan persen",
    OUT_OF_EXACT_RANGE: "angka di luar rentang hitung tepat",
    DATE_FORMAT: "sel berformat tanggal/waktu",
    NOT_WHOLE: "tahun bukan bilangan bulat",
    FORMAT_UNKNOWN: "format sel belum terlihat (Hitung di Excel)",
    DUPLICATE_KEY: "baris tabel ganda (kunci sama)",
    BELOW_TABLE: "data tepat di bawah rentang tabel (tidak dibaca)",
    COLUMN_TWICE: "kolom tabel dua kali di baris judul",
}


class WorkbookError(InputError):
    """Root of every error raised by kinerja.workbooks (a :class:`kinerja.engine.errors.KinerjaError`, so the
    CLI handles it like any other). Raised before anything at the destination changed.

    ``location`` is the file path, optionally followed by ``: Sheet!Cell`` (or a defined name).
    """

    def __init__(self, code: str, location: str, message: str, message_en: str = "", hint: str = "",
                 hint_en: str = ""):
        super().__init__(message, message_en=message_en, location=location, hint=hint, hint_en=hint_en, code=code)

    def __str__(self) -> str:
        return f"{self.code} {self.location}: {self.message_id}"


# --- faults of a workbook package (opc, ooxml, sheetcells raise these) ---------------------------------------


def mib(n: int) -> str:
    """A byte count as the messages print it: ``1.5 MiB`` from 1 MiB up, else ``812 B``."""
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} B"


def too_large(path: Path, part: str | None, size: int, limit: int) -> WorkbookError:
    what, what_en = (f"bagian {part}", f"the part {part}") if part else ("berkas", "the file")
    return WorkbookError(
        TOO_LARGE, f"{path}: {part}" if part else str(path),
        f"{what} berukuran {mib(size)} setelah dibuka; batasnya {mib(limit)}. kinerja tidak membukanya.",
        f"{what_en} is {mib(size)} when inflated; the limit is {mib(limit)}. kinerja does not open it.",
        "Buka buku kerja di Excel, hapus isi yang tidak perlu (baris kosong berformat, gambar besar), lalu simpan "
        "ulang.",
    )


def corrupt(path: Path, part: str, why: str, why_en: str) -> WorkbookError:
    return WorkbookError(
        NOT_A_WORKBOOK, f"{path}: {part}", f"paket buku kerja rusak: {why}; kinerja tidak mengubah apa pun.",
        f"the workbook package is damaged: {why_en}; kinerja changed nothing.",
        "Buka buku kerja di Excel, biarkan Excel memperbaikinya, lalu simpan ulang (tanpa kata sandi).",
    )


def unsafe(path: Path, part: str, exc: UnsafeXml) -> WorkbookError:
    return WorkbookError(
        UNSAFE_XML, f"{path}: {part}",
        f"bagian {part} tidak dapat diubah dengan aman: {exc.reason}; kinerja tidak mengubah apa pun.",
        f"the part {part} cannot be edited safely: {exc.reason_en}; kinerja changed nothing.",
        "Buka buku kerja di Excel lalu simpan ulang (Excel menulis bagian itu dalam bentuk baku), lalu jalankan "
        "lagi.",
    )


def not_a_workbook(path: Path, raw: bytes) -> WorkbookError:
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        hint = ("Berkas ini format lama (.xls) atau dilindungi kata sandi. Di Excel: hapus kata sandi lalu "
                "File › Save As › Excel Workbook (*.xlsx) / Excel Macro-Enabled Workbook (*.xlsm).")
    else:
        hint = "Gunakan buku kerja .xlsx atau .xlsm yang disimpan oleh Excel, atau templat kinerja."
    return WorkbookError(NOT_A_WORKBOOK, str(path), "bukan buku kerja .xlsx/.xlsm yang valid.",
                         "not a valid .xlsx/.xlsm workbook.", hint)
