"""Sending the e-mail and SMS deliveries of notifications (run by the task and the cron command).

notify() (services.py) writes the Delivery rows and enqueues tasks.deliver_notification, which
calls notification_deliver() here: services → tasks → delivery, never back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiguang.core.links import absolute_url
from huiguang.core.masking import mask_phone

from .models import Delivery, Notification
from .sms import SmsError, send_sms

logger = logging.getLogger(__name__)


def _email_text(notification: Notification) -> tuple[str, str]:
    subject = _("[Huiguang] %(title)s") % {"title": notification.title}
    parts = [notification.body] if notification.body else []
    if notification.url:
        parts.append(_("Open: %(link)s") % {"link": absolute_url(notification.url)})
    parts.append(
        _("You get these e-mails because you chose them. Change your choice: %(link)s")
        % {"link": absolute_url(reverse("notifications:preferences"))}
    )
    return subject, "\n\n".join(parts)


def _sms_text(notification: Notification) -> str:
    text = _("[Huiguang] %(title)s") % {"title": notification.title}
    if notification.url:
        text += " " + absolute_url(notification.url)
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
