"""Calibration against reference/figures.csv on a bigger sample: the organisations of --scale 0.05
are built in memory (nothing is written), which takes a second or two."""

import datetime as dt
from collections import Counter

import pytest

from qogam.demo import registry
from qogam.demo.context import DemoContext
from qogam.demo.geography import ALMATY, ASTANA, SHYMKENT

pytestmark = pytest.mark.django_db  # the territorial limits are read from the configuration

SCALE = 0.05
NGO_FORMS = {*registry.NGO_FORMS, "foreign_npo_branch"}


@pytest.fixture(scope="module")
def specs(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return registry.build(DemoContext(scale=SCALE, today=dt.date(2026, 11, 23)))


def existing_ngos(specs, year: int) -> int:
    """NGOs registered by the end of `year` and not liquidated by then (what the figures count)."""
    end = dt.date(year, 12, 31)
    return sum(
        1 for s in specs
        if s.form in NGO_FORMS and s.registered_on <= end and not (s.liquidated_on and s.liquidated_on <= end)
    )


def test_registered_ngos_follow_the_published_growth(specs):
    assert existing_ngos(specs, 2003) == pytest.approx(3500 * SCALE, rel=0.12)
    assert existing_ngos(specs, 2021) == pytest.approx(22344 * SCALE, rel=0.04)
    assert existing_ngos(specs, 2023) == pytest.approx(23335 * SCALE, rel=0.03)
    counts = [existing_ngos(specs, year) for year in range(2003, 2024)]
    assert counts == sorted(counts)


def test_regions_keep_the_published_order(specs):
    by_region = Counter(s.region for s in specs if s.form in NGO_FORMS and s.status != "liquidated")
    assert by_region[ALMATY] == round(5017 * SCALE)
    assert by_region[ALMATY] > by_region[ASTANA] > by_region[SHYMKENT] > by_region["350000000"]
    assert by_region["350000000"] >= by_region["430000000"] >= max(
        n for k, n in by_region.items() if k not in (ALMATY, ASTANA, SHYMKENT, "350000000", "430000000")
    )


def test_legal_form_mix_and_non_ngo_share(specs):
    forms = Counter(s.form for s in specs)
    ngos = sum(n for form, n in forms.items() if form in NGO_FORMS)
    assert forms["public_association"] + forms["public_fund"] > 0.75 * ngos
    assert forms["public_association"] > forms["public_fund"] > forms["private_institution"]
    non_ngos = len(specs) - ngos
    alive_ngos = sum(1 for s in specs if s.form in NGO_FORMS and s.status != "liquidated")
    assert 0.10 <= non_ngos / alive_ngos <= 0.15


def test_women_lead_a_plausible_share_and_three_quarters_are_active(specs):
    ngos = [s for s in specs if s.form in NGO_FORMS]
    assert 0.40 <= sum(s.female_leader for s in ngos) / len(ngos) <= 0.50
    registered = [s for s in ngos if s.status == "registered"]
    assert sum(bool(s.active) for s in registered) / len(registered) == pytest.approx(0.75, abs=0.005)


def test_names_rarely_repeat_and_registrations_fall_on_weekdays(specs):
    names = Counter((s.name.name_ru, s.name.name_kk) for s in specs)
    assert len(names) > 0.97 * len(specs)
    assert all(s.registered_on.weekday() < 5 for s in specs)
    assert max(s.registered_on for s in specs) <= dt.date(2026, 7, 31)
