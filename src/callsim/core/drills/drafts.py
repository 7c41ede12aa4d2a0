"""Checks on a written message (text, email, letter paragraph) or a typed voicemail.

Two kinds of evidence combine, as for a spoken reply:
- the written-channel rules (``channel_rules.yaml``) that are matters of form: an opt-out statement, the
  debt-collector statement, what a subject line or a voicemail may say, a limited-content message's parts, a
  pretext, plain language. These are rules over the words and the drill's facts (names, numbers);
- the scorer's understanding of the draft, sentence by sentence, for tone, empathy and everything false,
  threatening or unfair: each violation it is confident of is a breach of the jurisdiction's
  misleading-or-unfair rule, named as the scorer names it; one it is not sure of is shown as *possible*.

Each :class:`Finding` names its rule, the words it came from (with their place in the draft, so the draft can
be marked) and what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from callsim.core.drills.rules import DrillKind, Rule, rulebook
from callsim.core.models import Scenario
from callsim.core.scorer import ScoringContext, default_scorer

DraftChannel = Literal["sms", "email", "letter", "voicemail"]
Severity = Literal["breach", "advice", "possible"]

# Words that tell an onlooker a message is about a debt (a subject line, a lock-screen preview, a voicemail
# anyone can play). "account" is not among them for written previews; a limited-content voicemail may not
# mention it (12 CFR 1006.2(j) allows no statement of what the message is about).
_DEBT_WORDS = (r"debts?|owe[sd]?|owing|arrears?|overdue|past[- ]due|late (payment|fee)s?|miss(ed|ing) "
               r"(\w+ ){0,2}(payments?|instalments?|installments?)|(payments?|instalments?) (you'?ve|you have|were) "
               r"missed|behind (on|with)|catch(ing)? up on|hardship|payment plans?|repayment plans?|outstanding|"
               r"balance|collections?|collectors?|collecting|"
               r"recovery|default(ed)?|final (notice|demand|reminder)|payment (is )?(due|required|needed|reminder)|"
               r"amount (due|owed)|repay(ment)?s?|pay (it|this|the|your) (back|off)|(make|send) (a )?payments?|"
               r"legal|court|lawsuit|sue|judg(e)?ment|bailiffs?|enforcement|credit (report|file|score|rating)|"
               r"garnish\w*|delinquen\w+|charged? off|charge-off|write-off|written off")
_MONEY = r"[$£€]\s?\d[\d,]*(\.\d\d)?|\b\d[\d,]*(\.\d\d)?\s?(dollars|pounds|bucks|quid|usd|gbp)\b"
_REVEALING = re.compile(rf"\b({_DEBT_WORDS})\b|{_MONEY}", re.I)
_ACCOUNT = re.compile(r"\b(accounts?|acct|a/c|card|loan|statement|invoice|bill)\b", re.I)
_DAY = r"(today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|the end of)"
_URGENCY = re.compile(rf"\b(urgent(ly)?|immediately|asap|time[- ]sensitive|as soon as possible|right away|"
                      rf"deadline|(by|before) {_DAY}|within \d+ (hours|days)|important|pressing|serious|final|"
                      rf"(it'?s|it is) (vital|essential|crucial))\b", re.I)
# What a limited-content message may not do at all: say what it is about (12 CFR 1006.2(j) has no such part).
_ABOUT = re.compile(r"\b(calling|ringing|phoning|writing|following up|getting in touch|contacting you|it'?s|"
                    r"this is|message is|just) (about|regarding|re|in (relation|regard|connection) to|concerning)\b"
                    r"(?! (a |the )?(time|times|when))|\bregarding\b|\bin relation to\b|\bconcerning\b|"
                    r"\b(personal|business) matter\b", re.I)
# A UK voicemail that names what the firm lends on, or hints at what happens next, tells the listener too.
_LENDING = re.compile(r"\b(loans?|lending|lender|finance|credit( card)?|borrow\w*|agreement)\b", re.I)
_MONEY_TALK = re.compile(r"\b(payments?|paying|pay|money|accounts?|bills?|plan|instalments?|installments?|"
                         r"statement|letters? (we|I) sent)\b", re.I)
_CONSEQUENCE = re.compile(r"\b(further action|take (this|it|things|matters) further|(goes|go|gets|get|going) (any )?"
                          r"further|escalat\w*|next steps?|consequences?|before (it|this|things) gets? worse|"
                          r"or else|otherwise)\b", re.I)
_COLLECTION_NAME = re.compile(r"\b(collect\w*|recover\w*|debt\w*|credit control|arrears|repossess\w*)\b", re.I)

_OPT_METHOD = re.compile(
    r"\b(reply|text|send|respond|answer|message|write|email|e-mail)(\s+(us|back|with|to this( message| email)?|the "
    r"word|just))*\s+[\"'“‘]?(stop|unsubscribe|opt[ -]?out|end|quit|cancel|no more|stopall)\b[\"'”’]?"
    r"|\bunsubscribe\b|\bopt[ -]?out\b|\b(click|tap|use|follow|visit) (the |this )?(link|button)\b"
    r"|\bmanage (your )?(email |text |contact )?preferences\b", re.I)
_OPT_PURPOSE = re.compile(
    r"\b(stop|end|cancel|no longer|not|unsubscribe|opt(ed|ing)?[ -]?out|no more|don'?t want)\b"
    r"[^.!?\n]{0,60}\b(texts?|texting|sms|messages?|messaging|emails?|e-mails?|emailing|contact(ing)?|hearing|"
    r"receiv\w+|get(ting)?|these|this|them|it)\b|\b(unsubscribe|opt(ed|ing)?[ -]?out)\b|\bwe('ll| will) stop\b",
    re.I)
_OPT_MEDIUM = {"sms": re.compile(r"\b(e-?mails?|e-?mailing)\b", re.I),
               "email": re.compile(r"\b(texts?|texting|sms)\b", re.I)}
_OPT_OWN = {"sms": re.compile(r"\b(texts?|texting|sms|messages?)\b", re.I),
            "email": re.compile(r"\b(e-?mails?|e-?mailing|messages?)\b", re.I)}

_COLLECTOR_STATEMENT = re.compile(r"\b(debt[- ]collector|collect(ing)? (a|the|this) debt|attempt to collect)\b", re.I)
_NOT_COLLECTOR = re.compile(r"\b(not|n't|never)\b[^.!?\n]{0,25}\b(debt[- ]collector|collect(ing)? (a|the|this) debt)",
                            re.I)

_PRETEXT = re.compile(
    r"\b(parcel|package|delivery|courier|prize|you'?ve won|winner|reward|gift card|voucher|survey|questionnaire|"
    r"security (alert|issue|check|notice)|suspicious (activity|login|transaction)|fraud alert|verify your "
    r"(identity|account|details)|refund|rebate|compensation (claim|payment)|legal department|legal team|"
    r"litigation (department|team|unit)|solicitors?'? (office|department)|law (office|firm)|attorney'?s office|"
    r"process server|court (officer|clerk)|sheriff'?s office|hmrc|irs|government|federal agency|police|"
    r"an? (old|personal|family) friend|school|doctor'?s (office|surgery)|hospital|"
    r"(county|state|city|federal|government|public) (\w+ )?(office|department|agency|bureau|registry)|"
    r"office of (legal|debt|the)|law offices?|legal (recovery|services|division)|records (office|department)|"
    r"updating (our|your) (records|details|files?)|(confirm|check|verify|update) your (contact )?(details|"
    r"information|address)|you'?ve been (selected|chosen)|claim your)\b", re.I)
_PRETEXT_NEGATED = re.compile(r"\b(not|n't|never|no)\b[^.!?\n]{0,20}$", re.I)
# News or an offer promised and never named ("got some good news for u!! give us a bell") is bait: the message
# hides its real reason. Naming what it is about ("good news: your plan is set up") is not.
_BAIT = re.compile(r"\b(good|great|exciting|brilliant|fantastic|special|amazing) (news|offer|opportunity)\b|"
                   r"\bsome news (for|4) (you|u)\b|\bsomething (good|nice|great|exciting|special) (for|4) (you|u)\b",
                   re.I)
_NAMED_SUBJECT = re.compile(r"\b(account|balance|arrears|debt|payments?|plan|agreement|settle\w*|instal\w*|owe\w*|"
                            r"loan|card|bill|missed|overdue|outstanding|refund|rebate)\b", re.I)

_ASK_REPLY = re.compile(
    r"\b(call|ring|phone|contact|reach|text|get (back )?(in touch )?(to|with)|get back to|return (my|this|our)|"
    r"give (me|us) a (call|ring|bell)|speak|talk)\b", re.I)
_PHONE = re.compile(r"(\+?\d[\d\s().-]{6,}\d)")
_PHONE_DIGITS = 10  # a US number has 10 (11 with the 1), a UK one 10 or 11: fewer is a number cut short
_INTRO = re.compile(r"\b(?:this is|it'?s|my name is|i'?m|i am|name'?s)\s+([A-Z][a-z]+)", re.I)

_JARGON = ("arrears", "default notice", "pursuant", "remit", "remittance", "delinquent", "delinquency",
           "forthwith", "hereby", "herewith", "aforementioned", "heretofore", "notwithstanding", "in lieu",
           "charge-off", "charged off", "statute-barred", "statute of limitations", "indebtedness",
           "outstanding balance", "amortis", "amortiz", "accrued", "accrue", "liable", "liability",
           "cease and desist", "recourse", "the undersigned", "kindly be advised", "please be advised",
           "at your earliest convenience", "settlement in full", "in full and final")
# The scorer's violations that the channel rules decide for a draft: who may read or hear a message is a matter
# of previews and limited content (above), not of whether the person on a live call has been identified.
_CHANNEL_RULES_DECIDE = frozenset({"third_party_disclosure"})
_GRADE_LIMIT = 8.0
_GRADE_MIN_WORDS = 25


@dataclass(frozen=True)
class Facts:
    """The names and numbers a drill gives: who writes, for whom, as which business."""

    consumer: str = ""
    agent: str = ""  # the trainee's name as they would sign
    business: str = ""  # the true business name
    message_name: str = ""  # the neutral name for voicemails and subject lines (US: not indicating collection)
    creditor: str = ""  # the original creditor (naming it reveals the debt in a voicemail)
    phone: str = ""

    @classmethod
    def of(cls, data: Mapping[str, str] | None) -> Facts:
        return cls(**dict(data or {}))


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    evidence: str = ""  # the words it came from ("" when something is missing)
    start: int = -1  # where they are in the draft (subject and body joined by a newline); -1: nowhere
    end: int = -1
    detail: str = ""  # for a scorer violation: its id

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "evidence": self.evidence,
                "start": self.start, "end": self.end, "detail": self.detail}


@dataclass(frozen=True)
class DraftResult:
    channel: DraftChannel
    jurisdiction: str
    text: str  # what was checked: the subject line (email), a newline, and the body
    findings: tuple[Finding, ...]
    empathy: float
    deescalation: float
    grade: float | None  # the reading grade (Flesch-Kincaid), None for a draft too short to estimate
    rules: tuple[str, ...] = field(default=())  # the rules that applied

    @property
    def breaches(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "breach")

    @property
    def passed(self) -> bool:
        return not self.breaches

    def to_dict(self) -> dict[str, object]:
        return {"channel": self.channel, "jurisdiction": self.jurisdiction, "text": self.text, "passed": self.passed,
                "empathy": round(self.empathy, 1), "deescalation": round(self.deescalation, 1),
                "grade": None if self.grade is None else round(self.grade, 1), "rules": list(self.rules),
                "findings": [f.to_dict() for f in self.findings]}


def check_draft(text: str, *, channel: DraftChannel, jurisdiction: str, subject: str = "",
                facts: Facts | None = None, scenario: Scenario | None = None, debtor_wrote: str = "") -> DraftResult:
    """Check one draft against every rule of its channel and jurisdiction, and score it with the scorer."""
    facts = facts or Facts()
    country = jurisdiction.split("-")[0]
    kind: DrillKind = "voicemail" if channel == "voicemail" else "written"
    applicable = rulebook().applicable(kind, country, None if channel == "voicemail" else channel)
    ids = {r.id for r in applicable}
    full = f"{subject}\n{text}" if subject else text
    body_at = len(subject) + 1 if subject else 0
    found: list[Finding] = []
    rule = {r.id: r for r in applicable}

    if "us_opt_out" in ids and not _has_opt_out(text, channel):
        found.append(_missing(rule["us_opt_out"], "There is no clear way to stop these messages."))
    if "us_collector_disclosure" in ids:
        m = _COLLECTOR_STATEMENT.search(text)
        if m is None or _NOT_COLLECTOR.search(text):
            found.append(_missing(rule["us_collector_disclosure"], "The message never says it is from a debt "
                                                                   "collector."))
    for rid in ("preview_reveals_debt", "uk_preview_reveals_debt"):
        if rid not in ids:
            continue
        preview, at = (subject, 0) if channel == "email" else (_opening(text), body_at)
        if channel == "email" and not subject:
            continue
        found.extend(_revealing(rule[rid], preview, at, facts, "the subject line" if channel == "email"
                                else "the opening words"))
    for rid in ("misleading_reason", "us_misleading_reason"):
        if rid in ids:
            found.extend(_pretexts(rule[rid], full))
    if "us_misleading_reason" in ids:
        found.extend(_false_name(rule["us_misleading_reason"], full, facts))
    if channel == "voicemail":
        found.extend(_voicemail(rule, ids, text, facts, country))
    grade = reading_grade(full)
    for rid in ("plain_language", "us_plain_language"):
        if rid in ids:
            found.extend(_plain(rule[rid], full, grade))

    score = default_scorer().score(_for_scorer(full, channel), _context(scenario, debtor_wrote))
    unfair = "false_or_misleading" if country == "US" else "uk_unfair_or_misleading"
    if unfair in ids:
        sure = [(v, True) for v in score.violations] + [(v, False) for v in score.possible]
        for v, confident in sure:
            if v.id in _CHANNEL_RULES_DECIDE:
                continue
            ev = v.evidence[0] if v.evidence else None
            sev: Severity = ("breach" if v.severity in ("blocker", "major") else "advice") if confident \
                else "possible"
            message = f"{v.label}: {v.why}" if confident else \
                f"Possibly {v.label.lower()} ({v.confidence:.0%} sure): {v.why}"
            found.append(Finding(unfair, sev, message, ev.text if ev else "", ev.start if ev else -1,
                                 ev.end if ev else -1, v.id))
    return DraftResult(channel, jurisdiction, full, tuple(_dedupe(found)), score.empathy, score.deescalation,
                       grade, tuple(sorted(ids)))


# Sentences of a written message that are about reaching or leaving the writer, never a demand: how to opt out,
# and when the writer can be reached. The scorer reads spoken replies, where "until 6" or "reply stop" would be
# about calling the debtor; here they are the debtor's own controls, so they are not scored.
_AVAILABILITY = re.compile(
    r"\b(i'?m|i am|we'?re|we are|our (lines|office|team)( is| are)?|lines are) (here|in|around|available|open|"
    r"free|at my desk)\b[^.!?\n]{0,60}\b(until|till|from|between|after|before|\d|today|tomorrow|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|weekdays)|\b(any ?time|anytime) (between|from|after|before|that suits)|"
    r"\b(open|available) (from )?\d{1,2}([:.]\d\d)? ?(am|a\.m\.|pm|p\.m\.)?( to | till | until |-)\d", re.I)


# "calling at 10 a.m. on Friday": the date and time of a message, which a voicemail may give.
_TIMESTAMP = re.compile(r"\b(calling|called|ringing|it'?s|it is|the time is|left)\b[^.!?\n]{0,12}\b(at|on)\s+"
                        r"(\d{1,2}([:.]\d\d)?( ?(am|pm|a\.m|p\.m|o'?clock))?|(mon|tues|wednes|thurs|fri|satur|sun)day|"
                        r"this (morning|afternoon|evening))\b", re.I)


def _for_scorer(text: str, channel: str) -> str:
    """The draft as the scorer reads it, the same length so evidence keeps its place: a line break inside a
    paragraph is a space (a message wrapped by hand is not cut into fragments), and opt-out and availability
    sentences are blanked."""
    out = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    for start, end in _sentence_spans(out):
        sentence = out[start:end]
        if (_OPT_METHOD.search(sentence) and _OPT_PURPOSE.search(sentence)) or _AVAILABILITY.search(sentence) \
                or _TIMESTAMP.search(sentence):
            out = out[:start] + " " * (end - start) + out[end:]
    return out


_ABBREVIATION = re.compile(r"\b(a\.m|p\.m|mr|mrs|ms|dr|st|no|e\.g|i\.e|etc)\.", re.I)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence is; "7 p.m." or "Ms. Reyes" does not end one."""
    shielded = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", "\u2024"), text)
    return [m.span() for m in re.finditer(r"[^.!?\n]+[.!?]*", shielded)]


def _context(scenario: Scenario | None, debtor_wrote: str) -> ScoringContext:
    # A draft goes to the consumer's own number, inbox or voicemail box: who may read or hear it is for the
    # channel rules above (previews, limited content), so the scorer reads it as said to the consumer.
    flags = {"identity_verified": True}
    return ScoringContext(debtor_line=debtor_wrote, scenario=scenario, flags=flags)


def _missing(rule: Rule, message: str) -> Finding:
    return Finding(rule.id, rule.severity, f"{message} {rule.fix}")


def _has_opt_out(text: str, channel: str) -> bool:
    """A sentence that says how to opt out (reply STOP, a link) and what it does (stop texts, unsubscribe), alone
    or with the sentence before it ("Don't want texts from us? Reply STOP."); an opt-out that names only the
    other medium ("reply STOP to stop texts" in an email) does not count."""
    sentences = _sentences(text)
    for i, sentence in enumerate(sentences):
        if not _OPT_METHOD.search(sentence):
            continue
        near = f"{sentences[i - 1]} {sentence}" if i else sentence
        if not _OPT_PURPOSE.search(near):
            continue
        wrong, own = _OPT_MEDIUM.get(channel), _OPT_OWN.get(channel)
        if wrong is not None and own is not None and wrong.search(near) and not own.search(near):
            continue
        return True
    return False


def _opening(text: str) -> str:
    first = _sentences(text)
    return first[0] if first else ""


def _sentences(text: str) -> list[str]:
    """The sentences of ``text`` (a line break ends one too); "7 p.m." and "Ms. Reyes" end none."""
    return [line[a:b].strip() for line in text.split("\n") for a, b in _sentence_spans(line) if line[a:b].strip()]


def _revealing(rule: Rule, preview: str, at: int, facts: Facts, where: str) -> Iterable[Finding]:
    hit = _REVEALING.search(preview)
    if hit:
        yield Finding(rule.id, rule.severity, f'"{hit.group(0)}" in {where} tells anyone who sees it that this is '
                                              f"about a debt. {rule.fix}", hit.group(0), at + hit.start(),
                      at + hit.end())
        return
    if rule.country == "US" and facts.business:
        m = re.search(re.escape(facts.business), preview, re.I)
        if m and _COLLECTION_NAME.search(facts.business):
            yield Finding(rule.id, rule.severity, f"The name {facts.business} in {where} says debt collection. "
                                                  f"{rule.fix}", m.group(0), at + m.start(), at + m.end())


def _pretexts(rule: Rule, text: str) -> Iterable[Finding]:
    for m in _PRETEXT.finditer(text):
        if _PRETEXT_NEGATED.search(text[max(0, m.start() - 40):m.start()]):
            continue
        yield Finding(rule.id, rule.severity, f'"{m.group(0)}" gives a reason for getting in touch that is not the '
                                              f"real one. {rule.fix}", m.group(0), m.start(), m.end())
        return
    bait = _BAIT.search(text)
    if bait and not _NAMED_SUBJECT.search(text) \
            and not _PRETEXT_NEGATED.search(text[max(0, bait.start() - 40):bait.start()]):
        yield Finding(rule.id, rule.severity, f'"{bait.group(0)}" promises something the message never names, to '
                                              f"get a reply: it hides the real reason for getting in touch. "
                                              f"{rule.fix}", bait.group(0), bait.start(), bait.end())


def _false_name(rule: Rule, text: str, facts: Facts) -> Iterable[Finding]:
    """A collector writing or calling as the creditor ("Sam with Harbor Bank", a sign-off "Harbor Bank Customer
    Care"): a name other than its own (FDCPA 807(14)). Mentioning the creditor's account is not that."""
    if not facts.creditor or facts.creditor.lower() in facts.business.lower():
        return
    name = re.escape(facts.creditor)
    as_sender = re.compile(rf"\b(from|with|at|of|here at|calling from|on behalf of)\s+(the\s+)?{name}\b(?!\s+"
                           rf"(card|account|credit|loan|balance))|^\s*{name}\b[^\n]{{0,30}}$", re.I | re.M)
    m = as_sender.search(text)
    if m and not re.search(r"\bon behalf of\b", m.group(0), re.I):
        yield Finding(rule.id, rule.severity, f'"{m.group(0).strip()}" presents you as {facts.creditor}; you work for '
                                              f"{facts.business or 'the collector'}. {rule.fix}", m.group(0).strip(),
                      m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end())


def _voicemail(rule: Mapping[str, Rule], ids: set[str], text: str, facts: Facts, country: str) -> Iterable[Finding]:
    names = [n for n in (facts.message_name, facts.business) if n]
    said_name = next((m for n in names for m in [_name_in(n, text)] if m), None)
    company_words = {w.lower() for n in names for w in n.split()}
    has_person = any(m.group(1).lower() not in company_words for m in _INTRO.finditer(text)) or bool(
        facts.agent and re.search(rf"\b{re.escape(facts.agent.split()[0])}\b", text, re.I))
    has_phone = any(len(re.sub(r"\D", "", m.group(0))) >= _PHONE_DIGITS for m in _PHONE.finditer(text)) or bool(
        facts.phone and facts.phone in text)
    asks_reply = bool(_ASK_REPLY.search(text))
    if country == "US":
        missing = [what for what, ok in (("a business name", said_name is not None), ("a request to call back",
                   asks_reply), ("the name of a person to contact", has_person), ("a phone number", has_phone))
                   if not ok]
        if missing:
            yield _missing(rule["lcm_required"], "Missing " + _join(missing) + ".")
        if said_name is not None and _COLLECTION_NAME.search(said_name.group(0)):
            yield Finding("lcm_business_name", rule["lcm_business_name"].severity,
                          f'"{said_name.group(0)}" tells whoever plays the message that you collect debts. '
                          f"{rule['lcm_business_name'].fix}", said_name.group(0), said_name.start(), said_name.end())
        else:
            m = _COLLECTION_NAME.search(text)
            if m and not _PHONE.search(text[max(0, m.start() - 3):m.end() + 3]):
                yield Finding("lcm_business_name", rule["lcm_business_name"].severity,
                              f'"{m.group(0)}" tells whoever plays the message that you collect debts. '
                              f"{rule['lcm_business_name'].fix}", m.group(0), m.start(), m.end())
        yield from _beyond(rule["lcm_only"], text, facts, strict=True)
    else:
        yield from _beyond(rule["uk_voicemail_discreet"], text, facts, strict=False)
        missing = [what for what, ok in (("your name", has_person), ("the firm's name", said_name is not None),
                                         ("a number", has_phone), ("a request to call back", asks_reply)) if not ok]
        if missing and "uk_voicemail_contact" in ids:
            yield _missing(rule["uk_voicemail_contact"], "Missing " + _join(missing) + ".")


def _name_in(name: str, text: str) -> re.Match[str] | None:
    return re.search(re.escape(name), text, re.I) or re.search(rf"\b{re.escape(name.split()[0])}\b", text, re.I)


def _beyond(rule: Rule, text: str, facts: Facts, *, strict: bool) -> Iterable[Finding]:
    """What a voicemail says that a limited-content (US) or discreet (UK) message may not."""
    checks: list[tuple[re.Pattern[str], str]] = [(_REVEALING, "tells whoever plays it that this is about a debt")]
    if facts.creditor:
        checks.append((re.compile(rf"\b{re.escape(facts.creditor)}\b", re.I), "names the creditor"))
    if not strict:
        checks += [(_LENDING, "tells whoever plays it that they have borrowing with you"),
                   (_MONEY_TALK, "tells whoever plays it that this is about money they owe"),
                   (_CONSEQUENCE, "hints at consequences")]
    if strict:
        checks += [(_ACCOUNT, "says what the call is about (a limited-content message may not)"),
                   (_ABOUT, "says what the call is about (a limited-content message may not)"),
                   (_URGENCY, "adds urgency (a limited-content message may not)"),
                   (_CONSEQUENCE, "hints at consequences (a limited-content message may not)"),
                   (_COLLECTOR_STATEMENT, "is a debt-collector disclosure, which a limited-content message "
                                          "may not carry")]
    for pattern, what in checks:
        m = pattern.search(text)
        if m:
            yield Finding(rule.id, rule.severity, f'"{m.group(0)}" {what}. {rule.fix}', m.group(0), m.start(),
                          m.end())


def _plain(rule: Rule, text: str, grade: float | None) -> Iterable[Finding]:
    low = text.lower()
    for word in _JARGON:
        i = low.find(word)
        if i >= 0 and (i == 0 or not low[i - 1].isalpha()):
            j = i + len(word)
            while j < len(text) and text[j].isalpha():
                j += 1
            yield Finding(rule.id, rule.severity, f'"{text[i:j]}" is jargon many readers will not know. {rule.fix}',
                          text[i:j], i, j)
            break
    if grade is not None and grade > _GRADE_LIMIT:
        yield Finding(rule.id, rule.severity, f"It reads at about US grade {grade:.0f} (reading age "
                                              f"{grade + 5:.0f}); aim for grade {_GRADE_LIMIT:.0f} or below. "
                                              f"{rule.fix}")


def reading_grade(text: str) -> float | None:
    """The Flesch-Kincaid grade of ``text``; None when it has too few words to estimate."""
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    if len(words) < _GRADE_MIN_WORDS:
        return None
    sentences = max(1, len([s for s in re.split(r"[.!?]+(?:\s|$)|\n+", text) if re.search(r"[A-Za-z]", s)]))
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def _syllables(word: str) -> int:
    w = word.lower().strip("'")
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _dedupe(found: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in found:
        key = (f.rule, f.detail, f.evidence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
