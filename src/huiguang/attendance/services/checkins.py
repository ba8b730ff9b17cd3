"""Check-in and check-out (DESIGN §4, §5): one write behind the four ways.

Every way ends in `checkin_record` (or `checkin_toggle`, which decides in or out itself): a
CheckIn row with a unique idempotency key and the SHA-256 of the request's payload. A retry with
the same key and payload gets the first row back; the same key with another payload is refused
(FieldErrors → 422). A check-out closes the volunteer's last open check-in and announces the pair
(signals.checked_out; the ledger records it) in the same transaction: a receiver's refusal rolls
the check-out back, except NOTHING_TO_COUNT.

Locking (docs/locking.md): the first statement of the transaction reads the enrollment and locks
its volunteer's row (FOR NO KEY UPDATE OF volunteer on PostgreSQL; SQLite's IMMEDIATE
transaction serializes every writer); the check-ins the rules need are read by the next
statement, so on committed data. Two different check-ins of one person at once cannot both pass
the pair limit. Idempotency is the unique key itself (issue 14: no read before the insert): 20
identical requests at once make one row; the 19 others fail the insert (or a rule) and, after
the rollback, get the first row back.

Queries (pinned by tests/attendance/test_query_counts.py): a check-in is the enrollment + lock,
the check-ins, the insert and the audit entry (one statement on PostgreSQL); a check-out adds the
ledger's rule check, its insert and the enrollment's attended mark
(ledger.services.records.record_from_attendance).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.models import Category, Enrollment, Shift
from huiguang.core.audit import audit_log, audited_create
from huiguang.core.compiled import CompiledInsert, CompiledQuery
from huiguang.core.errors import FieldErrors, Refused
from huiguang.network.models import Organization, Region, Site
from huiguang.volunteers.models import Volunteer

from ..models import CheckIn
from ..selectors import CHECKIN_STATUSES, OPENS_BEFORE
from ..signals import NOTHING_TO_COUNT, checked_out

IN, OUT = CheckIn.Kind.IN, CheckIn.Kind.OUT
_INSERT = CompiledInsert(CheckIn)  # the check-in's row: its INSERT built once (core.compiled)
M = CheckIn.Method
KEY_MAX = 80


class Reason:
    NOT_ENROLLED = "NOT_ENROLLED"
    ALREADY_IN = "ALREADY_IN"
    NOT_IN = "NOT_IN"
    TOO_MANY_PAIRS = "TOO_MANY_PAIRS"
    NOT_OPEN = "NOT_OPEN"
    SHIFT_OVER = "SHIFT_OVER"
    QR_INVALID = "QR_INVALID"
    QR_EXPIRED = "QR_EXPIRED"
    WRONG_CODE = "WRONG_CODE"
    NO_LOCATION = "NO_LOCATION"
    TOO_FAR = "TOO_FAR"
    ECARD_INVALID = "ECARD_INVALID"
    ECARD_EXPIRED = "ECARD_EXPIRED"
    NOT_A_VOLUNTEER = "NOT_A_VOLUNTEER"


def payload_digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > KEY_MAX:
        raise FieldErrors({"idempotency_key": [_("Send an idempotency key of 1 to 64 characters.")]})


# What a check-in reads of the enrollment (and the audit entry's label: volunteer, shift, activity
# title), in one narrow query: four tables. A check-out (or a scan that may turn out to be one)
# also reads what the ledger's record copies: RECORD_FIELDS and RECORD_NAMES (issue 14).
CHECKIN_FIELDS = (
    "id",
    "status",
    "shift_id",
    "volunteer_id",
    "volunteer__id",
    "volunteer__real_name",
    "volunteer__user_id",
    "shift__id",
    "shift__name",
    "shift__starts_at",
    "shift__ends_at",
    "shift__activity_id",
    "shift__activity__id",
    "shift__activity__title",
)
RECORD_FIELDS = (
    *CHECKIN_FIELDS,
    "shift__activity__description",
    "shift__activity__address",
    "shift__activity__course_id",
    "shift__activity__organization_id",
    "shift__activity__region_id",
    "shift__activity__category_id",
    "shift__activity__site_id",
)
# What the ledger's record copies from the activity's organization, region, category and site:
# scalar subqueries, not joins (issue 14: PostgreSQL took 2.3 ms to plan the eight-table join,
# which it ran in 0.3 ms; the four subqueries plan in a tenth of that). (annotation, model, field)
RECORD_NAMES = (
    ("organization", Organization, "contact_name"),
    ("region", Region, "code"),
    ("category", Category, "name"),
    ("site", Site, "name"),
)


def _record_name(relation: str, model, field: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(f"shift__activity__{relation}_id")).values(field)[:1])


def enrollments_for_checkin(*, lock: bool = True, for_record: bool = True):
    """Enrollments with what a check-in reads (`for_record`: and, as `record_<relation>`
    annotations, what the ledger's record of a check-out copies; EnrollmentLookup.get puts them in
    place), the volunteer's row locked (FOR NO KEY UPDATE OF volunteer on PostgreSQL; nothing on
    SQLite, whose IMMEDIATE transaction serializes writers). Call inside the check-in's
    transaction. No ordering: a look-up orders by what it needs."""
    enrollments = Enrollment.objects.select_related("volunteer", "shift__activity").order_by()
    if for_record:
        enrollments = enrollments.only(*RECORD_FIELDS).annotate(
            **{
                f"record_{relation}": _record_name(relation, model, field)
                for relation, model, field in RECORD_NAMES
            }
        )
    else:
        enrollments = enrollments.only(*CHECKIN_FIELDS)
    return enrollments.select_for_update(no_key=True, of=("volunteer",)) if lock else enrollments


def _put_record_names(enrollment: Enrollment) -> None:
    """The activity's organization, region, category and site as the ledger reads them (only the
    copied field loaded, like .only()), from enrollments_for_checkin's annotations."""
    activity = enrollment.shift.activity
    for relation, model, field in RECORD_NAMES:
        pk = getattr(activity, f"{relation}_id")
        value = getattr(enrollment, f"record_{relation}")
        related = None if pk is None else model.from_db(enrollment._state.db, ["id", field], [pk, value])
        setattr(activity, relation, related)


class EnrollmentLookup:
    """How a way finds the enrollment to check in or out: `where(p)` (a Q of the parameters in
    `p`), the newest match, read with its volunteer locked; compiled once per connection in its
    two widths (core.compiled: the SQL compilation cost more than the query)."""

    def __init__(self, where, **params: type) -> None:
        def build(for_record: bool):
            return lambda p: (
                enrollments_for_checkin(for_record=for_record).filter(where(p)).order_by("-pk")[:1]
            )

        self.for_checkin = CompiledQuery(build(False), **params)
        self.for_record = CompiledQuery(build(True), **params)

    def get(self, kind: str | None, values: dict) -> Enrollment | None:
        """The enrollment, None for none; `kind` IN reads only what a check-in needs, otherwise
        also what the ledger's record of a check-out copies."""
        if kind == IN:
            return self.for_checkin.first(**values)
        enrollment = self.for_record.first(**values)
        if enrollment is not None:
            _put_record_names(enrollment)
        return enrollment


BY_ENROLLMENT = EnrollmentLookup(lambda p: Q(pk=p.enrollment), enrollment=int)


# The check-in made with a key, as its answer shows it: compiled once (core.compiled). A phone's
# retry (a quarter of the check-in requests at a busy site) reads it after its rollback.
_BY_KEY = CompiledQuery(
    lambda p: (
        CheckIn.objects.select_related("enrollment__shift", "enrollment__volunteer")
        .only(
            "id",
            "enrollment_id",
            "kind",
            "method",
            "at",
            "payload_sha256",
            "enrollment__id",
            "enrollment__shift_id",
            "enrollment__volunteer_id",
            "enrollment__shift__id",
            "enrollment__shift__name",
            "enrollment__volunteer__id",
            "enrollment__volunteer__real_name",
        )
        .filter(idempotency_key=p.key)
        .order_by()[:1]
    ),
    key=str,
)


def checkin_existing(idempotency_key: str, payload: dict) -> CheckIn | None:
    """The check-in made earlier with this key and payload, None if the key is new; the same key
    with another payload raises FieldErrors."""
    if not idempotency_key or not isinstance(idempotency_key, str):
        return None  # no check-in has one (_check_key refuses it)
    found = _BY_KEY.first(key=idempotency_key)
    if found is not None and found.payload_sha256 != payload_digest(payload):
        raise FieldErrors(
            {"idempotency_key": [_("This idempotency key was already used for a different check-in.")]}
        )
    return found


def lock_volunteer(volunteer_id: int) -> None:
    if connection.vendor == "postgresql":
        list(
            Volunteer.objects.select_for_update(no_key=True)
            .filter(pk=volunteer_id)
            .order_by()
            .values_list("pk")
        )


def _day_bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = timezone.localdate(at)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def checkin_record(
    *,
    enrollment: Enrollment,
    kind: str,
    method: str,
    at: dt.datetime,
    idempotency_key: str,
    payload: dict,
    lat=None,
    lng=None,
    device: str = "",
    actor,
    pending_note: str = "",
) -> tuple[CheckIn, bool]:
    """Check `enrollment`'s volunteer in or out; (check-in, created). Raises Refused (409) for the
    rules, FieldErrors (422) for a reused key with another payload."""
    if kind not in CheckIn.Kind.values:
        raise FieldErrors({"kind": [_("Choose check-in or check-out.")]})
    return checkin_write(
        **_of_enrollment(enrollment),
        kind=kind,
        method=method,
        at=at,
        idempotency_key=idempotency_key,
        payload=payload,
        lat=lat,
        lng=lng,
        device=device,
        actor=actor,
        pending_note=pending_note,
    )


def checkin_toggle(
    *,
    enrollment: Enrollment,
    method: str,
    at: dt.datetime,
    idempotency_key: str,
    payload: dict,
    lat=None,
    lng=None,
    device: str = "",
    actor,
) -> tuple[CheckIn, bool]:
    """Check in, or out when the volunteer is in (the QR code, the code and the e-card toggle)."""
    return checkin_write(
        **_of_enrollment(enrollment),
        kind=None,
        method=method,
        at=at,
        idempotency_key=idempotency_key,
        payload=payload,
        lat=lat,
        lng=lng,
        device=device,
        actor=actor,
        pending_note="",
    )


def _coord(value):
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise FieldErrors({"lat": [_("Send the location as decimal degrees.")]}) from None


def _of_enrollment(enrollment: Enrollment) -> dict:
    """checkin_write's look-up of one known enrollment."""
    return {
        "lookup": BY_ENROLLMENT,
        "values": {"enrollment": enrollment.pk},
        "missing": lambda: Refused(Reason.NOT_ENROLLED, _("This sign-up no longer exists.")),
    }


def checkin_write(
    *,
    lookup: EnrollmentLookup,
    values: dict,
    missing,
    kind: str | None,
    method: str,
    at: dt.datetime,
    idempotency_key: str,
    payload: dict,
    lat=None,
    lng=None,
    device: str = "",
    actor,
    pending_note: str = "",
) -> tuple[CheckIn, bool]:
    """The one write behind every way: in one transaction, the enrollment `lookup` finds with
    `values` (none: `missing()` is raised) read with its volunteer locked, the volunteer's check-ins
    for the rules, the CheckIn row, on a check-out the ledger's record (signal), the audit entry.

    Idempotency by the unique key itself, not by a read before: a retry fails the insert (or a
    rule, e.g. ALREADY_IN), the transaction rolls back, and only then is the key looked up — the
    first answer comes back (or 422 for another payload). `kind` None: in, or out when in."""
    _check_key(idempotency_key)
    if method not in M.values:
        raise FieldErrors({"method": [_("Unknown check-in method.")]})
    digest = payload_digest(payload)
    try:
        with transaction.atomic():
            enrollment = lookup.get(kind, values)
            if enrollment is None:
                raise missing()
            shift = enrollment.shift
            opened, pairs = _state(enrollment, at)
            if kind is None:
                kind = OUT if opened is not None else IN
            if kind == IN:
                _check_in_allowed(enrollment, shift, opened, pairs, at)
            elif opened is None:
                raise Refused(
                    Reason.NOT_IN,
                    _("%(name)s has not checked in to this shift.")
                    % {"name": enrollment.volunteer.real_name},
                )
            elif at < opened[1]:
                raise FieldErrors({"at": [_("A check-out cannot be earlier than its check-in.")]})
            row = {
                "enrollment": enrollment,
                "kind": kind,
                "method": method,
                "at": at,
                "lat": _coord(lat),
                "lng": _coord(lng),
                "device": (device or "")[:200],
                "idempotency_key": idempotency_key,
                "payload_sha256": digest,
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            }
            if kind == OUT:
                assert opened is not None  # a check-out without a check-in was refused above
                checkin = _INSERT.create(**row)
                recorded = _announce_checkout(enrollment, opened[1], checkin, actor, pending_note)
                audit_log(
                    action="attendance.check_out",
                    actor=actor,
                    obj=checkin,
                    method=method,
                    enrollment=enrollment.pk,
                    recorded=recorded,
                )
            else:
                # The row and its audit entry in one statement on PostgreSQL (core.audit).
                checkin = audited_create(
                    _INSERT,
                    row,
                    action="attendance.check_in",
                    actor=actor,
                    method=method,
                    enrollment=enrollment.pk,
                    recorded=False,
                )
    except (IntegrityError, Refused, FieldErrors):
        # A retry: its insert hit the unique key (or a rule refused it, e.g. ALREADY_IN because the
        # first request checked in). The transaction is rolled back; the first answer is returned.
        found = checkin_existing(idempotency_key, payload)
        if found is None:
            raise
        return found, False
    return checkin, True


# The enrollment's own check-ins and the volunteer's check-ins to the activity on the day (a
# handful by the pair limit): compiled once (core.compiled).
_STATE = CompiledQuery(
    lambda p: (
        CheckIn.objects.filter(
            Q(enrollment_id=p.enrollment)
            | Q(kind=IN, at__gte=p.start, at__lt=p.end, enrollment__shift__activity_id=p.activity),
            # The enrollment is the volunteer's: this changes no answer, and lets the database
            # start from the volunteer's few enrollments instead of every check-in.
            enrollment__volunteer_id=p.volunteer,
        )
        .values_list("pk", "enrollment_id", "kind", "at")
        .order_by()
    ),
    enrollment=int,
    start=dt.datetime,
    end=dt.datetime,
    volunteer=int,
    activity=int,
)


def _state(enrollment: Enrollment, at: dt.datetime) -> tuple[tuple[int, dt.datetime] | None, int]:
    """(the enrollment's open check-in as (pk, at), or None; the volunteer's check-ins to the
    activity on `at`'s day), from one narrow query read after the volunteer's lock."""
    start, end = _day_bounds(at)
    rows = _STATE.rows(
        enrollment=enrollment.pk,
        start=start,
        end=end,
        volunteer=enrollment.volunteer_id,
        activity=enrollment.shift.activity_id,
    )
    last = None
    pairs = 0
    for pk, enrollment_id, kind, when in rows:
        if enrollment_id == enrollment.pk and (last is None or (when, pk) > (last[3], last[0])):
            last = (pk, enrollment_id, kind, when)
        if kind == IN and start <= when < end:
            pairs += 1
    opened = (last[0], last[3]) if last is not None and last[2] == IN else None
    return opened, pairs


def _announce_checkout(
    enrollment: Enrollment, opened_at: dt.datetime, checkin: CheckIn, actor, pending_note: str
) -> bool:
    """Announce the pair to the receivers of `checked_out` (the ledger records it); False when
    nobody recorded it: it holds no minute of the shift (checked in and out before the start, or
    within the same minute). The check-out stands then, there is nothing to count."""
    if checkin.at <= opened_at:
        return False
    try:
        answers = checked_out.send(
            sender=CheckIn,
            enrollment=enrollment,
            started_at=opened_at,
            ended_at=checkin.at,
            source=checkin.method,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            pending_note=pending_note,
            volunteer_locked=True,
        )
    except Refused as exc:
        if exc.reason != NOTHING_TO_COUNT:
            raise
        return False
    return any(answer is not None for _receiver, answer in answers)


def _check_in_allowed(
    enrollment: Enrollment, shift: Shift, opened: tuple[int, dt.datetime] | None, pairs: int, at: dt.datetime
) -> None:
    name = enrollment.volunteer.real_name
    if enrollment.status not in CHECKIN_STATUSES:
        raise Refused(
            Reason.NOT_ENROLLED, _("%(name)s has no confirmed place on this shift.") % {"name": name}
        )
    if opened is not None:
        raise Refused(
            Reason.ALREADY_IN,
            _("%(name)s is already checked in (since %(time)s).")
            % {"name": name, "time": timezone.localtime(opened[1]).strftime("%H:%M")},
        )
    if at < shift.starts_at - OPENS_BEFORE:
        raise Refused(
            Reason.NOT_OPEN,
            _("Check-in opens one hour before the shift starts (%(time)s).")
            % {"time": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M")},
        )
    if at >= shift.ends_at:
        raise Refused(Reason.SHIFT_OVER, _("This shift is over: check-in is closed."))
    limit = settings.HUIGUANG_MAX_CHECKIN_PAIRS
    if pairs >= limit:
        raise Refused(
            Reason.TOO_MANY_PAIRS,
            _("At most %(n)d check-ins a day per activity: %(name)s has used them all.")
            % {"n": limit, "name": name},
        )
