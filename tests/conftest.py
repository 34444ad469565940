"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def remote_engine(monkeypatch):
    """xlwings' remote engine (the book a live Hitung gets from a payload; Excel does not exist on Linux) needs a
    licence key: ``noncommercial`` is the PolyForm Noncommercial one, which names government institutions."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
