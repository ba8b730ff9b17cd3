"""The demo city's monthly bulletins, made through the reports' own services after the ledger.

The schools get their enrolled students (the base of a school's registration rate), drawn from
the seed's random.Random in pk order; every past month with confirmed hours gets its bulletin,
generated, reviewed and published by the city admin, except the last one, left as a draft for
the demo's city admin to review and publish. Each bulletin is a handful of grouped queries over
the rollups plus its PDF and .xlsx.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from huiguang.network.models import Grant, Organization
from huiguang.reports.models import DailyCounter
from huiguang.reports.services.bulletins import bulletin_generate, bulletin_publish, bulletin_review
from huiguang.reports.services.registrations import registration_rollups_rebuild


def seed_reports(*, rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    # The demo's people and memberships were written in bulk, past the services' signals: count
    # them into the registration rollups the way rebuild_rollups does.
    registration_rollups_rebuild(apply=True)
    schools = list(Organization.objects.filter(kind=Organization.Kind.SCHOOL).order_by("pk"))
    for school in schools:
        school.enrolled_students = rng.randint(6, 30) * 100
    Organization.objects.bulk_update(schools, ["enrolled_students"])
    grant = Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    first = DailyCounter.objects.order_by("day").values_list("day", flat=True).first()
    if grant is None or first is None:
        return {"schools": len(schools)}
    admin, this_month = grant.user, today.replace(day=1)
    months, month = [], first.replace(day=1)
    while month < this_month:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    published = 0
    for month in months:
        bulletin = bulletin_generate(actor=admin, month=month)
        if month != months[-1]:
            bulletin_review(actor=admin, bulletin=bulletin)
            bulletin_publish(actor=admin, bulletin=bulletin)
            published += 1
    return {"schools": len(schools), "bulletins": len(months), "published_bulletins": published}
