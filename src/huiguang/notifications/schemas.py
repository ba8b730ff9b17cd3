"""API schemas of notifications."""

from datetime import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from huiguang.core.api import Flag, QueryFlag

MAX_IDS = 200


def _id_list(value: Any) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value
    ):
        raise PydanticCustomError("list_type", _("Give a list of notification ids."))
    if len(value) > MAX_IDS:
        raise PydanticCustomError("too_long", _("Give at most %(n)d ids at once.") % {"n": MAX_IDS})
    return value


IdList = Annotated[list[int] | None, BeforeValidator(_id_list)]


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., description="e.g. reminder, enrollment_promoted, activity_cancelled.")
    title: str
    body: str
    url: str = Field(..., description="The page the notice is about (a path on this site), or empty.")
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(Schema):
    unread: QueryFlag = Field(False, description="Only the unread notifications.")


class MarkReadIn(Schema):
    ids: IdList = Field(None, description="The notifications to mark read (your own).")
    all: Flag = Field(False, description="Mark every unread notification read.")


class MarkReadOut(Schema):
    marked: int = Field(..., description="How many notifications were unread and are now read.")
    unread: int = Field(..., description="How many remain unread.")
