"""Reads of the credit app (scoped to the user where a user asks)."""

from .inputs import inputs_all, inputs_for
from .scores import current_policy, latest_snapshot

__all__ = ["current_policy", "inputs_all", "inputs_for", "latest_snapshot"]
