"""The state social order as OCDS (issue 5 "Publication"): the export validates against the official OCDS 1.1
release-package schema, covers planning, tender, awards, contracts and implementation, uses the configured
OCID prefix, is the same at the public URL and in the command's file, and holds no personal data."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from qogam.core.personal import iin_hash
from qogam.funding import rules, services
from qogam.funding.models import Agreement
from qogam.opendata import giving360, ocds
from qogam.opendata.validation import validate_360giving, validate_ocds
from tests.funding.mechanism_world import (
    JUSTIFICATION,
    award_world,
    scored_award_call,
    sso_world,
    won_contract,
)
from tests.funding.world import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding_clock(monkeypatch):
    return Clock(monkeypatch, dt.date(2026, 6, 10))
NOW = dt.datetime(2028, 1, 10, 12, 0, tzinfo=dt.UTC)


def _running_contract(clock):
    w = sso_world(clock)
    agreement = won_contract(w, clock)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    clock.set(agreement.start_on)
    services.agreement_activate(actor=None, agreement=agreement)
    first = agreement.tranches.order_by("number").first()
    services.tranche_pay(actor=w.official, tranche=first, paid_on=agreement.start_on)
    return w, Agreement.objects.get(pk=agreement.pk)


def _effect(w, agreement, clock):
    from qogam.accounts.permissions import mark_otp_verified

    clock.set(dt.date(2027, 9, 1))
    for review in services.effect_evaluation_start(actor=w.official, agreement=agreement):
        user = mark_otp_verified(review.expert.user)
        services.effect_declare(actor=user, review=review, no_conflict=True)
        services.effect_submit(actor=user, review=review, scores={
            code: {"value": "8", "justification": JUSTIFICATION} for code, _l in rules.EFFECT_DIMENSIONS})


def test_every_stage_is_published_and_the_package_validates(funding_clock):
    w, agreement = _running_contract(funding_clock)
    _effect(w, agreement, funding_clock)
    package = ocds.release_package(base_url="https://qogam.example/", now=NOW)
    assert validate_ocds(package) == []
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-qogam-{w.call.code}-1"
    assert release["tag"] == ["planning", "tender", "award", "contract", "implementation"]
    assert release["planning"]["budget"]["amount"] == {"amount": 5_000_000, "currency": "KZT"}
    assert "Local budget" in release["planning"]["budget"]["description"]  # a regional akimat
    assert w.topic.title in release["planning"]["rationale"]
    tender = release["tender"]
    assert tender["numberOfTenderers"] == 2 and tender["procurementMethod"] == "open"
    assert "4000000" in tender["submissionMethodDetails"]  # the lowest admissible bid, 80% of 5 m
    [award] = release["awards"]
    assert award["value"]["amount"] == 4_600_000
    assert award["suppliers"][0]["id"] == f"KZ-BIN-{w.organisations[1].bin}"
    [contract] = release["contracts"]
    assert len(contract["milestones"]) == agreement.schedule.count() == 3  # yearly stages over 30 months
    assert [t["value"]["amount"] for t in contract["implementation"]["transactions"]] == [
        int(agreement.tranches.order_by("number").first().amount)]
    assert "8.00" in contract["implementation"]["documents"][0]["description"]
    roles = {p["id"]: set(p["roles"]) for p in release["parties"]}
    assert roles[f"KZ-BIN-{w.body.bin}"] == {"buyer", "procuringEntity"}
    assert roles[f"KZ-BIN-{w.organisations[1].bin}"] == {"tenderer", "supplier"}
    assert roles[f"KZ-BIN-{w.organisations[0].bin}"] == {"tenderer"}


def test_a_draft_call_is_not_published_and_an_open_one_is_a_tender(funding_clock):
    w = sso_world(funding_clock)
    assert ocds.release_package(now=NOW)["releases"] == []
    services.call_publish(actor=w.official, call=w.call)
    package = ocds.release_package(now=NOW)
    assert validate_ocds(package) == []
    assert package["releases"][0]["tag"] == ["planning", "tender"]
    assert "awards" not in package["releases"][0]


def test_the_ocid_prefix_is_configurable(funding_clock):
    w = sso_world(funding_clock)
    services.call_publish(actor=w.official, call=w.call)
    with override_settings(QOGAM_DEFAULTS={**__import__("django.conf").conf.settings.QOGAM_DEFAULTS,
                                           "opendata.ocid_prefix": "ocds-abc123"}):
        package = ocds.release_package(now=NOW)
    assert package["releases"][0]["ocid"] == f"ocds-abc123-{w.call.code}-1"


def test_the_validator_rejects_a_broken_package(funding_clock):
    w = sso_world(funding_clock)
    services.call_publish(actor=w.official, call=w.call)
    package = ocds.release_package(now=NOW)
    del package["releases"][0]["ocid"]
    package["releases"][0]["tag"] = ["nonsense"]
    errors = validate_ocds(package)
    assert any("ocid" in e for e in errors) and any("tag" in e for e in errors)


def test_no_personal_data_is_published(funding_clock):
    w, agreement = _running_contract(funding_clock)
    leader = agreement.application.organisation.leaders.first() if hasattr(
        agreement.application.organisation, "leaders") else None
    text = json.dumps(ocds.release_package(now=NOW), ensure_ascii=False)
    for user in [w.official, *w.reps, *w.commission, *w.experts]:
        for value in (user.username, user.email, user.last_name):
            if value:
                assert value not in text
    for iin in [*w.commission_iins, *w.expert_iins]:
        assert iin not in text and iin_hash(iin) not in text
    if leader is not None:
        assert leader.iin_hash not in text


def test_the_command_and_the_public_url_publish_the_same_package(funding_clock, tmp_path, client):
    w, agreement = _running_contract(funding_clock)
    out = tmp_path / "ocds.json"
    call_command("export-ocds", "--out", str(out), "--base-url", "https://qogam.example")
    written = json.loads(out.read_text(encoding="utf-8"))
    assert validate_ocds(written) == []
    response = client.get(reverse("opendata:ocds_json"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    served = json.loads(response.content)
    assert validate_ocds(served) == []
    assert [r["id"] for r in served["releases"]] == [r["id"] for r in written["releases"]]
    assert client.get(reverse("opendata:ocds_json") + "?year=2026").json()["releases"] == served["releases"]
    assert client.get(reverse("opendata:ocds_json") + "?year=1999").status_code == 404
    index = client.get(reverse("opendata:index")).content.decode()
    assert "?year=2026" in index
    with pytest.raises(CommandError):
        call_command("export-ocds", "--out", str(tmp_path / "ocds.txt"))


def test_awards_are_in_360giving_and_the_social_order_is_not(funding_clock):
    from qogam.accounts.models import Representation
    from qogam.accounts.permissions import mark_otp_verified

    _w, sso_agreement = _running_contract(funding_clock)
    award = award_world(funding_clock)
    scored_award_call(award, funding_clock, [9, 8, 7, 6, 5])
    services.shortlist_decide(actor=award.group[0], call=award.call, minutes="Жұмыс тобының хаттамасы")
    services.call_decide(actor=award.commission[0], call=award.call, minutes="Комиссия хаттамасы")
    awarded = list(Agreement.objects.filter(application__call=award.call).order_by("number"))
    assert len(awarded) == 4
    for agreement in awarded:
        rep = Representation.objects.filter(organisation=agreement.application.organisation).first().user
        services.agreement_sign(actor=award.operator, agreement=agreement)
        services.agreement_sign(actor=mark_otp_verified(rep), agreement=agreement)
    package = giving360.grants_package()
    assert validate_360giving(package) == []
    grants = {g["id"]: g for g in package["grants"]}
    for agreement in awarded:
        grant = grants[f"360G-QOGAM-{agreement.number}"]
        assert grant["amountAwarded"] == 1_000_000
        assert grant["plannedDates"][0]["startDate"] == grant["plannedDates"][0]["endDate"]
    assert f"360G-QOGAM-{sso_agreement.number}" not in grants
