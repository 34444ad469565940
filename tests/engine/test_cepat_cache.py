"""Speed caches of the engine (issue 7) never serve a stale answer: the input specs are made once per rule set
object and a changed rule file gives new ones; a row filter ``kolom di [...]`` looks values up in a set and
answers as comparing them one by one would (numbers equal across scales, texts exact)."""

from decimal import Decimal

from kinerja.engine import Inputs, evaluate, input_specs, load_rules

SET = """
masukan a: cacah
{extra}
nilai v "V" = a + 1
"""


def test_specs_follow_an_edited_rule_file(tmp_path):
    p = tmp_path / "a.kin"
    p.write_text(SET.format(extra=""), encoding="utf-8")
    first = load_rules(p)
    names = [s.name for s in input_specs(first)]
    assert names == ["a"]
    handed = input_specs(first)
    handed.append("junk")  # a caller's list is its own
    assert [s.name for s in input_specs(first)] == ["a"]
    p.write_text(SET.format(extra="masukan b: cacah"), encoding="utf-8")
    again = load_rules(p)
    assert again is not first
    assert [s.name for s in input_specs(again)] == ["a", "b"]
    assert [s.name for s in input_specs(first)] == ["a"]  # the old object keeps its own answer


MEMBER = """
tabel t "T" {{
  k: {kind} "K"
  n: cacah "N"
}}
nilai jml "J" = jumlah(t.n untuk k di [{items}])
"""


def _sum(tmp_path, kind, items, rows):
    p = tmp_path / f"m{abs(hash((kind, items)))}.kin"
    p.write_text(MEMBER.format(kind=kind, items=items), encoding="utf-8")
    r = evaluate(load_rules(p), Inputs(tables={"t": rows}))
    return r.values["jml"].value


def test_member_filter_compares_as_equality(tmp_path):
    rows = [{"k": Decimal("1.0"), "n": Decimal(1)}, {"k": Decimal("2"), "n": Decimal(10)},
            {"k": Decimal("3.50"), "n": Decimal(100)}]
    assert _sum(tmp_path, "angka", "1, 3.5", rows) == 101  # 1.0 = 1 and 3.50 = 3.5, as Excel and `=` say
    texts = [{"k": "a", "n": Decimal(1)}, {"k": "A", "n": Decimal(10)}, {"k": "b", "n": Decimal(100)}]
    assert _sum(tmp_path, "teks", '"a", "b"', texts) == 101
