"""Terminal presentation of the CLI: ``kinerja batch``'s progress (a rich bar on a terminal, plain lines when
stderr is not one), its JSON lines on stdout, and the summary table at the end. The words come from
:mod:`kinerja.workbooks.batch_ringkasan`; only printing happens here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .engine.errors import language
from .workbooks.batch_ringkasan import LABEL, summary_head, summary_line, summary_rows


class BatchView:
    """Progress (rich bar on a terminal, plain lines otherwise) on stderr, JSON lines on stdout, summary table."""

    def __init__(self, total: int, as_json: bool):
        self.total, self.as_json, self.count = total, as_json, 0
        self.tty = sys.stderr.isatty()
        self.progress = None

    def __enter__(self):
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("kinerja batch", total=self.total)
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
        return False

    def done(self, rec, progress: bool = True) -> None:
        if self.as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
        if not progress:
            return
        self.count += 1
        label = LABEL[language()][rec["status"]]
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=f"{label} {Path(rec['berkas']).name}")
        else:
            click.echo(f"[{self.count}/{self.total}] {label} {rec['berkas']}", err=True)

    def summary(self, records, ringkasan, interrupted: bool) -> None:
        out_err = self.as_json  # the summary must not mix with JSON on stdout
        rows = summary_rows(records, language())
        if (sys.stderr if out_err else sys.stdout).isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(*summary_head(language()))
            for row in rows:
                table.add_row(*row[:5], row[5][:120])
            Console(stderr=out_err).print(table)
        else:
            for row in rows:
                click.echo("  ".join((row[0].rjust(3), row[2].ljust(10), row[3].rjust(3), row[4].rjust(3), row[1],
                                      ("— " + row[5][:200]) if row[5] else "")), err=out_err)
        click.echo(summary_line(records, ringkasan, interrupted, language()), err=out_err)
