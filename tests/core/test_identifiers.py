"""BIN/IIN check digit (DOMAIN §2): (Σ dᵢ·i) mod 11; on 10 the weights 3..11,1,2; on 10 again invalid."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from qogam.core import rules
from qogam.core.validators import bin_error_message, validate_bin, validate_iin

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


def _weighted(first11: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11


@st.composite
def valid_ids(draw):
    first11 = draw(eleven_digits)
    assume(rules.check_digit(first11) is not None)
    return rules.with_check_digit(first11)


@given(eleven_digits)
def test_any_eleven_digits_with_a_check_digit_give_a_valid_id(first11):
    digit = rules.check_digit(first11)
    if digit is None:
        assert rules.with_check_digit(first11) is None
        return
    value = rules.with_check_digit(first11)
    assert len(value) == 12 and value.isdigit() and value.startswith(first11)
    assert value[11] == str(digit)
    assert rules.is_valid_identifier(value)
    assert rules.identifier_problem(value) is None


@given(eleven_digits)
def test_check_digit_follows_the_domain_formula(first11):
    primary = _weighted(first11, range(1, 12))
    secondary = _weighted(first11, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))
    expected = primary if primary != 10 else (secondary if secondary != 10 else None)
    assert rules.check_digit(first11) == expected


def test_second_weights_fallback_concrete_example():
    # 1·1+5·2+0·3+6·4+4·5+0+0+0+0+1·10+0·11 = 65 ≡ 10 (mod 11): the first weights fail.
    # 1·3+5·4+0·5+6·6+4·7+0+0+0+0+1·1+0·2 = 88 ≡ 0 (mod 11): the check digit is 0.
    assert _weighted("15064000010", range(1, 12)) == 10
    assert rules.check_digit("15064000010") == 0
    assert rules.is_valid_identifier("150640000100")
    assert rules.identifier_problem("150640000101") == "check_digit_mismatch"


def test_no_valid_check_digit_concrete_example():
    # First weights: 120 ≡ 10; second weights: 98 ≡ 10. No 12th digit can make this valid.
    assert rules.check_digit("15064000015") is None
    assert rules.with_check_digit("15064000015") is None
    for last in "0123456789":
        assert rules.identifier_problem("15064000015" + last) == "no_valid_check_digit"


def substitution_goes_undetected(first11: str, position: int, new_digit: int) -> bool:
    """When changing digit `position` (1..11) of a valid id to `new_digit` leaves it valid.

    With S = Σ i·dᵢ and D = Σ dᵢ (mod 11), the second weights are the first plus 2, so T = S + 2D.
    A change by δ at position j gives S' = S + jδ and D' = D + δ. Undetected exactly when:
      (a) j = 11 and S ≠ 10: weight 11 ≡ 0 (mod 11), so digit 11 does not count on the first weights;
      (b) S ≠ 10, S' = 10 and 10 + 2D' ≡ S: the change lands on the second weights at the old digit;
      (c) S = 10, S' ≠ 10 and S' ≡ T: the change leaves the second weights at the old digit.
    A change of the check digit itself (position 12) is always detected.
    """
    digits = [int(c) for c in first11]
    s = sum(i * d for i, d in enumerate(digits, start=1)) % 11
    d_sum = sum(digits) % 11
    delta = new_digit - digits[position - 1]
    s_new = (s + position * delta) % 11
    if s != 10:
        if position == 11:
            return True
        return s_new == 10 and (10 + 2 * (d_sum + delta) - s) % 11 == 0
    return s_new != 10 and (s_new - (s + 2 * d_sum)) % 11 == 0


@given(valid_ids(), st.integers(1, 12), st.integers(1, 9))
@example("150640000100", 11, 1)  # on the second weights digit 11 counts (weight 2): detected
@example("150640000020", 11, 1)  # on the first weights it does not (weight 11 ≡ 0): undetected
def test_a_single_digit_substitution_is_detected_unless_the_scheme_cannot(value, position, shift):
    new_digit = (int(value[position - 1]) + shift) % 10
    changed = value[: position - 1] + str(new_digit) + value[position:]
    assert changed != value
    if position == 12:
        assert not rules.is_valid_identifier(changed)
    else:
        assert rules.is_valid_identifier(changed) == substitution_goes_undetected(value[:11], position, new_digit)


def test_the_claim_that_every_substitution_is_detected_is_false():
    """The mod-11 scheme does NOT detect every single-digit substitution; these are the exceptions."""
    # (a) digit 11 on the first weights: 1506400000d0 is valid for every digit d.
    for digit in "0123456789":
        assert rules.is_valid_identifier(f"1506400000{digit}0")
    # (b)/(c): a change of another digit that switches between the two sets of weights.
    found = {}
    for serial in range(2000):
        value = rules.with_check_digit(f"150640{serial:05d}")
        if value is None:
            continue
        for position in range(1, 11):
            for new_digit in range(10):
                changed = value[: position - 1] + str(new_digit) + value[position:]
                if changed != value and rules.is_valid_identifier(changed):
                    found.setdefault(_weighted(value[:11], range(1, 12)) == 10, (value, changed))
    assert set(found) == {True, False}, "both switching cases exist"
    for value, changed in found.values():
        assert (_weighted(value[:11], range(1, 12)) == 10) != (_weighted(changed[:11], range(1, 12)) == 10)


@given(valid_ids(), st.integers(1, 10), st.integers(1, 9))
def test_substitutions_of_digits_1_to_10_that_stay_on_the_first_weights_are_detected(value, position, shift):
    new_digit = (int(value[position - 1]) + shift) % 10
    changed = value[: position - 1] + str(new_digit) + value[position:]
    assume(_weighted(value[:11], range(1, 12)) != 10 and _weighted(changed[:11], range(1, 12)) != 10)
    assert not rules.is_valid_identifier(changed)


@pytest.mark.parametrize(
    "value",
    ["", "12345678901", "1234567890123", "15064000010 ", " 150640000100", "1506400001O0", "15064000010a",
     "١٥٠٦٤٠٠٠٠١٠٠", "１５０６４００００１００", "-50640000100", "15064000010.", None, 150640000100],
)
def test_non_digits_and_wrong_lengths_are_rejected(value):
    assert rules.identifier_problem(value) == "not_12_digits"
    assert not rules.is_valid_identifier(value)


@given(st.text(max_size=14).filter(lambda s: not (len(s) == 12 and s.isascii() and s.isdigit())))
def test_anything_but_12_ascii_digits_is_rejected(value):
    assert rules.identifier_problem(value) == "not_12_digits"


@pytest.mark.parametrize("value", ["", "1234567890", "123456789012", "1234567890a", "١٢٣٤٥٦٧٨٩٠١", None])
def test_check_digit_refuses_anything_but_eleven_digits(value):
    with pytest.raises(ValueError):
        rules.check_digit(value)


@given(
    st.integers(2000, 2099), st.integers(1, 12), st.integers(0, 99_999), st.sampled_from([4, 5, 6]),
    st.sampled_from([0, 1, 2, 3]),
)
def test_make_bin_encodes_registration_month_and_entity_type(year, month, serial, entity_type, subdivision):
    value = rules.make_bin(year, month, serial, entity_type=entity_type, subdivision=subdivision)
    assert rules.is_valid_identifier(value)
    assert value[:4] == f"{year % 100:02d}{month:02d}"
    assert value[4] == str(entity_type)
    assert value[5] == str(subdivision)


def test_make_bin_defaults_to_a_resident_head_office():
    value = rules.make_bin(2015, 6, 1)
    assert value.startswith("150640") and rules.is_valid_identifier(value)


@pytest.mark.parametrize(
    ("value", "problem", "text"),
    [
        ("12345", "not_12_digits", "A BIN has exactly 12 digits (0–9), with no spaces or letters."),
        ("150640000150", "no_valid_check_digit",
         "This is not a valid BIN: no check digit is possible for its first 11 digits."),
        ("150640000101", "check_digit_mismatch",
         "This BIN's last digit (the check digit) is wrong. Check the number for a typo."),
    ],
)
def test_validate_bin_messages(value, problem, text):
    assert rules.identifier_problem(value) == problem
    with translation.override("en"):
        assert str(bin_error_message(value)) == text
        with pytest.raises(ValidationError) as raised:
            validate_bin(value)
        assert raised.value.code == "invalid_bin"
        assert raised.value.messages == [text]


def test_validators_accept_a_valid_identifier():
    assert bin_error_message("150640000100") is None
    validate_bin("150640000100")
    validate_iin("900101400122")


def test_validate_iin_speaks_of_an_iin():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_iin("900101400123")
    assert raised.value.code == "invalid_iin"
    assert "IIN" in raised.value.messages[0]
