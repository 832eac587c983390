"""Reference data loaded by migrations from qogam/core/reference (issue 2 §2)."""

import pytest

from qogam.core import reference
from qogam.core.models import (
    CalendarDay,
    Direction,
    Holiday,
    LegalForm,
    MonthlyCalculationIndex,
    PriceIndex,
    Region,
)

pytestmark = pytest.mark.django_db

NOT_NGO = {
    "religious_association",
    "political_party",
    "trade_union",
    "consumer_cooperative",
    "apartment_owners_cooperative",
}


def _trilingual(queryset):
    for row in queryset:
        for lang in ("kk", "ru", "en"):
            assert getattr(row, f"name_{lang}").strip(), f"{row.pk} has no name in {lang}"


def test_twenty_regions_seventeen_regions_and_three_cities():
    assert Region.objects.count() == 20
    assert Region.objects.filter(kind="region").count() == 17
    assert set(Region.objects.filter(kind="city").values_list("name_en", flat=True)) == {
        "Astana",
        "Almaty",
        "Shymkent",
    }
    assert all(len(kato) == 9 and kato.isdigit() for kato in Region.objects.values_list("kato", flat=True))
    _trilingual(Region.objects.all())


def test_thirteen_legal_forms_with_is_ngo_exactly_per_the_csv():
    assert LegalForm.objects.count() == 13
    csv = {r["code"]: r["is_ngo"] == "yes" for r in reference.rows("legal_forms.csv")}
    assert dict(LegalForm.objects.values_list("code", "is_ngo")) == csv
    assert set(LegalForm.objects.filter(is_ngo=False).values_list("code", flat=True)) == NOT_NGO
    assert list(LegalForm.objects.filter(is_public_association=True).values_list("code", flat=True)) == [
        "public_association"
    ]
    _trilingual(LegalForm.objects.all())


def test_tax_npo_flag_per_the_csv():
    csv = {r["code"]: r["tax_npo"] == "yes" for r in reference.rows("legal_forms.csv")}
    assert dict(LegalForm.objects.values_list("code", "tax_npo")) == csv


def test_sixteen_directions():
    assert Direction.objects.count() == 16
    assert set(Direction.objects.values_list("code", flat=True)) == {
        r["code"] for r in reference.rows("directions.csv")
    }
    _trilingual(Direction.objects.all())


def test_price_and_calculation_indices_per_year():
    assert MonthlyCalculationIndex.objects.get(year=2021).value_kzt == 2917  # DOMAIN §3
    assert MonthlyCalculationIndex.objects.count() == len(reference.rows("mci.csv"))
    assert PriceIndex.objects.count() == len(reference.rows("cpi.csv"))


def test_holidays_and_kurban_ait():
    assert Holiday.objects.count() == 11
    assert set(Holiday.objects.filter(kind="religious").values_list("name_en", flat=True)) == {"Orthodox Christmas"}
    assert Holiday.objects.get(month=3, day=21).days == 3
    assert set(CalendarDay.objects.filter(kind="holiday").values_list("date__year", flat=True)) >= {
        2023,
        2024,
        2025,
        2026,
    }


def test_loading_again_is_idempotent():
    from django.apps import apps

    before = (Region.objects.count(), LegalForm.objects.count(), Direction.objects.count(), Holiday.objects.count())
    reference.load(apps)
    after = (Region.objects.count(), LegalForm.objects.count(), Direction.objects.count(), Holiday.objects.count())
    assert before == after
