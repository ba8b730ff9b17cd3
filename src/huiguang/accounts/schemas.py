"""API schemas of accounts: tokens."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from huiguang.core.api import Password, Phone, text

TokenName = Annotated[str, text(80), Field(max_length=80)]

# --- tokens --------------------------------------------------------------------------------------


class TokenObtainIn(Schema):
    phone: Phone = Field("", description="The mainland mobile number the account logs in with.")
    password: Password = ""
    name: TokenName = Field(
        "", description="What the token is for (e.g. the device or system); a default name when empty."
    )


class TokenObtainOut(Schema):
    token: str = Field(
        ..., description="Send it as `Authorization: Bearer <token>`. Shown once, never stored."
    )
    token_id: int
    name: str
    created_at: datetime
    expires_at: datetime | None = Field(
        ..., description="After this the token answers 401: obtain a new one. None: never expires."
    )


class TokenCreateIn(Schema):
    name: TokenName = Field("", description="What the token is for, e.g. the client that will use it.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the key, to recognise it; never the key.")
    user_phone: str = Field(..., description="The account the token acts as.")
    created_by_phone: str | None
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    is_active: bool

    @staticmethod
    def resolve_user_phone(obj) -> str:
        return obj.user.phone

    @staticmethod
    def resolve_created_by_phone(obj) -> str | None:
        return obj.created_by.phone if obj.created_by_id else None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The key, shown this once: store it in the client.")
