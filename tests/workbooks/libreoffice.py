"""LibreOffice headless as an independent judge of the files kinerja writes.

If LibreOffice can open a workbook and recalculate kinerja's formulas, Excel-compatible consumers can too. The
tests fail (never skip) when ``soffice`` is missing: CI installs LibreOffice (Debian libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Token 12 (-1) writes every sheet to NAME-Sheet.csv; token 9 (false) writes raw values, not formatted text.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.fail("LibreOffice (soffice) tidak ditemukan di PATH; pasang paket Debian libreoffice-calc-nogui. "
                    "Tes buku kerja membutuhkannya untuk membuktikan berkas yang ditulis dapat dibuka.")
    return exe


def convert(path: Path, target: str, outdir: Path) -> list[Path]:
    """Convert ``path`` with LibreOffice headless into ``outdir`` (own profile per call, so tests can run in
    parallel); returns the produced files. Fails the test when LibreOffice could not convert the file."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", target, "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=180,
        )
    produced = sorted(p for p in outdir.iterdir() if p.stem.startswith(path.stem))
    if proc.returncode != 0 or not produced:
        pytest.fail(f"LibreOffice gagal membuka/mengonversi {path.name} (kode {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}")
    return produced


def sheets_as_csv(path: Path, workdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as LibreOffice computes it (formulas recalculated on load): name → rows."""
    outdir = workdir / f"csv-{path.stem}"
    files = convert(path, CSV_FILTER, outdir)
    out = {}
    for f in files:
        sheet = f.stem[len(path.stem) + 1 :] if f.stem != path.stem else ""
        with f.open(newline="", encoding="utf-8") as fh:
            out[sheet] = list(csv.reader(fh))
    return out


def roundtrip_xlsx(path: Path, workdir: Path) -> Path:
    """Open in LibreOffice and save again as .xlsx; proves the file loads as a whole workbook."""
    files = convert(path, "xlsx:Calc MS Excel 2007 XML", workdir / f"xlsx-{path.stem}")
    return files[0]


def pdf_pages(pdf: Path) -> list[tuple[str, float, float]]:
    """(text as laid out, width, height in points) of every page of ``pdf``, read with poppler."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    return [(subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout, w, h)
            for i, (w, h) in enumerate(sizes, start=1)]
