"""积分入学: the education bureau's yearly policies, a parent's application for a child with the
points computed from the parent's confirmed hours, the officer's decision and the signed points
certificate.

The points (the breakdown is stored with the application, so the parent and the officer read the
same numbers): confirmed records of the parent whose service date lies in the policy's window
(credit hours only if the policy says so; reversals count, negative), summed in minutes;
points = floor(minutes / (hours_per_unit × 60)) × points_per_unit, at most `cap`.

A decision is a guarded `UPDATE … WHERE status = 'submitted'`; the officer reads the application
only through `consent.partner_read` (404 once the guardian withdrew the consent).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.formatting import format_hours
from huiguang.core.id_card import IdCardError, age_on, parse_id_number
from huiguang.core.masking import mask_name
from huiguang.ledger.models import ServiceRecord
from huiguang.notifications.services import notify

from ..models import Consent, Partner, PartnerAccess, PointsApplication, PointsPolicy
from ..permissions import may_edit_points_policy
from . import attestation
from .consent import consent_grant, partner_read

POINTS_FIELDS = [
    Consent.Field.VOLUNTEER_NUMBER,
    Consent.Field.MASKED_NAME,
    Consent.Field.CREDIT_HOURS,
    Consent.Field.CHILD,
]
DEFAULT_CONSENT_DAYS = 180
ADULT_AGE = 18


# --- policies ---------------------------------------------------------------------------------


def points_policy_save(
    *, actor, data: dict, policy: PointsPolicy | None = None, request=None
) -> PointsPolicy:
    """City admins, or a manager of the education partner for its own policies; others 404."""
    partner = data.get("partner")
    if partner is None or partner.kind != Partner.Kind.EDUCATION:
        raise FieldErrors({"partner": [_("Choose an education partner.")]})
    if not may_edit_points_policy(actor, partner) or (
        policy is not None and not may_edit_points_policy(actor, policy.partner)
    ):
        raise Http404
    errors: dict[str, list[str]] = {}
    if data["window_end"] < data["window_start"]:
        errors["window_end"] = [_("The end of the period is before its start.")]
    if Decimal(data["points_per_unit"]) <= 0:
        errors["points_per_unit"] = [_("Enter a number greater than 0.")]
    if Decimal(data["cap"]) <= 0:
        errors["cap"] = [_("Enter a number greater than 0.")]
    duplicate = PointsPolicy.objects.filter(partner=partner, year=data["year"])
    if policy is not None:
        duplicate = duplicate.exclude(pk=policy.pk)
    if duplicate.exists():
        errors["year"] = [_("This partner already has a policy for this year.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        if policy is None:
            policy = PointsPolicy.objects.create(**data)
        else:
            for name, value in data.items():
                setattr(policy, name, value)
            policy.save()
        audit_log(
            action="points_policy.save",
            actor=actor,
            obj=policy,
            request=request,
            rule=f"{policy.points_per_unit}/{policy.hours_per_unit}h cap {policy.cap}",
        )
    return policy


# --- the computation ----------------------------------------------------------------------------


def points_compute(*, policy: PointsPolicy, volunteer) -> dict:
    """The breakdown: the hours in the window by month, the rule, the points before and after the
    cap. Decimals are strings, so the stored JSON reads exactly as computed."""
    records = ServiceRecord.objects.filter(
        volunteer=volunteer,
        status=ServiceRecord.Status.CONFIRMED,
        service_date__gte=policy.window_start,
        service_date__lte=policy.window_end,
    )
    if policy.credit_only:
        records = records.filter(is_credit=True)
    months = list(
        records.annotate(m=TruncMonth("service_date"))
        .values("m")
        .annotate(minutes=Sum("minutes"), records=Count("pk"))
        .order_by("m")
    )
    minutes = max(sum(row["minutes"] or 0 for row in months), 0)
    steps = minutes // (policy.hours_per_unit * 60)
    raw = Decimal(steps) * policy.points_per_unit
    points = min(raw, policy.cap)
    return {
        "window": [policy.window_start.isoformat(), policy.window_end.isoformat()],
        "credit_only": policy.credit_only,
        "months": [
            {"month": row["m"].strftime("%Y-%m"), "minutes": row["minutes"] or 0, "records": row["records"]}
            for row in months
        ],
        "minutes": minutes,
        "hours": format_hours(minutes),
        "hours_per_unit": policy.hours_per_unit,
        "points_per_unit": str(policy.points_per_unit),
        "steps": steps,
        "raw_points": str(raw),
        "cap": str(policy.cap),
        "capped": raw > policy.cap,
        "points": str(points),
    }


# --- the parent's application ---------------------------------------------------------------------


def _child_errors(volunteer, policy: PointsPolicy, child_name: str, child_id_number: str, declared: bool):
    errors: dict[str, list[str]] = {}
    child = None
    if not (child_name or "").strip():
        errors["child_name"] = [_("Enter the child's name.")]
    try:
        child = parse_id_number(child_id_number)
    except IdCardError as exc:
        errors["child_id_number"] = [str(exc.message)]
    if child is not None:
        if age_on(child.birth_date, timezone.localdate()) >= ADULT_AGE:
            errors["child_id_number"] = [_("This ID number is not a child's (under 18).")]
        elif PointsApplication.blind_index_for(child.number) == volunteer.id_blind_index:
            errors["child_id_number"] = [_("Enter your child's ID number, not yours.")]
    if not declared:
        errors["guardian_declared"] = [
            _("Only the child's parent or guardian may apply; confirm that you are.")
        ]
    if policy.new_residents_only and not volunteer.is_new_resident:
        errors["__all__"] = [_("This year's points are for new residents (新居民) only.")]
    return errors, child


def points_apply(
    *,
    volunteer,
    policy: PointsPolicy,
    child_name: str,
    child_id_number: str,
    grade: str,
    guardian_declared: bool,
    user,
    days: int = DEFAULT_CONSENT_DAYS,
    request=None,
) -> PointsApplication:
    if not policy.open or policy.partner.status != Partner.Status.ACTIVE:
        raise Refused("POLICY_CLOSED", _("This year's points policy does not take applications."))
    errors, child = _child_errors(volunteer, policy, child_name, child_id_number, guardian_declared)
    if grade not in PointsApplication.Grade.values:
        errors["grade"] = [_("Choose a grade from the list.")]
    if errors or child is None:
        raise FieldErrors(errors)
    blind = PointsApplication.blind_index_for(child.number)
    if (
        PointsApplication.objects.filter(policy=policy, child_id_blind_index=blind)
        .exclude(status=PointsApplication.Status.REFUSED)
        .exists()
    ):
        raise FieldErrors({"child_id_number": [_("This child already has an application this year.")]})
    breakdown = points_compute(policy=policy, volunteer=volunteer)
    statement = _(
        "As the child's guardian I agree that %(bureau)s may read my volunteer number, masked name, "
        "credit hours and my child's data for school-admission points for %(days)s days."
    ) % {"bureau": policy.partner.name, "days": days}
    try:
        with transaction.atomic():
            consent = consent_grant(
                volunteer=volunteer,
                partner=policy.partner,
                purpose=Consent.Purpose.SCHOOL_POINTS,
                fields=[str(f) for f in POINTS_FIELDS],
                days=days,
                user=user,
                statement=statement,
            )
            application = PointsApplication(
                policy=policy,
                volunteer=volunteer,
                consent=consent,
                child_name=child_name.strip(),
                grade=grade,
                guardian_declared=True,
                minutes=breakdown["minutes"],
                points=Decimal(breakdown["points"]),
                breakdown=breakdown,
            )
            application.set_child_id_number(child.number)
            application.save()
            audit_log(
                action="points_application.submit",
                actor=user,
                obj=application,
                request=request,
                points=breakdown["points"],
            )
    except IntegrityError:  # the same child at the same moment from another request
        raise FieldErrors(
            {"child_id_number": [_("This child already has an application this year.")]}
        ) from None
    return application


# --- the education bureau's side ----------------------------------------------------------------


def application_open(
    *, user, application: PointsApplication, what: str, channel=PartnerAccess.Channel.WEB
) -> PointsApplication:
    partner_read(
        user=user,
        partner=application.policy.partner,
        volunteer=application.volunteer,
        purpose=Consent.Purpose.SCHOOL_POINTS,
        fields=[str(f) for f in POINTS_FIELDS],
        what=what,
        channel=channel,
    )
    return application


def certificate_fields(application: PointsApplication) -> dict:
    """What the points certificate states: masked names, the last four digits of the child's ID."""
    return {
        "no": application.certificate_number,
        "parent": mask_name(application.volunteer.real_name),
        "vno": application.volunteer.volunteer_number,
        "child": mask_name(application.child_name),
        "child_id": "*" * 14 + application.child_id_masked[-4:],
        "year": application.policy.year,
        "bureau": application.policy.partner.name,
        "hours": format_hours(application.minutes),
        "points": str(application.points),
        "date": timezone.localdate(application.decided_at).isoformat() if application.decided_at else "",
    }


def application_decide(
    *,
    user,
    application: PointsApplication,
    approve: bool,
    reason: str = "",
    channel=PartnerAccess.Channel.WEB,
    request=None,
) -> PointsApplication:
    application_open(user=user, application=application, what=_("decision recorded"), channel=channel)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise FieldErrors({"reason": [_("Give a reason for the refusal.")]})
    if len(reason) > 300:
        raise FieldErrors({"reason": [_("At most %(n)s characters.") % {"n": 300}]})
    now = timezone.now()
    status = PointsApplication.Status.APPROVED if approve else PointsApplication.Status.REFUSED
    with transaction.atomic():
        done = PointsApplication.objects.filter(
            pk=application.pk, status=PointsApplication.Status.SUBMITTED
        ).update(status=status, decided_by=user, decided_at=now, reason=reason)
        if done != 1:
            raise Refused("DECIDED", _("This application has already been decided."))
        application.refresh_from_db()
        if approve:
            application.certificate_number = f"JF{application.policy.year}-{application.pk:05d}"
            application.certificate = attestation.sign(
                attestation.POINTS_KIND, certificate_fields(application)
            )
            application.save(update_fields=["certificate_number", "certificate"])
        audit_log(
            action="points_application.approve" if approve else "points_application.refuse",
            actor=user,
            obj=application,
            request=request,
            points=str(application.points),
            reason=reason,
        )
        notify(
            user=application.volunteer.user,
            kind="points_application_decided",
            title=_("%(bureau)s decided on your school-admission points")
            % {"bureau": application.policy.partner.name},
            body=(
                _("Approved: %(points)s points.") % {"points": application.points}
                if approve
                else _("Refused: %(reason)s") % {"reason": reason}
            ),
            url=reverse("benefits:my_points"),
        )
    return application


def points_certificate_check(text: str) -> tuple[str, dict, PointsApplication | None]:
    """Public check of a points certificate: its signature, then the register ("unknown" when the
    number is not an approved application's)."""
    checked = attestation.check(text, attestation.POINTS_KIND)
    if not checked.valid:
        return checked.state, checked.fields, None
    application = (
        PointsApplication.objects.select_related("policy__partner")
        .filter(
            certificate_number=str(checked.fields.get("no", "")), status=PointsApplication.Status.APPROVED
        )
        .first()
    )
    if application is None:
        return "unknown", checked.fields, None
    if application.certificate != attestation.extract(text):
        return "invalid", {}, None
    return "valid", checked.fields, application
