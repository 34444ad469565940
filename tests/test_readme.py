"""The README's first lines give exactly two commands (main job, tests); `.ci/run` runs the second verbatim."""

from pathlib import Path

from click.testing import CliRunner
from kinerja.cli import Exit, main

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("```", 2)
    assert len(head) == 3 and text.index("```") < 200, "the README must open with its command block"
    block = head[1].split("\n", 1)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_two_commands_and_ci_runs_the_second():
    main_job, tests = readme_commands()
    assert "kinerja contoh" in main_job and "pip install" in main_job
    assert "pytest" in tests and "libreoffice-calc-nogui" in tests
    # the print tests read LibreOffice's PDFs with pdfinfo/pdftotext (tests/workbooks/libreoffice.py): nothing
    # LibreOffice installs brings them, so a fresh CI machine failed every print test
    assert "poppler-utils" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_main_job_runs_on_the_bundled_data():
    r = CliRunner().invoke(main, ["contoh"], catch_exceptions=False)
    assert r.exit_code == Exit.OK
    assert "CAPAIAN KINERJA PER SASARAN" in r.stdout and "TEMUAN" in r.stdout
    assert "Terwujudnya Penegakan Hukum Pemasyarakatan di Wilayah" in r.stdout


def test_rule_set_readme_counts_its_checks_and_sama():
    """rules/pk2024-sumsel/README.md says how many data checks and `sama` declarations the set has; a check added
    later (belanja_tahun_lain) left it at 14. The count is read from the rules."""
    import re

    from kinerja.engine import load_rules

    text = (Path(__file__).parents[1] / "rules" / "pk2024-sumsel" / "README.md").read_text(encoding="utf-8")
    m = re.search(r"plus (\d+) pemeriksaan data dan (\d+) pernyataan `sama`", text)
    rs = load_rules("pk2024-sumsel").rules
    assert m and (int(m.group(1)), int(m.group(2))) == (len(rs.checks), len(rs.same)), m and m.groups()
