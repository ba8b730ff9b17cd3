"""Reads for the demo commands: the demo accounts as the database holds them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from huiguang.accounts.models import User
from huiguang.benefits.models import PartnerStaff
from huiguang.network.models import Grant, Membership, Organization
from huiguang.volunteers.models import Volunteer

from .accounts import DEMO_ACCOUNTS, DemoAccount


@dataclass(frozen=True)
class DemoLogin:
    account: DemoAccount
    present: bool
    name: str = ""
    phone: str = ""
    scope: str = ""


def _scope_text(account: DemoAccount, user: User, affiliations: dict[str, str]) -> str:
    parts: list[str] = []
    for grant in user.grants.all():
        if grant.role in Grant.CITY_ROLES:
            parts.append(_("whole city"))
        elif grant.region is not None:
            parts.append(grant.region.name)
        elif grant.organization is not None:
            parts.append(grant.organization.name)
    if account.affiliation in affiliations:
        parts = [
            _("%(scope)s (%(unit)s)") % {"scope": part, "unit": affiliations[account.affiliation]}
            for part in parts
        ]
    parts.extend(
        _("%(partner)s (%(role)s)") % {"partner": link.partner.name, "role": link.get_role_display()}
        for link in user.partner_roles.all()
    )
    volunteer: Volunteer | None = getattr(user, "volunteer", None)
    if volunteer is not None and not parts:
        wards = [ward.real_name for ward in volunteer.wards.all()]
        if wards:
            parts.append(_("guardian of %(names)s") % {"names": "、".join(wards)})
        parts.extend(m.organization.name for m in volunteer.memberships.all())
        if volunteer.guardian is not None:
            parts.append(_("guardian: %(name)s") % {"name": volunteer.guardian.real_name})
        if volunteer.status != Volunteer.Status.ACTIVE:
            parts.append(str(volunteer.get_status_display()))
    resident = getattr(user, "resident", None)  # a resident of the needs app (点单)
    if resident is not None and not parts:
        parts.append(resident.region.name)
    return " · ".join(parts)


def demo_login_list() -> list[DemoLogin]:
    """Every demo account in DEMO_ACCOUNTS order, read back from the database (present=False
    when the database lacks it). A fixed number of queries, whatever the size of the city."""
    users = {
        user.phone: user
        for user in User.objects.filter(phone__in=[a.phone for a in DEMO_ACCOUNTS])
        .select_related("volunteer__guardian", "resident__region")
        .prefetch_related(
            Prefetch(
                "grants", queryset=Grant.objects.select_related("region", "organization").order_by("id")
            ),
            Prefetch(
                "volunteer__memberships",
                queryset=Membership.objects.filter(status=Membership.Status.ACTIVE)
                .select_related("organization")
                .order_by("organization__path"),
            ),
            Prefetch("volunteer__wards", queryset=Volunteer.objects.order_by("birth_date", "id")),
            Prefetch("partner_roles", queryset=PartnerStaff.objects.select_related("partner").order_by("id")),
        )
    }
    affiliations = dict(
        Organization.objects.filter(
            code__in=[a.affiliation for a in DEMO_ACCOUNTS if a.affiliation]
        ).values_list("code", "name")
    )
    rows = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.phone)
        if user is None:
            rows.append(DemoLogin(account=account, present=False, phone=account.phone))
            continue
        rows.append(
            DemoLogin(
                account=account,
                present=True,
                name=user.display_name or str(user),
                phone=user.phone,
                scope=_scope_text(account, user, affiliations),
            )
        )
    return rows
