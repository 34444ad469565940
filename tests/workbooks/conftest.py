"""Fixtures for the workbook adapter tests; the workbooks themselves are built in wb_builders.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from wb_builders import Built, build_bad_workbook, build_operator_workbook


@pytest.fixture
def operator_xlsx(tmp_path: Path) -> Built:
    return build_operator_workbook(tmp_path / "kinerja divisi.xlsx")


@pytest.fixture
def operator_xlsm(tmp_path: Path) -> Built:
    return build_operator_workbook(tmp_path / "hitung.xlsm", macro=True)


@pytest.fixture(params=["xlsx", "xlsm"])
def operator_workbook(request: pytest.FixtureRequest, tmp_path: Path) -> Built:
    if request.param == "xlsm":
        return build_operator_workbook(tmp_path / "hitung.xlsm", macro=True)
    return build_operator_workbook(tmp_path / "kinerja divisi.xlsx")


@pytest.fixture
def bad_workbook(tmp_path: Path) -> Path:
    return build_bad_workbook(tmp_path / "salah.xlsx")
