"""Reading amounts of money out of a reply: value, period, and what the amount is about."""

from __future__ import annotations

import pytest

from callsim.core.money import find_amounts, format_money, lump_sum, plan_amount


@pytest.mark.parametrize(("text", "value", "period", "role"), [
    ("Could you do £40 a month?", 40.0, "month", "plan"),
    ("We'd need $200 today.", 200.0, "once", "lump_sum"),
    ("You owe about two grand.", 2000.0, "once", "owed"),
    ("There's a £60 admin fee as well.", 60.0, "once", "fee"),
    ("It's only about £300 you owe.", 300.0, "once", "owed"),
    ("The balance is £1,240.50.", 1240.5, "once", "owed"),
    ("How about £10 a week?", 10.0, "week", "plan"),
    ("A token payment of 50p is fine.", 0.5, "once", "lump_sum"),
    ("Our records show £1,126.90 outstanding.", 1126.9, "once", "owed"),
])
def test_amounts(text: str, value: float, period: str, role: str) -> None:
    a = find_amounts(text)
    assert len(a) == 1
    assert (a[0].value, a[0].period, a[0].role) == (value, period, role)
    assert text[a[0].start : a[0].end] == a[0].text


def test_monthly_equivalents_and_helpers() -> None:
    weekly = find_amounts("£10 a week")[0]
    assert weekly.monthly == pytest.approx(43.33, abs=0.01)
    amounts = find_amounts("We could do £25 a month, or £100 today.")
    assert plan_amount(amounts) == 25.0
    assert lump_sum(amounts) == 100.0
    assert plan_amount([]) == 0.0 and lump_sum([]) == 0.0


def test_format_money() -> None:
    assert format_money(642.8, "£") == "£642.80"
    assert format_money(1200.0, "$") == "$1,200"
