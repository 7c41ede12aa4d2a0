"""Property test: the schedule drill's engine (``schedule.decide``) against an independent re-statement of the
rules (``tests/drill_oracle.py``), over many random contact logs, plus a few cases worked out by hand."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from callsim.core.drills.schedule import (
    Address,
    BreathingSpace,
    ContactCase,
    Event,
    Place,
    Preference,
    Question,
    Window,
    decide,
)
from tests.drill_oracle import oracle

SEED = 20240310
N_CASES = 2000
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

OFFICES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Pacific/Honolulu",
           "Asia/Kolkata")
ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/St_Johns", "Europe/London", "Europe/Berlin",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland",
    "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Tongatapu",
)
ACROSS_DATE_LINE = ("Pacific/Auckland", "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Tongatapu",
                    "Asia/Tokyo", "Australia/Sydney")
# days when clocks change somewhere (US, EU, NZ/AU, Lord Howe), in March, October and November
DST_DAYS = tuple(dt.date.fromisoformat(d) for d in (
    "2024-03-10", "2024-03-31", "2024-10-06", "2024-10-27", "2024-11-03",
    "2025-03-09", "2025-03-30", "2025-10-05", "2025-10-26", "2025-11-02",
))


# --------------------------------------------------------------------------------------------- random cases

def _minute(rng: random.Random) -> dt.time:
    if rng.random() < 0.5:
        return dt.time(rng.randrange(24), rng.choice((0, 15, 30, 45)))
    return dt.time(rng.randrange(24), rng.randrange(60))


def _question_day(rng: random.Random) -> dt.date:
    if rng.random() < 0.5:
        return rng.choice(DST_DAYS) + dt.timedelta(days=rng.randint(-3, 8))
    year = rng.choice((2024, 2025))
    month = rng.choice((3, 10, 11))
    return dt.date(year, month, rng.randint(1, 30))


def _spread(zones: list[str], at: dt.datetime) -> float:
    """Hours between the furthest-apart UTC offsets of the zones, at about ``at``."""
    offsets = [at.replace(tzinfo=ZoneInfo(z)).utcoffset().total_seconds() / 3600 for z in zones]
    return max(offsets) - min(offsets)


def _window(rng: random.Random, places: list[Place]) -> Window:
    start = _minute(rng)
    end = _minute(rng)
    while end == start:
        end = _minute(rng)
    r = rng.random()
    if r < 0.55:
        days = DAYS
    elif r < 0.8:
        days = DAYS[:5]
    else:
        days = tuple(d for d in DAYS if rng.random() < 0.5) or ("sat",)
    place = rng.choice([""] + [p.name for p in places])
    return Window(start=start, end=end, days=days, place=place)


def random_case(rng: random.Random) -> tuple[ContactCase, Question]:
    flavour = rng.choice(("US", "MA", "UK"))
    jurisdiction = "UK" if flavour == "UK" else "US"
    state = "MA" if flavour == "MA" else ("NY" if rng.random() < 0.1 and flavour == "US" else "")
    office = rng.choice(OFFICES)
    q_at = dt.datetime.combine(_question_day(rng), dt.time(rng.randrange(24), rng.randrange(60)))
    zones = [rng.choice(ACROSS_DATE_LINE) if rng.random() < 0.25 else rng.choice(ZONES)]
    for _ in range(rng.choices((0, 1, 2), (5, 3, 2))[0]):
        # further places mostly close enough to share some hours (else nothing is ever allowed: a slow case)
        for _ in range(20):
            z = rng.choice(ZONES)
            if rng.random() < 0.05 or _spread(zones + [z], q_at) <= 12:
                break
        zones.append(z)
    places = [Place(name=f"p{i}", tz=z) for i, z in enumerate(zones)]

    since = q_at - dt.timedelta(days=10)

    def moment_before() -> dt.datetime:
        return since + dt.timedelta(minutes=rng.randrange(1, 10 * 24 * 60))

    addresses = []
    for i in range(rng.randint(0, 3)):
        medium = rng.choice(("sms", "email"))
        addresses.append(Address(
            id=f"a{i}", medium=medium, value=f"v{i}",
            source=rng.choices(("consumer_used", "consumer_consent", "creditor_notice", "unknown"),
                               (12, 8, 8, 1))[0],
            work=medium == "email" and rng.random() < 0.1))

    preferences = []
    for _ in range(rng.choices((0, 1, 2, 3), (5, 3, 1, 1))[0]):
        r = rng.random()
        said = None if r < 0.4 else (moment_before() if r < 0.9
                                     else q_at + dt.timedelta(minutes=rng.randrange(1, 2880)))
        preferences.append(Preference(
            kind=rng.choice(("avoid", "avoid", "only", "asked", "asked", "asked")),
            window=_window(rng, places),
            medium=rng.choice(("any", "any", "any", "call", "sms", "email")),
            said=said))

    events = []
    for _ in range(rng.randint(0, 15)):
        kind = rng.choices(("call", "conversation", "incoming", "consent", "opt_out", "text", "email"),
                           (110, 20, 14, 14, 3, 12, 10))[0]
        medium, address = "call", ""
        if kind == "opt_out":
            medium = rng.choice(("call", "sms", "sms", "sms", "email", "email", "email"))
            same = [a.id for a in addresses if a.medium == medium]
            if medium != "call" and same and rng.random() < 0.7:
                address = rng.choice(same)
        elif kind in ("text", "email"):
            medium = "sms" if kind == "text" else "email"
            same = [a.id for a in addresses if a.medium == medium]
            address = rng.choice(same) if same else ""
        events.append(Event(at=moment_before(), kind=kind, medium=medium, address=address))
    events.sort(key=lambda e: e.at)

    breathing_space = None
    if jurisdiction == "UK" and rng.random() < 0.08:
        start = q_at.date() + dt.timedelta(days=rng.randint(-6, 3))
        end = None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randint(0, 10))
        breathing_space = BreathingSpace(start=start, end=end)

    case = ContactCase(jurisdiction=jurisdiction, state=state, office_tz=office, places=tuple(places),
                       preferences=tuple(preferences), addresses=tuple(addresses), events=tuple(events),
                       breathing_space=breathing_space)

    medium = rng.choices(("call", "sms", "email"), (55, 25, 20) if addresses else (97, 2, 1))[0]
    address = ""
    if medium != "call" and addresses and rng.random() < 0.85:
        medium = rng.choice(addresses).medium  # usually a medium there is an address for
    if medium != "call":
        same = [a.id for a in addresses if a.medium == medium]
        # mostly an address of the right medium; sometimes none, an unknown id, or one of the other medium
        if same and rng.random() < 0.96:
            address = rng.choice(same)
        else:
            address = rng.choice([a.id for a in addresses] + ["", "missing"])
    purpose = "collect" if rng.random() < 0.8 else "other"
    return case, Question(at=q_at, medium=medium, address=address, purpose=purpose)


def _size(case: ContactCase) -> int:
    return len(case.places) + len(case.preferences) + len(case.addresses) + len(case.events)


def check(case: ContactCase, q: Question) -> list[str]:
    """What is wrong with the engine's answer for this case, by the oracle (empty: they agree)."""
    problems = []
    d = decide(case, q)
    allowed, rules = oracle(case, q)
    if d.allowed != allowed:
        problems.append(f"allowed: engine {d.allowed}, oracle {allowed}")
    if set(d.rules) != rules:
        problems.append(f"rules: engine {sorted(set(d.rules))}, oracle {sorted(rules)}")
    if not d.allowed and d.next_allowed is not None:
        later = q.model_copy(update={"at": d.next_allowed})
        if d.next_allowed < q.at:
            problems.append(f"next_allowed {d.next_allowed} is before the question")
        o_allowed, o_rules = oracle(case, later)
        if not o_allowed:
            problems.append(f"next_allowed {d.next_allowed}: oracle says not allowed ({sorted(o_rules)})")
        if not decide(case, later).allowed:
            problems.append(f"next_allowed {d.next_allowed}: the engine itself says not allowed then")
    return problems


def _report(failures: list[tuple[ContactCase, Question, list[str]]]) -> str:
    failures = sorted(failures, key=lambda f: _size(f[0]))
    lines = [f"{len(failures)} cases where the engine and the oracle disagree; the smallest:"]
    for case, q, problems in failures[:5]:
        lines.append("- " + "; ".join(problems))
        lines.append("  case: " + case.model_dump_json())
        lines.append("  question: " + q.model_dump_json())
    return "\n".join(lines)


@pytest.mark.slow
def test_engine_agrees_with_oracle_on_random_cases():
    rng = random.Random(SEED)
    failures = []
    counts = {"allowed": 0, "forbidden": 0}
    rules_seen: set[str] = set()
    for _ in range(N_CASES):
        case, q = random_case(rng)
        allowed, rules = oracle(case, q)
        counts["allowed" if allowed else "forbidden"] += 1
        rules_seen |= rules
        problems = check(case, q)
        if problems:
            failures.append((case, q, problems))
    if failures:
        print(_report(failures))
    # the generator must exercise every rule and both answers, or the comparison proves little
    assert rules_seen == {"us_hours", "us_inconvenient", "us_medium_opt_out", "us_email_text_permitted",
                          "us_seven_in_seven", "us_after_conversation", "ma_two_in_seven", "uk_hours",
                          "uk_preferences", "uk_breathing_space"}
    assert counts["allowed"] > N_CASES // 20 and counts["forbidden"] > N_CASES // 20
    assert not failures, _report(failures)


# ------------------------------------------------------------------------------------ cases worked by hand

NY = "America/New_York"


def _case(events=(), places=(NY,), office=NY, jurisdiction="US", state="", preferences=()):
    return ContactCase(jurisdiction=jurisdiction, state=state, office_tz=office,
                       places=tuple(Place(name=f"p{i}", tz=z) for i, z in enumerate(places)),
                       preferences=tuple(preferences), events=tuple(events))


def _calls(*ats: str, kind="call") -> list[Event]:
    return [Event(at=dt.datetime.fromisoformat(a), kind=kind) for a in ats]


def _answer(case, at: str, medium="call"):
    q = Question(at=dt.datetime.fromisoformat(at), medium=medium)
    d = decide(case, q)
    assert (d.allowed, set(d.rules)) == oracle(case, q), case.model_dump_json()
    assert not check(case, q), check(case, q)
    return d


def test_eighth_call_in_a_rolling_seven_days():
    # Seven calls on Mon 4 .. Sun 10 Nov 2024 (one a day at 10:00, New York). A call on Sun 10 Nov at 15:00
    # looks at days 4..10: seven calls already, so it would be the eighth: us_seven_in_seven. On Mon 11 Nov
    # the window is 5..11: six calls, so a seventh is allowed.
    case = _case(_calls(*(f"2024-11-{d:02d}T10:00" for d in range(4, 11))))
    assert _answer(case, "2024-11-10T15:00").rules == ("us_seven_in_seven",)
    assert _answer(case, "2024-11-11T10:00").allowed


def test_day_seven_after_a_conversation():
    # A conversation on Fri 1 Mar 2024 (day C) bars calls on days C..C+6 = 1..7 March. Thu 7 Mar 20:00 is the
    # seventh day: barred. Fri 8 Mar 8:00 is the eighth day: allowed (one call in the week: not 7-in-7).
    case = _case(_calls("2024-03-01T11:00", kind="conversation"))
    assert _answer(case, "2024-03-07T20:00").rules == ("us_after_conversation",)
    assert _answer(case, "2024-03-08T08:00").allowed


def test_nine_pm_exactly():
    # 21:00 is allowed ("from 8:00 up to and including 21:00"); 21:01 is not; 7:59 is not; 8:00 is.
    case = _case()
    assert _answer(case, "2024-10-15T21:00").allowed
    assert _answer(case, "2024-10-15T21:01").rules == ("us_hours",)
    assert _answer(case, "2024-10-15T07:59").rules == ("us_hours",)
    assert _answer(case, "2024-10-15T08:00").allowed


def test_place_across_the_date_line():
    # Office Los Angeles (PDT, UTC-7 on 15 Oct 2024), places Los Angeles and Auckland (NZDT, UTC+13: 20 hours
    # ahead). 15 Oct 12:00 in LA is 16 Oct 08:00 in Auckland: both inside 8-21, allowed. 15 Oct 11:59 in LA is
    # 16 Oct 07:59 in Auckland: us_hours. 15 Oct 13:00 LA is 16 Oct 09:00 Auckland: allowed.
    case = _case(places=("America/Los_Angeles", "Pacific/Auckland"), office="America/Los_Angeles")
    assert _answer(case, "2024-10-15T12:00").allowed
    assert _answer(case, "2024-10-15T11:59").rules == ("us_hours",)
    assert _answer(case, "2024-10-15T13:00").allowed
    # The 7-day window counts days in the FIRST place. With Auckland first, a conversation on 15 Oct 16:00 LA is
    # 16 Oct 12:00 in Auckland (day C = 16 Oct); 22 Oct 12:00 LA is 23 Oct 08:00 Auckland: C+7, allowed by
    # us_after_conversation, and 8:00 in Auckland / 12:00 in LA is inside the hours.
    case = _case(_calls("2024-10-15T16:00", kind="conversation"),
                 places=("Pacific/Auckland", "America/Los_Angeles"), office="America/Los_Angeles")
    assert _answer(case, "2024-10-22T12:00").allowed
    # 22 Oct 11:00 LA is 23 Oct 07:00 Auckland (too early) and still day C+7: us_hours only.
    assert _answer(case, "2024-10-22T11:00").rules == ("us_hours",)
    # 21 Oct 20:00 LA is 22 Oct 16:00 Auckland: day C+6, still barred.
    assert _answer(case, "2024-10-21T20:00").rules == ("us_after_conversation",)


def test_consent_lifts_seven_in_seven():
    # Seven calls on 4..10 Nov (10:00). The consumer then says "ring me tomorrow" on 10 Nov 12:00 (a consent).
    # A call on 10 Nov 15:00 is placed with consent given within the seven days before it: it does not count,
    # so it is not an eighth counted call: allowed. In Massachusetts the overlay has no such exclusion: seven
    # calls already in days 4..10, so a third-or-later call breaches ma_two_in_seven.
    events = _calls(*(f"2024-11-{d:02d}T10:00" for d in range(4, 11))) + [
        Event(at=dt.datetime(2024, 11, 10, 12, 0), kind="consent")]
    assert _answer(_case(events), "2024-11-10T15:00").allowed
    assert _answer(_case(events, state="MA"), "2024-11-10T15:00").rules == ("ma_two_in_seven",)
    # Without the consent: the eighth call.
    assert _answer(_case(events[:-1]), "2024-11-10T15:00").rules == ("us_seven_in_seven",)


def test_in_massachusetts_a_text_counts_like_a_call_and_an_email_does_not():
    # One unanswered call on 4 Nov and one text on 6 Nov: two telephone communications in the window.
    events = [*_calls("2024-11-04T10:00"), Event(at=dt.datetime(2024, 11, 6, 10, 0), kind="text", medium="sms")]
    case = _case(events, state="MA")
    assert _answer(case, "2024-11-07T15:00").rules == ("ma_two_in_seven",)
    assert "ma_two_in_seven" in _answer(case, "2024-11-07T15:00", medium="sms").rules
    assert "ma_two_in_seven" not in _answer(case, "2024-11-07T15:00", medium="email").rules
    # Seven days after the first (days 5..11 hold only the text): allowed again.
    assert _answer(case, "2024-11-11T15:00").allowed
    # Emails are not telephone communications: two emails and a call leave room for a second call.
    emails = [Event(at=dt.datetime(2024, 11, d, 10, 0), kind="email", medium="email") for d in (4, 5)]
    assert _answer(_case([*emails, *_calls("2024-11-06T10:00")], state="MA"), "2024-11-07T15:00").allowed


@pytest.mark.parametrize("at, expected", [
    # an "asked" window (7:00-8:00) lifts the hours rule inside it only; UK uses uk_hours
    ("2024-03-12T07:30", (True, set())),
    ("2024-03-12T06:59", (False, {"uk_hours"})),
])
def test_asked_window_lifts_hours_uk(at, expected):
    case = _case(places=("Europe/London",), office="Europe/London", jurisdiction="UK", preferences=[
        Preference(kind="asked", window=Window(start=dt.time(7, 0), end=dt.time(8, 0)))])
    q = Question(at=dt.datetime.fromisoformat(at))
    assert oracle(case, q) == expected
    assert (decide(case, q).allowed, set(decide(case, q).rules)) == expected
