"""The one error class of the workbook adapters, and every stable code they use.

Two families, so that callers can tell "the file cannot be used" from "one value in it is wrong":

* ``B1xx`` — :class:`WorkbookError`, raised: the file is missing, locked, read-only, not an xlsx/xlsm, or a
  write-back target is impossible. Nothing was changed when one is raised.
* ``B2xx`` — codes of :class:`kinerja.engine.interface.InputProblem`, collected (never raised) while reading
  inputs, so that an operator sees every wrong cell at once.

Codes never change meaning once published; messages may be reworded.
"""

from __future__ import annotations

from kinerja.engine import batasan as _batasan
from kinerja.engine.errors import InputError

# --- B1xx: the workbook cannot be read or written (raised as WorkbookError) ---------------------------------
# B101/B102 mean the same as for data files (workbooks/datafile.py); B103–B105 are data-file codes.
FILE_NOT_FOUND = "B101"  # the file does not exist
NOT_A_WORKBOOK = "B102"  # not an xlsx/xlsm zip (bad zip, .xls, encrypted, Strict OOXML, no workbook part)
LOCKED = "B111"  # open in Excel or LibreOffice (owner/lock file next to it)
READ_ONLY = "B112"  # the file or its folder cannot be written
SHEET_NOT_FOUND = "B113"  # a write target names a sheet that does not exist
BAD_TARGET = "B114"  # a write target is not one writable cell (unknown name, range, shared-formula master…)
NOT_OWNED = "B115"  # a sheet or defined name kinerja would replace belongs to the operator
BAD_VALUE = "B116"  # a value kinerja was asked to write cannot be stored (NaN, unknown type, text too long)
WRITE_FAILED = "B117"  # the operating system refused the write; the original file is intact
WRONG_EXTENSION = "B118"  # a macro-enabled workbook would be saved under .xlsx (Excel refuses to open it)
EXISTS = "B119"  # a new workbook (kinerja templat) would replace an existing file without --timpa
# B15x: hostile or damaged packages (issue 13). Corrupt zips (duplicate entries, bad deflate data, encrypted
# members) are B102.
TOO_LARGE = "B150"  # the file, or a part kinerja reads, exceeds the size or inflation-ratio limit (zip bomb)
UNSAFE_XML = "B151"  # a part kinerja must edit cannot be edited safely (namespace prefixes it cannot follow)
OUTPUT_OVERLAPS_INPUT = "B152"  # an output cell (or a sheet kinerja recreates) holds an input of the rules
# Batch (workbooks/batch.py): the state of one workbook of a run, or a run that cannot start.
OTHER_RULES = "B121"  # the workbook's generated sheets belong to another rule set (kinerja pindah migrates it)
CANCELLED = "B130"  # the run was stopped (Ctrl-C) before this workbook started; it is untouched
INTERNAL = "B131"  # kinerja failed on this workbook (a bug); it is untouched, the others went on
NO_WORKBOOKS = "B132"  # a path, folder or pattern given to kinerja batch names no workbook
SAME_OUTPUT = "B133"  # two workbooks would be written to the same file in --keluaran
NO_CLUSTER = "B134"  # --klaster: the Dask scheduler cannot be reached (or Dask is not installed)
NO_REKAP = "B135"  # kinerja rekap: the rule set has no rekap block (nothing says how units combine)

# --- B2xx: one input value is wrong (InputProblem.code) -------------------------------------------------------
# B201–B203 mean the same for every input source (data files use them too); B204 is the data files' "row is
# not a mapping". The rest are about cells and names.
WRONG_TYPE = "B201"  # text (or TRUE/FALSE) where a number is expected, or TRUE/FALSE where text is expected
NOT_A_COUNT = "B202"  # a count (cacah) that is negative or has a fractional part
NEGATIVE_RUPIAH = "B203"  # a negative rupiah amount
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

CODES: dict[str, str] = {
    FILE_NOT_FOUND: "berkas tidak ditemukan",
    NOT_A_WORKBOOK: "bukan buku kerja .xlsx/.xlsm",
    LOCKED: "buku kerja sedang dibuka",
    READ_ONLY: "berkas atau folder hanya-baca",
    SHEET_NOT_FOUND: "sheet tidak ditemukan",
    BAD_TARGET: "sel tujuan tidak dapat ditulis",
    NOT_OWNED: "sheet atau nama milik operator",
    BAD_VALUE: "nilai tidak dapat disimpan",
    WRITE_FAILED: "gagal menulis berkas",
    WRONG_EXTENSION: "ekstensi tidak cocok",
    EXISTS: "berkas tujuan sudah ada",
    TOO_LARGE: "berkas atau bagiannya terlalu besar",
    UNSAFE_XML: "bagian XML tidak dapat diubah dengan aman",
    OUTPUT_OVERLAPS_INPUT: "sel keluaran menimpa sel masukan",
    OTHER_RULES: "buku kerja milik set aturan lain",
    CANCELLED: "dibatalkan",
    INTERNAL: "galat internal",
    NO_WORKBOOKS: "tidak ada buku kerja",
    SAME_OUTPUT: "nama keluaran ganda",
    NO_CLUSTER: "klaster tidak dapat dihubungi",
    NO_REKAP: "aturan tanpa blok rekap",
    WRONG_TYPE: "jenis nilai salah",
    NOT_A_COUNT: "bukan bilangan cacah",
    NEGATIVE_RUPIAH: "rupiah negatif",
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
