"""What part of a personal number each reader may see (DESIGN §6)."""

from __future__ import annotations

# Who sees what of an ID number:
FULL = "full"  # the owner and city admins (each full view is audited by the caller)
ADMIN = "admin"  # region / organization admins: 330482********1234
LAST4 = "last4"  # partners: **************1234


def mask_id_number(number: str, level: str = ADMIN) -> str:
    if not number:
        return ""
    if level == FULL:
        return number
    if level == LAST4 or len(number) < 10:
        return "*" * (len(number) - 4) + number[-4:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone or len(phone) < 7:
        return phone or ""
    return phone[:3] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name


DANGEROUS_CELL_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralize spreadsheet formulas in exported cells (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS_CELL_PREFIXES):
        return "'" + value
    return value
