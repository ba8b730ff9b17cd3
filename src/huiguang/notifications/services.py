"""notify(): the one way any app tells a user something; delivery on e-mail and SMS; read marks.

Channels: the notification centre always gets the notice (the Notification row). E-mail carries
every kind to users who chose it and have an address; SMS carries the kinds in
`kinds.SMS_KINDS` to users who left it on (the default). The Delivery rows are written in the
caller's transaction and sent by the `deliver_notification` task after commit, so a rolled-back
sign-up never texts anybody and a slow provider never holds a database transaction open.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.core.masking import mask_phone

from .kinds import sms_worthy
from .models import Delivery, Notification, NotificationPreference
from .sms import SmsError, send_sms

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
    from .tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception:
        # The notice is in the centre already; its deliveries stay pending for a later run
        # (`huiguang deliver_notifications`) instead of failing the request that notified.
        logger.exception("could not enqueue the delivery of notification %s", notification_id)


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.HUIGUANG_SITE_URL.rstrip("/") + url
    return url


def _email_text(notification: Notification) -> tuple[str, str]:
    subject = _("[Huiguang] %(title)s") % {"title": notification.title}
    parts = [notification.body] if notification.body else []
    if notification.url:
        parts.append(_("Open: %(link)s") % {"link": _absolute(notification.url)})
    parts.append(
        _("You get these e-mails because you chose them. Change your choice: %(link)s")
        % {"link": _absolute(reverse("notifications:preferences"))}
    )
    return subject, "\n\n".join(parts)


def _sms_text(notification: Notification) -> str:
    text = _("[Huiguang] %(title)s") % {"title": notification.title}
    if notification.url:
        text += " " + _absolute(notification.url)
    return text


def _send(delivery: Delivery) -> str:
    """Send one delivery; returns the recipient as recorded. Raises on a provider error."""
    notification = delivery.notification
    user = notification.user
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.channel == Delivery.Channel.EMAIL:
            if not user.email:
                raise ValueError("the user has no e-mail address any more")
            subject, message = _email_text(notification)
            send_mail(subject, message, None, [user.email], fail_silently=False)
            return user.email
        send_sms(user.phone, _sms_text(notification))
        return mask_phone(user.phone)


def notification_deliver(*, notification_id: int) -> dict[str, str]:
    """Send the pending deliveries of one notification; returns {channel: status}.

    Each row is claimed (pending → sending) by a conditional UPDATE before its send: two workers
    or a retried task never send one message twice. A send that fails is recorded as failed
    with its error; a crash between claim and record leaves "sending" (at most once, by design:
    a second reminder SMS is worse than none — the centre has the notice anyway).
    """
    outcome: dict[str, str] = {}
    pending = Delivery.objects.filter(
        notification_id=notification_id, status=Delivery.Status.PENDING
    ).select_related("notification__user")
    for delivery in pending:
        claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        try:
            recipient = _send(delivery)
        except (SmsError, OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            _record(delivery, Delivery.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            logger.exception("delivery %s failed", delivery.pk)
            _record(delivery, Delivery.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        else:
            _record(delivery, Delivery.Status.SENT, recipient=recipient)
        outcome[delivery.channel] = delivery.status
    return outcome


def _record(delivery: Delivery, status: str, *, recipient: str = "", error: str = "") -> None:
    delivery.status = status
    fields: dict[str, object] = {"status": status, "error": error[:300]}
    if recipient:
        fields["recipient"] = recipient[:254]
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def deliveries_send_pending(*, older_than_minutes: int = 5) -> int:
    """Send the deliveries still pending after some minutes (an enqueue that failed, a queue
    that was lost); returns how many notifications were processed. Runs from
    `huiguang deliver_notifications` (cron). Sending stays at most once: the claim guards it."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=cutoff)
        .order_by("notification_id")
        .values_list("notification_id", flat=True)
        .distinct()
    )
    for notification_id in ids:
        notification_deliver(notification_id=notification_id)
    return len(ids)


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
