"""Helpers the network's services share."""

from __future__ import annotations

# Volunteer.Status values (network sits below volunteers and does not import its models).
VOLUNTEER_ACTIVE = "active"
VOLUNTEER_AWAITING_GUARDIAN = "awaiting_guardian"


def clean_text(value, max_length: int) -> str:
    return (value or "").strip()[:max_length]
