"""Every validation rule of the annual report (rules.py), one test each, plus hypothesis for the arithmetic."""

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from qogam.core.rules import is_working_day
from qogam.reporting import rules, schema
from tests.reporting.factories import DIRECTIONS, OTHER_BIN, VALID_BIN, contents, valid_content

YEAR = 2023
TODAY = dt.date(2024, 2, 1)
CODES = set(DIRECTIONS)


def check(content, *, year=YEAR, registered_year=2015, liquidated_year=None, today=TODAY):
    return rules.validate_content(content, year=year, registered_year=registered_year,
                                  liquidated_year=liquidated_year, today=today, direction_codes=CODES)


def errors_of(**overrides):
    return check(valid_content(YEAR, **overrides)).errors


def warnings_of(**overrides):
    return check(valid_content(YEAR, **overrides)).warnings


def test_valid_content_has_no_errors_and_no_warnings():
    issues = check(valid_content(YEAR))
    assert issues.ok and issues.errors == {} and issues.warnings == {}


def test_empty_content_is_valid():
    assert check(schema.empty_content()).ok


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", schema.IMPORT_COLUMNS + ["members", "property_cash_kzt", "founders_individuals"])
def test_negative_number_is_an_error_at_its_field(key):
    content = valid_content(YEAR)
    content[key] = -1
    assert "cannot be negative" in " ".join(check(content).errors[key])


@pytest.mark.parametrize("value", [1.5, "12", None, True])
def test_non_integer_is_an_error(value):
    errors = errors_of(members=value)
    assert "whole number" in errors["members"][0]


# --- employees -------------------------------------------------------------------------------------


@pytest.mark.parametrize("band", ["employees_age_under_30", "employees_age_30_59", "employees_age_60_plus"])
def test_age_bands_must_sum_to_employees(band):
    content = valid_content(YEAR)
    content[band] += 1
    errors = check(content).errors
    assert band in errors
    assert "add up to 6" in errors[band][0] and "is 5" in errors[band][0]


@pytest.mark.parametrize("key", ["employees_women", "employees_with_disability", "employees_higher_education"])
def test_subgroups_cannot_exceed_employees(key):
    errors = errors_of(**{key: 6})
    assert "cannot exceed" in errors[key][0]
    assert key in errors and len(errors) == 1
    assert not errors_of(**{key: 5})


def test_qualification_split_must_cover_every_employee_when_given():
    errors = errors_of(employees_support_staff=0)
    assert set(errors) == {"employees_managers", "employees_specialists", "employees_support_staff"}
    # Not given at all: fine.
    assert not errors_of(employees_managers=0, employees_specialists=0, employees_support_staff=0)


def test_volunteer_hours_must_be_zero_without_volunteers():
    errors = errors_of(volunteers=0, volunteer_hours=5)
    assert list(errors) == ["volunteer_hours"]
    assert not errors_of(volunteers=0, volunteer_hours=0)


# --- spending and services by direction ------------------------------------------------------------


def test_spending_by_direction_must_sum_to_expenses():
    errors = errors_of(expenses_kzt=6_400_000)
    assert "add up to 6\u00a0500\u00a0000" in errors["spending_by_direction"][0]


def test_spending_by_direction_codes_must_be_directions():
    errors = errors_of(spending_by_direction={"education": 4_000_000, "astrology": 2_500_000})
    assert "astrology is not a charter direction" in errors["spending_by_direction"][0]


def test_empty_spending_split_is_allowed():
    assert not errors_of(spending_by_direction={})


def test_services_by_activity_must_sum_to_services_volume():
    errors = errors_of(services_by_activity={"education": 4_000_000})
    assert "services_by_activity" in errors
    assert not errors_of(services_by_activity={})


def test_negative_part_of_a_split_is_an_error_at_the_part():
    errors = errors_of(spending_by_direction={"education": 7_000_000, "social_protection": -500_000})
    assert "spending_by_direction.social_protection" in errors


# --- founders --------------------------------------------------------------------------------------


def test_founder_bins_must_be_valid():
    errors = errors_of(founders_legal_entities=[VALID_BIN, "150640000101"])
    assert errors["founders_legal_entities"][0].startswith("150640000101: ")
    assert "check digit" in errors["founders_legal_entities"][0]
    assert not errors_of(founders_legal_entities=[VALID_BIN, OTHER_BIN])


def test_founder_bins_must_not_repeat():
    errors = errors_of(founders_legal_entities=[VALID_BIN, VALID_BIN])
    assert "listed twice" in errors["founders_legal_entities"][0]


# --- foreign funding -------------------------------------------------------------------------------


def test_foreign_income_must_equal_the_receipts():
    errors = errors_of(income_foreign_kzt=1_999_999)
    assert "must be equal" in errors["income_foreign_kzt"][0]


def test_receipts_listed_need_foreign_income():
    errors = errors_of(income_foreign_kzt=0)
    assert "cannot be 0" in errors["income_foreign_kzt"][0]


def test_foreign_income_without_receipts_is_a_warning_only():
    issues = check(valid_content(YEAR, foreign_receipts=[], foreign_uses=[]))
    assert issues.ok and "foreign_receipts" in issues.warnings


def _receipt(**overrides):
    row = {"source_type": "foreign_state", "country": "DE", "amount_kzt": 2_000_000,
           "received_on": f"{YEAR}-05-05", "purpose": "Grant"}
    row.update(overrides)
    return row


@pytest.mark.parametrize("overrides,key,text", [
    ({"source_type": "bank"}, "source_type", "type of source"),
    ({"country": "de"}, "country", "two-letter"),
    ({"country": "DEU"}, "country", "two-letter"),
    ({"country": "KZ"}, "country", "not foreign funding"),
    ({"amount_kzt": 0}, "amount_kzt", "more than 0"),
    ({"received_on": f"{YEAR + 1}-01-01"}, "received_on", "reporting year"),
    ({"received_on": "soon"}, "received_on", "YYYY-MM-DD"),
    ({"purpose": "  "}, "purpose", "what the money was given for"),
    ({"purpose": "x" * 501}, "purpose", "500"),
])
def test_receipt_rules(overrides, key, text):
    errors = errors_of(foreign_receipts=[_receipt(**overrides)], foreign_uses=[])
    assert text in " ".join(errors[f"foreign_receipts.0.{key}"])


def _use(**overrides):
    row = {"period_start": f"{YEAR}-02-01", "period_end": f"{YEAR}-06-30", "amount_kzt": 100, "direction": "health"}
    row.update(overrides)
    return row


@pytest.mark.parametrize("overrides,key,text", [
    ({"period_start": f"{YEAR - 1}-12-31"}, "period_start", "within"),
    ({"period_end": f"{YEAR + 1}-01-01"}, "period_end", "within"),
    ({"period_start": f"{YEAR}-07-01"}, "period_end", "ends before it starts"),
    ({"amount_kzt": -5}, "amount_kzt", "more than 0"),
    ({"direction": "magic"}, "direction", "charter direction"),
])
def test_use_rules(overrides, key, text):
    errors = errors_of(foreign_uses=[_use(**overrides)])
    assert text in " ".join(errors[f"foreign_uses.0.{key}"])


def test_uses_above_receipts_is_a_warning_money_may_carry_over():
    issues = check(valid_content(YEAR, foreign_uses=[_use(amount_kzt=2_000_001)]))
    assert issues.ok and "foreign_uses" in issues.warnings


# --- the year --------------------------------------------------------------------------------------


def test_year_not_before_registration():
    assert "registered in 2024" in check(valid_content(YEAR), registered_year=2024).errors["year"][0]


def test_year_not_in_the_future():
    assert "has not begun" in check(valid_content(2025, foreign_receipts=[], foreign_uses=[],
                                                  income_foreign_kzt=0), year=2025).errors["year"][0]


def test_current_year_is_a_warning():
    issues = check(valid_content(2024, foreign_receipts=[], foreign_uses=[], income_foreign_kzt=0), year=2024)
    assert issues.ok and "year" in issues.warnings


def test_year_not_after_liquidation():
    assert "liquidated in 2022" in check(valid_content(YEAR), liquidated_year=2022).errors["year"][0]
    assert check(valid_content(YEAR), liquidated_year=YEAR).ok


# --- warnings never block --------------------------------------------------------------------------


@pytest.mark.parametrize("overrides,key", [
    ({"expenses_kzt": 8_000_000, "spending_by_direction": {}}, "expenses_kzt"),
    ({"employees": 0, "employees_women": 0, "employees_with_disability": 0, "employees_higher_education": 0,
      "employees_age_under_30": 0, "employees_age_30_59": 0, "employees_age_60_plus": 0, "employees_managers": 0,
      "employees_specialists": 0, "employees_support_staff": 0}, "tax_social_kzt"),
    ({"employees": 0, "employees_women": 0, "employees_with_disability": 0, "employees_higher_education": 0,
      "employees_age_under_30": 0, "employees_age_30_59": 0, "employees_age_60_plus": 0, "employees_managers": 0,
      "employees_specialists": 0, "employees_support_staff": 0}, "payroll_kzt"),
    ({"payroll_kzt": 0}, "tax_iit_withheld_kzt"),
    ({"beneficiaries": 0}, "beneficiaries"),
])
def test_warning(overrides, key):
    issues = check(valid_content(YEAR, **overrides))
    assert issues.ok, issues.errors
    assert key in issues.warnings


# --- messages in the user's language ----------------------------------------------------------------


def test_messages_follow_the_active_language(settings):
    content = valid_content(YEAR, volunteers=0)
    with translation.override("en"):
        english = check(content).errors["volunteer_hours"][0]
    assert "Volunteer hours must be 0" in english
    # Each message is a translatable msgid: gettext is called when validating, not at import.
    with translation.override("ru"):
        assert isinstance(check(content).errors["volunteer_hours"][0], str)


# --- normalisation ---------------------------------------------------------------------------------


def test_normalise_coerces_text_numbers_and_dates():
    content, errors = rules.normalise_content({
        "employees": "1 500", "payroll_kzt": "2000.0", "members": "", "founders_legal_entities": f"{VALID_BIN}\n",
        "spending_by_direction": {"education": "10", "health": 0},
        "foreign_receipts": [{"source_type": "foreign_state", "country": " de ", "amount_kzt": "5",
                              "received_on": "15.03.2023", "purpose": " x "},
                             {"source_type": "", "country": "", "amount_kzt": "", "received_on": "", "purpose": ""}],
    })
    assert errors == {}
    assert content["employees"] == 1500 and content["payroll_kzt"] == 2000 and content["members"] == 0
    assert content["founders_legal_entities"] == [VALID_BIN]
    assert content["spending_by_direction"] == {"education": 10}
    assert content["foreign_receipts"] == [{"source_type": "foreign_state", "country": "DE", "amount_kzt": 5,
                                            "received_on": "2023-03-15", "purpose": "x"}]
    assert set(content) == set(schema.FIELDS_BY_KEY)


@pytest.mark.parametrize("value", ["12a", "1.5", "1,25", [], {}])
def test_normalise_reports_unparseable_numbers(value):
    content, errors = rules.normalise_content({"employees": value})
    assert "employees" in errors and content["employees"] == 0


def test_normalise_rejects_unknown_fields_and_bad_dates():
    _content, errors = rules.normalise_content({"employee_names": ["x"], "foreign_uses": [
        {"period_start": "2023-13-01", "period_end": "2023-12-31", "amount_kzt": 1, "direction": "health"}]})
    assert "employee_names" in errors
    assert "foreign_uses.0.period_start" in errors


def test_normalise_then_validate_keeps_negative_numbers_for_the_rule():
    content, errors = rules.normalise_content({"employees": "-3"})
    assert errors == {} and "cannot be negative" in check(content).errors["employees"][0]


# --- exemption --------------------------------------------------------------------------------------


def _exemption(**conditions):
    values = {c: True for c in rules.EXEMPTION_CONDITIONS}
    values.update(conditions)
    return {"exemption": values, "note": "Liquidation commission appointed"}


def test_exemption_with_all_three_conditions_is_valid():
    declaration, errors = rules.normalise_exemption(_exemption())
    assert errors == {}
    assert rules.validate_exemption(declaration, year=YEAR, registered_year=2015, liquidated_year=None,
                                    today=TODAY).ok


@pytest.mark.parametrize("condition", rules.EXEMPTION_CONDITIONS)
def test_exemption_needs_every_condition(condition):
    declaration, _ = rules.normalise_exemption(_exemption(**{condition: False}))
    issues = rules.validate_exemption(declaration, year=YEAR, registered_year=2015, liquidated_year=None, today=TODAY)
    assert list(issues.errors) == [f"exemption.{condition}"]
    assert "file the annual report instead" in issues.errors[f"exemption.{condition}"][0]


def test_exemption_normalisation():
    declaration, errors = rules.normalise_exemption({"exemption": {"no_activity": "yes",
                                                                  "tax_payment_suspended": "maybe"}, "x": 1})
    assert declaration["exemption"]["no_activity"] is True
    assert "exemption.tax_payment_suspended" in errors and "x" in errors
    issues = rules.validate_exemption({"exemption": {c: True for c in rules.EXEMPTION_CONDITIONS}, "note": "n" * 2001},
                                      year=YEAR, registered_year=2015, liquidated_year=None, today=TODAY)
    assert "note" in issues.errors


# --- transitions -------------------------------------------------------------------------------------


def test_transitions_table():
    assert rules.can_transition("draft", "submitted")
    assert not rules.can_transition("draft", "accepted")
    assert rules.can_transition("submitted", "accepted") and rules.can_transition("submitted", "returned")
    assert rules.can_transition("returned", "submitted") and not rules.can_transition("returned", "accepted")
    assert rules.can_transition("accepted", "submitted") and not rules.can_transition("accepted", "returned")


# --- due date, fines, hash, signs ---------------------------------------------------------------------


def test_due_date_is_31_march_of_the_next_year():
    assert rules.due_date(2023) == dt.date(2024, 3, 31)
    assert rules.due_date(2023, month=4, day=15) == dt.date(2024, 4, 15)


def test_due_date_on_a_sunday_moves_to_monday():
    def working(day):
        return is_working_day(day, lambda year: set(), set())

    assert rules.due_date(2023, is_working=working) == dt.date(2024, 4, 1)  # 31 March 2024 is a Sunday
    assert rules.due_date(2024, is_working=working) == dt.date(2025, 3, 31)  # a Monday


def test_late_is_after_the_due_date():
    due = dt.date(2024, 4, 1)
    assert not rules.is_late(due, due) and rules.is_late(due + dt.timedelta(days=1), due)


def test_fines():
    assert rules.fine_mci("late") == 100 and rules.fine_mci("error") == 200
    assert rules.fine_mci("late", late=150) == 150
    assert rules.fine_kzt(100, 3692) == 369_200
    with pytest.raises(ValueError):
        rules.fine_mci("rude")


def test_receipt_number_format_and_parse():
    number = rules.receipt_number(2025, 123, 2)
    assert number == "QR-2025-000123-02"
    assert rules.parse_receipt_number(number) == (2025, 123, 2)
    assert rules.parse_receipt_number(VALID_BIN) is None


def test_activity_signs():
    assert rules.activity_signs(schema.empty_content()) == {
        "employees": False, "volunteers": False, "services": False, "expenses": False}
    for key, sign in rules.SIGN_FIELDS.items():
        content = schema.empty_content()
        content[sign] = 1
        signs = rules.activity_signs(content)
        assert signs[key] and rules.is_active(signs) and sum(signs.values()) == 1


def test_content_hash_is_canonical():
    a = valid_content(YEAR)
    b = dict(reversed(list(a.items())))
    assert rules.content_hash(a) == rules.content_hash(b)
    assert len(rules.content_hash(a)) == 64
    assert rules.content_hash(a) != rules.content_hash(valid_content(YEAR, members=13))


# --- hypothesis ------------------------------------------------------------------------------------


@given(contents(YEAR))
def test_random_valid_content_passes(content):
    issues = check(content)
    assert issues.ok, issues.errors


@given(contents(YEAR))
def test_normalising_valid_content_changes_nothing(content):
    normalised, errors = rules.normalise_content(content)
    assert errors == {}
    assert normalised == content


@given(contents(YEAR), st.sampled_from(["employees_age_under_30", "employees_age_30_59", "employees_age_60_plus"]),
       st.integers(min_value=1, max_value=50), st.booleans())
def test_perturbing_an_age_band_fails_at_that_band(content, band, delta, up):
    if not up and content[band] < delta:
        delta = content[band] or -1  # cannot go below 0; then go up instead
    content[band] += delta if up else -delta
    errors = check(content).errors
    assert band in errors and "age bands" in errors[band][0]


@given(contents(YEAR), st.integers(min_value=1, max_value=10**6))
def test_perturbing_expenses_with_a_split_fails_at_the_split(content, delta):
    content["expenses_kzt"] += delta
    errors = check(content).errors
    if content["spending_by_direction"]:
        assert "spending_by_direction" in errors
    else:
        assert "spending_by_direction" not in errors


@given(contents(YEAR), st.integers(min_value=1, max_value=10**6))
def test_perturbing_foreign_income_fails_when_receipts_listed(content, delta):
    content["income_foreign_kzt"] += delta
    errors = check(content).errors
    assert ("income_foreign_kzt" in errors) == bool(content["foreign_receipts"])


@given(contents(YEAR), st.sampled_from(["employees_women", "employees_with_disability", "employees_higher_education"]),
       st.integers(min_value=1, max_value=10))
def test_subgroup_above_total_fails_at_that_field(content, key, extra):
    content[key] = content["employees"] + extra
    assert key in check(content).errors


def test_due_day_beyond_the_month_end_is_the_last_day():
    assert rules.due_date(2023, month=2, day=31) == dt.date(2024, 2, 29)
