"""The API fuzzed from its own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation gets generated valid and invalid input, anonymously and as an administrator
(writes included). No response may be a server error, and every response must conform to the
schema: documented status code, content type, headers and body.
"""

import os
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from qogam.accounts.models import Role
from qogam.core.models import Region
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, StateBodyFactory, UserFactory

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


# Loaded at collection: generating the schema reads no database. The register's operations only;
# the accounts API is fuzzed with its own tests.
REGISTER_PATHS = r"^/api/(organisations|state-bodies|regions|legal-forms|directions)/"
api = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
register_operations = api.include(path_regex=REGISTER_PATHS)
register_writes = api.include(path_regex=REGISTER_PATHS, method=["POST", "PATCH"])


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests sent straight to the WSGI app would close the test's database connection when they
    finish (Django's test client prevents that the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def register(db):
    ministry = StateBodyFactory(level="central", kind="ministry", region=None)
    StateBodyFactory(level="central", kind="committee", region=None, parent=ministry)
    OrganisationFactory.create_batch(3)
    OrganisationFactory(legal_form_id="public_association", territorial_level="regional",
                        branches=["710000000", "750000000"], email="a@b.kz", website="https://b.kz")
    return SimpleNamespace(
        organisation=OrganisationFactory(region=Region.objects.get(kato="710000000"), directions=["sport", "youth"]),
        state_body=ministry,
    )


def aim_half_at_real_records(case, register):
    """Random BINs only ever reach 404; send every other detail request to a real record."""
    bin_ = (case.path_parameters or {}).get("bin")
    if bin_ is None or len(str(bin_)) % 2:
        return
    real = register.state_body if case.path.startswith("/api/state-bodies/") else register.organisation
    case.path_parameters = {**case.path_parameters, "bin": real.bin}


@register_operations.parametrize()
@FUZZ_SETTINGS
def test_api_anonymous(case, register):
    aim_half_at_real_records(case, register)
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def admin_session(register, client):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    login_verified(client, admin)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
        "headers": {"X-CSRFToken": CSRF_SECRET},
        "target": register,
    }


@register_writes.parametrize()
@FUZZ_SETTINGS
def test_api_writes_as_administrator(case, admin_session):
    target = admin_session["target"].organisation
    if case.method == "PATCH" and case.path_parameters:
        # Aim changes at a real organisation, at its current version, so that the body reaches the
        # service's validation instead of stopping at 404 or 409 (those are covered elsewhere).
        target.refresh_from_db()
        case.path_parameters = {**case.path_parameters, "bin": target.bin}
        if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
            case.body = {**case.body, "version": target.version}
    case.call_and_validate(checks=CHECKS, cookies=admin_session["cookies"], headers=admin_session["headers"])
