"""OutSmart's number, date and time forms, read exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vismadesk.outsmart import values
from vismadesk.outsmart.values import BadValue


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4,55", "4.55"),
        ("4.55", "4.55"),
        ("0,00", "0.00"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("-2", "-2"),
        ("-1.234,5", "-1234.5"),
        (" 2,5 ", "2.5"),
        (",5", "0.5"),
        ("", "0"),
        (None, "0"),
        (3, "3"),
        (4.55, "4.55"),
        (0.1, "0.1"),
        (Decimal("7.125"), "7.125"),
    ],
)
def test_numbers_are_read_exactly(raw: object, expected: str) -> None:
    value = values.decimal(raw)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    assert str(value) == expected  # exact digits, not a float's approximation


@pytest.mark.parametrize(
    "raw", ["abc", "4,55 EUR", "1.234.56", "1,2,3", "NaN", "Infinity", "1e5", "--2", True, [1]]
)
def test_a_number_that_is_not_one_is_refused(raw: object) -> None:
    with pytest.raises(BadValue):
        values.decimal(raw)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_dutch_money_reads_back_to_the_same_amount(amount: Decimal) -> None:
    text = values.dutch_money(amount)
    assert "," in text and "." not in text
    assert values.decimal(text) == amount
    assert values.decimal(values.dot_money(amount)) == amount


@given(st.integers(min_value=1000, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_dutch_thousands_separators(whole: int, cents: int) -> None:
    grouped = f"{whole:,}".replace(",", ".") + f",{cents:02d}"
    assert values.decimal(grouped) == Decimal(f"{whole}.{cents:02d}")


def test_money_is_rounded_half_up_to_cents() -> None:
    assert values.dutch_money(Decimal("4.555")) == "4,56"
    assert values.dutch_money(Decimal("4")) == "4,00"
    assert values.dot_money(Decimal("62.5")) == "62.50"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("26-09-2013", dt.date(2013, 9, 26)),
        ("2013-09-26", dt.date(2013, 9, 26)),
        ("2013-06-11 02:51", dt.date(2013, 6, 11)),
        ("", None),
        (None, None),
        ("00-00-0000", None),
        ("0000-00-00", None),
    ],
)
def test_dates(raw: object, expected: dt.date | None) -> None:
    assert values.date(raw) == expected


@pytest.mark.parametrize("raw", ["31-02-2013", "26/09/2013", "gisteren", 20130926])
def test_a_date_that_is_not_one_is_refused(raw: object) -> None:
    with pytest.raises(BadValue):
        values.date(raw)


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [("03:45", 225), ("0:15", 15), ("27:30", 1650), ("01:00:00", 60), ("", None), (None, None)],
)
def test_durations(raw: object, minutes: int | None) -> None:
    assert values.duration_minutes(raw) == minutes


@pytest.mark.parametrize("raw", ["3,75", "03:75", "drie uur"])
def test_a_duration_that_is_not_one_is_refused(raw: str) -> None:
    with pytest.raises(BadValue):
        values.duration_minutes(raw)


def test_times_and_the_minutes_between_them() -> None:
    assert values.clock("8:30") == "08:30"
    assert values.clock("24:00") == "24:00"
    assert values.minutes_between("08:30", "12:15") == 225
    assert values.minutes_between("23:00", "01:30") == 150  # past midnight
    with pytest.raises(BadValue):
        values.clock("25:00")
