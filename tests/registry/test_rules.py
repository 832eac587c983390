"""Pure rules of the register (qogam.registry.rules), checked against independent oracles."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qogam.core.reference import rows as reference_rows
from qogam.registry import rules

REGIONS = [r["kato"] for r in reference_rows("regions.csv")]
ASTANA, ALMATY = "710000000", "750000000"


def territorial_oracle(is_pa, level, branches, regional_min, national_min):
    """The rule as DOMAIN §2 and issue 2 state it, written without the production code."""
    distinct = set(branches)
    if not is_pa:
        return ["territorial_level"] if level else []
    if level == "":
        return ["territorial_level"]
    if level not in ("local", "regional", "national"):
        return ["territorial_level"]
    if level == "local":
        return []
    if level == "regional":
        return [] if len(distinct) >= regional_min else ["branch_regions"]
    ok = len(distinct) >= national_min and ASTANA in distinct and ALMATY in distinct
    return [] if ok else ["branch_regions"]


@given(
    is_pa=st.booleans(),
    level=st.sampled_from(["", "local", "regional", "national", "global"]),
    branches=st.lists(st.sampled_from(REGIONS), max_size=30),
    regional_min=st.integers(min_value=1, max_value=6),
    national_min=st.integers(min_value=2, max_value=20),
)
def test_territorial_rule_matches_the_oracle(is_pa, level, branches, regional_min, national_min):
    problems = rules.territorial_problems(
        is_public_association=is_pa, level=level, branch_regions=branches,
        regional_min=regional_min, national_min=national_min,
    )
    assert [field for field, _problem in problems] == territorial_oracle(
        is_pa, level, branches, regional_min, national_min
    )


@given(branches=st.sets(st.sampled_from(REGIONS)))
def test_seat_region_is_not_counted_unless_listed(branches):
    """Adding nothing for the seat: the result depends on the listed branches only."""
    listed = sorted(branches)
    problems = rules.territorial_problems(
        is_public_association=True, level="regional", branch_regions=listed, regional_min=2, national_min=8
    )
    assert bool(problems) == (len(branches) < 2)


def test_national_needs_astana_and_almaty_even_with_enough_regions():
    others = [r for r in REGIONS if r not in (ASTANA, ALMATY)][:10]
    assert rules.territorial_problems(
        is_public_association=True, level="national", branch_regions=others, regional_min=2, national_min=8
    ) == [("branch_regions", "national_needs_astana_and_almaty")]
    assert rules.territorial_problems(
        is_public_association=True, level="national", branch_regions=[*others[:6], ASTANA, ALMATY],
        regional_min=2, national_min=8,
    ) == []


def test_repeated_branch_regions_count_once():
    assert rules.territorial_problems(
        is_public_association=True, level="regional", branch_regions=[ASTANA, ASTANA], regional_min=2, national_min=8
    ) == [("branch_regions", "regional_needs_branches")]


@given(st.sets(st.sampled_from(REGIONS)))
def test_list_cells_round_trip(codes):
    assert sorted(rules.parse_list(rules.format_list(codes))) == sorted(codes)
    assert rules.format_list(rules.parse_list(rules.format_list(codes))) == rules.format_list(codes)


def test_parse_list_strips_and_drops_empty_items():
    assert rules.parse_list(" a ; b;;c ;") == ["a", "b", "c"]
    assert rules.parse_list("") == []
    assert rules.repeated_items(["a", "b", "a", "a"]) == ["a"]


@pytest.mark.parametrize("value", ["2015-06-01", dt.date(2015, 6, 1), dt.datetime(2015, 6, 1, 12, 0)])
def test_parse_iso_date_accepts_iso_and_date_objects(value):
    assert rules.parse_iso_date(value) == dt.date(2015, 6, 1)


@pytest.mark.parametrize("value", ["01.06.2015", "2015-6-1", "20150601", "2015-W23-1", "2015-02-30", "soon", 20150601])
def test_parse_iso_date_refuses_anything_else(value):
    with pytest.raises((ValueError, TypeError)):
        rules.parse_iso_date(value)


def test_parse_iso_date_empty_is_none():
    assert rules.parse_iso_date("") is None
    assert rules.parse_iso_date(None) is None


@pytest.mark.parametrize(
    "status, registered, liquidated, expected",
    [
        ("registered", dt.date(2015, 1, 1), None, []),
        ("liquidated", dt.date(2015, 1, 1), dt.date(2016, 1, 1), []),
        ("liquidated", dt.date(2015, 1, 1), dt.date(2015, 1, 1), []),
        ("liquidated", dt.date(2015, 1, 1), None, ["liquidation_date_required"]),
        ("in_liquidation", dt.date(2015, 1, 1), dt.date(2016, 1, 1), ["liquidation_date_not_allowed"]),
        ("liquidated", dt.date(2015, 1, 1), dt.date(2014, 12, 31), ["liquidated_before_registered"]),
    ],
)
def test_liquidation_date_exactly_when_liquidated(status, registered, liquidated, expected):
    assert [p for _field, p in rules.liquidation_problems(status, registered, liquidated)] == expected


TODAY = dt.date(2024, 5, 10)


@pytest.mark.parametrize(
    "bin_, registered, expected",
    [
        ("150640000100", dt.date(2015, 6, 1), []),
        ("150640000100", dt.date(2016, 1, 1), []),
        ("150740000100", dt.date(2015, 6, 30), ["bin_month_after_registration"]),
        ("991240000100", dt.date(1999, 12, 1), []),
        ("151340000100", dt.date(2015, 6, 1), ["bin_month_not_a_month"]),
        ("150670000100", dt.date(2015, 6, 1), ["bin_entity_type_unknown"]),
        ("150649000100", dt.date(2015, 6, 1), ["bin_subdivision_unknown"]),
        ("150651000100", dt.date(2015, 6, 1), []),
        ("150640000100", None, []),
    ],
)
def test_bin_warnings(bin_, registered, expected):
    assert rules.bin_warnings(bin_, registered, today=TODAY) == expected


def test_bin_two_digit_year_is_never_in_the_future():
    assert rules.bin_registration_month("240540000100", today=TODAY) == (2024, 5)
    assert rules.bin_registration_month("240640000100", today=TODAY) == (1924, 6)


@pytest.mark.parametrize(
    "phone, problem, warning",
    [
        ("+7 717 200 00 00", None, None),
        ("8 (727) 300-00-00", None, None),
        ("+998 71 200 00 00", None, "phone_not_kazakhstan"),
        ("call us", "phone_characters", None),
        ("12345", "phone_length", None),
        ("", None, None),
    ],
)
def test_phone_rules(phone, problem, warning):
    assert rules.phone_problem(phone) == problem
    assert rules.phone_warning(phone) == warning


def test_contact_warnings():
    assert rules.website_warning("http://ngo.kz") == "website_not_https"
    assert rules.website_warning("https://ngo.kz") is None
    assert rules.email_warning("Info@NGO.kz") == "email_not_lower_case"
    assert rules.email_warning("info@ngo.kz") is None
