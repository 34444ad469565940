"""The ``kinerja`` command. Thin: parses options, calls the engine and the adapters, prints, exits.

Exit codes (one place): 0 ok · 1 findings, input problems or rule check failures · 2 usage, file or syntax
errors. Errors go to stderr as messages (Indonesian; ``--bahasa en`` or ``KINERJA_BAHASA=en`` for English),
never as a traceback; JSON goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from enum import IntEnum
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .engine import KinerjaError, RuleError, Tracer, check_rules, evaluate, input_specs, load_rules
from .engine.errors import language, set_language
from .engine.findings import find
from .engine.report import summary_text, to_json
from .engine.trace import tree
from .workbooks.errors import OUT_OF_MEMORY

DEFAULT_RULES = "pk2024-sumsel"
SYNTAX_CODES = ("E101", "E102", "E103", "E104", "E105", "E206", "E207", "E212", "E214", "E215", "E216")


class Exit(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


def _lang() -> str:
    return language()


# A little memory set aside at start: freed when the process runs out, so the message can still be written.
_RESERVE = [bytearray(4 * 2**20)]


def _say_error(text: str) -> None:
    click.echo(text, err=True)


def _quiet_pipe() -> None:
    """The reader of stdout went away (`kinerja jelaskan … | head`): end quietly, once, here. Python would
    otherwise report the pipe again when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def guarded(fn):
    """The one place where errors become messages and exit codes."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            code = fn(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe (`| head`) shows here, not at interpreter exit
        except BrokenPipeError:
            _quiet_pipe()
            sys.exit(Exit.FINDINGS)
        except RuleError as err:
            _say_error(err.format(_lang()))
            syntax = any(d.code in SYNTAX_CODES for d in err.diagnostics)
            sys.exit(Exit.USAGE if syntax else Exit.FINDINGS)
        except KinerjaError as err:
            _say_error(err.format(_lang()))
            sys.exit(Exit.USAGE)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            _say_error("dibatalkan" if _lang() == "id" else "cancelled")
            sys.exit(Exit.USAGE)
        except MemoryError:
            _RESERVE.clear()  # the frames that held the data are gone; this frees room to say so
            _say_error(f"{OUT_OF_MEMORY} memori tidak cukup untuk masukan ini; tidak ada berkas yang ditulis. "
                       "Perkecil tabel masukan (bagi per satker/bulan) atau jalankan di komputer dengan memori lebih "
                       "besar. Batas yang diketahui: docs/batas.md." if _lang() == "id" else
                       f"{OUT_OF_MEMORY} not enough memory for this input; no file was written. Split the input "
                       "tables (per unit/month) or run on a machine with more memory. Known limits: docs/batas.md.")
            sys.exit(Exit.USAGE)
        except Exception as exc:  # a bug in kinerja: say so plainly, no traceback unless asked
            if os.environ.get("KINERJA_DEBUG"):
                raise
            what = f"{type(exc).__name__}: {exc}"
            _say_error(f"galat internal kinerja ({what}). Laporkan ke pengembang; jalankan ulang dengan "
                       f"KINERJA_DEBUG=1 untuk rinciannya." if _lang() == "id" else
                       f"internal kinerja error ({what}). Please report it; rerun with KINERJA_DEBUG=1 for details.")
            sys.exit(Exit.USAGE)
        sys.exit(int(code or 0))

    return wrapper


ALIASES = {"check": "periksa", "calc": "hitung", "explain": "jelaskan", "demo": "contoh", "template": "templat",
           "schema": "skema", "consolidate": "rekap", "test": "uji", "compare": "banding",
           "migrasi": "pindah", "migrate": "pindah", "export": "ekspor"}


class AliasGroup(click.Group):
    def get_command(self, ctx, cmd_name):
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def resolve_command(self, ctx, args):
        cmd_name, cmd, rest = super().resolve_command(ctx, args)
        return (cmd.name if cmd else cmd_name), cmd, rest


def _set_lang(ctx, param, value):
    if value:
        set_language(value)
    return value


lang_option = click.option("--bahasa", "--lang", "bahasa", type=click.Choice(["id", "en"]), default=None,
                           expose_value=False, is_eager=True, callback=_set_lang,
                           help="Bahasa pesan: id (bawaan) atau en.")
rules_option = click.option("--aturan", "--rules", "aturan", default=None, metavar="ATURAN",
                            help=f"Set aturan: folder, berkas .kin, atau nama bawaan (bawaan: {DEFAULT_RULES}).")
data_option = click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False), metavar="DATA",
                           help="Berkas data: satu/lebih .yaml, atau satu/lebih .csv (bentuknya: docs/berkas-data.md).")


def _reset_lang(ctx, param, value):
    set_language(value)
    return value


@click.group(cls=AliasGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kinerja")
@click.option("--bahasa", "--lang", "bahasa", type=click.Choice(["id", "en"]), default=None, expose_value=False,
              is_eager=True, callback=_reset_lang, help="Bahasa pesan: id (bawaan) atau en.")
def main():
    """kinerja — hitung Indikator Kinerja Kegiatan (IKK) dari aturan, dengan jejak dan temuan.

    Perintah (alias Inggris): periksa (check), hitung (calc), jelaskan (explain), contoh (demo),
    templat (template), batch, rekap (consolidate), skema (schema), uji (test), banding (compare),
    pindah = migrasi (migrate), ekspor (export).
    """


@main.command("periksa")
@click.argument("aturan", required=False)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.option("--perubahan", "--changes", "perubahan", is_flag=True,
              help="Cantumkan semua yang diubah set ini atas set induknya (perluas): tambah, ubah, ganti, hapus.")
@lang_option
@guarded
def periksa(aturan, as_json, perubahan):
    """Periksa set aturan ATURAN: semua kesalahan sekaligus, dengan posisi dan saran."""
    ref = aturan or DEFAULT_RULES
    checked, diags = check_rules(ref)
    changes = checked.rules.changes if (perubahan and checked is not None) else []
    if as_json:
        payload = {"aturan": ref, "diagnosis": [d.to_dict(_lang()) for d in diags]}
        if perubahan:
            payload["perubahan"] = [{"aksi": c.action, "jenis": c.kind, "id": c.id, "rincian": c.detail,
                                     "lokasi": f"{c.span.file}:{c.span.line}"} for c in changes]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for d in diags:
            click.echo(d.format(_lang()), err=True)
    errors = [d for d in diags if d.is_error]
    if errors:
        if not as_json:
            n = len(errors)
            click.echo((f"{n} galat" if _lang() == "id" else f"{n} error(s)") +
                       (f", {len(diags) - n} peringatan" if _lang() == "id" else f", {len(diags) - n} warning(s)"),
                       err=True)
        return Exit.USAGE if any(d.code in SYNTAX_CODES for d in errors) else Exit.FINDINGS
    if not as_json:
        rs = checked.rules
        msg = (f"{rs.name}: baik — {len(rs.indicators)} indikator, {len(rs.sasaran)} sasaran, "
               f"{len(rs.indices)} indeks, {len(rs.inputs) + len(rs.tables)} masukan, versi {rs.version}")
        if _lang() == "en":
            msg = (f"{rs.name}: ok — {len(rs.indicators)} indicators, {len(rs.sasaran)} sasaran, "
                   f"{len(rs.indices)} indices, {len(rs.inputs) + len(rs.tables)} inputs, version {rs.version}")
        click.echo(msg)
        if perubahan:
            parents = ", ".join(rs.parents) or "-"
            click.echo((f"perubahan atas {parents}: {len(changes)}" if _lang() == "id" else
                        f"changes to {parents}: {len(changes)}"))
            for c in changes:
                detail = f" — {c.detail}" if c.detail else ""
                click.echo(f"  {c.span.file}:{c.span.line}: {c.action} {c.kind} {c.id}{detail}")
    return Exit.OK


@main.command("uji")
@click.argument("aturan", required=False)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@lang_option
@guarded
def uji(aturan, as_json):
    """Jalankan uji perencana ATURAN/uji/*.yaml (masukan → nilai yang diharapkan, persis seperti ditulis).

    Keluar 0 bila semua lulus, 1 bila ada yang gagal (temuan data tidak memengaruhi), 2 bila berkas uji atau
    aturan tidak dapat dipakai.
    """
    from .perencana.uji import run

    ref = aturan or DEFAULT_RULES
    checked, outcomes = run(ref)
    failed = [o for o in outcomes if not o.ok]
    if as_json:
        click.echo(json.dumps({"aturan": ref, "kasus": [o.to_dict() for o in outcomes]}, ensure_ascii=False,
                              indent=2))
    else:
        for o in outcomes:
            mark = "lulus" if o.ok else "GAGAL"
            click.echo(f"{mark}  {o.file} › {o.case}")
            for f in o.failures:
                click.echo(f"        {f}")
        n = sum(o.checked for o in outcomes)
        if not outcomes:
            click.echo(f"{checked.rules.name}: tidak ada uji (uji/*.yaml)")
        else:
            click.echo(f"{checked.rules.name}: {len(outcomes)} kasus, {n} harapan — "
                       + (f"{len(failed)} kasus gagal" if failed else "semua lulus"))
    if failed:
        return Exit.FINDINGS
    return Exit.OK


@main.command("banding")
@click.argument("aturan_a", metavar="ATURAN_A")
@click.argument("aturan_b", metavar="ATURAN_B")
@click.argument("buku", metavar="[BUKU.xlsx]", required=False, type=click.Path(dir_okay=False))
@data_option
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@lang_option
@guarded
def banding(aturan_a, aturan_b, buku, data, as_json):
    """Bandingkan dua set aturan: indikator, sasaran, masukan yang ditambah/dihapus; target, bobot, arah, rumus
    dan konvensi yang berubah (dari bentuk inti, bukan teks); dengan --data DATA atau buku kerja BUKU.xlsx,
    akibatnya pada setiap capaian (sebelum, sesudah, selisih)."""
    from .perencana.banding import compare

    if buku and data:
        raise click.UsageError("berikan --data DATA atau BUKU.xlsx, tidak keduanya" if _lang() == "id" else
                               "give --data DATA or BOOK.xlsx, not both")
    result = compare(aturan_a, aturan_b, list(data), buku)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.text())
    return Exit.OK


def _evaluate(aturan, data, trace: bool):
    from .workbooks.datafile import read_data

    checked = load_rules(aturan or DEFAULT_RULES)
    inputs = read_data(list(data), input_specs(checked), checked)
    result = evaluate(checked, inputs, Tracer(trace))
    findings = find(result)
    return checked, result, findings


@main.command("hitung")
@click.argument("buku", required=False, type=click.Path(dir_okay=False))
@rules_option
@data_option
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (skemanya: kinerja skema hasil).")
@click.option("--jejak", "--trace", "jejak", is_flag=True, help="Sertakan jejak derivasi lengkap di JSON.")
@click.option("--keluaran", "--output", "keluaran", type=click.Path(dir_okay=False), default=None,
              help="Tulis ke salinan ini (buku kerja), bukan menimpa BUKU.")
@lang_option
@guarded
def hitung(buku, aturan, data, as_json, jejak, keluaran):
    """Hitung semua indikator dari berkas data (--data) atau buku kerja BUKU.xlsx/.xlsm.

    Keluar dengan 1 bila ada temuan atau masalah masukan.
    """
    if buku:
        from .workbooks.recalc import recalculate_workbook

        outcome = recalculate_workbook(buku, aturan=aturan, keluaran=keluaran)
        if as_json:
            click.echo(json.dumps(outcome.json, ensure_ascii=False, indent=2))
        else:
            click.echo(outcome.summary)
        return Exit.FINDINGS if (outcome.findings or outcome.problems) else Exit.OK
    if not data:
        raise click.UsageError("berikan BUKU.xlsx atau --data DATA" if _lang() == "id" else
                               "give BOOK.xlsx or --data DATA")
    checked, result, findings = _evaluate(aturan, data, True)
    if as_json:
        click.echo(json.dumps(to_json(result, findings, trace=jejak), ensure_ascii=False, indent=2))
    else:
        click.echo(summary_text(result, findings, _lang()))
    return Exit.FINDINGS if (findings or result.inputs.problems) else Exit.OK


@main.command("jelaskan")
@click.argument("ident", metavar="ID")
@rules_option
@data_option
@click.option("--json", "as_json", is_flag=True, help="Jejak sebagai JSON.")
@lang_option
@guarded
def jelaskan(ident, aturan, data, as_json):
    """Pohon derivasi satu indikator, indeks, sasaran atau nilai (ID)."""
    from .engine.trace import to_dict

    data = data or _bundled_data()
    checked, result, _ = _evaluate(aturan, data, True)
    obj = result.get(ident)
    if obj is None:
        import difflib

        gone = checked.rules.removed.get(ident)
        if gone is not None:  # removed on purpose by the rule set: say where, never "did you mean"
            cause = f" ({gone.cause})" if gone.cause else ""
            where = f"{gone.span.file}:{gone.span.line}"
            raise KinerjaError(f"{gone.kind} {ident} dihapus oleh set aturan ini di {where}{cause}.",
                               message_en=f"{gone.kind} {ident} was removed by this rule set at {where}{cause}.",
                               code="E220", location=where,
                               hint="jelaskan dengan set aturan induknya, mis. --aturan pk2024-sumsel",
                               hint_en="explain it with the parent rule set, e.g. --aturan pk2024-sumsel")
        names = [o.id for o in result.all_objects()]
        close = difflib.get_close_matches(ident, names, n=1)
        hint = f"maksud Anda {close[0]}?" if close else "lihat daftar id dengan: kinerja hitung --json"
        raise KinerjaError(f"ID tidak dikenal: {ident}", message_en=f"Unknown id: {ident}", code="E201",
                           hint=hint, hint_en=hint.replace("maksud Anda", "did you mean"))
    if as_json:
        payload = {"id": obj.id, "jenis": obj.jenis, "nama": obj.nama, "status": obj.status,
                   "jejak": to_dict(obj.step) if obj.step else None,
                   "jejak_capaian": to_dict(obj.capaian_step) if obj.capaian_step else None}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return Exit.OK
    click.echo(f"{obj.jenis} {obj.id} — {obj.nama}")
    if obj.step is not None:
        click.echo(tree(obj.step))
    if obj.capaian_step is not None:
        click.echo(f"capaian: {obj.capaian_step.line()}")
    if obj.pesan:
        click.echo(f"status: {obj.status} — {obj.pesan}")
    return Exit.OK


@main.command("templat")
@rules_option
@click.option("--keluaran", "--output", "keluaran", required=True, type=click.Path(dir_okay=False),
              metavar="BUKU.xlsx", help="Berkas templat yang ditulis (.xlsx; .xlsm: dengan tombol Hitung).")
@click.option("--isi", "--fill", "isi", multiple=True, type=click.Path(dir_okay=False), metavar="DATA",
              help="Isi templat dengan berkas data ini (satu/lebih .yaml, atau satu/lebih .csv).")
@click.option("--timpa", "--overwrite", "timpa", is_flag=True, help="Timpa BUKU.xlsx bila sudah ada.")
@lang_option
@guarded
def templat(aturan, keluaran, isi, timpa):
    """Buat buku kerja isian (templat) untuk set aturan: satu sheet per eselon, Ringkasan, Audit.

    Keluar dengan 1 (tanpa menulis apa pun) bila data --isi bermasalah.
    """
    from .workbooks.datafile import read_data
    from .workbooks.template import build_template_summary

    ref = aturan or DEFAULT_RULES
    checked = load_rules(ref)
    specs = input_specs(checked)
    inputs = read_data(list(isi), specs, checked) if isi else None
    if inputs is not None and inputs.problems:
        for p in inputs.problems:
            _say_error(f"{p.code} {p.message if _lang() == 'id' else (p.message_en or p.message)}")
        return Exit.FINDINGS
    if Path(keluaran).suffix.lower() == ".xlsm":
        from .workbooks.tombol import build_macro_template

        done = build_macro_template(checked, keluaran, rules_ref=ref, overwrite=timpa, inputs=inputs, specs=specs)
    else:
        done = build_template_summary(checked, keluaran, rules_ref=ref, overwrite=timpa, inputs=inputs,
                                      specs=specs)
    filled = (" terisi" if _lang() == "id" else " filled") if inputs is not None else ""
    if _lang() == "id":
        click.echo(f"templat{filled} {checked.rules.name} ditulis ke {done.path}: {len(done.sheets)} sheet, "
                   f"{len(done.input_names)} masukan, {len(done.output_names)} sel keluaran")
    else:
        click.echo(f"{filled.strip() + ' ' if filled else ''}template {checked.rules.name} written to {done.path}: "
                   f"{len(done.sheets)} sheets, {len(done.input_names)} inputs, {len(done.output_names)} output cells")
    return Exit.OK


@main.command("pasang-tombol")
@click.argument("buku", type=click.Path(dir_okay=False))
@click.option("--keluaran", "--output", "keluaran", type=click.Path(dir_okay=False), default=None,
              metavar="BUKU.xlsm", help="Salinan bermakro yang ditulis (bawaan: BUKU dengan ekstensi .xlsm).")
@click.option("--sheet", "sheets", multiple=True, metavar="SHEET",
              help="Sheet yang diberi tombol (bawaan: semua sheet tampak yang bukan milik kinerja).")
@click.option("--timpa", "--overwrite", "timpa", is_flag=True, help="Timpa BUKU.xlsm bila sudah ada.")
@lang_option
@guarded
def pasang_tombol_cmd(buku, keluaran, sheets, timpa):
    """Pasang tombol Hitung (makro xlwings RunPython) pada salinan .xlsm buku kerja; bagian lain tidak diubah."""
    from .workbooks.tombol import pasang_tombol

    dest = Path(keluaran) if keluaran else Path(buku).with_suffix(".xlsm")
    placed = pasang_tombol(buku, dest, sheets=list(sheets) or None, overwrite=timpa)
    cells = ", ".join(p.status_cell for p in placed)
    if _lang() == "id":
        click.echo(f"tombol Hitung dipasang pada {len(placed)} sheet, ditulis ke {dest} (sel status: {cells})")
    else:
        click.echo(f"Hitung button installed on {len(placed)} sheets, written to {dest} (status cells: {cells})")
    return Exit.OK


@main.command("server")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Alamat yang didengar (bawaan hanya komputer ini; 0.0.0.0 untuk jaringan kantor).")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--aturan", "--rules", "aturan", multiple=True, metavar="ATURAN",
              help=f"Set aturan yang boleh dipakai (boleh berulang; bawaan {DEFAULT_RULES}).")
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Berkas berisi token (bawaan: variabel lingkungan KINERJA_SERVER_TOKEN).")
@click.option("--batas-mb", "batas_mb", default=20.0, show_default=True, type=float,
              help="Ukuran permintaan terbesar (MB); lebih besar dijawab 413.")
@lang_option
@guarded
def server_cmd(host, port, aturan, token_file, batas_mb):
    """Layani tombol Hitung lewat jaringan (xlwings RunRemotePython / add-in Office.js): POST /hitung."""
    import uvicorn

    from .engine.errors import InputError
    from .server import TOKEN_ENV, create_app, load_rule_sets, load_token
    from .workbooks.live import open_payload

    token = load_token(token_file, os.environ)
    if not token or len(token) < 16:
        raise InputError(f"token server belum diatur atau kurang dari 16 karakter: setel {TOKEN_ENV} atau beri "
                         "--token-file.", message_en=f"no server token (or shorter than 16 characters): set "
                         f"{TOKEN_ENV} or give --token-file.", code="S102",
                         hint="mis. python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    open_payload({"version": "0", "book": {"name": "cek.xlsx", "active_sheet_index": 0},
                  "sheets": [{"name": "Sheet1", "values": [[None]]}], "names": []})  # license key present?
    rules = load_rule_sets(list(aturan) or [DEFAULT_RULES])
    app = create_app(token, rules, max_bytes=int(batas_mb * 1024 * 1024))
    click.echo(f"kinerja server di http://{host}:{port}/hitung (aturan: {', '.join(rules)})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
    return Exit.OK


@main.command("batch")
@click.argument("paths", nargs=-1, required=True, metavar="PATH…")
@rules_option
@click.option("--jobs", "-j", "jobs", type=click.IntRange(min=1), default=None,
              help="Jumlah proses paralel (bawaan: semua inti CPU).")
@click.option("--keluaran", "--output", "keluaran", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Tulis buku kerja hasil ke folder ini, bukan menimpa aslinya.")
@click.option("--json", "as_json", is_flag=True,
              help="Satu catatan JSON per buku kerja per baris (lihat kinerja skema).")
@click.option("--ringkasan", "--summary", "ringkasan", type=click.Path(dir_okay=False), default=None,
              metavar="RINGKASAN.xlsx", help="Tulis buku kerja ringkasan: satu baris per buku kerja, sheet temuan.")
@click.option("--klaster", "--cluster", "klaster", default=None, metavar="ALAMAT",
              help="Jalankan di penjadwal Dask distributed ini (mis. tcp://10.0.0.5:8786), bukan di proses lokal.")
@lang_option
@guarded
def batch(paths, aturan, jobs, keluaran, as_json, ringkasan, klaster):
    """Hitung ulang banyak buku kerja sekaligus: berkas, folder, atau pola (glob) PATH….

    Berkas yang rusak, terkunci, hanya-baca, berkata sandi atau bukan .xlsx dilaporkan dan dilewati.
    Keluar dengan 0 bila semua berhasil tanpa temuan, 1 bila ada yang gagal atau bertemuan, 2 untuk kesalahan
    pemakaian.
    """
    from .workbooks import batch as b
    from .workbooks.atomic import check_writable

    if ringkasan:
        if Path(ringkasan).suffix.lower() != ".xlsx":
            raise click.BadParameter("RINGKASAN harus berakhiran .xlsx" if _lang() == "id" else
                                     "SUMMARY must end in .xlsx", param_hint="--ringkasan")
        check_writable(Path(ringkasan).resolve())
    job_list = b.plan(paths, keluaran=keluaran, aturan=aturan)
    if aturan:
        load_rules(aturan)  # a broken --aturan is a usage error for the whole run, before any file is touched
    run = b.Run(job_list, workers=jobs, klaster=klaster)
    view = _BatchView(len(job_list), as_json)
    with view:
        for rec in run.records():
            view.done(rec)
    records = [r for r in run.done if r is not None]
    for rec in records:
        if rec["status"] == "dibatalkan":
            view.done(rec, progress=False)
    if ringkasan:
        from .workbooks.batch_ringkasan import write_summary

        write_summary(records, ringkasan)
    view.summary(records, ringkasan, run.interrupted)
    return Exit.OK if all(r["status"] == "ok" for r in records) else Exit.FINDINGS


class _BatchView:
    """Progress (rich bar on a terminal, plain lines otherwise) on stderr, JSON lines on stdout, summary table."""

    LABEL = {"id": {"ok": "ok", "temuan": "temuan", "gagal": "GAGAL", "dibatalkan": "dibatalkan"},
             "en": {"ok": "ok", "temuan": "findings", "gagal": "FAILED", "dibatalkan": "cancelled"}}

    def __init__(self, total: int, as_json: bool):
        self.total, self.as_json, self.count = total, as_json, 0
        self.tty = sys.stderr.isatty()
        self.progress = None

    def __enter__(self):
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("kinerja batch", total=self.total)
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
        return False

    def done(self, rec, progress: bool = True) -> None:
        if self.as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
        if not progress:
            return
        self.count += 1
        label = self.LABEL[_lang()][rec["status"]]
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=f"{label} {Path(rec['berkas']).name}")
        else:
            click.echo(f"[{self.count}/{self.total}] {label} {rec['berkas']}", err=True)

    def summary(self, records, ringkasan, interrupted: bool) -> None:
        from .workbooks.batch_ringkasan import first_problem

        en = _lang() == "en"
        counts = {s: sum(1 for r in records if r["status"] == s) for s in ("ok", "temuan", "gagal", "dibatalkan")}
        out_err = self.as_json  # the summary must not mix with JSON on stdout
        rows = [(str(i), r["berkas"], self.LABEL[_lang()][r["status"]], str(r["jumlah_temuan"]),
                 str(r["jumlah_masalah_masukan"]), first_problem(r)) for i, r in enumerate(records, 1)]
        head = ("No", "Berkas" if not en else "File", "Status", "Temuan" if not en else "Findings",
                "Masalah" if not en else "Problems", "Galat/temuan pertama" if not en else "First error/finding")
        tty = (sys.stderr if out_err else sys.stdout).isatty()
        if tty:
            from rich.console import Console
            from rich.table import Table

            table = Table(*head)
            for row in rows:
                table.add_row(*row[:5], row[5][:120])
            Console(stderr=out_err).print(table)
        else:
            for row in rows:
                click.echo("  ".join((row[0].rjust(3), row[2].ljust(10), row[3].rjust(3), row[4].rjust(3), row[1],
                                      ("— " + row[5][:200]) if row[5] else "")), err=out_err)
        total = len(records)
        if en:
            line = (f"{total} workbook(s): {counts['ok']} ok, {counts['temuan']} with findings, "
                    f"{counts['gagal']} failed" + (f", {counts['dibatalkan']} cancelled" if counts["dibatalkan"]
                                                   else ""))
        else:
            line = (f"{total} buku kerja: {counts['ok']} ok, {counts['temuan']} dengan temuan, "
                    f"{counts['gagal']} gagal" + (f", {counts['dibatalkan']} dibatalkan" if counts["dibatalkan"]
                                                  else ""))
        if interrupted:
            line += (" — dihentikan (Ctrl-C); buku kerja yang sudah selesai tetap tersimpan utuh" if not en else
                     " — stopped (Ctrl-C); workbooks already done are saved whole")
        if ringkasan:
            line += (f"; ringkasan ditulis ke {ringkasan}" if not en else f"; summary written to {ringkasan}")
        click.echo(line, err=out_err)


@main.command("rekap")
@click.argument("buku_unit", nargs=-1, required=True, metavar="UPT_BUKU…")
@click.option("--aturan", "--rules", "aturan", required=True, metavar="ATURAN",
              help="Set aturan buku kerja Kanwil/divisi; blok `rekap { … }`-nya menentukan cara menggabungkan.")
@click.option("--keluaran", "--output", "keluaran", required=True, type=click.Path(dir_okay=False),
              metavar="BUKU_KANWIL.xlsx", help="Buku kerja Kanwil/divisi (dibuat dari templat bila belum ada).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (hasil hitung + bagian rekap).")
@lang_option
@guarded
def rekap(buku_unit, aturan, keluaran, as_json):
    """Rekap buku kerja unit (UPT/satker: berkas, folder, pola) ke buku kerja Kanwil/divisi.

    Keluar dengan 1 bila ada unit hilang/ganda, nilai unit yang tidak ikut direkap, atau temuan.
    """
    from .workbooks.rekap import rekap_workbooks

    checked = load_rules(aturan)
    if not checked.rules.rekap:
        raise KinerjaError(f"Set aturan {checked.rules.name} tidak punya blok rekap.",
                           message_en=f"The rule set {checked.rules.name} has no rekap block.", code="B135",
                           location=aturan,
                           hint="tambahkan `rekap { masukan = jumlah … }`; lihat docs/bahasa-aturan.md",
                           hint_en="add `rekap { input = jumlah … }`; see docs/bahasa-aturan.md")
    done = rekap_workbooks(list(buku_unit), checked, keluaran, rules_ref=aturan)
    c, out = done.consolidated, done.outcome
    if as_json:
        click.echo(json.dumps(done.json, ensure_ascii=False, indent=2))
    else:
        en = _lang() == "en"
        click.echo(out.summary)
        click.echo("")
        click.echo(("CONSOLIDATION" if en else "REKAP") + f" ({len(c.units)} unit): " + ", ".join(c.units))
        for name, text in c.derivations.items():
            click.echo(f"  · {name}: {text}")
        for t in done.findings:
            click.echo(f"  - {t.kode} [{t.tingkat}] {t.message(_lang())}")
        click.echo((f"Written to {out.path}" if en else f"Ditulis ke {out.path}") + " (Rekap, Audit).")
    return Exit.FINDINGS if (done.findings or out.findings or out.problems) else Exit.OK


@main.command("skema")
@click.argument("jenis", required=False, type=click.Choice(["batch", "hasil"]), default="batch")
@lang_option
@guarded
def skema(jenis):
    """Cetak JSON Schema keluaran: batch (catatan kinerja batch --json, bawaan) atau hasil (kinerja hitung --json)."""
    from .schema import json_schema

    click.echo(json.dumps(json_schema(jenis), ensure_ascii=False, indent=2))
    return Exit.OK


@main.command("pindah")
@click.argument("buku", type=click.Path(dir_okay=False))
@click.option("--aturan", "--rules", "aturan", required=True, metavar="ATURAN",
              help="Set aturan baru: folder, berkas .kin, atau nama bawaan.")
@click.option("--keluaran", "--output", "keluaran", required=True, type=click.Path(dir_okay=False),
              metavar="BARU.xlsx", help="Buku kerja baru (templat aturan baru berisi isian lama).")
@click.option("--timpa", "--overwrite", "timpa", is_flag=True, help="Timpa BARU.xlsx bila sudah ada.")
@lang_option
@guarded
def pindah(buku, aturan, keluaran, timpa):
    """Pindahkan isian BUKU.xlsx ke templat set aturan lain (tahun PK baru); BUKU tidak diubah.

    Masukan yang namanya tetap ikut pindah; masukan yang tidak ada di aturan baru didaftar.
    """
    from .workbooks.migrate import migrate_workbook

    checked = load_rules(aturan)
    done = migrate_workbook(buku, checked, keluaran, rules_ref=aturan, overwrite=timpa)
    fresh = [n for n in done.empty if n not in {p.input for p in done.bad}]
    if _lang() == "id":
        click.echo(f"ditulis ke {done.path}: templat {checked.rules.name}, {len(done.kept)} masukan dipindahkan, "
                   f"{len(done.empty)} masukan baru/kosong.")
        if done.dropped:
            click.echo("masukan lama yang tidak dipakai aturan baru (tidak dipindahkan): " + ", ".join(done.dropped))
        if fresh:
            click.echo("masukan yang perlu diisi (baru, atau kosong di buku lama): " + ", ".join(fresh))
        for p in done.bad:
            click.echo(f"tidak dipindahkan, sel buku lama bermasalah — {p.message}")
        for p in done.check:
            click.echo(f"dipindahkan apa adanya, periksa di buku baru — {p.message}")
        click.echo(f"lalu: kinerja hitung \"{done.path}\"")
    else:
        click.echo(f"written to {done.path}: template {checked.rules.name}, {len(done.kept)} inputs moved, "
                   f"{len(done.empty)} new/empty inputs.")
        if done.dropped:
            click.echo("old inputs the new rules do not use (not moved): " + ", ".join(done.dropped))
        if fresh:
            click.echo("inputs to fill (new, or empty in the old workbook): " + ", ".join(fresh))
        for p in done.bad:
            click.echo(f"not moved, the old workbook's cell is wrong — {p.message_en or p.message}")
        for p in done.check:
            click.echo(f"moved as it is, check it in the new workbook — {p.message_en or p.message}")
        click.echo(f"then: kinerja hitung \"{done.path}\"")
    return Exit.FINDINGS if done.bad else Exit.OK


@main.command("ekspor")
@click.argument("buku", type=click.Path(dir_okay=False))
@click.option("--keluaran", "--output", "keluaran", required=True, type=click.Path(dir_okay=False),
              metavar="DATA.yaml", help="Berkas data YAML yang ditulis (bentuknya: docs/berkas-data.md).")
@click.option("--aturan", "--rules", "aturan", default=None, metavar="ATURAN",
              help="Set aturan (bawaan: yang tercatat di buku kerja).")
@click.option("--timpa", "--overwrite", "timpa", is_flag=True, help="Timpa DATA.yaml bila sudah ada.")
@lang_option
@guarded
def ekspor(buku, keluaran, aturan, timpa):
    """Tulis isian BUKU.xlsx (nilai tunggal dan baris tabel) sebagai berkas data YAML; BUKU tidak diubah.

    Sel dibaca dengan aturan yang sama seperti `kinerja hitung BUKU.xlsx`, sehingga `kinerja hitung --aturan
    ATURAN --data DATA.yaml` memberi angka yang sama. Sel yang tidak terbaca tepat tidak ditebak: tidak ada yang
    ditulis dan setiap sel itu didaftar (keluar dengan 1).
    """
    from .workbooks.ekspor import export_workbook

    done = export_workbook(buku, keluaran, aturan=aturan, overwrite=timpa)
    en = _lang() == "en"
    if done.problems:
        for p in done.problems:
            _say_error((p.message_en or p.message) if en else p.message)
        _say_error(f"{len(done.problems)} cells cannot be read exactly; nothing was written. Fix them in the "
                   "workbook and run again." if en else
                   f"{len(done.problems)} sel tidak terbaca tepat; tidak ada yang ditulis. Perbaiki di buku kerja "
                   "lalu jalankan lagi.")
        return Exit.FINDINGS
    if en:
        click.echo(f"written to {done.path}: {done.values} single inputs and {done.rows} table rows of {buku}.")
        click.echo(f"then: kinerja hitung --aturan {done.rules} --data \"{done.path}\"")
    else:
        click.echo(f"ditulis ke {done.path}: {done.values} masukan tunggal dan {done.rows} baris tabel dari {buku}.")
        click.echo(f"lalu: kinerja hitung --aturan {done.rules} --data \"{done.path}\"")
    return Exit.OK


def _bundled_data() -> tuple[str, ...]:
    """The bundled LKjIP 2024 data (the user's data file as given, plus the report's further printed figures)."""
    from .workbooks.datafile import bundled_data

    return tuple(str(p) for p in bundled_data(DEFAULT_RULES))


@main.command("contoh")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@lang_option
@guarded
def contoh(as_json):
    """Jalankan PK 2024 Kanwil Sumsel pada data LKjIP 2024 bawaan: ringkasan per sasaran dan temuan."""
    checked, result, findings = _evaluate(DEFAULT_RULES, _bundled_data(), True)
    if as_json:
        click.echo(json.dumps(to_json(result, findings), ensure_ascii=False, indent=2))
    else:
        click.echo(summary_text(result, findings, _lang()))
    return Exit.OK


if __name__ == "__main__":  # pragma: no cover
    main()
