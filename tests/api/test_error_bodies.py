"""Every API error answers the same JSON shape, also where no API view runs."""

import json

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/sites/abc", "/api/v1/tokens/null,null", "/api/v1/no-such-thing"])
def test_unknown_api_path_is_a_json_404(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.django_db
def test_a_page_outside_the_api_stays_an_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_limit_is_a_json_413(city):
    body = json.dumps({"phone": "1" * 4000, "password": "x"})
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "请求内容过大。"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/checkins", "/api/v1/tokens", "/api/v1/records/confirm", "/api/v1/notifications/read"]
)
def test_an_anonymous_write_is_401_not_a_csrf_failure(path):
    response = Client(enforce_csrf_checks=True).post(path, "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "请登录或提供有效的令牌。"}


@pytest.mark.django_db
def test_a_logged_in_session_without_the_csrf_token_is_refused(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.users["volunteer"])
    response = client.post("/api/v1/notifications/read", '{"all": true}', content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["张\u202e三", "张\u200b三", "张\x00三"])
def test_api_text_refuses_invisible_and_control_characters(city, name):
    from ..factories import bearer

    client = bearer(city.users["volunteer"])
    response = client.post("/api/v1/tokens", json.dumps({"name": name}), content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]
    assert "U+" in response.json()["errors"]["name"][0]
