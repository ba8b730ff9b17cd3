import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture
def login_post():
    """login_post(phone, password, ip=...) → the response of a real login form submission."""

    def post(phone: str, password: str = PASSWORD, ip: str = "10.0.0.1", client: Client | None = None):
        client = client or Client()
        return client.post(
            reverse("accounts:login"), {"username": phone, "password": password}, REMOTE_ADDR=ip
        )

    return post
