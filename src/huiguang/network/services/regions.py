"""Writes about regions: their name and population (the registration-rate base)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from ..models import Region
from ..selectors import region_managed_by
from .common import clean_text


def region_update(*, actor, region: Region, name: str, population: int | None, request=None) -> Region:
    if not region_managed_by(actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    name = clean_text(name, 64)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the region's name.")]
    if population is None or population < 0:
        errors["population"] = [_("The population cannot be negative.")]
    if errors:
        raise FieldErrors(errors)
    before = {"name": region.name, "population": region.population}
    with transaction.atomic():
        region.name, region.population = name, int(population or 0)
        region.save(update_fields=["name", "population"])
        audit_log(action="region_updated", actor=actor, obj=region, request=request, before=before)
    return region
