"""Import a city's history from a directory of files (docs/history-import.md).

    huiguang import_history DIR [--source 志愿汇] [--verified-attendance] [--dry-run | --confirm]

Without --confirm it is a dry-run: every row is checked, the summary printed (rows by kind,
errors by reason, hours by town and year) and nothing of the city's data written. With
--confirm the checked rows are written in batches, with a progress bar; bad rows write nothing.
Run again on the same files after an interruption: the import resumes where it stopped.

Exit status: 0 imported (or, as a dry-run, every row good); 1 some rows are bad (each listed,
nothing written); 2 the directory or a file was refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused
from huiguang.core.formatting import format_hours
from huiguang.ledger.history.columns import KIND_LABELS
from huiguang.ledger.history.files import HistoryRefused, import_files
from huiguang.ledger.history.plan import REASONS
from huiguang.ledger.history.run import history_import_apply, history_import_check

SHOWN_ERRORS = 200
BAD_ROWS = 1  # exit status, as import_volunteers: some rows are bad (each listed), nothing written
REFUSED = 2  # the directory or a file was refused
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
                paths=paths,
                source_name=source,
                actor=None,
                verified=verified_attendance or None,
                actor_label="import_history",
            )
        except (HistoryRefused, Refused) as exc:
            raise CommandError(exc.message, returncode=REFUSED)
        self._summary(history_import.summary)
        for error in plan.errors[:SHOWN_ERRORS]:
            self.stdout.write(
                "  "
                + _("%(file)s, row %(row)d: %(message)s [%(reason)s]")
                % {"file": error.file, "row": error.row, "message": error.message, "reason": error.reason}
            )
        if plan.error_count > SHOWN_ERRORS:
            self.stdout.write("  " + _("… %(n)d more bad rows") % {"n": plan.error_count - SHOWN_ERRORS})
        if not plan.ok:
            raise CommandError(
                _("%(n)d bad rows: nothing was written (import #%(pk)d).")
                % {"n": plan.error_count, "pk": history_import.pk},
                returncode=BAD_ROWS,
            )
        if not confirm:
            self.stdout.write(
                _("Dry-run: nothing written. Run again with --confirm to import (import #%(pk)d).")
                % {"pk": history_import.pk}
            )
            return
        history_import = history_import_apply(
            history_import=history_import,
            plan=plan,
            actor=None,
            progress=self._progress(plan.done),
            actor_label="import_history",
        )
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported #%(pk)d: %(done)d records (%(resumed)d were already imported before an "
                    "interruption)."
                )
                % {"pk": history_import.pk, "done": history_import.done, "resumed": plan.done}
            )
        )

    def _summary(self, summary: dict) -> None:
        def by_kind(counts: dict) -> str:
            return ", ".join(f"{KIND_LABELS[k]} {v}" for k, v in counts.items())

        self.stdout.write(f"{_('Rows read')}: {by_kind(summary['rows_by_kind'])}")
        self.stdout.write(f"{_('To write')}: {by_kind(summary['to_write'])}")
        if summary["done"]:
            self.stdout.write(
                _("Already written by the interrupted import: %(n)d records") % {"n": summary["done"]}
            )
        errors = ", ".join(f"{REASONS.get(k, k)} {v}" for k, v in summary["errors_by_reason"].items())
        self.stdout.write(f"{_('Bad rows by reason')}: {errors or _('none')}")
        hours = _("%(h)s h") % {"h": format_hours(summary["minutes"])}
        self.stdout.write(f"{_('Hours to import')}: {hours}")
        self.stdout.write(f"{_('Hours by town and year')}:")
        for line in summary["hours_by_town_year"]:
            self.stdout.write(
                "  "
                + _("%(name)s (%(town)s) %(year)s: %(hours)s h")
                % {**line, "hours": format_hours(line["minutes"])}
            )

    def _progress(self, already: int):
        def show(done: int, total: int) -> None:
            total += already
            done += already
            filled = BAR * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}")
            sys.stderr.flush()

        return show
