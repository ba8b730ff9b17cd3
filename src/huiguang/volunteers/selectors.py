"""Reads of volunteers and of their imports, scoped (DESIGN §6); who sees what is in permissions.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from huiguang.accounts.models import User
from huiguang.core.masking import ADMIN, FULL, mask_id_number
from huiguang.core.selectors import get_or_404
from huiguang.network.models import Membership, Organization, Region

from .models import ImportBatch, Volunteer
from .permissions import OPEN, import_organizations_q, managed_organizations_q, volunteer_visible_q

# --- volunteers -------------------------------------------------------------------------------


def volunteer_list_for(user) -> QuerySet[Volunteer]:
    """The volunteers `user` sees in the console (see permissions.volunteer_visible_q)."""
    qs = Volunteer.objects.select_related("user", "residence_region")
    q = volunteer_visible_q(user)
    return qs.none() if q is None else qs.filter(q)


def volunteer_get_for(user, pk) -> Volunteer:
    return get_or_404(volunteer_list_for(user), pk)


def volunteer_search_for(
    user,
    *,
    q: str = "",
    region_path: str | None = None,
    status: str | None = "",
    organization_id: int | None = None,
) -> QuerySet[Volunteer]:
    """volunteer_list_for narrowed: part of the name or the start of the number, residents of a
    region subtree, members and applicants of an organization, a status."""
    qs = volunteer_list_for(user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(real_name__icontains=q) | Q(volunteer_number__startswith=q))
    if region_path is not None:
        qs = qs.filter(residence_region__path__startswith=region_path)
    if organization_id:
        qs = qs.filter(
            pk__in=Membership.objects.filter(organization_id=organization_id, status__in=OPEN).values(
                "volunteer_id"
            )
        )
    if status:
        qs = qs.filter(status=status)
    return qs


# The console list's sort keys ("-" first: descending) and their ordering; anything else sorts by
# DEFAULT_SORT. The hours and the star are the ledger's VolunteerHours row (related_name "hours"),
# joined into the same query: volunteers names the relation and imports nothing from the ledger.
VOLUNTEER_SORTS = {
    "registered": (F("registered_at").asc(), F("id").asc()),
    "-registered": (F("registered_at").desc(), F("id").desc()),
    "name": (F("real_name").asc(), F("id").asc()),
    "-name": (F("real_name").desc(), F("id").desc()),
    "hours": (F("hours_minutes").asc(), F("id").asc()),
    "-hours": (F("hours_minutes").desc(), F("id").desc()),
}
DEFAULT_SORT = "-registered"


def volunteer_sort_key(sort: str | None) -> str:
    return sort if sort in VOLUNTEER_SORTS else DEFAULT_SORT


def volunteer_console_list_for(
    user, *, q: str = "", region_code: str = "", status: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[Volunteer]:
    """The console's list with each volunteer's hours and star, sorted by a whitelisted key (newest
    first by default); an unknown region code finds nobody."""
    qs = volunteer_search_for(user, q=q, status=status).annotate(
        hours_minutes=Coalesce(F("hours__total_minutes"), 0), hours_star=Coalesce(F("hours__star"), 0)
    )
    if region_code:
        path = Region.objects.filter(code=region_code.strip()).values_list("path", flat=True).first()
        qs = qs.none() if path is None else qs.filter(residence_region__path__startswith=path)
    return qs.order_by(*VOLUNTEER_SORTS[volunteer_sort_key(sort)])


def volunteer_own_get(user) -> Volunteer:
    """The user's own volunteer profile; 404 for an account without one."""
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


def volunteer_own_for_api(user) -> Volunteer | None:
    """The caller's profile for `GET /me` (None for staff without one), skills prefetched."""
    return (
        Volunteer.objects.select_related("user", "residence_region")
        .prefetch_related("skills")
        .filter(user=user)
        .first()
    )


def ward_get_for(guardian: Volunteer, pk) -> Volunteer:
    """A minor whose guardian is `guardian`; anyone else's child is 404."""
    return get_or_404(Volunteer.objects.filter(guardian=guardian), pk)


def ward_list(guardian: Volunteer) -> QuerySet[Volunteer]:
    """Every child whose guardian is `guardian`, by name."""
    return guardian.wards.order_by("real_name", "pk")


def ward_of_user_get(user, pk) -> Volunteer:
    """A ward of the logged-in user (who must be the ward's guardian); anything else is 404."""
    if user is None or user.pk is None:  # `guardian__user_id=None` would match every adult
        raise Http404
    return get_or_404(
        Volunteer.objects.filter(guardian__user_id=user.pk).select_related("guardian", "user"), pk
    )


def ward_awaiting_list(guardian: Volunteer) -> QuerySet[Volunteer]:
    return guardian.wards.filter(status=Volunteer.Status.AWAITING_GUARDIAN)


def membership_list_of(volunteer: Volunteer) -> QuerySet[Membership]:
    return volunteer.memberships.select_related("organization").order_by("-applied_at")


def id_display(volunteer: Volunteer, level: str = ADMIN) -> str:
    if level == FULL:
        raise ValueError("the full number is shown only through volunteer_reveal_id")
    return (
        volunteer.id_masked if level == ADMIN else mask_id_number("0" * 14 + volunteer.id_masked[-4:], level)
    )


# --- imports ----------------------------------------------------------------------------------


def import_organizations_for(user) -> QuerySet[Organization]:
    """Where `user` may import (permissions.import_organizations_q)."""
    q = import_organizations_q(user)
    if q is None:
        return Organization.objects.none()
    return Organization.objects.filter(q).select_related("region", "parent")


def import_organization_by_code_for(user, code: str) -> Organization | None:
    return import_organizations_for(user).filter(code=code).first()


def import_batch_list_for(user) -> QuerySet[ImportBatch]:
    """Batches of the organizations `user` manages (active or not)."""
    q = managed_organizations_q(user, "organization__")
    qs = ImportBatch.objects.select_related("organization", "uploaded_by")
    return qs.none() if q is None else qs.filter(q)


def import_batch_get_for(user, pk) -> ImportBatch:
    return get_or_404(import_batch_list_for(user), pk)


def import_batch_previous(batch: ImportBatch) -> ImportBatch | None:
    """The same bytes already applied to the same organization (a re-import changes nothing)."""
    return (
        ImportBatch.objects.filter(
            organization_id=batch.organization_id, sha256=batch.sha256, status=ImportBatch.Status.APPLIED
        )
        .exclude(pk=batch.pk)
        .order_by("-applied_at")
        .first()
    )


# The look-ups of an import plan: one query each, whatever the file's size (`__any_in` sends the
# whole list as one parameter: core/lookups.py).


def region_by_code(codes: Iterable[str]) -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__any_in=sorted(codes)).order_by()}


def volunteer_by_blind_index(indexes: list[str]) -> dict[str, tuple[int, str, int]]:
    """Registered volunteers by the blind index of their ID number: (pk, real name, user id)."""
    rows = (
        Volunteer.objects.filter(id_blind_index__any_in=indexes)
        .order_by()
        .values_list("id_blind_index", "pk", "real_name", "user_id")
    )
    return {index: (pk, name, user_id) for index, pk, name, user_id in rows}


def user_id_by_phone(phones: list[str]) -> dict[str, int]:
    return dict(User.objects.filter(phone__any_in=phones).order_by().values_list("phone", "pk"))


def membership_open_volunteer_ids(*, organization: Organization, volunteer_ids: list[int]) -> set[int]:
    """Which of these volunteers are already members or applicants of the organization."""
    if not volunteer_ids:
        return set()
    return set(
        Membership.objects.filter(
            organization=organization, volunteer__id__any_in=volunteer_ids, status__in=OPEN
        )
        .order_by()
        .values_list("volunteer_id", flat=True)
    )


def region_residence_list() -> QuerySet[Region]:
    """Where a volunteer may live: every town and village (not the city), in tree order."""
    return Region.objects.exclude(level=Region.Level.CITY).select_related("parent").order_by("path")


def region_code_list() -> list[tuple[str, str, str]]:
    """Every region's (code, name, level), in tree order: the template's sheet of codes."""
    return list(Region.objects.order_by("path").values_list("code", "name", "level"))


def registrations_by_region(months) -> dict[str, list[tuple[int, int]]]:
    """For each residence region path, per (since, until) window of `months`: the volunteers
    registered before `until` and those registered in the window. One GROUP BY for all windows
    (reports sum the paths of a subtree: a region's path is a prefix of its subtree's)."""
    counts = {}
    for i, (since, until) in enumerate(months):
        counts[f"t{i}"] = Count("pk", filter=Q(registered_at__lt=until))
        counts[f"n{i}"] = Count("pk", filter=Q(registered_at__gte=since, registered_at__lt=until))
    rows = (
        Volunteer.objects.filter(registered_at__lt=max(until for _since, until in months))
        .order_by()
        .values("residence_region_id")  # grouped without a join; the few regions' paths apart
        .annotate(**counts)
    )
    paths = dict(Region.objects.values_list("pk", "path"))
    return {
        paths[row["residence_region_id"]]: [(row[f"t{i}"], row[f"n{i}"]) for i in range(len(months))]
        for row in rows
    }
