"""What the project services share: the permission gate and the money rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors

MAX_YUAN = Decimal("100000000")  # 100 million CNY: no grant or budget of a county is larger


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fen_from_yuan(value, *, field: str, allow_zero: bool = False) -> int:
    """An amount in yuan (a Decimal, number or text with at most two decimals) as whole fen."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise FieldErrors({field: [_("Enter an amount in yuan, e.g. 2500.00.")]}) from None
    if not amount.is_finite() or amount > MAX_YUAN or amount < 0 or (amount == 0 and not allow_zero):
        raise FieldErrors({field: [_("Enter an amount between 0.01 and 100,000,000 yuan.")]})
    return int(amount * 100)


def text_field(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldErrors({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise FieldErrors({field: [_("Enter at most %(n)d characters.") % {"n": max_length}]})
    return value
