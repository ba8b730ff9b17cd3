"""A year of attendance and hours for the demo city, written through the ledger's own services.

Every attended sign-up of the demo activities gets a check-in/check-out pair and a record made by
`record_from_attendance`; records older than a week are confirmed by `records_confirm` (so the
hash chains, hours, stars and monthly rollups are the real ones), the last week's wait for an
admin. A few make-up hours, one dispute and a few certificates go through their services too.
Each confirmation puts its records under a seal, as in production: every confirmed record of the
demo is under a seal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict

from django.utils import timezone

from huiguang.activities.models import Enrollment
from huiguang.attendance.models import CheckIn
from huiguang.core.errors import FieldErrors, Refused
from huiguang.ledger.models import Seal, ServiceRecord
from huiguang.ledger.services.certificates import certificate_issue, certificate_request
from huiguang.ledger.services.corrections import (
    dispute_accept,
    dispute_open,
    makeup_request_approve,
    makeup_request_create,
)
from huiguang.ledger.services.records import record_from_attendance, records_confirm
from huiguang.ledger.services.sealing import seal_unsealed
from huiguang.network.models import Grant, Membership, Organization
from huiguang.volunteers.models import Volunteer

SOURCES = [("qr", 50), ("code_gps", 25), ("leader", 20), ("ecard", 5)]
PENDING_DAYS = 7


def seed_ledger(*, rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    city_admin = (
        Grant.objects.filter(role=Grant.Role.CITY_ADMIN).select_related("user").order_by("pk").first()
    )
    if city_admin is None:
        return {}
    admin = city_admin.user
    counts: dict[str, int] = defaultdict(int)
    attended = (
        Enrollment.objects.filter(status=Enrollment.Status.ATTENDED)
        .select_related("shift", "shift__activity", "volunteer")
        .order_by("shift__starts_at", "pk")
    )
    checkins: list[CheckIn] = []
    to_confirm: list[int] = []
    for enrollment in attended:
        shift = enrollment.shift
        started = shift.starts_at + dt.timedelta(minutes=rng.randint(-12, 10))
        ended = shift.ends_at + dt.timedelta(minutes=rng.randint(-10, 12))
        source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        for kind, at in (("in", started), ("out", ended)):
            key = f"demo-{enrollment.pk}-{kind}"
            checkins.append(
                CheckIn(
                    enrollment=enrollment,
                    kind=kind,
                    method=source,
                    at=at,
                    idempotency_key=key,
                    payload_sha256=hashlib.sha256(key.encode()).hexdigest(),
                    recorded_by=admin,
                )
            )
        try:
            record = record_from_attendance(
                enrollment=enrollment, started_at=started, ended_at=ended, source=source, actor=admin
            )
        except Refused:
            counts["refused"] += 1
            continue
        if record is None:  # a training session whose time the city does not count
            continue
        counts["records"] += 1
        if timezone.localtime(shift.starts_at).date() < today - dt.timedelta(days=PENDING_DAYS):
            to_confirm.append(record.pk)
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    counts["checkins"] = len(checkins)
    for start in range(0, len(to_confirm), 500):
        counts["confirmed"] += records_confirm(
            actor=admin,
            ids=to_confirm[start : start + 500],
            rating=rng.choice([4, 5]),
            evaluation="服务认真负责",
        )
    _makeup_hours(rng, today, admin, counts)
    _one_dispute(today, admin, counts)
    _certificates(admin, counts)
    # Every confirmation above sealed its records; the hourly safety net finds nothing left.
    seal_unsealed()
    counts["seals"] = Seal.objects.count()
    return dict(counts)


def _makeup_hours(rng, today, admin, counts) -> None:
    """Two organizations' admins file make-up hours; the city admin (a second person) approves."""
    requests = []
    for grant in Grant.objects.filter(role=Grant.Role.ORG_ADMIN).select_related("user", "organization")[:3]:
        member = (
            Membership.objects.filter(
                organization=grant.organization, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
            )
            .select_related("volunteer")
            .order_by("pk")
            .first()
        )
        if member is None:
            continue
        day = today - dt.timedelta(days=rng.randint(3, 20))
        start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 14, 0))
        try:
            requests.append(
                makeup_request_create(
                    actor=grant.user,
                    volunteer=member.volunteer,
                    organization=grant.organization,
                    started_at=start,
                    ended_at=start + dt.timedelta(hours=2),
                    reason="手机没电未能扫码签到，队长现场确认在岗。",
                )
            )
        except (FieldErrors, Refused):
            continue
    for makeup in requests[:2]:
        makeup_request_approve(actor=admin, makeup=makeup)
        counts["makeup_approved"] += 1
    counts["makeup_pending"] = len(requests) - min(len(requests), 2)


def _one_dispute(today, admin, counts) -> None:
    record = (
        ServiceRecord.objects.filter(
            status=ServiceRecord.Status.CONFIRMED, kind=ServiceRecord.Kind.SERVICE, minutes__gte=120
        )
        .select_related("volunteer")
        .order_by("-service_date", "pk")
        .first()
    )
    if record is None:
        return
    dispute = dispute_open(
        volunteer=record.volunteer,
        record=record,
        reason="我当天服务到活动结束，签退时扫码失败，实际时长应更长。",
        claimed_minutes=record.minutes + 30,
    )
    dispute_accept(actor=admin, dispute=dispute, minutes=record.minutes + 30, answer="经队长核实，已更正。")
    counts["disputes"] = 1


def _certificates(admin, counts) -> None:
    """A few volunteers with the most hours ask their main organization for a certificate."""
    top = (
        ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED)
        .values("volunteer_id", "organization_id")
        .order_by("volunteer_id", "organization_id")
    )
    seen, pairs = set(), []
    for row in top:
        if row["volunteer_id"] not in seen:
            seen.add(row["volunteer_id"])
            pairs.append(row)
        if len(pairs) == 4:
            break
    for i, row in enumerate(pairs):
        volunteer = Volunteer.objects.get(pk=row["volunteer_id"])
        issuer = Organization.objects.get(pk=row["organization_id"])
        try:
            certificate = certificate_request(
                volunteer=volunteer, issuer=issuer, all_organizations=False, purpose="入学材料"
            )
        except (FieldErrors, Refused):
            continue
        if i < 3:
            certificate_issue(actor=admin, certificate=certificate)
            counts["certificates_issued"] += 1
        else:
            counts["certificates_requested"] += 1
