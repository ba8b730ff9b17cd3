from django import template

from huiguang.core.formatting import format_hours, format_time_range

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (filters survive paging)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def hours(minutes):
    """`{{ record.minutes|hours }}` → "0.3" (core.formatting: half up from the minutes)."""
    return format_hours(minutes)


@register.filter
def timerange(start, end=None):
    """`{{ shift.starts_at|timerange:shift.ends_at }}` → "2026-12-06 08:00–12:00"."""
    return format_time_range(start, end)


@register.filter
def clockrange(start, end=None):
    """`{{ record.started_at|clockrange:record.ended_at }}` → "08:00–12:00" (the date shown apart)."""
    return format_time_range(start, end, with_date=False)
