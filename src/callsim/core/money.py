"""Reading amounts of money out of a trainee's reply: "£40 a month", "$200 today", "two grand".

Each amount is classified by what it is about: a *payment* the trainee asks for or agrees to (monthly
plan or one-off) or a statement of what is *owed*. Conditions compare them with the balance and with what
the debtor can afford; the compliance check compares stated amounts with the debt facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Period = Literal["month", "week", "fortnight", "year", "once"]
Role = Literal["plan", "lump_sum", "owed", "fee", "other"]

_WORD_NUM = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a couple of": 2, "a few": 3,
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUM), key=len, reverse=True))
_MULT = r"k|grand|thousand|hundred|million|m\b"
_AMOUNT = re.compile(
    rf"(?P<cur>[£$€])\s?(?P<num>{_NUM})\s*(?P<mult>{_MULT})?"
    rf"|(?P<num2>{_NUM})\s*(?P<mult2>k|grand|thousand|hundred)?\s*(?P<unit>pounds?|quid|dollars?|bucks|euros?|p\b|cents?)"
    rf"|\b(?P<wnum>{_WORDS}|{_NUM})\s+(?P<wmult>grand|thousand|hundred)(?:\s+(?:pounds?|quid|dollars?|bucks))?",
    re.IGNORECASE,
)
_PERIOD = [
    ("week", re.compile(r"^\s*(?:(?:a|per|each|every)\s+|/\s*)week\b|^\s*weekly\b", re.I)),
    ("fortnight", re.compile(
        r"^\s*(?:(?:a|per|each|every)\s+|/\s*)fortnight|^\s*fortnightly|^\s*every (?:two|2) weeks", re.I)),
    ("month", re.compile(
        r"^\s*(?:(?:a|per|each|every)\s+(?:calendar\s+)?month\b|/\s*(?:month|mo)\b|pcm\b|p/?m\b|monthly\b"
        r"|(?:on|from) the \d+(?:st|nd|rd|th)? (?:of )?(?:each|every|the) month)", re.I)),
    ("year", re.compile(r"^\s*(?:(?:a|per|each|every)\s+|/\s*)year\b|^\s*annually|^\s*yearly", re.I)),
]
_MONTHLY_FACTOR = {"month": 1.0, "week": 52 / 12, "fortnight": 26 / 12, "year": 1 / 12, "once": 0.0}
_OWED_BEFORE = re.compile(
    r"(owe[sd]?|owing|balance|outstanding|total|debt of|arrears of|arrears (?:are|is|stand at)|due|comes to|"
    r"stands at|sitting at|up to|amount of)\W*(?:\w+\W+){0,4}$",
    re.I,
)
_OWED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}(?:owed?|owing|outstanding|in arrears|overdue|balance|debt|left to pay|still due)\b", re.I
)
_FEE_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}(?:fees?|charges?|interest|penalty|penalties|surcharge)\b", re.I)
_FEE_BEFORE = re.compile(r"(?:fee|charge|interest|penalty|surcharge)s?\s+(?:of\s+)?$", re.I)
_PAY_NEAR = re.compile(
    r"\b(pay|paying|payment|payments|plan|instal?ments?|offer|afford|manage|put|send|set up|arrangement|"
    r"today|now|tomorrow|friday|deposit|contribute|towards|start with)\b",
    re.I,
)


@dataclass(frozen=True)
class Amount:
    value: float
    period: Period
    role: Role
    start: int
    end: int
    text: str

    @property
    def monthly(self) -> float:
        return round(self.value * _MONTHLY_FACTOR[self.period], 2)


def _to_float(num: str, mult: str | None) -> float:
    low = num.lower()
    value = float(_WORD_NUM[low]) if low in _WORD_NUM else float(low.replace(",", ""))
    m = (mult or "").lower()
    if m in ("k", "grand", "thousand"):
        value *= 1000
    elif m == "hundred":
        value *= 100
    elif m in ("million", "m"):
        value *= 1_000_000
    return value


def find_amounts(text: str) -> list[Amount]:
    out: list[Amount] = []
    for m in _AMOUNT.finditer(text):
        if m.group("num"):
            value = _to_float(m.group("num"), m.group("mult"))
        elif m.group("num2"):
            value = _to_float(m.group("num2"), m.group("mult2"))
            unit = (m.group("unit") or "").lower()
            if unit in ("p", "cent", "cents"):
                value /= 100
        else:
            value = _to_float(m.group("wnum"), m.group("wmult"))
        after = text[m.end() : m.end() + 40]
        before = text[max(0, m.start() - 60) : m.start()]
        period: Period = "once"
        for name, rx in _PERIOD:
            if rx.search(after):
                period = name  # type: ignore[assignment]
                break
        role: Role
        if _FEE_AFTER.search(after) or _FEE_BEFORE.search(before):
            role = "fee"
        elif _OWED_AFTER.search(after) or _OWED_BEFORE.search(before):
            role = "owed" if period == "once" else "plan"
        elif period != "once":
            role = "plan"
        elif _PAY_NEAR.search(before[-40:] + " " + after[:25]):
            role = "lump_sum"
        else:
            role = "other"
        out.append(Amount(round(value, 2), period, role, m.start(), m.end(), m.group(0)))
    return out


def plan_amount(amounts: list[Amount]) -> float:
    """The monthly amount of the last plan proposed in the reply (0 when none)."""
    plans = [a for a in amounts if a.role == "plan"]
    return plans[-1].monthly if plans else 0.0


def lump_sum(amounts: list[Amount]) -> float:
    sums = [a for a in amounts if a.role == "lump_sum"]
    return sums[-1].value if sums else 0.0


def format_money(value: float, symbol: str) -> str:
    return f"{symbol}{value:,.2f}".replace(".00", "")
