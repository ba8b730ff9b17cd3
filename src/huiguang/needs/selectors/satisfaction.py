"""Residents' satisfaction (issue 13, point 3): ratings (1–5), the response rate and home visits,
per team, organization subtree, category, community or region subtree, per month.

- mean rating: the average score of the ratings given in the month (Rating.month);
- response rate: of the rating links sent in the month (one per closed request: RatingInvite),
  the share whose request was rated (whenever) — rated ÷ closed-and-invited;
- home visits: visits logged in the month.

Every figure is one GROUP BY over the small ratings, invites or visits tables; subtrees are summed
from the per-path rows by the caller (reports/measures.py) or filtered by path prefix here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import models
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.compiled import CompiledByLength
from huiguang.network.scope import scope_for

from ..models import Rating, RatingInvite, Visit


class Grouping(models.TextChoices):
    ORGANIZATION = "organization", _("team")
    REGION = "region", _("community")
    CATEGORY = "category", _("service category")


BY_ORGANIZATION, BY_REGION, BY_CATEGORY = (g.value for g in Grouping)


def month_window(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(nxt, dt.time.min), tz),
    )


def one_decimal(part: int, whole: int, scale: int = 1) -> float | None:
    """part ÷ whole (× scale), one decimal half up (as the reports' measures round); None over nothing."""
    if not whole:
        return None
    return float((Decimal(part) * scale / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def response_rate(rated: int, invited: int) -> float | None:
    """rated ÷ invited in percent."""
    return one_decimal(rated, invited, 100)


@dataclass(frozen=True)
class Counts:
    ratings: int = 0
    score_sum: int = 0
    invited: int = 0
    rated: int = 0
    visits: int = 0

    @property
    def mean(self) -> float | None:
        return one_decimal(self.score_sum, self.ratings)

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.rated, self.invited)


# --- per path: the reports' measures sum these over subtrees --------------------------------------------


KEYS = {  # the path of (a rating, an invite, a visit) for each grouping by path
    BY_REGION: ("region__path", "request__region__path", "recipient__region__path"),
    BY_ORGANIZATION: ("organization__path", "request__organization__path", "organization__path"),
}


def _by_path(by: str, p) -> QuerySet:
    """The three GROUP BYs of satisfaction_by_path in one query (UNION ALL): rows (path, position
    of the month in `p.months`, ratings, score sum, invited, rated, visits). `p`: the months, their
    windows' bounds (`p.since`, `p.until`, lists) and the span from the first to the last."""
    rating_key, invite_key, visit_key = KEYS[by]
    zero = Value(0, output_field=IntegerField())

    def which(field: str) -> Case:
        """The position in `months` of a moment's month (its window), None outside them."""
        return Case(
            *(
                When(**{f"{field}__gte": since, f"{field}__lt": until}, then=Value(i))
                for i, (since, until) in enumerate(zip(p.since, p.until, strict=True))
            ),
            output_field=IntegerField(),
        )

    ratings = (
        Rating.objects.filter(month__in=p.months)
        .values(path=F(rating_key), m=Case(*(When(month=m, then=Value(i)) for i, m in enumerate(p.months))))
        .annotate(a=Count("pk"), b=Sum("score"), c=zero, d=zero, e=zero)
        .order_by()
    )
    invites = (
        RatingInvite.objects.filter(created_at__gte=p.first, created_at__lt=p.last)
        .values(path=F(invite_key), m=which("created_at"))
        .annotate(
            a=zero, b=zero, c=Count("pk"), d=Count("pk", filter=Q(request__rating__isnull=False)), e=zero
        )
        .order_by()
    )
    visits = (
        Visit.objects.filter(visited_at__gte=p.first, visited_at__lt=p.last)
        .values(path=F(visit_key), m=which("visited_at"))
        .annotate(a=zero, b=zero, c=zero, d=zero, e=Count("pk"))
        .order_by()
    )
    return ratings.union(visits, invites, all=True).values_list("path", "m", "a", "b", "c", "d", "e")


# Compiled once per connection and number of months: the bulletin runs them on every generation,
# and compiling the union cost more than running it (core.compiled).
_BY_PATH = {
    by: CompiledByLength(
        partial(_by_path, by),
        months=[dt.date],
        since=[dt.datetime],
        until=[dt.datetime],
        first=dt.datetime,
        last=dt.datetime,
    )
    for by in KEYS
}


def satisfaction_by_path(
    months: list[dt.date], *, by: str
) -> list[dict[str, tuple[int, int, int, int, int]]]:
    """For each month of `months` (first days), {region path or organization path: (ratings,
    score sum, invited, rated, visits)}, in one query whatever the number of months. `by`:
    BY_REGION (the request's / recipient's community) or BY_ORGANIZATION (the serving team)."""
    months = [m.replace(day=1) for m in months]
    windows = [month_window(m) for m in months]
    rows = _BY_PATH[by].rows(
        months=months,
        since=[w[0] for w in windows],
        until=[w[1] for w in windows],
        first=min(w[0] for w in windows),
        last=max(w[1] for w in windows),
    )
    out: list[dict[str, list[int]]] = [{} for _m in months]
    for row in rows:
        if row[1] is None:
            continue  # between two months that were asked for, in none of them
        line = out[row[1]].setdefault(row[0] or "", [0] * 5)
        for i, value in enumerate(row[2:]):
            line[i] += value or 0
    return [{path: (a, b, c, d, e) for path, (a, b, c, d, e) in month.items()} for month in out]


# --- one team's year (the team figures page) ------------------------------------------------------------


def team_satisfaction(team, *, year: int) -> dict:
    """A team's (and its sub-teams') ratings, response rate and visits of a year, with the months."""
    since, _ = month_window(dt.date(year, 1, 1))
    _, until = month_window(dt.date(year, 12, 1))
    under = team.path
    months: dict[dt.date, list[int]] = {dt.date(year, m, 1): [0] * 5 for m in range(1, 13)}
    for row in (
        Rating.objects.filter(organization__path__startswith=under, month__year=year)
        .values("month")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    ):
        months[row["month"]][0:2] = [row["n"], row["total"] or 0]
    for row in (
        RatingInvite.objects.filter(
            request__organization__path__startswith=under, created_at__gte=since, created_at__lt=until
        )
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("pk"), rated=Count("pk", filter=Q(request__rating__isnull=False)))
        .order_by()
    ):
        months[_day(row["m"])][2:4] = [row["n"], row["rated"]]
    for row in (
        Visit.objects.filter(
            organization__path__startswith=under, visited_at__gte=since, visited_at__lt=until
        )
        .annotate(m=TruncMonth("visited_at"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        months[_day(row["m"])][4] = row["n"]
    total = Counts(*(sum(line[i] for line in months.values()) for i in range(5)))
    return {
        "total": total,
        "months": [{"month": m.isoformat(), **Counts(*line).__dict__} for m, line in months.items()],
    }


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value


# --- the console page and the API: one row per team, community or category -----------------------------


def _scoped(qs: QuerySet, user, *, region: str, organization: str) -> QuerySet:
    scope = scope_for(user)
    if scope.city_wide:
        return qs
    q = Q(pk__in=[])
    for p in scope.region_paths:
        q |= Q(**{f"{region}__path__startswith": p})
    for p in scope.admin_org_paths:
        q |= Q(**{f"{organization}__path__startswith": p})
    if scope.leader_org_ids:
        q |= Q(**{f"{organization}_id__in": scope.leader_org_ids})
    return qs.filter(q)


@dataclass(frozen=True)
class Row:
    key: int
    name: str
    counts: Counts


def satisfaction_rows(user, *, month: dt.date, by: str = BY_ORGANIZATION) -> list[Row]:
    """The month's satisfaction per team, community or category, of what the user may read
    (city-wide roles: all; region admins: their regions'; team admins and leaders: their teams')."""
    since, until = month_window(month)
    keys: tuple[str, str, str, str, str | None, str | None]
    if by == BY_CATEGORY:
        keys = (
            "category_id",
            "category__name",
            "request__category_id",
            "request__category__name",
            None,
            None,
        )
    elif by == BY_REGION:
        keys = (
            "region_id",
            "region__name",
            "request__region_id",
            "request__region__name",
            "recipient__region_id",
            "recipient__region__name",
        )
    else:
        keys = (
            "organization_id",
            "organization__name",
            "request__organization_id",
            "request__organization__name",
            "organization_id",
            "organization__name",
        )
    rows: dict[int, list] = {}

    def line(key, name):
        return rows.setdefault(key, [name, 0, 0, 0, 0, 0])

    ratings = _scoped(
        Rating.objects.filter(month=month.replace(day=1)), user, region="region", organization="organization"
    )
    for r in ratings.values(keys[0], keys[1]).annotate(n=Count("pk"), total=Sum("score")).order_by():
        line(r[keys[0]], r[keys[1]])[1:3] = [r["n"], r["total"] or 0]
    invites = _scoped(
        RatingInvite.objects.filter(created_at__gte=since, created_at__lt=until),
        user,
        region="request__region",
        organization="request__organization",
    )
    for r in (
        invites.values(keys[2], keys[3])
        .annotate(n=Count("pk"), rated=Count("pk", filter=Q(request__rating__isnull=False)))
        .order_by()
    ):
        if r[keys[2]] is not None:
            line(r[keys[2]], r[keys[3]])[3:5] = [r["n"], r["rated"]]
    if keys[4] is not None:
        visits = _scoped(
            Visit.objects.filter(visited_at__gte=since, visited_at__lt=until),
            user,
            region="recipient__region",
            organization="organization",
        )
        for r in visits.values(keys[4], keys[5]).annotate(n=Count("pk")).order_by():
            line(r[keys[4]], r[keys[5]])[5] = r["n"]
    return sorted(
        (Row(key, values[0], Counts(*values[1:])) for key, values in rows.items()),
        key=lambda row: row.name,
    )


def reads_satisfaction(user) -> bool:
    scope = scope_for(user)
    return scope.city_wide or bool(scope.region_paths or scope.admin_org_paths or scope.leader_org_ids)
