"""The API fuzzed from its own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation gets generated valid and invalid input, anonymously and as an administrator
(writes included). No response may be a server error, and every response must conform to the
schema: documented status code, content type, headers and body.
"""

from types import SimpleNamespace

import pytest

from qogam.accounts.models import Role
from qogam.core.models import Region
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, StateBodyFactory, UserFactory
from tests.fuzzing import CHECKS, CSRF_SECRET, api, fuzz_settings

pytestmark = [pytest.mark.fuzz, pytest.mark.usefixtures("keep_the_test_connection")]

FUZZ_SETTINGS = fuzz_settings(ci=25, local=60)


# Loaded at collection: generating the schema reads no database. The register's operations only;
# the accounts API is fuzzed with its own tests.
REGISTER_PATHS = r"^/api/(organisations|state-bodies|regions|legal-forms|directions)/"
register_operations = api.include(path_regex=REGISTER_PATHS)
register_writes = api.include(path_regex=REGISTER_PATHS, method=["POST", "PATCH"])


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
