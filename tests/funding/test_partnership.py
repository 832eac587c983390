"""Issue 5, strategic partnership (DOMAIN §4.4): national level only, enforced (the customer must be a
central state body); one lot, one partner selected, for 3 years with a multi-year plan and yearly reports."""

import datetime as dt
from decimal import Decimal

import pytest

from qogam.accounts.models import Role
from qogam.core.errors import PermissionDeniedError, ValidationFailed
from qogam.funding import services
from qogam.funding.models import Agreement, Assignment, Programme
from tests.factories import StateBodyFactory
from tests.funding.mechanism_world import admit_all, bid, partnership_world, score
from tests.funding.world import staff

pytestmark = pytest.mark.django_db

LOT = {"title": "Әріптестік", "direction": "education", "budget": 30_000_000, "rationale": "r",
       "terms_of_reference": "Үш жылдық жоспар.", "max_months": 36}


def _programme(actor, body, **kwargs):
    return services.programme_create(**{
        "actor": actor, "mechanism": "partnership", "year": 2026, "title_kk": "Стратегиялық әріптестік",
        "budget": Decimal(100_000_000), "funder_kind": "ministry", "funder_body": body,
        "directions": ["education"], **kwargs})


@pytest.mark.parametrize(("level", "kind"), [("regional", "akimat"), ("city", "akimat"), ("district", "akimat"),
                                             ("quasi_public", "quasi_public")])
def test_a_body_below_the_national_level_cannot_run_a_partnership(funding_clock, level, kind):
    body = StateBodyFactory(level=level, kind=kind)
    admin = staff(Role.ADMIN)
    for actor in (staff(Role.OFFICIAL, state_body=body), admin):
        with pytest.raises(ValidationFailed) as refused:
            _programme(actor, body)
        assert list(refused.value.fields) == ["funder_body"]
    assert not Programme.objects.exists()


def test_the_national_rule_names_the_field_and_the_reason(funding_clock):
    from django.utils import translation

    body = StateBodyFactory(level="regional", kind="akimat")
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _programme(staff(Role.OFFICIAL, state_body=body), body)
    assert refused.value.fields["funder_body"] == [
        "Only a central state body (a ministry or a committee) can run this competition: it is national level only."]


def test_a_partnership_is_funded_by_a_ministry_and_run_by_its_officials(funding_clock):
    ministry = StateBodyFactory(level="central", kind="ministry")
    official = staff(Role.OFFICIAL, state_body=ministry)
    with pytest.raises(ValidationFailed) as akimat:
        _programme(official, ministry, funder_kind="akimat")
    assert "funder_kind" in akimat.value.fields
    # The grant operator and another ministry's official do not run this ministry's competition.
    for stranger in (staff(Role.OPERATOR), staff(Role.OFFICIAL, state_body=StateBodyFactory(level="central"))):
        with pytest.raises(PermissionDeniedError):
            _programme(stranger, ministry)
    assert _programme(official, ministry).funder_body == ministry


def test_a_call_under_a_programme_whose_body_is_not_central_is_refused(funding_clock):
    """A programme written before the rule, or whose body has since been moved to the regional level."""
    body = StateBodyFactory(level="central", kind="committee")
    official = staff(Role.OFFICIAL, state_body=body)
    programme = _programme(official, body)
    body.level = "regional"
    body.save()
    programme.refresh_from_db()
    legacy = Programme.objects.create(mechanism="partnership", year=2026, title_kk="Ескі", budget=Decimal(10_000_000),
                                      funder_kind="ministry", funder_body=StateBodyFactory(level="district"))
    for programme_, actor in ((programme, official),
                              (legacy, staff(Role.OFFICIAL, state_body=legacy.funder_body))):
        with pytest.raises(ValidationFailed) as refused:
            services.call_create(actor=actor, programme=programme_, title_kk="СӘ", opens_on=dt.date(2026, 6, 10),
                                 closes_on=dt.date(2026, 7, 5), committee=[], lots=[LOT])
        assert "programme" in refused.value.fields


def test_one_lot_of_exactly_36_months(funding_clock):
    ministry = StateBodyFactory(level="central", kind="ministry")
    official = staff(Role.OFFICIAL, state_body=ministry)
    programme = _programme(official, ministry)
    kwargs = {"actor": official, "programme": programme, "title_kk": "СӘ", "opens_on": dt.date(2026, 6, 10),
              "closes_on": dt.date(2026, 7, 5)}
    with pytest.raises(ValidationFailed) as two:
        services.call_create(**kwargs, lots=[LOT, {**LOT, "title": "Екінші"}])
    assert "lots" in two.value.fields
    for months in (12, 24, 35, 37):
        with pytest.raises(ValidationFailed) as short:
            services.call_create(**kwargs, lots=[{**LOT, "max_months": months}])
        assert "lots.0.max_months" in short.value.fields
    with pytest.raises(ValidationFailed) as no_terms:
        services.call_create(**kwargs, lots=[{**LOT, "terms_of_reference": ""}])
    assert "lots.0.terms_of_reference" in no_terms.value.fields
    call = services.call_create(**kwargs, lots=[LOT])
    assert call.code.startswith("SP-2026-") and call.lots.get().max_months == 36
    assert call.price_floor is None  # no dumping floor outside the social order


def test_a_plan_shorter_than_three_years_is_refused(funding_clock):
    w = partnership_world(funding_clock)
    application = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=80_000_000, months=24, submit=False)
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(actor=w.reps[0], application=application)
    assert "months" in refused.value.fields


def test_one_partner_is_selected_for_three_years_with_yearly_reports(funding_clock):
    w = partnership_world(funding_clock)
    applications = [bid(w.call, w.lot, o, r, amount=amount, months=36)
                    for o, r, amount in zip(w.organisations, w.reps, (85_000_000, 90_000_000, 60_000_000),
                                            strict=True)]
    funding_clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=w.official, call=w.call)
    admit_all(w.official, applications)
    services.evaluation_start(actor=w.official, call=w.call)
    pool = {e.expert.pk for e in w.experts}
    for application in applications:  # pool experts score, as for grants
        assert set(Assignment.objects.filter(application=application).values_list("expert", flat=True)) == pool
    for application, value in zip(applications, (7, 9, 8), strict=True):
        score(application, value)
    services.call_decide(actor=w.committee[0], call=w.call, minutes="Хаттама", decided_on=dt.date(2026, 7, 15))
    for application in applications:
        application.refresh_from_db()
    assert [a.status for a in applications] == ["not_funded", "funded", "not_funded"]
    assert applications[1].awarded_amount == 90_000_000
    assert Agreement.objects.filter(application__call=w.call).count() == 1

    agreement = applications[1].agreement
    assert agreement.number.startswith("SP-2026-")
    assert (agreement.start_on, agreement.end_on) == (dt.date(2026, 8, 1), dt.date(2029, 7, 31))
    assert [(t.due_on, t.amount) for t in agreement.tranches.order_by("number")] == [
        (dt.date(2026, 8, 1), Decimal(30_000_000)), (dt.date(2027, 8, 1), Decimal(30_000_000)),
        (dt.date(2028, 8, 1), Decimal(30_000_000))]
    assert [(s.kind, s.period_start, s.period_end) for s in agreement.schedule.order_by("due_on")] == [
        ("interim", dt.date(2026, 8, 1), dt.date(2027, 7, 31)),
        ("interim", dt.date(2027, 8, 1), dt.date(2028, 7, 31)),
        ("final", dt.date(2028, 8, 1), dt.date(2029, 7, 31)),
    ]
    # The ministry's official signs for the funder, and changes to the plan keep it at 36 months.
    with pytest.raises(ValidationFailed) as shorter:
        services.agreement_prepare(actor=w.official, agreement=agreement, start_on="2026-08-01",
                                   end_on="2028-07-31", tranches=[("2026-08-01", 90_000_000)])
    assert "end_on" in shorter.value.fields
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.signed_by_operator == w.official and agreement.status == "signed"


def test_pool_experts_are_experts_not_panel_members(funding_clock):
    from tests.funding.mechanism_world import enrolled

    operator = staff(Role.OPERATOR)
    panel = [enrolled(role, operator)[0] for role in (Role.WORKING_GROUP, Role.COMMITTEE)]
    w = partnership_world(funding_clock)
    application = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=80_000_000, months=36)
    funding_clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=w.official, call=w.call)
    admit_all(w.official, [application])
    services.evaluation_start(actor=w.official, call=w.call)
    chosen = set(Assignment.objects.filter(application=application).values_list("expert__user", flat=True))
    assert chosen.isdisjoint(u.pk for u in panel)
    assert chosen == {e.pk for e in w.experts}
