"""A wall against guessing the 6-digit activity code: at most HUIGUANG_CHECKIN_CODE_LIMIT[0]
tries per volunteer and activity within HUIGUANG_CHECKIN_CODE_LIMIT[1] minutes; the try that
reaches the limit starts a wait of as many minutes. A right code empties the counter.

Locking (docs/locking.md): a try is claimed *before* the code is compared, by a guarded UPDATE
on the (volunteer, activity) counter row whose row count decides (`tries < limit`), in its own
short transaction that commits whatever the code turns out to be. So 50 wrong tries sent at once
get at most `limit` comparisons, in every process. The row itself is inserted with ON CONFLICT DO
NOTHING (`bulk_create(ignore_conflicts=True)`) and the unique (volunteer, activity) constraint:
never "check, then insert". Rows are locked in activity pk order; the transaction takes no other
lock, so it cannot deadlock with a check-in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import Refused

from ..models import CodeAttempts

TOO_MANY_TRIES = "TOO_MANY_TRIES"


class TooManyTries(Refused):
    """Too many wrong codes: 429 with the wait in seconds (the API's Retry-After)."""

    status = 429

    def __init__(self, until: dt.datetime, now: dt.datetime):
        self.retry_after = max(1, math.ceil((until - now).total_seconds()))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            TOO_MANY_TRIES,
            _("Too many tries: try again in %(minutes)d minutes.") % {"minutes": minutes},
        )


def _limit() -> tuple[int, dt.timedelta]:
    tries, minutes = settings.HUIGUANG_CHECKIN_CODE_LIMIT
    return max(int(tries), 1), dt.timedelta(minutes=max(int(minutes), 1))


def code_attempts_claim(
    *, volunteer_id: int, activity_ids: Iterable[int], now: dt.datetime | None = None
) -> tuple[list[int], dt.datetime | None]:
    """Claim one try of the code for each activity; (the activities claimed, the earliest end of
    a wait among those refused, or None when none was)."""
    now = now or timezone.now()
    limit, period = _limit()
    ends = now + period
    claimed: list[int] = []
    waits: list[dt.datetime] = []
    ids = sorted(set(activity_ids))
    with transaction.atomic():
        CodeAttempts.objects.bulk_create(
            [CodeAttempts(volunteer_id=volunteer_id, activity_id=pk, tries=0, reset_at=now) for pk in ids],
            ignore_conflicts=True,
        )
        for pk in ids:
            row = CodeAttempts.objects.filter(volunteer_id=volunteer_id, activity_id=pk)
            # A counter whose period is over starts again with this try.
            fresh = row.filter(reset_at__lte=now).update(tries=1, reset_at=ends)
            counted = fresh or row.filter(reset_at__gt=now, tries__lt=limit).update(
                tries=F("tries") + 1,
                # The try that reaches the limit starts the wait.
                reset_at=Case(When(tries__gte=limit - 1, then=Value(ends)), default=F("reset_at")),
            )
            if counted:
                claimed.append(pk)
            else:
                waits.extend(row.values_list("reset_at", flat=True))
    return claimed, min(waits) if waits else None


def code_attempts_clear(*, volunteer_id: int, activity_id: int, refund: Iterable[int] = ()) -> None:
    """The code was right for `activity_id`: empty its counter. The tries claimed at the same
    time for the volunteer's other activities nearby (`refund`) were no wrong tries of theirs."""
    with transaction.atomic():
        CodeAttempts.objects.filter(volunteer_id=volunteer_id, activity_id=activity_id).update(
            tries=0, reset_at=timezone.now()
        )
        others = sorted(set(refund) - {activity_id})
        if others:
            CodeAttempts.objects.filter(
                volunteer_id=volunteer_id, activity_id__in=others, tries__gt=0
            ).update(tries=F("tries") - 1)
