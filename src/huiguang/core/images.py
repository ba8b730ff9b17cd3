"""The one check every image upload goes through (activity covers and photos, organization seals).

An image is judged by its content, never by its name or the browser's content type: Pillow must
recognise one of the allowed formats and decode the whole picture (a truncated or disguised file
fails), the file must not be too large and its sides must lie between a minimum and a maximum.
Every refusal is a `FieldErrors` on the caller's field, with a message in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import FieldErrors

MB = 1024 * 1024
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ImagePolicy:
    formats: tuple[str, ...]  # Pillow format names
    max_bytes: int
    max_side: int
    min_side: int
    format_message: Promise  # what to say when the file is not one of `formats`


# Activity covers, gallery and outcome photos: what a phone camera produces, within reason.
PHOTO = ImagePolicy(
    formats=("JPEG", "PNG", "WEBP"),
    max_bytes=5 * MB,
    max_side=6000,
    min_side=200,
    format_message=gettext_lazy("The file must be a JPEG, PNG or WebP image."),
)


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


class ImageRefused(FieldErrors):
    """A refused upload; `code` says why (not_image, format, too_large, too_big, too_small)."""

    def __init__(self, field: str, code: str, message):
        super().__init__({field: [message]})
        self.code = code


def _size_text(n_bytes: int) -> str:
    if n_bytes % MB == 0:
        return f"{n_bytes // MB} MB"
    return f"{n_bytes / MB:.1f} MB"


def image_check(upload, *, field: str = "image", policy: ImagePolicy = PHOTO) -> CheckedImage:
    """Check an uploaded file against `policy`; the file is left at position 0 for saving."""
    from PIL import Image

    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > policy.max_bytes:
        raise ImageRefused(
            field,
            "too_large",
            _("The image is larger than %(size)s.") % {"size": _size_text(policy.max_bytes)},
        )
    not_image = ImageRefused(field, "format", policy.format_message)
    try:
        upload.seek(0)
        # Opening reads the header only: the format and the size are known before decoding, so
        # a huge picture is refused without spending memory on it.
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            if fmt not in policy.formats:
                raise not_image
            if width > policy.max_side or height > policy.max_side:
                raise ImageRefused(
                    field,
                    "too_big",
                    _("The image may be at most %(n)d × %(n)d pixels.") % {"n": policy.max_side},
                )
            if width < policy.min_side or height < policy.min_side:
                raise ImageRefused(
                    field,
                    "too_small",
                    _("The image must be at least %(n)d × %(n)d pixels.") % {"n": policy.min_side},
                )
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode JPEG data: a truncated file fails here
    except ImageRefused:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, DecompressionBombError...)
        raise not_image
    upload.seek(0)
    return CheckedImage(format=fmt, width=width, height=height)
