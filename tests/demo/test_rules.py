"""Pure parts of the demo generator: allocation, the growth curve, names, IINs, BINs, the scale option."""

import argparse
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qogam.core.rules import identifier_problem, make_bin
from qogam.demo.context import BinAllocator, DemoContext, allocate, months_back, spread, weighted_sample
from qogam.demo.geography import ALMATY, ASTANA, NGOS_BY_REGION, NGOS_REGISTERED_2023, REGIONS, SHYMKENT
from qogam.demo.management.commands.demo import positive_scale
from qogam.demo.names import FORM_WORDS, make_iin, ngo_name, non_ngo_name, person_name, slug
from qogam.demo.registry import CUMULATIVE_NGOS, NGO_FORMS, NON_NGO_VOLUMES, yearly_registrations

weights_strategy = st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0, 1000), min_size=1, max_size=12)


@given(total=st.integers(0, 50_000), weights=weights_strategy, minimum=st.integers(0, 3))
def test_allocate_sums_to_total_and_respects_the_minimum(total, weights, minimum):
    counts = allocate(total, weights, minimum=minimum)
    assert set(counts) == set(weights)
    assert sum(counts.values()) == total
    assert all(n >= 0 for n in counts.values())
    if total >= minimum * len(weights):
        assert all(n >= minimum for n in counts.values())


@given(total=st.integers(0, 50_000), weights=weights_strategy)
def test_allocate_without_minimum_is_within_one_of_the_exact_share(total, weights):
    weight_sum = sum(weights.values())
    counts = allocate(total, weights)
    for key, n in counts.items():
        share = total * weights[key] / weight_sum if weight_sum else total / len(weights)
        assert share - 1 < n < share + 1


def test_allocate_keeps_the_published_regional_counts_at_scale_1():
    assert allocate(NGOS_REGISTERED_2023, NGOS_BY_REGION, minimum=1) == NGOS_BY_REGION
    assert sum(NGOS_BY_REGION.values()) == NGOS_REGISTERED_2023
    assert len(NGOS_BY_REGION) == len(REGIONS) == 20


@pytest.mark.parametrize("scale", [0.0001, 0.001, 0.01, 0.05, 0.3, 1, 3])
def test_regional_allocation_keeps_the_published_order_and_every_region(scale):
    total = max(round(NGOS_REGISTERED_2023 * scale), 40)
    counts = allocate(total, NGOS_BY_REGION, minimum=1)
    assert all(n >= 1 for n in counts.values())
    if total >= 200:
        others = [n for k, n in counts.items() if k not in (ALMATY, ASTANA, SHYMKENT)]
        assert counts[ALMATY] > counts[ASTANA] > counts[SHYMKENT] >= max(others)


def test_published_regions_are_the_five_largest():
    published = [ALMATY, ASTANA, SHYMKENT, "350000000", "430000000"]
    smallest_published = min(NGOS_BY_REGION[k] for k in published)
    assert all(n < smallest_published for k, n in NGOS_BY_REGION.items() if k not in published)


def test_spread_and_weighted_sample_are_deterministic():
    a = spread(100, {"x": 1, "y": 3}, random.Random(1))
    assert a == spread(100, {"x": 1, "y": 3}, random.Random(1))
    assert a.count("x") == 25 and a.count("y") == 75
    items = list(range(50))
    sample = weighted_sample(items, 10, lambda i: 1 + i, random.Random(5))
    assert len(set(sample)) == 10
    assert sample == weighted_sample(items, 10, lambda i: 1 + i, random.Random(5))


def test_growth_curve_matches_the_published_figures():
    horizon = dt.date(2026, 7, 31)
    per_year = yearly_registrations(NGOS_REGISTERED_2023, horizon)
    assert sum(per_year.values()) == NGOS_REGISTERED_2023
    assert min(per_year) == 1992 and max(per_year) == 2026
    by_2003 = sum(n for year, n in per_year.items() if year <= 2003)
    by_2023 = sum(n for year, n in per_year.items() if year <= 2023)
    assert by_2003 == CUMULATIVE_NGOS[2003]
    assert by_2023 == CUMULATIVE_NGOS[2023]
    growth = [per_year[y] for y in range(2004, 2016)]
    assert all(n > 0 for n in growth)


def test_growth_curve_stops_at_the_horizon():
    per_year = yearly_registrations(1000, dt.date(2010, 12, 31))
    assert max(per_year) == 2010
    assert sum(per_year.values()) == 1000


def test_horizon_is_a_few_months_before_today():
    ctx = DemoContext(today=dt.date(2026, 11, 23))
    assert ctx.horizon == dt.date(2026, 7, 31)
    assert months_back(dt.date(2026, 2, 10), 3) == dt.date(2025, 11, 1)


@pytest.mark.parametrize("value", ["0", "-1", "-0.5", "abc", "nan", "inf", ""])
def test_scale_must_be_a_positive_number(value):
    with pytest.raises(argparse.ArgumentTypeError):
        positive_scale(value)


def test_scale_accepts_positive_numbers():
    assert positive_scale("0.05") == 0.05
    assert positive_scale("2") == 2.0
    with pytest.raises(ValueError):
        DemoContext(scale=0)


def test_scaled_volume_never_drops_below_the_minimum():
    ctx = DemoContext(scale=0.0001)
    assert ctx.scaled(7) == 1
    assert ctx.scaled(7, minimum=0) == 0
    assert DemoContext(scale=2).scaled(7) == 14


@given(year=st.integers(1990, 2026), month=st.integers(1, 12), n=st.integers(1, 300))
def test_bin_allocator_gives_unique_valid_bins_of_the_month(year, month, n):
    allocator = BinAllocator(random.Random(0))
    registered = dt.date(year, month, 1)
    bins = [allocator.new(registered) for _ in range(n)]
    assert len(set(bins)) == n
    for bin_ in bins:
        assert identifier_problem(bin_) is None
        assert bin_[:4] == f"{year % 100:02d}{month:02d}"
        assert bin_[4:6] == "40"


def test_bin_allocator_skips_bins_already_taken():
    taken = make_bin(2015, 6, 1)
    allocator = BinAllocator(random.Random(0), taken={taken})
    assert all(allocator.new(dt.date(2015, 6, 1)) != taken for _ in range(200))
    branch = allocator.new(dt.date(2015, 6, 1), entity_type=5, subdivision=1)
    assert branch[4:6] == "51" and identifier_problem(branch) is None


@given(born=st.dates(dt.date(1900, 1, 1), dt.date(2010, 12, 31)), female=st.booleans(), seed=st.integers(0, 10**6))
def test_generated_iins_are_valid_and_encode_birth_and_sex(born, female, seed):
    iin = make_iin(random.Random(seed), born=born, female=female)
    assert identifier_problem(iin) is None
    assert iin[:6] == born.strftime("%y%m%d")
    century = 3 if born.year < 2000 else 5
    assert int(iin[6]) == century + (1 if female else 0)


def test_person_names_have_three_parts_in_the_right_gender():
    rng = random.Random(3)
    for _ in range(200):
        name = person_name(rng, female=True, russian=False)
        assert len(name.split(" ")) == 3
        assert name.endswith("қызы")
        russian = person_name(rng, female=False, russian=True)
        assert russian.split(" ")[2].endswith("ич")


def test_organisation_names_carry_the_legal_form_in_both_languages():
    rng = random.Random(11)
    for geo in REGIONS.values():
        for form in NGO_FORMS:
            name = ngo_name(rng, form, geo, geo.centre)
            prefix, suffix = FORM_WORDS[form]
            assert name.name_ru.startswith(prefix + " «")
            assert name.name_kk.endswith("» " + suffix)
            assert name.directions and name.slug == slug(name.slug, limit=100)
        for form in NON_NGO_VOLUMES:
            name = non_ngo_name(rng, form, geo, geo.centre)
            assert name.name_ru
            assert name.name_kk == "" or "«" not in name.name_kk or name.name_kk.count("«") == name.name_kk.count("»")


def test_state_bodies_at_scale_1_match_the_published_customer_counts():
    from qogam.demo import statebodies

    ctx = DemoContext(scale=1)
    specs = statebodies._central() + [s for k in sorted(REGIONS) for s in statebodies._regional(ctx, REGIONS[k])]
    keys = [s.key for s in specs]
    assert len(set(keys)) == len(keys)
    assert all(s.parent in keys for s in specs if s.parent)
    customers = [s for s in specs if s.kind in ("akimat", "other") and s.level in ("regional", "city", "district")]
    regional = [s for s in customers if s.level == "regional"]
    local = [s for s in customers if s.level in ("city", "district")]
    # figures.csv: about 400 customers, "over 100 regional and over 300 city or district".
    assert 100 < len(regional) < 200 and 300 < len(local) < 400
    assert len({s.ru for s in specs}) == len({s.kk for s in specs}) == len({s.en for s in specs}) == len(specs)
