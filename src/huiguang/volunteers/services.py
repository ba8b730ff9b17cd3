"""Writes about volunteers: registration, numbers, guardians, revealing an ID number."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.models import User
from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors
from huiguang.core.id_card import age_on

from . import validation as v
from .models import Skill, Volunteer, VolunteerNumberSequence
from .permissions import may_reveal_id
from .signals import volunteers_registered


class RegistrationError(FieldErrors):
    """Per-field messages: {"id_number": ["..."], ...}."""


@dataclass
class Registration:
    phone: str
    password: str
    real_name: str
    id_number: str
    region_code: str
    consent: bool = False
    political_status: str = Volunteer.Political.MASSES
    is_student: bool = False
    school: str = ""
    occupation: str = ""
    skills: list[str] = field(default_factory=list)
    is_new_resident: bool = False
    guardian_phone: str = ""
    email: str = ""


def number_prefix(year: int | None = None) -> str:
    return f"{settings.HUIGUANG_CITY_CODE}{year or timezone.localdate().year}"


def volunteer_numbers_allocate(*, count: int = 1, year: int | None = None) -> list[str]:
    """`count` new numbers: city code + year + 6-digit sequence (never the ID number).

    One guarded UPDATE moves the counter; on PostgreSQL it holds the row lock until commit,
    on SQLite the IMMEDIATE transaction serializes writers, so two registrations never share
    a number. Call inside the transaction that stores the volunteers.
    """
    prefix = number_prefix(year)
    with transaction.atomic():
        VolunteerNumberSequence.objects.get_or_create(prefix=prefix)
        VolunteerNumberSequence.objects.filter(prefix=prefix).update(last=F("last") + count)
        last = VolunteerNumberSequence.objects.values_list("last", flat=True).get(prefix=prefix)
    return [f"{prefix}{n:06d}" for n in range(last - count + 1, last + 1)]


def registration_validate(data: Registration) -> dict:
    """Every rule, every field: returns cleaned values or raises RegistrationError with all messages."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def check(name, fn, *args):
        try:
            cleaned[name] = fn(*args)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)

    check("phone", v.clean_phone, data.phone)
    check("real_name", v.clean_real_name, data.real_name)
    check("id_card", v.clean_id_number, data.id_number)
    check("region", v.clean_region_code, data.region_code)
    if "phone" in cleaned and v.phone_taken(cleaned["phone"]):
        errors.setdefault("phone", []).append(str(v.DUPLICATE_PHONE))
    if "id_card" in cleaned and v.id_number_taken(cleaned["id_card"].number):
        errors.setdefault("id_number", []).append(str(v.DUPLICATE_ID))
    if "id_card" not in cleaned and "id_card" in errors:
        errors["id_number"] = errors.pop("id_card")
    if "region" in errors:
        errors["region_code"] = errors.pop("region")
    try:
        validate_password(data.password, user=User(phone=cleaned.get("phone", "")))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if not data.consent:
        errors.setdefault("consent", []).append(str(_("You must agree to the privacy policy to register.")))
    if data.political_status not in Volunteer.Political.values:
        errors.setdefault("political_status", []).append(str(_("Choose a political status from the list.")))
    unknown = set(data.skills) - set(
        Skill.objects.filter(code__in=data.skills).values_list("code", flat=True)
    )
    if unknown:
        errors.setdefault("skills", []).append(
            str(_("Unknown skills: %(s)s.") % {"s": ", ".join(sorted(unknown))})
        )
    if "id_card" in cleaned:
        age = age_on(cleaned["id_card"].birth_date, timezone.localdate())
        if age < settings.HUIGUANG_GUARDIAN_AGE:
            guardian = None
            if data.guardian_phone:
                guardian = (
                    Volunteer.objects.filter(user__phone=v.validate_mobile_or_none(data.guardian_phone))
                    .select_related("user")
                    .first()
                )
            if guardian is None or age_on(guardian.birth_date, timezone.localdate()) < 18:
                errors.setdefault("guardian_phone", []).append(
                    str(
                        _(
                            "Volunteers under %(age)d need a guardian: enter the mobile number of a parent "
                            "or guardian who is a registered adult volunteer."
                        )
                        % {"age": settings.HUIGUANG_GUARDIAN_AGE}
                    )
                )
            cleaned["guardian"] = guardian
    if errors:
        raise RegistrationError({k: [str(m) for m in msgs] for k, msgs in errors.items()})
    return cleaned


def volunteer_register(*, data: Registration, request=None) -> Volunteer:
    """Create the user and the volunteer, or raise RegistrationError and write nothing."""
    cleaned = registration_validate(data)
    card = cleaned["id_card"]
    guardian = cleaned.get("guardian")
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                cleaned["phone"], data.password, display_name=cleaned["real_name"], email=data.email
            )
            volunteer = Volunteer(
                user=user,
                real_name=cleaned["real_name"],
                gender=card.gender,
                birth_date=card.birth_date,
                residence_region=cleaned["region"],
                political_status=data.political_status,
                is_student=data.is_student,
                school=data.school.strip(),
                occupation=data.occupation.strip(),
                is_new_resident=data.is_new_resident,
                volunteer_number=volunteer_numbers_allocate(count=1)[0],
                privacy_policy_version=settings.HUIGUANG_PRIVACY_POLICY_VERSION,
                consented_at=now,
                guardian=guardian,
                status=Volunteer.Status.AWAITING_GUARDIAN if guardian else Volunteer.Status.ACTIVE,
            )
            volunteer.set_id_number(card.number)
            volunteer.save()
            volunteers_registered.send(sender=Volunteer, volunteers=[volunteer])
            if data.skills:
                volunteer.skills.set(Skill.objects.filter(code__in=data.skills))
            audit_log(action="volunteer_registered", actor=user, obj=volunteer, request=request)
    except IntegrityError:
        # Two registrations raced past validation with the same phone or ID number.
        raise RegistrationError({"id_number": [str(v.DUPLICATE_ID)]})
    return volunteer


def volunteer_guardian_consent(*, guardian_user, ward: Volunteer, request=None) -> Volunteer:
    """The guardian agrees; the minor's account becomes active. Recorded with the time."""
    if ward.guardian is None or ward.guardian.user_id != guardian_user.pk:
        raise PermissionDenied
    with transaction.atomic():
        updated = Volunteer.objects.filter(pk=ward.pk, status=Volunteer.Status.AWAITING_GUARDIAN).update(
            status=Volunteer.Status.ACTIVE, guardian_consented_at=timezone.now()
        )
        if updated:
            audit_log(action="guardian_consent", actor=guardian_user, obj=ward, request=request)
    ward.refresh_from_db()
    return ward


def volunteer_standing_consent_set(*, guardian_user, ward: Volunteer, given: bool, request=None) -> Volunteer:
    """The guardian gives ("my child may sign up without asking me each time") or withdraws the
    standing consent to the child's sign-ups. The time is kept on the child's row while it
    stands; the audit log keeps every grant and revocation."""
    if ward.guardian is None or ward.guardian.user_id != guardian_user.pk:
        raise PermissionDenied
    with transaction.atomic():
        if given:
            updated = Volunteer.objects.filter(pk=ward.pk, guardian_standing_consent_at__isnull=True).update(
                guardian_standing_consent_at=timezone.now()
            )
        else:
            updated = Volunteer.objects.filter(pk=ward.pk, guardian_standing_consent_at__isnull=False).update(
                guardian_standing_consent_at=None
            )
        if updated:
            audit_log(
                action="guardian_standing_consent_given" if given else "guardian_standing_consent_withdrawn",
                actor=guardian_user,
                obj=ward,
                request=request,
            )
    ward.refresh_from_db()
    return ward


def volunteer_reveal_id(*, actor, volunteer: Volunteer, request=None) -> str:
    """The full ID number, written to the audit log; refused (and audited) for anyone else."""
    if not may_reveal_id(actor, volunteer):
        audit_log(action="id_number_viewed", actor=actor, obj=volunteer, outcome="denied", request=request)
        raise PermissionDenied
    number = volunteer.decrypt_id_number()
    audit_log(action="id_number_viewed", actor=actor, obj=volunteer, request=request)
    return number
