"""The rules a volunteer's data must meet: one place, used by the web form, the API and imports."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core.id_card import IdCard, IdCardError, parse_id_number
from huiguang.core.phone import validate_mobile
from huiguang.network.models import Region

from .models import Volunteer

MAX_NAME = 32


def clean_id_number(raw: str, today: dt.date | None = None) -> IdCard:
    try:
        return parse_id_number(raw, today=today)
    except IdCardError as exc:
        raise ValidationError(exc.message, code=exc.code)


def clean_real_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError(_("Enter your real name as on your ID card."), code="required")
    if len(name) > MAX_NAME or any(map(str.isdigit, name)) or name[0] in "=+-@":
        raise ValidationError(_("Enter a real name of at most 32 characters, without digits."), code="name")
    return name


def clean_phone(raw: str) -> str:
    return validate_mobile(raw)


def clean_region_code(raw: str, regions: dict[str, Region] | None = None) -> Region:
    code = (raw or "").strip()
    region = regions.get(code) if regions is not None else Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(_("Unknown region code: %(code)s.") % {"code": code or "—"}, code="region")
    return region


def id_number_taken(number: str) -> bool:
    return Volunteer.objects.filter(id_blind_index=Volunteer.blind_index_for(number)).exists()


def phone_taken(phone: str) -> bool:
    return User.objects.filter(phone=phone).exists()


DUPLICATE_ID = _(
    "This ID number is already registered. Log in with the mobile number you registered with, "
    "or ask your organization to help you recover the account."
)
DUPLICATE_PHONE = _("This mobile number is already registered. Log in instead.")


def validate_mobile_or_none(raw: str) -> str | None:
    try:
        return validate_mobile(raw)
    except ValidationError:
        return None
