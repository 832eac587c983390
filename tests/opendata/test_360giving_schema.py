"""The vendored 360Giving schemas and the offline validator built on them (no database needed)."""

import hashlib
import socket
import urllib.request
import warnings

import pytest
from jsonschema import Draft202012Validator

from qogam.core.rules import identifier_problem
from qogam.opendata import validation
from qogam.opendata.validation import is_date_time, is_uri, validate_360giving

RECIPIENT_BIN = "150640000100"
FUNDER_BIN = "950440001673"

# Git blob ids of the upstream files (schemas/README.md): the copies must stay byte-for-byte identical.
VENDORED_BLOBS = {
    validation.PACKAGE_SCHEMA_FILE: "e918e3e9bbd0603ecc5f16c4a4b0562f93f19584",
    validation.GRANT_SCHEMA_FILE: "f8ae721f98afcc829b5a8097784573dc02a65920",
}


def minimal_grant() -> dict:
    return {
        "id": "360G-qogam-2025-0001",
        "title": "Support for rural libraries",
        "description": "Books and reading programmes for village libraries in Abai region.",
        "currency": "KZT",
        "amountAwarded": 5000000,
        "awardDate": "2025-03-14",
        "recipientOrganization": [{"id": f"KZ-BIN-{RECIPIENT_BIN}", "name": "Kitap Public Foundation"}],
        "fundingOrganization": [{"id": f"KZ-BIN-{FUNDER_BIN}", "name": "Civil Initiatives Support Centre"}],
    }


def minimal_package() -> dict:
    return {"grants": [minimal_grant()]}


def test_sample_organisation_ids_use_valid_bins():
    assert identifier_problem(RECIPIENT_BIN) is None
    assert identifier_problem(FUNDER_BIN) is None


def test_minimal_package_is_valid():
    assert validate_360giving(minimal_package()) == []


def test_package_with_metadata_is_valid():
    package = minimal_package()
    package.update(
        version="1.4",
        title="Qogam grants 2025",
        issued="2025-04-01",
        modified="2025-04-01T09:30:00+05:00",
        license="https://creativecommons.org/licenses/by/4.0/",
        publisher={
            "name": "Qogam",
            "identifier": f"KZ-BIN-{FUNDER_BIN}",
            "website": "https://qogam.example/",
        },
    )
    package["grants"][0]["dateModified"] = "2025-04-01T09:30:00Z"
    assert validate_360giving(package) == []


@pytest.mark.parametrize(
    "field", ["id", "title", "description", "currency", "amountAwarded", "awardDate", "fundingOrganization"]
)
def test_missing_required_grant_field_is_named(field):
    package = minimal_package()
    del package["grants"][0][field]
    assert validate_360giving(package) == [f"grants[0].{field}: this required field is missing"]


def test_missing_recipient_names_both_alternatives():
    package = minimal_package()
    del package["grants"][0]["recipientOrganization"]
    assert validate_360giving(package) == [
        "grants[0]: one of recipientOrganization or recipientIndividual is required"
    ]


def test_missing_field_and_recipient_are_both_reported():
    package = minimal_package()
    del package["grants"][0]["recipientOrganization"]
    del package["grants"][0]["title"]
    assert validate_360giving(package) == [
        "grants[0]: one of recipientOrganization or recipientIndividual is required",
        "grants[0].title: this required field is missing",
    ]


def test_grant_to_organisation_and_individual_at_once_is_rejected():
    package = minimal_package()
    package["grants"][0]["recipientIndividual"] = {"id": "360G-qogam-IND-1", "name": "Individual Recipient"}
    assert validate_360giving(package) == [
        "grants[0]: give only one of recipientOrganization, recipientIndividual"
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "amountAwarded",
            "5000000",
            'grants[0].amountAwarded: must be of type number, not string ("5000000")',
        ),
        ("title", 42, "grants[0].title: must be of type string, not number (42)"),
        ("awardDate", 20250314, "grants[0].awardDate: must be of type string, not number (20250314)"),
        (
            "recipientOrganization",
            {"id": f"KZ-BIN-{RECIPIENT_BIN}", "name": "Kitap"},
            "grants[0].recipientOrganization: must be of type array, not object",
        ),
    ],
)
def test_wrong_type_is_named(field, value, expected):
    package = minimal_package()
    package["grants"][0][field] = value
    errors = validate_360giving(package)
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_organisation_without_id_is_named():
    package = minimal_package()
    del package["grants"][0]["recipientOrganization"][0]["id"]
    assert validate_360giving(package) == [
        "grants[0].recipientOrganization[0].id: this required field is missing"
    ]


def test_empty_organisation_list_is_rejected():
    package = minimal_package()
    package["grants"][0]["fundingOrganization"] = []
    assert validate_360giving(package) == ["grants[0].fundingOrganization: must contain at least 1 item"]


def test_unknown_currency_points_to_the_codelist():
    package = minimal_package()
    package["grants"][0]["currency"] = "TENGE"
    assert validate_360giving(package) == [
        'grants[0].currency: "TENGE" is not an allowed value (see the 360Giving codelist currency.csv)'
    ]


@pytest.mark.parametrize("award_date", ["2025-03-14", "2025-03-14T10:00:00Z", "2025-03-14T10:00:00.5+05:00"])
def test_award_date_accepts_date_or_date_time(award_date):
    package = minimal_package()
    package["grants"][0]["awardDate"] = award_date
    assert validate_360giving(package) == []


@pytest.mark.parametrize(
    "award_date", ["14/03/2025", "2025-3-14", "2025-03-14T10:00", "2025-02-30T10:00:00Z"]
)
def test_award_date_in_other_forms_is_rejected(award_date):
    package = minimal_package()
    package["grants"][0]["awardDate"] = award_date
    errors = validate_360giving(package)
    assert len(errors) == 1
    assert errors[0].startswith(f'grants[0].awardDate: "{award_date}" is not valid.')
    assert "YYYY-MM-DD" in errors[0]


def test_package_without_grants_is_rejected():
    assert validate_360giving({}) == ["grants: this required field is missing"]
    assert validate_360giving({"grants": []}) == ["grants: must contain at least 1 item"]


def test_duplicate_grants_are_rejected():
    package = minimal_package()
    package["grants"].append(minimal_grant())
    assert validate_360giving(package) == ["grants: contains duplicate items"]


def test_package_metadata_is_checked():
    package = minimal_package()
    package.update(license="CC BY 4.0", publisher={"website": "https://qogam.example/"}, version="1.4.3")
    assert validate_360giving(package) == [
        'license: "CC BY 4.0" is not a valid uri',
        "publisher.name: this required field is missing",
        'version: "1.4.3" does not match the pattern ^(\\d+\\.)(\\d+)$',
    ]


def test_errors_in_several_grants_come_in_order():
    package = {"grants": [minimal_grant() for _ in range(11)]}
    for index, grant in enumerate(package["grants"]):
        grant["id"] = f"360G-qogam-2025-{index:04d}"
    del package["grants"][10]["title"]
    del package["grants"][2]["title"]
    assert validate_360giving(package) == [
        "grants[2].title: this required field is missing",
        "grants[10].title: this required field is missing",
    ]


def test_validation_is_offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validation tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    validation.package_validator.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert validate_360giving(minimal_package()) == []
            package = minimal_package()
            del package["grants"][0]["currency"]
            assert validate_360giving(package) == ["grants[0].currency: this required field is missing"]
    finally:
        validation.package_validator.cache_clear()


@pytest.mark.parametrize("path", list(VENDORED_BLOBS))
def test_vendored_schema_is_unchanged_and_a_valid_2020_12_schema(path):
    data = path.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    assert blob == VENDORED_BLOBS[path]
    Draft202012Validator.check_schema(validation._load(path))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-03-14T10:00:00Z", True),
        ("2025-03-14t10:00:00.123-04:30", True),
        ("2016-12-31T23:59:60Z", True),
        ("2025-03-14T10:00:00", False),
        ("2025-03-14", False),
        ("2025-13-01T00:00:00Z", False),
        ("2025-03-14T24:00:00Z", False),
        ("2025-03-14T10:00:00+24:00", False),
        ("2025-03-14T10:00:00Z\n", False),
        (20250314, True),
    ],
)
def test_date_time_format(value, valid):
    assert is_date_time(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", True),
        ("https://example.org/a%20b?x=1#top", True),
        ("mailto:info@example.org", True),
        ("example.org/path", False),
        ("https://example.org/a b", False),
        ("https://example.org/%zz", False),
        ("", False),
        (None, True),
    ],
)
def test_uri_format(value, valid):
    assert is_uri(value) is valid
