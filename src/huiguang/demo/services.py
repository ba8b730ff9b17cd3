"""Build the demo city (`huiguang seed_demo`).

Deterministic: every choice comes from one random.Random(seed) consumed in a fixed order, and
every time from data.REFERENCE_TIME, so one seed always gives the same people, numbers and
memberships (only salts, ciphertexts and primary keys differ). Fast: the demo password is hashed
once, people and memberships are inserted with bulk_create, volunteer numbers are allocated in
one block per registration year.
"""

from __future__ import annotations

import random
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Membership, Organization, Region

from .activities import seed_activities
from .benefits_loans import seed_benefits_loans
from .benefits_stores import seed_benefit_stores
from .competitions import seed_competitions
from .credit import seed_credit
from .ledger import seed_ledger
from .memberships import MembershipBuilder
from .mobilization_campaigns import seed_mobilization_campaigns
from .mobilization_drives import seed_drives
from .needs import seed_needs
from .network import NetworkBuilder
from .people import PeopleBuilder
from .projects import seed_projects
from .reports import seed_reports
from .reports_assessments import seed_assessments
from .training import seed_training

DEFAULT_SEED = 330482
DEFAULT_VOLUNTEERS = 2000
MIN_VOLUNTEERS = 50
MAX_VOLUNTEERS = 200_000


def demo_city_present() -> bool:
    """seed_demo fills an empty database only: one that holds no region."""
    return Region.objects.exists()


class _Builder(NetworkBuilder, PeopleBuilder, MembershipBuilder):
    """The whole city: the network, the people, their memberships and roles (one module each)."""

    def counts(self) -> dict[str, int]:
        kinds = Counter(org.kind for org in self.orgs.values())
        statuses = Counter(m.status for m in self.memberships)
        volunteers = [p for p in self.people if p.is_volunteer]
        return {
            "regions": 1 + len(self.towns) + len(self.villages),
            "towns": len(self.towns),
            "villages": len(self.villages),
            "organizations": len(self.orgs),
            "departments": kinds[Organization.Kind.DEPARTMENT],
            "professional_teams": kinds[Organization.Kind.PROFESSIONAL],
            "posts": sum(1 for org in self.orgs.values() if org.tier == Organization.Tier.POST),
            "pending_organizations": sum(
                1 for org in self.orgs.values() if org.status == Organization.Status.PENDING
            ),
            "sites": len(self.sites),
            "skills": len(self.skills),
            "users": len(self.people),
            "volunteers": len(volunteers),
            "minors": sum(1 for p in volunteers if p.guardian is not None),
            "new_residents": sum(1 for p in volunteers if p.new_resident),
            "memberships": len(self.memberships),
            "pending_applications": statuses[Membership.Status.APPLIED],
            "grants": len(self.grants),
        }


def seed_demo_city(
    *, volunteers: int = DEFAULT_VOLUNTEERS, seed: int = DEFAULT_SEED, network_only: bool = False
) -> dict[str, int]:
    """Build the whole demo city in one transaction and return what was created, by kind.

    Refuses (Refused("NOT_EMPTY")) when the database already holds regions: the demo never
    mixes with real data.
    """
    if not MIN_VOLUNTEERS <= volunteers <= MAX_VOLUNTEERS:
        raise FieldErrors(
            {
                "volunteers": [
                    _("The demo city needs between %(min)d and %(max)d volunteers.")
                    % {"min": MIN_VOLUNTEERS, "max": MAX_VOLUNTEERS}
                ]
            }
        )
    with transaction.atomic():
        if demo_city_present():
            raise Refused(
                "NOT_EMPTY",
                _("The database already holds regions; the demo city is built only in an empty database."),
            )
        builder = _Builder(rng=random.Random(seed), volunteer_count=volunteers)
        builder.build_regions()
        builder.build_skills()
        builder.build_organizations()
        builder.build_sites()
        builder.build_people()
        builder.create_people()
        builder.build_memberships()
        builder.assign_roles()
        builder.save_memberships_and_grants()
        counts = builder.counts()
        if network_only:
            audit_log(action="demo_city_seeded", actor_label="seed_demo", seed=seed, counts=counts)
            return counts
        counts.update({f"activity_{k}": v for k, v in seed_activities(rng=builder.rng).items()})
        counts.update({f"projects_{k}": v for k, v in seed_projects(seed=seed).items()})
        counts.update({f"competitions_{k}": v for k, v in seed_competitions(seed=seed).items()})
        counts.update({f"ledger_{k}": v for k, v in seed_ledger(rng=builder.rng).items()})
        counts.update(
            {f"credit_{k}": v for k, v in seed_credit(rng=builder.rng, today=timezone.localdate()).items()}
        )
        counts.update({f"benefits_{k}": v for k, v in seed_benefit_stores(rng=builder.rng).items()})
        counts.update(seed_benefits_loans(rng=builder.rng))
        counts.update({f"reports_{k}": v for k, v in seed_reports(rng=builder.rng).items()})
        counts.update({f"assessment_{k}": v for k, v in seed_assessments(rng=builder.rng).items()})
        counts.update({f"training_{k}": v for k, v in seed_training(rng=builder.rng).items()})
        counts.update({f"needs_{k}": v for k, v in seed_needs(rng=builder.rng).items()})
        counts.update({f"campaign_{k}": v for k, v in seed_mobilization_campaigns(rng=builder.rng).items()})
        counts.update({f"drives_{k}": v for k, v in seed_drives(seed=seed).items()})
        audit_log(action="demo_city_seeded", actor_label="seed_demo", seed=seed, counts=counts)
    return counts
