"""The rule set a workbook records travels with it: a bundled name, or a path relative to the workbook's folder.

Issue 8: a workbook stored the absolute path of its rule folder, so the folder copied to another PC (or another
place on the same PC) no longer recalculated. Here a folder holding a workbook and its rules is built with
``kinerja templat``, moved elsewhere, and recalculated without ``--aturan``; an old workbook that still stores an
absolute path keeps working where the trust model allows it (inside its own folder, docs/batas.md) and is
rewritten to the relative form; a stored path outside the folder stays refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import layout
from kinerja.workbooks.writer import read_meta, write_back
from libreoffice import sheets_as_csv
from test_recalc import RULES

DATA = """
masukan:
  rb_terlaksana: 55
  rb_total: 55
  tidak_overstay: 26943
  total_tahanan: 28699
  penerima_bankum: 700
  pemohon_bankum: 611
tabel:
  ikm_survei:
    - {unit: September, responden: 8, nilai: 2.54}
    - {unit: Oktober, responden: 31, nilai: 3.74}
  satker:
    - {satker: Lapas A, capaian_ro: 98.65, nilai_ikpa: 49.97}
"""


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    assert "Traceback" not in res.output and "galat internal" not in res.output, res.output
    return res.exit_code, res.output


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp/kantor/{aturan/uji.kin, buku.xlsx}``, the template made from the working folder ``tmp`` with an
    absolute ``--aturan`` (what used to be stored as it was given)."""
    folder = tmp_path / "kantor"
    (folder / "aturan").mkdir(parents=True)
    (folder / "aturan" / "uji.kin").write_text(RULES, encoding="utf-8")
    (tmp_path / "data.yaml").write_text(DATA, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = run("templat", "--aturan", str(folder / "aturan"), "--keluaran", "kantor/buku.xlsx",
                    "--isi", "data.yaml")
    assert code == Exit.OK, out
    return folder / "buku.xlsx"


def rb_value(book: Path, *extra: str) -> tuple[int, str]:
    code, out = run("hitung", str(book), "--json", *extra)
    if code == Exit.USAGE:
        return code, out
    rows = json.loads(out[out.index("{"):])["indikator"]
    return code, next(r["realisasi"] for r in rows if r["id"] == "rb")


def test_template_records_the_rules_relative_to_its_folder(office: Path):
    meta = read_meta(office)
    assert meta[layout.META_RULES] == "aturan"
    assert str(office.parent) not in json.dumps(meta)  # no absolute path anywhere in the stored meta


def test_moved_folder_recalculates_without_aturan(office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    version = read_meta(office)[layout.META_VERSION]
    elsewhere = tmp_path / "pc lain" / "D" / "kantor"
    elsewhere.parent.mkdir(parents=True)
    shutil.move(str(office.parent), str(elsewhere))
    assert not office.exists()
    monkeypatch.chdir(elsewhere.parent.parent)  # another working folder too
    book = elsewhere / "buku.xlsx"
    code, rb = rb_value(book)
    assert code in (Exit.OK, Exit.FINDINGS) and rb == 100, rb
    meta = read_meta(book)
    assert meta[layout.META_RULES] == "aturan" and meta[layout.META_VERSION] == version
    # and LibreOffice still opens the recalculated copy
    assert layout.SUMMARY_SHEET in sheets_as_csv(book, tmp_path / "csv")


def test_old_absolute_path_inside_the_folder_still_works_and_becomes_relative(office: Path, tmp_path: Path):
    meta = read_meta(office)
    write_back(office, meta={**meta, layout.META_RULES: str(office.parent / "aturan")})
    assert read_meta(office)[layout.META_RULES] == str(office.parent / "aturan")
    code, rb = rb_value(office)
    assert code in (Exit.OK, Exit.FINDINGS) and rb == 100
    assert read_meta(office)[layout.META_RULES] == "aturan"


def test_stored_path_outside_the_folder_is_refused_and_explicit_rules_are_recorded_relative(office: Path,
                                                                                            tmp_path: Path):
    shared = tmp_path / "bersama" / "aturan-2024"
    shutil.copytree(office.parent / "aturan", shared)
    meta = read_meta(office)
    write_back(office, meta={**meta, layout.META_RULES: str(shared)})
    before = office.read_bytes()
    code, out = rb_value(office)
    assert code == Exit.USAGE and "E214" in out and "--aturan" in out, out
    assert office.read_bytes() == before  # refused: nothing written
    # trusted explicitly: recalculated, and recorded relative to the workbook (never the absolute path)
    code, rb = rb_value(office, "--aturan", str(shared))
    assert code in (Exit.OK, Exit.FINDINGS) and rb == 100
    assert read_meta(office)[layout.META_RULES] == "../bersama/aturan-2024"


def test_copy_into_another_folder_records_the_path_from_there(office: Path, tmp_path: Path):
    copy = office.parent / "arsip" / "2024" / "buku.xlsx"
    copy.parent.mkdir(parents=True)
    code, _ = run("hitung", str(office), "--keluaran", str(copy))
    assert code in (Exit.OK, Exit.FINDINGS)
    assert read_meta(copy)[layout.META_RULES] == "../../aturan"
    assert read_meta(office)[layout.META_RULES] == "aturan"  # the original is untouched


def test_bundled_name_is_recorded_as_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kinerja.engine.loader import bundled_dir

    folder = tmp_path / "kantor"
    folder.mkdir()
    assert layout.recorded_rules("pk2024-sumsel", folder) == "pk2024-sumsel"
    assert layout.recorded_rules(str(bundled_dir() / "pk2024-sumsel"), folder) == "pk2024-sumsel"
    monkeypatch.chdir(folder)
    (folder / "aturan").mkdir()
    (folder / "aturan" / "uji.kin").write_text(RULES, encoding="utf-8")
    assert layout.recorded_rules("aturan/uji.kin", folder) == "aturan/uji.kin"
    assert layout.recorded_rules("./aturan", tmp_path) == "kantor/aturan"


def test_live_button_looks_a_relative_rule_path_up_next_to_the_book(office: Path, tmp_path: Path):
    """The Hitung button reads the rule set from the status cell; Excel's working folder is anywhere, so a
    relative path is looked up next to the open book. The book is a stand-in with xlwings' ``fullname``
    attribute (Excel does not exist on Linux)."""
    from types import SimpleNamespace

    from kinerja.workbooks.live import _near_book

    book = SimpleNamespace(fullname=str(office))
    assert _near_book(book, "aturan") == str(office.parent / "aturan")
    assert _near_book(book, "pk2024-sumsel") == "pk2024-sumsel"  # not next to the book: a bundled name
    assert _near_book(book, str(tmp_path / "x")) == str(tmp_path / "x")  # absolute: as it is
    assert _near_book(SimpleNamespace(), "aturan") == "aturan"  # no path known (a remote book)
