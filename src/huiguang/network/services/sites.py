"""Writes about service sites (阵地): created and changed by those who run their region or organization."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from ..models import Organization, Region, Site
from ..permissions import may_write, organization_is_managed_by, region_is_managed_by
from ..selectors import site_managed_by
from .common import clean_text


def _coordinate(value, limit: int, field: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Enter a number.")]
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        if field == "lat":
            errors[field] = [_("The latitude must be between -90 and 90.")]
        else:
            errors[field] = [_("The longitude must be between -180 and 180.")]
        return None
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _site_data(*, actor, name, kind, region, organization, address, lat, lng, is_active) -> dict:
    errors: dict[str, list[str]] = {}
    name = clean_text(name, 120)
    if not name:
        errors["name"] = [_("Enter the site's name.")]
    if kind not in Site.Kind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    if region is None:
        errors["region"] = [_("Choose the region where the site is.")]
    lat_value = _coordinate(lat, 90, "lat", errors)
    lng_value = _coordinate(lng, 180, "lng", errors)
    if "lat" not in errors and "lng" not in errors and (lat_value is None) != (lng_value is None):
        errors["lng" if lat_value is not None else "lat"] = [
            _("Enter both the latitude and the longitude, or neither.")
        ]
    if (
        region is not None
        and not region_is_managed_by(actor, region)
        and not (organization is not None and organization_is_managed_by(actor, organization))
    ):
        if organization is not None:
            errors["organization"] = [_("Choose an organization you manage, or a region you administer.")]
        else:
            errors["region"] = [
                _("Choose a region you administer, or the organization you manage that runs the site.")
            ]
    if errors:
        raise FieldErrors(errors)
    return {
        "name": name,
        "kind": kind,
        "region": region,
        "organization": organization,
        "address": clean_text(address, 200),
        "lat": lat_value,
        "lng": lng_value,
        "is_active": bool(is_active),
    }


def site_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region | None,
    organization: Organization | None = None,
    address: str = "",
    lat=None,
    lng=None,
    is_active: bool = True,
    request=None,
) -> Site:
    if not may_write(actor):
        raise PermissionDenied
    data = _site_data(
        actor=actor,
        name=name,
        kind=kind,
        region=region,
        organization=organization,
        address=address,
        lat=lat,
        lng=lng,
        is_active=is_active,
    )
    with transaction.atomic():
        site = Site.objects.create(**data)
        audit_log(action="site_created", actor=actor, obj=site, request=request)
    return site


def site_update(
    *,
    actor,
    site: Site,
    name: str,
    kind: str,
    region: Region | None,
    organization: Organization | None = None,
    address: str = "",
    lat=None,
    lng=None,
    is_active: bool = True,
    request=None,
) -> Site:
    if not site_managed_by(actor).filter(pk=site.pk).exists():
        raise PermissionDenied
    data = _site_data(
        actor=actor,
        name=name,
        kind=kind,
        region=region,
        organization=organization,
        address=address,
        lat=lat,
        lng=lng,
        is_active=is_active,
    )
    with transaction.atomic():
        changed = [k for k, v in data.items() if getattr(site, k) != v]
        for key, value in data.items():
            setattr(site, key, value)
        site.save()
        audit_log(action="site_updated", actor=actor, obj=site, request=request, fields=changed)
    return site
