"""Service records: from attendance to the ledger, confirmation (hash chain, rollups, stars),
rejection, and appended rows (reversals, corrections, make-up hours) — DESIGN §5.

A confirmed row is never changed by the application. The only write that touches a record's
status is a guarded `UPDATE … WHERE status = 'pending'` (confirm or reject); no code path here
calls `save()` on an existing record.

Locking (docs/locking.md): extending a volunteer's chain locks their ChainHead row
(`get_or_create`, then `select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions
serialize writers); a bulk confirmation takes the heads in volunteer pk order, so two bulks
never deadlock. VolunteerHours and MonthlyRollup rows belong to one volunteer, so the head lock
serializes their updates too; they change in the transaction that chains the record.
Creating a record from attendance first locks the volunteer row (`FOR NO KEY UPDATE`) so that
two check-outs at once cannot both pass the overlap rule and the daily cap.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Enrollment
from huiguang.attendance.signals import NOTHING_TO_COUNT
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.scope import scope_for
from huiguang.volunteers.models import Volunteer

from ..chain import GENESIS, record_hash
from ..models import ChainHead, MonthlyRollup, ServiceRecord, StarPolicy, VolunteerHours

R = ServiceRecord
ATTENDANCE_SOURCES = (R.Source.QR, R.Source.CODE_GPS, R.Source.LEADER, R.Source.ECARD)
# The fields of the 2012 记录办法 (and the note) a caller of record_append may set.
APPENDABLE_FIELDS = (
    "activity_name",
    "place",
    "recipients",
    "content",
    "evaluation",
    "rating",
    "responsible_person",
    "recorder",
    "note",
    "region_code",
    "shift",
    "enrollment",
)


# --- who may confirm ----------------------------------------------------------------------------------


def managed_q(user, prefix: str = "organization__") -> Q | None:
    """Records (via `prefix`) of organizations `user` administers: admins of the organization or an
    ancestor, region admins of its region subtree, city admins. Leaders and auditors: None."""
    scope = scope_for(user)
    if not scope.can_write:
        return None
    return scope.managed_organizations_q(prefix)


def may_manage_records(user, organization) -> bool:
    return scope_for(user).manages(organization)


def actor_name(user) -> str:
    if user is None:
        return ""
    volunteer = Volunteer.objects.filter(user_id=user.pk).only("real_name").first()
    name = (volunteer.real_name if volunteer else "") or getattr(user, "display_name", "")
    return (name or str(getattr(user, "phone", "")))[:64]


# --- rules ----------------------------------------------------------------------------------------------


def attended_window(shift, started_at: dt.datetime, ended_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The presence counted for a shift: its overlap with the shift window, whole shift minutes
    only (travel and waiting outside the shift never count). The grace
    (HUIGUANG_CHECKIN_GRACE_MINUTES) forgives the queue at the door: checking in up to `grace`
    after the start counts from the start, checking out up to `grace` before the end counts to
    the end. Beyond the grace the actual times count."""
    grace = dt.timedelta(minutes=settings.HUIGUANG_CHECKIN_GRACE_MINUTES)
    start = shift.starts_at if started_at <= shift.starts_at + grace else started_at
    end = shift.ends_at if ended_at >= shift.ends_at - grace else ended_at
    return max(start, shift.starts_at), min(end, shift.ends_at)


def whole_minutes(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def _counted(volunteer_id: int):
    """Records that count against the overlap rule and the daily cap: not rejected, not a reversal,
    not reversed (a dispute's correction replaces the reversed row)."""
    return (
        R.objects.filter(volunteer_id=volunteer_id)
        .exclude(status=R.Status.REJECTED)
        .exclude(kind=R.Kind.REVERSAL)
        .exclude(reversals__status__in=[R.Status.PENDING, R.Status.CONFIRMED])
    )


def _check_overlap(volunteer_id: int, started_at, ended_at) -> None:
    if started_at is None or ended_at is None:
        return
    if _counted(volunteer_id).filter(started_at__lt=ended_at, ended_at__gt=started_at).exists():
        raise Refused("OVERLAPS", _("This time overlaps another record of the volunteer."))


def _check_daily_cap(volunteer_id: int, day: dt.date, minutes: int) -> None:
    cap = settings.HUIGUANG_DAILY_CAP_HOURS * 60
    already = (
        R.objects.filter(volunteer_id=volunteer_id, service_date=day)
        .exclude(status=R.Status.REJECTED)
        .aggregate(n=Sum("minutes"))["n"]
        or 0
    )
    if already + minutes > cap:
        raise Refused(
            "DAILY_CAP",
            _("A day counts at most %(hours)d hours; %(done)s h are already recorded on %(day)s.")
            % {"hours": settings.HUIGUANG_DAILY_CAP_HOURS, "done": f"{already / 60:.1f}", "day": day},
        )


def _lock_volunteer(volunteer_id: int) -> None:
    if connection.vendor == "postgresql":
        list(Volunteer.objects.select_for_update(no_key=True).filter(pk=volunteer_id).values_list("pk"))


# --- from attendance --------------------------------------------------------------------------------------


def record_from_attendance(
    *,
    enrollment,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    source: str,
    actor=None,
    pending_note: str = "",
) -> ServiceRecord:
    """A pending record for one check-in/check-out pair (several pairs a day: one record each).

    Refuses OUTSIDE_SHIFT (no minute inside the shift), OVERLAPS (another record of the
    volunteer at that time) and DAILY_CAP (the day's total would pass the cap)."""
    if source not in R.Source.values:
        raise FieldErrors({"source": [_("Unknown source.")]})
    if ended_at <= started_at:
        raise FieldErrors({"ended_at": [_("The check-out must come after the check-in.")]})
    shift = enrollment.shift
    activity = shift.activity
    organization = activity.organization
    start, end = attended_window(shift, started_at, ended_at)
    minutes = whole_minutes(start, end)
    if minutes <= 0:
        raise Refused(NOTHING_TO_COUNT, _("No time inside the shift was recorded."))
    day = timezone.localdate(start)
    description = activity.description.strip().splitlines()
    with transaction.atomic():
        _lock_volunteer(enrollment.volunteer_id)
        _check_overlap(enrollment.volunteer_id, start, end)
        _check_daily_cap(enrollment.volunteer_id, day, minutes)
        record = R.objects.create(
            volunteer_id=enrollment.volunteer_id,
            organization=organization,
            activity=activity,
            shift=shift,
            enrollment=enrollment,
            region_code=activity.region.code,
            service_date=day,
            started_at=start,
            ended_at=end,
            minutes=minutes,
            kind=R.Kind.SERVICE,
            source=source,
            is_credit=source in ATTENDANCE_SOURCES,
            status=R.Status.PENDING,
            activity_name=activity.title[:200],
            place=(activity.address or (activity.site.name if activity.site_id else ""))[:200],
            recipients=(description[0].strip() if description else activity.category.name)[:200],
            content=shift.name[:300],
            responsible_person=organization.contact_name[:64],
            recorder=actor_name(actor),
            note=(pending_note or "")[:300],
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        Enrollment.objects.filter(
            pk=enrollment.pk, status__in=[Enrollment.Status.CONFIRMED, Enrollment.Status.NO_SHOW]
        ).update(status=Enrollment.Status.ATTENDED, updated_at=timezone.now())
    return record


# --- the chain, rollups and stars ---------------------------------------------------------------------


def current_policy() -> StarPolicy | None:
    return StarPolicy.objects.filter(effective_from__lte=timezone.now()).order_by("-version").first()


def star_for(total_minutes: int, policy: StarPolicy | None) -> int:
    if policy is None:
        return 0
    return sum(1 for hours in policy.thresholds_hours if total_minutes >= int(hours) * 60)


def _lock_head(volunteer_id: int) -> ChainHead:
    head, _created = ChainHead.objects.get_or_create(volunteer_id=volunteer_id)
    if connection.vendor == "postgresql":
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
    return head


def _add_to_rollups(record: ServiceRecord, policy: StarPolicy | None) -> tuple[int, int]:
    """Adds a just-confirmed record to the volunteer's totals and month row; (old star, new star)."""
    credit = record.minutes if record.is_credit else 0
    month = record.service_date.replace(day=1)
    rollup, _c = MonthlyRollup.objects.get_or_create(
        volunteer_id=record.volunteer_id,
        organization_id=record.organization_id,
        month=month,
        defaults={"region_code": record.organization.region.code},
    )
    MonthlyRollup.objects.filter(pk=rollup.pk).update(
        minutes=F("minutes") + record.minutes,
        credit_minutes=F("credit_minutes") + credit,
        records=F("records") + 1,
    )
    hours, _c = VolunteerHours.objects.get_or_create(volunteer_id=record.volunteer_id)
    old_star = hours.star
    total = hours.total_minutes + record.minutes  # the head lock serializes this volunteer's updates
    new_star = star_for(total, policy)
    VolunteerHours.objects.filter(pk=hours.pk).update(
        total_minutes=F("total_minutes") + record.minutes,
        credit_minutes=F("credit_minutes") + credit,
        star=new_star,
        policy_version=policy.version if policy else None,
        updated_at=timezone.now(),
    )
    return old_star, new_star


def notify_star(volunteer: Volunteer, star: int) -> None:
    from huiguang.notifications.services import notify

    notify(
        user=volunteer.user,
        kind="ledger.star",
        title=_("You reached %(n)d stars") % {"n": star},
        body=_("Thank you: your confirmed service hours reached the %(n)d-star level.") % {"n": star},
        url=reverse("ledger:my_hours") if _has_url("ledger:my_hours") else "",
        dedupe_key=f"star-{star}",
    )


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _chain(record: ServiceRecord, *, actor, policy, rating=None, evaluation=None) -> bool:
    """Confirm one pending record and extend its volunteer's chain. Inside an atomic block.
    False when the record was no longer pending (confirmed or rejected meanwhile)."""
    head = _lock_head(record.volunteer_id)
    record.status = R.Status.CONFIRMED
    record.confirmed_by = actor if actor is not None and actor.is_authenticated else None
    record.confirmed_at = timezone.now()
    record.chain_index = head.length + 1
    record.prev_hash = head.head_hash or GENESIS
    if rating is not None:
        record.rating = rating
    if evaluation:
        record.evaluation = evaluation[:200]
    record.hash = record_hash(record.prev_hash, record)
    # The one transition a record ever makes after it is written: pending → confirmed.
    updated = R.objects.filter(pk=record.pk, status=R.Status.PENDING).update(
        status=record.status,
        confirmed_by=record.confirmed_by,
        confirmed_at=record.confirmed_at,
        chain_index=record.chain_index,
        prev_hash=record.prev_hash,
        hash=record.hash,
        rating=record.rating,
        evaluation=record.evaluation,
    )
    if updated != 1:
        return False
    ChainHead.objects.filter(pk=head.pk).update(
        length=record.chain_index, head_hash=record.hash, updated_at=record.confirmed_at
    )
    old_star, new_star = _add_to_rollups(record, policy)
    if new_star > old_star:
        notify_star(record.volunteer, new_star)
    return True


def records_confirm(*, actor, ids: list[int], rating: int | None = None, evaluation: str = "") -> int:
    """Confirm pending records of organizations the actor administers; returns how many.

    Others' records, and records no longer pending, are skipped (a bulk confirmation of a page
    that someone else partly handled confirms the rest)."""
    if rating is not None and not 1 <= int(rating) <= 5:
        raise FieldErrors({"rating": [_("Give a rating from 1 to 5.")]})
    evaluation = (evaluation or "").strip()
    if len(evaluation) > 200:
        raise FieldErrors({"evaluation": [_("At most 200 characters.")]})
    q = managed_q(actor)
    ids = [int(i) for i in ids][:1000]
    if q is None or not ids:
        return 0
    policy = current_policy()
    done = 0
    with transaction.atomic():
        records = list(
            R.objects.filter(q, pk__in=ids, status=R.Status.PENDING)
            .select_related("volunteer", "volunteer__user", "organization", "organization__region")
            .order_by("volunteer_id", "pk")  # heads locked in volunteer pk order: no deadlock
        )
        for record in records:
            done += _chain(record, actor=actor, policy=policy, rating=rating, evaluation=evaluation)
        if done:
            audit_log(action="records.confirm", actor=actor, count=done, ids=[r.pk for r in records][:200])
    return done


def record_reject(*, actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Give a reason for the volunteer.")]})
    if len(reason) > 300:
        raise FieldErrors({"reason": [_("At most 300 characters.")]})
    if not may_manage_records(actor, record.organization):
        raise PermissionDenied
    with transaction.atomic():
        updated = R.objects.filter(pk=record.pk, status=R.Status.PENDING).update(
            status=R.Status.REJECTED, note=reason
        )
        if updated != 1:
            raise Refused("NOT_PENDING", _("This record is no longer awaiting confirmation."))
        audit_log(action="record.reject", actor=actor, obj=record, reason=reason)
    record.refresh_from_db()
    return record


# --- appended rows: reversals, corrections, make-up hours -------------------------------------------------


def record_append(
    *,
    actor,
    volunteer,
    organization,
    kind: str,
    source: str,
    minutes: int,
    service_date: dt.date,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    is_credit: bool = False,
    activity=None,
    reverses: ServiceRecord | None = None,
    dispute=None,
    fields: dict | None = None,
    confirm: bool = True,
) -> ServiceRecord:
    """Append a row (a reversal with negative minutes, a correction, make-up hours, an import);
    with confirm=True it is confirmed and chained in the same transaction.

    A reversal mirrors the row it reverses (same credit flag, at most its minutes) and a row is
    reversed once; other rows obey the overlap rule and the daily cap like attendance."""
    if kind not in R.Kind.values or source not in R.Source.values:
        raise FieldErrors({"kind": [_("Unknown kind or source.")]})
    if actor is not None and not may_manage_records(actor, organization):
        raise PermissionDenied
    extra = {k: v for k, v in (fields or {}).items() if k in APPENDABLE_FIELDS}
    if kind == R.Kind.REVERSAL:
        if reverses is None or reverses.status != R.Status.CONFIRMED or reverses.volunteer_id != volunteer.pk:
            raise Refused("NOT_REVERSIBLE", _("Only a confirmed record of this volunteer can be reversed."))
        if minutes > 0 or -minutes > reverses.minutes:
            raise FieldErrors({"minutes": [_("A reversal takes back at most the record's minutes.")]})
        is_credit = reverses.is_credit
    elif minutes < 0:
        raise FieldErrors({"minutes": [_("Minutes cannot be negative.")]})
    if kind in (R.Kind.MAKEUP, R.Kind.IMPORT):
        is_credit = False  # 荣誉时数, never credit hours (DESIGN §5)
    with transaction.atomic():
        _lock_volunteer(volunteer.pk)
        if (
            reverses is not None
            and R.objects.filter(reverses=reverses).exclude(status=R.Status.REJECTED).exists()
        ):
            raise Refused("ALREADY_REVERSED", _("This record has already been reversed."))
        if kind != R.Kind.REVERSAL:
            _check_overlap(volunteer.pk, started_at, ended_at)
            _check_daily_cap(volunteer.pk, service_date, minutes)
        record = R.objects.create(
            volunteer=volunteer,
            organization=organization,
            activity=activity,
            region_code=extra.pop("region_code", None)
            or (activity.region.code if activity is not None else organization.region.code),
            service_date=service_date,
            started_at=started_at,
            ended_at=ended_at,
            minutes=minutes,
            kind=kind,
            source=source,
            is_credit=is_credit,
            status=R.Status.PENDING,
            activity_name=(extra.pop("activity_name", "") or (activity.title if activity else ""))[:200],
            reverses=reverses,
            dispute=dispute,
            recorder=(extra.pop("recorder", "") or actor_name(actor))[:64],
            created_by=actor if actor is not None and actor.is_authenticated else None,
            **extra,
        )
        if confirm:
            record.organization = organization
            _chain(record, actor=actor, policy=current_policy())
        audit_log(action=f"record.append.{kind}", actor=actor, obj=record, minutes=minutes)
    record.refresh_from_db()
    return record


# --- star policy ---------------------------------------------------------------------------------------


def star_expression(policy: StarPolicy | None):
    """The star of a VolunteerHours row under `policy`, as one SQL expression."""
    thresholds = [int(h) for h in (policy.thresholds_hours if policy else [])]
    whens = [
        When(total_minutes__gte=hours * 60, then=Value(level))
        for level, hours in sorted(enumerate(thresholds, start=1), reverse=True)
    ]
    if not whens:
        return Value(0)
    return Case(*whens, default=Value(0), output_field=IntegerField())


def star_policy_save(*, actor, thresholds_hours: list[int]) -> StarPolicy:
    """A new version of the city's star policy, effective now; every volunteer's star is
    recomputed in one UPDATE and the volunteers who went up are notified (once per level)."""
    if not scope_for(actor).city_admin:
        raise PermissionDenied
    try:
        hours = [int(h) for h in thresholds_hours]
    except (TypeError, ValueError):
        raise FieldErrors({"thresholds_hours": [_("Give whole numbers of hours.")]}) from None
    if (
        len(hours) != 5
        or hours[0] <= 0
        or any(b <= a for a, b in zip(hours, hours[1:], strict=False))
        or hours[-1] > 100000
    ):
        raise FieldErrors(
            {"thresholds_hours": [_("Give five increasing numbers of hours, one for each star from 1 to 5.")]}
        )
    with transaction.atomic():
        last = StarPolicy.objects.select_for_update().order_by("-version").first()
        policy = StarPolicy.objects.create(
            version=(last.version + 1) if last else 1,
            thresholds_hours=hours,
            effective_from=timezone.now(),
            created_by=actor,
        )
        new_star = star_expression(policy)
        upgraded = list(
            VolunteerHours.objects.annotate(new_star=new_star)
            .filter(new_star__gt=F("star"))
            .select_related("volunteer", "volunteer__user")
            .values_list("volunteer_id", "new_star")
        )
        VolunteerHours.objects.update(star=new_star, policy_version=policy.version, updated_at=timezone.now())
        volunteers = Volunteer.objects.select_related("user").in_bulk([v for v, _s in upgraded])
        for volunteer_id, star in upgraded:
            notify_star(volunteers[volunteer_id], star)
        audit_log(
            action="star_policy.create", actor=actor, obj=policy, thresholds=hours, upgraded=len(upgraded)
        )
    return policy


# --- rollups rebuilt from the ledger ------------------------------------------------------------------


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
