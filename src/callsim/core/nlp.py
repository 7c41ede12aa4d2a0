"""Small, fast text analysis for the scorer: sentences, negation, hedging, quoted and reported speech,
questions (who they are about, open or closed, genuine or a suggestion in disguise) and advice.

Everything here is plain regular expressions over one reply (a few hundred characters), written from the
rubric and the research (EPITOME, ESConv, MITI), not fitted to any data set. Offsets always refer to the
normalised text (same length as the input), so evidence spans can be shown to the trainee as typed.
"""

from __future__ import annotations

import re
import re._parser as _sre_parse  # type: ignore[import-not-found,unused-ignore]
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- basics


@dataclass(frozen=True)
class Evidence:
    """A span of the reply that shows a behaviour."""

    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


_QUOTE_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                  "\u2014": "-", "\u00a0": " ", "\u2026": "."})


def normalise(text: str) -> str:
    """Straight quotes and dashes, same length as the input so offsets stay valid."""
    return text.translate(_QUOTE_TRANSLATE)


_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n+|(?<=[a-z])[.!?]+(?=[A-Z])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end), the end including the closing punctuation."""
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        if m.end() > start and text[start : m.end()].strip():
            out.append((start, m.end()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        out.append((start, len(text)))
    return out


def sentence_at(spans: list[tuple[int, int]], pos: int, text_len: int) -> tuple[int, int]:
    return next((s for s in spans if s[0] <= pos < s[1]), (0, text_len))


def inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


_WORD = re.compile(r"[a-z][a-z']{2,}")
STOP = frozenset(
    "i me my you your we our the a an and or but to of in on at for with is are was were be been it that this "
    "so just have has had do does did not no can could would will should what how why about from as if then "
    "there they them their he she his her its im i'm you're dont don't get got like know really very am "
    "one all any some more most much many also too even still now out up down off into over than these those "
    "who whom which when where while because though although yes yeah okay ok well oh hey hi hello thanks thank "
    "going want wanted need feel felt think thought make made way thing things lot people time times day days "
    "being doing done said say says tell told let lets let's sure maybe something anything everything nothing "
    "someone anyone everyone really pretty quite back again ever never always only own same other another".split()
)


def content_words(text: str) -> set[str]:
    """Lower-case content words (3+ letters, not stop words), crudely stemmed so 'worried'='worry'."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOP}


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w.rstrip("'")


# --------------------------------------------------------------------------- negation and hedging

NEGATORS = re.compile(
    r"\b(not|never|no|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|can'?t|cannot|couldn'?t|isn'?t|aren'?t|wasn'?t|"
    r"weren'?t|haven'?t|hasn'?t|hadn'?t|shouldn'?t|mustn'?t|nobody|nothing|neither|nor|hardly|barely)\b|n't\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?,]|\s-\s|\b(but|although|though|however|unless|if|and|so|because|when)\b", re.I)
_STOPS = re.compile(r"stops?|stopping|prevents?|preventing|blocks?|blocking", re.I)
# Negations that do not cancel what follows: "I can't imagine how hard", "not only", "no doubt".
_NOT_A_NEGATION = re.compile(
    r"\bnot only $|\bno doubt $|\bnever been (so )?$|"
    r"\bwhy (not|don'?t (you|we|they)) $|\bno (matter|wonder) $|"
    # "there's nothing stopping us repossessing the goods": nothing stands in the way of the action
    rf"\b(nothing|nobody|no ?one)('s| is)? ({_STOPS.pattern}|to stop|to prevent) (us|me|them|him|her)\b",
    re.I,
)

_CANT_END = re.compile(r"\b(can'?t|cannot|couldn'?t) (even )?(begin to )?$", re.I)
_CANT_IDIOM = re.compile(r"(even |begin to )*(imagine|begin|believe|fathom|thank|stress|emphasi[sz]e|express|say "
                         r"(how|enough)|tell you how|wait|help (but|feeling|thinking)|understand how|picture)\b", re.I)
_SUBJECT = re.compile(r"(i|we|you|they|he|she|i'll|we'll|you'll|they'll|he'll|she'll|it'll|i'd|we'd|"
                      r"they'd|we're|they're|you're|i'm|someone|somebody)", re.I)

# Verbs whose next pronoun is their object ("make you pay", "ask you to"), so it starts no new clause.
_OBJECT_VERB = re.compile(r"make|makes|made|making|let|lets|help|ask|asking|tell|telling|force|forcing|expect|"
                          r"expecting|want|need|get|getting|have|pressure|pressuring|push|pushing|chase|chasing|"
                          r"rush|rushing|hold|holding|require|requiring|call|calls|calling|"
                          # an action done to them: "we're not taking you to court", "nobody is reporting you to"
                          r"take|takes|taking|took|send|sending|sue|suing|report|reporting|drag|dragging|pursue|"
                          r"pursuing|bring|bringing|put|putting|"
                          # a verb of thinking carries its negation into what follows: "I don't think you're a
                          # deadbeat", "nobody here thinks you're lazy", "I'd never call you a liar"
                          r"think|thinks|thought|believe|believes|reckon|reckons|consider|considers|see|sees|"
                          r"find|finds|suppose", re.I)

# What can follow "you" when it is a subject: an auxiliary, a modal, or a verb a debtor does.
_YOU_ACTS = re.compile(r"will|would|can|could|must|should|shall|may|might|have|has|had|need|needs|owe|owes|are|"
                       r"were|do|does|did|don'?t|didn'?t|won'?t|can'?t|get|go|pay|want|'ll|'d|'re|'ve|still|"
                       r"just|really|ever|also", re.I)

HEDGES = re.compile(
    r"\b(maybe|perhaps|possibly|probably|might|may|could|kind of|sort of|a bit|a little|i think|i guess|"
    r"i suppose|i feel like|it seems|somewhat|just saying|potentially)\b",
    re.I,
)


_NEGATIVE_SUBJECT = re.compile(r"(nobody|nothing|no one|no-one|noone|none of|neither)s?\b", re.I)
_FILLER = re.compile(r"honestly|mate|look|listen|ok|okay|so|well|and|no|yeah|hey|seriously|really|sir|madam|"
                     r"love|pal|buddy|man|right|see|trust|me|promise|i", re.I)
# "Prison isn't on the table", "court action won't happen", "jail's not an option": the thing named opens
# its clause and the next words deny it.
_DENIED_AFTER = re.compile(
    r"[\w-]+(?: [\w-]+){0,2}?(?:'s not|'re not| (?:is|are|was|will|would) (?:not|never)|"
    r" (?:isn'?t|aren'?t|won'?t|wouldn'?t|wasn'?t))\b(?! (?:be )?(?:off the table|out of the question|ruled out))",
    re.I)
_CONDITIONS = frozenset({"if", "unless"})  # clause breaks that open a condition
# A subject and its verb, where a new clause starts inside a condition's run of words (no comma): "it goes",
# "the bailiffs will", "we won't", "nobody will".
_STARTS_CLAUSE = re.compile(
    r"\b(?:(?:it|this|that|there|they|we|i|you|he|she|nobody|no one|nothing|someone|(?:the|your|our) \w+|\w+s)"
    r"(?:'ll|'s|'re| will| won'?t| would| wouldn'?t| can| can'?t| cannot| could| couldn'?t| may| might| must| shall|"
    r" should| is| isn'?t| are| aren'?t| goes| gets| has| have| starts| comes)|its)\b",
    re.I)  # "its going": "it's" typed without the apostrophe
_SUBORDINATORS = frozenset({"because", "so"})  # clause breaks that open a reason ("because it's old, nobody...")
# A negated modal and a passive or progressive, then at most four words to the end of the clause: "can't be
# enforced through the", "won't be taken to", "won't be taking you to", "cannot legally be passed on to".
_DENIED_PASSIVE = re.compile(r"\b(can'?t|cannot|won'?t|will not|couldn'?t|could not|wouldn'?t|would not)"
                             r"( legally| ever| now| still)? be (\w+ed|\w+en|\w+ing|sold|sent)"
                             r"(?P<rest>( [\w']+){0,4})$",
                             re.I)
_OPENER = re.compile(r"(and |but |so |no,? |honestly,? |look,? )?(the |a |an |any )?$", re.I)


_TOO_OLD_TO = re.compile(r"\btoo (old|late|long ago|far back|out of date) (for (\w+ ){1,2})?to( be| ever be| go( to)?|"
                         r" end up (in|at)| get( taken)?( to)?| be taken to)?\s*$", re.I)


def negated(text: str, start: int) -> bool:
    """Is there a negator in the same clause, within four words before ``start``?"""
    before = text[max(0, start - 60) : start]
    cut = 0
    opened_by = ""
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
        opened_by = m.group(0).lower()
    window = before[cut:]
    if opened_by in _CONDITIONS:
        # "if this isn't settled the police will be knocking", "if nothing's paid this week it goes to court": the
        # condition's negation stays in the condition. The consequence starts at the last subject with its verb
        # ("it goes", "we won't"), or at the words themselves when they open one ("the police will"; then only
        # their own denial counts: "if you can't pay bailiffs won't be sent").
        if _STARTS_CLAUSE.match(text, start):
            return bool(_DENIED_AFTER.match(text, start))
        starts = list(_STARTS_CLAUSE.finditer(window))
        if starts and starts[-1].start() > 0:
            window, opened_by = window[starts[-1].start() :], ""
    clause = re.findall(r"[\w']+", window)
    words = clause[-4:]
    # "don't put it on a card or sell your car", "I'd never want you to take a loan or sell the van": a
    # negation reaches every verb joined to its own by "or", however far back it stands in the clause.
    # "please don't pay anything or give me any card details": the verb after "or" may have its own words.
    if len(clause) > 4 and any(w.lower() in ("or", "nor") for w in clause[-4:]):
        words = clause[-12:]
    if _OPENER.fullmatch(window.lstrip()) and _DENIED_AFTER.match(text, start):
        return True
    if not words:
        return False
    # "Nobody is going to send bailiffs round": a negative subject opens the clause and no other subject
    # follows it, however many words lie between.
    while len(clause) > 2 and _FILLER.fullmatch(clause[0]) and not _NEGATIVE_SUBJECT.match(" ".join(clause[:2])):
        clause = clause[1:]  # "honestly mate nobody's going to jail": talk before the subject
    if len(clause) <= 10 and _NEGATIVE_SUBJECT.match(" ".join(clause[:2])) \
            and not any(_STOPS.fullmatch(x) for x in clause[1:4]):  # "nothing stops us taking you to court"
        after = re.findall(r"[\w']+", text[start : start + 30])[:1]
        nxt = [*clause[1:], *after]
        # "Nobody is taking you to court": "you" after a verb is its object, unless a verb of its own follows
        # ("nobody said you have to pay": a new clause whose action is not denied).
        if not any(_SUBJECT.fullmatch(x) and not _OBJECT_VERB.fullmatch(clause[j - 1])
                   and not (x.lower() == "you" and j < len(nxt) and not _YOU_ACTS.fullmatch(nxt[j]))
                   for j, x in enumerate(clause[1:], 1)):
            return True
    # "Because it's statute-barred nobody can take it to court": a reason before the negative subject.
    if opened_by in _SUBORDINATORS:
        k = next((i for i in range(len(clause) - 1, 0, -1) if _NEGATIVE_SUBJECT.fullmatch(clause[i])), None)
        if k is not None and len(clause) - k <= 8 and not any(_STOPS.fullmatch(x) for x in clause[k + 1:k + 4]) \
                and not any(_SUBJECT.fullmatch(x) and not _OBJECT_VERB.fullmatch(clause[j - 1])
                            for j, x in enumerate(clause[k + 1:], k + 1)):
            return True
    # "it's too old to be sued on", "too old for us to take you to court": too old for the action is no action.
    if _TOO_OLD_TO.search(window):
        return True
    # "It can't be enforced through the courts": a denied passive reaches the end of its phrase.
    passive = _DENIED_PASSIVE.search(" ".join(clause))
    if passive and not any(_SUBJECT.fullmatch(x) for x in passive.group("rest").split()[1:]):
        return True  # the word after the verb is its object ("won't be taking you to"), not a new subject
    tail = " ".join(words) + " "
    if _NOT_A_NEGATION.search(tail):
        return False
    # "I can't imagine how hard that is" is no negation; "we can't sue you" is one.
    if _CANT_END.search(tail) and _CANT_IDIOM.match(text, start):
        return False
    for i, w in enumerate(words):
        if NEGATORS.fullmatch(w) or w.lower().endswith("n't"):
            # "if you don't pay we'll take ...": a new subject after the negator starts another clause;
            # "nobody can make you pay": a pronoun after "make", "let", "ask" is its object, not a subject.
            if not any(_SUBJECT.fullmatch(x) and not _OBJECT_VERB.fullmatch(words[j - 1])
                       for j, x in enumerate(words[i + 1 :], i + 1)):
                return True
    return False


def hedged(text: str) -> bool:
    return bool(HEDGES.search(text))


# --------------------------------------------------------------------------- quoted and reported speech

_QUOTED = re.compile(r'"[^"]{1,400}"|(?<![\w])\'[^\']{6,200}\'(?![\w])')
# Sentences that report or debunk what others say: not the speaker's own claim.
REPORTED = re.compile(
    r"\b(some (people|collectors|companies|firms|agencies|lenders)|other (collectors|companies|firms|agencies)|"
    r"people (often |sometimes )?(say|think|worry|tell you|assume|believe|fear)|"
    r"(you might|you may|you'?ve|you have|you'?d) (have )?(heard|been told|read|think|thought)|"
    r"(a |the )?(myth|rumou?r)|(is|'s|are) (a )?(myth|not true|untrue|false|wrong)|isn'?t true|aren'?t true|"
    r"(nobody|no one|we|i)( (from|at|in) (this|our|the) (company|firm|team|office|business))?"
    r"(('ll| will|'re| are)( ever)?| (is|are)) (going to |gonna )?(never )?(threaten|say|tell you)|"
    r"(who|whoever) (told|said to) you|"
    # ("whatever your friend says, it's owed" sets what they said aside: the speaker's own claim follows)
    r"(?<!whatever )(?<!matter what )(he|she|they|someone|somebody|your \w+) (said|says|told you|tells you|claimed|"
    r"threatened)|"
    r"(used to|would) (say|tell)|there'?s no such thing|"
    r"you (mentioned|said) (being told|you were told|they|someone|somebody|that they)|you were told|"

    r"(didn'?t|did not|doesn'?t|does not) come from us|(sounds|looks) like a scam|(is|was|it'?s) a scam)\b",
    re.I,
)


# Naming what someone fears ("You might be worried we'll send the bailiffs"), or what they said might happen,
# is not threatening it; it is still the speaker's own words, so it is masked for penalties only (not for
# empathy: "I can hear how worried you are about him" is a reflection).
FEARED = re.compile(
    r"\b((you might|you may|you'?ve|you have|you'?d) (have )?(worr(y|ied)|fear(ed)?)|"
    r"(worr(y|ied|ying)|afraid|scared|frightened|fear(ful)?) (that|about|of) |"
    r"(the )?(idea|thought|prospect|fear) of |(worrying|scaring|frightening) you\b|"
    # what the debtor said might happen ("You mentioned the house might be sold"): theirs, not a threat, but
    # often a reflection too, so masked for penalties only
    r"you (mentioned|said|told me|were saying|'ve said|have said) (that )?(the|your|a|an|it|he|she|they)\b"
    r"[^.?!]{0,50}\b(might|may|could|would|was going to|were going to|will)\b)",
    re.I,
)


def masked_spans(text: str, spans: list[tuple[int, int]] | None = None, *, feared: bool = True
                 ) -> list[tuple[int, int]]:
    """Quoted speech and sentences that report or debunk what others say: not the speaker's own claim.
    With ``feared`` (the default, for penalties) also sentences that name what someone is afraid of."""
    out = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for s in spans if spans is not None else sentences(text):
        sent = text[s[0] : s[1]]
        if REPORTED.search(sent) or (feared and _fears(sent)):
            out.append(s)
    return out


# "Don't worry about the card, it won't show on your credit report": telling them not to worry is the speaker's
# own reassurance, and what follows is their own claim, not the debtor's fear.
_DONT_WORRY = re.compile(r"\b(don'?t|dont|do not|no need to|never|needn'?t|nothing to)( (even|you|ever))? $", re.I)


def _fears(sent: str) -> bool:
    return any(not _DONT_WORRY.search(sent[max(0, m.start() - 20) : m.start()]) for m in FEARED.finditer(sent))


# --------------------------------------------------------------------------- questions

# Second person ("you", "your", chat "u", "ur", "ya").
YOU = re.compile(r"\b(you|your|yours|yourself|you'?re|you'?ve|you'?d|you'?ll|u|ur|ya)\b", re.I)
_WH = re.compile(r"^\W*(?:(?:and|but|so|well|ok|okay|oh|hi|hello|hey|also|then|now|out of curiosity|just curious)\W+)*"
                 r"(what|what'?s|how|how'?s|why|where|when|who|which|whose)\b", re.I)
_AUX_FIRST = re.compile(
    r"^\W*(?:(?:and|but|so|well|ok|okay|oh|hi|hello|hey|also|then|now|just)\W+)*"
    r"(do|does|did|are|is|was|were|have|has|had|can|could|would|will|should|may|might|shall|am|ain'?t|"
    r"don'?t|doesn'?t|didn'?t|aren'?t|isn'?t|haven'?t|won'?t|wouldn'?t|can'?t)\b",
    re.I,
)
# A question that is really a suggestion ("Have you tried ...?", "Why don't you ...?").
SUGGESTION_Q = re.compile(
    r"\b(have you (ever )?(tried|thought (about|of)|considered|looked (in)?to|reached out|consider)|"
    r"(did|do) you (ever )?(try|consider)(?! that| whether| if)|why (don'?t|not) you|why not\b|how about|"
    r"what about (trying|talking|"
    r"going|getting|asking|seeing|looking|making|writing|speaking|calling|doing|joining|taking|finding|a |an |"
    r"some )|would you (consider|be (open|willing) to)|(could|can|would) you (try|maybe|perhaps|possibly)|"
    r"(would|could|might) it (help|be (worth|good|helpful|an idea|useful))|"
    r"(?<!why )(?<!what )(?<!how )(do|don'?t) you think (it|that|you|a)\b(?! (might|may|could|would) be (because|"
    r"why|the reason|partly|part))[^?]{0,40}\b(help|would|could|should|might|worth|good idea)|"
    r"what about (something|somewhere|someone|anything|getting|doing) (like|else)|"
    r"(have|did) you (consulted|contacted|spoken to|talked to|seen|asked) (a|an|your|the) (doctor|gp|therapist|"
    r"counsell?or|professional|job cent(er|re)|advis[eo]r|coach|lawyer|solicitor)|"
    r"is (this|that) something (you'?d|you would|you might|you think) (be interested|consider|like|want|try|your)|"
    r"^\W*(?:(?:so|and|but|then|maybe|perhaps)\W+)*could you (?!(please )?(tell|share|describe|explain|say|remember|"
    r"recall|think of|talk (to me )?about|help me understand|give me|clarify|expand|elaborate|be|have|confirm|verify|"
    r"afford|pay|manage|send|give|spell|read|hold|pop|sign|fill|email|post|scan|upload|forward|return|repeat|keep|"
    r"do me|call (me|us)|ring (me|us)|let (me|us) know|hang on|bear with|speak up|check)\b)\w+|"
    r"would it be (possible|an option|ok|okay) (for you )?to|are you aware (that|of)|"
    r"is there (a|any) way (that )?(you|he|she|they|we) (could|can|might)|i wonder if (you|it) (could|can|might|would)|"
    r"what do you think (about|of) (\w+ing|a |an |some |getting|going)|"
    r"^\W*(?:(?:or|and|so)\W+)*(maybe|perhaps) (?!(you'?re|you are|it'?s|it is|that'?s|i'?m|he|she|they)\b)\w+|"
    r"have you (ever )?(practi[cs]ed|had a (talk|conversation|chat|word) with|gotten help|got help|sought|joined|"
    r"looked (into|for)|reached out|contacted)\b|"
    r"(do|don'?t) you think (you|they|he|she|it|that|this|doing|making|talking|getting|going)\b[^?]{0,60}\b(could|can|"
    r"might|would) (help|make|work|be (good|worth|a good|helpful|better))|"
    r"(do|would) you (want|like) to (try|give|get|go|start|join|look|call|contact|reach|see|use|think about)|"
    r"is it (possible|worth) (to|for you to)|wouldn'?t it be|maybe you|perhaps you)",
    re.I,
)
# Tag and rhetorical questions, and checks of the speaker's own meaning: not exploring the other person.
RHETORICAL_Q = re.compile(
    r"(,\s*(right|ok|okay|yeah|eh|no|isn'?t it|aren'?t they|don'?t you|you know|huh)\s*\?+$|"
    r"^\W*(right|you know|who cares|why not|who knows|so what|what'?s the point|isn'?t it|know what|"
    r"guess what|see|why bother|how dare)\W*\?|^\W*(who|what) (would|could) (ever|possibly)\b|"
    r"^\W*but how\b|\bthe (heck|hell|fuck)\b|\bwhy would (anyone|anybody|somebody)\b|"
    r"\bwhat('?s| is) (even )?the (point|use)\b|\b(aren'?t|wouldn'?t) you (be )?(glad|happy)\b|"
    r"\b(are|r) (you|u) (kidding|serious|joking)\b|^\W*imagine\b|\b(how|what|why|where) (do|did|should|can|"
    r"could|would) i\b|\bwho (would|could|wants|cares)\b|"
    r"\bwho (doesn'?t|isn'?t|hasn'?t|wouldn'?t)\b|\bwhat (else )?(can|could) (you|one|anyone) (do|expect)\b|"
    r"\bisn'?t (it|that) (great|nice|funny|crazy|ironic)\b|\b(am i|is it just me)\b)",
    re.I,
)
# Offers of company or help phrased as questions ("Do you want to talk about it?"): warmth, not exploration.
OFFER_Q = re.compile(
    r"\b(do|would|if) (you|u) (want|like|wanna|need)( me)? (to (talk|chat|vent|message|pm|dm)|someone to (talk|"
    r"listen)|a hug|me to (listen|talk|help|be))\b|\b(can|could|may) i (help|do anything)\b|\bwant to talk\b|"
    r"\bwanna talk\b",
    re.I,
)
# Checking the facts back ("So you lost your job in May?"), handled as paraphrase, not exploration.
_LEAD = r"^\W*(?:(?:oh|ah|ok|okay|right|yes|yeah|hmm|i see|alright)\W+)*"
CHECK_Q = re.compile(
    r"(^\W*(is|does|would|will|did) (that|this|it) (sound )?(ok|okay|alright|all right|fine|work|suit|sound|"
    r"make sense|help)\b(?! (for|with) (you|your) (to|when|at))|"
    r"\b(is|was) (that|this) (right|correct|true|accurate|fair|a fair|an accurate|about right|how you (feel|see it)|"
    r"what you (mean|meant|feel|are feeling|'re feeling))\b|\b(have|do|did) i (got|have|get|understand) (that|this|"
    r"it|you)"
    r" right\b|\bam i (right|correct|understanding)\b|\bcorrect me if\b|"
    r"\bdoes (that|this) (sound|seem) (right|accurate|fair|about right|like (a )?(fair|reasonable|accurate))\b|"
    rf"{_LEAD}so,? (you|your|it sounds|you'?re|you'?ve|the|it|things|that|he|she|they|there|this|it'?s|that'?s|"
    r"he'?s|she'?s|they'?re|what i'?m hearing)\b(?! (do|did|have|are|were|would|will|can|could) you\b)|"
    rf"{_LEAD}(it|that) (sounds|seems) (like|as if|as though|that)\b|"
    r"\b(just so i understand|if i understand( you)?( correctly| right)?|(i'?m )?hearing you say|i hear you saying|"
    r"what i'?m hearing)\b|"
    # a statement said as a question: "I imagine you must be feeling pretty bad?", "You're worried he'll leave?"
    rf"{_LEAD}(i (imagine|guess|bet|suppose|take it) )?(you'?re|you are|you must|you seem|you sound|you feel|"
    rf"you'?ve been)"
    r"\b(?![^?]*\b(or not|or what)\b))",
    re.I,
)
# Procedural questions on a collections call: identity, payment and process, not the person's experience.
PROCEDURAL_Q = re.compile(
    r"\b(postcode|zip|date of birth|dob|first line of|account (number|ref)|security|confirm|verify|"
    r"(am i|are we|i'?m) (speaking|talking) (to|with)|card|direct debit|sort code|bank details|"
    r"how much (can|could|would|will|do|did|are|is)( you)? (pay|afford|manage|put|spare|offer|give|owe|earn|"
    r"left|coming in|bring)|what amount|pay(ment)?s?|afford|owe|balance|arrears|instal?ments?|(payment|repayment) plan|"
    r"which (one )?(would )?(suits?|works?)|which would|(is|would) (it|that)( be)? (ok|okay|alright|all right|"
    r"fine) (if|with you if|for me to) (i|we)|do you mind if (i|we)|now (a |an )?(good|ok|okay|convenient|bad|"
    r"better|right) time|a (good|better|convenient) time|call (you )?back|"
    r"does (that|this) make sense|any questions|can you (hear|see) me|still there|"
    r"(mind|ok|okay|alright|all right|fine|happy|comfortable)( with you)? (if|for) (i|we|me to|us to)|"
    r"(about|with|on) (the|this|your) (account|debt|arrears)|"
    r"(the )?(right|correct|best) (number|person|address|email)|account ?holder|on (file|record)|"
    r"(your|ur) (address|email)|"
    # asking for someone: "is theo there please?", "could I speak to Mr Brandvold?"
    r"(is|are) (?!(things|everything|you|u|it|life|everyone|all|ok|okay|work|money)\b)(mr |mrs |ms |miss )?\w+"
    r"( \w+)? (there|available|around|home|in)( at the moment| right now| please)?(?=\s*\?)|"
    r"(is|would) (it|now|this)( be)? (ok|okay|alright|all right|fine|a good time|convenient) (to|for) (talk|chat|"
    r"speak|go through|ask|have a (quick )?(chat|word))|"
    r"(can|could|may) i (speak|talk) (to|with)|"
    r"(number|time|times|way|address|email) (\w+ ){0,3}to (reach|contact|get hold of|call|ring) (him|her|them|you|u)\b|"
    # "Are you the executor of his estate?", "has the court appointed someone?": who may act for the estate or
    # for them, an authority check like identity, not a question about how they are
    r"executor|personal representative|administrator of|letters (testamentary|of administration)|"
    r"power of attorney|court (appointed|appoint)|appointed (by|someone|anyone)|"
    # "what can you put towards it this month?": about money, not about the person
    r"what (can|could|would|will|are|were) you( be)?( able to)? (pay|put|afford|manage|spare|offer|give|send|"
    r"paying|putting|sending|offering|giving)|"
    r"towards (it|this|that|the (debt|balance|account|arrears|bill|loan|card)))\b|"
    r"^\W*(sorry|pardon|come again|what was that|say (that )?again|you what|eh)(?=\W*$)",
    re.I,
)
# Requests phrased as questions ("Could you give me your date of birth?", "Can you do £50 on Friday?",
# "Could you do me a favour and keep the letter?"): asking them to do something, not about them.
REQUEST_Q = re.compile(
    r"^\W*(?:(?:and|but|so|ok|okay|then|now|just|also)\W+)*(could|can|would|will) (you|u) (please |just |maybe "
    r"|also )*(give|send|make|do|keep|put|hold|pop|read|spell|check|call|ring|phone|let|hang|bear|wait|note|"
    r"write|email|post|sign|fill|get|bring|pass|take|leave|set|pay|manage|afford|spare|stretch|go (up|down)|"
    r"increase|raise|bump|move|change|switch|repeat|say that|speak up|hold on|stay on|look out|forward|scan|"
    r"return|upload|ask (him|her|them)|have (him|her|them)|put (him|her|them))\b"
    r"(?![^?]*\b(about|going on|happened|feel\w*|felt|cop(e|ing)|been like|more|details?|examples?|idea of|"
    r"sense of)\b)",
    re.I,
)
# "Is this Daniel Avery?", "Am I speaking to Mrs Pryce?": checking who is on the line (names are capitalised).
_NAME_CHECK = re.compile(
    r"^\W*(?:(?:[Hh]i|[Hh]iya|[Hh]ello|[Hh]ey|[Ss]orry|[Gg]ood|[Mm]orning|[Aa]fternoon|[Ee]vening)\W+)*"
    r"([Ii]s (this|that|it)|[Aa]re you|[Aa]m I (speaking|talking) "
    r"(to|with)) (Mr |Mrs |Ms |Miss |Dr )?(?!Ok\b|OK\b|Okay\b|Alright\b|All\b)[A-Z][a-z]+( [A-Z][a-z'-]+)*\W*\?"
)
# Money in a question ("..., what date can you clear them?"): about paying, not about them.
_MONEY_WORDS = re.compile(r"\b(pay\w*|paid|arrears|balance|debt|owe\w*|owing|clear|settle\w*|card|account|money|"
                          r"amount|instal\w*|plan|afford\w*|spare|manage)\b", re.I)
# The same typed in lower case ("hi is this daniel avery?"): one to three words, none an everyday one ("is this
# ok?", "is that right?", "is this a bad time?", "is that bothering you?" ask something else).
_TYPED_NAME_CHECK = re.compile(r"^\W*(?:(?:hi|hiya|hello|hey|sorry|morning|afternoon|evening|good)\W+)*"
                               r"(?:is (?:this|that|it)|am i (?:speaking|talking) (?:to|with)) "
                               r"([a-z][a-z' -]*?)\W*\?\W*$")
_NOT_NAMES = frozenset(
    "ok okay alright right true fair correct good bad fine a an the it you your my our this that about for what how "
    "really still so too all something anything everything someone anyone sure clear possible working helpful enough "
    "better worse wrong done over normal new free urgent serious important real yours mine him her them me there "
    "here not now going also just ever even again at in on to with of by time".split())


def _typed_name_check(body: str) -> bool:
    m = _TYPED_NAME_CHECK.match(body)
    words = m.group(1).split() if m else []
    return 0 < len(words) <= 3 and not any(w in _NOT_NAMES or w.endswith(("ing", "ed", "ly")) for w in words)


# A sum of money in a question makes it about the money ("how would $75 a month sit with you?"), unless it asks
# how they feel or manage ("How are you managing on £80 a week?").
_SUM_OF_MONEY = re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s*(pounds?|quid|dollars?|bucks)\b", re.I)
# Questions about feelings and experience (EPITOME's strong explorations).
_FEELING = re.compile(
    r"\b(feel\w*|felt|cop(e|ing)|manag(e|ing)|going on|handl\w*|holding up|doing|deal(ing)?|"
    r"worr\w*|scar\w*|stress\w*|anx\w*|sad|upset|angry|hurt\w*|mean|made you|makes? you|think|thought|"
    r"why|like for you|been (like|ok|okay)|sleep\w*|mind|hardest|toughest|affect\w*|impact\w*|changed|thoughts|"
    r"safe|suicid\w*|(end|ending) (your|it all)|(harm\w*|kill\w*) (yourself|urself))\b",
    re.I,
)
_GENERIC_Q = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hi there|hello there|ok|okay|good|great|thanks)\W+)*"
    r"(how are you( doing)?( today)?|how'?s it going|what'?s up|you ok|are you ok(ay)?)\W*$",
    re.I,
)
# Requests to tell more, typed without a question mark ("Tell me a bit about what happened.").
TELL_ME = re.compile(
    r"\b((can|could|would) you (please )?(tell|share|say|explain|describe)|(please )?tell me (a bit |a little |"
    r"some |more )*(about|what|how|why|more)|i'?d (like|love) to (hear|know|understand) (more|about|what|how|why)|"
    r"i (was|am) (just )?wondering (if|what|how|why|whether)|may i ask|can i ask|i'?m curious (about|what|how)|"
    # "i just wanted to check in and see how things are going?"
    # about them, not the money ("I just want to see what's manageable" is no question about them)
    r"i (just )?(wanted|want|was hoping) to (check in (and|to) )?(see|know|ask|hear|find out|check) (how (you|things|"
    r"everything|it'?s|life|you'?re|you'?ve|are|have)|what'?s (been )?(going on|happening|happened|changed)|why))\b",
    re.I,
)


# Questions aimed at when money will come: collection planning, not the person's experience.
_MONEY_TIMING_Q = re.compile(
    r"\b(when|how soon) (do you expect|will you|are you (going|likely|expecting)|can you|could you|might you)"
    r"( to)?( be)? (back (at|to|in) work|working( again)?|paid|get paid|have (the |some )?money|start (work|"
    r"paying|a job)|be able to pay|pay)\b",
    re.I,
)
# Typed chat often drops the '?': an inverted auxiliary and subject ("is she mean to everyone", "has he had
# problems before"), or a wh-word then an auxiliary ("how many teachers are at your school", "what type of work
# do you do"), is a question all the same.
_UNMARKED_Q = re.compile(
    r"^(?!.*\b(is|was) (that|because|to)\b)\W*(?:(?:hi|hello|hey|so|and|but|well|ok|okay|wow|oh)\W+)*("
    r"how (many|much|long|often|old)( [\w']+){0,3}? (are|were|do|did|does|have|has|had|is|was|can|will)\b|"
    r"(how|what|why|when|where) (are|were|do|did|have|has|is|was) (you|u|your)|"
    r"(do|did|are|were|have|can|could|would|will) (you|u)\b|how'?s (it|everything|things|your)|how (is|are) (it|"
    r"everything|"
    r"things|you|u|your)|how r u|"
    r"(is|was|has|does|did|are|were|have|had) (he|she|they|it|there|your|his|her|their|the|this|that)\b(?! (is|was|"
    r"are)\b)|"
    r"how (bad|hard|serious|long|far|big|often|well) (is|are|was|were|has|have|did|does)\b|"
    r"(how (many|much|long|often|old)|what (kind|type|sort)s?( of)?|which|what|when|where|who|why)( [\w']+){0,3}? "
    r"(are|were|do|"
    r"did|does|have|has|had|is|was|can|could|would|will|should) (you|u|your|he|she|they|it|there|his|her|their|the|"
    r"this|"
    r"that|these|those|things|everything|i)\b|"
    r"what (is|was|'s) (the|your|causing|making|bothering|on|happening|wrong|up|going on)\b)",
    re.I,
)
# "How can I help you?", "What can I do for you?", "Is there anything you'd like to talk about?": open
# invitations to say what is on their mind (a generic exploration, not a question about the speaker).
INVITE_Q = re.compile(
    r"\b(how (can|may|might|could|else can) (i|we) (help|be of (any )?(service|help|assistance|support)|assist|"
    r"support)|"
    r"^\W*(?:(?:hi|hello|hey|ok|okay|thanks|so)\W+)*(can|may|could) (i|we) (help|assist|support)( you)?( with "
    r"(anything|"
    r"something))?( else)?( (today|tonight|at all|in any way))?(?=\W*$)|"
    r"what (can|could|may) (i|we) (help you with|do (to help|for you))|"
    r"(is there|anything) (anything )?(else )?(that )?(you('?d| would)?|i can) (want|like|wish|need|help)( (me )?to)?"
    r"( (talk|chat|share|tell|say|know|get off|discuss|help))?|"
    r"what (would|do) you (like|want) to (talk|chat) about|what('?s| is) (on your mind|been on your mind|troubling you|"
    r"bothering you)|"
    r"(do|would) (you|u) (want|like|wanna|care) to (talk|chat|go|say (a bit )?more|tell me)( \w+)? "
    r"(about|into|through) (it|this|that|what|anything|things|how))\b",
    re.I,
)
# Where the question itself starts in a longer sentence ("..., so before we talk about the balance, can you
# tell me what happened?"): the last interrogative after a clause boundary.
_Q_START = re.compile(
    r"(?:^|[,;:(]\s*|\s-\s|\b(?:so|and|but|then|now|first|also)\s+)"
    r"((?:what|what'?s|how|how'?s|why|where|when|who|which|do|does|did|are|is|was|were|have|has|can|could|would|"
    r"will|may|might|should|tell me|please tell)\b)",
    re.I,
)
_SELF_Q = re.compile(r"^\W*((what|how|why|where|when|who|which) (do|did|should|can|could|would|am|have) (i|we)|"
                     r"(am|should|can|could|do|did|have|may|shall) (i|we))\b", re.I)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|we|us|our)\b", re.I)


# Wh-questions ask; they suggest only in these forms ("Why don't you ...?", "How about ...?").
_WH_SUGGESTS = re.compile(r"\b(why (don'?t|not)|how about|what about|what do you think (about|of))\b", re.I)


def is_suggestion_q(body: str) -> bool:
    """A suggestion in the form of a question ("Have you tried ...?", "Could you meet them outside?"); a
    wh-question ("What have you tried so far?") asks, unless it is "why don't you", "how about" and the like."""
    if not SUGGESTION_Q.search(body) or _OFFER_OR_FAVOUR.search(body):
        return False
    return not (_WH.search(body) and not _WH_SUGGESTS.search(body))


# "Would it help if I emailed you?", "Could you do me a favour ...?": the speaker's offer or request.
_OFFER_OR_FAVOUR = re.compile(
    r"\bif (i|we)\b|^\W*(shall|should|can|may|could) (i|we)\b|\b(for me|for us|me a favou?r)\b", re.I
)


# Small talk about places, weather, sport or plans: friendly, but it explores nothing of their situation.
_SMALL_TALK = re.compile(
    r"\b(the weather|this time of (the )?year|(is|was) (it|\w+) (nice|sunny|warm|cold|hot|raining|busy) "
    r"(there|out|over there|up there|down there|today|this time)|(nice|lovely) (there|out) today|"
    r"(watch|see|catch) the (game|match|football)|the (game|match) (last night|on)|plans for the weekend|"
    r"weekend plans|been anywhere nice)\b",
    re.I,
)


@dataclass(frozen=True)
class Question:
    start: int
    end: int
    text: str
    to_you: bool  # about the other person (you/your), or an open wh-question about the situation
    open: bool
    suggestion: bool
    offer: bool
    rhetorical: bool
    check: bool
    procedural: bool
    self_focused: bool  # about the speaker ("Am I making sense?", "What should I say?")
    about_feelings: bool
    generic: bool
    small_talk: bool = False  # "Is Scranton nice this time of year?": friendly, but not about them

    @property
    def explores(self) -> bool:
        """A genuine question about the other person's experience (EPITOME exploration)."""
        return not (self.rhetorical or self.check or self.procedural or self.suggestion or self.offer
                    or self.self_focused or self.small_talk)


# An echo: a short question with no question word or verb first that hands their own words back ("Cheating on
# you?", "With her cousin??", "Just ok?"), or one led by "you said" / "I take it": checking, not exploring.
_ECHO_LEAD = re.compile(rf"{_LEAD}(so )?(you said|you mean|i take it|so i hear|so what i'?m (hearing|understanding))\b",
                        re.I)


# A lead that quotes or reports what they said before the question proper: "When you say X, ...".
_THEIR_WORDS_LEAD = re.compile(r"^\W*(when|if) (you|u) (say|said|talk about|mention)\b[^?]*?,\s*|"
                               r"^\W*(you said|you mentioned)\b[^?]*?,\s*", re.I)


def _echo(body: str, theirs: set[str]) -> bool:
    if _ECHO_LEAD.search(body):
        return True
    if not theirs or _WH.search(body) or _AUX_FIRST.search(body) or len(body.split()) > 6:
        return False
    return bool(theirs & content_words(body))


def questions(text: str, spans: list[tuple[int, int]] | None = None, other: str = "") -> list[Question]:
    """The questions in a reply: sentences ending in '?' and requests to tell more. ``other`` is what the other
    person said, to tell an echo of their words ("Cheating on you?") from a question."""
    theirs = content_words(other) if other else set()
    out: list[Question] = []
    for s, e in spans if spans is not None else sentences(text):
        raw = text[s:e]
        body = raw.strip()
        if not body:
            continue
        is_q = "?" in body
        tell = TELL_ME.search(body)
        invite = INVITE_Q.search(body)
        # Typed chat often drops the '?': "how are you", "do you have anyone to talk to".
        if not is_q and not tell and not invite and not _UNMARKED_Q.search(body):
            continue
        starts = [m.start(1) for m in _Q_START.finditer(body)]
        clause = body[starts[-1] :] if starts else body
        # "You sound really tired, how are things going for you?": a statement, then a wh-question after the
        # comma. The question is that clause; the reflection before it makes it no check.
        after_comma = bool(starts) and starts[-1] > 0 and body[: starts[-1]].rstrip().endswith((",", ";", ":"))
        asked = clause if (after_comma and _WH.search(clause) and not RHETORICAL_Q.search(clause)
                           and not _FIRST_PERSON.search(clause) and not _MONEY_WORDS.search(clause)) else body
        wh = bool(_WH.search(asked))
        words = len(asked.split())
        # A wh-question with no addressee, about their situation ("What happened?", "How are things at home?").
        situational = wh and not _FIRST_PERSON.search(asked) and (words <= 10 or bool(_FEELING.search(asked)))
        off = s + (len(raw) - len(raw.lstrip()))
        out.append(Question(
            start=off,
            end=off + len(body),
            text=body,
            to_you=bool(YOU.search(body)) or bool(tell) or bool(invite),
            open=situational or bool(tell) or (wh and bool(YOU.search(asked))),
            suggestion=is_suggestion_q(body) and not invite,
            offer=bool(OFFER_Q.search(body)) and not invite,
            # "When you say 'what's the point of me', are you ...?": their words quoted make no rhetoric of ours
            rhetorical=bool(RHETORICAL_Q.search(_THEIR_WORDS_LEAD.sub("", body))) and not invite,
            check=bool(CHECK_Q.search(asked)) or (is_q and not tell and not invite and _echo(asked, theirs)),
            procedural=bool(PROCEDURAL_Q.search(clause)) or bool(_MONEY_TIMING_Q.search(clause))
            or bool(REQUEST_Q.search(clause)) or bool(_NAME_CHECK.search(body))
            or _typed_name_check(body) or (bool(_SUM_OF_MONEY.search(clause)) and not _FEELING.search(clause)),
            # about the speaker: "What should I say?", or first person with no "you" ("Why am I so unlucky?")
            self_focused=(bool(_SELF_Q.search(clause)) or (bool(_FIRST_PERSON.search(body)) and not YOU.search(body)))
            and not tell and not invite,
            about_feelings=bool(_FEELING.search(body)),
            generic=bool(_GENERIC_Q.search(body)) or bool(invite),
            small_talk=bool(_SMALL_TALK.search(body)) and not _FEELING.search(body),
        ))
    return out


# --------------------------------------------------------------------------- advice

ADVICE = re.compile(
    r"\b((i|we) (would|'d) (suggest|recommend|advise|encourage|say)|i (suggest|recommend|advise|encourage|urge)|"
    r"my (advice|suggestion|recommendation) (is|would be)|"
    r"you (should|shouldn'?t|ought to|need to|have to|must|gotta|could try|might (want|try|consider)|"
    r"may (want|wish) to|could (always |also |maybe |perhaps )?(try|talk|speak|go|see|ask|look|consider|get|"
    r"start|write|call|reach|join|make|take|find|use|think|set|put|keep|focus|check|do|contact|apply))|"
    r"it (might|may|could|would|will|can) (help|be (good|helpful|worth|a good idea|useful|best|wise))|"
    r"(it'?s|it is|that'?s|that is) (a good idea|worth|best|important|helpful) to|"
    r"(maybe|perhaps|possibly) (you|try|consider|talk|find|get|see|look|ask|go|start|write|think)|"
    r"try (to|and|not|talking|writing|going|doing|making|using|getting|asking|looking|finding|taking|"
    r"something|some|a |an |out|setting|speaking|reaching|calling|joining|keeping|focusing|exercise|meditat)|"
    r"(have you (ever )?(tried|thought (about|of)|considered|looked (in)?to)|why (don'?t|not) you|how about|"
    r"what about (trying|talking|going|getting|asking|seeing|looking|making|writing|speaking|calling|doing|"
    r"joining|taking|finding)|would you (consider|be (open|willing) to))|"
    r"(don'?t|do not) (be afraid to|hesitate to|forget to)|make sure (you|to)|"
    r"(the best|one) thing (you can|to) do|a good (idea|place to start|way|option|first step) (is|would be|might be)|"
    r"(talk|speak|reach out|go|turn) to (a|your|an|someone|somebody|a professional|the)\b|"
    r"(see|contact|call|ring|visit) (a|your) (doctor|gp|therapist|counsel\w*|professional)|"
    r"(find|get|seek|look for) (a |some |professional |outside |more )?(help|support|therap\w*|counsel\w*|advice)|"
    r"if i were you|in your (shoes|position),? i|"
    r"(is|'s|can be|would be|could be|might be) (a |an )?(really |very |so )?(great|good|nice|helpful|useful|healthy) "
    r"(way|idea|place|thing|option|start|step|outlet)\b|"
    # "Talking to someone can really help", "that might help you sleep": what would help them, said as a fact
    r"\b(it|that|this|which|(?!\w*thing\b)\w+ing)( [\w']+){0,4}? (can|could|might|may) (really |also |"
    r"definitely |actually |"
    r"honestly )?help (you|with|to|a lot|clear|take|keep|get|make|relieve|ease|reduce|calm)\b)",
    re.I,
)
# Advice imperatives at the start of a sentence ("Go for a walk.", "Write it down.").
ADVICE_IMPERATIVE = re.compile(
    r"^\W*(?:(?:so|and|also|then|just|maybe|perhaps|please|first|honestly|seriously)\W+)*"
    r"(try|go|get|take|find|talk|speak|write|start|stop|focus|keep|make|join|call|reach out|give|avoid|"
    r"ask|consider|read|practi[cs]e|exercise|eat|drink|sleep|set|put|use|check|remember|think about|"
    r"surround|distract|journal|meditate|breathe|treat|allow|let yourself|learn|spend|cut|limit|seek|"
    r"contact)\b(?! (care|well soon|better soon|going|your head up|it up|strong|fighting|in there|me\b))",
    re.I,
)


def advice_spans(text: str, spans: list[tuple[int, int]] | None = None) -> list[Evidence]:
    """Suggestions and recommendations: what the other person should do."""
    out: list[Evidence] = []
    for s, e in spans if spans is not None else sentences(text):
        sent = text[s:e]
        m = ADVICE.search(sent) or ADVICE_IMPERATIVE.search(sent)
        if m is None and "?" in sent and is_suggestion_q(sent.strip()):
            # A suggestion asked as a question ("Could you meet them outside?", "Is there a way you could ...?").
            m = SUGGESTION_Q.search(sent.strip())
        if m and not negated(text, s + m.start()):
            lead, trail = len(sent) - len(sent.lstrip()), len(sent) - len(sent.rstrip())
            out.append(Evidence(sent.strip(), s + lead, e - trail))
    return out


# --------------------------------------------------------------------------- speed: literal prefilters

def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings of which any match of ``pattern`` must contain at least one, or None when no such
    set can be worked out. A reply that contains none of them cannot match, so the (much slower) regex
    search is skipped. Same idea as RE2's prefilter; exactness is not needed, only soundness."""
    try:
        parsed = _sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _factors(list(parsed))
    if not found or any(len(f) < 2 for f in found):
        return None
    return tuple(sorted(found))


def _factors(items: list[Any]) -> set[str] | None:
    """The best factor set of a sequence: literal runs, or the most selective sub-item's set."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and all(len(c) >= 2 for c in cand) and (best is None or _score(cand) > _score(best)):
            best = cand

    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av).lower())
            continue
        consider({"".join(run)} if run else None)
        run = []
        if name == "SUBPATTERN":
            consider(_factors(list(av[-1])))
        elif name == "BRANCH":
            alts = [_factors(list(b)) for b in av[1]]
            if all(a for a in alts):
                consider(set().union(*[a for a in alts if a]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            consider(_factors(list(av[2])))
    consider({"".join(run)} if run else None)
    return best


def _score(s: set[str]) -> float:
    return min(len(x) for x in s) - 0.5 * len(s)


class Gated:
    """A compiled pattern with its literal prefilter: ``finditer(text, lower)`` skips texts that cannot
    match (``lower`` is ``text.lower()``, computed once per reply)."""

    __slots__ = ("rx", "need")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        self.need = required_literals(rx.pattern)

    def finditer(self, text: str, lower: str | None) -> Iterable[re.Match[str]]:
        if lower is not None and self.need is not None and not any(map(lower.__contains__, self.need)):
            return ()
        return self.rx.finditer(text)


def lowered(text: str) -> str | None:
    """``text.lower()`` for the prefilters, or None when lower-casing changes the length (rare Unicode)."""
    low = text.lower()
    return low if len(low) == len(text) else None
