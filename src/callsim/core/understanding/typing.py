"""How people type: text-speak, missing apostrophes and dropped g's, read as the words they stand for.

``expand`` rewrites a reply into standard spelling ("ur speakin to jo, pls confirm u r mr smith" ->
"your speaking to jo, please confirm you are mr smith") and returns, for every character of the result,
the offset of the character it came from, so evidence found in the expanded text is shown to the trainee
in their own words. Only whole words are rewritten, from a fixed list: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole words (lowercase) and what they stand for. Ambiguous ones are left alone ("ur" could be "you're",
# but "your" is far more common in the calls we see; "wont", "cant" and "were" are real words, so only the
# unambiguous apostrophe-less forms are here).
_WORDS: dict[str, str] = {
    "ya": "you", "yu": "you", "ur": "your", "yr": "your", "ure": "you're",
    "youre": "you're", "youll": "you'll", "youve": "you've", "youd": "you'd", "im": "I'm", "ive": "I've",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't",
    "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "havent": "haven't", "hasnt": "hasn't",
    "hadnt": "hadn't", "wouldnt": "wouldn't", "couldnt": "couldn't", "shouldnt": "shouldn't", "cant": "can't",
    "wont": "won't", "aint": "ain't", "theyre": "they're", "theyll": "they'll", "theyve": "they've",
    "thats": "that's", "whats": "what's", "hows": "how's", "theres": "there's",
    "itll": "it'll", "weve": "we've", "shes": "she's", "hes": "he's",
    "nobodys": "nobody's", "noones": "no one's", "nothings": "nothing's",
    "pls": "please", "plz": "please", "plse": "please", "thx": "thanks", "thanx": "thanks", "ty": "thank you",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "gimme": "give me", "lemme": "let me",
    "dunno": "don't know", "kinda": "kind of", "sorta": "sort of", "coz": "because", "cuz": "because",
    "cos": "because", "bc": "because", "b4": "before", "abt": "about", "tho": "though", "thru": "through",
    "rn": "right now", "asap": "as soon as possible", "tmrw": "tomorrow", "tmr": "tomorrow", "2day": "today",
    "2moro": "tomorrow", "2morrow": "tomorrow", "2nite": "tonight", "tonite": "tonight", "nite": "night",
    "msg": "message", "ppl": "people", "probs": "probably", "defo": "definitely",
    "rly": "really", "srsly": "seriously", "sry": "sorry", "soz": "sorry", "acc": "account", "acct": "account",
    "amt": "amount", "pmt": "payment", "pymt": "payment", "yrs": "years",
    "mth": "month", "mths": "months", "wk": "week", "wks": "weeks", "w/": "with", "w/o": "without",
    "kk": "okay", "yep": "yes", "yup": "yes", "nope": "no", "nah": "no",
    "uve": "you've", "ull": "you'll", "urself": "yourself", "urselves": "yourselves", "somethin": "something",
    "nothin": "nothing", "anythin": "anything",
    "everythin": "everything",
}
# Single letters only in lower case ("U.S.", "Mr R Smith" stay as typed).
_LETTERS = {"u": "you", "r": "are", "i": "I", "k": "okay"}
# Dropped g's on common verbs: "speakin", "callin'", "payin".
_ING_STEMS = frozenset(
    "ask be bring call check chas collect com com contact cop cry deal do drown eat feel fight find follow "
    "get go goin hav help hear hid hold hop keep kick kill knock leav let liv look los mak mean miss mov "
    "need nothin open pay phon plan put read ring runn say see sell send settl shar sit sleep some speak "
    "start stay struggl suffer tak talk tell think tr try wait walk want watch work worry writ".split()
)
_TOKEN = re.compile(r"[A-Za-z0-9/]+'?|[^A-Za-z0-9/]+")


@dataclass(frozen=True)
class Expanded:
    text: str
    origin: tuple[int, ...]  # origin[i]: offset in the typed text of character i of ``text``; len(text)+1 long

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The typed text's span for ``text[start:end]``."""
        if end <= start:
            o = self.origin[min(start, len(self.origin) - 1)]
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


# "ur" is "you're" before these (and before any -ing word): "ur speaking to", "ur not alone".
_YOURE_NEXT = frozenset("not a an the so very really right welcome sure able safe okay ok late behind in on "
                        "going gonna doing being still always never just now here there all worried upset scared "
                        "angry frustrated stressed tired exhausted frightened anxious annoyed entitled allowed "
                        "protected covered correct".split())


# "ill" and "id" are words of their own ("an ill relative", "your id") and stand for "I'll" and "I'd" only
# before a verb a caller says next: "ill send it in writing", "id suggest".
_I_WILL_NEXT = frozenset("be send call ring phone email text write get put make have let look check note sort try "
                         "talk speak ask pass arrange set see do give take hold explain go keep need stop leave "
                         "come follow update add mark post book log also just definitely".split())
_I_WOULD_NEXT = frozenset("like love suggest recommend say be need rather prefer hate want also just "
                          "definitely".split())


def _rewrite(word: str, after: str = "") -> str | None:
    low = word.lower()
    if low in ("ur", "youre") and (after in _YOURE_NEXT or after.endswith(("ing", "in"))):
        return "you're" if word.islower() else "You're"
    if low == "ill" and after in _I_WILL_NEXT and not word.isupper():
        return "I'll"
    if low == "id" and after in _I_WOULD_NEXT and not word.isupper():
        return "I'd"
    bare = low.rstrip("'")
    if len(bare) == 1:
        return _LETTERS.get(word) if word.islower() else None
    if bare in _WORDS:
        out = _WORDS[bare]
        if word[:1].isupper() and out[:1].islower():
            out = out[:1].upper() + out[1:]
        return out
    if bare.endswith("in") and len(bare) > 3 and bare[:-2] in _ING_STEMS:
        return word.rstrip("'") + "g"
    if low.endswith("in'") and low[:-3] in _ING_STEMS:
        return word[:-1] + "g"
    return None


def expand(text: str) -> Expanded:
    out: list[str] = []
    origin: list[int] = []
    tokens = list(_TOKEN.finditer(text))
    for i, m in enumerate(tokens):
        tok = m.group(0)
        after = tokens[i + 2].group(0).lower().rstrip("'") if i + 2 < len(tokens) \
            and tokens[i + 1].group(0) == " " else ""
        new = _rewrite(tok, after) if tok[:1].isalnum() else None
        if new is None or new == tok:
            out.append(tok)
            origin.extend(range(m.start(), m.end()))
            continue
        out.append(new)
        # Every character of the replacement points into the word it replaced (last ones to its end).
        n = len(tok)
        origin.extend(m.start() + min(i, n - 1) for i in range(len(new)))
    origin.append(len(text))
    return Expanded("".join(out), tuple(origin))
