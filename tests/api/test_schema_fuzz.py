"""Schemathesis: requests generated from the API's own OpenAPI description, sent with real keys to the
WSGI app, for every operation: no answer is a server error, and every answer matches the description
(status code, content type, headers, body)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import Scope
from tests.api.support import make_key
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db

# Examples per operation: enough to reach every branch of the input rules, small enough for `make test`.
EXAMPLES = 20


@pytest.fixture
def api_schema(db, settings):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's WSGI host
    # As Django's test client does: the test's transaction (its connection) outlives each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # Schemathesis renames the running node through `_nodeid` for its report; pytest 9 keeps the id
    # elsewhere (`_id`), so the attribute it reads first is provided here.
    request.node._nodeid = request.node.nodeid


# The real keys of the running test (made by the `tokens` fixture, read by the auth provider).
TOKENS: dict[str, str] = {}


@schema.auth()
class ApiKeyAuth:
    """Schemathesis's auth provider: the agency's read + write key, the national key for /national/.
    Knowing how to authenticate lets schemathesis also try requests without it (expecting 401)."""

    def get(self, case, context):
        return dict(TOKENS)

    def set(self, case, data, context):
        which = "national" if case.path.startswith("/api/v1/national/") else "agency"
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data[which]}"}


@pytest.fixture
def tokens(agency, agency_admin, national_admin, period, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    # A few rows to find, page and read (ids are generated, so most reads answer 404 as documented).
    for _ in range(3):
        WorkerRecordFactory(agency=agency, period=period)
    TOKENS["agency"] = make_key(agency=agency, actor=agency_admin, scope=Scope.WRITE)[1]
    TOKENS["national"] = make_key(agency=None, actor=national_admin, scope=Scope.READ)[1]
    yield TOKENS
    TOKENS.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_described(case, tokens):
    response = case.call()
    # Valid-looking input may still be refused by the rules of the data collection (a random NIK does
    # not agree with a random birth date): a 400 with the form's errors is the documented answer.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
