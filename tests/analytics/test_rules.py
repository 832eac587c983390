"""Properties of the counting (issue 7), on synthetic data without a database: the figures of
Kazakhstan are the sums of its regions' figures; an organisation counts as active exactly when it shows
a sign; the funding flows of the regions add up to the country's."""

from hypothesis import given
from hypothesis import strategies as st

from qogam.analytics import flows, indicators

REGIONS = ("750000000", "710000000", "350000000")
FORMS = ("public_fund", "public_association")
FIELDS = indicators.REPORT_SUMS

figures = st.one_of(st.none(), st.tuples(*[st.integers(0, 1000) for _ in FIELDS]))
ngo = st.tuples(st.sampled_from(FORMS), st.integers(1995, 2024), st.sampled_from("fm"), st.sampled_from(REGIONS),
                figures, st.booleans(), st.lists(st.sampled_from(("education", "health", "youth")), unique=True))


def year_data(rows) -> indicators.YearData:
    ngos, reports, agreements, directions = [], {}, set(), {}
    for pk, (form, registered, gender, region, figs, agreement, dirs) in enumerate(rows, start=1):
        ngos.append((pk, form, registered, gender, region))
        if figs is not None:
            reports[pk] = figs
        if agreement:
            agreements.add(pk)
        directions[pk] = dirs
    return indicators.YearData(2024, ngos, directions, reports, agreements)


def totals(result: dict) -> list[int]:
    return [result["registered_ngos"]["total"], result["active_ngos"]["total"], result["employees"]["total"],
            result["employees"]["payroll_kzt"], result["services_volume_kzt"]["total"], result["taxes_kzt"]["total"],
            result["volunteer_services"]["hours"], result["foreign_funds_kzt"], result["women_led_ngos"]["active"],
            *result["activity_signs"].values(), *result["active_ngos"]["by_age"].values()]


@given(st.lists(ngo, max_size=40))
def test_the_country_is_the_sum_of_its_regions(rows):
    data = year_data(rows)
    country = totals(indicators.figures(data, None))
    by_region = [totals(indicators.figures(data, region)) for region in REGIONS]
    assert country == [sum(column) for column in zip(*by_region, strict=True)]


@given(st.lists(ngo, max_size=40))
def test_active_means_showing_a_sign(rows):
    data = year_data(rows)
    at = {name: FIELDS.index(name) for name in ("employees", "volunteers", "services_volume_kzt", "expenses_kzt")}
    expected = sum(1 for pk, (_f, _y, _g, _r, figs, agreement, _d) in enumerate(rows, start=1)
                   if agreement or (figs is not None and any(figs[i] > 0 for i in at.values())))
    result = indicators.figures(data, None)
    assert result["active_ngos"]["total"] == expected
    assert result["active_ngos"]["total"] <= result["registered_ngos"]["total"]
    assert all(n <= expected for n in result["activity_signs"].values())


@given(st.lists(st.tuples(st.sampled_from(REGIONS), st.sampled_from(("grant", "award"))), max_size=30),
       st.lists(st.tuples(st.sampled_from(REGIONS), st.sampled_from(("grant", "award")),
                          st.sampled_from(("ministry", "akimat")), st.integers(1, 4), st.just(""),
                          st.integers(0, 10**9)), max_size=30))
def test_the_funding_flows_of_the_regions_add_up(applications, agreements):
    data = flows.FundingYear(applications, agreements)
    country = flows.funding(data, None)
    regions = [flows.funding(data, region) for region in REGIONS]
    for key in ("applications", "wins", "amount_kzt"):
        assert country[key] == sum(r[key] for r in regions)
    assert sum(f["amount_kzt"] for f in country["by_funder"]) == country["amount_kzt"]
