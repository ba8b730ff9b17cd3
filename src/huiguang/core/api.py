"""The API's plumbing that every app's router uses: field types, error bodies and pagination.

The field types check their input *before* pydantic does, so a wrong value answers 422 with a
message in the user's language ({"errors": {"field": ["…"]}}) instead of pydantic's English text, and
no text longer than its database column ever reaches a service (PostgreSQL would refuse it with a 500).
Authentication lives with the accounts (`accounts/auth.py`); the exception handlers that produce the
error bodies are in `config/api.py`.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huiguang.core.params import BadParam, date_param
from huiguang.core.text import clean_text

# --- field types ------------------------------------------------------------------------------
# Each check is a pydantic BeforeValidator; each alias pairs it with the JSON schema that documents
# exactly what it accepts, so that the OpenAPI document is true (schemathesis checks it).
#
# Query strings carry text only: `Query…` types read "true", "12" and "" (no filter). Bodies are
# JSON: their types take JSON's own booleans and numbers, and refuse a number sent as text.

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})  # an empty value is not an answer: 422
MAX_ID = 2**63 - 1  # 64-bit primary keys on both databases
MAX_OFFSET = 10**9  # no list is this long; larger offsets overflow the databases' LIMIT/OFFSET
MAX_PAGE = 200  # items per page of a list endpoint


def _wrong(kind: str, message) -> PydanticCustomError:
    return PydanticCustomError(kind, str(message))


def text(max_length: int, *, numbers: bool = False, multiline: bool | None = None) -> BeforeValidator:
    """A string of at most `max_length` characters (null is not text: leave the field out for
    empty), NFC-normalised, without control, bidi-override or invisible characters (core.text, the
    same rule as the web forms); `numbers`: a JSON number is taken as its digits (mobile numbers);
    `multiline` (default: fields of 200 characters or more, i.e. reasons and descriptions): line
    breaks allowed."""
    lines = max_length >= 200 if multiline is None else multiline

    def check(value: Any) -> str:
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _wrong("string_type", _("Enter text."))
        try:
            value = clean_text(value, multiline=lines)
        except ValidationError as exc:
            raise _wrong("bad_character", exc.messages[0]) from None
        if len(value) > max_length:
            raise _wrong("string_too_long", _("Enter at most %(n)d characters.") % {"n": max_length})
        return value

    return BeforeValidator(check)


def _body_flag(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _wrong("bool_type", _("Answer true or false."))


def _query_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise _wrong("bool_type", _("Answer true or false."))


def whole_number(
    minimum: int, maximum: int = MAX_ID, *, optional: bool = False, query: bool = False
) -> BeforeValidator:
    """An integer from `minimum` to `maximum`; `optional`: null (or, in a query, empty) means none;
    `query`: a string of digits too, as a query string sends it."""

    def check(value: Any) -> int | None:
        if optional and (value is None or (query and value == "")):
            return None
        if query and isinstance(value, str):
            raw = value.strip()
            if raw.startswith("-") and raw[1:].isdigit() and raw[1:].isascii():
                value = -int(raw[1:])
            elif raw.isdigit() and raw.isascii():
                value = int(raw)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong("int_type", _("Enter a whole number."))
        if value < minimum:
            raise _wrong("greater_than_equal", _("Enter a number of at least %(n)d.") % {"n": minimum})
        if value > maximum:
            raise _wrong("less_than_equal", _("Enter a number of at most %(n)d.") % {"n": maximum})
        return value

    return BeforeValidator(check)


def number_schema(minimum: int, maximum: int = MAX_ID, *, nullable: bool = False) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]} if nullable else schema)


def choice(choices) -> BeforeValidator:
    """One value of a Django `TextChoices`, or empty / null (none); a wrong value names the choices."""
    values = tuple(v for v in choices.values if v)

    def check(value: Any) -> str | None:
        if value is None or value == "":
            return None
        if value not in values:
            raise _wrong("enum", _("Choose one of: %(choices)s.") % {"choices": ", ".join(values)})
        return value

    return BeforeValidator(check)


def enum_schema(choices, *, query: bool = True) -> WithJsonSchema:
    """The choices; in a query "" means no filter, in a body null does."""
    values = [v for v in choices.values if v]
    if query:
        return WithJsonSchema({"type": "string", "enum": ["", *values]})
    return WithJsonSchema({"anyOf": [{"type": "string", "enum": values}, {"type": "null"}]})


def code_list(max_items: int, max_length: int) -> BeforeValidator:
    """A list of short codes (a comma-separated string too)."""

    def check(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise _wrong("list_type", _("Give a list of codes."))
        if len(value) > max_items or any(len(v) > max_length for v in value):
            raise _wrong(
                "too_long",
                _("Give at most %(n)d codes of at most %(m)d characters.")
                % {"n": max_items, "m": max_length},
            )
        return [v.strip() for v in value]

    return BeforeValidator(check)


def id_list(max_items: int, *, optional: bool = False) -> BeforeValidator:
    """A JSON list of object ids (whole numbers from 1), at most `max_items`; `optional`: null is none."""

    def check(value: Any) -> list[int] | None:
        if value is None and optional:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_ID for v in value
        ):
            raise _wrong("list_type", _("Give a list of ids."))
        if len(value) > max_items:
            raise _wrong("too_long", _("Give at most %(n)d ids.") % {"n": max_items})
        return value

    return BeforeValidator(check)


def id_list_schema(max_items: int, *, nullable: bool = False) -> WithJsonSchema:
    schema: dict[str, Any] = {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "maxItems": max_items,
    }
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]} if nullable else schema)


def query_date(value: Any) -> dt.date | None:
    """A date in a query string, in the platform's calendar window (core.params)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    if value is not None and not isinstance(value, str):
        raise _wrong("date_type", _("Enter a date such as 2026-05-01."))
    try:
        return date_param(value)
    except BadParam as exc:
        raise _wrong("date_type", exc) from None


# Bodies (JSON)
Flag = Annotated[bool, BeforeValidator(_body_flag), WithJsonSchema({"type": "boolean"})]
ObjectId = Annotated[int | None, whole_number(1, optional=True), number_schema(1, nullable=True)]
# Query strings
QueryFlag = Annotated[bool, BeforeValidator(_query_flag), WithJsonSchema({"type": "boolean"})]
QueryId = Annotated[int | None, whole_number(1, optional=True, query=True), number_schema(1)]
QueryDate = Annotated[
    dt.date | None,
    BeforeValidator(query_date),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}],
            "description": "2000-01-01 to 2099-12-31; empty: no limit.",
        }
    ),
]
Limit = Annotated[int, whole_number(1, MAX_PAGE, query=True), number_schema(1, MAX_PAGE)]
Offset = Annotated[int, whole_number(0, MAX_OFFSET, query=True), number_schema(0, MAX_OFFSET)]
# Text (both)
Phone = Annotated[str, text(20, numbers=True), Field(max_length=20)]
Password = Annotated[str, text(128), Field(max_length=128)]
RegionCode = Annotated[str, text(15), Field(max_length=15)]
ShortText = Annotated[str, text(64), Field(max_length=64)]  # names, occupations, search terms


# --- error bodies (see config/api.py) ------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(..., description="What went wrong, in the user's language.")


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(..., description="Messages per field, in the user's language.")


class RefusedOut(Schema):
    detail: str
    reason: str = Field(..., description="A stable code for the refusal, e.g. NOT_A_TOKEN.")


# The error answers of config/api.py's handlers, for the OpenAPI document.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class Pagination(LimitOffsetPagination):
    """limit/offset with messages in the user's language; `limit` is at most 200."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)
