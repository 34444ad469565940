"""The core form: one meaning per rule, read by the evaluator, the Excel translator, the views and the findings."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from kinerja.engine import core as c
from kinerja.engine.excel import ExcelTranslator
from kinerja.engine.findings import find
from kinerja.engine.lower import lower

from .util import D, run

TURUN = """
target { i = 10 }
masukan a: cacah
masukan b: cacah
sasaran s "S" {
  indikator i "Tahanan kabur" { satuan persen arah turun realisasi = rasio a / b }
}
"""


def test_findings_explain_lower_is_better_capaian(tmp_path):
    """A printed capaian computed from a realisasi printed elsewhere: for `arah turun` the explanation uses
    (2 × target − realisasi) / target × 100 — the copy in findings used to divide, ignoring the direction."""
    r = run(tmp_path, TURUN, dict(a=8, b=100))
    assert (r.indicators["i"].value, r.indicators["i"].capaian) == (D("8.00"), D("120.00"))
    reported = {"indikator": {"i": {"realisasi": [{"nilai": 9, "sumber": "Tabel 7"}],
                                    "capaian": [{"nilai": 110, "sumber": "Tabel 8"}]}}}
    cap = [t for t in find(r, reported) if t.objek == "i" and t.kode == "T101" and "capaian" in t.pesan]
    assert len(cap) == 1, [t.pesan for t in find(r, reported)]
    assert "110 = (2 × 10 − 9) / 10 × 100: dihitung dari realisasi 9 (dicetak di Tabel 7)" in cap[0].pesan


INHERIT = """
pengaturan { nol_per_nol = 0  bulat_indeks = 3 }
target { induk = 3.6 }
masukan a: cacah
masukan b: cacah
indeks induk "Induk" skala 4 {
  nol_per_nol 100
  bulat 1 potong
  indeks anak "Anak" bobot 100% {
    indikator x "X" = rasio a / b terbalik
  }
}
"""


def test_lowering_resolves_inheritance_once(tmp_path):
    """Scale, 0/0 rule, rounding and target of a sub-index come from its parent (not from the settings)."""
    from kinerja.engine import load_rules

    p = tmp_path / "a.kin"
    p.write_text(INHERIT, encoding="utf-8")
    core = lower(load_rules(p))
    anak = core.indices["induk.anak"]
    assert (anak.scale, anak.target, anak.rounding) == (Decimal(4), Decimal("3.6"), c.Rounding(1, "potong"))
    ratio = anak.expr.dimensions[0].components[0].expr
    assert isinstance(ratio, c.Ratio) and ratio.inverted and ratio.zero == Decimal(100)
    assert anak.capaian.direction == "naik" and anak.capaian.target == Decimal("3.6")
    # 0/0 inside the index is scored 100 by the parent's rule and not inverted; 1/4 lost enters as 75
    r = run(tmp_path, INHERIT, dict(a=0, b=0))
    assert r.indices["induk.anak"].value == Decimal("4.0")
    r = run(tmp_path, INHERIT, dict(a=1, b=4))
    assert r.indices["induk.anak"].value == Decimal("3.0")


def test_excel_capaian_follows_direction_for_indicators_and_indices(tmp_path):
    from kinerja.engine import load_rules

    p = tmp_path / "a.kin"
    p.write_text(TURUN, encoding="utf-8")
    tr = ExcelTranslator(load_rules(p), lambda name: None)
    assert tr.capaian("i", "Audit!$E$2") == "ROUND((2*10-Audit!$E$2)/10*100,2)"
    p.write_text(INHERIT, encoding="utf-8")
    tr = ExcelTranslator(load_rules(p), lambda name: {"a": "a", "b": "b"}.get(name))
    assert tr.capaian("induk.anak", "Audit!$E$3") == "ROUND(Audit!$E$3/3.6*100,2)"
    assert tr.index("induk.anak") == "TRUNC((IF(AND(a=0,b=0),100,100-a/b*100)*1)/100*4,1)"


def test_each_semantic_rule_is_written_once():
    """One grep: capaian by direction, the 0/0 rule, weighting and inheritance each have one definition."""
    engine = Path(__file__).resolve().parents[2] / "engine"
    text = {p.name: p.read_text(encoding="utf-8") for p in engine.glob("*.py")}

    def where(pattern: str) -> list[str]:
        return sorted(name for name, body in text.items() if re.search(pattern, body))

    assert where(r"CTX\.multiply\(2, target\)") == ["semantics.py"]  # capaian turun, computed
    assert where(r"def inherited\(") == ["lower.py"]  # inheritance of index settings
    assert where(r"\.parent\b.*rs\.indices\.get|rs\.indices\.get\(cur\.parent") == ["lower.py", "structure.py"]
    assert where(r"zero_rule or self\.settings|settings\[\"nol_per_nol\"\]") == ["lower.py"]


def test_trace_records_events_and_renders_text_only_on_demand(tmp_path, monkeypatch):
    """Evaluation records events; the Indonesian derivation is built when a reader asks, never in the arithmetic."""
    from kinerja.engine import derivation

    rendered = []
    original = derivation.Renderer.step
    monkeypatch.setattr(derivation.Renderer, "step", lambda self, e: rendered.append(e) or original(self, e))
    r = run(tmp_path, TURUN, dict(a=8, b=100))
    assert rendered == []  # evaluated with the trace on: events only
    assert r.indicators["i"].step.line().startswith("8 / 100 × 100% = 8")
    assert r.indicators["i"].capaian_step.line() == "(2 × 10% − 8%) / 10% × 100% = 120%"
    assert rendered
    plain = run(tmp_path, TURUN, dict(a=8, b=100), trace=False)
    assert plain.indicators["i"].step is None and plain.indicators["i"].capaian == Decimal("120.00")


def test_second_load_of_the_same_files_is_a_cache_hit(tmp_path):
    """Parse once, check once: the same files give the same checked rules; an edited file is read again."""
    from kinerja.engine import cache, load_rules

    p = tmp_path / "a.kin"
    p.write_text(TURUN, encoding="utf-8")
    first = load_rules(p)
    hits = cache.stats.get("checked_hits", 0)
    again = load_rules(p)
    assert again is first and cache.stats["checked_hits"] == hits + 1
    assert again.diagnostics == first.diagnostics and len(again.diagnostics) == len(load_rules(p).diagnostics)
    p.write_text(TURUN.replace("i = 10", "i = 20"), encoding="utf-8")
    edited = load_rules(p)
    assert edited is not first and edited.rules.targets["i"].expr.value == 20


ROWS = """
tabel t "T" { nama: teks  a: angka  b: angka }
bagian x {
  per_baris t sebagai t {
    c: angka = jika nama == "MARK" maka a * 2 lainnya a / b
    d: angka = c + a
  }
}
"""


def test_excel_row_formula_fills_each_rows_cells_into_one_translation(tmp_path):
    """A computed column is translated once; each row gets its own cells (and a row whose cell is not in the
    workbook gets no formula) — exactly what translating every row whole gives, also when a literal of the rule
    holds the marker the template uses."""
    from kinerja.engine import load_rules
    from kinerja.engine.interface import CellKey

    def where(key):
        if isinstance(key, CellKey) and not (key.row == 2 and key.column == "b"):
            return f"Isian!${'ABCD'['nama a b c'.split().index(key.column)]}${key.row + 5}"
        return None

    for marker in ("MARK", "\x00"):
        p = tmp_path / "r.kin"
        p.write_text(ROWS.replace("MARK", marker), encoding="utf-8")
        checked = load_rules(p)
        fast, whole = ExcelTranslator(checked, where), ExcelTranslator(checked, where)
        for col in ("c", "d"):
            cc = next(x for x in whole.core.tables["t"].computed if x.name == col)
            for i in range(4):
                expected = whole._wrap(lambda w=whole, e=cc.expr, i=i: w.expr(e, ("t", i)))
                assert fast.row_formula("t", i, col) == expected
        assert fast.row_formula("t", 0, "c") == (
            'IF((Isian!$A$5="' + marker + '"),(Isian!$B$5*2),(Isian!$B$5/Isian!$C$5))')
        assert fast.row_formula("t", 2, "c") is None  # row 3's b is not in the workbook
