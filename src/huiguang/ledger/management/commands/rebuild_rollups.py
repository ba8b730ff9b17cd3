"""Rebuild MonthlyRollup and VolunteerHours from the confirmed records; print the differences."""

from django.core.management.base import BaseCommand

from huiguang.ledger.services.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the monthly rollups and volunteer totals from the ledger, printing differences."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only report the differences")

    def handle(self, *args, dry_run=False, **options):
        differences = rollups_rebuild(apply=not dry_run)
        for line in differences:
            self.stdout.write(line)
        verb = "found" if dry_run else "fixed"
        self.stdout.write(f"{len(differences)} difference(s) {verb}")
