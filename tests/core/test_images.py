"""Uploaded pictures are stored re-encoded from their pixels (core/images.py): no EXIF (GPS), no
colour profile, nothing appended after the image; a picture of too many pixels is refused from
its header, before it is decoded."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from huiguang.activities.models import ActivityPhoto
from huiguang.core.errors import FieldErrors
from huiguang.core.images import MAX_PIXELS, image_check

from ..factories import make_activity

TOO_MANY_PIXELS = "图片像素过多：最多 40 百万像素。"
PAYLOAD = b"<?php system($_GET['c']); ?>"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps(size=(800, 600), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 16, 46))
    image.paste((20, 160, 46), (0, 0, size[0] // 2, size[1] // 4))  # a green band at the top left
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 41.0, 52.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 0.0, 56.0)
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(buffer, format="JPEG", exif=exif, icc_profile=srgb, comment=b"secret comment")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A small PNG file that declares a huge picture: the header and one tiny data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload_photo(client, activity, content: bytes, name="photo.jpg"):
    return client.post(
        reverse("activities:photo_add", args=[activity.pk]),
        {"image": SimpleUploadedFile(name, content, content_type="image/jpeg"), "kind": "gallery"},
    )


def stored(photo: ActivityPhoto) -> bytes:
    with photo.image.open("rb") as f:
        return f.read()


def test_an_uploaded_photo_is_stored_without_exif_gps_or_profile(city, as_role):
    activity = make_activity(city.org_a, created_by=city.users["org_admin"])
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file does carry GPS
    response = upload_photo(as_role("leader"), activity, original)
    assert response.status_code == 302
    data = stored(ActivityPhoto.objects.get(activity=activity))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (800, 600)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert "comment" not in image.info
    assert b"PhoneMaker" not in data and b"Exif" not in data and b"secret comment" not in data


def test_bytes_after_the_end_of_the_image_are_gone(city, as_role):
    activity = make_activity(city.org_a, created_by=city.users["org_admin"])
    response = upload_photo(as_role("leader"), activity, jpeg_with_gps() + PAYLOAD)
    assert response.status_code == 302
    data = stored(ActivityPhoto.objects.get(activity=activity))
    assert PAYLOAD not in data
    assert data.endswith(b"\xff\xd9")  # the file ends where the JPEG ends


def test_the_orientation_is_applied_before_the_exif_goes(city):
    # Orientation 6: the camera was turned; the picture must be shown rotated 90° clockwise.
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(orientation=6), content_type="image/jpeg")
    checked = image_check(upload)
    assert (checked.width, checked.height) == (600, 800)
    with Image.open(upload) as image:
        assert image.size == (600, 800) and not image.getexif()
        red, green, _blue = image.convert("RGB").getpixel((590, 10))  # the band is now top right
        assert green > red


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_keep_their_transparency_and_lose_their_metadata(fmt):
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    image.paste((200, 16, 46, 255), (50, 50, 250, 250))
    buffer = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret comment")
        image.save(buffer, format="PNG", pnginfo=info, exif=jpeg_exif())
    else:
        image.save(buffer, format="WEBP", exif=jpeg_exif(), lossless=True)
    upload = SimpleUploadedFile("seal", buffer.getvalue() + PAYLOAD)
    checked = image_check(upload)
    data = upload.read()
    assert checked.format == fmt and PAYLOAD not in data and b"secret comment" not in data
    with Image.open(io.BytesIO(data)) as clean:
        assert clean.mode == "RGBA" and clean.getpixel((10, 10))[3] == 0
        assert not clean.getexif()


def jpeg_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    return exif.tobytes()


def test_a_large_upload_on_disk_is_rewritten_in_place(settings, tmp_path):
    """Uploads above 2.5 MB arrive as temporary files that storage moves into place."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    content = jpeg_with_gps() + PAYLOAD
    upload = TemporaryUploadedFile("p.jpg", "image/jpeg", len(content), None)
    upload.write(content)
    upload.seek(0)
    image_check(upload)
    name = default_storage.save("activities/photos/p.jpg", upload)
    with default_storage.open(name, "rb") as f:
        data = f.read()
    assert data and PAYLOAD not in data and b"PhoneMaker" not in data
    assert default_storage.size(name) == len(data)
    upload.close()  # as Django does after the request: the moved temporary file is not missed


@pytest.mark.parametrize("width,height", [(10_000, 10_000), (7_100, 7_100)], ids=["100MP", "50MP"])
def test_a_pixel_bomb_is_refused_before_decoding(width, height):
    content = png_header(width, height)
    assert len(content) < 200 and width * height > MAX_PIXELS
    with pytest.raises(FieldErrors) as exc:
        image_check(SimpleUploadedFile("bomb.png", content, content_type="image/png"))
    assert exc.value.errors == {"image": [TOO_MANY_PIXELS]}


def test_a_pixel_bomb_on_the_upload_page_is_refused_and_nothing_is_written(city, as_role, settings):
    activity = make_activity(city.org_a, created_by=city.users["org_admin"])
    response = upload_photo(as_role("leader"), activity, png_header(10_000, 10_000), name="bomb.png")
    assert response.status_code == 422
    assert TOO_MANY_PIXELS in response.content.decode()
    assert not ActivityPhoto.objects.exists()
    assert not (settings.MEDIA_ROOT / "activities").exists()


def test_checking_the_same_upload_twice_encodes_it_once():
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    first = image_check(upload)
    once = upload.read()
    assert image_check(upload) == first
    assert upload.read() == once
