"""Rebuild every rollup from the confirmed records and print the differences: first the ledger's
own (MonthlyRollup, VolunteerHours), then reports' (region, organization, category × month, days).
The command lives in reports, the highest app that keeps rollups: the ledger cannot call reports."""

from django.core.management.base import BaseCommand

from huiguang.ledger.services.rollups import rollups_rebuild
from huiguang.reports.services.rebuild import reports_rollups_rebuild


class Command(BaseCommand):
    help = "Recompute every rollup (the ledger's and the reports') from the ledger, printing differences."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only report the differences")

    def handle(self, *args, dry_run=False, **options):
        differences = rollups_rebuild(apply=not dry_run)
        differences += reports_rollups_rebuild(apply=not dry_run)
        for line in differences:
            self.stdout.write(line)
        verb = "found" if dry_run else "fixed"
        self.stdout.write(f"{len(differences)} difference(s) {verb}")
