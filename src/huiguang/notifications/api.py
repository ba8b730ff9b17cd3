"""API v1, notifications: the caller's own notices, and marking them read."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination
from huiguang.core.errors import FieldErrors

from . import selectors as sel
from . import services
from .schemas import MarkReadIn, MarkReadOut, NotificationFilter, NotificationOut

router = Router(tags=["notifications"])


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    summary="List my notifications",
    description="Your notifications, newest first (`unread=true`: only the unread ones); "
    "limit/offset pagination. Reading the list marks nothing read.",
)
@paginate(Pagination)
def notification_list(request, filters: Query[NotificationFilter]):
    return sel.notification_list_for(request.user, unread_only=filters.unread)


@router.post(
    "/notifications/read",
    response={200: MarkReadOut, **ERRORS},
    summary="Mark notifications read",
    description="`ids`: mark these notifications read (an id that is not one of yours answers 404 and "
    "nothing changes); `all=true`: mark every unread notification read. Marking a read one again "
    "is harmless.",
)
def notification_mark_read(request, payload: MarkReadIn):
    if payload.all:
        marked = services.notifications_mark_read(user=request.user)
    elif payload.ids:
        ids = list(dict.fromkeys(payload.ids))
        if sel.owned_ids(request.user, ids) != set(ids):
            raise Http404
        marked = services.notifications_mark_read(user=request.user, ids=ids)
    else:
        raise FieldErrors({"ids": [_("Give the ids of the notifications to mark read, or all=true.")]})
    return {"marked": marked, "unread": sel.unread_count_for(request.user)}
