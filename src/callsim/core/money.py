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
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a couple of": 2, "a few": 3,
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUM), key=len, reverse=True))
_MULT = r"k|grand|thousand|hundred|million|m\b"
# Number words that combine the way English does: "six thousand four hundred", "two thousand three hundred and
# fifty", "one thousand, two hundred", "twelve hundred", "a hundred and twelve".
_DIGIT_W = "one|two|three|four|five|six|seven|eight|nine"
_TEEN_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_W = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNIT_W = r"pounds?|quid|dollars?|bucks"
_SMALL = rf"(?:(?:{_TENS_W})(?:[\s-]+(?:{_DIGIT_W}))?|{_TEEN_W}|{_DIGIT_W})\b"  # 1 to 99
_LEAD = rf"a couple of|a few|{_SMALL}|a|{_NUM}"
# What is under a hundred after "hundred" or "thousand": "and twelve" always; a bare "twelve" only where the
# number ends ("four hundred twelve dollars"), not in "a hundred one month, fifty the next".
_TAIL = (rf"(?:\s+and\s+{_SMALL}|\s+{_SMALL}(?=\s*(?:[.,;:?!)]|$)|\s+(?:{_UNIT_W}|thousand|grand)\b"
         r"|\s+(?:a|per|each|every)\s+(?:week|fortnight|month|year)\b|\s+(?:weekly|monthly|today|now)\b))")
_HUNDREDS = rf"(?:{_LEAD})\s+hundred{_TAIL}?"
# After "thousand", a comma may come before the hundreds ("one thousand, two hundred") but not before a bare
# number ("a thousand, twenty pounds of it fees" is two amounts).
_BIG_WORDS = (rf"(?:{_HUNDREDS}|{_LEAD}|hundred)\s+(?:grand|thousand)"
              rf"(?:,?\s+(?:and\s+)?{_SMALL}\s+hundred{_TAIL}?|{_TAIL})?|{_HUNDREDS}")
# Pence or cents said after the unit: "twelve pounds fifty", "four hundred dollars and fifty cents"; not "forty
# pounds twenty times", "ten pounds fifty percent".
_CENTS = (rf"\s+(?:and\s+)?{_SMALL}\s+(?:cents?|pence|p)\b"
          rf"|\s+(?:(?:{_TENS_W})(?:[\s-]+(?:{_DIGIT_W}))?|{_TEEN_W})\b"
          rf"(?![\s-]*(?:{_DIGIT_W}|{_TEEN_W}|{_TENS_W}|hundred|thousand|grand|{_UNIT_W}|euros?|pence|p|cents?"
          r"|per ?cent|percent|times|days?|weeks?|fortnights?|months?|years?|of|off)\b|\s*%)")
_AMOUNT = re.compile(
    rf"(?P<cur>[£$€])\s?(?P<num>{_NUM})\s*(?P<mult>{_MULT})?"
    # A unit is a whole word: "8 to 8 Central" is no 8 cents, "5 centimetres" none, "10 p.m." no 10p.
    rf"|(?P<num2>{_NUM})\s*(?P<mult2>k|grand|thousand|hundred)?\s*"
    r"(?P<unit>(?:pounds?|quid|dollars?|bucks|euros?|cents?)\b|p\b(?!\.?\s?m\b))"
    rf"|\b(?:(?P<wbig>{_BIG_WORDS})|(?P<wsmall>(?:{_WORDS})(?:[\s-]+(?:{_DIGIT_W}))?)(?=\s+(?:{_UNIT_W})\b))"
    rf"(?:\s+(?:{_UNIT_W})(?P<cents>{_CENTS})?)?",
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
    r"^\W*(?:\w+\W+){0,2}(?:owed?|owing|outstanding|in arrears|overdue|balance|debt|left to pay|still due)\b"
    r"|^\s*(?:is |are )?(?:made up of|includes?|including|in total|altogether|all together|all in|at the moment|"
    r"currently|as of today|right now|as things stand|to clear)\b"
    # what a plan pays off: "at £35 a month, the £720 would take you about two years"
    r"|^\s*(?:would|will|'ll|could|should|might)\s+(?:take\b[^.?!]{0,30}\b(?:months?|years?)\b|"
    r"(?:then )?be (?:cleared|paid off|settled|paid in full)\b)",
    re.I,
)
# Figures of their budget, not a payment: "£34 left", "your energy went up to £310 a month", "you bring home
# £1,200".
_BUDGET_AFTER = re.compile(
    r"^\s*(?:(?:a|per|each|every)\s+(?:week|month|fortnight|year)\s+|monthly\s+|weekly\s+)?"
    r"(?:left(?! to pay)|spare|to spare|free|coming in|going out|in (?:wages|income|benefits)|income|"
    r"after (?:bills|rent|essentials|everything))\b",
    re.I,
)
_BUDGET_BEFORE = re.compile(
    r"\b(after (the |your )?(essentials|bills|rent|everything|outgoings|priority bills)|earn\w*|income|wages?|salary|"
    r"take home|takes home|bring home|brings? in|comes? in|rent|mortgage|"
    r"bills?|energy|gas|electric\w*|council tax|childcare|costs?|spend\w*|outgoings|went up|gone up|goes up|"
    r"rose|risen|increased|left with|benefits?|universal credit|pension|wages)\b",
    re.I,
)
# "Can you do $100?", "Could you find £20?": asking for that amount.
_ASK_BEFORE = re.compile(r"\b(do|give|find|spare|stretch to|raise|get together|scrape together|manage|offer|go to|"
                         r"go up to)\s+(?:(?:about|around|maybe|say|just|even|at least)\s+)?$", re.I)
# "you've got about £83 a month": what they have, not what they pay.
_GOT_BEFORE = re.compile(r"\b(you'?ve|you have|you'?d have|you'?ll have|there'?s|there is|you'?re left with) (got )?"
                         r"((only |just )?(about|around|roughly|maybe|only|just|nearly|almost|under|over) )?$", re.I)
# "a reduced amount inside that sixty pounds": the amount is the limit, not the payment.
_WITHIN = re.compile(r"\b(inside|within|out of|from|under|below|less than|more than|over|beyond) (that|the|your|those|"
                     r"this)\s*$", re.I)
_PAY_VERB = re.compile(r"\b(pay|paying|manage|afford|offer|put|send|do|make|set up|plan|instal?ments?|towards)\b",
                       re.I)
# Proposing a different amount: "Could you make it $100 instead?", "How about going up to £30?"
_REVISION = re.compile(r"\b(make it|instead|go up to|going up to|bring it (up|down) to|increase (it )?to|drop (it )?to|"
                       r"round (it )?(up|down) to|rather than)\b", re.I)
# "£60 admin fee", "£42.80 of late payment charges"; not "sixty pounds, with the interest frozen".
_FEE_AFTER = re.compile(
    r"^ *(?:(?!(?:with|and|while|but|so|then|if|once|frozen|after|before|plus)\b)[\w'-]+ +){0,3}"
    r"(?:fees?|charges?|interest|penalty|penalties|surcharge)\b",
    re.I,
)
_FEE_BEFORE = re.compile(r"(?:fee|charge|interest|penalty|surcharge)s?\s+(?:of\s+)?$", re.I)
_PAY_NEAR = re.compile(
    r"\b(pay|paying|payment|payments|plan|instal?ments?|offer|afford|manage|put|send|set up|arrangement|"
    r"today|now|tomorrow|friday|deposit|contribute|towards|start with|make it|instead|go up to)\b",
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


def _words_to_float(words: str) -> float:
    """ "six thousand four hundred" -> 6400: a hundred multiplies what is before it, a thousand closes a group."""
    total = 0.0
    current = 0.0
    for tok in re.findall(r"a couple of|a few|[a-z]+|\d[\d,]*(?:\.\d+)?", words.lower()):
        if tok == "and":
            continue
        if tok == "hundred":
            current = (current or 1) * 100
        elif tok in ("thousand", "grand"):
            total += (current or 1) * 1000
            current = 0
        else:
            current += float(_WORD_NUM[tok]) if tok in _WORD_NUM else float(tok.replace(",", ""))
    return total + current


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
            value = _words_to_float(m.group("wbig") or m.group("wsmall"))
            if m.group("cents"):
                value += _words_to_float(re.sub(r"\b(?:cents?|pence|p)\b", "", m.group("cents"), flags=re.I)) / 100
        after = text[m.end() : m.end() + 40]
        before = text[max(0, m.start() - 60) : m.start()]
        # The sentence the amount is in: a payment word in the next sentence is about something else.
        after_s = re.split(r"[.?!;]", after, maxsplit=1)[0]
        before_s = re.split(r"[.?!;]", before)[-1]
        period: Period = "once"
        for name, rx in _PERIOD:
            if rx.search(after):
                period = name  # type: ignore[assignment]
                break
        role: Role
        budget = (_BUDGET_BEFORE.search(before_s[-30:]) or _WITHIN.search(before_s[-30:])
                  or _GOT_BEFORE.search(before_s[-30:]))
        owed_before = _OWED_BEFORE.search(before)
        if _FEE_AFTER.search(after) or _FEE_BEFORE.search(before):
            role = "fee"
        elif _OWED_AFTER.search(after) or (owed_before and not (budget and owed_before.group(1).lower() == "up to")):
            role = "owed" if period == "once" else "plan"
        elif _BUDGET_AFTER.search(after) or (budget and not _PAY_VERB.search(before_s[-30:][budget.end() :])):
            role = "other"
        elif period != "once":
            role = "plan"
        elif _PAY_NEAR.search(before_s[-40:] + " " + after_s[:25]) or _ASK_BEFORE.search(before_s[-30:]):
            role = "lump_sum"
        else:
            role = "other"
        out.append(Amount(round(value, 2), period, role, m.start(), m.end(), m.group(0)))
    return out


def inherit_period(amounts: list[Amount], text: str, prior: str) -> list[Amount]:
    """An amount proposed as a change ("Could you make it $100 instead?") takes the period of the last plan
    amount said before (the debtor's "I can do $50 a month"), and is then a plan, not a one-off."""
    if not any(a.period == "once" and a.role in ("lump_sum", "other") for a in amounts):
        return amounts
    before = [a for a in find_amounts(prior) if a.period != "once"]
    if not before:
        return amounts
    out = []
    for a in amounts:
        near = text[max(0, a.start - 30) : a.end + 30]
        if a.period == "once" and a.role in ("lump_sum", "other") and _REVISION.search(near):
            a = Amount(a.value, before[-1].period, "plan", a.start, a.end, a.text)
        out.append(a)
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
