"""Seal whatever confirmed records are under no seal yet (the hourly safety net: confirmations
seal themselves, docs/ledger.md). Prints the seals made, or that there was nothing to seal."""

from django.core.management.base import BaseCommand

from huiguang.ledger.services.sealing import seal_unsealed


class Command(BaseCommand):
    help = "Put confirmed records that are under no seal under new seals (run hourly)."

    def handle(self, *args, **options):
        seals = seal_unsealed()
        for seal in seals:
            self.stdout.write(
                f"sealed #{seal.sequence}: {seal.added} records ({seal.records} in all), {seal.digest}"
            )
        if not seals:
            self.stdout.write("nothing to seal")
