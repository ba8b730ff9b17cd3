"""`unread_notifications` for the navigation: one COUNT on the (user, read_at) index, computed
only when a template shows it and at most once per request; 0 for anonymous visitors."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count_for


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count_for(user)
        return request._unread_notifications

    return {"unread_notifications": SimpleLazyObject(count)}
