"""A table key's text compared as the operator sees it (batasan.key_form) takes printable ASCII at once (tenth speed
round: ≈ 100 keys a workbook went through unicodedata character by character); every text gets the general
reading's answer."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine.batasan import key_form, text_value


def general(v):
    """key_form as it was: every character asked of unicodedata."""
    shown = "".join((" " if unicodedata.category(ch)[0] == "Z" else "") if ch != " " and unicodedata.category(
        ch)[0] in "CZ" else ch for ch in text_value(v))
    return " ".join(shown.split()).casefold()


ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=40)
NEAR = st.text(alphabet=st.sampled_from(list("aZ 09-.\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x7f\x00\xa0\u200b\u3000ßİ")),
               max_size=30)


@settings(max_examples=600)
@given(st.one_of(ASCII, NEAR, st.text(max_size=30)))
def test_the_quick_reading_is_the_general_one(text):
    assert key_form(text) == general(text)


def test_examples():
    assert key_form("  Lapas  Kelas I ") == key_form("LAPAS KELAS I") == "lapas kelas i"
    assert key_form("Oktober\u00a0") == key_form("oktober") and key_form("a\tb") == "ab"
    assert key_form(2024) == 2024
