"""PK 2024 Sumsel ground-truth tests: the report data, one evaluation of it, the harapan key scheme, and a
small plugin that collects ``kasus_*.yaml`` (one test item per case, shown as ``kasus_variasi.yaml › <nama>``).

The expectations in ``harapan_laporan.yaml`` / ``kasus_*.yaml`` were written by hand from the report; nothing
here derives an expectation from the engine.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from kinerja.engine import Tracer, evaluate, input_specs, load_rules
from kinerja.engine.values import TANPA_DATA
from kinerja.workbooks.datafile import read_data

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED_DATA = REPO / ".." / "shared" / "data" / "pk2024_sumsel.yaml"  # CI has it next to the repository
BUNDLED_DATA = REPO / "rules" / "pk2024-sumsel" / "data-lkjip-2024.yaml"
DATA = SHARED_DATA if SHARED_DATA.exists() else BUNDLED_DATA
HARAPAN = HERE / "harapan_laporan.yaml"
RULES = "pk2024-sumsel"

# Tabel 115 rows are keyed by (tahun, jenis); harapan names the jenis by its last word.
JENIS_BELANJA = {"pegawai": "Belanja Pegawai", "barang": "Belanja Barang", "modal": "Belanja Modal"}
# harapan key kind → (table, key column, alias of the table in the `anggaran` section)
ANGGARAN_ROWS = {
    "sasaran": ("anggaran_sasaran", "sasaran", "sasaran"),
    "satker": ("kinerja_anggaran_satker", "satker", "satker"),
    "belanja": ("anggaran_belanja", "jenis", "belanja"),
}


class NoRow(LookupError):
    """The harapan names a table row that the evaluated data does not have (e.g. the table was replaced)."""


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dec(value: Any) -> Decimal | None:
    """A hand-written expectation as a Decimal (YAML 100.00 → Decimal('100.0')); null stays None (tanpa data)."""
    if value is None:
        return None
    return Decimal(str(value))


def same(expected: Decimal | None, got: Any) -> bool:
    """Exact comparison; an expected null is the engine's TANPA_DATA (not 0, not a galat)."""
    if expected is None:
        return got is TANPA_DATA
    return isinstance(got, Decimal) and got == expected


def show(value: Any) -> str:
    if value is TANPA_DATA:
        return "TANPA_DATA"
    return repr(value) if not isinstance(value, Decimal) else str(value)


def _row(result, table: str, **keys: Any) -> dict[str, Any]:
    rows = [r for r in result.tables.get(table, []) if all(str(r.get(k)) == str(v) for k, v in keys.items())]
    if not rows:
        raise NoRow(f"{table}: tidak ada baris {keys}")
    assert len(rows) == 1, f"{table}: {len(rows)} baris cocok dengan {keys}"
    return rows[0]


def _belanja_total(field: str, tahun: str) -> str:
    """The rules' total of Tabel 115 for a year of the report: the year the PK 2024 rules apply to (berlaku 2024)
    is ``pagu_belanja_tahun_ini`` …, the year before ``pagu_belanja_tahun_lalu`` … (no year in the ids)."""
    return {"2024": f"{field}_belanja_tahun_ini", "2023": f"{field}_belanja_tahun_lalu"}[tahun]


def engine_value(result, section: str, key: str, field: str) -> Any:
    """The engine's figure for a harapan key (same scheme in harapan_laporan.yaml and kasus_*.yaml)."""
    if section == "indikator":
        obj = result.indicators[key]
        return {"realisasi": obj.value, "capaian": obj.capaian}[field]
    if section == "indeks":
        obj = result.indices[key]
        return {"nilai": obj.value, "capaian": obj.capaian}[field]
    if section == "sasaran":
        assert field == "capaian", field
        return result.sasaran[key].value
    assert section == "anggaran", section
    _, kind, *rest = key.split(".", 2)
    if kind == "rata_rata_nilai_kinerja_anggaran":
        return result.values["rata_rata_nilai_kinerja_anggaran"].value
    if kind == "eselon":  # Tabel 114 TOTAL rows: values {pagu_awal|pagu_akhir|realisasi|persentase}_<eselon>
        return result.values[f"{field}_{rest[0]}"].value
    if kind == "sasaran":
        return _row(result, "anggaran_sasaran", sasaran=rest[0])[field]
    if kind == "satker":
        return _row(result, "kinerja_anggaran_satker", satker=rest[0])[field]
    if kind == "belanja":
        tahun, jenis = rest[0].split(".")
        if jenis == "total":
            return result.values[_belanja_total(field, tahun)].value
        return _row(result, "anggaran_belanja", tahun=tahun, jenis=JENIS_BELANJA[jenis])[field]
    raise KeyError(key)


def _measured_on() -> dict[str, str]:
    """Index id → the indicator whose realisasi is that index (pas_iphp: `realisasi = iphp`)."""
    rules = load_rules(RULES).rules
    return {ind.realisasi_of: i for i, ind in rules.indicators.items() if ind.realisasi_of in rules.indices}


def expected_objek(section: str, key: str, field: str) -> str:
    """The objek a finding about this figure carries (rows: a prefix — the engine's row label may differ). A
    figure printed for an index an indicator is measured on is that indicator's figure: one finding, on the
    indicator the PK names."""
    if section == "indeks" and key in _measured_on():
        return _measured_on()[key]
    if section != "anggaran":
        return key
    _, kind, *rest = key.split(".", 2)
    if kind == "rata_rata_nilai_kinerja_anggaran":
        return "rata_rata_nilai_kinerja_anggaran"
    if kind == "eselon":
        return f"{field}_{rest[0]}"
    if kind == "belanja" and rest[0].endswith(".total"):
        return _belanja_total(field, rest[0].split(".")[0])
    return f"anggaran.{ANGGARAN_ROWS[kind][2]}."


def reported_slot(section: str, key: str, field: str) -> tuple[list[str], dict[str, Any]]:
    """Where a printed figure goes in a `dilaporkan` structure: (path of keys to its list, extra row keys)."""
    if section != "anggaran":
        return [section, key, field], {}
    _, kind, *rest = key.split(".", 2)
    if kind == "rata_rata_nilai_kinerja_anggaran":
        return ["anggaran", "rata_rata_nilai_kinerja_anggaran"], {}
    if kind == "eselon":
        return ["anggaran", f"{field}_{rest[0]}"], {}
    if kind == "belanja":
        tahun, jenis = rest[0].split(".")
        if jenis == "total":
            return ["anggaran", _belanja_total(field, tahun)], {}
        return ["anggaran", f"{field}_belanja"], {"tahun": int(tahun), "jenis": JENIS_BELANJA[jenis]}
    _, column, alias = ANGGARAN_ROWS[kind]
    return ["anggaran", f"{field}_{alias}"], {column: rest[0]}


def evaluate_data(checked, data: dict[str, Any], trace: bool = False):
    """Evaluate a data mapping (masukan/tabel/dilaporkan) through the YAML adapter, as the CLI does."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        inputs = read_data([path], input_specs(checked))
    assert not inputs.problems, [p.message for p in inputs.problems]
    return evaluate(checked, inputs, Tracer(trace))


# ---- fixtures ----

_THIS = sys.modules[__name__]


@pytest.fixture(scope="session")
def pk():
    """This module (paths and helpers) for the tests: a rootless conftest is not reliably importable by name."""
    return _THIS


@pytest.fixture(scope="session")
def checked():
    return load_rules(RULES)


@pytest.fixture(scope="session")
def laporan(checked):
    """The report's own data evaluated once (with the derivation trace, for `rincian`)."""
    inputs = read_data([DATA], input_specs(checked))
    assert not inputs.problems, [p.message for p in inputs.problems]
    return evaluate(checked, inputs, Tracer(True))


@pytest.fixture(scope="session")
def harapan():
    return load_yaml(HARAPAN)


def pytest_make_parametrize_id(config, val, argname):
    """Readable ids (`indikator › setjen_rb_kanwil › capaian`) for the values test_laporan.py wraps; unlike
    explicit ids, hook ids are not ASCII-escaped."""
    return getattr(val, "pk_id", None)


# ---- kasus_*.yaml: one item per case ----

def pytest_collect_file(file_path: Path, parent):
    if file_path.parent == HERE and file_path.name.startswith("kasus_") and file_path.suffix == ".yaml":
        return KasusFile.from_parent(parent, path=file_path)
    return None


class KasusFile(pytest.File):
    def collect(self):
        doc = load_yaml(self.path) or {}
        for kasus in doc.get("kasus") or []:
            yield KasusItem.from_parent(self, name=str(kasus["nama"]), kasus=kasus)


class KasusMismatch(AssertionError):
    pass


_CACHE: dict[str, Any] = {}


def _shared(key: str, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def _figures(expect: dict[str, Any]):
    """(section, key, field, expected, rumus) for every figure of a kasus `harapan` (flat {field: value, rumus})."""
    for section, objs in expect.items():
        for key, fields in (objs or {}).items():
            rumus = fields.get("rumus", "")
            for field, value in fields.items():
                if field != "rumus":
                    yield section, key, field, value, rumus


def _laporan_figures(h: dict[str, Any]):
    """(section, key, field, expected) for every engine figure of harapan_laporan.yaml."""
    for section in ("indikator", "indeks", "sasaran", "anggaran"):
        for key, fields in h[section].items():
            for field, spec in fields.items():
                if isinstance(spec, dict) and "nilai" in spec and field not in ("jumlah_subindeks", "nilai_berbobot"):
                    yield section, key, field, spec["nilai"]


class KasusItem(pytest.Item):
    def __init__(self, *, kasus: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.kasus = kasus

    def runtest(self) -> None:
        checked = _shared("checked", lambda: load_rules(RULES))
        base = _shared("data", lambda: load_yaml(DATA))
        h = _shared("harapan", lambda: load_yaml(HARAPAN))
        known = {s.name for s in input_specs(checked)}
        ubah = self.kasus.get("ubah") or {}
        data = copy.deepcopy(base)
        for name, value in (ubah.get("masukan") or {}).items():
            assert name in known and name in data["masukan"], f"masukan tidak dikenal: {name}"
            data["masukan"][name] = value
        for name, rows in (ubah.get("tabel") or {}).items():
            assert name in known and name in data["tabel"], f"tabel tidak dikenal: {name}"
            data["tabel"][name] = rows  # a table is replaced whole
        result = evaluate_data(checked, data)

        problems = []
        listed = set()
        for section, key, field, value, rumus in _figures(self.kasus.get("harapan") or {}):
            listed.add((section, key, field))
            try:
                got = engine_value(result, section, key, field)
            except (KeyError, NoRow) as exc:
                problems.append(f"  {section} › {key} › {field}: harapan {value}, mesin tidak punya angka ini ({exc})"
                                f"\n      rumus: {rumus}")
                continue
            if not same(dec(value), got):
                problems.append(f"  {section} › {key} › {field}: harapan {'null' if value is None else value}, "
                                f"mesin {show(got)}"
                                f"\n      rumus: {rumus}")
        # kasus_variasi.yaml's contract: objects the case does not name keep their harapan_laporan values
        for section, key, field, value in _laporan_figures(h):
            if (section, key, field) in listed:
                continue
            try:
                got = engine_value(result, section, key, field)
            except NoRow:
                continue  # a replaced table without this row
            if not same(dec(value), got):
                problems.append(f"  {section} › {key} › {field}: tidak disebut kasus, harapan_laporan "
                                f"{'null' if value is None else value}, "
                                f"mesin {show(got)}")
        if problems:
            raise KasusMismatch(
                f"{self.path.name} › {self.name}\n  catatan: {self.kasus.get('catatan', '')}\n"
                f"  {len(problems)} angka berbeda:\n" + "\n".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, KasusMismatch):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name} › {self.name}"
