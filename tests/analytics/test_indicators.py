"""`qogam indicators` against hand-computed fixtures (issue 7): parties, unions and religious
associations excluded; liquidations at the year boundary; several directions per organisation; the
standing version (a returned one does not count); an exemption shows no activity; the physical volume
index with and without Y−1."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from qogam.analytics import rules
from qogam.core.models import PriceIndex

pytestmark = pytest.mark.django_db
D = dt.date


def run(*args) -> dict:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_indicators_of_a_year_equal_the_hand_computed_ones(world):
    PriceIndex.objects.update_or_create(year=2024, defaults={"value": "1.0860"})
    data = run("--year", "2024")
    assert list(data) == ["year", "region", "registered_ngos", "active_ngos", "activity_signs", "employees",
                          "services_volume_kzt", "physical_volume_index", "charity_sponsorship_kzt",
                          "foreign_funds_kzt", "taxes_kzt", "volunteer_services", "women_led_ngos"]
    assert data["year"] == 2024 and data["region"] is None
    # a, b and c are on the register at 31 Dec 2024; `gone` was liquidated on that day; `late` registered in 2025.
    assert data["registered_ngos"] == {"total": 3, "by_legal_form": {"public_association": 1, "public_fund": 2},
                                       "by_direction": {"education": 2, "health": 1, "youth": 1}}
    assert data["active_ngos"] == {"total": 2, "by_legal_form": {"public_association": 1, "public_fund": 1},
                                   "by_direction": {"education": 2, "youth": 1},
                                   "by_age": {"0-2": 1, "3-5": 0, "6-10": 0, "11+": 1}}
    assert data["activity_signs"] == {"employees": 1, "volunteers": 2, "services": 1, "expenses": 1,
                                      "funding_agreement": 0}
    assert data["employees"] == {"total": 4, "women": 3, "with_disability": 1, "higher_education": 2,
                                 "by_age": {"under_30": 1, "30_59": 2, "60_plus": 1},
                                 "by_legal_form": {"public_association": 0, "public_fund": 4}, "payroll_kzt": 2_000_000}
    assert data["services_volume_kzt"] == {"total": 1_000_000,
                                           "by_legal_form": {"public_association": 0, "public_fund": 1_000_000}}
    assert data["physical_volume_index"] == 1_000_000 / 1.086 / 800_000 * 100
    assert (data["charity_sponsorship_kzt"], data["foreign_funds_kzt"]) == (200_000, 500_000)
    assert data["taxes_kzt"] == {"cit": 0, "vat": 0, "social": 80_000, "iit_withheld": 120_000, "property": 0,
                                 "other": 0, "total": 200_000}
    assert data["volunteer_services"] == {"volunteers": 8, "hours": 130}
    assert data["women_led_ngos"] == {"registered": 2, "active": 1}


def test_a_region_and_a_missing_previous_year(world):
    data = run("--year", "2024", "--region", "710000000")
    assert data["region"] == "710000000" and data["registered_ngos"]["total"] == 1
    assert data["active_ngos"]["total"] == 0 and data["physical_volume_index"] is None
    assert run("--year", "2023")["physical_volume_index"] is None  # no 2022 volume
    assert run("--year", "2025", "--region", "710000000")["registered_ngos"]["total"] == 0  # c liquidated 1 Jan 2025


def test_the_index_is_null_without_a_price_index(world):
    PriceIndex.objects.filter(year=2024).delete()
    assert run("--year", "2024")["physical_volume_index"] is None


def test_bad_arguments_are_refused_clearly(world):
    with pytest.raises(CommandError, match="KATO"):
        run("--year", "2024", "--region", "75")


def test_price_index_command_sets_the_index():
    out = io.StringIO()
    call_command("price-index", "set", "2031", "1.0975", stdout=out)
    assert PriceIndex.objects.get(year=2031).value == Decimal("1.0975")
    with pytest.raises(CommandError):
        call_command("price-index", "set", "2031", "many")


def test_age_bands():
    assert [rules.age_band(a) for a in (0, 2, 3, 5, 6, 10, 11, 40)] == ["0-2", "0-2", "3-5", "3-5", "6-10", "6-10",
                                                                         "11+", "11+"]
