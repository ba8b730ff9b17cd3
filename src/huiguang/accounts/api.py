"""API v1, accounts: obtain a bearer token with a password; list, create and revoke tokens."""

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, ErrorOut, FieldErrorsOut, Pagination, Phone, QueryFlag, RefusedOut
from huiguang.core.errors import Refused
from huiguang.core.phone import normalize_phone

from . import services
from .models import ApiToken
from .schemas import (
    TokenCreatedOut,
    TokenCreateIn,
    TokenObtainIn,
    TokenObtainOut,
    TokenOut,
)
from .selectors import token_get_for, token_list_for

router = Router(tags=["accounts"])


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenObtainOut, 401: ErrorOut, 422: FieldErrorsOut, 429: ErrorOut},
    summary="Obtain a bearer token",
    description="Log in with the mobile number and password; the answer carries a new bearer token "
    "(shown once) and when it expires (`expires_at`, after HUIGUANG_API_TOKEN_DAYS, 30 by default): "
    "an expired token answers 401 like a revoked one; obtain a new one then. Failed attempts count "
    "towards the lockout of this mobile number from this address (django-axes): a locked-out client "
    "gets 429 and a `Retry-After` header.",
)
def token_obtain(request, payload: TokenObtainIn, response: HttpResponse):
    phone = normalize_phone(payload.phone)
    user = authenticate(request, username=phone, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            # Answered here as JSON; left set, AxesMiddleware would swap in the HTML login page.
            request.axes_locked_out = False
            seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
            response["Retry-After"] = str(seconds)
            return Status(
                429,
                {
                    "detail": _(
                        "Too many failed attempts for this mobile number. Try again in %(minutes)d minutes."
                    )
                    % {"minutes": max(1, seconds // 60)}
                },
            )
        return Status(401, {"detail": _("Wrong mobile number or password.")})
    # A token obtained with a password is a login: last_login, the audit log and the axes reset.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    token, key = services.token_obtain(user=user, name=payload.name or _("API client"), request=request)
    return Status(
        200,
        {
            "token": key,
            "token_id": token.pk,
            "name": token.name,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        },
    )


class TokenFilter(Schema):
    all: QueryFlag = Field(False, description="City administrators: the tokens of every account.")
    user_phone: Phone = Field("", description="Only the tokens of the account with this mobile number.")


@router.get(
    "/tokens",
    response={200: list[TokenOut], **ERRORS},
    summary="List API tokens",
    description="Your own tokens, newest first, revoked and expired ones included (`expires_at`, "
    "`is_active`); never the keys. A city administrator may pass `all=true` to list every account's "
    "tokens.",
)
@paginate(Pagination)
def token_list(request, filters: Query[TokenFilter]):
    tokens = token_list_for(request.user, all_accounts=filters.all)
    if filters.user_phone:
        tokens = tokens.filter(user__phone=normalize_phone(filters.user_phone))
    return tokens


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Create an API token",
    description="A new bearer token for yourself (partner staff, such as a bank officer, make "
    "theirs here too: every partner read goes through the volunteer's consent). The key is in this "
    "answer only.",
)
def token_create(request, payload: TokenCreateIn):
    token, key = services.token_create(
        user=request.user, name=payload.name, created_by=request.user, request=request
    )
    setattr(token, "token", key)  # noqa: B010 (answered once, never stored)
    return Status(201, token)


@router.delete(
    "/tokens",
    response={204: None, 409: RefusedOut, **ERRORS},
    summary="Revoke the token of this request",
    description="Logs a client out: revokes the bearer token this request was sent with. "
    "A request authenticated by a session gets 409 (reason NOT_A_TOKEN).",
)
def token_revoke_current(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.partition(" ")
    token = None
    if getattr(request, "api_token_auth", False) and scheme.lower() == "bearer":
        token = ApiToken.objects.filter(key_hash=ApiToken.hash_key(key.strip())).first()
    if token is None:
        raise Refused("NOT_A_TOKEN", _("This request was not authenticated with a bearer token."))
    services.token_revoke(token=token, actor=request.user, request=request)
    return Status(204, None)


@router.delete(
    "/tokens/{int:token_id}",
    response={204: None, **ERRORS},
    summary="Revoke an API token",
    description="Revokes one of your tokens (a city administrator: any token). Requests with it get 401 "
    "from then on. Someone else's token answers 404. Revoking twice is harmless.",
)
def token_revoke(request, token_id: int):
    token = token_get_for(request.user, token_id)
    services.token_revoke(token=token, actor=request.user, request=request)
    return Status(204, None)


class AccountPingOut(Schema):
    user_id: int


@router.get(
    "/ping",
    response={200: AccountPingOut, **ERRORS},
    summary="Check a login (does nothing else)",
    description="Answers the id of the authenticated account and does no other work: a client checks "
    "that its token still works, and the request benchmarks (`make bench`) measure the floor of an "
    "authenticated request (the same middleware and bearer authentication as every other call).",
)
def ping(request):
    return {"user_id": request.user.pk}
