"""`huiguang restore DIR`: put a backup's database, keys and media back (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huiguang.core.backup import BackupError, restore
from huiguang.core.keys import KeyRefused


class Command(BaseCommand):
    help = (
        "Restore a backup made by `huiguang backup` into an empty database: verifies the manifest's "
        "hashes first, never overwrites a different key file."
    )
    # The target database is empty and its keys are not in place yet: the key check would refuse
    # (or, worse, generate keys); the restore checks the keys itself when it is done.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a directory written by `huiguang backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the contents of a non-empty target database"
        )

    def handle(self, *args, directory: Path, force: bool = False, **options):
        try:
            restore(directory.resolve(), say=self.stdout.write, force=force)
        except (BackupError, KeyRefused) as exc:
            raise CommandError(str(exc))
