"""Import a city's history from a directory of files (docs/history-import.md).

    huiguang import_history DIR [--source 志愿汇] [--verified-attendance] [--dry-run | --confirm]

Without --confirm it is a dry-run: every row is checked, the summary printed (rows by kind,
errors by reason, hours by town and year) and nothing of the city's data written. With
--confirm the checked rows are written in batches, with a progress bar; bad rows write nothing.
Run again on the same files after an interruption: the import resumes where it stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huiguang.core.errors import Refused
from huiguang.core.formatting import format_hours
from huiguang.ledger.history.files import HistoryRefused, import_files
from huiguang.ledger.history.run import history_import_apply, history_import_check

SHOWN_ERRORS = 200
BAR = 40


class Command(BaseCommand):
    help = "Import organizations, memberships, activities and hours from DIR (a dry-run unless --confirm)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--source", default="志愿汇", help="the platform the files come from")
        parser.add_argument(
            "--verified-attendance",
            action="store_true",
            help="the source's hours were verified attendance: import them as credit hours",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="check and summarize only (the default)")
        mode.add_argument("--confirm", action="store_true", help="write the rows when every row is good")

    def handle(self, *args, directory, source, verified_attendance, dry_run, confirm, **options):
        try:
            paths = import_files(Path(directory))
            history_import, plan = history_import_check(
                paths=paths, source_name=source, actor=None, verified=verified_attendance or None
            )
        except (HistoryRefused, Refused) as exc:
            raise CommandError(exc.message)
        self._summary(history_import.summary)
        for error in plan.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  {error.file} row {error.row}: {error.reason} {error.message}")
        if plan.error_count > SHOWN_ERRORS:
            self.stdout.write(f"  … {plan.error_count - SHOWN_ERRORS} more bad rows")
        if not plan.ok:
            raise CommandError(
                f"{plan.error_count} bad rows: nothing was written (import #{history_import.pk})."
            )
        if not confirm:
            self.stdout.write(
                f"Dry-run: nothing written. Run again with --confirm to import (import #{history_import.pk})."
            )
            return
        history_import = history_import_apply(
            history_import=history_import, plan=plan, actor=None, progress=self._progress(plan.done)
        )
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported #{history_import.pk}: {history_import.done} records "
                f"({plan.done} were already imported before an interruption)."
            )
        )

    def _summary(self, summary: dict) -> None:
        self.stdout.write(
            "Rows by kind: " + ", ".join(f"{k} {v}" for k, v in summary["rows_by_kind"].items())
        )
        self.stdout.write("To write: " + ", ".join(f"{k} {v}" for k, v in summary["to_write"].items()))
        if summary["done"]:
            self.stdout.write(f"Already written by the interrupted import: {summary['done']} records")
        errors = summary["errors_by_reason"]
        self.stdout.write("Errors by reason: " + (", ".join(f"{k} {v}" for k, v in errors.items()) or "none"))
        self.stdout.write(f"Hours to import: {format_hours(summary['minutes'])}")
        for line in summary["hours_by_town_year"]:
            self.stdout.write(
                f"  {line['name']} ({line['town']}) {line['year']}: {format_hours(line['minutes'])} h"
            )

    def _progress(self, already: int):
        def show(done: int, total: int) -> None:
            total += already
            done += already
            filled = BAR * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}")
            sys.stderr.flush()

        return show
