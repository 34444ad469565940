"""Data files as an input source: YAML (``masukan``, ``tabel``, ``dilaporkan``) and CSV. The user's
documentation of the format is docs/berkas-data.md.

YAML layout (see the bundled ``rules/pk2024-sumsel/data-lkjip-2024.yaml``)::

    masukan:            # input name → value
      setjen_rb_kanwil_pembilang: 55
    tabel:              # table name → list of rows (column → value); a 'baris' key is a citation, not data
      setjen_ikm_kanwil_survei:
        - {unit: September, responden: 8, nilai: 2.54}
    dilaporkan: {...}   # figures a report printed, compared with the computed ones (findings)

Here: which reader a set of files takes (:func:`read_data`), the data bundled with a rule set, and a rule set
evaluated on data files (:func:`evaluate_data`). The pieces:
``datafile_yaml`` (YAML read within limits, its layout, and written back), ``datafile_csv``, ``datafile_values``
(the one reading rule for a number, kinds, building :class:`Inputs`) and ``datafile_keys`` (unknown keys with
suggestions, the data's period against the rules' year).

CSV: a file with the header ``nama,nilai`` holds single inputs; a file named after a table (``<table>.csv``)
holds that table's rows with column names in the header. Numbers use a decimal point; an Indonesian
``1.234,5`` is read too when the cell is text in that shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engine import CheckedRules, Result, Tracer, evaluate, input_specs, load_rules
from ..engine.errors import InputError
from ..engine.findings import find
from ..engine.interface import Inputs, InputSpec
from ..engine.loader import bundled_dir
from ..engine.temuan import Temuan
from .datafile_csv import read_csv
from .datafile_yaml import read_yaml
from .errors import DATA_FILE_KIND

__all__ = ["bundled_data", "evaluate_data", "read_csv", "read_data", "read_yaml"]


def bundled_data(rules: str = "pk2024-sumsel") -> list[Path]:
    """The data bundled with a rule set: the report's data file as the user gave it, plus the report's further
    printed figures and tables (``angka-tercetak.yaml``) when the rule set has one."""
    folder = bundled_dir() / rules
    return [p for p in (folder / "data-lkjip-2024.yaml", folder / "angka-tercetak.yaml") if p.is_file()]


def read_data(paths: list[str | Path], specs: list[InputSpec], rules: Any = None) -> Inputs:
    """Read one or more YAML files, or one or more CSV files, into :class:`Inputs` (values checked against
    kinds; unknown keys reported; with ``rules``, removed inputs allowed and the period checked)."""
    ps = [Path(p) for p in paths]
    if ps and all(p.suffix.lower() in (".yaml", ".yml") for p in ps):
        return read_yaml(ps, specs, rules=rules)
    if all(p.suffix.lower() == ".csv" for p in ps):
        return read_csv(ps, specs, rules=rules)
    raise InputError("Berkas data harus .yaml/.yml atau .csv (satu atau lebih, tidak dicampur).",
                     message_en="Data files must be .yaml/.yml or .csv files (one or more, not mixed).",
                     location=", ".join(str(p) for p in ps), code=DATA_FILE_KIND)


def evaluate_data(rules: str, paths: list[str | Path]) -> tuple[CheckedRules, Result, list[Temuan]]:
    """``kinerja hitung --data``: the rule set ``rules`` loaded, the data files read for it, evaluated with the
    trace recorded (findings and JSON show derivations), and the findings."""
    checked = load_rules(rules)
    inputs = read_data(list(paths), input_specs(checked), checked)
    result = evaluate(checked, inputs, Tracer(True))
    return checked, result, find(result)
