"""Reads of the consent ledger for the volunteer ("who can see my data")."""

from __future__ import annotations

from django.db.models import QuerySet

from huiguang.core.selectors import get_or_404

from ..models import Consent, PartnerAccess


def consent_list_of(volunteer) -> QuerySet[Consent]:
    return Consent.objects.filter(volunteer=volunteer).select_related("partner")


def consent_get_of(volunteer, pk) -> Consent:
    """One of the volunteer's own consents, or 404."""
    return get_or_404(consent_list_of(volunteer), pk)


def access_list_of(volunteer) -> QuerySet[PartnerAccess]:
    return PartnerAccess.objects.filter(volunteer=volunteer).select_related("partner", "consent")
