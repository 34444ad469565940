"""Atomic saves and refusals: an open, read-only or broken workbook is never touched, and a failure in the
middle of a save leaves the original intact and no temporary file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from kinerja.workbooks import atomic
from kinerja.workbooks import errors as E
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.reader import read_inputs
from kinerja.workbooks.writer import CellWrite, write_back

ARGS = dict(cells={"hasil_rb": CellWrite(1)}, owned_sheets={"Hasil": [[CellWrite("x")]]}, meta={"a": "b"})


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".~kinerja-")]


@pytest.mark.parametrize("lock", ["~${name}", "~${short}", ".~lock.{name}#"])
def test_open_workbook_is_refused(operator_xlsx, lock):
    path = operator_xlsx.path
    (path.parent / lock.format(name=path.name, short=path.name[2:])).write_bytes(b"owner")
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as exc:
        write_back(path, **ARGS)
    assert exc.value.code == E.LOCKED and str(path) in exc.value.location
    assert "Tutup buku kerja" in exc.value.hint_id
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_locked_destination_copy_is_refused(operator_xlsx, tmp_path):
    dest = tmp_path / "keluar" / "hasil.xlsx"
    dest.parent.mkdir()
    (dest.parent / "~$hasil.xlsx").write_bytes(b"owner")
    with pytest.raises(WorkbookError) as exc:
        write_back(operator_xlsx.path, out_path=dest, **ARGS)
    assert exc.value.code == E.LOCKED and not dest.exists()


def test_read_only_file_is_refused(operator_xlsx):
    path = operator_xlsx.path
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(WorkbookError) as exc:
            write_back(path, **ARGS)
        assert exc.value.code == E.READ_ONLY
        assert path.read_bytes() == before and leftovers(path.parent) == []
    finally:
        path.chmod(0o644)


def test_read_only_folder_is_refused(operator_xlsx, tmp_path):
    folder = tmp_path / "arsip"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(WorkbookError) as exc:
            write_back(operator_xlsx.path, out_path=folder / "hasil.xlsx", **ARGS)
        assert exc.value.code == E.READ_ONLY and list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_failure_mid_write_leaves_original_and_no_temp(operator_xlsx, monkeypatch, where):
    path = operator_xlsx.path
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, where, boom)
    with pytest.raises(WorkbookError) as exc:
        write_back(path, **ARGS)
    monkeypatch.undo()
    assert exc.value.code == E.WRITE_FAILED and "No space left" in exc.value.message_id
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_interrupt_mid_write_is_not_swallowed(operator_xlsx, monkeypatch):
    path = operator_xlsx.path
    before = path.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_back(path, **ARGS)
    monkeypatch.undo()
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_permissions_are_kept(operator_xlsx):
    path = operator_xlsx.path
    path.chmod(0o640)
    write_back(path, **ARGS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("content,words", [
    (b"bukan zip sama sekali", "xlsx atau .xlsm"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "(.xls) atau dilindungi kata sandi"),
    (b"PK\x03\x04rusak", "xlsx atau .xlsm"),
])
def test_not_a_workbook(tmp_path, content, words):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(content)
    for action in (lambda: write_back(path, **ARGS), lambda: read_inputs(path, [])):
        with pytest.raises(WorkbookError) as exc:
            action()
        assert exc.value.code == E.NOT_A_WORKBOOK and words in exc.value.hint_id
    assert path.read_bytes() == content


def test_zip_without_workbook_part(tmp_path):
    import zipfile

    path = tmp_path / "kosong.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(WorkbookError) as exc:
        read_inputs(path, [])
    assert exc.value.code == E.NOT_A_WORKBOOK


def test_missing_file(tmp_path):
    with pytest.raises(WorkbookError) as exc:
        write_back(tmp_path / "tidak-ada.xlsx", **ARGS)
    assert exc.value.code == E.FILE_NOT_FOUND
    assert exc.value.to_dict()["kode"] == E.FILE_NOT_FOUND
    assert os.listdir(tmp_path) == []
