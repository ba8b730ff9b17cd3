"""Query-string values read the same way on every page and endpoint: bounded, or refused.

A filter that cannot be read becomes a message for the user (422 on the web and in the API),
never an exception: the calendar has a window, ids have 64 bits.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from huiguang.core.selectors import MAX_PK

# Volunteering recorded on the platform lies in this window; a date outside it is a typing error
# (and the edges of Python's calendar overflow when a day is added or a time zone applied).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class BadParam(ValueError):
    """A query value that cannot be used; `str()` is the message for the user."""


def date_param(raw: str | None) -> dt.date | None:
    """'2026-12-06' → a date in the window; '' → None; anything else → BadParam."""
    value = (raw or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadParam(_("Enter a date as YYYY-MM-DD.")) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadParam(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )
    return day


def id_param(raw: str | None) -> int | None:
    """A database id from a query string: '' → None; not a whole number from 1 to 2^63−1 → BadParam."""
    value = (raw or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_PK:
        raise BadParam(_("Choose one of the options."))
    return int(value)
