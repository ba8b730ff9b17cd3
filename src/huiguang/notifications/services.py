"""notify(): the one way any app tells a user something; channel preferences; read marks.

Channels: the notification centre always gets the notice (the Notification row). E-mail carries
every kind to users who chose it and have an address; SMS carries the kinds in
`kinds.SMS_KINDS` to users who left it on (the default). The Delivery rows are written in the
caller's transaction and sent by the `deliver_notification` task after commit, so a rolled-back
sign-up never texts anybody and a slow provider never holds a database transaction open. The
sending itself is in delivery.py, which the task runs (services → tasks → delivery, one way).
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from .kinds import sms_worthy
from .models import Delivery, Notification, NotificationPreference
from .tasks import deliver_notification

logger = logging.getLogger(__name__)


def preference_for(user) -> NotificationPreference:
    """The user's channel choice; an unsaved row with the defaults when they never chose.

    Uses `user.notification_preference` when a caller loaded it with select_related (the
    reminder task does, for a batch of users), else one query.
    """
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def channels_for(user, kind: str) -> list[str]:
    """The channels besides the centre on which `kind` reaches `user`."""
    if not user.is_active:
        return []
    preference = preference_for(user)
    channels: list[str] = []
    if preference.email and user.email:
        channels.append(Delivery.Channel.EMAIL)
    if preference.sms and user.phone and sms_worthy(kind):
        channels.append(Delivery.Channel.SMS)
    return channels


def notify(*, user, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str | None = None):
    """Store the notification and deliver it on the user's channels after commit.

    With a `dedupe_key`, a second call for the same user and key does nothing and returns None:
    a task that runs twice never sends twice. Texts are stored in the site's language (Chinese):
    the recipient reads them, whatever language the actor's page was in.
    """
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title)[:200], str(body)
    channels = channels_for(user, kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
            )
            if channels:
                Delivery.objects.bulk_create(
                    Delivery(notification=notification, channel=channel) for channel in channels
                )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    if channels:
        transaction.on_commit(partial(_enqueue_delivery, notification.pk))
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    try:
        deliver_notification.enqueue(notification_id)
    except Exception:
        # The notice is in the centre already; its deliveries stay pending for a later run
        # (`huiguang deliver_notifications`) instead of failing the request that notified.
        logger.exception("could not enqueue the delivery of notification %s", notification_id)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def preferences_update(
    *, user, email: bool, sms: bool, email_address: str | None = None, request=None
) -> NotificationPreference:
    """Save the user's channels. E-mail needs an address: `email_address` sets the account's."""
    address = user.email if email_address is None else email_address.strip()
    if email and not address:
        raise FieldErrors({"email_address": [_("Enter an e-mail address to get notices by e-mail.")]})
    with transaction.atomic():
        if address != user.email:
            user.email = address
            user.save(update_fields=["email"])
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, defaults={"email": email, "sms": sms}
        )
        audit_log(
            action="notification_preferences_changed",
            actor=user,
            obj=preference,
            request=request,
            email=email,
            sms=sms,
        )
    user.notification_preference = preference
    return preference
