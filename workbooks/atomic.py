"""Refuse unsafe writes, and make the safe ones atomic.

An operator's workbook is the only copy of a year of their work; kinerja must never leave it half written.
So every write goes to a temporary file in the destination folder (same file system, so ``os.replace`` is an
atomic rename), is fsync'ed, and only then replaces the destination. Before that, the write is refused when:

* the workbook is open in Excel — Excel keeps an owner file ``~$NAME`` next to it (for long names it drops
  the first two characters of NAME, so ``~$`` + NAME[2:] is checked too) — or in LibreOffice
  (``.~lock.NAME#``). Saving under an open Excel would be lost or fail when Excel saves;
* the file or its folder is read-only. As root ``os.access`` always says "writable", so the permission bits
  are checked too: a file without any write bit is treated as read-only, as the operator meant.

A destination reached through a symbolic link is written where the link points (the link stays a link, the
real workbook is updated). The temporary file is removed on every path out of :func:`atomic_write`, including
SIGTERM (turned into an exception while the write is in progress); only SIGKILL can leave one behind, and then
it is a hidden ``.~kinerja-*.tmp`` next to the workbook while the workbook itself is the old or the new version.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import EXISTS, LOCKED, READ_ONLY, WRITE_FAILED, WorkbookError


def lock_files(path: Path) -> list[Path]:
    """Owner/lock files of Excel and LibreOffice that exist next to ``path``."""
    name = path.name
    candidates = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    return [path.parent / c for c in dict.fromkeys(candidates) if (path.parent / c).exists()]


def _read_only(p: Path) -> bool:
    try:
        mode = p.stat().st_mode
    except OSError:
        return True
    return not os.access(p, os.W_OK) or not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def real_target(dest: Path) -> Path:
    """Where a write to ``dest`` must land: the file a symbolic link points to (followed to the end)."""
    return Path(os.path.realpath(dest)) if dest.is_symlink() else dest


def refuse_existing(dest: Path, overwrite: bool) -> None:
    """A new file (template, export, macro copy) never replaces an existing one unless --timpa was given."""
    if dest.exists() and not overwrite:
        raise WorkbookError(EXISTS, str(dest), "berkas sudah ada; kinerja tidak menimpanya.",
                            "the file already exists; kinerja does not overwrite it.",
                            "Pilih nama lain, atau tambahkan --timpa untuk menggantinya.",
                            "Choose another name, or add --overwrite to replace it.")


def check_writable(dest: Path) -> None:
    """Raise :class:`WorkbookError` if ``dest`` must not be written now (see module docstring)."""
    dest = Path(dest)
    locks = lock_files(dest)
    real = real_target(dest)
    if real != dest:
        locks += [p for p in lock_files(real) if p not in locks]
        dest = real
    if locks:
        raise WorkbookError(
            LOCKED, str(dest),
            f"buku kerja sedang dibuka (ada berkas kunci {locks[0].name}); kinerja tidak menulis apa pun.",
            f"the workbook is open (lock file {locks[0].name} exists); kinerja wrote nothing.",
            "Tutup buku kerja di Excel/LibreOffice lalu jalankan lagi. Jika tidak sedang dibuka, hapus berkas "
            f"kunci {locks[0].name} yang tertinggal.",
        )
    if dest.exists() and _read_only(dest):
        raise WorkbookError(
            READ_ONLY, str(dest),
            "berkas hanya-baca; kinerja tidak menulis apa pun.",
            "the file is read-only; kinerja wrote nothing.",
            "Hapus atribut hanya-baca (Properties › Read-only) atau simpan hasil ke berkas lain (--keluaran).",
        )
    folder = dest.parent
    if not folder.is_dir() or _read_only(folder):
        raise WorkbookError(
            READ_ONLY, str(dest),
            f"folder {folder} tidak dapat ditulisi; kinerja tidak menulis apa pun.",
            f"the folder {folder} is not writable; kinerja wrote nothing.",
            "Salin buku kerja ke folder yang dapat ditulisi (mis. Dokumen) lalu jalankan lagi.",
        )


def atomic_write(dest: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(f)`` on a temp file next to ``dest``, fsync, then ``os.replace`` it onto ``dest``.

    On any exception the destination is untouched and the temp file removed. The destination's permission
    bits are kept (a fresh temp file would otherwise be 0600); a new file gets 0644.
    """
    check_writable(dest)
    dest = real_target(Path(dest))
    fd, tmp_name = tempfile.mkstemp(prefix=".~kinerja-", suffix=".tmp", dir=dest.parent)
    tmp = Path(tmp_name)
    previous = _catch_sigterm()
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        mode = stat.S_IMODE(dest.stat().st_mode) if dest.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WorkbookError(
                WRITE_FAILED, str(dest),
                f"gagal menulis berkas ({exc.strerror or exc}); berkas asli tidak berubah.",
                f"writing failed ({exc.strerror or exc}); the original file is unchanged.",
                "Periksa ruang disk dan izin folder, lalu jalankan lagi.",
            ) from exc
        raise
    finally:
        _restore_sigterm(previous)
    _fsync_dir(dest.parent)


class Terminated(SystemExit):
    """SIGTERM arrived during a write: the temporary file is removed, then the process exits (143)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextmanager
def terminated_as_exit() -> Iterator[None]:
    """Within the block SIGTERM raises :class:`Terminated`, so ``finally``/``with`` clean-ups (temporary files
    and folders) run before the process exits."""
    previous = _catch_sigterm()
    try:
        yield
    finally:
        _restore_sigterm(previous)


def _catch_sigterm():
    """Turn SIGTERM into :class:`Terminated` for the duration of a write (main thread only; signal handlers
    cannot be set elsewhere — a worker thread's writer is stopped with its process, whose handler runs)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError):
        return None


def _restore_sigterm(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles, so skip there."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
