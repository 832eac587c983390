"""Configurable parameters: defaults in settings.QOGAM_DEFAULTS, administrator overrides in Parameter."""

import pytest
from django.core.exceptions import ValidationError

from qogam.core import config
from qogam.core.models import Parameter

pytestmark = pytest.mark.django_db

KEY = "registry.national_min_branch_regions"


def test_default_applies_without_an_override(settings):
    assert config.get(KEY) == settings.QOGAM_DEFAULTS[KEY]


def test_override_beats_default(settings):
    Parameter.objects.create(key=KEY, value=10)
    assert config.get(KEY) == 10
    assert settings.QOGAM_DEFAULTS[KEY] != 10


def test_removing_the_override_restores_the_default(settings):
    Parameter.objects.create(key=KEY, value=10)
    Parameter.objects.filter(key=KEY).delete()
    assert config.get(KEY) == settings.QOGAM_DEFAULTS[KEY]


def test_unknown_key_raises():
    with pytest.raises(KeyError, match="no.such.parameter"):
        config.get("no.such.parameter")


def test_unknown_key_raises_even_with_a_stray_override():
    Parameter.objects.create(key="no.such.parameter", value=1)
    with pytest.raises(KeyError):
        config.get("no.such.parameter")


@pytest.mark.parametrize(
    ("default", "good", "bad"),
    [
        (2, [0, 10], [True, 2.5, "2", None, [2]]),
        (0.8, [1, 0.75], [True, "0.8", None]),
        (True, [False], [0, 1, "true"]),
        ("text", ["other"], [1, None]),
        ([1, 2], [[]], [{}, "1,2"]),
    ],
)
def test_validate_checks_the_type_of_the_default(settings, default, good, bad):
    settings.QOGAM_DEFAULTS = {**settings.QOGAM_DEFAULTS, "tests.param": default}
    for value in good:
        config.validate("tests.param", value)
    for value in bad:
        with pytest.raises(ValidationError) as raised:
            config.validate("tests.param", value)
        assert raised.value.code == "wrong_type"


def test_validate_refuses_unknown_keys():
    with pytest.raises(ValidationError) as raised:
        config.validate("no.such.parameter", 1)
    assert raised.value.code == "unknown_parameter"
