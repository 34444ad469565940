"""The CLI's edge: the exit codes (0 ok · 1 findings, input problems or rule check failures · 2 usage, file or
syntax errors) and :func:`guarded`, the one place where errors become messages. Errors go to stderr as messages
(Indonesian; ``--bahasa en`` or ``KINERJA_BAHASA=en`` for English), never as a traceback; a closed pipe ends
quietly; running out of memory is still said.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from functools import wraps

import click

from .engine import KinerjaError, RuleError
from .engine.errors import language
from .workbooks.errors import OUT_OF_MEMORY

SYNTAX_CODES = ("E101", "E102", "E103", "E104", "E105", "E206", "E207", "E212", "E214", "E215", "E216")


class Exit(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


# A little memory set aside at start: freed when the process runs out, so the message can still be written.
_RESERVE = [bytearray(4 * 2**20)]


def say_error(text: str) -> None:
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
            say_error(err.format(language()))
            syntax = any(d.code in SYNTAX_CODES for d in err.diagnostics)
            sys.exit(Exit.USAGE if syntax else Exit.FINDINGS)
        except KinerjaError as err:
            say_error(err.format(language()))
            sys.exit(Exit.USAGE)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            say_error("dibatalkan" if language() == "id" else "cancelled")
            sys.exit(Exit.USAGE)
        except MemoryError:
            _RESERVE.clear()  # the frames that held the data are gone; this frees room to say so
            say_error(f"{OUT_OF_MEMORY} memori tidak cukup untuk masukan ini; tidak ada berkas yang ditulis. "
                       "Perkecil tabel masukan (bagi per satker/bulan) atau jalankan di komputer dengan memori lebih "
                       "besar. Batas yang diketahui: docs/batas.md." if language() == "id" else
                       f"{OUT_OF_MEMORY} not enough memory for this input; no file was written. Split the input "
                       "tables (per unit/month) or run on a machine with more memory. Known limits: docs/batas.md.")
            sys.exit(Exit.USAGE)
        except Exception as exc:  # a bug in kinerja: say so plainly, no traceback unless asked
            if os.environ.get("KINERJA_DEBUG"):
                raise
            what = f"{type(exc).__name__}: {exc}"
            say_error(f"galat internal kinerja ({what}). Laporkan ke pengembang; jalankan ulang dengan "
                       f"KINERJA_DEBUG=1 untuk rinciannya." if language() == "id" else
                       f"internal kinerja error ({what}). Please report it; rerun with KINERJA_DEBUG=1 for details.")
            sys.exit(Exit.USAGE)
        sys.exit(int(code or 0))

    return wrapper
