"""What a page shows in Chinese for an English source string, as it appears in the HTML."""

from django.utils import translation
from django.utils.html import escape


def zh(msgid: str, context: str | None = None, **params) -> str:
    with translation.override("zh-hans"):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert text != msgid, f"not translated into Chinese: {msgid!r}"
    return escape(text % params if params else text)
