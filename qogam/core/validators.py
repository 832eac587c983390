"""Edge validators (forms, API, import) built on the pure rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qogam.core.rules import identifier_problem

_MESSAGES = {
    "not_12_digits": _("A BIN has exactly 12 digits (0–9), with no spaces or letters."),
    "no_valid_check_digit": _("This is not a valid BIN: no check digit is possible for its first 11 digits."),
    "check_digit_mismatch": _("This BIN's last digit (the check digit) is wrong. Check the number for a typo."),
}
_IIN_MESSAGES = {
    "not_12_digits": _("An IIN has exactly 12 digits (0–9), with no spaces or letters."),
    "no_valid_check_digit": _("This is not a valid IIN: no check digit is possible for its first 11 digits."),
    "check_digit_mismatch": _("This IIN's last digit (the check digit) is wrong. Check the number for a typo."),
}


def bin_error_message(value: str):
    """The user-facing reason a BIN is invalid, or None."""
    problem = identifier_problem(value)
    return None if problem is None else _MESSAGES[problem]


def validate_bin(value: str) -> None:
    problem = identifier_problem(value)
    if problem:
        raise ValidationError(_MESSAGES[problem], code="invalid_bin")


def validate_iin(value: str) -> None:
    problem = identifier_problem(value)
    if problem:
        raise ValidationError(_IIN_MESSAGES[problem], code="invalid_iin")
