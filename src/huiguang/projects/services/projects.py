"""Writes of projects and brands: create, change, move through proposed → active → closed, photos.

Every write is for the managers of the owning organization (permissions.may_manage_project) and
leaves an audit entry; an upload passes core/images.py's check and is re-encoded before it is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check
from huiguang.network.models import Organization, Site
from huiguang.network.scope import scope_for

from ..models import Brand, Project, ProjectPhoto
from ..permissions import may_manage_brand, may_manage_project, may_use_brand
from .common import require, text_field

S = Project.Status
MAX_PHOTOS = 20
# The only moves of a project's status.
MOVES: dict[str, set[str]] = {S.PROPOSED: {S.ACTIVE, S.CLOSED}, S.ACTIVE: {S.CLOSED}, S.CLOSED: set()}


def _check_period(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise FieldErrors({"ends_on": [_("The end must not be before the start.")]})


def _save_logo(obj, upload, *, field: str = "logo") -> None:
    checked = image_check(upload, field=field)
    obj.logo.save(f"{uuid.uuid4().hex[:16]}{checked.extension}", upload, save=False)


def _check_brand(actor, brand: Brand | None, *, current: Brand | None = None) -> None:
    # A brand outside the actor's scope is one he cannot see: the same answer as an unknown one.
    if not may_use_brand(actor, brand, current=current):
        raise FieldErrors({"brand": [_("Choose a brand of an organization you work with.")]})


def project_create(
    *,
    actor,
    organization: Organization,
    name: str,
    category: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    brand: Brand | None = None,
    co_organizations=(),
    beneficiaries: str = "",
    goals: str = "",
    description: str = "",
    budget_fen: int = 0,
    logo=None,
    request=None,
) -> Project:
    require(scope_for(actor).manages(organization))
    name = text_field(name, field="name", max_length=120)
    if category not in Project.Category.values:
        raise FieldErrors({"category": [_("Choose a category.")]})
    _check_brand(actor, brand)
    _check_period(starts_on, ends_on)
    co = [o for o in co_organizations if o.pk != organization.pk]
    with transaction.atomic():
        project = Project(
            organization=organization,
            name=name,
            category=category,
            starts_on=starts_on,
            ends_on=ends_on,
            brand=brand,
            beneficiaries=beneficiaries,
            goals=goals,
            description=description,
            budget_fen=budget_fen,
            created_by=actor,
        )
        if logo:
            _save_logo(project, logo)
        project.save()
        project.co_organizations.set(co)
        audit_log(action="project_created", actor=actor, obj=project, request=request)
    return project


EDITABLE = (
    "name",
    "category",
    "starts_on",
    "ends_on",
    "brand",
    "beneficiaries",
    "goals",
    "description",
    "budget_fen",
)


def project_update(
    *, actor, project: Project, co_organizations=None, logo=None, request=None, **fields
) -> Project:
    require(may_manage_project(actor, project))
    if project.status == S.CLOSED:
        raise Refused("closed", _("A closed project is no longer changed."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise FieldErrors({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    if "name" in fields:
        fields["name"] = text_field(fields["name"], field="name", max_length=120)
    if "category" in fields and fields["category"] not in Project.Category.values:
        raise FieldErrors({"category": [_("Choose a category.")]})
    if "brand" in fields:
        _check_brand(actor, fields["brand"], current=project.brand)
    _check_period(fields.get("starts_on", project.starts_on), fields.get("ends_on", project.ends_on))
    with transaction.atomic():
        for name, value in fields.items():
            setattr(project, name, value)
        if logo:
            _save_logo(project, logo)
        project.save()
        if co_organizations is not None:
            project.co_organizations.set([o for o in co_organizations if o.pk != project.organization_id])
        audit_log(action="project_updated", actor=actor, obj=project, request=request, fields=sorted(fields))
    return project


def project_set_status(*, actor, project: Project, status: str, request=None) -> Project:
    require(may_manage_project(actor, project))
    if status not in MOVES.get(project.status, set()):
        raise Refused(
            "wrong_status",
            _("A project that is %(status)s cannot become %(new)s.")
            % {
                "status": project.get_status_display(),
                "new": dict(S.choices).get(status, status),
            },
        )
    with transaction.atomic():
        updated = Project.objects.filter(pk=project.pk, status=project.status).update(status=status)
        if not updated:
            raise Refused("changed", _("The project was changed meanwhile: reload the page."))
        audit_log(
            action="project_status_changed",
            actor=actor,
            obj=project,
            request=request,
            old=project.status,
            new=status,
        )
        project.status = status
    return project


def project_photo_add(*, actor, project: Project, upload, caption: str = "", request=None) -> ProjectPhoto:
    require(may_manage_project(actor, project))
    caption = text_field(caption, field="caption", max_length=120, required=False)
    if not upload:
        raise FieldErrors({"image": [_("Choose a photo to upload.")]})
    checked = image_check(upload, field="image")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # two uploads, one limit
        if project.photos.count() >= MAX_PHOTOS:
            raise Refused("too_many_photos", _("A project has at most %(n)d photos.") % {"n": MAX_PHOTOS})
        photo = ProjectPhoto(
            project=project, caption=caption, width=checked.width, height=checked.height, uploaded_by=actor
        )
        photo.image.save(f"{project.pk}-{uuid.uuid4().hex[:12]}{checked.extension}", upload, save=False)
        photo.save()
        audit_log(action="project_photo_added", actor=actor, obj=project, request=request, photo=photo.pk)
    return photo


def brand_create(
    *, actor, organization: Organization, name: str, description: str = "", sites=(), logo=None, request=None
) -> Brand:
    require(scope_for(actor).manages(organization))
    name = text_field(name, field="name", max_length=120)
    if Brand.objects.filter(name=name).exists():
        raise FieldErrors({"name": [_("A brand of this name exists already.")]})
    with transaction.atomic():
        brand = Brand(organization=organization, name=name, description=description)
        if logo:
            _save_logo(brand, logo)
        brand.save()
        brand.sites.set(sites)
        audit_log(action="brand_created", actor=actor, obj=brand, request=request, sites=len(sites))
    return brand


def brand_set_sites(*, actor, brand: Brand, sites: list[Site], request=None) -> Brand:
    require(may_manage_brand(actor, brand))
    with transaction.atomic():
        brand.sites.set(sites)
        audit_log(action="brand_sites_changed", actor=actor, obj=brand, request=request, sites=len(sites))
    return brand
