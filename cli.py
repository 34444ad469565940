"""The ``kinerja`` command. Thin: parses options, calls the engine and the adapters, prints, exits.

Exit codes and the one place errors become messages: :mod:`kinerja.cli_edge` (each command is ``@guarded``).
JSON goes to stdout; the words of each report come from the layer that owns it (views, workbooks, batch).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from . import __version__
from .cli_edge import SYNTAX_CODES, Exit, guarded, say_error
from .engine import check_rules, input_specs, load_rules
from .engine.errors import language, set_language
from .engine.jelaskan import explain_json, explain_text, object_for
from .engine.report import changes_json, check_text, errors_count, summary_text, to_json

DEFAULT_RULES = "pk2024-sumsel"
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
        payload = {"aturan": ref, "diagnosis": [d.to_dict(language()) for d in diags]}
        if perubahan:
            payload["perubahan"] = changes_json(changes)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for d in diags:
            click.echo(d.format(language()), err=True)
    errors = [d for d in diags if d.is_error]
    if errors:
        if not as_json:
            click.echo(errors_count(diags, language()), err=True)
        return Exit.USAGE if any(d.code in SYNTAX_CODES for d in errors) else Exit.FINDINGS
    if not as_json:
        click.echo(check_text(checked.rules, changes if perubahan else None, language()))
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
    from .perencana.uji import outcomes_text, run

    ref = aturan or DEFAULT_RULES
    checked, outcomes = run(ref)
    if as_json:
        click.echo(json.dumps({"aturan": ref, "kasus": [o.to_dict(language()) for o in outcomes]}, ensure_ascii=False,
                              indent=2))
    else:
        click.echo(outcomes_text(checked.rules.name, outcomes, language()))
    return Exit.FINDINGS if any(not o.ok for o in outcomes) else Exit.OK


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
        raise click.UsageError("berikan --data DATA atau BUKU.xlsx, tidak keduanya" if language() == "id" else
                               "give --data DATA or BOOK.xlsx, not both")
    result = compare(aturan_a, aturan_b, list(data), buku)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.text(language()))
    return Exit.OK


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
        raise click.UsageError("berikan BUKU.xlsx atau --data DATA" if language() == "id" else
                               "give BOOK.xlsx or --data DATA")
    from .workbooks.datafile import evaluate_data

    checked, result, findings = evaluate_data(aturan or DEFAULT_RULES, data)
    if as_json:
        click.echo(json.dumps(to_json(result, findings, trace=jejak), ensure_ascii=False, indent=2))
    else:
        click.echo(summary_text(result, findings, language()))
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
    from .workbooks.datafile import evaluate_data

    checked, result, _ = evaluate_data(aturan or DEFAULT_RULES, data or _bundled_data())
    obj = object_for(checked, result, ident)
    click.echo(json.dumps(explain_json(obj), ensure_ascii=False, indent=2) if as_json else explain_text(obj))
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
            say_error(f"{p.code} {p.message if language() == 'id' else (p.message_en or p.message)}")
        return Exit.FINDINGS
    if Path(keluaran).suffix.lower() == ".xlsm":
        from .workbooks.tombol import build_macro_template

        done = build_macro_template(checked, keluaran, rules_ref=ref, overwrite=timpa, inputs=inputs, specs=specs)
    else:
        done = build_template_summary(checked, keluaran, rules_ref=ref, overwrite=timpa, inputs=inputs,
                                      specs=specs)
    click.echo(done.text(checked.rules.name, inputs is not None, language()))
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
    if language() == "id":
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

    from .server import check_license, create_app, load_rule_sets, require_token

    token = require_token(token_file, os.environ)
    check_license()
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
            raise click.BadParameter("RINGKASAN harus berakhiran .xlsx" if language() == "id" else
                                     "SUMMARY must end in .xlsx", param_hint="--ringkasan")
        check_writable(Path(ringkasan).resolve())
    job_list = b.plan(paths, keluaran=keluaran, aturan=aturan, ringkasan=ringkasan,
                      hasil=as_json or bool(ringkasan))  # the results' JSON only where it is shown
    if aturan:
        load_rules(aturan)  # a broken --aturan is a usage error for the whole run, before any file is touched
    run = b.Run(job_list, workers=jobs, klaster=klaster)
    run.start()  # the workers before the progress bar's drawing thread: they can be forked (batch.pool_context)
    from .terminal import BatchView

    view = BatchView(len(job_list), as_json)
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

    done = rekap_workbooks(list(buku_unit), load_rules(aturan), keluaran, rules_ref=aturan)
    out = done.outcome
    click.echo(json.dumps(done.json, ensure_ascii=False, indent=2) if as_json else "\n".join(done.lines(language())))
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
    click.echo("\n".join(done.lines(language())))
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
    for line in done.lines(buku, language()):
        click.echo(line, err=bool(done.problems))
    return Exit.FINDINGS if done.problems else Exit.OK


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
    from .workbooks.datafile import evaluate_data

    checked, result, findings = evaluate_data(DEFAULT_RULES, _bundled_data())
    if as_json:
        click.echo(json.dumps(to_json(result, findings), ensure_ascii=False, indent=2))
    else:
        click.echo(summary_text(result, findings, language()))
    return Exit.OK


if __name__ == "__main__":  # pragma: no cover
    main()
