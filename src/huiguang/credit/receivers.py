"""Receivers of the signals of the apps below (connected in CreditConfig.ready): each only calls
a credit service."""

from __future__ import annotations

from .services.awards import award_honors_record


def record_award_honors(sender, *, competition, actor=None, request=None, **kwargs) -> None:
    """projects.signals.results_published: the awards become honors of the entries' projects in
    the publishing transaction (the publisher, the city admin, is the one who records honors)."""
    award_honors_record(actor=actor, competition=competition, request=request)
