"""The check of an assessment's evidence file: a PDF (by its content: the `%PDF-` header and the
`%%EOF` trailer) or a picture (core.images.image_check, which re-encodes it from its pixels), at
most 10 MB. Judged by content, never by the file's name or the browser's content type."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huiguang.core.images import MB, ImageRefused, image_check

MAX_BYTES = 10 * MB
FIELD = "evidence_file"


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read()
    upload.seek(0)
    return head == b"%PDF-" and b"%%EOF" in tail


def evidence_check(upload) -> dict[str, list[str]]:
    """{} when the file may be kept, else the message on its field."""
    if upload.size > MAX_BYTES:
        return {FIELD: [_("The file is larger than 10 MB.")]}
    if upload.size == 0:
        return {FIELD: [_("The file is empty.")]}
    if _is_pdf(upload):
        return {}
    try:
        image_check(upload, field=FIELD)
    except ImageRefused as exc:
        if exc.code != "format":
            return exc.errors  # a picture, refused: say why
        return {FIELD: [_("The evidence must be a PDF or a JPEG, PNG or WebP image.")]}
    return {}
