"""The remote engine's book: an ``xw.Book`` over the JSON payload Excel sends to ``kinerja server``.

Owns how the server obtains a book (:func:`open_payload`) and the one repair of xlwings' remote engine it needs
(:func:`_uncached_reads`); what is done with the book — read, plan, apply — is :mod:`.live`'s, the same for the
button on the operator's PC and for the server.
"""

from __future__ import annotations

from typing import Any

from ..engine import KinerjaError


class RemoteLicenseError(KinerjaError):
    """xlwings' remote engine needs XLWINGS_LICENSE_KEY (``noncommercial`` for government use)."""


def open_payload(payload: dict) -> Any:
    """An ``xw.Book`` over the JSON payload Excel sends (``RunRemotePython`` / Office.js add-in), on a private
    remote-engine App: nothing is shared with other books (xlwings' own ``xw.Book(json=…)`` registers every book
    in a process-wide list and sends alerts to the last one opened). Needs ``XLWINGS_LICENSE_KEY``."""
    import xlwings as xw

    try:
        from xlwings.pro import _xlremote
    except Exception as exc:  # LicenseError, or the PRO part missing
        raise RemoteLicenseError(
            "mesin remote xlwings membutuhkan kunci lisensi: setel XLWINGS_LICENSE_KEY (nilai `noncommercial` "
            "untuk instansi pemerintah, lisensi PolyForm Noncommercial; selain itu lisensi komersial xlwings).",
            message_en="xlwings' remote engine needs a license key: set XLWINGS_LICENSE_KEY (`noncommercial` "
            "under the PolyForm Noncommercial license, else a commercial xlwings key).", code="S101") from exc
    _uncached_reads(_xlremote)
    app = _xlremote.App(apps=None, add_book=False)
    return xw.Book(impl=app.books.open(json=payload))


def _uncached_reads(xlremote: Any) -> None:
    """xlwings' remote engine caches range reads in one process-wide, unbounded ``lru_cache`` keyed by the sheet's
    values, compared with ``==`` — under which TRUE is 1 and FALSE is 0. A book opened after an almost equal one
    was read with the other's cells (an operator's TRUE as the count 1, or a 1 as TRUE), and the server kept every
    payload it ever served. Range reads here are plain slices of the book's own values (kinerja reads each sheet
    once); xlwings' own ``cache_clear`` calls keep working."""
    cached = xlremote.get_range_api
    plain = getattr(cached, "__wrapped__", None)
    if plain is None:  # already replaced, or an xlwings without the cache
        return

    def get_range_api(api_values: Any, arg1: Any, arg2: Any = None) -> Any:
        return plain(api_values, arg1, arg2)

    get_range_api.cache_clear = lambda: None  # type: ignore[attr-defined]
    cached.cache_clear()
    xlremote.get_range_api = get_range_api


__all__ = ["RemoteLicenseError", "open_payload"]
