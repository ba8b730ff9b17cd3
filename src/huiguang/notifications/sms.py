"""The SMS channel: one small interface, chosen by `settings.HUIGUANG_SMS_BACKEND`.

    HUIGUANG_SMS_BACKEND=huiguang.notifications.sms.ConsoleSmsBackend   (default: prints, for development)
    HUIGUANG_SMS_BACKEND=huiguang.notifications.sms.LocmemSmsBackend    (tests: `sms.outbox`)

A real provider is a subclass of `BaseSmsBackend` that implements `send(phone, text)`:

    class AliyunSmsBackend(BaseSmsBackend):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.client = ...  # credentials from the environment (env_secret), never from code

        def send(self, phone: str, text: str) -> None:
            try:
                self.client.send(phone=phone, template="SMS_123", params={"text": text})
            except ProviderError as exc:
                raise SmsError(str(exc)) from exc

Rules for every backend: `phone` is an 11-digit mainland mobile number (accounts validates it);
`text` is plain text, at most `MAX_LENGTH` characters, already in the user's language and
signed (【汇光】) by the caller. `send` returns None when the provider accepted the message and
raises `SmsError` with a short, loggable reason otherwise (no personal data in the reason).
Mainland providers only send approved templates: a provider backend maps `text` onto its
approved template's variables. `send` is called outside any database transaction (after commit,
from a task), so it may take its time and must not touch the database.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# Operators split longer messages and bill each part; keep a notice within a few parts.
MAX_LENGTH = 300


class SmsError(Exception):
    """The provider did not accept the message (network, quota, a number it refuses)."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def __init__(self, **kwargs):
        self.options = kwargs

    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError("an SMS backend implements send(phone, text)")


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints each message to stdout, like Django's console e-mail backend (development)."""

    def __init__(self, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            self.stream.write(f"SMS to {phone}\n{text}\n{'-' * 40}\n")
            self.stream.flush()


# The messages LocmemSmsBackend sent (tests reset it: `sms.outbox.clear()`).
outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps each message in `huiguang.notifications.sms.outbox` (tests)."""

    def send(self, phone: str, text: str) -> None:
        if not phone:
            raise SmsError("no mobile number")
        outbox.append(SmsMessage(phone=phone, text=text))


def get_backend(path: str | None = None, **kwargs) -> BaseSmsBackend:
    return import_string(path or settings.HUIGUANG_SMS_BACKEND)(**kwargs)


def send_sms(phone: str, text: str) -> None:
    """Send one message through the configured backend; raises SmsError."""
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1] + "…"
    get_backend().send(phone, text)
