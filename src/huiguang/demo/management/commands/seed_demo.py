import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.errors import FieldErrors, Refused
from huiguang.demo.services import DEFAULT_SEED, DEFAULT_VOLUNTEERS, demo_city_present, seed_demo_city

COUNT_LABELS = {
    "regions": gettext_lazy("regions"),
    "towns": gettext_lazy("towns and streets"),
    "villages": gettext_lazy("villages and communities"),
    "organizations": gettext_lazy("organizations"),
    "departments": gettext_lazy("city departments"),
    "professional_teams": gettext_lazy("professional teams"),
    "posts": gettext_lazy("posts"),
    "pending_organizations": gettext_lazy("organizations awaiting approval"),
    "sites": gettext_lazy("service sites"),
    "skills": gettext_lazy("skills"),
    "users": gettext_lazy("user accounts"),
    "volunteers": gettext_lazy("volunteers"),
    "minors": gettext_lazy("minors with a guardian"),
    "new_residents": gettext_lazy("new residents"),
    "memberships": gettext_lazy("memberships"),
    "pending_applications": gettext_lazy("membership applications awaiting approval"),
    "grants": gettext_lazy("roles granted"),
    "activity_series": gettext_lazy("recurring activity series"),
    "activity_activities": gettext_lazy("activities"),
    "activity_shifts": gettext_lazy("shifts"),
    "activity_enrollments": gettext_lazy("sign-ups"),
}


class Command(BaseCommand):
    help = "Build the demo city (Pinghu, 330482) in an empty database, deterministically for a seed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--volunteers",
            type=int,
            default=DEFAULT_VOLUNTEERS,
            help=f"number of volunteers (default {DEFAULT_VOLUNTEERS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed: one seed, one city (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--network-only",
            action="store_true",
            help="only the network and the people: no activities, attendance or hours (faster)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds regions",
        )

    def handle(self, *args, volunteers, seed, if_empty, network_only=False, **options):
        if if_empty and demo_city_present():
            self.stdout.write(
                _("The database already holds regions: the demo city was not built (--if-empty).")
            )
            return
        started = time.perf_counter()
        try:
            counts = seed_demo_city(volunteers=volunteers, seed=seed, network_only=network_only)
        except Refused as exc:
            if if_empty and exc.reason == "NOT_EMPTY":  # filled meanwhile by another process
                self.stdout.write(
                    _("The database already holds regions: the demo city was not built (--if-empty).")
                )
                return
            raise CommandError(
                _(
                    "%(reason)s Use --if-empty to skip seeding quietly, or start from an empty database "
                    "(huiguang flush)."
                )
                % {"reason": exc.message}
            )
        except FieldErrors as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs))
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo city built in %(seconds).1f s (seed %(seed)d):") % {"seconds": seconds, "seed": seed}
            )
        )
        for key, count in counts.items():
            self.stdout.write(f"  {COUNT_LABELS.get(key, key)}: {count}")
        self.stdout.write(_("Demo accounts and their password: huiguang demo_logins"))
