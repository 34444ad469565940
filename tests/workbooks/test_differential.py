"""Differential test: the engine and LibreOffice, recalculating the Excel formulas kinerja writes, agree.

Both read the same core form (:mod:`kinerja.engine.core`), so they must agree on any rule set. Hypothesis
generates rule sets — ratios with each 0/0 rule, growth, sums, survey means, membership (``x di […]``), indices
with and without indicator weights, ``terbalik``, both directions, each rounding mode, nested parents — and
inputs; every formula of every case goes into one workbook that LibreOffice recalculates in one run. The
engine's "no data" / error is an Excel error there (``#DIV/0!``); numbers must be equal (up to double precision,
1e-9 relative).

The PK 2024 sample is checked the same way through the Audit sheet's own "Cocok?" column.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja.engine import Inputs, Tracer, check_rules, evaluate
from kinerja.engine.excel import ExcelTranslator
from kinerja.engine.values import TANPA_DATA, Galat
from libreoffice import CSV_FILTER, convert

N_INPUTS = 6
NAMES = [f"m_{chr(97 + i)}" for i in range(N_INPUTS)]
WEIGHT_SPLITS = [[100], [50, 50], [30, 70], [25, 25, 50]]


def _pick(draw, k: int) -> list[str]:
    return [draw(st.sampled_from(NAMES)) for _ in range(k)]


@st.composite
def rounding(draw) -> str:
    if draw(st.booleans()):
        return ""
    return f"    bulat {draw(st.integers(0, 2))} {draw(st.sampled_from(['setengah_naik', 'potong']))}\n"


@st.composite
def zero_rule(draw) -> str:
    rule = draw(st.sampled_from(["", "tanpa_data", "100", "0"]))
    return f"    nol_per_nol {rule}\n" if rule else ""


@st.composite
def indicator(draw, ident: str) -> tuple[str, str]:
    kind = draw(st.sampled_from(["rasio", "rasio_jumlah", "pertumbuhan", "jumlah", "rata_rata", "tertimbang",
                                 "anggota"]))
    a, b, x = _pick(draw, 3)
    listed = ", ".join(str(draw(st.sampled_from([0, 1, 7, 12, 40]))) for _ in range(draw(st.integers(1, 3))))
    unit = "persen"
    formula = {
        "rasio": f"rasio {a} / {b}",
        "rasio_jumlah": f"rasio ({a} + {x}) / {b}",
        "pertumbuhan": f"pertumbuhan {a} dari {b}",
        "jumlah": f"{a} + {b} - {x}",
        "rata_rata": f"rata_rata({a}, {b}, {x})",
        "tertimbang": f"rata_rata_tertimbang([{a}, {b}], [{x}, 3])",
        "anggota": f"jika {a} di [{listed}] maka {b} lainnya {x} + 1",  # membership (core Member)
    }[kind]
    if kind in ("jumlah", "rata_rata", "tertimbang", "anggota"):
        unit = "orang"
    arah = draw(st.sampled_from(["naik", "turun"]))
    body = (f"  indikator {ident} \"{ident}\" {{\n    satuan {unit}\n    arah {arah}\n    realisasi = {formula}\n"
            f"{draw(rounding())}{draw(zero_rule())}  }}\n")
    return body, str(draw(st.integers(1, 120)))


@st.composite
def components(draw, prefix: str, weight: int | None) -> str:
    n = draw(st.integers(1, 3))
    weighted = weight is not None and draw(st.booleans())
    splits = [w * weight // 100 for w in draw(st.sampled_from([s for s in WEIGHT_SPLITS if len(s) == n]))] \
        if weighted else None
    if splits is not None and sum(splits) != weight:
        splits = None
    out = []
    for i in range(n):
        a, b = _pick(draw, 2)
        w = f" bobot {splits[i]}%" if splits else ""
        inv = " terbalik" if draw(st.booleans()) else ""
        out.append(f"    indikator {prefix}k{i} \"k{i}\" = rasio {a} / {b}{w}{inv}\n")
    return "".join(out)


@st.composite
def index(draw, ident: str) -> tuple[str, str, Decimal]:
    scale = draw(st.sampled_from([4, 5, 100]))
    head = f"indeks {ident} \"{ident}\" skala {scale} {{\n{draw(zero_rule())}{draw(rounding())}"
    shape = draw(st.sampled_from(["langsung", "dimensi", "anak"]))
    if shape == "langsung":
        body = draw(components(f"{ident}_", None))
    elif shape == "dimensi":
        split = draw(st.sampled_from(WEIGHT_SPLITS))
        body = "".join(f"  dimensi d{j} \"d{j}\" bobot {w}% {{\n{draw(components(f'{ident}_d{j}', w))}  }}\n"
                       for j, w in enumerate(split))
    else:
        split = draw(st.sampled_from([[50, 50], [30, 70], [100]]))
        body = "".join(f"  indeks s{j} \"s{j}\" bobot {w}% {{\n{draw(zero_rule())}{draw(rounding())}"
                       f"{draw(components(f'{ident}_s{j}', None))}  }}\n" for j, w in enumerate(split))
    target = Decimal(scale) * Decimal(draw(st.integers(10, 95))) / 100
    return head + body + "}\n", str(target), Decimal(scale)


@st.composite
def case(draw) -> tuple[str, dict[str, int]]:
    settings_block = "pengaturan {\n" + "".join(
        f"  {k} = {v}\n" for k, v in (("nol_per_nol", draw(st.sampled_from(["tanpa_data", "100", "0"]))),
                                        ("bulat_realisasi", draw(st.integers(0, 3))),
                                        ("bulat_capaian", draw(st.integers(0, 2))),
                                        ("bulat_indeks", draw(st.integers(0, 3))))) + "}\n"
    targets, parts = [], []
    inds = []
    for i in range(draw(st.integers(1, 3))):
        body, target = draw(indicator(f"i{i}"))
        inds.append(body)
        targets.append(f"  i{i} = {target}\n")
    parts.append("sasaran s \"S\" {\n" + "".join(inds) + "}\n")
    for j in range(draw(st.integers(0, 2))):
        body, target, _ = draw(index(f"x{j}"))
        parts.append(body)
        targets.append(f"  x{j} = {target}\n")
    decls = "".join(f"masukan {n}: cacah\n" for n in NAMES)
    text = settings_block + "target {\n" + "".join(targets) + "}\n" + decls + "".join(parts)
    values = {n: draw(st.integers(0, 40) | st.sampled_from([0, 0, 1000, 7])) for n in NAMES}
    return text, values


def _formulas(checked, result, row_of_input) -> list[tuple[str, str, object]]:
    """(label, formula, engine value) for every object of one case; objects reference each other inline."""
    tr = ExcelTranslator(checked, lambda name: row_of_input.get(name) if isinstance(name, str) else None)
    out = []
    for ident, o in result.indicators.items():
        out.append((f"{ident}.realisasi", tr.indicator(ident), o.value))
        out.append((f"{ident}.capaian", tr.capaian(ident, f"({tr.indicator(ident)})"), o.capaian))
    for ident, o in result.indices.items():
        out.append((ident, tr.index(ident), o.value))
        out.append((f"{ident}.capaian", tr.capaian(ident, f"({tr.index(ident)})"), o.capaian))
    return out


def _same(lo: str, engine) -> bool:
    if engine is TANPA_DATA or isinstance(engine, Galat):
        return lo.startswith("#") or lo.startswith("Err:") or lo == ""
    try:
        got = Decimal(lo)
    except Exception:
        return False
    return abs(got - engine) <= Decimal("1e-9") * max(Decimal(1), abs(engine))


def test_engine_equals_libreoffice_on_generated_rule_sets(tmp_path):
    cases: list[tuple[str, dict[str, int]]] = []

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(case())
    def collect(c):
        cases.append(c)

    collect()
    assert len(cases) >= 200
    wb = openpyxl.Workbook()
    inp = wb.active
    inp.title = "Input"
    cek = wb.create_sheet("Cek")
    rows = []  # (case number, label, engine value, rules text)
    for k, (text, values) in enumerate(cases):
        path = tmp_path / f"c{k}.kin"
        path.write_text(text, encoding="utf-8")
        checked, diags = check_rules(path)
        assert checked is not None and not [d for d in diags if d.is_error], (
            text + "\n".join(d.format() for d in diags))
        result = evaluate(checked, Inputs(values={n: Decimal(v) for n, v in values.items()}), Tracer(False))
        row_of = {}
        for j, n in enumerate(NAMES):
            inp.cell(k + 1, j + 1, values[n])
            row_of[n] = f"Input!${openpyxl.utils.get_column_letter(j + 1)}${k + 1}"
        for label, formula, value in _formulas(checked, result, row_of):
            assert formula is not None, f"{label}: no Excel formula\n{text}"
            rows.append((k, label, value, text, formula))
            cek.cell(len(rows), 1, f"{k}:{label}")
            cek.cell(len(rows), 2, "=" + formula)
    src = tmp_path / "diff.xlsx"
    wb.save(src)
    out = convert(src, CSV_FILTER, tmp_path / "csv")
    sheet = next(p for p in out if p.stem.endswith("-Cek"))
    with sheet.open(newline="", encoding="utf-8") as fh:
        computed = [r[1] if len(r) > 1 else "" for r in csv.reader(fh)]
    assert len(computed) >= len(rows)
    bad = [(k, label, value, computed[i], formula, text) for i, (k, label, value, text, formula) in enumerate(rows)
           if not _same(computed[i], value)]
    print(f"{len(cases)} generated rule sets, {len(rows)} formulas compared")
    assert not bad, "\n\n".join(f"case {k} {label}: engine {value!r}, LibreOffice {lo!r}\n={formula}\n{text}"
                                for k, label, value, lo, formula, text in bad[:5]) + f"\n({len(bad)} in all)"


def test_pk2024_audit_live_formulas_agree_with_the_engine(tmp_path):
    """Every live check formula the Audit sheet of the PK 2024 sample carries, recalculated by LibreOffice,
    equals the engine's value written beside it ("cocok"), or cannot be compared ("-": no data)."""
    import shutil

    from kinerja.workbooks.recalc import recalculate_workbook
    from libreoffice import sheets_as_csv

    src = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
    book = tmp_path / "contoh.xlsx"
    shutil.copy(src, book)
    recalculate_workbook(book)
    audit = sheets_as_csv(book, tmp_path)["Audit"]
    checked = _audit_verdicts(audit)
    assert len([v for v in checked if v[1] == "cocok"]) >= 150, len(checked)
    print(f"PK 2024 Audit: {len(checked)} live formulas, {sum(v[1] == 'cocok' for v in checked)} cocok")


def _audit_verdicts(audit: list[list[str]]) -> list[tuple[str, str]]:
    """(id, Cocok?) of every Audit row with a live formula, after asserting each agrees. The verdict formula is
    IFERROR(…, "-"): "-" is accepted only where the engine has no value — a live formula that errors in
    LibreOffice (#NAME?, #VALUE!) beside an engine figure is a disagreement, not "no data"."""
    from kinerja.workbooks.audit import COL

    head = next(i for i, r in enumerate(audit) if "Cocok?" in r)  # title rows may stand above the table header
    rows = [r for r in audit[head + 1:] if len(r) >= COL["Cocok?"] and r[COL["Cocok?"] - 1]]
    bad = [(r[COL["ID"] - 1], r[COL["Nilai"] - 1], r[COL["Cek Excel (rumus hidup)"] - 1], r[COL["Cocok?"] - 1])
           for r in rows if r[COL["Cocok?"] - 1] != "cocok"
           and not (r[COL["Cocok?"] - 1] == "-" and r[COL["Nilai"] - 1] in ("", "-"))]
    assert not bad, bad[:10]
    return [(r[COL["ID"] - 1], r[COL["Cocok?"] - 1]) for r in rows]


def test_pk2025_extension_audit_live_formulas_agree_with_the_engine(tmp_path):
    """The same for a set that extends PK 2024 by merging (a sub-index's dimension weights 50/50 → 40/60, an
    indicator added to an inherited sasaran, a sasaran removed): the core form, not the text, drives the
    formulas, so the merged weights must reach them."""
    from kinerja.engine import input_specs, load_rules
    from kinerja.workbooks.datafile import read_data
    from kinerja.workbooks.recalc import recalculate_workbook
    from kinerja.workbooks.template import build_template
    from libreoffice import sheets_as_csv

    rules = Path(__file__).resolve().parents[2] / "rules"
    checked = load_rules("pk2025-contoh")
    specs = input_specs(checked)
    inputs = read_data([rules / "pk2024-sumsel" / "data-lkjip-2024.yaml", rules / "pk2025-contoh" /
                        "data-tambahan.yaml"], specs, checked)
    book = build_template(checked, tmp_path / "pk2025.xlsx", rules_ref="pk2025-contoh", inputs=inputs, specs=specs)
    recalculate_workbook(book)
    checked_rows = _audit_verdicts(sheets_as_csv(book, tmp_path)["Audit"])
    ids = {i for i, v in checked_rows if v == "cocok"}
    assert {"iphp.pelayanan_tahanan", "imi_paspor", "imi_s2"} <= ids, sorted(ids)[:20]
    assert len(ids) >= 150, len(ids)


# ---- grouping (kelompok … menurut eselon(sasaran)) and membership filters over a table ----
ESELON_SASARAN = {"e0": ["e0_s0", "e0_s1"], "e1": ["e1_s0"], "e2": ["e2_s0", "e2_s1", "e2_s2"]}
ALL_SASARAN = [s for ids in ESELON_SASARAN.values() for s in ids]
GROUP_RULES = "".join(
    f'eselon {e} "Eselon {e}" {{\n  masukan {e}_m: cacah "m"\n'
    + "".join(f'  sasaran {s} "{s}" {{ indikator {s}_i "i" {{ satuan orang  realisasi = {e}_m }} }}\n' for s in ids)
    + "}\n" for e, ids in ESELON_SASARAN.items()) + "target {\n" + "".join(
    f"  {s}_i = 1\n" for s in ALL_SASARAN) + "}\n" + """tabel t "T" {
  sasaran: teks "Id sasaran"
  x: cacah "x"
  y: cacah "y"
}
"""


@st.composite
def group_case(draw) -> tuple[str, list[dict]]:
    listed = draw(st.lists(st.sampled_from(ALL_SASARAN), min_size=1, max_size=4))  # may repeat an id
    pick = ", ".join(f'"{s}"' for s in listed)
    digits = draw(st.integers(0, 2))
    limit = draw(st.integers(0, 20))
    text = GROUP_RULES + f"""kelompok t menurut eselon(sasaran) {{
  nilai jx "x {{kelompok}}" = jumlah(t.x)
  nilai jy "y {{kelompok}}" = jumlah(t.y)
  nilai rx "rata x" = rata_rata(t.x)
  nilai bx "banyak" = banyak(t.x untuk x > {limit})
  nilai p "persen" = bulat(rasio jx / jy, {digits})
}}
nilai dj "pilih" = jumlah(t.y untuk sasaran di [{pick}])
nilai dk "pilih dan" = jumlah(t.x untuk y >= {limit} dan sasaran di [{pick}])
nilai dm "anggota" = jika banyak(t.x untuk sasaran di [{pick}]) > 0 maka 1 lainnya 0
"""
    rows = draw(st.lists(st.fixed_dictionaries({
        "sasaran": st.sampled_from(ALL_SASARAN), "x": st.integers(0, 30), "y": st.integers(0, 30)}),
        min_size=0, max_size=7))
    return text, rows


def test_grouping_and_membership_equal_libreoffice(tmp_path):
    """Per-group values (kelompok … menurut eselon(sasaran)) and ``untuk kolom di […]`` filters: the engine and
    LibreOffice recalculating the Excel formulas (SUMIFS per listed value, COUNTIFS, …) agree; an id listed twice
    counts once in both."""
    cases: list[tuple[str, list[dict]]] = []

    @settings(max_examples=80, deadline=None, database=None, derandomize=True)
    @given(group_case())
    def collect(c):
        cases.append(c)

    collect()
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    cek = wb.create_sheet("Cek")
    rows_out = []
    top = 1
    grouped = 0
    for k, (text, rows) in enumerate(cases):
        path = tmp_path / f"g{k}.kin"
        path.write_text(text, encoding="utf-8")
        checked, diags = check_rules(path)
        assert checked is not None and not [d for d in diags if d.is_error], (
            text + "\n".join(d.format() for d in diags))
        table = [{"sasaran": r["sasaran"], "x": Decimal(r["x"]), "y": Decimal(r["y"])} for r in rows]
        values = {f"{e}_m": Decimal(1) for e in ESELON_SASARAN}
        result = evaluate(checked, Inputs(values=values, tables={"t": table}), Tracer(False))
        first, last = top, top + max(len(rows), 1) - 1
        for i, r in enumerate(rows):
            for j, col in enumerate(("sasaran", "x", "y")):
                data.cell(top + i, j + 1, r[col])
        top = last + 2  # one empty row between cases
        ranges = {f"t.{col}": f"Data!${letter}${first}:${letter}${last}"
                  for col, letter in (("sasaran", "A"), ("x", "B"), ("y", "C"))}
        tr = ExcelTranslator(checked, lambda name, ranges=ranges: ranges.get(name) if isinstance(name, str) else None)
        for name, v in result.values.items():
            formula = tr.value(name)
            assert formula is not None, f"{name}: no Excel formula\n{text}"
            grouped += name.startswith(("jx_", "p_", "bx_"))
            rows_out.append((k, name, v.value, text, formula))
            cek.cell(len(rows_out), 1, f"{k}:{name}")
            cek.cell(len(rows_out), 2, "=" + formula)
    assert grouped >= 3 * 3 * len(cases)  # every case has the values of all three eselon groups
    src = tmp_path / "groups.xlsx"
    wb.save(src)
    out = convert(src, CSV_FILTER, tmp_path / "csv")
    sheet = next(p for p in out if p.stem.endswith("-Cek"))
    with sheet.open(newline="", encoding="utf-8") as fh:
        computed = [r[1] if len(r) > 1 else "" for r in csv.reader(fh)]
    bad = [(k, n, v, computed[i], f, t) for i, (k, n, v, t, f) in enumerate(rows_out) if not _same(computed[i], v)]
    print(f"{len(cases)} grouped rule sets, {len(rows_out)} formulas compared")
    assert not bad, "\n\n".join(f"case {k} {n}: engine {v!r}, LibreOffice {lo!r}\n={f}\n{t}"
                                for k, n, v, lo, f, t in bad[:5]) + f"\n({len(bad)} in all)"
