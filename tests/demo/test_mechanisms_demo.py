"""The demo of issue 5 at the test scale: the state social order calibrated to figures.csv (132.4 bn KZT in
2003–2020, 13.5 bn of it republican; 59 bn in 2021–2023) whatever the scale, the award rounds from 2017
(223 awardees in 2017–2020 at scale 1: each round scaled, at least one), at least one strategic partnership,
and one complete lifecycle of each mechanism run through the services."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from qogam.demo import mechanisms
from qogam.funding import rules, selectors
from qogam.funding.models import Agreement, Call, EffectReview, Shortlist, Topic

pytestmark = pytest.mark.django_db


def _sso(**filters):
    return selectors.public_agreements().filter(application__call__mechanism="social_order", **filters)


def test_the_social_order_history_is_calibrated_at_any_scale(demo, db):
    history = _sso(application__call__programme__year__lte=2020)
    assert history.aggregate(s=Sum("amount"))["s"] == Decimal(132_400_000_000)
    republican = history.filter(application__call__programme__funder_body__level="central")
    assert republican.aggregate(s=Sum("amount"))["s"] == Decimal(13_500_000_000)
    recent = _sso(application__call__programme__year__in=[2021, 2022, 2023])
    assert recent.aggregate(s=Sum("amount"))["s"] == Decimal(59_000_000_000)
    first = _sso(application__call__programme__year=2003)
    assert first.aggregate(s=Sum("amount"))["s"] == Decimal(10_700_000)
    assert _sso(application__call__programme__year=2005).aggregate(s=Sum("amount"))["s"] == Decimal(59_700_000)


def test_award_rounds_since_2017(demo, db):
    awards = Agreement.objects.filter(application__call__mechanism="award",
                                      application__call__programme__year__range=(2017, 2020))
    expected = sum(demo.scaled(n) for n in mechanisms.AWARDEES.values())
    assert sum(mechanisms.AWARDEES.values()) == 223
    assert awards.count() == expected


def test_one_complete_lifecycle_of_each_mechanism(demo, db):
    tender = Agreement.objects.get(application__call__mechanism="social_order",
                                   application__call__lots__topic__isnull=False, status=rules.AgreementStatus.CLOSED)
    lot = tender.application.lot
    assert lot.topic.status == rules.TopicStatus.IN_LOT and lot.topic.supports.exists()
    assert tender.application.call.applications.filter(status="draft").exists()  # the dumping bid, not submitted
    assert tender.schedule.count() >= 2 and not tender.tranches.filter(paid_on__isnull=True).exists()
    assert EffectReview.objects.filter(agreement=tender, status="scored").count() == 3
    assert selectors.effect_results(tender) is not None
    award_call = Call.objects.filter(mechanism="award", shortlist__isnull=False, status="decided").get()
    assert Shortlist.objects.filter(call=award_call).exists()
    assert award_call.applications.filter(status="funded").count() == 6  # two categories of 6 m, 2 m an award
    partnership = Agreement.objects.get(application__call__mechanism="partnership")
    assert partnership.status == rules.AgreementStatus.CLOSED and partnership.schedule.count() == 3
    assert partnership.application.call.programme.funder_body.level == "central"


def test_live_work_waits_for_the_demo_logins(demo, db):
    official = demo.objects["users"]["demo-official"]
    assert Topic.objects.filter(body=official.state_body, status="discussion").count() == 2
    assert Call.objects.filter(mechanism="social_order", status="open",
                               programme__funder_body=official.state_body).exists()
    group = demo.objects["users"]["demo-working-group"]
    assert Call.objects.filter(mechanism="award", status="evaluation", working_group=group).exists()


def test_every_agreement_in_force_counts_toward_the_sign_of_activeness(demo, db):
    from qogam.reporting.models import ActivitySign
    from qogam.reporting.services import funding_agreements_active

    keys = set()
    for org_id, start, end, terminated in Agreement.objects.exclude(status="draft").values_list(
            "application__organisation_id", "start_on", "end_on", "terminated_on"):
        keys |= {(org_id, year) for year in range(start.year, (terminated or end).year + 1)}
    held = funding_agreements_active(keys)
    active = set(ActivitySign.objects.filter(active=True, funding_agreement=True).values_list("organisation_id",
                                                                                             "year"))
    assert held and held <= active
