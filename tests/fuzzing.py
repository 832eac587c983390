"""What every OpenAPI fuzz test shares: the checks, the hypothesis settings, the schema loaded from the
WSGI app (generating it reads no database), and a CSRF secret in the format of Django's cookie.
The fixture `keep_the_test_connection` lives in tests/conftest.py."""

import os

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

CSRF_SECRET = "Qogam0fuzz0csrf0secret0abcdefghi"  # 32 characters, the format of Django's CSRF cookie

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


def fuzz_settings(*, ci: int, local: int):
    """Hypothesis settings for a fuzz test: `ci` examples in CI (bounded), `local` otherwise."""
    return settings(
        max_examples=ci if os.environ.get("CI") else local,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


api = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
