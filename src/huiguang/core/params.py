"""Query-string values read the same way on every page and endpoint: bounded, or refused.

A filter that cannot be read becomes a message for the user (422 on the web and in the API),
never an exception: the calendar has a window, ids have 64 bits.
"""

from __future__ import annotations

import datetime as dt

from django import forms
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
        raise BadParam(_("Enter a date such as 2026-05-01.")) from None
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


def read_filters(
    query, *, texts: tuple[str, ...] = (), dates: tuple[str, ...] = (), ids: tuple[str, ...] = ()
) -> tuple[dict, dict[str, list[str]]]:
    """A list page's filters from its query string: text (trimmed, at most 100 characters), dates
    and ids parsed. Returns (values, errors); a filter in error is left out of the values, so the
    page still lists (unfiltered by it) under the message."""
    values: dict = {name: (query.get(name) or "").strip()[:100] for name in texts}
    errors: dict[str, list[str]] = {}
    for names, parse in ((dates, date_param), (ids, id_param)):
        for name in names:
            try:
                values[name] = parse(query.get(name))
            except BadParam as exc:
                values[name] = None
                errors[name] = [str(exc)]
    return values, errors


class WindowDateField(forms.DateField):
    """A form's date within the platform's calendar window (filters of console pages)."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return day
