"""Recording honors (表彰) one by one — of a volunteer, an organization or a service project; the
evidence file is checked by its content: a PDF, or a
JPEG/PNG picture (re-encoded from its pixels by core.images), at most 10 MB."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.core.images import MB, ImagePolicy, image_check
from huiguang.core.params import FIRST_DAY
from huiguang.network.models import Organization
from huiguang.projects.models import Project
from huiguang.volunteers.models import Volunteer

from ..models import Honor
from ..permissions import may_manage_credit

MAX_EVIDENCE_BYTES = 10 * MB
EVIDENCE_IMAGE = ImagePolicy(
    formats=("JPEG", "PNG"),
    max_bytes=MAX_EVIDENCE_BYTES,
    max_side=10000,
    min_side=100,
    format_message=gettext_lazy("The evidence must be a PDF file or a JPEG or PNG image."),
)


def evidence_check(upload, *, field: str = "evidence") -> ContentFile:
    """The upload as a file to store (named by its real type), or FieldErrors on `field`."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_EVIDENCE_BYTES:
        raise FieldErrors({field: [_("The evidence file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read()
        if b"%%EOF" not in data[-2048:]:
            raise FieldErrors({field: [_("This PDF file is incomplete or damaged.")]})
        return ContentFile(data, name="evidence.pdf")
    checked = image_check(upload, field=field, policy=EVIDENCE_IMAGE)
    upload.seek(0)
    return ContentFile(upload.read(), name=f"evidence{checked.extension}")


def honor_fields_check(
    *, title: str, level: str, issuer: str, awarded_on, today: dt.date
) -> dict[str, list[str]]:
    """The rules of an honor's fields, shared by the form, the API and the import."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the title of the honor.")]
    if level not in Honor.Level.values:
        errors["level"] = [_("Choose city, province or national.")]
    if not (issuer or "").strip():
        errors["issuer"] = [_("Give the issuer.")]
    if not isinstance(awarded_on, dt.date) or not FIRST_DAY <= awarded_on <= today:
        errors["awarded_on"] = [_("Give a date from 2000-01-01 up to today.")]
    return errors


def one_recipient_message() -> str:
    return _("Give exactly one recipient: a volunteer number, an organization code or a project.")


def _recipient(volunteer_number: str, organization_code: str, project: Project | None):
    """(volunteer, organization, errors): exactly one of the three recipients is given."""
    number, code = (volunteer_number or "").strip(), (organization_code or "").strip()
    if sum((bool(number), bool(code), project is not None)) != 1:
        return None, None, {"volunteer_number": [one_recipient_message()]}
    if project is not None:
        return None, None, {}
    if number:
        volunteer = Volunteer.objects.filter(volunteer_number=number).first()
        if volunteer is None:
            return None, None, {"volunteer_number": [_("No volunteer has this number.")]}
        return volunteer, None, {}
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        return None, None, {"organization_code": [_("No organization has this code.")]}
    return None, organization, {}


def honor_create(
    *,
    actor,
    title: str,
    level: str,
    issuer: str,
    awarded_on: dt.date,
    citation: str = "",
    volunteer_number: str = "",
    organization_code: str = "",
    project: Project | None = None,
    evidence=None,
    request=None,
) -> Honor:
    """An honor of a volunteer (by number), an organization (by code) or a project: exactly one.
    A project's honor feeds no volunteer's score."""
    if not may_manage_credit(actor):
        raise PermissionDenied
    today = timezone.localdate()
    errors = honor_fields_check(title=title, level=level, issuer=issuer, awarded_on=awarded_on, today=today)
    volunteer, organization, recipient_errors = _recipient(volunteer_number, organization_code, project)
    errors.update(recipient_errors)
    stored = None
    if evidence is not None:
        try:
            stored = evidence_check(evidence)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        honor = Honor(
            volunteer=volunteer,
            organization=organization,
            project=project,
            title=title.strip()[:200],
            level=level,
            issuer=issuer.strip()[:200],
            awarded_on=awarded_on,
            citation=(citation or "").strip()[:2000],
            created_by=actor,
        )
        if stored is not None:
            honor.evidence.save(stored.name, stored, save=False)
        honor.save()
        audit_log(
            action="honor.create",
            actor=actor,
            obj=honor,
            request=request,
            level=level,
            project=project.pk if project is not None else None,
        )
    return honor
