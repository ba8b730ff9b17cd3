"""Reads of notifications: a user only ever reads their own (another's answers 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notification_list_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (index: user, read_at; order: created_at)."""
    notifications = Notification.objects.filter(user=user).only(
        "id", "user_id", "kind", "title", "body", "url", "created_at", "read_at"
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_get_for(user, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, user=user)


def unread_count_for(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def owned_ids(user, ids: list[int]) -> set[int]:
    return set(Notification.objects.filter(user=user, pk__in=ids).values_list("pk", flat=True))
