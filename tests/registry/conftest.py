import pytest

from qogam.core.models import Direction
from qogam.registry.models import Founder, Leader
from tests.accounts.helpers import login_verified  # noqa: F401
from tests.factories import OrganisationFactory

# Personal data that must never appear in public output.
LEADER_NAME = "Сәрсенбаева Айгүл Маратқызы"
FOUNDER_NAME = "Ермеков Дәурен Серікұлы"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def with_personal_data(db):
    """An organisation with a leader, an individual founder and a recorded leader gender."""
    organisation = OrganisationFactory(
        name_ru="Общественный фонд «Мейірім»", name_kk="«Мейірім» қоғамдық қоры", leader_gender="f",
        address="г. Алматы, ул. Абая, 10", email="info@meyirim.kz", phone="+7 727 000 00 00",
        website="https://meyirim.kz", directions=["education", "science"],
    )
    Leader.objects.create(organisation=organisation, full_name=LEADER_NAME, iin_hash="a" * 64)
    Founder.objects.create(organisation=organisation, kind=Founder.Kind.INDIVIDUAL, full_name=FOUNDER_NAME,
                           iin_hash="b" * 64)
    assert Direction.objects.filter(code__in=["education", "science"]).count() == 2
    return organisation


def assert_no_personal_data(text: str) -> None:
    for secret in (LEADER_NAME, FOUNDER_NAME, "leader_gender", "iin_hash", "a" * 64, "b" * 64):
        assert secret not in text, secret
