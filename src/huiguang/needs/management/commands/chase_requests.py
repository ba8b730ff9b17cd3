from django.core.management.base import BaseCommand

from huiguang.needs.services.ratings import requests_chase


class Command(BaseCommand):
    help = "Chase residents' requests not taken or not closed in time; remind unrated ones once (daily)."

    def handle(self, *args, **options):
        chased = requests_chase()
        self.stdout.write(
            f"not taken: {chased.not_taken}, not closed: {chased.not_closed}, "
            f"unrated reminded: {chased.unrated}"
        )
