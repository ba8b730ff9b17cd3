"""Who may do what in the ledger (DESIGN §6), one rule per question, built on `Scope.manages`:
the admins who manage an organization (admins of it or an ancestor, region admins of its region
subtree, city admins) confirm and reject its records, decide its make-up requests, answer its
disputes and issue its certificates. Leaders and auditors read records; they change nothing.
"""

from __future__ import annotations

from django.db.models import Q

from huiguang.activities.permissions import may_create_activities, organization_may_edit_activities
from huiguang.network.scope import scope_for

from .models import Certificate, Dispute, MakeupRequest


def managed_q(user, prefix: str = "organization__") -> Q | None:
    """Objects (via `prefix`) of the organizations `user` manages, as a filter; None: none at all
    (leaders, auditors, volunteers)."""
    scope = scope_for(user)
    if not scope.can_write:
        return None
    return scope.managed_organizations_q(prefix)


def may_manage_records(user, organization) -> bool:
    return scope_for(user).manages(organization)


def may_confirm_any(user) -> bool:
    """Sees the pending records page: manages at least one organization."""
    return managed_q(user) is not None


def may_decide_makeup(user, makeup: MakeupRequest) -> bool:
    """A second person decides 补录 (DESIGN §5): a manager of the organization, not the requester."""
    return makeup.requested_by_id != user.pk and may_manage_records(user, makeup.organization)


def may_answer_dispute(user, dispute: Dispute) -> bool:
    return may_manage_records(user, dispute.record.organization)


def may_request_makeup(user) -> bool:
    """Opens the make-up request form: edits some organization's activities."""
    return may_create_activities(user)


def may_request_makeup_for(user, organization) -> bool:
    """Files a make-up request for `organization`: edits its activities (leaders included)."""
    return organization_may_edit_activities(user, organization)


def may_issue_certificates(user) -> bool:
    """Opens the certificate console: manages at least one organization."""
    return user.is_authenticated and scope_for(user).can_write


def may_issue_certificate(user, certificate: Certificate) -> bool:
    """Issues, refuses or revokes for the certificate's issuer."""
    return scope_for(user).manages(certificate.issuer)


def may_print_official(user) -> bool:
    """Prints a certificate with the full ID number (audited): the city admin."""
    return scope_for(user).city_admin


def may_edit_star_policy(user) -> bool:
    return scope_for(user).city_admin


def may_import_history(user) -> bool:
    """Moves a city's history in (issue 15): city admins only, the whole city's ledger at once."""
    return scope_for(user).city_admin
