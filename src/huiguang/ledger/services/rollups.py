"""The rollups rebuilt from the ledger (`huiguang rebuild_rollups`): MonthlyRollup and
VolunteerHours recomputed from the confirmed records, the differences reported."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.db.models.functions import TruncMonth

from huiguang.core.audit import audit_log

from ..models import MonthlyRollup, ServiceRecord, VolunteerHours
from ..selectors.hours import current_policy
from .stars import star_for

R = ServiceRecord


def _credit_sum():
    return Sum(Case(When(is_credit=True, then=F("minutes")), default=Value(0), output_field=IntegerField()))


def rollups_rebuild(*, apply: bool = True) -> list[str]:
    """Recompute MonthlyRollup (volunteer × organization × month of the service date) and
    VolunteerHours (totals and star under the current policy) from the confirmed records; returns
    the differences found, one line each, and with apply=True makes the tables agree."""
    confirmed = R.objects.filter(status=R.Status.CONFIRMED).order_by()
    expected = {
        (row["volunteer_id"], row["organization_id"], row["month"]): row
        for row in confirmed.annotate(month=TruncMonth("service_date"))
        .values("volunteer_id", "organization_id", "month", "organization__region__code")
        .annotate(sum_minutes=Sum("minutes"), sum_credit=_credit_sum(), n_records=Count("pk"))
    }
    for key, row in list(expected.items()):
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        expected.pop(key)
        expected[(key[0], key[1], month)] = row
    existing = {(r.volunteer_id, r.organization_id, r.month): r for r in MonthlyRollup.objects.all()}
    differences: list[str] = []
    creates, updates, deletes = [], [], []
    for key in sorted(set(expected) | set(existing), key=lambda k: (k[0], k[1], k[2])):
        want, have = expected.get(key), existing.get(key)
        values = (want["sum_minutes"], want["sum_credit"], want["n_records"]) if want else (0, 0, 0)
        now = (have.minutes, have.credit_minutes, have.records) if have else None
        label = f"rollup volunteer {key[0]} organization {key[1]} {key[2]:%Y-%m}"
        if have is None:
            assert want is not None  # the key came from the ledger
            differences.append(f"{label}: missing, ledger has minutes/credit/records {values}")
            creates.append(
                MonthlyRollup(
                    volunteer_id=key[0],
                    organization_id=key[1],
                    month=key[2],
                    region_code=want["organization__region__code"],
                    minutes=values[0],
                    credit_minutes=values[1],
                    records=values[2],
                )
            )
        elif want is None:
            differences.append(f"{label}: {now} but the ledger has none")
            deletes.append(have.pk)
        elif now != values:
            differences.append(f"{label}: {now}, ledger has {values}")
            have.minutes, have.credit_minutes, have.records = values
            updates.append(have)
    policy = current_policy()
    totals = {
        row["volunteer_id"]: row
        for row in confirmed.values("volunteer_id").annotate(total=Sum("minutes"), credit=_credit_sum())
    }
    hours = {h.volunteer_id: h for h in VolunteerHours.objects.all()}
    hours_creates: list[VolunteerHours] = []
    hours_updates: list[VolunteerHours] = []
    for volunteer_id in sorted(set(totals) | set(hours)):
        row = totals.get(volunteer_id, {"total": 0, "credit": 0})
        values = (row["total"], row["credit"], star_for(row["total"], policy))
        have_hours = hours.get(volunteer_id)
        if have_hours is None:
            differences.append(
                f"hours volunteer {volunteer_id}: missing, ledger has total/credit/star {values}"
            )
            hours_creates.append(
                VolunteerHours(
                    volunteer_id=volunteer_id,
                    total_minutes=values[0],
                    credit_minutes=values[1],
                    star=values[2],
                    policy_version=policy.version if policy else None,
                )
            )
        elif (held := (have_hours.total_minutes, have_hours.credit_minutes, have_hours.star)) != values:
            differences.append(f"hours volunteer {volunteer_id}: {held}, ledger has {values}")
            have_hours.total_minutes, have_hours.credit_minutes, have_hours.star = values
            have_hours.policy_version = policy.version if policy else None
            hours_updates.append(have_hours)
    if apply and differences:
        with transaction.atomic():
            MonthlyRollup.objects.filter(pk__in=deletes).delete()
            MonthlyRollup.objects.bulk_create(creates, batch_size=1000)
            MonthlyRollup.objects.bulk_update(
                updates, ["minutes", "credit_minutes", "records"], batch_size=1000
            )
            VolunteerHours.objects.bulk_create(hours_creates, batch_size=1000)
            VolunteerHours.objects.bulk_update(
                hours_updates, ["total_minutes", "credit_minutes", "star", "policy_version"], batch_size=1000
            )
            audit_log(action="rollups.rebuild", differences=len(differences))
    return differences
