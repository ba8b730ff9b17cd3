"""Recompute every volunteer's hash chain from GENESIS, check the chain of seals and the triggers.

Seals are checked against the configured signing key and the retired keys
(HUIGUANG_RETIRED_SIGNING_KEYS), never against a key stored in a row; `--public-key` (repeatable)
trusts exactly the keys given instead, e.g. the key published on the site.

Exit status 0 when everything holds; otherwise 1, naming the first broken record (id, volunteer
number, what differs), the first problems of the seals (by sequence number) and any missing
trigger, and counting the problems found.
"""

from django.core.management.base import BaseCommand, CommandError

from huiguang.ledger.chain import chain_problems
from huiguang.ledger.models import LedgerSeal, Seal, ServiceRecord
from huiguang.ledger.seal import daily_seal_problems, seal_chain_problems, trusted_keys
from huiguang.ledger.triggers import missing_triggers
from huiguang.volunteers.models import Volunteer

SHOWN_SEAL_PROBLEMS = 5  # a removed seal breaks several checks at once; show how


class Command(BaseCommand):
    help = "Verify the ledger: every hash chain, the chain of seals, the triggers. Exit 1 on a break."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            help="trust only this key (base64url, as published); repeat for retired keys",
        )

    def handle(self, *args, public_key=(), **options):
        keys = [k.strip() for k in public_key if k.strip()] or trusted_keys()
        problems = 0
        first = None
        for record_id, volunteer_id, what in chain_problems():
            problems += 1
            first = first or (record_id, volunteer_id, what)
        seal_lines: list[str] = []
        for sequence, what in seal_chain_problems(keys):
            problems += 1
            if len(seal_lines) < SHOWN_SEAL_PROBLEMS:
                seal_lines.append(f"BROKEN seal #{sequence}: {what}" if sequence else f"BROKEN seals: {what}")
        first_daily = None
        for daily in LedgerSeal.objects.order_by("day").iterator():
            found = daily_seal_problems(daily, keys)
            problems += len(found)
            if found and first_daily is None:
                first_daily = (daily, found)
        missing = missing_triggers()
        problems += len(missing)

        records = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED).count()
        seals = Seal.objects.count()
        if not problems:
            self.stdout.write(f"ledger OK: {records} confirmed records, {seals} seals verified")
            return
        lines = []
        if first is not None:
            record_id, volunteer_id, what = first
            number = (
                Volunteer.objects.filter(pk=volunteer_id).values_list("volunteer_number", flat=True).first()
            )
            lines.append(f"BROKEN record {record_id} of volunteer {number}: {what}")
        lines += seal_lines
        if first_daily is not None:
            daily, found = first_daily
            lines.append(f"BROKEN daily seal of {daily.day}: {'; '.join(found)}")
        if missing:
            lines.append(f"MISSING trigger(s) on {ServiceRecord._meta.db_table}: {', '.join(missing)}")
        lines.append(f"{problems} problem(s) found")
        self.stderr.write("\n".join(lines))
        raise CommandError(lines[0], returncode=1)
