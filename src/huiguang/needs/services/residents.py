"""A resident's sign-up: the mobile number proven with a one-time SMS code, then the account.

The code (6 digits) is stored as an HMAC with the blind-index key (never in clear), lives
`HUIGUANG_NEEDS_CODE_MINUTES` minutes, allows `CODE_TRIES` wrong tries (a guarded
`UPDATE … SET attempts = attempts + 1 WHERE attempts < limit`, committed before the comparison so
a wrong try stays counted) and is used once (`UPDATE … WHERE used_at IS NULL`). A number gets a new
code at most once a minute and `CODES_PER_DAY` a day.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core import crypto
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.phone import validate_mobile
from huiguang.network.models import Region

from ..models import PhoneCode, Resident
from .texts import text_phone

User = get_user_model()

CODE_TRIES = 5
CODES_PER_DAY = 5
RESEND_AFTER = dt.timedelta(seconds=60)


def _code_hash(phone: str, code: str) -> str:
    return crypto.blind_index(f"{phone}:{code}", context="needs.phone_code")


def _phone(raw: str) -> str:
    try:
        return validate_mobile(raw)
    except ValidationError as exc:
        raise FieldErrors({"phone": exc.messages}) from None


def phone_code_send(*, phone: str, purpose: str = PhoneCode.Purpose.SIGNUP, request=None) -> PhoneCode:
    """Text a new one-time code to `phone`. Refused when asked again within a minute or too often today."""
    phone = _phone(phone)
    now = timezone.now()
    with transaction.atomic():
        recent = PhoneCode.objects.filter(
            phone=phone, purpose=purpose, created_at__gte=now - dt.timedelta(days=1)
        )
        if recent.filter(created_at__gte=now - RESEND_AFTER).exists():
            raise Refused(
                "too_soon", _("A code was sent less than a minute ago: wait a moment, then ask again.")
            )
        if recent.count() >= CODES_PER_DAY:
            raise Refused("too_many", _("Too many codes were sent to this number today: try again tomorrow."))
        code = f"{secrets.randbelow(10**6):06d}"
        row = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_code_hash(phone, code),
            expires_at=now + dt.timedelta(minutes=settings.HUIGUANG_NEEDS_CODE_MINUTES),
        )
        text_phone(
            phone,
            _("Your verification code is %(code)s, valid for %(n)d minutes. Do not tell anyone.")
            % {"code": code, "n": settings.HUIGUANG_NEEDS_CODE_MINUTES},
        )
        audit_log(
            action="resident_code_sent", obj=row, request=request, actor_label=phone[:3] + "****" + phone[-4:]
        )
    return row


def phone_code_check(*, phone: str, code: str, purpose: str = PhoneCode.Purpose.SIGNUP) -> None:
    """Use the number's live code; FieldErrors on the `code` field otherwise (wrong, expired, used up)."""
    now = timezone.now()
    row = (
        PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise FieldErrors({"code": [_("This code has expired or was never sent: ask for a new one.")]})
    # Count the try in its own committed statement first: a wrong try is never rolled back.
    if not PhoneCode.objects.filter(pk=row.pk, attempts__lt=CODE_TRIES).update(attempts=F("attempts") + 1):
        raise FieldErrors({"code": [_("Too many wrong codes: ask for a new one.")]})
    code = (code or "").strip()
    if not hmac.compare_digest(row.code_hash, _code_hash(phone, code)):
        raise FieldErrors({"code": [_("The code is not right: check the SMS and try again.")]})
    if not PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise FieldErrors({"code": [_("This code has expired or was never sent: ask for a new one.")]})


def resident_register(
    *,
    phone: str,
    code: str,
    name: str,
    region: Region | None,
    address: str,
    password: str,
    user=None,
    request=None,
) -> Resident:
    """A new resident account (or, for a logged-in `user` whose number it is, a resident profile on
    their account). Every field is checked before the code is used; nothing is written on an error."""
    errors: dict[str, list[str]] = {}
    try:
        phone = validate_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    name, address = (name or "").strip(), (address or "").strip()
    if not name or len(name) > 64:
        errors["name"] = [_("Enter your name (at most 64 characters).")]
    if len(address) > 200:
        errors["address"] = [_("Enter at most %(n)d characters.") % {"n": 200}]
    if region is None or region.level != Region.Level.VILLAGE:
        errors["region"] = [_("Choose your village or community.")]
    existing = User.objects.filter(phone=phone).first() if "phone" not in errors else None
    if existing is not None and (user is None or existing.pk != user.pk):
        errors["phone"] = [_("This number already has an account: log in first, then sign up as a resident.")]
    elif existing is not None and Resident.objects.filter(user=existing).exists():
        errors["phone"] = [_("You are signed up as a resident already.")]
    if existing is None:
        try:
            validate_password(password, user=User(phone=phone))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise FieldErrors(errors)
    assert region is not None  # checked above
    phone_code_check(phone=phone, code=code)
    try:
        with transaction.atomic():
            account = existing or User.objects.create_user(phone, password, display_name=name)
            resident = Resident.objects.create(
                user=account, name=name, region=region, address=address, phone_verified_at=timezone.now()
            )
            audit_log(action="resident_registered", actor=account, obj=resident, request=request)
    except IntegrityError:
        raise FieldErrors(
            {"phone": [_("This number already has an account: log in first, then sign up as a resident.")]}
        ) from None
    return resident
