"""Reads of the credit app (scoped to the user where a user asks). `latest_snapshot(volunteer)`
is the public interface for the apps above (benefits)."""

from .scores import current_policy, latest_snapshot

__all__ = ["current_policy", "latest_snapshot"]
