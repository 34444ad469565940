"""`kinerja batch`: many workbooks in parallel processes (and on a Dask LocalCluster), with bad files in the pile.

Real files: 27 PK 2024 unit workbooks filled with varied data (9 distinct data sets) plus a corrupt, a locked
and a read-only one. The good ones must come out exactly as a single `kinerja hitung` of each; the bad ones
are named with their reason, untouched; every `--json` record validates against `kinerja skema`; the summary
workbook opens in LibreOffice; Ctrl-C (SIGINT to the process) leaves no half-written file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import load_rules
from kinerja.workbooks import batch as b
from kinerja.workbooks.variasi import build_varied
from libreoffice import convert, pdf_pages, sheets_as_csv

GOOD = 27
DISTINCT = 5  # data sets; the other workbooks are copies (building a filled workbook is the slow part)
BAD = {"rusak.xlsx": "B102", "terkunci.xlsx": "B111", "hanya-baca.xlsx": "B112"}


@pytest.fixture(scope="module")
def pile_source(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tumpukan-asli")
    build_varied(d, GOOD, seed=11, distinct=DISTINCT)
    return d


def make_pile(src: Path, dest: Path) -> Path:
    """27 good workbooks, one corrupt (a truncated workbook), one locked (Excel's owner file next to it), one
    read-only; returns the folder."""
    shutil.copytree(src, dest)
    good = sorted(dest.glob("upt*.xlsx"))
    data = good[0].read_bytes()
    (dest / "rusak.xlsx").write_bytes(data[: len(data) // 2])
    shutil.copyfile(good[1], dest / "terkunci.xlsx")
    (dest / "~$terkunci.xlsx").write_bytes(b"\0" * 165)
    ro = dest / "hanya-baca.xlsx"
    shutil.copyfile(good[2], ro)
    ro.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return dest


def cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kinerja.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def records_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def hitung_json(path: Path) -> dict:
    """What a single `kinerja hitung BUKU --json` gives for this workbook."""
    res = CliRunner().invoke(main, ["hitung", str(path), "--json"])
    assert res.exit_code in (Exit.OK, Exit.FINDINGS), res.output
    return json.loads(res.stdout)


def comparable(hasil: dict) -> dict:
    return {k: v for k, v in hasil.items() if k != "buku_kerja"}


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's values, without the time of the run (the only thing that differs between two runs)."""
    wb = openpyxl.load_workbook(path, data_only=False)
    out = {}
    for ws in wb.worksheets:
        rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
        if ws.title in ("Audit", "Temuan") and rows:  # their header line carries the time of the run
            rows = [r for r in rows if not (r and isinstance(r[0], str)
                                            and (" · dihitung " in r[0] or r[0].startswith("Hitung ")))]
        out[ws.title] = rows
    return out


@pytest.fixture(scope="module")
def batch_run(pile_source, tmp_path_factory):
    """One `kinerja batch --jobs 2 --json --ringkasan` over the 30 workbooks, plus pristine copies of them."""
    work = tmp_path_factory.mktemp("batch")
    pile = make_pile(pile_source, work / "tumpukan")
    pristine = work / "asli"
    pristine.mkdir()
    for p in pile.iterdir():
        shutil.copyfile(p, pristine / p.name)
    ring = work / "ringkasan.xlsx"
    proc = cli("batch", str(pile), "--jobs", "2", "--json", "--ringkasan", str(ring))
    return pile, pristine, ring, proc


def test_thirty_workbooks_bad_three_named_good_ones_as_hitung(batch_run):
    pile, pristine, ring, proc = batch_run
    assert proc.returncode == Exit.FINDINGS, proc.stderr
    recs = records_of(proc.stdout)
    assert len(recs) == 30
    by_name = {Path(r["berkas"]).name: r for r in recs}
    for name, code in BAD.items():
        r = by_name[name]
        assert r["status"] == "gagal" and r["galat"]["kode"] == code and r["hasil"] is None, r
        assert name in proc.stdout and code in proc.stderr  # summary names the file and its reason
        assert (pile / name).read_bytes() == (pristine / name).read_bytes()  # nothing written
    good = [r for r in recs if Path(r["berkas"]).name not in BAD]
    assert len(good) == GOOD and all(r["status"] in ("ok", "temuan") and r["galat"] is None for r in good)
    # the good ones: exactly what a single `kinerja hitung` of the original file gives (a copy of the same data
    # must give the same as its original)
    single = {}
    for r in sorted(good, key=lambda r: r["berkas"]):
        name = Path(r["berkas"]).name
        data = (pristine / name).read_bytes()
        if data not in single:
            single[data] = comparable(hitung_json(pristine / name))
        assert r["keluaran"] == r["berkas"]
        assert {**comparable(r["hasil"]), "sumber_data": None} == {**single[data], "sumber_data": None}, name
        assert r["hasil"]["sumber_data"] == name
        assert r["jumlah_temuan"] == len(r["hasil"]["temuan"])
    # varied data: the distinct data sets give different results
    assert len(single) == DISTINCT and len({json.dumps(r["hasil"]["indikator"]) for r in good}) == DISTINCT
    # and the files written are the same as hitung writes (a few compared cell by cell)
    for name in ("upt01.xlsx", "upt03.xlsx", "upt05.xlsx"):  # recalculated by hitung_json above
        assert sheet_values(pile / name) == sheet_values(pristine / name)
    assert not list(pile.glob(".~kinerja-*"))


def test_every_record_validates_against_kinerja_skema(batch_run):
    _, _, _, proc = batch_run
    schema = json.loads(cli("skema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    recs = records_of(proc.stdout)
    for r in recs:
        validator.validate(r)
    # the schema has teeth: a record without status, or with an unknown status, is rejected
    broken = dict(recs[0])
    broken.pop("status")
    assert not validator.is_valid(broken)
    assert not validator.is_valid({**recs[0], "status": "entah"})
    bad_number = json.loads(json.dumps(next(r for r in recs if r["hasil"])))
    bad_number["hasil"]["indikator"][0]["capaian"] = "seratus"
    assert not validator.is_valid(bad_number)


def test_hitung_json_validates_against_skema_hasil(tmp_path):
    schema = json.loads(cli("skema", "hasil").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    res = CliRunner().invoke(main, ["contoh", "--json"])
    jsonschema.validate(json.loads(res.stdout), schema)


def test_summary_workbook_opens_in_libreoffice(batch_run, tmp_path):
    _, _, ring, proc = batch_run
    recs = {r["berkas"]: r for r in records_of(proc.stdout)}
    folder = Path(os.path.commonpath([Path(k).parent for k in recs]))  # said once, in the file column's heading
    recs = {Path(k).relative_to(folder).as_posix(): r for k, r in recs.items()}
    sheets = sheets_as_csv(ring, tmp_path)
    rows = sheets["Ringkasan"]
    head = rows[0]
    assert str(folder) in head[0] and str(folder) in sheets["Temuan"][0][0]
    assert len(rows) == 31 and {row[0] for row in rows[1:]} == set(recs)
    col = head.index("setjen_rb_kanwil · realisasi")
    for row in rows[1:]:
        r = recs[row[0]]
        assert row[1] == r["status"]
        if r["hasil"]:
            want = next(i for i in r["hasil"]["indikator"] if i["id"] == "setjen_rb_kanwil")["realisasi"]
            assert float(row[col]) == pytest.approx(want, abs=1e-9)
        else:
            assert row[col] == "" and r["galat"]["kode"] in row[head.index("Galat / temuan pertama")]
    findings = sheets["Temuan"]
    n_findings = sum(len(r["hasil"]["temuan"]) for r in recs.values() if r["hasil"])
    assert len(findings) == 1 + n_findings + len(BAD)
    assert {f[0] for f in findings[1:]} == set(recs)


def test_summary_workbook_prints_readable_with_its_headings_on_every_page(batch_run, tmp_path):
    """A Kanwil planner prints the summary: A4 landscape; the wide Ringkasan at full size over several pages across
    with the header row and the file column on every page (not one unreadable page, not pages of numbers
    without their file or indicator); the findings one page wide with the message column wrapped; numbers that
    fit their columns (no ``###``)."""
    _, _, ring, proc = batch_run
    wb = openpyxl.load_workbook(ring)
    for sheet in wb:
        assert sheet.print_title_rows == "$1:$1" and sheet.auto_filter.ref, sheet.title
    assert wb["Ringkasan"].print_title_cols == "$A:$A"
    assert wb["Temuan"]["G2"].alignment.wrap_text
    pages = pdf_pages(convert(ring, "pdf", tmp_path / "pdf")[0])
    names = {Path(r["berkas"]).name for r in records_of(proc.stdout)}
    summary = [t for t, _, _ in pages if "Ringkasan —" in t]
    assert len(summary) > 1 and len(pages) > len(summary)
    for i, (text, width, height) in enumerate(pages, start=1):
        assert width > height, f"page {i} is not landscape"
        assert "Berkas" in text and "###" not in text, f"page {i}:\n{text}"
    for text in summary:  # every page of the wide sheet names the files its numbers belong to
        assert any(n in text for n in names), text
    printed = " ".join(" ".join(summary).split())
    assert "setjen_rb_kanw" in printed and all(n in printed for n in names)


def test_dask_local_cluster_gives_the_same_records(batch_run, pile_source, tmp_path):
    from distributed import LocalCluster

    _, _, _, proc = batch_run
    local = {Path(r["berkas"]).name: r for r in records_of(proc.stdout)}
    pile = make_pile(pile_source, tmp_path / "tumpukan")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        res = cli("batch", str(pile), "--klaster", cluster.scheduler_address, "--json")
    assert res.returncode == Exit.FINDINGS, res.stderr
    remote = {Path(r["berkas"]).name: r for r in records_of(res.stdout)}
    assert set(remote) == set(local)
    for name, r in remote.items():
        assert r["status"] == local[name]["status"], name
        assert (r["galat"] or {}).get("kode") == (local[name]["galat"] or {}).get("kode")
        if r["hasil"]:
            assert comparable(r["hasil"]) == comparable(local[name]["hasil"]), name


def _first_line(stream) -> str:
    """One line read from the pipe's descriptor byte by byte. ``readline()`` on the text wrapper may buffer the
    next progress lines too, and ``communicate()`` reads the descriptor itself, so those lines were lost and the
    test miscounted the workbooks done (seen under load: "[2/27]" missing, 8 changed and 7 counted)."""
    line = b""
    while not line.endswith(b"\n"):
        ch = os.read(stream.fileno(), 1)
        if not ch:
            break
        line += ch
    return line.decode()


def test_ctrl_c_stops_cleanly(pile_source, tmp_path):
    pile = tmp_path / "tumpukan"
    shutil.copytree(pile_source, pile)
    before = {p.name: p.read_bytes() for p in pile.glob("*.xlsx")}
    proc = subprocess.Popen([sys.executable, "-m", "kinerja.cli", "batch", str(pile), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = _first_line(proc.stderr)  # "[1/27] temuan …": the first workbook is done
    assert first.startswith("[1/"), first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    err = first + err
    assert proc.returncode == Exit.FINDINGS, err
    assert "dibatalkan" in out and "Traceback" not in err + out
    changed = 0
    for p in sorted(pile.glob("*.xlsx")):
        data = p.read_bytes()
        if data == before[p.name]:
            continue
        changed += 1
        with zipfile.ZipFile(p) as z:  # whole: a valid workbook with its Audit
            assert z.testzip() is None
        assert "Audit" in openpyxl.load_workbook(p, read_only=True).sheetnames
    done = sum(1 for line in err.splitlines() if re.match(r"\[\d+/\d+\] (ok|temuan) ", line))
    assert 1 <= changed < GOOD and changed == done
    assert not list(pile.glob(".~kinerja-*"))


def test_usage_errors_exit_2(tmp_path, pile_source):
    assert cli("batch", str(tmp_path / "tidak-ada")).returncode == Exit.USAGE
    a, c = tmp_path / "a", tmp_path / "c"
    a.mkdir(), c.mkdir()
    shutil.copyfile(pile_source / "upt01.xlsx", a / "sama.xlsx")
    shutil.copyfile(pile_source / "upt02.xlsx", c / "sama.xlsx")
    res = cli("batch", str(a), str(c), "--keluaran", str(tmp_path / "out"))
    assert res.returncode == Exit.USAGE and "B133" in res.stderr
    res = cli("batch", str(a), "--ringkasan", str(tmp_path / "r.csv"))
    assert res.returncode == Exit.USAGE
    res = cli("batch", str(a), "--klaster", "tcp://127.0.0.1:1")  # nothing listens there
    assert res.returncode == Exit.USAGE and "B134" in res.stderr and "Traceback" not in res.stderr
    assert (a / "sama.xlsx").read_bytes() == (pile_source / "upt01.xlsx").read_bytes()


def test_password_protected_and_non_xlsx_reported(tmp_path, pile_source):
    enc = tmp_path / "bersandi.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)  # an encrypted workbook is an OLE file
    txt = tmp_path / "catatan.txt"
    txt.write_text("bukan buku kerja")
    good = tmp_path / "upt.xlsx"
    shutil.copyfile(pile_source / "upt01.xlsx", good)
    out = tmp_path / "hasil"
    recs = b.run(b.plan([str(enc), str(txt), str(good)], keluaran=out), workers=1)
    assert [r["status"] for r in recs] == ["gagal", "gagal", "temuan"]
    assert recs[0]["galat"]["kode"] == "B102" and "kata sandi" in recs[0]["galat"]["saran"]
    assert recs[1]["galat"]["kode"] == "B102"
    assert sorted(p.name for p in out.iterdir()) == ["upt.xlsx"]  # only the good one was written
    assert good.read_bytes() == (pile_source / "upt01.xlsx").read_bytes()  # --keluaran: original untouched


def test_rules_loaded_once_per_rule_set(tmp_path, pile_source):
    """Three PK 2024 workbooks and one made for another rule set: two loads in all, each with its own rules."""
    rules = tmp_path / "aturan-lain"
    rules.mkdir()
    (rules / "a.kin").write_text(
        'aturan lain "Aturan lain"\ntarget { rb = 100 }\n'
        'eselon adm "Sekretariat" {\n  masukan rb_a: cacah\n  masukan rb_b: cacah\n'
        '  sasaran s1 "S" { indikator rb "RB" { satuan persen  realisasi = rasio rb_a / rb_b } }\n}\n',
        encoding="utf-8")
    other = tmp_path / "lain.xlsx"
    res = CliRunner().invoke(main, ["templat", "--aturan", str(rules), "--keluaran", str(other)])
    assert res.exit_code == 0, res.output
    files = []
    for i in range(3):
        files.append(tmp_path / f"u{i}.xlsx")
        shutil.copyfile(pile_source / f"upt0{i + 1}.xlsx", files[-1])
    cache = b.RuleCache()
    jobs = b.plan([str(f) for f in [*files, other]])
    run = b.Run(jobs, workers=1, cache=cache)
    recs = list(run.records())
    assert cache.loads == 2
    other_name = load_rules(str(rules)).rules.name
    assert other_name != "pk2024-sumsel"
    assert [r["hasil"]["aturan"]["nama"] for r in recs] == ["pk2024-sumsel"] * 3 + [other_name]
    # a bundled name and its path are one rule set: no further load
    assert cache.get(str(b.resolve("pk2024-sumsel"))) is cache.get("pk2024-sumsel") and cache.loads == 2


def full_and_lean(tmp_path: Path, pile_source: Path) -> tuple[list[Path], list[dict], list[dict]]:
    """Three unit workbooks recalculated twice, into penuh/ with the result's JSON and into ringan/ without."""
    files = []
    for i in range(3):
        files.append(tmp_path / f"u{i}.xlsx")
        shutil.copyfile(pile_source / f"upt0{i + 1}.xlsx", files[-1])
    full = b.run(b.plan([str(f) for f in files], keluaran=tmp_path / "penuh"), workers=1)
    lean = b.run(b.plan([str(f) for f in files], keluaran=tmp_path / "ringan", hasil=False), workers=1)
    return files, full, lean


def test_records_without_json_leave_the_result_out_and_count_the_same(tmp_path, pile_source):
    """`kinerja batch` without --json or --ringkasan shows no result: its records leave "hasil" out (the worker
    builds no JSON and sends none to the coordinator), with the same status and counts as the full records."""
    files, full, lean = full_and_lean(tmp_path, pile_source)
    assert all(r["hasil"] for r in full) and all(r["hasil"] is None for r in lean)
    counts = ("status", "jumlah_temuan", "jumlah_masalah_masukan", "galat")
    assert [[r[k] for k in counts] for r in lean] == [[r[k] for k in counts] for r in full]
    assert any(r["jumlah_temuan"] for r in lean)  # the counts are real, not zeros of a record left empty
    for f in files:  # the workbooks written are the same
        assert sheet_values(tmp_path / "ringan" / f.name) == sheet_values(tmp_path / "penuh" / f.name)


def test_summary_table_names_the_first_finding_without_json(tmp_path, pile_source):
    """The table `kinerja batch` prints ends each row with the first error, input problem or finding. Records
    without the result's JSON (no --json, no --ringkasan) carry that line themselves ("pertama"): the column was
    empty for every workbook with findings once the worker stopped sending the JSON (found by
    benchmarks/serangan.py, case result_out_of_range_in_batch)."""
    from kinerja.workbooks.batch_ringkasan import first_problem, summary_rows
    files, full, lean = full_and_lean(tmp_path, pile_source)
    with_findings = [r for r in full if r["jumlah_temuan"]]
    assert with_findings
    for r in with_findings:  # the first finding of the JSON, as the summary shows it
        t = r["hasil"]["temuan"][0]
        assert first_problem(r) == f"{t['kode']} {t['objek']}: {t['pesan']}"
    assert [first_problem(r) for r in lean] == [first_problem(r) for r in full]
    assert [row[-1] for row in summary_rows(lean, "id")] == [row[-1] for row in summary_rows(full, "id")]


def test_rule_set_named_by_a_workbook_outside_its_folder_is_refused(tmp_path, pile_source):
    """The trust model of kinerja hitung holds in a batch: a workbook cannot make the run load rules from
    elsewhere (E214), and the coordinator does not load them either."""
    from kinerja.workbooks.writer import read_meta, write_back

    elsewhere = tmp_path / "lain" / "aturan"
    elsewhere.mkdir(parents=True)
    shutil.copyfile(b.resolve("pk2024-sumsel") / "10-setjen.kin", elsewhere / "a.kin")
    folder = tmp_path / "kiriman"
    folder.mkdir()
    wb = folder / "upt.xlsx"
    shutil.copyfile(pile_source / "upt01.xlsx", wb)
    meta = read_meta(wb)
    write_back(wb, meta={**meta, "aturan": str(elsewhere)})
    cache = b.RuleCache()
    recs = b.run(b.plan([str(wb)]), workers=1, cache=cache)
    assert recs[0]["status"] == "gagal" and recs[0]["galat"]["kode"] == "E214"
    assert cache.loads == 0


def test_the_summary_in_the_folder_is_not_recalculated_the_next_time(pile_source, tmp_path):
    """Found by running it twice: `kinerja batch kanwil/ --ringkasan kanwil/ringkasan.xlsx` took last run's
    summary for a unit workbook (B120, status gagal, exit 1 for a clean pile). The run's own summary is an output,
    never an input — the same rule as `kinerja rekap`'s Kanwil workbook."""
    folder = tmp_path / "kanwil"
    folder.mkdir()
    for src in sorted(pile_source.glob("upt*.xlsx"))[:2]:
        shutil.copyfile(src, folder / src.name)
    summary = folder / "ringkasan.xlsx"
    first = cli("batch", str(folder), "--jobs", "1", "--json", "--ringkasan", str(summary))
    again = cli("batch", str(folder), "--jobs", "1", "--json", "--ringkasan", str(summary))
    assert summary.exists()
    for res in (first, again):
        recs = records_of(res.stdout)
        assert sorted(Path(r["berkas"]).name for r in recs) == ["upt01.xlsx", "upt02.xlsx"], res.stdout
        assert all(r["status"] != "gagal" for r in recs), res.stdout
    assert again.returncode == first.returncode
    out = folder / "hasil"  # likewise the --keluaran folder of the last run (was B133: two upt01.xlsx)
    for _ in range(2):
        res = cli("batch", str(folder), "--jobs", "1", "--json", "--keluaran", str(out))
        recs = records_of(res.stdout)
        assert sorted(Path(r["berkas"]).name for r in recs) == ["upt01.xlsx", "upt02.xlsx"], res.stdout + res.stderr
        assert all(Path(r["berkas"]).parent == folder for r in recs), res.stdout


@pytest.fixture
def another_thread():
    """A thread alive in the process (as in a server, or while a progress bar draws)."""
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    yield
    stop.set()
    t.join()


def test_workers_are_forked_only_from_a_process_without_other_threads(another_thread, pile_source, tmp_path):
    """batch.pool_context: fork copies the parent (kinerja imported, rules loaded) — but a lock another thread
    holds would be copied locked, so with another thread alive the fork server starts the workers instead. Both
    give what one worker gives."""
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - Windows
        return
    assert b.pool_context().get_start_method() == "forkserver"  # the thread of the fixture is alive
    files = sorted(str(p) for p in pile_source.iterdir())[:4]
    one = b.run(b.plan(files, keluaran=tmp_path / "satu"), workers=1)
    run = b.Run(b.plan(files, keluaran=tmp_path / "dua"), workers=2)
    run.start()
    assert run.context.get_start_method() == "forkserver"
    list(run.records())
    assert [comparable(r["hasil"]) for r in run.done] == [comparable(r["hasil"]) for r in one]


def test_a_process_without_other_threads_forks_its_workers(pile_source, tmp_path):
    import multiprocessing as mp
    import threading

    if "fork" not in mp.get_all_start_methods():  # pragma: no cover - Windows: spawn (tested by the CLI runs)
        assert b.pool_context().get_start_method() in ("spawn", "forkserver")
        return
    if threading.active_count() > 1:  # pragma: no cover - a plugin left a thread: the rule above applies
        assert b.pool_context().get_start_method() == "forkserver"
        return
    files = sorted(str(p) for p in pile_source.iterdir())[:4]
    run = b.Run(b.plan(files, keluaran=tmp_path / "dua"), workers=2)
    assert run.context.get_start_method() == "fork"
    one = b.run(b.plan(files, keluaran=tmp_path / "satu"), workers=1)
    list(run.records())
    assert [comparable(r["hasil"]) for r in run.done] == [comparable(r["hasil"]) for r in one]
