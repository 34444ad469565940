"""``kinerja server``: Hitung for offices that do not install Python on every PC.

Excel sends the workbook as xlwings' remote-interpreter payload (VBA ``RunRemotePython`` or an xlwings Office.js
add-in) to ``POST /hitung``; the server runs :func:`kinerja.workbooks.live.hitung` on a book built from it and
answers with the actions (write these values, show this alert) that xlwings' client applies in Excel.

Security: a token is required (``Authorization: <token>`` or ``Bearer <token>``; read from
``KINERJA_SERVER_TOKEN`` or a file, never from the workbook), loopback by default, the request body is limited
(413 beyond it), malformed payloads get 422 with an Indonesian message, and the rule sets are loaded once at
start and only those may be used (a workbook cannot make the server load a path). Each request gets its own
book on a private xlwings App; nothing mutable is shared between requests.

xlwings' remote engine is licensed PolyForm Noncommercial (which names government institutions) or
commercially; the key is read from ``XLWINGS_LICENSE_KEY``. The local button (``RunPython``) needs no key.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .engine import load_rules
from .engine.checker import CheckedRules
from .engine.errors import InputError
from .workbooks.live import hitung
from .workbooks.remote import RemoteLicenseError, open_payload

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TOKEN_ENV = "KINERJA_SERVER_TOKEN"


# --- request and response models (xlwings' remote-interpreter payload, the fields kinerja relies on) ---------


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class BookInfo(_Open):
    name: str = Field(min_length=1, max_length=255)
    active_sheet_index: int = 0


class SheetData(_Open):
    name: str = Field(min_length=1, max_length=31)
    values: list[list[Any]]
    pictures: list[Any] = Field(default_factory=list)
    tables: list[Any] = Field(default_factory=list)


class NameData(_Open):
    name: str
    sheet_index: int | None = None
    address: str | None = None
    book_scope: bool = True


class Payload(_Open):
    client: str = "Microsoft Excel"
    version: str
    book: BookInfo
    sheets: list[SheetData] = Field(min_length=1)
    names: list[NameData] = Field(default_factory=list)


class Action(_Open):
    func: str
    args: list[Any] = Field(default_factory=list)
    values: Any = None
    sheet_position: int | None = None
    start_row: int | None = None
    start_column: int | None = None
    row_count: int | None = None
    column_count: int | None = None


class Actions(BaseModel):
    actions: list[Action]


def _error(status: int, pesan: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": pesan, "detail_en": message}, status_code=status)


def create_app(token: str, rules: Mapping[str, CheckedRules], *, max_bytes: int = DEFAULT_MAX_BYTES) -> FastAPI:
    """The application. ``token``: the shared secret; ``rules``: rule set name → loaded rules (read-only)."""
    if not token or len(token) < 16:
        raise ValueError("token server minimal 16 karakter")
    rules = dict(rules)
    app = FastAPI(title="kinerja", description="Hitung kinerja dari Excel (xlwings remote)", docs_url=None,
                  redoc_url=None, openapi_url=None)
    secret = token.encode()

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        if given.lower().startswith("bearer "):
            given = given[7:]
        return hmac.compare_digest(given.strip().encode(), secret)

    @app.get("/sehat")
    def sehat() -> dict:
        return {"status": "ok", "aturan": sorted(rules)}

    @app.post("/hitung", response_model=Actions)
    async def hitung_route(request: Request):
        if not authorised(request):
            return _error(401, "token tidak sah: kirim header Authorization dengan token server kinerja.",
                          "invalid token: send the kinerja server token in the Authorization header.")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            return _too_large(max_bytes)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                return _too_large(max_bytes)
        try:
            raw = json.loads(bytes(body))
            payload = Payload.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            where = ""
            if isinstance(exc, ValidationError) and exc.errors():
                first = exc.errors()[0]
                where = " di " + ".".join(str(p) for p in first.get("loc", ())) + f" ({first.get('msg', '')})"
            return _error(422, f"muatan bukan data buku kerja xlwings yang sah{where}. Kirim dari Excel dengan "
                          "RunRemotePython atau add-in xlwings.",
                          f"the payload is not a valid xlwings workbook payload{where}.")
        import anyio

        del payload  # validated; the book is built from the payload exactly as sent
        try:
            actions = await anyio.to_thread.run_sync(_run, raw, rules)
        except RemoteLicenseError as err:
            return _error(503, err.format("id"), err.format("en"))
        return Actions(actions=[Action.model_validate(a) for a in actions])

    return app


def _too_large(limit: int) -> JSONResponse:
    mb = limit / (1024 * 1024)
    return _error(413, f"buku kerja terlalu besar untuk server ini (batas {mb:g} MB). Kurangi isi sheet atau "
                  "minta admin TI menaikkan --batas-mb.", f"the workbook is too large for this server ({mb:g} MB).")


def _run(payload: dict, rules: Mapping[str, CheckedRules]) -> list[dict]:
    """One request: a private book, hitung, its actions. Nothing outlives the call."""
    book = open_payload(payload)
    hitung(book, allowed=rules)
    return book.json()["actions"]


def load_token(token_file: str | None, environ: Mapping[str, str]) -> str | None:
    if token_file:
        with open(token_file, encoding="utf-8") as fh:
            return fh.read().strip()
    return environ.get(TOKEN_ENV) or None


def require_token(token_file: str | None, environ: Mapping[str, str]) -> str:
    """The server's token (``--token-file`` or :data:`TOKEN_ENV`), refused (S102) when unset or shorter than 16."""
    token = load_token(token_file, environ)
    if not token or len(token) < 16:
        raise InputError(f"token server belum diatur atau kurang dari 16 karakter: setel {TOKEN_ENV} atau beri "
                         "--token-file.", message_en=f"no server token (or shorter than 16 characters): set "
                         f"{TOKEN_ENV} or give --token-file.", code="S102",
                         hint="mis. python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    return token


def check_license() -> None:
    """Open a one-cell book through xlwings' remote engine: its license key is present, before serving."""
    open_payload({"version": "0", "book": {"name": "cek.xlsx", "active_sheet_index": 0},
                  "sheets": [{"name": "Sheet1", "values": [[None]]}], "names": []})


def load_rule_sets(names: list[str]) -> dict[str, CheckedRules]:
    return {n: load_rules(n) for n in names}


__all__ = ["Actions", "Payload", "check_license", "create_app", "load_rule_sets", "load_token", "require_token"]
