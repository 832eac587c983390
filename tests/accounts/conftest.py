from types import SimpleNamespace

import pytest

from qogam.accounts.models import Representation, Role
from tests.accounts.helpers import logged_in, verified  # noqa: F401
from tests.factories import OrganisationFactory, RepresentationFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(db):
    """Two organisations, a pending request for the first, and one person of every kind."""
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    requester = UserFactory(username="requester", role=Role.NGO)
    rep_a = UserFactory(username="rep_a", role=Role.NGO)
    rep_b = UserFactory(username="rep_b", role=Role.NGO)
    RepresentationFactory(user=rep_a, organisation=org_a, position="director")
    RepresentationFactory(user=rep_b, organisation=org_b, position="director")
    pending = RepresentationFactory(
        user=requester, organisation=org_a, status=Representation.Status.PENDING, position="accountant"
    )
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        pending=pending,
        requester=requester,
        people={
            "anonymous": None,
            "requester": requester,
            "ngo_outsider": UserFactory(username="outsider", role=Role.NGO),
            "rep_same_org": rep_a,
            "rep_other_org": rep_b,
            "expert": UserFactory(username="expert", role=Role.EXPERT),
            "official": UserFactory(username="official", role=Role.OFFICIAL),
            "analyst": UserFactory(username="analyst", role=Role.ANALYST),
            "analyst_unverified": UserFactory(username="analyst2", role=Role.ANALYST),
            "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        },
    )


def actor(world, name):
    """The named person as a service caller: staff verified, except the deliberately unverified one."""
    from django.contrib.auth.models import AnonymousUser

    person = world.people[name]
    if person is None:
        return AnonymousUser()
    return person if name == "analyst_unverified" else verified(person)
