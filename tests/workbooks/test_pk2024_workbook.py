"""PK 2024 through a workbook: template → filled with the report's data → `kinerja hitung` → the PK 2024 figures.

The same figures as from the YAML data file (whose figures tests/pk2024 checks against the report), the same
data findings, and LibreOffice's own recalculation of every live check formula on the Audit sheet agrees.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.findings import find
from kinerja.workbooks import layout
from kinerja.workbooks.audit import HEADER_ROW
from kinerja.workbooks.datafile import bundled_data, read_data
from kinerja.workbooks.recalc import recalculate_workbook
from libreoffice import sheets_as_csv

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
DATA = bundled_data("pk2024-sumsel")


@pytest.fixture(scope="module")
def from_yaml():
    checked = load_rules("pk2024-sumsel")
    result = evaluate(checked, read_data(DATA, input_specs(checked)), Tracer())
    return result, find(result)


def figures(result) -> dict[str, object]:
    out = {}
    for kind, objs in (("indikator", result.indicators), ("indeks", result.indices), ("sasaran", result.sasaran),
                       ("nilai", result.values)):
        for o in objs.values():
            out[f"{kind}:{o.id}"] = (str(o.value), str(o.capaian), o.status)
    for table, rows in result.tables.items():
        for i, row in enumerate(rows):
            for col, v in row.items():
                out[f"{table}[{i}].{col}"] = str(v)
    return out


def data_findings(findings) -> set[tuple[str, str]]:
    """Findings that need no printed figure (T201, T202, T3xx): the workbook carries no printed report figures."""
    return {(t.kode, t.objek) for t in findings if t.kode in ("T201", "T202") or t.kode.startswith("T3")}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    path = tmp_path_factory.mktemp("pk") / "pk2024.xlsx"
    shutil.copy(SAMPLE, path)
    return path, recalculate_workbook(path)


def test_sample_workbook_reproduces_the_yaml_figures(recalculated, from_yaml):
    _, outcome = recalculated
    result, findings = from_yaml
    assert outcome.problems == []
    assert figures(outcome.result) == figures(result)
    assert data_findings(outcome.findings) == data_findings(findings)
    assert outcome.result.indices["iphp.pelayanan_tahanan"].value == Decimal("3.88")
    assert outcome.result.values["rata_rata_nilai_kinerja_anggaran"].value == Decimal("80.89")
    assert outcome.written_cells == 1 + sum(len(layout.FIELDS[k]) * n for k, n in (  # 1: jumlah_temuan
        ("indikator", 30), ("indeks", 9), ("sasaran", 19), ("nilai", len(result.values))))


def test_libreoffice_agrees_with_every_check_formula(recalculated, tmp_path):
    path, outcome = recalculated
    sheets = sheets_as_csv(path, tmp_path)
    audit = sheets[layout.AUDIT_SHEET][HEADER_ROW - 1:]
    head = audit[0]
    k, e, ok, ident, status = (head.index(h) for h in ("Cek Excel (rumus hidup)", "Nilai", "Cocok?", "ID", "Status"))
    with_formula = [r for r in audit[1:] if r[k]]
    disagree = [(r[ident], r[e], r[k]) for r in with_formula if r[ok] != "cocok"]
    assert disagree == []
    # rows without data: blank value, no check formula, never an Excel error
    no_data = [r for r in audit[1:] if r[status] == "tanpa data"]
    assert no_data and all(r[e] == "" and r[k] == "" and r[ok] == "" for r in no_data)
    assert not [c for r in audit for c in r if c.startswith("#") or c in ("Err:502", "Err:504")]
    with_value = [r for r in audit[1:] if r[e]]
    assert len(with_formula) >= 0.9 * len(with_value), f"{len(with_formula)} of {len(with_value)} rows have a formula"


def test_summary_sheet_shows_results_as_libreoffice_reads_them(recalculated, tmp_path):
    path, outcome = recalculated
    sheets = sheets_as_csv(path, tmp_path)
    cells = [c for row in sheets[layout.SUMMARY_SHEET] for c in row]
    assert "3.88" in cells and "111.39" in cells and "100.65" in cells  # pelayanan tahanan, iphp capaian, setjen_s1
    assert "26.943 / 28.699 × 100% = 93,88%" not in cells  # that is a component: on the Audit sheet, not Ringkasan
    assert any(c.startswith("(46,94 + 50,15) / 100 × 4 = 3,88") for c in cells)


def test_fresh_template_filled_and_recalculated_gives_the_same_figures(tmp_path, from_yaml):
    book = tmp_path / "baru.xlsx"
    r = CliRunner().invoke(main, ["templat", "--aturan", "pk2024-sumsel", "--keluaran", str(book),
                                  *(a for p in DATA for a in ("--isi", str(p)))], catch_exceptions=False)
    assert r.exit_code == Exit.OK, r.output
    r = CliRunner().invoke(main, ["hitung", str(book)], catch_exceptions=False)
    assert r.exit_code == Exit.FINDINGS  # the data checks of the report (T201/T202/T301) are findings
    assert "Traceback" not in r.output
    outcome = recalculate_workbook(book)
    assert figures(outcome.result) == figures(from_yaml[0])
