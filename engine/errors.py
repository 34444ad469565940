"""Diagnostics and the error tree.

Every problem a planner or operator can cause has a stable code, a place (``file:line:col`` for rules,
``Sheet!Cell`` for workbooks), a message in Indonesian and English, and a hint. Rule problems are collected as
:class:`Diagnostic` objects (all of them, in one run); :class:`KinerjaError` is the one root exception, raised
only when work cannot go on (a rule set with errors, an unreadable file). Nothing in the engine prints or exits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

# code → (Indonesian template, English template). Templates use str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # syntax
    "E101": ("Sintaks salah: tidak diharapkan {found} di sini; yang diharapkan: {expected}.",
             "Syntax error: unexpected {found} here; expected: {expected}."),
    "E102": ("Karakter tidak dikenal {found}.", "Unknown character {found}."),
    "E103": ("Berkas berakhir sebelum aturan selesai; yang diharapkan: {expected}.",
             "File ended before the rule was complete; expected: {expected}."),
    "E104": ("Angka dengan koma desimal {found}: bahasa aturan memakai titik desimal.",
             "Number with a decimal comma {found}: the rule language uses a decimal point."),
    "E105": ("Ungkapan terlalu dalam atau terlalu panjang: lebih dari {limit} tingkat (kurung, jika, tidak, atau "
             "rangkaian operator).",
             "Expression too deep or too long: more than {limit} levels (brackets, jika, tidak, or a chain of "
             "operators)."),
    "E106": ("Angka {found} di luar rentang yang dihitung tepat oleh kinerja (besaran di bawah {limit}).",
             "Number {found} is outside the range kinerja computes exactly (magnitude below {limit})."),
    "E107": ("Digit pembulatan {found} di luar rentang 0 … {limit}.", "Rounding digits {found} outside 0 … {limit}."),
    "E108": ("Angka {found} bisa berarti {thousands} (titik ribuan, seperti di dokumen PK) atau {decimal} (titik "
             "desimal bahasa aturan).",
             "Number {found} may mean {thousands} (a thousands dot, as in the PK document) or {decimal} (the rule "
             "language's decimal point)."),
    "E109": ("Angka {found} memakai titik ribuan seperti di dokumen PK; bahasa aturan menulis angka tanpa pemisah "
             "ribuan.",
             "Number {found} uses thousands dots as in the PK document; the rule language writes numbers without "
             "thousands separators."),
    # names and files
    "E201": ("Nama tidak dikenal: {name}.", "Unknown name: {name}."),
    "E202": ("Nama {name} sudah dideklarasikan di {other}.", "Name {name} is already declared at {other}."),
    "E203": ("Fungsi tidak dikenal: {name}.", "Unknown function: {name}."),
    "E204": ("Fungsi {name} menerima {expected} argumen, diberi {given}.",
             "Function {name} takes {expected} arguments, {given} given."),
    "E205": ("Tabel {table} tidak punya kolom {name}.", "Table {table} has no column {name}."),
    "E206": ("Berkas aturan tidak ditemukan: {name}.", "Rule file not found: {name}."),
    "E207": ("Penyertaan melingkar: {cycle}.", "Circular include: {cycle}."),
    "E208": ("Pengaturan tidak dikenal: {name}.", "Unknown setting: {name}."),
    "E209": ("Nilai pengaturan {name} tidak sah: {value}; pilihan: {choices}.",
             "Invalid value for setting {name}: {value}; choices: {choices}."),
    "E210": ("Target untuk {name}, padahal tidak ada indikator atau indeks bernama demikian.",
             "Target for {name}, but there is no indicator or index of that name."),
    "E211": ("Satuan tidak dikenal: {name}.", "Unknown unit: {name}."),
    "E212": ("Berkas aturan tidak dapat dibaca: {name} ({reason}).", "Cannot read rule file: {name} ({reason})."),
    "E214": ("Berkas aturan {name} berada di luar folder set aturan: sertakan/perluas hanya merujuk ke dalam folder "
             "set aturan (perluas: juga folder di sebelahnya) atau ke set bawaan.",
             "Rule file {name} is outside the rule set's folder: sertakan/perluas only refer inside the rule set's "
             "folder (perluas: also folders next to it) or to a bundled set."),
    "E215": ("Set aturan {name} {what}; tidak ada yang dapat dihitung.",
             "Rule set {name} {what}; there is nothing to compute."),
    "E216": ("Set aturan melampaui batas: {what}.", "The rule set exceeds a limit: {what}."),
    "E213": ("{name} adalah tabel; di sini diperlukan satu nilai (pakai {name}.kolom).",
             "{name} is a table; a single value is needed here (use {name}.column)."),
    # inheritance (perluas / hapus / ganti)
    "E220": ("{name} dipakai di sini, padahal {kind} {name} dihapus di {where}{cause}.",
             "{name} is used here, but {kind} {name} was removed at {where}{cause}."),
    "E221": ("{kind} {name} baru (tidak diwarisi) memerlukan {what}.",
             "New {kind} {name} (not inherited) needs {what}."),
    "E222": ("hapus {kind} {name}: set induk tidak punya {kind} bernama demikian.",
             "hapus {kind} {name}: the parent set has no {kind} of that name."),
    "E223": ("hapus {kind} {name}: hapus hanya berlaku di set aturan yang memperluas (perluas) set lain.",
             "hapus {kind} {name}: removal only applies in a rule set that extends (perluas) another."),
    "E225": ("Label {name} memakai {{tahun}}, tetapi set aturan tidak menulis tahun berlakunya.",
             "Label {name} uses {{tahun}}, but the rule set does not say the year it applies to."),
    "E224": ("Indeks {name} tidak ada di set induk; nama bertitik hanya untuk mengubah sub-indeks yang diwarisi.",
             "Index {name} is not in the parent set; a dotted name only changes an inherited sub-index."),
    # grouping (kelompok … menurut …)
    "E226": ("Kunci kelompok tidak dikenal: {name}; yang dikenal: {known}.",
             "Unknown group key: {name}; known keys: {known}."),
    "E227": ("Kelompok menurut {func}({column}): kolom {column} tabel {table} harus berisi {what} dari set aturan "
             "ini.",
             "Grouping by {func}({column}): column {column} of table {table} must hold {what_en} of this rule set."),
    "E228": ("{name} di dalam blok kelompok hanya boleh di dalam agregat (jumlah, rata_rata, …): di luar agregat "
             "kolom itu berarti semua baris tabel {table}, bukan baris kelompoknya.",
             "{name} inside a kelompok block may only appear inside an aggregate (jumlah, rata_rata, …): outside "
             "one the column means every row of table {table}, not the group's rows."),
    # table keys (tabel … kunci a, b)
    "E229": ("Kolom {name} ditulis dua kali di kunci tabel {table}.",
             "Column {name} is written twice in the key of table {table}."),
    "E230": ("Kolom kunci {name} tabel {table} opsional, padahal kunci mengenali setiap baris: baris tanpa kunci "
             "tidak dapat diperiksa gandanya.",
             "Key column {name} of table {table} is optional, but the key identifies every row: a row without a "
             "key cannot be checked for duplicates."),
    # kinds and units
    "E301": ("Jenis tidak cocok: {left} {op} {right}.", "Kind mismatch: {left} {op} {right}."),
    "E302": ("Indikator {name} bersatuan {unit}, tetapi rumusnya menghasilkan {kind}.",
             "Indicator {name} has unit {unit} but its formula yields {kind}."),
    "E303": ("Syarat harus bernilai benar/salah, bukan {kind}.", "A condition must be true/false, not {kind}."),
    "E304": ("{what} harus berupa {expected}, bukan {kind}.", "{what} must be {expected}, not {kind}."),
    "E305": ("Bobot harus berupa angka tetap (literal atau parameter).",
             "A weight must be a constant (a literal or a parameter)."),
    "E306": ("{what} ditulis {text}: literal % adalah pecahan ({fraction}), padahal nilai {kind} ditulis pada skala "
             "{scale}.",
             "{what} is written {text}: a % literal is a fraction ({fraction}), but {kind} values are written on the "
             "{scale} scale."),
    "E307": ("Target indeks {name} = {value} di luar skalanya 0–{scale}.",
             "The target of index {name} = {value} is outside its 0–{scale} scale."),
    # structure
    "E401": ("Ketergantungan melingkar: {cycle}.", "Circular dependency: {cycle}."),
    "E402": ("Bobot dalam {name} berjumlah {total}, seharusnya 100%.",
             "Weights in {name} add up to {total}, should be 100%."),
    "E403": ("Bobot indikator dalam dimensi {name} berjumlah {total}, seharusnya sama dengan bobot dimensi {expected}.",
             "Indicator weights in dimension {name} add up to {total}, should equal the dimension weight {expected}."),
    "E404": ("Indikator {name} tidak punya target; capaian membagi dengan target.",
             "Indicator {name} has no target; capaian divides by the target."),
    "E405": ("Target {what} {name} bernilai {value}; capaian membagi dengan target, jadi target harus lebih besar "
             "dari 0.",
             "The target of {what} {name} is {value}; capaian divides by the target, so it must be greater than 0."),
    "E406": ("Dalam dimensi {name} sebagian indikator berbobot dan sebagian tidak.",
             "In dimension {name} some indicators have weights and some do not."),
    "E407": ("Indeks {name} tidak berisi indikator, dimensi, atau sub-indeks.",
             "Index {name} contains no indicators, dimensions or sub-indices."),
    "E408": ("Indikator {name} tidak punya rumus realisasi.", "Indicator {name} has no realisasi formula."),
    "E409": ("Sub-indeks {name} memerlukan bobot.", "Sub-index {name} needs a weight."),
    "E420": ("Sasaran {name} tidak berisi indikator lagi setelah hapus {cause}.",
             "Sasaran {name} has no indicators left after removing {cause}."),
    "E421": ("Indeks {name} punya target sendiri, padahal indikator {indicator} (realisasi = {name}) sudah "
             "bertarget: satu indeks, satu target.",
             "Index {name} has its own target, but indicator {indicator} (realisasi = {name}) already has one: "
             "one index, one target."),
    # warnings
    "W501": ("Masukan {name} tidak dipakai oleh aturan mana pun.", "Input {name} is not used by any rule."),
    "W503": ("Nama {name} tidak dapat menjadi nama (defined name) di Excel: {reason}.",
             "{name} cannot be an Excel defined name: {reason}."),
    "W504": ("Target {name} = {value}% di atas 100% untuk rasio bagian dari keseluruhan ({formula}): capaian "
             "paling tinggi {best}%.",
             "Target {name} = {value}% is above 100% for a part-of-whole ratio ({formula}): capaian can be at most "
             "{best}%."),
    "W505": ("Target {name} = {value} berpecahan, padahal satuannya {unit} (bilangan utuh).",
             "Target {name} = {value} has a fraction, but its unit is {unit} (a whole number)."),
    "W506": ("hapus {kind} {name}: {name} sudah dihapus di {where}{cause}; baris ini tidak mengubah apa pun.",
             "hapus {kind} {name}: {name} was already removed at {where}{cause}; this line changes nothing."),
}

# Root codes of the error classes, never a diagnostic of their own (RuleError shows its first diagnostic's code).
ROOT_CODES: dict[str, str] = {"E100": "set aturan tidak dapat dipakai"}

HINTS: dict[str, tuple[str, str]] = {
    "did_you_mean": ("maksud Anda {suggestion}?", "did you mean {suggestion}?"),
    "declare_input": ("deklarasikan dengan: masukan {name}: cacah \"keterangan\"",
                      "declare it with: masukan {name}: cacah \"description\""),
    "decimal_point": ("tulis {suggestion}", "write {suggestion}"),
    "target_typo": ("periksa angka target di dokumen PK (salah ketik?)",
                    "check the target in the PK document (a typo?)"),
    "thousands_or_decimal": ("tulis {thousands} bila maksudnya {thousands}, atau {decimal_text} bila maksudnya "
                             "{decimal}", "write {thousands} if {thousands} is meant, or {decimal_text} if {decimal} "
                             "is meant"),
    "add_target": ("tambahkan di blok target: {name} = …", "add to the target block: {name} = …"),
    "weights": ("periksa bobot: {detail}", "check the weights: {detail}"),
    "child_dimension_weights": ("bobot indikator harus berjumlah bobot dimensi; tulis di set anak mis. {fix} "
                                "(sekarang: {detail})", "the indicator weights must add up to the dimension "
                                "weight; write in the child set e.g. {fix} (now: {detail})"),
    "excel_name": ("pakai nama yang lebih panjang dengan garis bawah, mis. {suggestion}",
                   "use a longer name with an underscore, e.g. {suggestion}"),
    "percent_literal": ("tulis {suggestion}, bukan {text}", "write {suggestion}, not {text}"),
    "index_scale": ("tulis target pada skala indeks (0–{scale}), bukan persen", "write the target on the index scale "
                    "(0–{scale}), not as a percentage"),
    "group_name": ("nilai kelompok {name} (kelompok {key}) bertabrakan dengan deklarasi lain; ganti nama salah "
                   "satunya", "the group value {name} (group {key}) clashes with another declaration; rename one"),
    "group_column": ("kelompokkan menurut kolom yang berisi id sasaran (mis. kolom bernama sasaran) atau id "
                     "indikator", "group by a column holding sasaran ids (e.g. a column named sasaran) or "
                     "indicator ids"),
    "group_aggregate": ("tulis agregatnya, mis. jumlah({name})", "write the aggregate, e.g. jumlah({name})"),
    "set_year_number": ("tulis {fix} (tahun sebagai angka, tanpa tanda kutip)",
                        "write {fix} (the year as a number, without quotes)"),
    "set_year": ("tambahkan: pengaturan {{ berlaku = 2025 }}", "add: pengaturan {{ berlaku = 2025 }}"),
    "remove_sasaran": ("hapus juga sasarannya: hapus sasaran {name}", "remove the sasaran too: hapus sasaran {name}"),
    "one_target": ("hapus target {name}; target indeks mengikuti target {indicator}",
                   "remove the target {name}; the index follows the target of {indicator}"),
    "removed_twice": ("hapus baris ini", "remove this line"),
    "key_once": ("tulis setiap kolom sekali: kunci {fix}", "write each column once: kunci {fix}"),
    "key_required": ("hapus `opsional` dari kolom {name}, atau jadikan kolom lain kunci",
                     "remove `opsional` from column {name}, or make another column the key"),
    "removed_ref": ("ubah atau hapus pemakaian ini di set anak, atau jangan hapus {name}",
                    "change or remove this use in the child set, or do not remove {name}"),
    "percent_weight": ("bobot ditulis dengan %: {suggestion}", "write weights with %: {suggestion}"),
    "remove_or_use": ("hapus deklarasinya atau pakai dalam rumus", "remove the declaration or use it in a formula"),
    "rename": ("ganti salah satu nama, atau pakai perluas untuk menimpa aturan induk",
               "rename one of them, or use perluas (extends) to override a parent rule"),
}


# Evaluation messages: input errors carried as values (``Galat``, G0xx) and observations made while computing
# (G1xx). Indonesian and English; the evaluator fills the fields, nothing else writes these texts.
RUNTIME: dict[str, tuple[str, str]] = {
    "G001": ("masukan wajib {name} kosong", "required input {name} is empty"),
    "G002": ("masukan {name} bukan angka: {value}", "input {name} is not a number: {value}"),
    "G003": ("{table} baris {row}: kolom {column} kosong", "{table} row {row}: column {column} is empty"),
    "G004": ("target bernilai 0", "the target is 0"),
    "G005": ("{table} baris {row}: kolom {column} bukan angka: {value}",
             "{table} row {row}: column {column} is not a number: {value}"),
    "G006": ("ketergantungan melingkar pada {name}", "circular dependency on {name}"),
    "G007": ("{formula}: penyebut 0 tetapi pembilang {num}", "{formula}: denominator 0 but numerator {num}"),
    "G008": ("{place}: hasil {op} di luar jangkauan angka yang dapat dihitung tepat (besaran ≥ 10^15){where}: "
             "{formula} — periksa besaran masukannya (satuan, digit berlebih) atau susun rumusnya agar hasil "
             "antaranya tetap di bawah 10^15",
             "{place}: the result of {op_en} is outside the range computed exactly (magnitude ≥ 10^15){where_en}: "
             "{formula} — check the size of the inputs (unit, extra digits) or arrange the formula so that its "
             "intermediate results stay below 10^15"),
    "G101": ("{name}: nilai {value} melebihi skala 0–{scale}", "{name}: value {value} exceeds the 0–{scale} scale"),
    "G102": ("{node}: pembilang {num} melebihi penyebut {den} ({formula} = {value}%)",
             "{node}: numerator {num} exceeds denominator {den}"),
    "G103": ("{node}: pembilang {num} tetapi penyebut 0 ({formula}); nilainya tidak dapat dihitung — periksa kedua "
             "angka itu", "{node}: numerator {num} but denominator 0 ({formula}); the value cannot be computed — "
             "check both figures"),
}


def runtime(code: str, inputs: tuple[str, ...] = (), location: str = "", **fields: Any):
    """An input error value (``Galat``) with its catalogue message in both languages."""
    from .values import Galat

    text_id, text_en = RUNTIME[code]
    return Galat(text_id.format(**fields), tuple(inputs), location, code, text_en.format(**fields))


_SHOWN_LINE = 160  # characters of a source line quoted under a diagnostic

_override: list[str] = []  # set by the CLI's --bahasa option for one invocation


def set_language(lang: str | None) -> None:
    """Choose the message language for this process (the CLI calls it once per command)."""
    _override[:] = [lang] if lang else []


def language() -> str:
    """Message language: ``--bahasa``, else ``KINERJA_BAHASA`` / ``KINERJA_LANG`` = ``en``; Indonesian otherwise."""
    lang = (_override[0] if _override else None) or os.environ.get("KINERJA_BAHASA") or os.environ.get(
        "KINERJA_LANG") or "id"
    return "en" if lang.lower().startswith("en") else "id"


def render(_catalog: dict[str, tuple[str, str]], _key: str, _lang: str, **fields: Any) -> str:
    table, key, lang = _catalog, _key, _lang
    idx = 1 if lang == "en" else 0
    # A field may carry both languages ({"id": …, "en": …}), e.g. expected tokens put into words.
    local = {k: (v.get(lang, v.get("id")) if isinstance(v, dict) and "id" in v else v) for k, v in fields.items()}
    return table[key][idx].format(**local)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    file: str
    line: int
    column: int
    fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    hint_key: str | None = None
    hint_fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source_line: str = ""
    end_column: int | None = None

    @property
    def severity(self) -> str:
        return "peringatan" if self.code.startswith("W") else "galat"

    @property
    def is_error(self) -> bool:
        return not self.code.startswith("W")

    def message(self, lang: str | None = None) -> str:
        return render(MESSAGES, self.code, lang or language(), **self.fields)

    def hint(self, lang: str | None = None) -> str:
        if not self.hint_key:
            return ""
        return render(HINTS, self.hint_key, lang or language(), **self.hint_fields)

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def format(self, lang: str | None = None) -> str:
        lang = lang or language()
        sev = {"galat": "error", "peringatan": "warning"}[self.severity] if lang == "en" else self.severity
        out = [f"{self.location()}: {self.code} {sev}: {self.message(lang)}"]
        if self.source_line:
            src = self.source_line.rstrip("\n").replace("\t", " ")
            width = max(1, (self.end_column or self.column + 1) - self.column)
            column = self.column
            if len(src) > _SHOWN_LINE:  # a very long line: the part around the column, marked with "…"
                start = max(0, column - 1 - _SHOWN_LINE // 3)
                piece = src[start:start + _SHOWN_LINE]
                src = ("…" if start else "") + piece + ("…" if start + _SHOWN_LINE < len(self.source_line) else "")
                column = column - start + (1 if start else 0)
                width = min(width, _SHOWN_LINE)
            out.append(f"  {self.line:>4} | {src}")
            out.append("       | " + " " * (column - 1) + "^" * min(width, max(1, len(src) - column + 1)))
        hint = self.hint(lang)
        if hint:
            out.append(("       = saran: " if lang == "id" else "       = hint: ") + hint)
        return "\n".join(out)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "kode": self.code,
            "tingkat": self.severity,
            "berkas": self.file,
            "baris": self.line,
            "kolom": self.column,
            "pesan": self.message(lang),
            "saran": self.hint(lang),
        }


class KinerjaError(Exception):
    """Root of every error kinerja raises. Has a code, a location, a message (id/en) and a hint."""

    code = "K000"

    def __init__(self, message: str, *, message_en: str = "", location: str = "", hint: str = "",
                 hint_en: str = "", code: str | None = None):
        super().__init__(message)
        self.message_id = message
        self.message_en = message_en or message
        self.location = location
        self.hint_id = hint
        self.hint_en = hint_en or hint
        if code:
            self.code = code

    def message(self, lang: str | None = None) -> str:
        return self.message_en if (lang or language()) == "en" else self.message_id

    def format(self, lang: str | None = None) -> str:
        lang = lang or language()
        loc = f"{self.location}: " if self.location else ""
        text = f"{loc}{self.code}: {self.message(lang)}"
        hint = self.hint_en if lang == "en" else self.hint_id
        if hint:
            text += ("\n  saran: " if lang == "id" else "\n  hint: ") + hint
        return text

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {"kode": self.code, "lokasi": self.location, "pesan": self.message(lang),
                "saran": self.hint_en if (lang or language()) == "en" else self.hint_id}


class RuleError(KinerjaError):
    """A rule set cannot be used: carries all its diagnostics."""

    code = "E100"

    def __init__(self, diagnostics: list[Diagnostic]):
        errors = [d for d in diagnostics if d.is_error]
        first = errors[0] if errors else diagnostics[0]
        super().__init__(first.message("id"), message_en=first.message("en"), location=first.location(),
                         code=first.code)
        self.diagnostics = diagnostics

    def format(self, lang: str | None = None) -> str:
        return "\n".join(d.format(lang) for d in self.diagnostics)


class InputError(KinerjaError):
    """A data source (data file, workbook) cannot be read at all."""

    code = "B100"
