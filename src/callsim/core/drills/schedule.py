"""May I contact them now? The contact log and the engine that computes the answer from the rules.

A :class:`ContactCase` is what a collector's screen would show: where the consumer may be (places, each with
its time zone), what they said about times and channels (preferences), the addresses and numbers on file and
where they came from, the log of calls, conversations, consents and opt-outs, any Breathing Space, and the
state whose overlay applies (Massachusetts). :func:`decide` answers one :class:`Question` (this medium, this
moment, this purpose) with every rule that forbids it, each with a sentence that says why, and the earliest
moment it would be allowed. Answers are always computed, never stored in the drill files.

Conventions (docs/drills.md says them to trainers):
- every time in a case is a wall-clock time in the collector's office time zone (``office_tz``);
- "seven consecutive days" are calendar days in the consumer's first place: a question on day D looks at
  days D-6..D; a conversation on day C bars calls on days C..C+6 (the day of the conversation is the first);
- a call counts towards 7-in-7 whatever its outcome (voicemail, no answer, conversation); a call placed with
  the consumer's direct consent given within the seven days up to it (days D-6..D of that call, the consent
  no later than the call) does not count, and such a consent also lifts the bar after a conversation
  (12 CFR 1006.14(b)(3)(i)); the Massachusetts overlay has no such exclusion here;
- an hour is allowed from 8:00 up to and including 21:00 local time in every place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Medium = Literal["call", "sms", "email"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EARLIEST = dt.time(8, 0)
LATEST = dt.time(21, 0)
STEP = dt.timedelta(minutes=15)
HORIZON = dt.timedelta(days=92)  # a Breathing Space lasts 60 days; its end must be reachable
WEEK = 7


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name (use one like America/New_York or Europe/London)") \
            from None
    return name


class Place(_Strict):
    """Somewhere the consumer may be when contacted: home, work, a phone's area code."""

    name: str
    tz: str

    _check_tz = field_validator("tz")(classmethod(lambda cls, v: _zone(v)))


class Window(_Strict):
    """A span of local time on some days, in one place (the first place when ``place`` is empty).
    ``start`` > ``end`` wraps past midnight."""

    start: dt.time
    end: dt.time
    days: tuple[Weekday, ...] = WEEKDAYS
    place: str = ""

    def contains(self, local: dt.datetime) -> bool:
        t = local.time()
        if self.start <= self.end:
            inside = self.start <= t < self.end
            day = local
        else:  # wraps midnight: the part after midnight belongs to the day before
            inside = t >= self.start or t < self.end
            day = local if t >= self.start else local - dt.timedelta(days=1)
        return inside and WEEKDAYS[day.weekday()] in self.days

    def describe(self) -> str:
        days = "" if set(self.days) == set(WEEKDAYS) else (
            " on weekdays" if self.days == WEEKDAYS[:5] else " on " + ", ".join(d.title() for d in self.days))
        return f"{_clock(self.start)} to {_clock(self.end)}{days}"


class Preference(_Strict):
    """What the consumer said about when or how to be contacted.

    ``avoid``: not in this window ("not while I'm at work"); ``only``: only in this window ("after my shift");
    ``asked``: they asked to be contacted in this window (consent to a time otherwise too early or late)."""

    kind: Literal["avoid", "only", "asked"]
    window: Window
    medium: Medium | Literal["any"] = "any"
    said: dt.datetime | None = None  # when they said it (office time); None: before the log starts
    words: str = ""  # what they said, as the log records it


class Address(_Strict):
    """A number or address on file for texts or email, and where it came from."""

    id: str
    medium: Literal["sms", "email"]
    value: str = ""
    source: Literal["consumer_used", "consumer_consent", "creditor_notice", "unknown"] = "unknown"
    work: bool = False  # an email address the collector knows the employer provides


class Event(_Strict):
    """One line of the contact log.

    ``call``: a call placed that did not become a conversation (no answer, voicemail);
    ``conversation``: a call placed that did; ``incoming``: the consumer called and they talked;
    ``consent``: the consumer directly agreed to be called ("ring me tomorrow"); ``opt_out``: they asked not
    to be contacted by ``medium`` (at ``address`` only, when given); ``text`` / ``email``: a message sent."""

    at: dt.datetime
    kind: Literal["call", "conversation", "incoming", "consent", "opt_out", "text", "email"]
    medium: Medium = "call"
    address: str = ""
    note: str = ""

    @property
    def placed_call(self) -> bool:
        return self.kind in ("call", "conversation")

    @property
    def talked(self) -> bool:
        return self.kind in ("conversation", "incoming")


class BreathingSpace(_Strict):
    start: dt.date
    end: dt.date | None = None  # the last day in force; None: still in force

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class ContactCase(_Strict):
    jurisdiction: Literal["US", "UK"]
    state: str = Field("", pattern=r"^([A-Z]{2})?$")  # a US state whose overlay applies (MA), or empty
    office_tz: str
    places: tuple[Place, ...] = Field(min_length=1)
    preferences: tuple[Preference, ...] = ()
    addresses: tuple[Address, ...] = ()
    events: tuple[Event, ...] = ()
    breathing_space: BreathingSpace | None = None

    _check_tz = field_validator("office_tz")(classmethod(lambda cls, v: _zone(v)))

    @model_validator(mode="after")
    def _names_resolve(self) -> ContactCase:
        places = {p.name for p in self.places}
        for pref in self.preferences:
            if pref.window.place and pref.window.place not in places:
                raise ValueError(f"a preference names the place {pref.window.place!r}, which is not one of "
                                 f"the places ({', '.join(sorted(places))})")
        ids = {a.id for a in self.addresses}
        for e in self.events:
            if e.address and e.address not in ids:
                raise ValueError(f"a log event names the address {e.address!r}, which is not one of the "
                                 f"addresses ({', '.join(sorted(ids)) or 'none'})")
        if self.state and self.jurisdiction != "US":
            raise ValueError("a state overlay (state:) applies to US cases only")
        return self

    def place(self, name: str) -> Place:
        return next((p for p in self.places if p.name == name), self.places[0]) if name else self.places[0]

    def local(self, at: dt.datetime, place: Place) -> dt.datetime:
        return at.replace(tzinfo=ZoneInfo(self.office_tz)).astimezone(ZoneInfo(place.tz))

    def day(self, at: dt.datetime) -> dt.date:
        """The calendar day of ``at`` in the consumer's first place (how 7-day windows are counted)."""
        return self.local(at, self.places[0]).date()

    def address(self, address_id: str) -> Address | None:
        return next((a for a in self.addresses if a.id == address_id), None)


class Question(_Strict):
    """May I contact them by ``medium`` (at ``address``) at ``at`` (office time), for ``purpose``?"""

    at: dt.datetime
    medium: Medium = "call"
    address: str = ""
    purpose: Literal["collect", "other"] = "collect"


@dataclass(frozen=True)
class Breach:
    rule: str  # a rule id in channel_rules.yaml
    reason: str  # why, for this case, in a sentence


@dataclass(frozen=True)
class Decision:
    allowed: bool
    breaches: tuple[Breach, ...]
    next_allowed: dt.datetime | None  # the earliest allowed moment at or after the question (office time)

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(b.rule for b in self.breaches)


def decide(case: ContactCase, q: Question) -> Decision:
    """Every rule that forbids ``q`` in ``case``, and the earliest moment it would be allowed."""
    breaches = tuple(breaches_at(case, q))
    if not breaches:
        return Decision(True, (), q.at)
    return Decision(False, breaches, next_allowed(case, q))


def next_allowed(case: ContactCase, q: Question) -> dt.datetime | None:
    """The first moment on the quarter hour after ``q.at`` (within 92 days) when ``q`` breaks no rule."""
    lasting = any(True for _ in _opted_out(case, q, "")) or (
        case.jurisdiction == "US" and any(True for _ in _permitted_address(case, q)))
    open_ended = case.breathing_space is not None and case.breathing_space.end is None and q.purpose == "collect" \
        and case.jurisdiction == "UK" and case.breathing_space.start <= case.day(q.at)
    if lasting or open_ended:
        return None  # an opt-out, an address that may not be used, an open Breathing Space: time does not lift it
    t = q.at.replace(second=0, microsecond=0)
    t += dt.timedelta(minutes=15 - t.minute % 15)
    end = q.at + HORIZON
    while t <= end:
        if not any(True for _ in breaches_at(case, q.model_copy(update={"at": t}))):
            return t
        t += STEP
    return None


def breaches_at(case: ContactCase, q: Question) -> Iterator[Breach]:
    us = case.jurisdiction == "US"
    yield from _hours(case, q, "us_hours" if us else "uk_hours")
    yield from _preferences(case, q, "us_inconvenient" if us else "uk_preferences")
    yield from _opted_out(case, q, "us_medium_opt_out" if us else "uk_preferences")
    if us:
        yield from _permitted_address(case, q)
        if q.medium == "call":
            yield from _seven_in_seven(case, q)
            yield from _after_conversation(case, q)
        if case.state == "MA" and q.medium in ("call", "sms"):
            yield from _massachusetts(case, q)
    elif case.breathing_space is not None and q.purpose == "collect" \
            and case.breathing_space.covers(case.day(q.at)):
        bs = case.breathing_space
        until = f"; it ends on {_date(bs.end)}" if bs.end else "; it has no end date yet"
        yield Breach("uk_breathing_space", f"a Breathing Space is in force (from {_date(bs.start)}{until}): "
                                           "no contact to ask for payment")


def _asked_for(case: ContactCase, q: Question) -> bool:
    """Did the consumer ask to be contacted this way at this moment (consent to an otherwise bad hour)?"""
    return any(p.kind == "asked" and p.medium in ("any", q.medium) and _said_by(p, q.at)
               and p.window.contains(case.local(q.at, case.place(p.window.place))) for p in case.preferences)


def _hours(case: ContactCase, q: Question, rule: str) -> Iterator[Breach]:
    if _asked_for(case, q):
        return
    for place in case.places:
        local = case.local(q.at, place)
        t = local.time()
        if t < EARLIEST or t > LATEST:
            where = f" in {place.name}" if len(case.places) > 1 else " where they are"
            yield Breach(rule, f"it is {_clock(t)}{where} ({place.tz}); contact is allowed from 8 a.m. "
                               "to 9 p.m. local time" + (" in every place they may be" if len(case.places) > 1
                                                         else ""))
            return


def _said_by(p: Preference, at: dt.datetime) -> bool:
    return p.said is None or p.said <= at


def _preferences(case: ContactCase, q: Question, rule: str) -> Iterator[Breach]:
    for p in case.preferences:
        if p.kind == "asked" or p.medium not in ("any", q.medium) or not _said_by(p, q.at):
            continue
        inside = p.window.contains(case.local(q.at, case.place(p.window.place)))
        words = f' ("{p.words}")' if p.words else ""
        if p.kind == "avoid" and inside:
            yield Breach(rule, f"they said {p.window.describe()} does not suit them{words}")
            return
        if p.kind == "only" and not inside:
            yield Breach(rule, f"they asked to be contacted only {p.window.describe()}{words}")
            return


def _opted_out(case: ContactCase, q: Question, rule: str) -> Iterator[Breach]:
    for e in case.events:
        if e.kind == "opt_out" and e.at <= q.at and e.medium == q.medium and (not e.address
                                                                            or e.address == q.address):
            yield Breach(rule, f"they asked on {_when(e.at)} not to be contacted by {_MEDIUM[q.medium]}"
                               + (f" ({e.note})" if e.note else ""))
            return


def _permitted_address(case: ContactCase, q: Question) -> Iterator[Breach]:
    if q.medium == "call":
        return
    a = case.address(q.address)
    if a is None or a.medium != q.medium:
        yield Breach("us_email_text_permitted", f"there is no {_MEDIUM[q.medium]} address on file to use")
        return
    if a.work and q.medium == "email" and a.source not in ("consumer_used", "consumer_consent"):
        yield Breach("us_email_text_permitted", f"{a.value or a.id} is an address their employer provides, and "
                                                "they have not used it with you or agreed to it")
    elif a.source == "unknown":
        yield Breach("us_email_text_permitted", f"{a.value or a.id} did not come from them, nor from the creditor "
                                                "with notice and a chance to opt out")


def _consented(case: ContactCase, at: dt.datetime) -> bool:
    """A direct consent to be called given by ``at`` within the seven days up to it (calendar days, as every
    seven-day window here)."""
    first, last = _window_days(case, at)
    return any(e.kind == "consent" and e.at <= at and first <= case.day(e.at) <= last for e in case.events)


def _window_days(case: ContactCase, at: dt.datetime) -> tuple[dt.date, dt.date]:
    today = case.day(at)
    return today - dt.timedelta(days=WEEK - 1), today


def _seven_in_seven(case: ContactCase, q: Question) -> Iterator[Breach]:
    if _consented(case, q.at):
        return
    first, last = _window_days(case, q.at)
    counted = [e for e in case.events if e.placed_call and e.at <= q.at and first <= case.day(e.at) <= last
               and not _consented(case, e.at)]
    if len(counted) >= WEEK:
        yield Breach("us_seven_in_seven", f"{len(counted)} calls were placed from {_date(first)} to "
                                          f"{_date(last)}; this would be call {len(counted) + 1} in seven days")


def _after_conversation(case: ContactCase, q: Question) -> Iterator[Breach]:
    if _consented(case, q.at):
        return
    first, last = _window_days(case, q.at)
    talks = [e for e in case.events if e.talked and e.at <= q.at and first <= case.day(e.at) <= last]
    if talks:
        latest = max(talks, key=lambda e: e.at)
        free = case.day(latest.at) + dt.timedelta(days=WEEK)
        yield Breach("us_after_conversation", f"you spoke with them on {_when(latest.at)}; no call until "
                                              f"{_date(free)} unless they ask you to call")


def _massachusetts(case: ContactCase, q: Question) -> Iterator[Breach]:
    """940 CMR 7.04(1)(f): calls (answered or not) and texts are telephone communications; emails are not."""
    first, last = _window_days(case, q.at)
    sent = [e for e in case.events if (e.placed_call or e.kind == "text") and e.at <= q.at
            and first <= case.day(e.at) <= last]
    if len(sent) >= 2:
        texts = sum(e.kind == "text" for e in sent)
        made = " and ".join(f"{n} {what}{'s' if n > 1 else ''}" for n, what in ((len(sent) - texts, "call"),
                                                                                 (texts, "text")) if n)
        yield Breach("ma_two_in_seven", f"{made} were made from {_date(first)} to {_date(last)}; Massachusetts "
                                        "allows two calls or texts in seven days")


_MEDIUM = {"call": "phone", "sms": "text", "email": "email"}


def _clock(t: dt.time) -> str:
    if t.minute == 0 and t.hour in (0, 12):
        return "midnight" if t.hour == 0 else "noon"
    h = t.hour % 12 or 12
    suffix = "a.m." if t.hour < 12 else "p.m."
    return f"{h}:{t.minute:02d} {suffix}" if t.minute else f"{h} {suffix}"


def _date(d: dt.date) -> str:
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


def _when(t: dt.datetime) -> str:
    return f"{_date(t.date())} at {_clock(t.time())}"
