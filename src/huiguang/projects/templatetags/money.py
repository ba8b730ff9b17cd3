"""`{% load money %}`: `{{ amount_fen|yuan }}` shows fen as yuan with thousands separators."""

from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    try:
        fen = int(fen or 0)
    except (TypeError, ValueError):
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


@register.filter
def percent_of(part, whole) -> int:
    """Whole percent of `part` in `whole` (0 when there is no whole)."""
    try:
        return min(100, round(100 * int(part or 0) / int(whole))) if int(whole or 0) else 0
    except (TypeError, ValueError):
        return 0
