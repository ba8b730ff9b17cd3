"""Fixtures of the network tests: uploaded files go to a temporary media root; images for seals."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from huiguang.network.models import Organization

from ..factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_upload(fmt: str = "PNG", size=(200, 200), name: str = "seal.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}.get(
        fmt, "application/octet-stream"
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture
def pending_org_a(city) -> Organization:
    """A pending organization in town A (no parent): the town admin or the city admin decides."""
    return OrganizationFactory(
        code="PA", name="当湖待审志愿队", region=city.town_a, status=Organization.Status.PENDING
    )


@pytest.fixture
def pending_org_b(city) -> Organization:
    return OrganizationFactory(
        code="PB", name="乍浦待审志愿队", region=city.town_b, status=Organization.Status.PENDING
    )
