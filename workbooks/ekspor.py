"""A workbook's inputs as a data file: ``kinerja ekspor BUKU.xlsx --keluaran DATA.yaml``.

Every input of the workbook's rule set (single values and table rows) is read with the same reading rule as
``kinerja hitung BUKU.xlsx`` (:mod:`.reader`: numbers stored as numbers, a percent-formatted ``persen`` cell as
the percentage shown, bounds and allowed values from the rules), and written as the YAML of
``docs/berkas-data.md``, each value with its ``Sheet!Cell`` as a comment. ``kinerja hitung --aturan … --data
DATA.yaml`` then computes the same figures as ``kinerja hitung BUKU.xlsx``.

A cell that cannot be read exactly as the operator sees it (text where a number belongs, an error value, an
empty required cell, …) is never guessed: nothing is written and every such cell is listed, to be fixed in the
workbook first. The workbook itself is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..engine import input_specs, load_rules
from ..engine.interface import InputProblem
from . import layout
from .atomic import atomic_write, refuse_existing
from .datafile_yaml import data_yaml
from .errors import WRONG_EXTENSION, WorkbookError
from .ooxml import Package
from .reader import read_inputs_from
from .recalc import rules_of


@dataclass
class Export:
    path: Path
    rules: str
    values: int = 0  # single inputs written (empty optional ones included, as null)
    rows: int = 0  # table rows written
    problems: list[InputProblem] = field(default_factory=list)  # cells not exported (nothing was written)

    def lines(self, src: str | Path, lang: str = "id") -> list[str]:
        """What ``kinerja ekspor`` tells the operator: with problems, every cell not read exactly and that nothing
        was written (for stderr); else what was written from ``src`` and the command that reads it back."""
        en = lang == "en"
        if self.problems:
            return [(p.message_en or p.message) if en else p.message for p in self.problems] + [
                f"{len(self.problems)} cells cannot be read exactly; nothing was written. Fix them in the "
                "workbook and run again." if en else
                f"{len(self.problems)} sel tidak terbaca tepat; tidak ada yang ditulis. Perbaiki di buku kerja "
                "lalu jalankan lagi."]
        if en:
            return [f"written to {self.path}: {self.values} single inputs and {self.rows} table rows of {src}.",
                    f"then: kinerja hitung --aturan {self.rules} --data \"{self.path}\""]
        return [f"ditulis ke {self.path}: {self.values} masukan tunggal dan {self.rows} baris tabel dari {src}.",
                f"lalu: kinerja hitung --aturan {self.rules} --data \"{self.path}\""]


def _check_destination(dest: Path, overwrite: bool) -> None:
    if dest.suffix.lower() not in (".yaml", ".yml"):
        raise WorkbookError(WRONG_EXTENSION, str(dest), "berkas data hasil ekspor selalu YAML (.yaml).",
                            "an exported data file is always YAML (.yaml).",
                            "Gunakan nama berkas berakhiran .yaml.", "Use a file name ending in .yaml.")
    refuse_existing(dest, overwrite)


def export_workbook(src: str | Path, dest: str | Path, *, aturan: str | None = None, overwrite: bool = False,
                    load=load_rules) -> Export:
    """Read ``src``'s inputs and write them to the data file ``dest`` (nothing written when a cell is bad)."""
    src, dest = Path(src), Path(dest)
    _check_destination(dest, overwrite)
    pkg = Package(src)
    checked, meta = rules_of(src, aturan, pkg, load)
    specs = input_specs(checked)
    inputs = read_inputs_from(pkg, specs)
    rs = checked.rules
    ref = aturan or meta.get(layout.META_RULES) or rs.name
    out = Export(dest, ref, values=sum(1 for s in specs if not s.is_table),
                 rows=sum(len(inputs.tables.get(s.name) or []) for s in specs if s.is_table),
                 problems=list(inputs.problems))
    if out.problems:
        return out
    berlaku = rs.settings.get("berlaku")
    periode = getattr(getattr(berlaku, "expr", None), "value", None)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = [f"Data masukan buku kerja {src.name} — set aturan {ref} (versi {rs.version}).",
              f"Diekspor oleh kinerja {__version__} pada {stamp}; komentar di tiap baris = sel asalnya.",
              f"Pakai: kinerja hitung --aturan {ref} --data {dest.name}",
              "Bentuk berkas data: docs/berkas-data.md (kinerja hitung --help)."]
    text = data_yaml(specs, inputs, header, int(periode) if periode is not None else None)
    atomic_write(dest, lambda f: f.write(text.encode("utf-8")))
    return out
