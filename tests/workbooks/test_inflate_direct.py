"""A member inflated straight from the file's bytes (opc.OpcPackage._inflate_direct, tenth speed round) is the very
data zipfile gives, and anything unusual or damaged is left to zipfile, so it is reported in zipfile's words as
before: a CRC, size, local header or name that disagrees, a stream cut short or running past its size, encryption,
another method, data past the end of the file."""

import random
import struct
import zipfile
import zlib
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.workbooks.errors import WorkbookError
from kinerja.workbooks.opc import OpcPackage


def zip_of(path, members, method=zipfile.ZIP_DEFLATED, level=None):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=method,
                       compresslevel=level)
    return path


def via_zipfile(pkg, name):
    """What the package read before the direct way: zipfile's, every check of _inflate in place."""
    pkg._inflate_direct = lambda info: None
    try:
        return pkg._inflate(pkg._by_name[name])
    finally:
        del pkg._inflate_direct


def outcome(fn):
    try:
        return ("data", fn())
    except WorkbookError as exc:
        return ("error", exc.code, exc.message_id, exc.message_en, exc.location)


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(str.encode)),
       method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]), level=st.sampled_from([None, 1, 9]),
       name=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/Ünicode naam.xml", "[Content_Types].xml"]))
def test_the_direct_way_gives_zipfiles_data(tmp_path_factory, data, method, level, name):
    path = zip_of(tmp_path_factory.mktemp("z") / "a.zip", {"first.xml": b"<a/>", name: data}, method, level)
    pkg = OpcPackage(path)
    info = pkg._by_name[name]
    assert pkg._inflate_direct(info) == data
    assert pkg.read(name) == data == via_zipfile(OpcPackage(path), name)


def damaged_copies(good: bytes, info: zipfile.ZipInfo):
    """(what, bytes) of the file with one thing wrong in the member ``info``."""
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", good[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    end = start + info.compress_size

    def put(at, new):
        return good[:at] + new + good[at + len(new):]

    yield "a bit flipped in the data", put(start + info.compress_size // 2,
                                           bytes([good[start + info.compress_size // 2] ^ 0x10]))
    yield "the data zeroed", put(start, b"\0" * info.compress_size)
    yield "no local header", put(off, b"XXXX")
    yield "another name in the local header", put(off + 30, b"Y")
    yield "the encrypted flag in the local header", put(off + 6, struct.pack("<H", 1))
    yield "the file cut in the data", good[:start + info.compress_size // 3]
    yield "the file cut in the local header", good[:off + 12]
    yield "stored bytes called deflated", put(off + 8, struct.pack("<H", 0))
    rnd = random.Random(7)
    for i in range(12):
        at = rnd.randrange(start, end)
        yield f"random byte {i}", put(at, bytes([rnd.randrange(256)]))


def central(good: bytes, info: zipfile.ZipInfo, **fields) -> bytes:
    """The file with the central directory entry of ``info`` changed (crc, size, flags, method)."""
    at = good.find(b"PK\x01\x02")
    while good[at + 46:at + 46 + struct.unpack("<H", good[at + 28:at + 30])[0]] != info.filename.encode():
        at = good.find(b"PK\x01\x02", at + 4)
        assert at >= 0
    offsets = {"flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<I"), "size": (24, "<I")}
    out = bytearray(good)
    for field, value in fields.items():
        pos, fmt = offsets[field]
        out[at + pos:at + pos + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return bytes(out)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_damaged_member_is_left_to_zipfile_and_reported_as_before(tmp_path, method):
    body = b"<sheetData>" + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7)
                                     for i in range(1, 400)) + b"</sheetData>"
    path = zip_of(tmp_path / "good.zip", {"a.xml": b"<a/>", "xl/s.xml": body}, method)
    good = path.read_bytes()
    info = OpcPackage(path)._by_name["xl/s.xml"]
    cases = list(damaged_copies(good, info)) + [
        ("a wrong CRC", central(good, info, crc=(info.CRC + 1) & 0xFFFFFFFF)),
        ("a larger size", central(good, info, size=info.file_size + 1)),
        ("a smaller size", central(good, info, size=info.file_size - 1)),
        ("encrypted in the directory", central(good, info, flags=1)),
        ("strong encryption", central(good, info, flags=0x40)),
        ("patched data", central(good, info, flags=0x20)),
        ("another method", central(good, info, method=12)),
    ]
    seen_errors = 0
    for what, damaged in cases:
        bad = tmp_path / "bad.zip"
        bad.write_bytes(damaged)
        try:
            pkg = OpcPackage(bad)
        except WorkbookError:
            continue  # the directory itself refused: no member is read either way
        got = outcome(partial(pkg.read, "xl/s.xml"))
        before = outcome(partial(via_zipfile, OpcPackage(bad), "xl/s.xml"))
        assert got == before, what
        if got[0] == "data":
            assert got[1] == body, what  # only a change zipfile does not see (e.g. the unused local flags)
        else:
            seen_errors += 1
    assert seen_errors >= 10


def test_a_stream_running_past_its_declared_size_is_left_to_zipfile(tmp_path):
    data = b"x" * 5000
    path = zip_of(tmp_path / "a.zip", {"m.xml": data})
    good = path.read_bytes()
    info = OpcPackage(path)._by_name["m.xml"]
    short = central(good, info, size=4000, crc=zlib.crc32(data[:4000]))  # zipfile stops at 4000, CRC of those
    (tmp_path / "b.zip").write_bytes(short)
    pkg = OpcPackage(tmp_path / "b.zip")
    assert pkg._inflate_direct(pkg._by_name["m.xml"]) is None
    assert outcome(lambda: pkg.read("m.xml")) == outcome(lambda: via_zipfile(OpcPackage(tmp_path / "b.zip"),
                                                                             "m.xml"))
