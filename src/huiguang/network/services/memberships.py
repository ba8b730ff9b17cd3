"""Writes about memberships: a volunteer applies and leaves; admins decide and set roles.

A membership is decided on by admins of the organization or above it, region admins of its
region subtree and the city admin — never by a team leader or an auditor.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused

from ..models import Membership, Organization
from ..permissions import may_write
from ..selectors import OPEN_MEMBERSHIP, membership_managed_by, volunteer_of
from ..signals import memberships_changed
from .common import VOLUNTEER_ACTIVE, VOLUNTEER_AWAITING_GUARDIAN, clean_text
from .grants import ROLE_GRANTS, grant_org_role_set


def membership_apply(*, actor, organization: Organization, note: str = "", request=None) -> Membership:
    """A volunteer asks to join an active organization; an admin of it then decides."""
    volunteer = volunteer_of(actor)
    if volunteer is None:
        raise Refused("not_volunteer", _("Register as a volunteer before joining an organization."))
    if volunteer.status == VOLUNTEER_AWAITING_GUARDIAN:
        raise Refused(
            "awaiting_guardian",
            _(
                "Your guardian has not agreed yet: you can join an organization after your "
                "guardian's consent."
            ),
        )
    if volunteer.status != VOLUNTEER_ACTIVE:
        raise Refused("not_active", _("Your volunteer account is suspended."))
    if organization.status != Organization.Status.ACTIVE:
        raise Refused("organization_inactive", _("This organization is not accepting members."))
    existing = Membership.objects.filter(
        volunteer=volunteer, organization=organization, status__in=OPEN_MEMBERSHIP
    ).first()
    if existing is not None:
        raise _already(existing)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                volunteer=volunteer, organization=organization, note=clean_text(note, 200)
            )
            audit_log(action="membership_applied", actor=actor, obj=membership, request=request)
    except IntegrityError:
        # A second click raced the first: the unique constraint on open memberships held.
        raise _already(
            Membership.objects.filter(
                volunteer=volunteer, organization=organization, status__in=OPEN_MEMBERSHIP
            ).first()
        )
    return membership


def _already(existing: Membership | None) -> Refused:
    if existing is not None and existing.status == Membership.Status.APPLIED:
        return Refused(
            "already_applied", _("You have already applied to join this organization; wait for its decision.")
        )
    return Refused("already_member", _("You are already a member of this organization."))


def membership_decide(
    *, actor, ids: list[int], approve: bool, note: str = "", request=None
) -> list[Membership]:
    """Approve or reject applications in bulk. Only applications in the actor's managed scope are
    decided; others (outside the scope, or no longer waiting) are left alone. Returns the decided ones."""
    if not may_write(actor):
        raise PermissionDenied
    note = clean_text(note, 200)
    status = Membership.Status.ACTIVE if approve else Membership.Status.REJECTED
    candidates = list(
        membership_managed_by(actor).filter(pk__in=ids, status=Membership.Status.APPLIED).order_by("pk")
    )
    decided = []
    now = timezone.now()
    with transaction.atomic():
        for membership in candidates:
            # Guarded: an application decided meanwhile by another admin is not decided twice.
            fields = {"status": status, "decided_at": now, "decided_by": actor}
            if note:
                fields["note"] = note
            if Membership.objects.filter(pk=membership.pk, status=Membership.Status.APPLIED).update(**fields):
                for key, value in fields.items():
                    setattr(membership, key, value)
                audit_log(
                    action="membership_approved" if approve else "membership_rejected",
                    actor=actor,
                    obj=membership,
                    request=request,
                    note=note,
                )
                decided.append(membership)
        if approve and decided:
            memberships_changed.send(
                sender=Membership, joined=[(m.organization_id, now) for m in decided], left=[]
            )
    return decided


def membership_leave(*, actor, membership: Membership, request=None) -> Membership:
    """The volunteer leaves (or withdraws an application); a leader's or admin's grant goes too."""
    if membership.volunteer.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        # The row as it is now (the caller's copy may be older): an active membership that ends
        # leaves the count of members it was in (signals.memberships_changed).
        current = (
            Membership.objects.select_for_update()
            .filter(pk=membership.pk, status__in=OPEN_MEMBERSHIP)
            .values_list("status", "organization_id", "decided_at", "applied_at")
            .first()
        )
        updated = Membership.objects.filter(pk=membership.pk, status__in=OPEN_MEMBERSHIP).update(
            status=Membership.Status.LEFT, left_at=timezone.now()
        )
        if not updated or current is None:
            raise Refused("not_open", _("You are not a member of this organization."))
        was, organization_id, decided_at, applied_at = current
        if was == Membership.Status.ACTIVE:
            left = [(organization_id, decided_at or applied_at)]
            memberships_changed.send(sender=Membership, joined=[], left=left)
        grant_org_role_set(user=actor, organization=membership.organization, role=None, actor=actor)
        membership.refresh_from_db()
        audit_log(
            action="membership_withdrawn" if was == Membership.Status.APPLIED else "membership_left",
            actor=actor,
            obj=membership,
            request=request,
        )
    return membership


def membership_set_role(*, actor, membership: Membership, role: str, request=None) -> Membership:
    """Member, leader or admin. A leader or admin also holds the matching Grant; demoting removes it."""
    if not membership_managed_by(actor).filter(pk=membership.pk).exists():
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise FieldErrors({"role": [_("Choose a role from the list.")]})
    if membership.status != Membership.Status.ACTIVE:
        raise Refused("not_active", _("Only an active member can be given a role."))
    user = membership.volunteer.user
    if user.pk == actor.pk:
        raise Refused("own_role", _("You cannot change your own role."))
    before = membership.role
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(role=role)
        membership.role = role
        grant_org_role_set(
            user=user, organization=membership.organization, role=ROLE_GRANTS.get(role), actor=actor
        )
        audit_log(
            action="membership_role_changed",
            actor=actor,
            obj=membership,
            request=request,
            before=before,
            role=role,
        )
    return membership
