"""Open data after a real lifecycle through the engine's services: the signed grant is in a valid 360Giving
package with the committee's decision date and its paid tranche, the draft agreement is not, and the
annual report counts the applications, the grant and the reported beneficiaries."""

import datetime as dt
from decimal import Decimal

import pytest

from qogam.funding import services
from qogam.opendata.giving360 import grants_package
from qogam.opendata.grants_report import annual_report, report_years
from qogam.opendata.validation import validate_360giving
from tests.funding.world import Clock, apply, build, score_all

pytestmark = pytest.mark.django_db


def test_a_signed_grant_is_published_and_reported(monkeypatch):
    clock = Clock(monkeypatch, dt.date(2026, 6, 10))
    world = build()
    services.call_publish(actor=world.operator, call=world.call)
    call, lot1, lot2 = world.call, *world.lots
    call.refresh_from_db()
    a0 = apply(world, 0, lot1, amount=3_000_000)
    a1 = apply(world, 1, lot1, amount=3_000_000, language="ru")
    a2 = apply(world, 2, lot2, amount=2_000_000)
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=call)
    for a in (a0, a1, a2):
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted",
                                   checklist={"documents": {"ok": True}})
    services.evaluation_start(actor=world.operator, call=call)
    for a, value in ((a0, 9), (a1, 7), (a2, 6)):
        score_all(world, a, value=value)
    clock.set(dt.date(2026, 7, 30))
    services.call_decide(actor=world.committee[0], call=call, minutes="Хаттама №1")
    a0.refresh_from_db()
    agreement = a0.agreement
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    services.tranche_pay(actor=world.operator, tranche=agreement.tranches.first())
    final = agreement.schedule.get(kind="final")
    report = services.monitoring_report_submit(actor=world.reps[0], due=final, content={
        "indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "118"}],
        "beneficiaries": "640", "spending": {"Тренерлер": "1500000", "Материалдар": "1500000"},
        "narrative": "Барлығы орындалды."})
    services.monitoring_report_review(actor=world.operator, report=report, accept=True)
    agreement.refresh_from_db()

    package = grants_package(base_url="https://qogam.example.kz")
    assert validate_360giving(package) == []
    assert [g["id"] for g in package["grants"]] == [f"360G-QOGAM-{agreement.number}"]  # a2's is a draft
    grant = package["grants"][0]
    assert grant["awardDate"] == call.decision.decided_on.isoformat()
    assert grant["amountAwarded"] == 3_000_000
    assert grant["amountDisbursed"] == int(agreement.tranches.first().amount)
    assert grant["recipientOrganization"][0]["id"] == f"KZ-BIN-{world.organisations[0].bin}"
    assert grant["fundingOrganization"][0]["id"] == f"KZ-BIN-{world.programme.funder_body.bin}"

    assert report_years() == [2026]
    figures = annual_report(2026)
    assert (figures.applications, figures.applications_kk, figures.kk_percent) == (3, 2, Decimal("66.7"))
    assert figures.capital_applications_percent == Decimal("100.0")  # the world's organisations are in Almaty
    assert (figures.grants, figures.amount, figures.beneficiaries) == (1, Decimal(3_000_000), 640)
