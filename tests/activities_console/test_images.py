"""Image uploads are judged by content (core/images.py): type, size and dimensions, in Chinese."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from huiguang.activities.models import ActivityPhoto
from huiguang.activities.services import photos
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.images import PHOTO, image_check

from .conftest import image_upload

NOT_AN_IMAGE = "文件必须是 JPEG、PNG 或 WebP 格式的图片。"


def noisy_jpeg(size=(2400, 2400)) -> SimpleUploadedFile:
    """A JPEG of random pixels: it does not compress, so it is large."""
    import os

    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=100)
    return SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_pass(fmt):
    checked = image_check(image_upload(fmt, size=(640, 480), name="x.bin"))
    assert (checked.format, checked.width, checked.height) == (fmt, 640, 480)
    assert checked.extension == {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[fmt]


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile(
                "photo.jpg", "这是一段文字，不是图片。".encode() * 20, content_type="image/jpeg"
            ),
            NOT_AN_IMAGE,
        ),
        (image_upload("GIF", name="photo.png"), NOT_AN_IMAGE),
        (image_upload("PNG", size=(120, 800)), "图片尺寸至少为 200 × 200 像素。"),
        (image_upload("PNG", size=(6001, 300)), "图片尺寸最大为 6000 × 6000 像素。"),
        (noisy_jpeg(), "图片不能大于 5 MB。"),
    ],
    ids=["renamed-text-file", "gif", "too-small", "too-wide", "too-large"],
)
def test_refused_with_a_clear_message(upload, message):
    with pytest.raises(FieldErrors) as exc:
        image_check(upload, field="image")
    assert exc.value.errors == {"image": [message]}


def test_the_size_is_checked_before_decoding(monkeypatch):
    upload = image_upload("PNG", size=(300, 300))
    monkeypatch.setattr(upload, "size", PHOTO.max_bytes + 1)
    with pytest.raises(FieldErrors) as exc:
        image_check(upload)
    assert exc.value.errors["image"] == ["图片不能大于 5 MB。"]


def test_a_truncated_jpeg_is_refused():
    good = image_upload("JPEG", size=(800, 600), name="x.jpg").read()
    with pytest.raises(FieldErrors):
        image_check(SimpleUploadedFile("x.jpg", good[: len(good) // 2], content_type="image/jpeg"))


def test_photo_add_stores_dimensions_and_a_safe_name(city, scene):
    photo = photos.photo_add(
        actor=city.users["leader"],
        activity=scene.draft,
        upload=image_upload("WEBP", size=(800, 600), name="../../x.php"),
    )
    assert (photo.width, photo.height, photo.kind) == (800, 600, ActivityPhoto.Kind.GALLERY)
    assert photo.image.name.startswith("activities/photos/") and photo.image.name.endswith(".webp")
    assert ".." not in photo.image.name and "php" not in photo.image.name


def test_outcome_photos_wait_for_the_activity_to_start(city, scene):
    with pytest.raises(Refused):
        photos.photo_add(
            actor=city.users["org_admin"], activity=scene.published, upload=image_upload(), kind="outcome"
        )
    photo = photos.photo_add(
        actor=city.users["org_admin"], activity=scene.finished, upload=image_upload(), kind="outcome"
    )
    assert photo.kind == ActivityPhoto.Kind.OUTCOME


def test_cover_upload_on_the_editor_refuses_a_renamed_text_file(city, scene, as_role):
    client = as_role("org_admin")
    url = reverse("activities:console_edit", args=[scene.draft.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "required_skills"}
    data["category"] = scene.draft.category_id
    data["region"] = scene.draft.region_id
    data["starts_at"] = timezone.localtime(scene.draft.starts_at).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = timezone.localtime(scene.draft.ends_at).strftime("%Y-%m-%dT%H:%M")
    for name in ("members_only", "agreement_required", "insurance_required", "move_shifts", "site"):
        data.pop(name, None)
    data["cover"] = SimpleUploadedFile("cover.jpg", b"not a picture at all", content_type="image/jpeg")
    response = client.post(url, data)
    assert response.status_code == 422
    assert NOT_AN_IMAGE in response.content.decode()
    scene.draft.refresh_from_db()
    assert not scene.draft.cover


def test_photo_upload_page_shows_the_reason(city, scene, as_role):
    response = as_role("leader").post(
        reverse("activities:photo_add", args=[scene.draft.pk]),
        {"image": image_upload("PNG", size=(100, 100)), "kind": "gallery", "caption": ""},
    )
    assert response.status_code == 422
    assert "图片尺寸至少为 200 × 200 像素。" in response.content.decode()
    assert not ActivityPhoto.objects.exists()
