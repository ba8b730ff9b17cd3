"""Reads of recruitment drives, scoped to the user: drives, units with their progress (counted in
SQL), the registration rate of student league members by school, and a unit's public page."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from huiguang.core.selectors import get_or_404
from huiguang.network.models import Membership, Organization, Region
from huiguang.volunteers.models import Volunteer

from ..models.drives import Drive, DriveSignup, DriveUnit
from ..permissions import drive_regions_q, drive_visible_q, may_manage_drive

SCHOOL_SORTS = {
    "name": "organization__name",
    "enrolled": "enrolled_league_members",
    "registered": "registered",
    "rate": "rate",
}


def _count(qs) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a subquery (0 when none)."""
    counted = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _percent(part: str, whole: str):
    """part × 100 / whole as a float; NULL when the whole is 0 (shown "—", never a division error)."""
    return Case(
        When(**{whole: 0}, then=Value(None)),
        default=ExpressionWrapper(Cast(F(part), FloatField()) * 100.0 / F(whole), output_field=FloatField()),
        output_field=FloatField(),
    )


def drive_list_for(user) -> QuerySet[Drive]:
    visible = drive_visible_q(user)
    if visible is None:
        return Drive.objects.none()
    return (
        Drive.objects.filter(visible)
        .select_related("region")
        .annotate(
            unit_count=_count(DriveUnit.objects.filter(drive=OuterRef("pk"))),
            target_total=Coalesce(
                Subquery(
                    DriveUnit.objects.filter(drive=OuterRef("pk"))
                    .order_by()
                    .values("drive")
                    .annotate(s=Sum("target"))
                    .values("s"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            signup_total=_count(DriveSignup.objects.filter(unit__drive=OuterRef("pk"))),
        )
    )


def drive_get_for(user, pk) -> Drive:
    return get_or_404(drive_list_for(user), pk)


def drive_managed_get(user, pk) -> Drive:
    """A drive `user` may change; 404 otherwise (outside the scope, or only readable)."""
    drive = drive_get_for(user, pk)
    if not may_manage_drive(user, drive):
        raise Http404
    return drive


def drive_region_choices(user) -> QuerySet[Region]:
    """Regions a drive of `user` may belong to: the city and towns (villages run units, not drives)."""
    q = drive_regions_q(user)
    if q is None:
        return Region.objects.none()
    return Region.objects.filter(q, level__in=[Region.Level.CITY, Region.Level.TOWN]).order_by("path")


def _members() -> Case:
    """Registered members of the unit, for context: the active members of its organization (a region
    unit: of its default team; without one, the volunteers who live in the region)."""
    return Case(
        When(
            organization__isnull=False,
            then=_count(
                Membership.objects.filter(
                    organization=OuterRef("organization"), status=Membership.Status.ACTIVE
                )
            ),
        ),
        When(
            team__isnull=False,
            then=_count(
                Membership.objects.filter(organization=OuterRef("team"), status=Membership.Status.ACTIVE)
            ),
        ),
        default=_count(Volunteer.objects.filter(residence_region__path__startswith=OuterRef("region__path"))),
        output_field=IntegerField(),
    )


def unit_progress_list(drive: Drive) -> QuerySet[DriveUnit]:
    """The units of a drive with sign-ups (newcomers among them), members, progress % and, for
    schools, the registered league members."""
    return (
        DriveUnit.objects.filter(drive=drive)
        .select_related("organization", "region", "team", "drive")
        .annotate(
            signup_count=_count(DriveSignup.objects.filter(unit=OuterRef("pk"))),
            newcomer_count=_count(DriveSignup.objects.filter(unit=OuterRef("pk"), newcomer=True)),
            member_count=_members(),
            registered=_registered_league_students(),
        )
        .annotate(progress=_percent("signup_count", "target"))
        .order_by("id")
    )


def drive_totals(drive: Drive) -> dict:
    """Targets and sign-ups of the whole drive, summed in SQL."""
    totals = DriveUnit.objects.filter(drive=drive).aggregate(
        target=Coalesce(Sum("target"), 0), units=Count("pk")
    )
    signups = DriveSignup.objects.filter(unit__drive=drive).aggregate(
        signups=Count("pk"), newcomers=Count("pk", filter=Q(newcomer=True))
    )
    out = {**totals, **signups}
    out["progress"] = out["signups"] * 100 / out["target"] if out["target"] else None
    return out


def unit_get_for(user, pk) -> DriveUnit:
    visible = drive_visible_q(user)
    if visible is None:
        raise Http404
    qs = DriveUnit.objects.filter(drive__in=Drive.objects.filter(visible)).select_related(
        "drive", "drive__region", "organization", "region", "team"
    )
    return get_or_404(qs, pk)


def unit_managed_get(user, pk) -> DriveUnit:
    unit = unit_get_for(user, pk)
    if not may_manage_drive(user, unit.drive):
        raise Http404
    return unit


# --- the registration rate of student league members by school -----------------------------------


def _registered_league_students():
    """Registered student volunteers who are Youth League members and name the unit's school."""
    return _count(
        Volunteer.objects.filter(
            is_student=True, political_status=Volunteer.Political.LEAGUE, school=OuterRef("school_name")
        )
    )


def school_rate_list(drive: Drive, *, sort: str = "rate") -> QuerySet[DriveUnit]:
    """The school units of a drive: enrolled league members, registered ones, rate % (NULL when
    nothing is enrolled). `sort`: name / enrolled / registered / rate, "-" first for descending."""
    key = SCHOOL_SORTS.get(sort.lstrip("-"), "rate")
    order = F(key).desc(nulls_last=True) if sort.startswith("-") else F(key).asc(nulls_last=True)
    return (
        DriveUnit.objects.filter(drive=drive, organization__kind=Organization.Kind.SCHOOL)
        .select_related("organization")
        .annotate(registered=_registered_league_students())
        .annotate(rate=_percent("registered", "enrolled_league_members"))
        .order_by(order, "id")
    )


def school_rate_total(drive: Drive) -> dict:
    """The city total: registered ÷ enrolled over the schools with an enrolled count (a school
    without one has no rate and would only inflate the total)."""
    counted = school_rate_list(drive).filter(enrolled_league_members__gt=0)
    totals = counted.aggregate(registered_sum=Sum("registered"), enrolled_sum=Sum("enrolled_league_members"))
    registered, enrolled = totals["registered_sum"] or 0, totals["enrolled_sum"] or 0
    return {
        "registered": registered,
        "enrolled": enrolled,
        "rate": registered * 100 / enrolled if enrolled else None,
    }


# --- choices for the unit form ----------------------------------------------------------------------


def unit_organization_choices(drive: Drive) -> QuerySet[Organization]:
    return Organization.objects.filter(
        region__path__startswith=drive.region.path, status=Organization.Status.ACTIVE
    ).order_by("kind", "name")


def unit_region_choices(drive: Drive) -> QuerySet[Region]:
    return Region.objects.filter(
        path__startswith=drive.region.path, level__in=[Region.Level.TOWN, Region.Level.VILLAGE]
    ).order_by("path")


# --- the public page of a unit ------------------------------------------------------------------------


def unit_public_get(slug: str) -> DriveUnit:
    """A unit whose drive is open or closed (a draft is not public yet): 404 otherwise."""
    unit = (
        DriveUnit.objects.filter(
            slug=str(slug)[:16], drive__status__in=[Drive.Status.OPEN, Drive.Status.CLOSED]
        )
        .select_related("drive", "organization", "region", "team")
        .first()
    )
    if unit is None:
        raise Http404
    return unit


def signed_up(unit: DriveUnit, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return DriveSignup.objects.filter(unit=unit, volunteer__user=user).exists()
