"""The partner register (city admins): partners and the accounts that act for them."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from huiguang.accounts.models import User
from huiguang.accounts.selectors import user_get_by_phone
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from ..models import Partner, PartnerStaff

PARTNER_FIELDS = (
    "name",
    "kind",
    "status",
    "region",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "description",
)


def _check(data: dict, *, exclude: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    clash = Partner.objects.filter(kind=data["kind"], name=data["name"])
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        errors["name"] = [_("A partner of this kind already has this name.")]
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        errors["longitude"] = [_("Give both the latitude and the longitude, or neither.")]
    if errors:
        raise FieldErrors(errors)


def partner_create(*, user, request=None, **data) -> Partner:
    _check(data)
    with transaction.atomic():
        partner = Partner.objects.create(**{k: data.get(k) for k in PARTNER_FIELDS if k in data})
        audit_log(action="partner.create", actor=user, obj=partner, request=request, kind=partner.kind)
    return partner


def partner_update(*, user, partner: Partner, request=None, **data) -> Partner:
    _check(data, exclude=partner.pk)
    with transaction.atomic():
        for key in PARTNER_FIELDS:
            if key in data:
                setattr(partner, key, data[key])
        partner.save()
        audit_log(action="partner.update", actor=user, obj=partner, request=request, status=partner.status)
    return partner


def partner_staff_add(
    *,
    user,
    partner: Partner,
    phone: str,
    display_name: str = "",
    role: str = PartnerStaff.Role.STAFF,
    request=None,
) -> tuple[PartnerStaff, str]:
    """Link the account with `phone` to `partner` (creating the account when there is none, with
    a one-time password returned here to hand over). A deactivated link is activated again."""
    if role not in PartnerStaff.Role.values:
        raise FieldErrors({"role": [_("Choose a role from the list.")]})
    password = ""
    with transaction.atomic():
        account = user_get_by_phone(phone)
        if account is None:
            if not display_name:
                raise FieldErrors({"display_name": [_("Give the name of the new account.")]})
            password = secrets.token_urlsafe(9)
            account = User.objects.create_user(phone, password, display_name=display_name)
        staff, created = PartnerStaff.objects.get_or_create(
            user=account, partner=partner, defaults={"role": role}
        )
        if not created:
            if staff.active and staff.role == role:
                raise FieldErrors({"phone": [_("This account already acts for this partner.")]})
            staff.role, staff.active = role, True
            staff.save(update_fields=["role", "active"])
        audit_log(
            action="partner.staff_add",
            actor=user,
            obj=staff,
            request=request,
            role=role,
            new_account=bool(password),
        )
    return staff, password


def partner_staff_set_active(*, user, staff: PartnerStaff, active: bool, request=None) -> PartnerStaff:
    with transaction.atomic():
        PartnerStaff.objects.filter(pk=staff.pk).update(active=active)
        staff.active = active
        audit_log(action="partner.staff_active", actor=user, obj=staff, request=request, active=active)
    return staff
