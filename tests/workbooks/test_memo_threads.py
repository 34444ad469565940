"""The adapters' bounded memories used by several threads at once (the server writes workbooks in threads; found
by tests/adversarial/test_memo_stale.py's QA: eight threads raised KeyError / "dictionary changed size during
iteration" within a second): every answer right, nothing raised, the bounds kept (workbooks/bounded.py)."""

import sys
import threading

from kinerja.workbooks import bounded, xmlcheck
from kinerja.workbooks.cellxml import NS
from kinerja.workbooks.xmlfind import _SPECIAL, masked

PAD = " " * 4096  # parts of at least 4 KiB are remembered


def part(i: int) -> str:
    return f'<?xml version="1.0"?><!-- {i} --><worksheet xmlns="{NS}"><sheetData/>{PAD}</worksheet>'


def test_threads_hammering_the_memories_get_right_answers_and_no_error():
    texts = [part(i) for i in range(40)]  # more than any memory keeps: entries are dropped while others read
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for n in range(300):
                text = texts[(k * 7 + n) % len(texts)]
                assert xmlcheck.uniform_prefix(text, NS) == ""
                xmlcheck.check_well_formed(text.encode())
                assert masked(text) == _SPECIAL.sub(lambda m: " " * (m.end() - m.start()), text)
        except BaseException as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switched as often as they can be: the races happen at once
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors[:3]
    assert len(xmlcheck._WELL_FORMED) <= 16 + 8 and len(xmlcheck._PREFIXES) <= 16 + 8


def test_the_two_moves_never_raise():
    memo = {1: "a", 2: "b"}
    bounded.refresh(memo, 1)
    assert list(memo) == [2, 1]
    bounded.refresh(memo, 3)  # dropped meanwhile: nothing
    bounded.evict_oldest(memo)
    assert memo == {1: "a"}
    bounded.evict_oldest({})
    none = {"k": None}  # a memory whose values are None (the well-formed parts)
    bounded.refresh(none, "k")
    assert none == {"k": None}


def test_a_part_larger_than_the_bound_is_never_kept():
    """The memories keyed by a whole part are bounded in entries; a part above bounded.PART_KEPT_MAX is not kept,
    so their bound in entries is a bound in bytes (30 workbooks of 20 MB sheets would otherwise hold ~1 GB)."""
    from kinerja.workbooks import xmltext

    def sheet(n: int) -> str:
        rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, n))
        return f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'

    big, small = sheet(70_000), sheet(200)
    assert len(big) > bounded.PART_KEPT_MAX > len(small) >= 4096
    for text in (big, small):
        xmlcheck.check_well_formed(text.encode())
        xmlcheck.uniform_prefix(text, NS)
        edited = xmltext.edit_sheet_cells(text, {(1, 2): lambda old: '<c r="B1"><v>7</v></c>'})
        assert '<c r="B1"' in edited
    assert big.encode() not in xmlcheck._WELL_FORMED and small.encode() in xmlcheck._WELL_FORMED
    assert (big, NS) not in xmlcheck._PREFIXES and (small, NS) in xmlcheck._PREFIXES
    assert all(len(key[1]) <= bounded.PART_KEPT_MAX for key in xmltext._ROW_INDEX)
    assert any(key[1] == small for key in xmltext._ROW_INDEX)
