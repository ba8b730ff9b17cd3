"""The API's plumbing that every app's router uses: field types, error bodies and pagination.

The field types check their input *before* pydantic does, so a wrong value answers 422 with a
message in the user's language ({"errors": {"field": ["…"]}}) instead of pydantic's English text, and
no text longer than its database column ever reaches a service (PostgreSQL would refuse it with a 500).
Authentication lives with the accounts (`accounts/auth.py`); the exception handlers that produce the
error bodies are in `config/api.py`.
"""

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

# --- field types ------------------------------------------------------------------------------
# Each check is a pydantic BeforeValidator; the aliases below put them together with the
# constraint that documents them in OpenAPI.

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", ""})


def text(max_length: int) -> BeforeValidator:
    """A string of at most `max_length` characters; null counts as empty."""

    def check(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a mobile number sent as a JSON number
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", _("Enter text."))
        if len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long", _("Enter at most %(n)d characters.") % {"n": max_length}
            )
        return value

    return BeforeValidator(check)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise PydanticCustomError("bool_type", _("Answer true or false."))


def whole_number(minimum: int, maximum: int | None = None, *, optional: bool = False) -> BeforeValidator:
    """An integer (a string of digits too, as in a query string); `optional`: empty means none."""

    def check(value: Any) -> int | None:
        if optional and value in (None, ""):
            return None
        if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool):
            raise PydanticCustomError("int_type", _("Enter a whole number."))
        if value < minimum:
            raise PydanticCustomError(
                "greater_than_equal", _("Enter a number of at least %(n)d.") % {"n": minimum}
            )
        if maximum is not None and value > maximum:
            raise PydanticCustomError(
                "less_than_equal", _("Enter a number of at most %(n)d.") % {"n": maximum}
            )
        return value

    return BeforeValidator(check)


def choice(choices) -> BeforeValidator:
    """One value of a Django `TextChoices`, or empty (no filter); a wrong value names the choices."""
    values = tuple(v for v in choices.values if v)

    def check(value: Any) -> str | None:
        if value is None or value == "":
            return None
        if value not in values:
            raise PydanticCustomError(
                "enum", _("Choose one of: %(choices)s.") % {"choices": ", ".join(values)}
            )
        return value

    return BeforeValidator(check)


def enum_schema(choices) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": [v for v in choices.values if v]})


def code_list(max_items: int, max_length: int) -> BeforeValidator:
    """A list of short codes (a comma-separated string too)."""

    def check(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise PydanticCustomError("list_type", _("Give a list of codes."))
        if len(value) > max_items or any(len(v) > max_length for v in value):
            raise PydanticCustomError(
                "too_long",
                _("Give at most %(n)d codes of at most %(m)d characters.")
                % {"n": max_items, "m": max_length},
            )
        return [v.strip() for v in value]

    return BeforeValidator(check)


Flag = Annotated[bool, BeforeValidator(_flag)]
Phone = Annotated[str, text(20), Field(max_length=20)]
Password = Annotated[str, text(128), Field(max_length=128)]
RegionCode = Annotated[str, text(15), Field(max_length=15)]
ShortText = Annotated[str, text(64), Field(max_length=64)]  # names, occupations, search terms
ObjectId = Annotated[int | None, whole_number(1, optional=True), Field(ge=1)]
MAX_PAGE = 200  # items per page of a list endpoint
Limit = Annotated[int, whole_number(1, MAX_PAGE), Field(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, whole_number(0), Field(ge=0)]


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
