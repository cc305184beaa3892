"""Rounding as people round, the one rule for every figure we show: half up, in Decimal (2.25 hours is
2.3, an average of 3.625 is 3.63). Python's `round` rounds half to even on binary floats (2.2, 3.62), so
a report and a page showing the same minutes would disagree."""

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | int | Decimal, places: int = 1) -> Decimal:
    """`value` to `places` decimals, a half rounded away from zero; a float is read as it prints."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def hours_of(minutes: float | int | Decimal, places: int = 1) -> Decimal:
    """Minutes as hours, rounded half up (135 minutes are 2.3 hours)."""
    number = minutes if isinstance(minutes, Decimal) else Decimal(str(minutes))
    return round_half_up(number / 60, places)
