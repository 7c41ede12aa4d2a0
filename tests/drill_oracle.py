"""An independent re-statement of the "May I contact them now?" rules (the schedule drill), for property tests.

Written from the rule text in ``callsim/core/data/channel_rules.yaml`` (entries whose drills include
``schedule``), the Conventions in the docstring of ``callsim.core.drills.schedule`` and the data model, not from
the engine's code. It only uses the model classes (as plain data) and the standard library.

Conventions it relies on (schedule.py docstring):
- every time in a case is a wall-clock time in the office time zone (``office_tz``);
- "seven consecutive days" are calendar days in the consumer's first place: a question on day D looks at days
  D-6..D; a conversation on day C bars calls on days C..C+6;
- a call counts towards 7-in-7 whatever its outcome; a call placed with the consumer's direct consent given
  within the seven days before it does not count, and such a consent also lifts the bar after a conversation;
  the Massachusetts overlay has no such exclusion;
- an hour is allowed from 8:00 up to and including 21:00 local time in every place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from callsim.core.drills.schedule import ContactCase, Event, Preference, Question, Window

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EIGHT_AM = dt.time(8, 0)
NINE_PM = dt.time(21, 0)


# ----------------------------------------------------------------------------------------------- time helpers

def local_time(case: ContactCase, office_moment: dt.datetime, tz_name: str) -> dt.datetime:
    """The office wall-clock moment as a wall-clock time in the zone ``tz_name``."""
    aware = office_moment.replace(tzinfo=ZoneInfo(case.office_tz))
    return aware.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def first_place_day(case: ContactCase, office_moment: dt.datetime) -> dt.date:
    """The calendar day in the consumer's first place (how "seven consecutive days" are counted)."""
    return local_time(case, office_moment, case.places[0].tz).date()


def in_seven_days_ending(day: dt.date, last_day: dt.date) -> bool:
    """Is ``day`` one of the seven calendar days last_day-6 .. last_day?"""
    return last_day - dt.timedelta(days=6) <= day <= last_day


def place_tz(case: ContactCase, name: str) -> str:
    """The time zone of the place a window names (the first place when it names none)."""
    for p in case.places:
        if name and p.name == name:
            return p.tz
    return case.places[0].tz


def window_holds(w: Window, local: dt.datetime) -> bool:
    """Is the local wall-clock time inside the window? Windows include their start and exclude their end; a
    window whose start is after its end runs past midnight, and the part after midnight belongs to the day the
    window started on (so "Fri 22:00-02:00" covers Saturday 01:00)."""
    t = local.time()
    if w.start <= w.end:
        return w.start <= t < w.end and DAY_NAMES[local.weekday()] in w.days
    if t >= w.start:  # the evening part, on the day it started
        return DAY_NAMES[local.weekday()] in w.days
    if t < w.end:  # the part after midnight, which belongs to the day before
        return DAY_NAMES[(local - dt.timedelta(days=1)).weekday()] in w.days
    return False


def pref_in_force(p: Preference, q: Question) -> bool:
    """Preferences count only once said (``said`` None: before the log starts), and only for their medium."""
    said = p.said is None or p.said <= q.at
    medium = p.medium == "any" or p.medium == q.medium
    return said and medium


def pref_holds(case: ContactCase, p: Preference, q: Question) -> bool:
    """Is the question's moment inside the preference's window, in the window's place?"""
    return window_holds(p.window, local_time(case, q.at, place_tz(case, p.window.place)))


def logged(case: ContactCase, q: Question) -> list[Event]:
    """The log as it stands at the moment of the question."""
    return [e for e in case.events if e.at <= q.at]


# ----------------------------------------------------------------------------------------------------- rules

def outside_hours(case: ContactCase, q: Question) -> bool:
    """us_hours / uk_hours: "Before 8 a.m. and after 9 p.m. local time at the consumer's location is presumed
    inconvenient ... the time must be convenient in every known location. The consumer's own consent to another
    time lifts it." (8:00 to 21:00 inclusive; lifted by an ``asked`` preference, said by then, for any medium or
    the question's, whose window holds the moment in its place.)"""
    bad = False
    for place in case.places:
        t = local_time(case, q.at, place.tz).time()
        if not (EIGHT_AM <= t <= NINE_PM):
            bad = True
    if not bad:
        return False
    for p in case.preferences:
        if p.kind == "asked" and pref_in_force(p, q) and pref_holds(case, p, q):
            return False  # they asked for this time
    return True


def against_stated_times(case: ContactCase, q: Question) -> bool:
    """us_inconvenient / uk_preferences (times and places): "must not contact them at times or places they have
    said are unsuitable". ``avoid``: not inside its window; ``only``: not outside its window."""
    for p in case.preferences:
        if not pref_in_force(p, q):
            continue
        inside = pref_holds(case, p, q)
        if p.kind == "avoid" and inside:
            return True
        if p.kind == "only" and not inside:
            return True
    return False


def opted_out(case: ContactCase, q: Question) -> bool:
    """us_medium_opt_out / uk_preferences (channels): "When the consumer asks the collector not to use a medium
    ... the collector must not communicate that way again." An opt-out names a medium, and an address only when
    it is about that address alone."""
    for e in logged(case, q):
        if e.kind != "opt_out" or e.medium != q.medium:
            continue
        if e.address == "" or e.address == q.address:
            return True
    return False


def email_text_not_permitted(case: ContactCase, q: Question) -> bool:
    """us_email_text_permitted (sms and email only): "Email or text is allowed to an address or number the
    consumer used to communicate with the collector ..., or one the creditor used with notice and the chance to
    opt out; never to an email address the collector knows is provided by the consumer's employer unless the
    consumer used it to communicate with the collector or gave consent." """
    if q.medium not in ("sms", "email"):
        return False
    if not q.address:
        return True  # no address given
    address = None
    for a in case.addresses:
        if a.id == q.address:
            address = a
    if address is None:
        return True  # not on file
    if address.medium != q.medium:
        return True  # an email address is not a number for texts, or the other way round
    if address.source == "unknown":
        return True  # nobody knows where it came from
    if q.medium == "email" and address.work and address.source not in ("consumer_used", "consumer_consent"):
        return True  # a work email the consumer did not use or agree to
    return False


def consented_for_call_at(case: ContactCase, at: dt.datetime) -> bool:
    """Is a call at ``at`` placed with the consumer's direct consent given within the seven days before it
    (calendar days D-6..D of the call's day D, at or before the call)?"""
    day = first_place_day(case, at)
    for e in case.events:
        if e.kind == "consent" and e.at <= at and in_seven_days_ending(first_place_day(case, e.at), day):
            return True
    return False


def placed_calls_in_week(case: ContactCase, q: Question) -> list[Event]:
    """The calls placed (a call or a conversation: whatever the outcome) on days D-6..D before the question."""
    day = first_place_day(case, q.at)
    return [e for e in logged(case, q)
            if e.kind in ("call", "conversation") and in_seven_days_ending(first_place_day(case, e.at), day)]


def eighth_call(case: ContactCase, q: Question) -> bool:
    """us_seven_in_seven (calls): "Placing a call ... more than seven times within seven consecutive days is
    presumed harassment: an eighth call within any rolling seven-day window is a breach. Calls placed with the
    consumer's direct consent given within the past seven days do not count." """
    if q.medium != "call":
        return False
    if consented_for_call_at(case, q.at):
        return False  # this call itself does not count
    counted = [e for e in placed_calls_in_week(case, q) if not consented_for_call_at(case, e.at)]
    return len(counted) >= 7


def within_week_of_conversation(case: ContactCase, q: Question) -> bool:
    """us_after_conversation (calls): "After a telephone conversation with the consumer about the debt
    (including one the consumer started by calling in), no call may be placed within seven consecutive days,
    the day of the conversation being the first; the consumer's direct consent given within the past seven days
    lifts it." """
    if q.medium != "call":
        return False
    day = first_place_day(case, q.at)
    talked = [e for e in logged(case, q) if e.kind in ("conversation", "incoming")
              and in_seven_days_ending(first_place_day(case, e.at), day)]
    if not talked:
        return False
    return not consented_for_call_at(case, q.at)


def telephone_communications_in_week(case: ContactCase, q: Question) -> list[Event]:
    """The calls placed (a call or a conversation: whatever the outcome) and the texts sent on days D-6..D
    before the question (an email is not a telephone communication)."""
    day = first_place_day(case, q.at)
    texts = [e for e in logged(case, q)
             if e.kind == "text" and in_seven_days_ending(first_place_day(case, e.at), day)]
    return placed_calls_in_week(case, q) + texts


def third_communication_in_massachusetts(case: ContactCase, q: Question) -> bool:
    """ma_two_in_seven (state MA, calls and texts): "In Massachusetts, initiating more than two communications
    by telephone (in person, by text message or by recorded audio message) to the debtor's home, cell phone or
    other telephone number provided in each seven-day period, for each debt, is unfair. A call counts whether or
    not it is answered; a text counts like a call; an email does not. No exception for consent is applied." """
    if q.medium not in ("call", "sms"):
        return False
    return len(telephone_communications_in_week(case, q)) >= 2


def in_breathing_space(case: ContactCase, q: Question) -> bool:
    """uk_breathing_space: "While a Breathing Space is in force, a creditor must not contact the debtor to
    request repayment ... Contact for another reason ... is not a request for payment." (purpose collect, on the
    first place's calendar day; ``end`` is the last day in force, None: still in force)."""
    bs = case.breathing_space
    if bs is None or q.purpose != "collect":
        return False
    day = first_place_day(case, q.at)
    return bs.start <= day and (bs.end is None or day <= bs.end)


# ----------------------------------------------------------------------------------------------------- oracle

def oracle(case: ContactCase, question: Question) -> tuple[bool, set[str]]:
    """(allowed, the ids of the rules that forbid it)."""
    q = question
    rules: set[str] = set()
    if case.jurisdiction == "US":
        if outside_hours(case, q):
            rules.add("us_hours")
        if against_stated_times(case, q):
            rules.add("us_inconvenient")
        if opted_out(case, q):
            rules.add("us_medium_opt_out")
        if email_text_not_permitted(case, q):
            rules.add("us_email_text_permitted")
        if eighth_call(case, q):
            rules.add("us_seven_in_seven")
        if within_week_of_conversation(case, q):
            rules.add("us_after_conversation")
        if case.state == "MA" and third_communication_in_massachusetts(case, q):
            rules.add("ma_two_in_seven")
    else:  # UK
        if outside_hours(case, q):
            rules.add("uk_hours")
        if against_stated_times(case, q) or opted_out(case, q):
            rules.add("uk_preferences")
        if in_breathing_space(case, q):
            rules.add("uk_breathing_space")
    return (not rules, rules)
