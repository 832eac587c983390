"""The accounts API fuzzed from its own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation gets generated valid and invalid input: anonymously, as an NGO representative
and as a verified analyst of the authorised body. No response may be a server error, and every
response must conform to the schema.
"""

import pytest

from qogam.accounts.models import Representation, Role
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, RepresentationFactory, UserFactory
from tests.fuzzing import CHECKS, CSRF_SECRET, api, fuzz_settings

pytestmark = [pytest.mark.fuzz, pytest.mark.usefixtures("keep_the_test_connection")]

FUZZ_SETTINGS = fuzz_settings(ci=25, local=60)

accounts_operations = api.include(path_regex=r"^/api/accounts/")


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
