"""Schemathesis over every operation of the OpenAPI document, as three personas.

Any 5xx, any answer that its OpenAPI entry does not promise (status, body, headers, content type)
fails: all of schemathesis' checks run. The examples per operation are bounded
(HUIGUANG_FUZZ_EXAMPLES, default 6: 196 operations × 3 personas on two databases must fit CI);
raise it for a deeper run (`HUIGUANG_FUZZ_EXAMPLES=50 pytest tests/fuzz`).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from huiguang.config.api import api

from ..factories import bearer

EXAMPLES = int(os.environ.get("HUIGUANG_FUZZ_EXAMPLES", "6"))
PERSONAS = ["anonymous", "volunteer", "city_admin"]

# The document the API serves at /api/v1/openapi.json, built without a request; calls go to the
# WSGI application in this process.
# All checks run. One setting: a request that fits the schema may still break a rule no schema can
# say (an ID number's check digit, a start after the end, a region code that does not exist), so
# "valid data accepted" counts a 422 with its message as an answer too.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"), config=CONFIG)
schema.app = get_wsgi_application()  # config.wsgi would also check the keys at import


@pytest.fixture
def persona_headers(city):
    """Authorization headers per persona. The WSGI handler closes the database connection after
    each request; Django's test client keeps it open (the test's transaction lives on it), and so
    does this fixture."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    headers = {"anonymous": {}}
    for persona in PERSONAS[1:]:
        headers[persona] = {"Authorization": bearer(city.users[persona]).defaults["HTTP_AUTHORIZATION"]}
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_what_it_promises(case, persona_headers):
    """Every request that fits the schema is sent as each persona in turn. One that does not (a
    wrong type, a value out of range, a method the operation lacks: most of the coverage phase's
    cases) is sent signed in as the city admin: the API authenticates before it validates, so an
    anonymous caller meets the 401 and never the validation, and any signed-in caller meets the
    same validation before a view's scope applies."""
    negative = case.meta is not None and case.meta.generation.mode == GenerationMode.NEGATIVE
    for persona in ["city_admin"] if negative else PERSONAS:
        case.call_and_validate(headers=persona_headers[persona])
