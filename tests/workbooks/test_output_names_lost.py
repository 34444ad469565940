"""An output name kinerja created is gone from the workbook: its cell would keep the last Hitung's figure.

Found by the operator9 acceptance run: the operator (or a tool) deleted ``capaian_setjen_rb_kanwil`` in Name
Manager, then changed the input ``setjen_rb_kanwil_pembilang`` from 55 to 11. ``kinerja hitung`` wrote realisasi
20 and "Belum tercapai" but left the capaian cell at the old 100 — with no word, exit 1 like any sample run. The
same for ``jumlah_temuan`` (the count at the top of Ringkasan). A name that kinerja recorded as its own
(``kinerja.owned.names``) and that no longer exists is now refused like an output name pointing at ``#REF!``
(B114): nothing is written, the message names the lost names and how to get them back.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from kinerja.cli import Exit, main
from kinerja.workbooks import layout
from kinerja.workbooks.writer import CellWrite, write_back

SAMPLE = Path(__file__).parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"


def drop_names(path: Path, *names: str) -> None:
    """Delete defined names from xl/workbook.xml as Name Manager does; every other member copied as it is."""
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w") as out:
        for info, data in items:
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                for n in names:
                    text, k = re.subn(rf'<definedName name="{n}"[^>]*>[^<]*</definedName>', "", text)
                    assert k == 1, n
                data = text.encode("utf-8")
            out.writestr(info, data)


def names_of(path: Path) -> dict[str, str]:
    return {n: d.attr_text for n, d in openpyxl.load_workbook(path).defined_names.items()}


def value_at(path: Path, ref: str):
    sheet, cell = ref.split("!")
    return openpyxl.load_workbook(path)[sheet.strip("'")][cell.replace("$", "")].value


def test_lost_output_name_is_refused_instead_of_leaving_a_stale_figure(tmp_path):
    path = tmp_path / "pk2024.xlsx"
    shutil.copy(SAMPLE, path)
    capaian = names_of(path)["capaian_setjen_rb_kanwil"]
    assert value_at(path, capaian) == 100
    write_back(path, cells={"setjen_rb_kanwil_pembilang": CellWrite(11)})  # realisasi 11 / 55 = 20%
    drop_names(path, "capaian_setjen_rb_kanwil", layout.TEMUAN_COUNT)
    before = path.read_bytes()

    r = CliRunner().invoke(main, ["hitung", str(path)], catch_exceptions=False)
    assert r.exit_code == Exit.USAGE, r.output
    assert "B114" in r.output and "capaian_setjen_rb_kanwil" in r.output and layout.TEMUAN_COUNT in r.output
    assert "kinerja pindah" in r.output and "Traceback" not in r.output
    assert path.read_bytes() == before  # nothing written: no realisasi 20 beside the stale capaian 100

    en = CliRunner().invoke(main, ["hitung", str(path), "--bahasa", "en"], catch_exceptions=False)
    assert en.exit_code == Exit.USAGE and "capaian_setjen_rb_kanwil" in en.output and "no longer" in en.output
    assert path.read_bytes() == before


def test_the_workbook_moved_with_kinerja_pindah_is_recalculated_whole(tmp_path):
    path = tmp_path / "pk2024.xlsx"
    shutil.copy(SAMPLE, path)
    write_back(path, cells={"setjen_rb_kanwil_pembilang": CellWrite(11)})
    drop_names(path, "capaian_setjen_rb_kanwil")
    new = tmp_path / "baru.xlsx"
    r = CliRunner().invoke(main, ["pindah", str(path), "--aturan", "pk2024-sumsel", "--keluaran", str(new)],
                           catch_exceptions=False)
    assert r.exit_code == Exit.OK, r.output
    r = CliRunner().invoke(main, ["hitung", str(new)], catch_exceptions=False)
    assert r.exit_code == Exit.FINDINGS, r.output
    names = names_of(new)
    assert value_at(new, names["realisasi_setjen_rb_kanwil"]) == 20
    assert value_at(new, names["capaian_setjen_rb_kanwil"]) == 20
