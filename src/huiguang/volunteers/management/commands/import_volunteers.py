"""`huiguang import_volunteers FILE --org CODE [--dry-run]`: all rows or none.

Exit status: 0 imported (or, with --dry-run, every row valid); 1 some rows are bad (each is
listed, nothing was written); 2 the file or the organization was refused.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huiguang.network.models import Organization
from huiguang.volunteers import importing

BAD_ROWS = 1
REFUSED = 2


class Command(BaseCommand):
    help = "Import volunteers from an .xlsx or .csv file into an organization: every row is written, or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file (see the template in the console)")
        parser.add_argument("--org", required=True, help="the code of the organization the volunteers join")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, file, org, dry_run, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(_("Unknown organization code: %(code)s.") % {"code": org}, returncode=REFUSED)
        path = Path(file)
        try:
            importing.check_size(path.stat().st_size)
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}", returncode=REFUSED)
        except importing.ImportRefused as exc:
            raise CommandError(str(exc.message), returncode=REFUSED)
        try:
            result = importing.volunteers_import(
                organization=organization, actor=None, content=content, file_name=path.name, dry_run=dry_run
            )
        except importing.ImportRefused as exc:
            raise CommandError(str(exc.message), returncode=REFUSED)
        except importing.ImportRowsInvalid as exc:
            self._fail(exc.errors)
        if result.errors:
            self._fail(result.errors)
        counts = {
            "rows": result.row_count,
            "created": result.created,
            "joined": result.joined,
            "already": result.already,
        }
        if dry_run:
            message = (
                _(
                    "Dry run, nothing written: %(rows)d rows are valid; %(created)d new, %(joined)d would "
                    "join, %(already)d already members."
                )
                % counts
            )
        else:
            message = (
                _("Imported %(rows)d rows: %(created)d new, %(joined)d joined, %(already)d already members.")
                % counts
            )
        self.stdout.write(self.style.SUCCESS(message))

    def _fail(self, errors):
        for e in errors:
            line = _("Row %(row)d, %(column)s: %(message)s") % {
                "row": e.row,
                "column": e.column or "—",
                "message": e.message,
            }
            self.stderr.write(f"{line} [{e.value}]" if e.value else line)
        bad = len({e.row for e in errors})
        message = ngettext(
            "%(n)d bad row; nothing was imported.", "%(n)d bad rows; nothing was imported.", bad
        )
        raise CommandError(message % {"n": bad}, returncode=BAD_ROWS)
