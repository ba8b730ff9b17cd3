"""Recompute every volunteer's hash chain from GENESIS and every daily seal.

Exit status 0 when everything holds; otherwise 1, naming the first broken record (id, volunteer
number, what differs) and counting the problems found.
"""

from django.core.management.base import BaseCommand, CommandError

from huiguang.ledger.chain import chain_problems
from huiguang.ledger.models import LedgerSeal, ServiceRecord
from huiguang.ledger.seal import seal_problems
from huiguang.volunteers.models import Volunteer


class Command(BaseCommand):
    help = "Verify the ledger: every hash chain and every daily seal. Exit 1 on the first break."

    def add_arguments(self, parser):
        parser.add_argument("--public-key", default="", help="check seals with this key (base64)")

    def handle(self, *args, public_key="", **options):
        first = None
        problems = 0
        for record_id, volunteer_id, what in chain_problems():
            problems += 1
            if first is None:
                first = (record_id, volunteer_id, what)
        seals = 0
        first_seal = None
        for seal in LedgerSeal.objects.order_by("day").iterator():
            seals += 1
            found = seal_problems(seal, public_key or None)
            if found:
                problems += len(found)
                first_seal = first_seal or (seal, found)
        records = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED).count()
        if first is None and first_seal is None:
            self.stdout.write(f"ledger OK: {records} confirmed records, {seals} seals verified")
            return
        lines = []
        if first is not None:
            record_id, volunteer_id, what = first
            number = (
                Volunteer.objects.filter(pk=volunteer_id).values_list("volunteer_number", flat=True).first()
            )
            lines.append(f"BROKEN record {record_id} of volunteer {number}: {what}")
        if first_seal is not None:
            seal, found = first_seal
            lines.append(f"BROKEN seal of {seal.day}: {'; '.join(found)}")
        lines.append(f"{problems} problem(s) found")
        self.stderr.write("\n".join(lines))
        raise CommandError(lines[0], returncode=1)
