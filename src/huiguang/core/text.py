"""Text hygiene: the one check every piece of typed text goes through (forms and API fields).

Text is stored NFC-normalised (a decomposed "é" becomes one code point, so search and uniqueness
agree). Characters a reader cannot see or that change how the text around them is shown are
refused, not silently removed, so the person who typed them knows: control characters and NUL,
bidirectional overrides and isolates (a name that reads differently from what it is — the
"Trojan Source" trick), zero-width and other invisible characters, and code points that are
unassigned, private-use or surrogates. Full-width letters ("Ａ") and the ideographic space are
ordinary Chinese text and stay as typed (NFC does not fold them).

    clean_text(value, *, multiline=False) -> str   # NFC text, or ValidationError naming the problem
    has_bad_characters(value, *, multiline=False) -> bool
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huiguang.core.errors import FieldErrors

# Characters that draw nothing but are not in Unicode's "format" category (Cf): fillers and
# joiners that people use to make a name look empty or to defeat a duplicate check.
INVISIBLE = frozenset(
    {
        0x034F,  # combining grapheme joiner
        0x115F,  # Hangul choseong filler
        0x1160,  # Hangul jungseong filler
        0x17B4,  # Khmer vowel inherent aq
        0x17B5,  # Khmer vowel inherent aa
        0x180E,  # Mongolian vowel separator (Cf in newer Unicode, Zs in older)
        0x2800,  # Braille pattern blank
        0x3164,  # Hangul filler
        0xFFA0,  # half-width Hangul filler
    }
)
BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
ZWJ = 0x200D
# Emoji released after the Unicode version of this Python (3.11: Unicode 14) look unassigned to
# `unicodedata`; a phone's newest emoji is not a reason to refuse a description.
EMOJI_BLOCKS = range(0x1F000, 0x1FB00)

MESSAGES = {
    "control": _("The text contains a control character (%(char)s). Delete it and try again."),
    "bidi": _(
        "The text contains a character that changes the writing direction (%(char)s). "
        "Delete it and try again."
    ),
    "invisible": _("The text contains an invisible character (%(char)s). Delete it and try again."),
    "unassigned": _("The text contains a character that is not allowed (%(char)s). Delete it and try again."),
}


def _emoji_part(ch: str) -> bool:
    cp = ord(ch)
    return unicodedata.category(ch) == "So" or cp == 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or cp in EMOJI_BLOCKS


def _problem(text: str, multiline: bool) -> tuple[str, int] | None:
    """The first refused character of NFC text, as (kind, index), or None."""
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp < 0x80 and 0x20 <= cp < 0x7F:
            continue  # printable ASCII, most text: no lookup
        if multiline and ch in "\n\t":
            continue
        if cp in BIDI:
            return "bidi", i
        if cp == ZWJ and 0 < i < len(text) - 1 and _emoji_part(text[i - 1]) and _emoji_part(text[i + 1]):
            continue  # joins an emoji sequence (👨‍👩‍👧): visible, harmless
        if cp in INVISIBLE:
            return "invisible", i
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            return "control", i
        if category == "Cf":
            return "invisible", i
        if category in ("Co", "Cs") or (category == "Cn" and cp not in EMOJI_BLOCKS):
            return "unassigned", i
    return None


def _normalise(value: str, multiline: bool) -> str:
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value)


def has_bad_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether `clean_text` would refuse `value`."""
    return _problem(_normalise(value, multiline), multiline) is not None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` NFC-normalised (and, when `multiline`, with \\r\\n turned into \\n), or a
    ValidationError (code "bad_character") whose message names the problem and the character.

    Single-line text refuses every control character, tab and newline included; multi-line text
    allows \\n and \\t."""
    text = _normalise(value, multiline)
    problem = _problem(text, multiline)
    if problem is None:
        return text
    kind, index = problem
    raise ValidationError(MESSAGES[kind], code="bad_character", params={"char": f"U+{ord(text[index]):04X}"})


def posted_text(request, name: str, *, max_length: int, multiline: bool = True) -> str:
    """Free text a page posts without a form (a reason, a note): the same hygiene as the forms'
    fields, cut to `max_length`; a refusal is a FieldErrors on `name` for the page to show (422)."""
    try:
        return clean_text(request.POST.get(name, ""), multiline=multiline)[:max_length]
    except ValidationError as exc:
        raise FieldErrors({name: exc.messages}) from None
