"""The OpenAPI document loads, lists the paths other systems call, and the docs page is CSP-safe."""

import pytest

from .conftest import API

PATHS = {
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/token": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/tokens": {"get", "post", "delete"},
    "/api/v1/tokens/{token_id}": {"delete"},
    "/api/v1/regions": {"get"},
    "/api/v1/regions/{code}": {"get"},
    "/api/v1/organizations": {"get"},
    "/api/v1/organizations/{org_id}": {"get"},
    "/api/v1/sites": {"get"},
    "/api/v1/sites/{site_id}": {"get"},
    "/api/v1/memberships": {"get"},
    "/api/v1/memberships/{membership_id}": {"get"},
    "/api/v1/volunteers": {"get"},
    "/api/v1/volunteers/{volunteer_id}": {"get"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/read": {"post"},
    "/api/v1/seals": {"get"},
}


@pytest.fixture
def schema(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_path_and_method(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_every_operation_has_a_summary_a_description_and_response_schemas(schema):
    for path, methods in PATHS.items():
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation.get("summary") and operation.get("description"), (method, path)
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (method, path)


def test_request_and_answer_field_names_are_the_agreed_ones(schema):
    components = schema["components"]["schemas"]
    assert {"phone", "password", "real_name", "id_number", "region_code"} <= set(
        components["RegistrationIn"]["properties"]
    )
    assert {"phone", "password"} <= set(components["TokenObtainIn"]["properties"])
    assert "token" in components["TokenObtainOut"]["properties"]
    assert components["PagedVolunteerOut"]["properties"].keys() == {"items", "count"}


def test_public_endpoints_mark_authentication_optional_and_the_others_require_it(schema):
    assert {} in schema["paths"]["/api/v1/organizations"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/volunteers"]["get"]["security"]
    assert "security" not in schema["paths"]["/api/v1/auth/register"]["post"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionAuth"}


def test_docs_page_uses_no_external_or_inline_script(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert "<script>" not in body  # CSP: script-src 'self'


def test_every_schema_name_is_one_class():
    """Two schemas of one name share one entry in the document: one of them would be described wrong
    (the ledger's two `RecordOut`s once promised an `hours` field some lists did not send)."""
    from collections import Counter

    from ninja import Schema

    import huiguang.config.api  # noqa: F401 (loads every router and its schemas)

    names: Counter[str] = Counter()

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("huiguang."):
                names[sub.__name__] += 1
            walk(sub)

    walk(Schema)
    assert [name for name, count in names.items() if count > 1] == []
