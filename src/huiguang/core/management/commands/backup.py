"""`huiguang backup DIR`: database, keys and media, with a manifest (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huiguang.core.backup import BackupError, backup_create
from huiguang.core.keys import KeyRefused


class Command(BaseCommand):
    help = "Back up the database, the keys and the media into a new directory, with a manifest."
    # The key check runs inside: a backup of a database whose keys are missing is still worth
    # making (it says so), so the system check must not stop it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new (or empty) directory")

    def handle(self, *args, directory: Path, **options):
        try:
            backup_create(directory.resolve(), say=self.stdout.write)
        except (BackupError, KeyRefused) as exc:
            raise CommandError(str(exc))
