"""The operator's annual public report: the arithmetic, and the figures of a small dataset computed by hand.

tests/opendata/grants_data.small_world(), year 2023 (region = the applicant organisation's):

 #  applicant   lang  funder     status        grant
 1  Astana      kk    ministry   funded        5,000,000 active (project in Kyzylorda region)
 2  Almaty      ru    ministry   funded        3,000,000 completed
 3  Karaganda   kk    ministry   funded        2,000,000 terminated
 4  Kyzylorda   ru    akimat     funded        1,500,000 signed      (youth)
 5  Astana      ru    akimat     not funded    (a draft agreement of 999,000: not a grant)
 6  Almaty      ru    non-state  funded          500,000 closed      (youth)
 7  Karaganda   ru    non-state  rejected                            (youth)
 8  Kyzylorda   kk    ministry   not funded                          (youth)
 plus a draft and a withdrawn application (not counted), and one 2022 grant (Kyzylorda, kk, 700,000).

Applications 8; in Kazakh 3 (37.5%); Astana + Almaty 4 (50.0%).
Grants 5, 12,000,000; Astana + Almaty 3 grants (60.0%) worth 8,500,000 (70.8%).
Ministry 3 / 10,000,000 (83.3%); akimat 1 / 1,500,000 (12.5%); non-state 1 / 500,000 (4.2%).
State support 11,500,000. Terminated 1. Beneficiaries 250 (latest accepted of #1) + 80 (#2; a returned
report of 999 does not count) = 330.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qogam.opendata import grants_report
from qogam.opendata.grants_report import (
    ApplicationFact,
    GrantFact,
    annual_report,
    millions,
    percent,
    report_years,
    share,
    summarise,
    trend,
)
from tests.opendata import grants_data as data

# --- arithmetic ------------------------------------------------------------------------------------------


def test_share_and_percent():
    assert share(1, 4) == Decimal("0.25")
    assert share(0, 0) is None and percent(3, 0) is None
    assert percent(3, 8) == Decimal("37.5")
    assert percent(1, 6) == Decimal("16.7")
    assert percent(1, 8, places=0) == Decimal("13")  # half up, not half even
    assert percent(5, 8, places=0) == Decimal("63")
    assert percent(553, 1000) == Decimal("55.3")
    assert percent(8_500_000, 12_000_000) == Decimal("70.8")


def test_millions():
    assert millions(6_683_800_000) == Decimal("6683.8")
    assert millions(1_650_000) == Decimal("1.7")
    assert millions(0) == Decimal("0.0")


@given(st.integers(min_value=1, max_value=10**12).flatmap(
    lambda whole: st.tuples(st.integers(min_value=0, max_value=whole), st.just(whole))))
def test_a_share_of_a_part_is_between_0_and_100_percent(pair):
    part, whole = pair
    assert Decimal(0) <= percent(part, whole) <= Decimal(100)
    assert percent(whole, whole) == Decimal("100.0")


def test_summarise_is_pure_and_ignores_other_years():
    apps = [ApplicationFact(2023, "kk", "710000000", "education"), ApplicationFact(2022, "kk", "1", "x")]
    grants = [GrantFact(2023, Decimal(10), "ministry", "KZ-BIN-1", "M", "750000000", "education"),
              GrantFact(2022, Decimal(99), "akimat", "KZ-BIN-2", "A", "1", "x")]
    figures = summarise(2023, apps, grants)
    assert (figures.applications, figures.applications_kk, figures.applications_capital) == (1, 1, 1)
    assert (figures.grants, figures.amount, figures.grants_capital) == (1, Decimal(10), 1)
    assert [line.code for line in figures.by_funder_kind] == ["ministry", "akimat", "non_state"]
    assert [line.grants for line in figures.by_funder_kind] == [1, 0, 0]


# --- the small dataset -----------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return data.small_world()


def test_years_with_data(world):
    assert report_years() == [2023, 2022]


def test_headline_figures(world):
    f = annual_report(2023)
    assert f.applications == 8
    assert f.applications_kk == 3 and f.kk_percent == Decimal("37.5")
    assert f.applications_capital == 4 and f.capital_applications_percent == Decimal("50.0")
    assert f.grants == 5 and f.amount == Decimal(12_000_000)
    assert f.grants_capital == 3 and f.capital_grants_percent == Decimal("60.0")
    assert f.amount_capital == Decimal(8_500_000) and f.capital_amount_percent == Decimal("70.8")
    assert f.state_amount == Decimal(11_500_000) and f.state_amount_millions == Decimal("11.5")
    assert f.terminated == 1
    assert f.beneficiaries == 330


def test_by_funder_kind(world):
    rows = {line.code: (line.grants, line.amount, line.amount_percent) for line in annual_report(2023).by_funder_kind}
    assert rows == {
        "ministry": (3, Decimal(10_000_000), Decimal("83.3")),
        "akimat": (1, Decimal(1_500_000), Decimal("12.5")),
        "non_state": (1, Decimal(500_000), Decimal("4.2")),
    }


def test_by_funder(world):
    lines = annual_report(2023).by_funder
    prog = world.applications[6].call.programme
    assert [(line.code, line.grants, line.amount) for line in lines] == [
        (f"KZ-BIN-{world.ministry.bin}", 3, Decimal(10_000_000)),
        (f"KZ-BIN-{world.akimat.bin}", 1, Decimal(1_500_000)),
        (f"KZ-BIN-{prog.funder_bin}", 1, Decimal(500_000)),
    ]
    assert lines[0].name == "Ministry of Culture"  # the current language (tests run in English)
    assert lines[2].name == data.NON_STATE_FUNDER


def test_by_region_of_the_applicant(world):
    rows = {line.code: (line.applications, line.grants, line.amount) for line in annual_report(2023).by_region}
    assert rows == {
        data.ASTANA: (2, 1, Decimal(5_000_000)),
        data.ALMATY: (2, 2, Decimal(3_500_000)),
        data.KARAGANDA: (2, 1, Decimal(2_000_000)),
        data.KYZYLORDA: (2, 1, Decimal(1_500_000)),
    }
    assert [line.code for line in annual_report(2023).by_region][0] == data.ASTANA  # largest amount first


def test_by_direction(world):
    rows = {line.code: (line.applications, line.grants, line.amount) for line in annual_report(2023).by_direction}
    assert rows == {"education": (4, 3, Decimal(10_000_000)), "youth": (4, 2, Decimal(2_000_000))}


def test_trend_year_by_year(world):
    rows = {f.year: (f.applications, f.grants, f.amount, f.kk_percent, f.capital_applications_percent)
            for f in trend()}
    assert rows == {
        2022: (1, 1, Decimal(700_000), Decimal("100.0"), Decimal("0.0")),
        2023: (8, 5, Decimal(12_000_000), Decimal("37.5"), Decimal("50.0")),
    }


def test_a_year_without_data_is_empty(world):
    f = annual_report(2019)
    assert not f.has_data
    assert f.kk_percent is None and f.capital_grants_percent is None


def test_download_table(world):
    f = annual_report(2023)
    rows = grants_report.table(f, {"applications": "Applications"})
    indicators = {row[2]: row[7] for row in rows if row[1] == "indicator"}
    assert indicators["applications"] == 8
    assert indicators["applications_kk_percent"] == Decimal("37.5")
    assert indicators["applications_astana_almaty_percent"] == Decimal("50.0")
    assert indicators["grants_astana_almaty_percent"] == Decimal("60.0")
    assert rows[0][3] == "Applications"
    kinds = [row for row in rows if row[1] == "funder_kind"]
    assert [(row[2], row[5], row[6]) for row in kinds] == [
        ("ministry", 3, Decimal(10_000_000)), ("akimat", 1, Decimal(1_500_000)), ("non_state", 1, Decimal(500_000))]
