"""The one check every image upload goes through (activity covers and photos, organization seals).

An image is judged by its content, never by its name or the browser's content type: Pillow must
recognise one of the allowed formats and decode the whole picture (a truncated or disguised file
fails), the file must not be too large and its sides must lie between a minimum and a maximum.
Every refusal is a `FieldErrors` on the caller's field, with a message in the user's language.

A picture that passes is re-encoded from its pixels and the upload's content replaced by the new
file, so what is stored holds nothing but the picture: no EXIF (a phone writes where the photo
was taken), no XMP or text chunks, no colour profile (colours are converted to sRGB first) and
nothing hidden after the end of the image. The EXIF orientation is applied to the pixels before
the EXIF goes, so a portrait photo stays upright. An animated image keeps its first frame.

The number of pixels is checked from the header, before anything is decoded: a small file can
declare a picture of billions of pixels (a "decompression bomb") that would take gigabytes.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps

from .errors import FieldErrors

MB = 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone camera, 160 MB decoded as RGBA
# Pillow's own guard for every image this process opens (also QR codes, PDFs' pictures): a
# warning above the limit, an error above twice it. image_check turns the warning into a refusal.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ImagePolicy:
    formats: tuple[str, ...]  # Pillow format names
    max_bytes: int
    max_side: int
    min_side: int
    format_message: Promise  # what to say when the file is not one of `formats`
    max_pixels: int = MAX_PIXELS  # width × height, checked before decoding


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
    """A refused upload; `code` says why (format, too_large, too_many_pixels, too_big, too_small)."""

    def __init__(self, field: str, code: str, message):
        super().__init__({field: [message]})
        self.code = code


def _size_text(n_bytes: int) -> str:
    if n_bytes % MB == 0:
        return f"{n_bytes // MB} MB"
    return f"{n_bytes / MB:.1f} MB"


def image_check(upload, *, field: str = "image", policy: ImagePolicy = PHOTO) -> CheckedImage:
    """Check an uploaded file against `policy` and replace its content with the picture re-encoded
    from its pixels (see the module docstring); the file is left at position 0 for saving.

    Checking the same upload again (a service validates, then saves) returns the first answer."""
    done = getattr(upload, "_huiguang_checked", None)
    if done is not None and done[0] is policy:
        upload.seek(0)
        return done[1]
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
    too_many_pixels = ImageRefused(
        field,
        "too_many_pixels",
        _("The image has too many pixels: at most %(n)d megapixels.") % {"n": policy.max_pixels // 1_000_000},
    )
    not_image = ImageRefused(field, "format", policy.format_message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            # Opening reads the header only: the format and the size are known before decoding,
            # so a huge picture is refused without spending memory on it.
            with Image.open(upload) as image:
                fmt, (width, height) = image.format, image.size
                if fmt not in policy.formats:
                    raise not_image
                if width * height > policy.max_pixels:
                    raise too_many_pixels
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
                clean = _pixels_only(image)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels
        except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError...)
            raise not_image
    data = _encode(clean, fmt)
    _replace_content(upload, data)
    checked = CheckedImage(format=fmt, width=clean.width, height=clean.height)
    upload._huiguang_checked = (policy, checked)
    return checked


def _pixels_only(image: Image.Image) -> Image.Image:
    """The picture upright, in sRGB, with no metadata attached."""
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)  # a new image: the EXIF stays with the original
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if icc and upright.mode in ("RGB", "RGBA", "CMYK"):
        # A broken profile: keep the colours as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            upright = (
                ImageCms.profileToProfile(
                    upright,
                    ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                    ImageCms.createProfile("sRGB"),
                    outputMode="RGBA" if has_alpha else "RGB",
                )
                or upright
            )
    if upright.mode not in ("1", "L", "LA", "RGB", "RGBA", "I;16"):
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    upright.info = {}
    return upright


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")  # JPEG has no transparency
        image.save(buffer, format="JPEG", quality=90, optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(buffer, format="WEBP", quality=90)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


def _replace_content(upload, data: bytes) -> None:
    """Write `data` over the upload's content, in its own file object: a large upload is a
    temporary file on disk that the storage moves into place rather than copies."""
    file = getattr(upload, "file", upload)
    try:
        file.seek(0)
        file.truncate()
        file.write(data)
        file.flush()
    except (AttributeError, OSError):  # io.UnsupportedOperation: opened read-only
        upload.file = io.BytesIO(data)
    upload.size = len(data)
    upload.seek(0)
