"""Seal a day of the ledger (default: yesterday): records, chains and the heads digest, signed."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huiguang.ledger.seal import SealError, seal_day


class Command(BaseCommand):
    help = "Sign the daily seal of the ledger (default: yesterday, local time)."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", help="YYYY-MM-DD (a day that has ended)")

    def handle(self, *args, day="", **options):
        try:
            when = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError("--day: give a date such as 2026-05-09") from None
        try:
            seal = seal_day(when)
        except SealError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"sealed {seal.day}: {seal.records} records, {seal.chains} chains, {seal.heads_digest}"
        )
