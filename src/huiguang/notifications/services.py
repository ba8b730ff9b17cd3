"""notify(): the one way any app tells a user something."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Notification


def notify(*, user, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str | None = None):
    """Store the notification (and deliver it on the user's channels after commit).

    With a `dedupe_key`, a second call for the same user and key does nothing and returns None:
    a task that runs twice never sends twice.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=str(title)[:200], body=str(body), url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    return notification
