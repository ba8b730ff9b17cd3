"""An activity's photos: a gallery (before or during it) and outcome photos (once it started)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.activities.permissions import organization_may_edit_activities
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import image_check

from ..models import Activity, ActivityPhoto
from .fields import require, wrong_status

S = Activity.Status
MAX_PHOTOS = 30


def photo_add(
    *,
    actor,
    activity: Activity,
    upload,
    kind: str = ActivityPhoto.Kind.GALLERY,
    caption: str = "",
    request=None,
) -> ActivityPhoto:
    """Add a gallery photo (before or during the activity) or an outcome photo (once it started).
    The image is checked by content (core/images.py): JPEG, PNG or WebP, ≤ 5 MB, 200–6000 px."""
    require(organization_may_edit_activities(actor, activity.organization))
    if kind not in ActivityPhoto.Kind.values:
        raise FieldErrors({"kind": [_("Choose the kind of photo.")]})
    if activity.status in (S.CANCELLED, S.ARCHIVED):
        raise wrong_status(activity)
    if (
        kind == ActivityPhoto.Kind.OUTCOME
        and activity.status != S.FINISHED
        and activity.starts_at > timezone.now()
    ):
        raise Refused("not_started", _("Outcome photos can be added once the activity has started."))
    caption = (caption or "").strip()
    if len(caption) > 120:
        raise FieldErrors({"caption": [_("Enter at most %(n)d characters.") % {"n": 120}]})
    if not upload:
        raise FieldErrors({"image": [_("Choose a photo to upload.")]})
    checked = image_check(upload, field="image")
    with transaction.atomic():
        # Lock the activity so two uploads cannot both pass the limit.
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if activity.photos.count() >= MAX_PHOTOS:
            raise Refused("too_many_photos", _("An activity has at most %(n)d photos.") % {"n": MAX_PHOTOS})
        photo = ActivityPhoto(
            activity=activity,
            kind=kind,
            caption=caption,
            width=checked.width,
            height=checked.height,
            uploaded_by=actor,
        )
        photo.image.save(f"{activity.pk}-{uuid.uuid4().hex[:12]}{checked.extension}", upload, save=False)
        photo.save()
        audit_log(
            action="activity_photo_added",
            actor=actor,
            obj=activity,
            request=request,
            photo=photo.pk,
            kind=kind,
        )
    return photo


def photo_delete(*, actor, photo: ActivityPhoto, request=None) -> None:
    activity = photo.activity
    require(organization_may_edit_activities(actor, activity.organization))
    if activity.status == S.ARCHIVED:
        raise wrong_status(activity)
    with transaction.atomic():
        audit_log(action="activity_photo_deleted", actor=actor, obj=activity, request=request, photo=photo.pk)
        name = photo.image.name
        photo.delete()
        transaction.on_commit(lambda: photo.image.storage.delete(name))
