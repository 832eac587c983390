"""The contribution methodology's rules (DOMAIN §7, issue 7) as pure functions."""

from __future__ import annotations

from decimal import Decimal

AGE_BANDS = ("0-2", "3-5", "6-10", "11+")


def age_band(age: int) -> str:
    """The age band of an organisation `age` years old (Y − registration year)."""
    if age <= 2:
        return "0-2"
    if age <= 5:
        return "3-5"
    if age <= 10:
        return "6-10"
    return "11+"


def physical_volume_index(volume: int, price_index: Decimal | float | None, previous_volume: int) -> float | None:
    """(services volume Y ÷ price index of Y) ÷ services volume Y−1 × 100; None without a Y−1 volume or a
    price index for Y."""
    if not previous_volume or price_index is None or not float(price_index):
        return None
    return volume / float(price_index) / previous_volume * 100
