"""API schemas of notifications."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from huiguang.core.api import Flag, QueryFlag, id_list, id_list_schema

MAX_IDS = 200


IdList = Annotated[list[int] | None, id_list(MAX_IDS, optional=True), id_list_schema(MAX_IDS, nullable=True)]


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
