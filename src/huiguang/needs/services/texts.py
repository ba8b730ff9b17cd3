"""What the needs services tell people: SMS to a contact phone (after commit, through a task) and
in-app notices to users. Texts are written in the site's language."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import translation

from huiguang.notifications.services import notify

from ..tasks import send_text

logger = logging.getLogger(__name__)

SIGNATURE = "【汇光】"


def _enqueue(phone: str, text: str) -> None:
    try:
        send_text.enqueue(phone, text)
    except Exception:
        logger.exception("could not enqueue an SMS of the needs app")


def text_phone(phone: str, message) -> None:
    """Send `message` (a lazy or formatted string) to `phone` once the transaction commits."""
    with translation.override(settings.LANGUAGE_CODE):
        text = SIGNATURE + str(message)
    transaction.on_commit(partial(_enqueue, phone, text))


def tell_user(user, *, kind: str, title, body="", url: str = "") -> None:
    if user is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(user=user, kind=kind, title=str(title), body=str(body), url=url)
