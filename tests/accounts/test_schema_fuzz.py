"""The accounts API fuzzed from its own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation gets generated valid and invalid input: anonymously, as an NGO representative
and as a verified analyst of the authorised body. No response may be a server error, and every
response must conform to the schema.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from qogam.accounts.models import Representation, Role
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, RepresentationFactory, UserFactory

pytestmark = pytest.mark.fuzz

EXAMPLES = 25 if os.environ.get("CI") else 60
CSRF_SECRET = "Qogam0fuzz0csrf0secret0abcdefghi"  # 32 characters, the format of Django's CSRF cookie

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

api = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
accounts_operations = api.include(path_regex=r"^/api/accounts/")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections
    would close the test transaction's connection on PostgreSQL; Django's test client disconnects
    it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def representations(db):
    org = OrganisationFactory()
    RepresentationFactory(organisation=org)
    RepresentationFactory(organisation=org, status=Representation.Status.PENDING)
    RepresentationFactory(status=Representation.Status.PENDING)


def session_of(client, user):
    login_verified(client, user)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
        "headers": {"X-CSRFToken": CSRF_SECRET},
    }


@pytest.fixture
def ngo_session(representations, client):
    return session_of(client, UserFactory(role=Role.NGO))


@pytest.fixture
def analyst_session(representations, client):
    return session_of(client, UserFactory(role=Role.ANALYST))


@accounts_operations.parametrize()
@FUZZ_SETTINGS
def test_accounts_api_anonymous(case, representations):
    case.call_and_validate(checks=CHECKS)


@accounts_operations.parametrize()
@FUZZ_SETTINGS
def test_accounts_api_as_ngo(case, ngo_session):
    case.call_and_validate(checks=CHECKS, cookies=ngo_session["cookies"], headers=ngo_session["headers"])


@accounts_operations.parametrize()
@FUZZ_SETTINGS
def test_accounts_api_as_analyst(case, analyst_session):
    case.call_and_validate(checks=CHECKS, cookies=analyst_session["cookies"], headers=analyst_session["headers"])
