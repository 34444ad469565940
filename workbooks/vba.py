"""The VBA project behind the Hitung button: xlwings' standalone module plus one macro with a fixed entry point.

xlwings ships ``quickstart_standalone.xlsm``, whose ``xl/vbaProject.bin`` holds the whole xlwings VBA module
(``RunPython`` without the add-in) and a ``Module1`` whose ``SampleCall`` imports a Python module named after
the workbook — which fails for names such as ``contoh-pk2024-sumsel``. kinerja keeps that project and rewrites
only ``Module1``'s source so that its macro calls a fixed entry point::

    Sub Hitung()
    Application.CalculateFull
    RunPython "import kinerja.workbooks.live as l;l.hitung_caller()"
    End Sub

``Application.CalculateFull`` first: the hidden sheet FormatIsian tells Python which input cells show
percentages through ``CELL("format", …)`` formulas, and Excel recalculates those when a cell's value changes but
not when only its format does (nor at all in manual calculation mode). A full recalculation makes them current.

How, without a VBA editor: the project's ``_VBA_PROJECT`` stream has version 0xFFFF, so Excel ignores the
compiled p-code and compiles the *source* (MS-OVBA 2.3.4.1). The source is the compressed container at the
module's ``MODULEOFFSET`` up to the end of its stream; it is replaced in place (same stream size, via
:mod:`olefile`) by a container of exactly that length: MS-OVBA compression with literal tokens only (valid,
just not smaller), the source padded with a comment so that the lengths match. Nothing else in the OLE file
changes. The vbaProject is taken from the xlwings installed here, so the VBA module and the Python package that
``RunPython`` talks to have the same version.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from functools import lru_cache
from pathlib import Path

from .errors import VBA_SOURCE, WorkbookError

MACRO = "Hitung"
ENTRY = "import kinerja.workbooks.live as l;l.hitung_caller()"
MODULE = "Module1"
_CHUNK = 4096


class VbaError(WorkbookError):
    """The xlwings VBA project could not be found or does not have the expected shape (code B141, errors.VBA_SOURCE)."""

    def __init__(self, message: str, message_en: str = ""):
        super().__init__(VBA_SOURCE, "xlwings/quickstart_standalone.xlsm", message, message_en or message,
                         "Pasang paket xlwings (python -m pip install xlwings olefile) lalu ulangi.",
                         "Install xlwings and olefile (python -m pip install xlwings olefile), then retry.")


def xlwings_template() -> Path:
    try:
        import xlwings
    except ImportError as exc:  # pragma: no cover - xlwings is a declared dependency
        raise VbaError("paket xlwings belum terpasang", "the xlwings package is not installed") from exc
    path = Path(os.path.dirname(xlwings.__file__)) / "quickstart_standalone.xlsm"
    if not path.is_file():
        raise VbaError(f"{path} tidak ada: pasang ulang xlwings (python -m pip install --force-reinstall xlwings)")
    return path


def module_source(macro: str = MACRO, entry: str = ENTRY) -> str:
    return (f'Attribute VB_Name = "{MODULE}"\r\nSub {macro}()\r\nApplication.CalculateFull\r\n'
            f'RunPython "{entry}"\r\nEnd Sub\r\n')


@lru_cache(maxsize=4)
def vba_project(macro: str = MACRO, entry: str = ENTRY) -> bytes:
    """``xl/vbaProject.bin`` with xlwings' module and ``Sub <macro>()`` running ``RunPython "<entry>"``."""
    try:
        import olefile
    except ImportError as exc:  # pragma: no cover - olefile is a declared dependency
        raise VbaError("paket olefile belum terpasang", "the olefile package is not installed") from exc
    with zipfile.ZipFile(xlwings_template()) as z:
        data = z.read("xl/vbaProject.bin")
    buf = io.BytesIO(data)
    ole = olefile.OleFileIO(buf, write_mode=True)
    try:
        version = ole.openstream("VBA/_VBA_PROJECT").read()[2:4]
        if version != b"\xff\xff":
            raise VbaError("vbaProject xlwings berisi p-code versi tertentu; kode sumbernya tidak bisa diganti")
        offset = module_offset(decompress(ole.openstream("VBA/dir").read()), MODULE)
        stream = ole.openstream(f"VBA/{MODULE}").read()
        old = decompress(stream[offset:])
        if not old.startswith(f'Attribute VB_Name = "{MODULE}"'.encode()):
            raise VbaError(f"modul {MODULE} di vbaProject xlwings tidak seperti yang diharapkan")
        container = compress_to(module_source(macro, entry).encode("ascii"), len(stream) - offset)
        ole.write_stream(f"VBA/{MODULE}", stream[:offset] + container)
    finally:
        ole.close()
    return buf.getvalue()


# --- MS-OVBA 2.4.1 compression ------------------------------------------------------------------------------


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA compressed container (2.4.1.3.1)."""
    if not data or data[0] != 1:
        raise VbaError("bukan wadah terkompresi MS-OVBA")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        compressed = header & 0x8000
        chunk = data[pos + 2: pos + size]
        pos += size
        start = len(out)
        if not compressed:
            out += chunk[:_CHUNK]
            continue
        i = 0
        while i < len(chunk):
            flags = chunk[i]
            i += 1
            for bit in range(8):
                if i >= len(chunk):
                    break
                if not flags & (1 << bit):
                    out.append(chunk[i])
                    i += 1
                    continue
                token = struct.unpack_from("<H", chunk, i)[0]
                i += 2
                bits = max((len(out) - start - 1).bit_length(), 4)
                length = (token & (0xFFFF >> bits)) + 3
                back = (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-back])
    return bytes(out)


def _chunk(tokens: list[int | tuple[int, int]]) -> bytes:
    """One compressed chunk (2.4.1.3.7) from tokens: a byte value (literal) or (offset, length) (copy)."""
    body = bytearray()
    pos = 0  # decompressed position within the chunk
    for i in range(0, len(tokens), 8):
        group = tokens[i:i + 8]
        flags = 0
        data = bytearray()
        for bit, tok in enumerate(group):
            if isinstance(tok, int):
                data.append(tok)
                pos += 1
                continue
            offset, length = tok
            bits = max((pos - 1).bit_length(), 4)
            data += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
            flags |= 1 << bit
            pos += length
        body.append(flags)
        body += data
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


def compress_to(source: bytes, size: int) -> bytes:
    """A compressed container of exactly ``size`` bytes holding ``source`` followed by padding — a VBA comment
    line (``'`` and spaces), a no-op in the module. One chunk of literal tokens; when no padding length gives
    ``size`` that way (sizes 9k + 4), one copy token (three spaces) inside the comment shifts it by one."""
    if not source:
        raise VbaError("kode makro kosong")
    for pad in range(0, _CHUNK - len(source) + 1):
        n = len(source) + pad
        literal = 3 + n + (n + 7) // 8
        with_copy = 3 + (n - 3) + 2 + (n - 2 + 7) // 8 if pad >= 7 else None
        if literal == size:
            text = source + (b"'" + b" " * (pad - 3) + b"\r\n" if pad >= 3 else b" " * pad)
            return b"\x01" + _chunk(list(text))
        if with_copy == size:
            head = list(source + b"' ")
            tail = list(b" " * (pad - 7) + b"\r\n")
            return b"\x01" + _chunk(head + [(1, 3)] + tail)
        if literal > size and (with_copy is None or with_copy > size) and pad >= 7:
            break
    raise VbaError(f"kode makro ({len(source)} bita) tidak muat di modul {MODULE} vbaProject xlwings ({size} bita)")


def module_offset(dir_stream: bytes, module: str) -> int:
    """MODULEOFFSET of ``module`` in the decompressed ``dir`` stream (MS-OVBA 2.3.4.2.3)."""
    name = module.encode("ascii")
    pos = 0
    found = False
    while pos + 6 <= len(dir_stream):
        rid, size = struct.unpack_from("<HI", dir_stream, pos)
        if rid == 0x0009:  # PROJECTVERSION: its Size field is 4 but 6 bytes follow
            size = 6
        body = dir_stream[pos + 6: pos + 6 + size]
        if rid == 0x0019:  # MODULENAME
            found = body == name
        elif rid == 0x0031 and found:  # MODULEOFFSET
            return struct.unpack("<I", body)[0]
        pos += 6 + size
    raise VbaError(f"modul {module} tidak ditemukan di vbaProject xlwings")


__all__ = ["ENTRY", "MACRO", "VbaError", "compress_to", "decompress", "module_source", "vba_project"]
