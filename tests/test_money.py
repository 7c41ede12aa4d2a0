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



@pytest.mark.parametrize(("text", "value", "phrase"), [
    ("The balance is six thousand four hundred dollars.", 6400.0, "six thousand four hundred dollars"),
    ("It comes to two thousand three hundred and fifty pounds.", 2350.0,
     "two thousand three hundred and fifty pounds"),
    ("You owe one thousand, two hundred pounds.", 1200.0, "one thousand, two hundred pounds"),
    ("The total is four hundred and twelve dollars fifty.", 412.5, "four hundred and twelve dollars fifty"),
    ("You owe a thousand pounds.", 1000.0, "a thousand pounds"),
    ("It's twelve hundred dollars all in.", 1200.0, "twelve hundred dollars"),
    ("You owe about three grand.", 3000.0, "three grand"),
    ("The account now stands at two thousand eight hundred with fees applied.", 2800.0,
     "two thousand eight hundred"),
    ("Where does sixty-four hundred come from?", 6400.0, "sixty-four hundred"),
    ("Her balance is one thousand two hundred and six pounds.", 1206.0, "one thousand two hundred and six pounds"),
    ("He owes three hundred and twenty quid.", 320.0, "three hundred and twenty quid"),
    ("It's two hundred and fifty thousand dollars.", 250000.0, "two hundred and fifty thousand dollars"),
    ("The balance is four hundred twenty.", 420.0, "four hundred twenty"),
    ("It was four hundred dollars and fifty cents.", 400.5, "four hundred dollars and fifty cents"),
])
def test_number_words_combine(text: str, value: float, phrase: str) -> None:
    a = find_amounts(text)
    assert [(x.value, x.text) for x in a] == [(value, phrase)]
    assert text[a[0].start : a[0].end] == phrase


@pytest.mark.parametrize(("text", "expected"), [
    ("Could you do £40 a month?", [(40.0, "month", "plan")]),
    ("You owe about two grand.", [(2000.0, "once", "owed")]),
    ("How about ten pounds a week?", [(10.0, "week", "plan")]),
    ("We'd need $200 today.", [(200.0, "once", "lump_sum")]),
    ("I can do sixty pounds, with the interest frozen.", [(60.0, "once", "lump_sum")]),
    ("Could you pay £50 now and £20 a month?", [(50.0, "once", "lump_sum"), (20.0, "month", "plan")]),
    ("Could you pay twelve pounds fifty a week?", [(12.5, "week", "plan")]),
    ("We could do a hundred and fifty pounds a month.", [(150.0, "month", "plan")]),
    # Separate amounts stay separate: across a sentence, after a comma, or when the number does not end there.
    ("You owe two thousand. Twenty pounds a month would do.", [(2000.0, "once", "owed"), (20.0, "month", "plan")]),
    ("I owe a thousand, twenty pounds of it fees.", [(1000.0, "once", "owed"), (20.0, "once", "fee")]),
    ("You owe about a thousand, a few hundred of which is fees.", [(1000.0, "once", "owed"), (300.0, "once", "fee")]),
    ("I can pay a hundred one month and fifty the next.", [(100.0, "once", "lump_sum")]),
    ("Could you pay forty pounds twenty times?", [(40.0, "once", "lump_sum")]),
    # A unit is a whole word: a time zone, a length or a time of day is no sum of money.
    ("Ask him to ring me weekdays 8 to 8 Central.", []),
    ("The letter is 5 centimetres thick.", []),
    ("We'll call after 10 p.m. only if you ask.", []),
    ("Could you do 50p a week, or 2 cents?", [(0.5, "week", "plan"), (0.02, "once", "other")]),
])
def test_number_words_do_not_change_other_amounts(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(a.value, a.period, a.role) for a in find_amounts(text)] == expected

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
