"""EPITOME levels for one reply: Emotional Reactions, Interpretations, Explorations (Sharma et al. 2020).

Each mechanism is rated 0 (none), 1 (weak) or 2 (strong), with the spans that justify the rating:

* **Emotional Reactions (ER)**: warmth, compassion, concern. Weak: alluding to feelings ("hang in there",
  "I hope things get better", "I'm here if you want to talk"); strong: naming the speaker's own feeling
  for the person ("I'm so sorry", "my heart goes out to you") or several warm moves together.
* **Interpretations (IP)**: understanding of what the person feels or lives through. Weak: a generic
  "I understand"; strong: a reflection of their feeling or situation ("It sounds like the hospital stay
  turned everything upside down", "you must be exhausted"), one that picks up their own words, or
  sharing a similar experience ("I went through the same thing when I lost my job").
* **Explorations (EX)**: genuine questions about their feelings and experience that they have not said.
  Weak: a generic question ("How are you?"); strong: a specific one ("How have you been coping since the
  job went?"). Suggestions dressed as questions, rhetorical and tag questions, fact checks and procedural
  questions (postcode, payment) are not explorations.

All rules are written from the paper's definitions and the rubric, not fitted to labelled rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from callsim.core.nlp import YOU, Evidence, Gated, Question, content_words, lowered, negated, sentence_at


class _Set:
    """Alternative patterns searched one by one, each behind its literal prefilter (fast on long replies)."""

    def __init__(self, *parts: str) -> None:
        self.parts = [Gated(re.compile(p, re.I)) for p in parts]
        self.pattern = "|".join(f"(?:{p})" for p in parts)

    def finditer(self, text: str, lower: str | None = None) -> list[re.Match[str]]:
        found = [m for g in self.parts for m in g.finditer(text, lower)]
        return sorted(found, key=lambda m: (m.start(), -m.end()))

    def search(self, text: str) -> re.Match[str] | None:
        found = self.finditer(text, lowered(text))
        return found[0] if found else None


def _rx(*parts: str) -> _Set:
    return _Set(*parts)


_INTENS = r"(?:so |really |very |truly |deeply |terribly |incredibly |genuinely |awfully |just |sincerely )*"
_EMO_ADJ = (
    r"(?:awful|terrible|horrible|horrendous|hard|difficult|tough|rough|frightening|scary|stressful|exhausting|"
    r"overwhelming|heartbreaking|heart-breaking|devastating|painful|upsetting|worrying|sad|shit|shitty|crap|"
    r"crappy|brutal|unfair|rubbish|a lot|a nightmare|horrific|traumatic|draining|lonely|isolating|"
    r"distressing|terrifying|heavy)"
)

# ---- Emotional Reactions ------------------------------------------------------------------------
# Strong: the speaker names their own feeling for the person.
ER_STRONG = _rx(
    rf"\b(i'?m|i am|we'?re|we are) {_INTENS}(so|really|very|truly|deeply|terribly|incredibly|genuinely|sincerely)"
    rf" {_INTENS}sorry\b(?!,? (but|to (bother|interrupt|ask)|for (the|any) (delay|wait|confusion)))",
    r"\bmy heart (goes out|breaks|is breaking|aches|hurts|sank)\b|\b(breaks|broke|breaking) my heart\b",
    rf"\bi {_INTENS}(feel|felt) {_INTENS}(so |really )?(sad|bad|terrible|awful|sorry|for you|heartbroken|gutted)\b",
    rf"\b(i'?m|i am) {_INTENS}(sad|saddened|heartbroken|gutted|devastated|angry|furious|upset|worried|concerned)"
    r" (to hear|for you|about you|by (this|that|what)|that)\b",
    r"\bi (really |truly |genuinely )?care about you\b|\b(sending|send) (you )?(so much |lots of |all (my|the) )?"
    r"(love|hugs|a hug|big hugs|virtual hugs|strength|good vibes|positive vibes|my best)\b",
    r"\b(so|really|very) proud of you\b|\bi love you\b",
)
ER_WEAK = _rx(
    r"\bsorry (to hear|for your loss|about (your|what|the|that|this|everything|all))\b",
    r"\b(i'?m|i am) sorry\b(?!,? (you feel|you'?re feeling|but|to (bother|interrupt|ask)|for (the|any) (delay|wait)))",
    rf"\b(that|this|it|which|all that|all of that|all this)(?: {_INTENS}(sounds|sounded|must be|must have been|"
    rf"is|was|seems)|'s)( like)? {_INTENS}(such )?(a |an )?{_INTENS}{_EMO_ADJ}\b",
    # "Not sleeping and carrying this on your own sounds really hard": whatever the subject.
    rf"\b(sounds|sounded|must be|must have been|must feel) ({_INTENS}|like )(such )?(a |an )?{_INTENS}{_EMO_ADJ}\b",
    rf"\b(been|be|is|was|through|had|having) (such )?(a |an )?{_INTENS}{_EMO_ADJ} (time|few|year|couple|period|"
    r"months|weeks|days|thing|stretch|road|situation|experience|journey|while)\b",
    rf"\b(what|such) an? {_INTENS}{_EMO_ADJ}\b|\bhow {_EMO_ADJ}\b(?! (is|are|was|do|does|did|can|could|would))",
    r"\b(that|it|this|life|depression|anxiety) (really |totally |just )?(sucks|stinks)\b|\boh no\b|\bugh\b|\boof\b",
    r"\bmy condolences\b|\bcondolences\b|\bsorry for your loss\b",
    # warmth for how they are coping: "you're doing brilliantly with her there", "that says a lot about you"
    r"\byou'?re (obviously |clearly |really )?(doing|coping) (brilliantly|so well|really well|amazingly|incredibly "
    r"well|a (great|brilliant|fantastic|amazing) job|everything (you can|for (her|him|them))|your best)\b|"
    r"\bsays a lot about you\b",
    r"\b(i |i really |i do |i truly |i just )?hope (that )?(you|things|it|everything|this|they|he|she|your|the "
    r"(future|rest)|tomorrow|today)\b",
    r"\b(good|best of|the best of) luck\b|\bbest wishes\b|\bwish(ing)? you (all )?(the best|well|luck|"
    r"a (speedy|quick)|strength|peace)\b|\btake care( of yourself)?\b|\bstay safe\b|\bbe well\b|\bget well\b",
    r"\bhang (in|on) (there|tight)\b|\bstay strong\b|"
    r"(?<!\bi'll )(?<!\bill )(?<!\bi will )(?<!\bwe'll )(?<!\bjust )(?<!\bi )(?<!\bwe )"
    r"\bkeep (your head up|going|fighting|pushing|strong|it up)\b"
    r"|\bdon'?t give up\b|\bnever give up\b|\bchin up\b",
    r"\byou('?ve| have)? (got|can do) (this|it)\b(?=\s*([.!,;)]|$|-|<|:|\s(and|mate|hun|girl|buddy|man|friend)\b))"
    r"|\byou can (do|beat|get through|overcome|make it)\b(?! (a |the |that |this )?(payment|transfer|form|online))",
    r"\b(it|things|life|this|everything) (will|'ll|is going to|are going to|gonna|can|does|do) "
    r"(get|be|become) (better|easier|ok|okay|alright|fine)\b|\b(it|things) gets? better\b",
    r"\byou('ll| will| are going to| can) (be (ok|okay|fine|alright|all right)|get through|make it|pull through|"
    r"come out|find (a way|your way|someone|the strength))\b",
    r"\byou (deserve|matter|are worth|'re worth|are loved|'re loved|are important|'re important|are valued)\b",
    r"\byou('re| are) (so |really |very |clearly |obviously )*(strong|brave|amazing|wonderful|worthy|valuable|"
    r"beautiful|courageous|resilient|not a burden|stronger than|doing (great|well|your best|the right thing|"
    r"amazing|so well))\b|\byou('re| are) (a |such a |so |really |very )+(good|kind|great|awesome|smart|caring|"
    r"lovely|strong|brave|beautiful|wonderful)( person| soul| human| friend| man| woman| mum| mom| dad| parent)?\b",
    r"\b(i'?m|i am|we'?re|we are) (always |still )?here (for you|if you|to (listen|help|talk|chat)|whenever)\b"
    r"|\bhere for you\b",
    r"\bfeel free to (pm|dm|message|talk|reach|contact|chat|send|write|vent|hit me)\b|\b(pm|dm|message|inbox|msg)"
    r" me\b|\b(my )?(inbox|dms?|pms?|messages) (is|are) (always )?open\b",
    r"\bif you (ever )?(want|need|wanna|would like|'d like)( someone)? to (talk|chat|vent)\b"
    r"|\byou can (always )?(talk|chat|vent|speak) to me\b|\breach out to me\b|\bhappy to (talk|chat|listen)\b",
    r"\b(i'?m|i am) (so |really |very )?(glad|happy|relieved|pleased|thankful|grateful) (for you|you|to (hear|"
    r"see|know)|that|your|ur|there'?s|(?!(we|i|it|this|the)\b)\w+ (is|are|comes|came|has|helps|was|gets|goes))\b"
    r"|\bhappy for you\b|\bcongrat\w*",
    r"\byou('re| are) not alone\b|\byou are never alone\b|\bnot the only one\b",
    r"\*hugs?\*|\(hugs?\)|^\W*hugs?\b|\bhugs\W*$|\b(big|virtual|warm|internet|many|a|some) hugs?\b|<3|\u2764|"
    r"\bxoxo\b|\bi feel for you\b|\bi feel (you|ya)\b",
    r"\bi (really |truly )?(wish|hope) i could (help|do|give|hug|be there|say|take|make)\b|\bi wish (you|things)\b",
    r"\bi know (exactly )?(how you('?re)? feel\w*|the feeling|what you'?re (going through|feeling|dealing with))\b",
    r"\bi can (totally |really |definitely )?relate\b|\b(you did|you'?re doing|you are doing|you tried) your best\b",
    r"\bhappy (birthday|holidays|new year|christmas)\b|\bmerry christmas\b|\bwelcome (back|to)\b",
    # reassurance about who they are, and encouragement (ESConv "Affirmation and Reassurance")
    r"\byou('re| are|r|re) not (useless|worthless|a failure|a burden|stupid|weak|broken|crazy|weird|pathetic|"
    r"a bad person|"
    r"to blame|overreacting|being dramatic)\b|\b(be|stay) (strong|positive)\b",
    r"(^|[.!?]\s+)keep (?!(ignoring|avoiding|dodging|ducking|hiding|missing|skipping|delaying|stalling|lying|"
    r"pretending|wasting|making|putting|messing|whining|moaning|complaining|screening|refusing|running|burying)\b)"
    r"(\w+ing)\b|\bthere'?s (always )?hope\b|\bthere is (always )?hope\b|\btime (will )?heals?\b|"
    r"\bcan only go up\b",
    # "Sorry you're going through this", "Hey, sorry things are so blank for you": sympathy without "I'm"
    r"(?<!\bnot )(?<!\bsay )(?<!\bfeel )(?<!\bi'm )(?<!\bim )(?<!\bi am )(?<!\bwe're )(?<!\bwere )\bsorry\b(?!\W*\?)"
    r"(?!,? (but|to "
    r"(bother|interrupt|ask|say)|for (the|any|my|this|that|asking|being|not|taking|keeping)\b|if (i|that|this)|"
    r"about my|i (didn'?t|"
    r"couldn'?t|can'?t|missed)|(could|can|would|what|did) you|(can|could|may) i|i'?m late|to keep you|for the (delay|"
    r"wait|confusion)))",
    r"\b(if you need|let me know if you need|if there'?s) (anything|any help|someone|a friend|me)\b"
    r"|\blet me know if (you need|there'?s anything|i can help)\b",
    r"\b(do|would|if) you (want|wanna|need|would like|'d like) (someone )?to (talk|chat|vent)\b",
    r"\byou('ll| will| are going to) (feel better|get (there|better|through)|be happy|find (happiness|love|peace|"
    r"your way|someone|the right|a way))\b|\b(one day|someday|some day|soon),? (you|it|things|everything)\b",
    r"\bmy condolences\b|\bthinking of you\b|\b(my )?thoughts are with you\b|\bpraying for you\b",
    r"\b(i'?m|i am) (really |so |very )?(sorry|sad) (that )?(this|that|it|you)\b",
    r"\bthat('?s| is) (not|never) (ok|okay|fair|right|your fault)\b|\bit('?s| is) not your fault\b",
    r"\bdon'?t (be (so )?hard on yourself|blame yourself|beat yourself up)\b",
    # hope and solidarity ("Hopefully things settle soon", "I know what you mean", "Want to talk?")
    r"\bhopefully\b(?![^.!?]*\b(pay|payment|money|balance|arrears|owe|debt|instal\w*)\b)|"
    r"\bi hope (the best|for the best)\b",
    r"\b(your|ur|youre|u r) not alone\b|\bi know what you mean\b|\b(i'?m|i am) (right |all )?with you\b",
    r"(^|[.!?,]\s*|\bif (you|u) )(want|wanna) (to )?(talk|chat|vent)\b|"
    r"\b(i'?ll|i will|i'?d be (happy|glad|willing) to) (hear you out|listen)\b",
)

# Lifting the worry off them (ESConv "Affirmation and Reassurance"): "please don't worry", "no rush at all, take
# your time", "you're not in any trouble"; and plain well-wishing ("look after yourself"). EPITOME's raters mostly
# read it as a weak reaction; the scorer counts it as one only where nothing else in the reply reacted (a stronger
# reading of the same words stands), and never in a sentence that goes on to money or a "but".
REASSURANCE = _rx(
    r"(?<!\bi )(?<!\bwe )(?<!\bthey )\b(please |try not to |don'?t you )?(don'?t|do not|dont) (worry|panic|stress|fret|"
    r"apologi[sz]e|feel bad|be sorry|be embarrassed|be ashamed)\b(?![^.!?]{0,60}\b(but|pay\w*|payment|money)\b)",
    r"\bno (rush|hurry|pressure|worries)\b(?![^.!?]{0,40}\bbut\b)|\btake (your|ur|all the|whatever) time\b",
    r"\byou('re| are|re|r) not in (any )?trouble\b|\bnothing to (worry|be (ashamed|embarrassed|sorry)) (about|of)\b",
    r"\bno need to (worry|panic|apologi[sz]e|be (sorry|embarrassed|ashamed))\b",
    r"\btry not to (worry|panic|stress|fret)\b",
    # well-wishing in the words of a call's end: "look after yourself", "go and rest", "glad you're calling her"
    r"\blook after (yourself|urself|u)\b|\brest up\b|"
    r"\b(go and|go|get some|try to) (rest|get some rest|sit down and rest)\b(?! (the|it|this|that|your|ur|my|our)\b)|"
    r"(^|[.!?]\s+)(so |really )?glad (you('re| are|'ve| have)?|u|to hear)\b",
)


# ---- Interpretations ---------------------------------------------------------------------------
_FEEL_WORDS = (
    r"(?:worried|scared|frightened|terrified|afraid|exhausted|overwhelmed|stressed|anxious|angry|upset|"
    r"frustrated|devastated|lost|alone|lonely|isolated|tired|drained|hurt|sad|hopeless|helpless|trapped|stuck|"
    r"ashamed|embarrassed|guilty|confused|depressed|down|low|numb|empty|broken|afraid|panick?y|nervous|"
    r"betrayed|rejected|unappreciated|invisible|worthless|useless|burnt out|burned out|on edge|desperate|"
    r"under (a lot of )?pressure|at a loss|out of your depth|like a failure|like a burden|torn|conflicted|"
    r"relieved|hurt|disappointed|heartbroken|grieving|in pain|struggling|under strain|"
    # more of the feeling vocabulary, pleasant ones too ("it sounds like you're happy about it")
    r"happy|excited|glad|proud|hopeful|grateful|thankful|calm|content|pleased|jealous|resentful|bitter|"
    r"insecure|uneasy|uncertain|unsure|anxious|apprehensive|intimidated|discouraged|defeated|demotivated|"
    r"unmotivated|hurt|humiliated|let down|taken advantage of|used|ignored|left out|unheard|misunderstood|"
    r"unsupported|abandoned|bored|restless|furious|mad|irritated|annoyed|fed up|sick of|tired of|"
    r"emotionally \w+|mentally \w+|shaken|rattled|shocked|blindsided|unsettled|vulnerable|powerless|"
    r"out of control|heartsick|homesick|miserable|unhappy|blue|gutted|distraught|distressed|troubled|"
    r"concerned|bothered|disheartened|crushed|at the end of your tether|bad|terrible|awful|horrible|rough|rubbish)"
)
# What a reflection of intent must not go on to: money, or an accusation.
_NOT_MONEY_AHEAD = (r"(?![^.?!]{0,40}\b(pay\w*|money|cash|balance|debt|arrears|card|avoid\w*|dodg\w*|get out of|"
                    r"wast\w*|excuses?|lying|lie)\b)")
IP_STRONG = _rx(
    r"\b(it |that |this )?(sounds|sound|sounded|seems|seemed|feels|looks) (to me )?(like|as if|as though) ?[,;]? ?"
    r"(?!(a |an )?(plan|good|great|fun|deal|idea|nice|fair|sensible|lovely|perfect|brilliant|better)\b)\w+",
    r"\bit (sounds|seems) (to me )?(that|you'?re|you are|you have|you'?ve)\b",
    rf"\byou {_INTENS}(must|might|may|probably|could) {_INTENS}(be|feel|have (been|felt)|get)( feeling)? {_INTENS}"
    rf"(pretty |quite |a (bit|little) |rather |kind of |sort of )?{_FEEL_WORDS}",
    # "You must feel as though she has taken advantage of you", "you must feel like nobody listens"
    r"\byou (must|might|may|probably) (feel|be feeling|have felt) (like|as though|as if|that)\b",
    rf"\b(that|this|it) {_INTENS}(sounds|sounded|must be|must have been|must feel|seems) {_INTENS}(so |really )?"
    rf"(frightening|scary|terrifying|overwhelming|exhausting|lonely|isolating|stressful|worrying|upsetting|"
    rf"heartbreaking|devastating|painful|draining|distressing|confusing|humiliating|embarrassing|frustrating|"
    rf"infuriating|a lot to (deal with|carry|cope with|take in))\b",
    rf"\byou (seem|sound|look)( to be)?( (pretty|quite|a (bit|little)|rather|kind of|sort of))? {_INTENS}"
    rf"(feeling )?{_FEEL_WORDS}",
    r"\byou (seem|sound|look) (like|as if|as though) (you|the|this|that|it|everything|things|your)\b",
    r"\byou('re| are)( (still|clearly|obviously|really|probably|understandably|not only|also|just|now))? (feeling|"
    r"going "
    r"through|dealing with|struggling|juggling|carrying|coping with|up against|in a (tough|difficult|hard|bad)|under)"
    r"\b",
    rf"\byou('re| are|'ve been| have been) having (such )?(a |an )?{_INTENS}(hard|tough|rough|difficult|bad|awful|"
    rf"horrible|terrible|stressful|lonely|{_EMO_ADJ}) (time|day|week|month|year|few (days|weeks|months)|patch|night)\b",
    rf"\b(you'?ve|you have) had (such )?(a |an )?{_INTENS}(hard|tough|rough|difficult|bad|awful|horrible|terrible|"
    rf"stressful|{_EMO_ADJ}) (time|day|week|month|year|few (days|weeks|months)|patch|couple of)\b",
    rf"\byou('re| are) {_INTENS}{_FEEL_WORDS}\b(?! (to|that i))",
    rf"\byou (feel|felt)( like| that| as if)? {_INTENS}(you|like|{_FEEL_WORDS})",
    r"\byou (feel|felt|are feeling|'re feeling|have been feeling|'ve been feeling) (like|that|as if|as though)\b",
    rf"\b(it|that|this) {_INTENS}(must|would) {_INTENS}(be|have been|feel|make you feel) {_INTENS}"
    rf"(so |really |very )?(such )?(a |an )?{_INTENS}(a lot|{_EMO_ADJ}|{_FEEL_WORDS}|hard|like)",
    r"\bi can (only )?imagine (how|what|that|it|you)\b|\bi can'?t (even )?(begin to )?imagine\b",
    r"\bi can (see|tell|hear|sense|feel) (from [^.?!,]{3,40} )?(that |why )?(how|what|you|this|it|that|how much)\b",
    r"\bi (can )?(understand|see|get|know) (how|why) you('re| are| must| might| would)?( be)? ?(feel\w*|felt|"
    r"upset|angry|worried|scared|frustrated|hurt|sad|stressed|anxious|concerned|disappointed|annoyed)\b",
    # "I can see why the interest worries you", "I get why owing six thousand on a sold truck feels unfair"
    rf"\bi (can )?(totally |completely |really |fully )?(see|understand|get) why\b[^.?!]{{0,60}}\b(worr\w*|upset\w*|"
    rf"angry|anger|frustrat\w*|unfair|scar\w*|stress\w*|feels?|felt|hard|annoy\w*|confus\w*|{_FEEL_WORDS})\b",
    r"\bi (can )?(understand|see|hear|sense|feel) (your|the) (frustration|concern|worry|worries|fear|fears|pain|"
    r"anger|hurt|sadness|stress|anxiety|disappointment|confusion|grief|loneliness|upset)\b",
    r"\bno wonder (you|it|that)\b|\b(it'?s|it is) (clear|obvious) (that )?(you|this)\b",
    r"\b(you'?ve|you have) (been|had) (through|to deal with|to cope with|a lot|so much|such a)\b",
    r"\bthat('s| is) (a lot|so much|a heavy load|too much) (to (deal with|carry|cope with|handle|take in)|"
    r"for (anyone|one person|you))\b",
    r"\bwith everything (you'?ve|you have|that'?s|you'?re) (been|going|got|had|happened|on)\b",
    # what matters to them and what they are trying to do, reflected (MI's complex reflections of values and
    # intent): "paying your own way clearly means a lot to you", "of course you want to protect them", "you're
    # obviously doing everything you can for her"
    # ("You obviously want to avoid paying" and "you're clearly trying to dodge this" accuse; they are not it)
    r"\b(means|matters) (such )?(a lot|so much|a great deal|everything|the world) to you\b",
    rf"\b(of course|clearly|obviously|naturally|understandably) you('d| would)? (want|care|worry|love|feel|need)\w*"
    rf"\b{_NOT_MONEY_AHEAD}",
    rf"\byou('re| are) (clearly|obviously|really|genuinely) (doing|trying|working|putting|giving|fighting)\b"
    rf"{_NOT_MONEY_AHEAD}",
    rf"\byou (clearly|obviously|genuinely) (care|love|want|value|worry)\w*\b{_NOT_MONEY_AHEAD}",
)
IP_WEAK = _rx(
    r"\bi (totally |completely |fully |really |truly |do |can |definitely )*understand\b",
    r"\bi (totally |completely |really |definitely )?(get|hear|see) (it|that|you|what you mean|where you'?re "
    r"coming from|how|why)\b",
    r"\bi know (how|what) (you|it|that)\b|\bi know the feeling\b|\bi feel you\b",
    r"\b(that|it) makes (total |complete |perfect |a lot of )?sense\b|\bunderstandabl[ey]\b",
    r"\b(i'?m|i am) (hearing|sensing) (that|you)\b|\bi (hear|see) (you|that)\b",
    r"\bi know (it'?s|it is|that'?s|that is|this is) (hard|difficult|tough|not easy|a lot|scary|frightening)\b",
)
# Sharing a similar experience (EPITOME counts it as an interpretation).
SELF_SAME = _rx(
    r"^\W*been there\b|\bme too\b|\bsame (here|with me|for me|thing happened)\b|"
    r"\bi('m| am| was)? (in )?the same (boat|situation|"
    r"position|place)\b",
    r"\b(i|i'?ve|i have) (also|too) (been|had|have|felt|struggled|suffered|dealt|gone|went|lost|experienced)\b"
    r"|\bi (also|too) (have|had|feel|felt|struggle|struggled|suffer|suffered|deal|dealt|get|got|was|am|went|"
    r"lost|used to|experienced|know)\b",
    r"\bi('?ve| have) been there\b|\bbeen there( myself| too| before| done that)\b|\b(i|we) (went|'ve been|have been|"
    r"'ve gone|have gone|was|were|am|'m) (through|going through) (the same|something similar|similar|this|that|"
    r"it|a|an|my own)\b",
    r"\bi know (exactly )?(what|how) (it'?s|it is|that'?s|that is|it was|it feels|that feels) (like|to)\b",
    r"\bi (feel|felt|have felt|'ve felt) (the same|that way|this way|like that|exactly (the same|like that))\b"
    r"|\bi (had|have|have had|'ve had) (the same|a similar|similar|the exact same)\b",
    r"\b(this|that|it|the same|something similar|a similar thing) (happened|happens) to me\b",
    r"\b(when|after|before|since|while) i (was|had|lost|got|went|moved|started|left|broke|turned|first)\b"
    r"|\bi used to\b|\bi remember (when|how|feeling|being)\b|\bback when i\b",
    r"\bi (struggle|struggled|suffer|suffered|deal|dealt|battle|battled|lived|live|cope|coped|wrestled) with\b"
    r"|\bi('ve| have) (struggled|suffered|dealt|battled|lived|coped|wrestled) with\b|\bi was diagnosed\b",
    r"\bin my (experience|case|life|own life|twenties|teens)\b|\bfor me,? (it|the|personally|what|this)\b"
    r"|\bpersonally,? i\b|\bspeaking from experience\b|\bi can relate\b|\bi relate\b",
)
# First-person narrative ("I was bullied for years", "My mum died when I was nine"): the speaker's own
# experience. Procedural first-person talk on a call ("I have your account here") is excluded.
_I_EXPERIENCE = re.compile(
    r"\bi('ve| have)( also| always| never| just| often| really| too)? (been (through|there|in|on|to|diagnosed|"
    r"depressed|anxious|struggling|dealing|suicidal|alone|lonely|bullied|abused|single|married|divorced|sober|"
    r"clean|sick|ill|in and out)|had|felt|struggled|suffered|lost|dealt|gone|tried|done|found|learned|learnt|"
    r"noticed|experienced|spent|battled|lived|seen|cried|wanted|thought about)\b"
    r"|\bi( also| always| never| just| still| often| sometimes| usually| really| too| used to| even)? (was (?!calling|"
    r"wondering|hoping|going to|looking|told|asked|just (calling|ringing|checking))|were|had (?!a look)|felt|got|"
    r"went|lost|spent|tried|started|stopped|quit|became|grew up|ended up|moved|left|broke|cried|hated|hate|"
    r"struggle|suffer|fought|survived|found (myself|out|it)|made it|realized|realised|learned|learnt|turned|fell|"
    r"did|couldn'?t|didn'?t|wasn'?t|love|need (to (talk|vent|get out|sleep))|miss|cry|wake up|work (at|in|as|"
    r"nights|two)|live (with|alone|in|on)|lived|smoke|drink|play|take (meds|medication|pills|antidepressants)|"
    r"took|get (so |really |very )?(anxious|depressed|sad|angry|lonely|scared|nervous|panic|stressed|upset|"
    r"overwhelmed|tired|bored|jealous|mad|frustrated|the same|like that|this way|that way)|"
    r"feel (so |really |very |the same|that way|this way|exactly|like (?!(you|u|maybe|it'?s|this is|that'?s|"
    r"there|the best|a good|if|they|he|she|your|people)))|"
    r"have (a|an|no|bad|severe|depression|anxiety|ptsd|adhd|bpd|ocd|bipolar|autism|the same|similar|two|three|"
    r"kids|children|friends|trouble|problems|issues|days|nights|panic|insomnia|chronic)\b(?! (look|copy|note|"
    r"record|reference|number|plan|payment|letter|form|few (options|questions)))|"
    r"can'?t (sleep|stop|get|seem|bring|stand|handle|deal|cope|even|focus|eat|find|remember|afford|face|"
    r"believe i)|don'?t (even|really|feel|want to|like|sleep|eat|go|talk|care|enjoy|remember|believe in)|"
    r"do (this|that|the same|too)\b|want(ed)? to (die|cry|sleep|disappear|give up|kill|end)|wish i|"
    r"think about (it|this|that|death|dying|suicide|killing)( all the time| a lot| every day)?)\b"
    r"|\bi'?m (still |also |currently |just |really |so |very |often )*(dealing|struggling|going through|"
    r"recovering|in (therapy|recovery|the same|a similar|my \d+|high school|college|uni)|on (meds|medication|"
    r"antidepressants)|diagnosed|\d+|a (\w+ )?(student|mom|mum|dad|parent|survivor|nurse|teacher|veteran)|"
    r"(tired|scared|anxious|depressed|lonely|alone|sad|stressed|lost|stuck|broke|exhausted|terrified|"
    r"struggling|suicidal|single|bipolar|autistic|sober|clean))\b"
    r"|\b(makes|made|make|keeps|kept|gets|got|leaves|left) me (feel|so|really|want|think|sad|angry|anxious|"
    r"happy|cry|depressed|lonely|scared)\b|\bwhen i'?m\b|\b(for|to) me,? (it|this|that|the|personally)\b",
    re.I,
)
_MY_LIFE = re.compile(
    r"\bmy (own |first |last |best |old |late |ex[- ]?)?(depression|anxiety|mental health|therapist|"
    r"psychiatrist|counsel+or|doctor|meds|medication|diagnosis|mom|mum|mother|dad|father|parents?|ex|wife|"
    r"husband|partner|girlfriend|boyfriend|son|daughter|kids?|children|brother|sister|family|"
    r"grand\w+|job|boss|school|college|uni|life|childhood|twenties|teens|marriage|divorce|relationship|"
    r"experience|story|situation|bf|gf|so|dog|cat|pet)\b",
    re.I,
)
# A sentence that starts with "I" (or "Same", "Yeah, I") and is not a stock phrase of sympathy, opinion,
# advice or call-handling is the speaker talking about themselves.
_I_STATEMENT = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|honestly|personally|and|but|so|also|haha|lol|well|same|same here)\W+)*"
    r"(?:i|i'?m|i'?ve|i'?d)\s+(?!((so |really |very |truly )?(sorry|glad|here|happy|proud|afraid|calling|"
    r"ringing|not sure|sure|aware|able|unable|going to|about to|just calling|pleased|delighted)|think|thought|"
    r"hope|wish you|suggest|recommend|would|will|'ll|can|could|should|(still |really |just )?need|"
    r"must|understand|know|see|hear|get (it|that|you|what|why|how)|agree|guess|believe|mean|promise|am (so |really )?"
    r"(sorry|glad|here|happy|proud|not sure|afraid|calling|just calling)|appreciate|apologi[sz]e|want(ed)? to "
    r"(help|say|make sure|check|let|talk|know|ask|add|point)|need to (ask|check|confirm|let|say)|"
    r"have to (ask|say|let|admit|tell|inform|remind|mention|explain|read)|love (that|this|your|how|you)|"
    r"really (hope|think|feel for)|feel (for you|like you|you)|"
    r"may|might|dont know|don'?t know|don'?t think|do(n'?t)? (believe|agree|understand)|'?m not sure|"
    r"just want(ed)? to (say|check|let|make)|noticed (that )?you|read|saw your|found this|had a look|"
    r"feel (that|like) (you|your|this|it|there|the|being|if|i can|maybe|everyone|we|they|he|she)\b|"
    r"feel (so |really |very )?(bad|terrible|awful|sorry|sad) (for|about) (you|that|this|what)))"
    r"|^\W*same\b(?!\W+(time|day|thing as|as|goes))",
    re.I,
)
# Words of a life rather than of a call: feelings, health, people close to you, time passing.
_LIFE_WORDS = re.compile(
    rf"\b({_FEEL_WORDS}|{_EMO_ADJ}|feel\w*|felt|depress\w*|anxi\w*|panic\w*|therap\w*|meds|medication|"
    r"pills|doctor|hospital|sleep\w*|bed|cry\w*|cried|tears|alone|lonely|friends?|family|mum|mom|dad|parents?|"
    r"brother|sister|wife|husband|partner|girlfriend|boyfriend|kids?|children|son|daughter|school|college|"
    r"life|years?|ages|childhood|sometimes|often|always|never|used to|every (day|night|morning)|nights?|"
    r"weekends?|still|myself|hate|love|miss|lost|die|died|dying|death|suicid\w*|hurt\w*|pain|ill|sick|"
    r"drink\w*|drunk|eat\w*|weight|body|self|same)\b",
    re.I,
)
_PROCEDURAL_I = re.compile(
    r"\b((your|the|this) (account|balance|payment|arrears|instal?ment|direct debit|plan|file|record|details|bill|"
    r"debt|letter|paperwork|case|review|referral)|on behalf|i'?m (just )?(calling|ringing)|calling (from|about)|"
    r"had a look|look(ed)? at (your|the)|set (it|that|this) up|confirm|verify|postcode|date of birth|"
    r"(my|our) (team|manager|supervisor|colleague|system|records|company|office)|options|questions|"
    r"(calling|call|called|rang|ring|ringing|phoned|emailed|wrote to|texted|messaged|tried) (to )?you|"
    r"went ahead|go ahead|froze|freeze|frozen|paused|put (a|the) hold|on hold|interest|charges|fees|"
    r"refund\w*|statement|arrangement|debt collector|attempt to collect|collect a debt|information (obtained|"
    r"we obtain|will be used)|"
    # what the caller will not do to them: "I don't want to take all of that", "I don't want you to struggle"
    r"(don'?t|do not) want (you to|to (take|put|push|rush|pressure|add|set|ask|chase|keep|hold|leave|give|"
    r"stress|worry|upset|overwhelm|make|agree|lock|tie)))\b",
    re.I,
)
# ---- levels -----------------------------------------------------------------------------------


@dataclass
class Mechanism:
    level: int = 0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class EpitomeResult:
    er: Mechanism
    ip: Mechanism
    ex: Mechanism
    reflections: list[Evidence]  # "you"-focused reflections and understanding (behaviour: interpretation)
    self_disclosure: list[Evidence]  # shared experience (behaviour: self_disclosure)
    explorations: list[Evidence]  # genuine questions about them (behaviour: exploration)
    restatements: list[Evidence] = field(default_factory=list)  # reflections of content (behaviour: paraphrase)
    checks: list[Evidence] = field(default_factory=list)  # their words checked back as a question (paraphrase)
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def levels(self) -> dict[str, int]:
        return {"ER": self.er.level, "IP": self.ip.level, "EX": self.ex.level}


def reassurance(text: str, masked: list[tuple[int, int]]) -> list[Evidence]:
    """Words that lift a worry off them (REASSURANCE), outside quoted or reported speech."""
    return _hits(REASSURANCE, text, masked, negatable=False)


def _hits(rx: _Set, text: str, masked: list[tuple[int, int]], negatable: bool = True) -> list[Evidence]:
    out = []
    for m in rx.finditer(text, lowered(text)):
        if m.end() == m.start() or any(a <= m.start() < b for a, b in masked):
            continue
        # A pattern that spells out its own negation ("I know that's not easy") is not negated by it.
        if negatable and not _OWN_NEGATION.search(m.group(0)) and negated(text, m.start()):
            continue
        out.append(Evidence(m.group(0), m.start(), m.end()))
    return out


_OWN_NEGATION = re.compile(r"\b(not|never|no)\b|n't\b", re.I)


# A reflection that names a feeling, or what the situation has done to them or means to them ("turned
# everything upside down", "has been a real support", "we haven't listened to you"): an interpretation.
# One that only restates facts ("work has changed your hours") is a paraphrase.
_FEELING_NAMED = re.compile(rf"\b({_FEEL_WORDS}|{_EMO_ADJ}|feel\w*|felt|emotion\w*|heart|cope|coping|"
                            r"mood|pain|fear\w*|worr\w*|stress\w*|anxi\w*|upset\w*|hurt\w*|angr\w*|frustrat\w*|"
                            r"sad\w*|scar\w*|lonel\w*|tough|hard|difficult|a lot|upside down|support\w*|toll|"
                            r"knock\w*|hit (you|hard)|on your own|by yourself|let (you )?down|listen\w*|heard|"
                            r"unfair|fault|blame\w*|shock\w*|sinking|weigh\w*|burden\w*|struggl\w*|"
                            r"through (a lot|so much|the mill|hell)|means? (a lot|so much|everything)|matters?|"
                            r"important to you|care\w*|love\w*|miss\w*|proud|relie\w*|grief|griev\w*|"
                            r"hold\w* (it|things|everything|yourself)( all)? together|carr(y|ying|ied)|juggl\w*|"
                            r"going without|putting (\w+ )?first|keep(ing)? (it|things|everything) going|"
                            r"(on|by) your own|alone|on top of (everything|it all|all)|stretch\w*|pressure|bad|rough|"
                            r"raw|toll|infuriat\w*|madden\w*|enrag\w*|galling|gutting|heartbreak\w*|exhaust\w*|"
                            r"overwhelm\w*|drain\w*|frighten\w*|terrif\w*|distress\w*|humiliat\w*|"
                            r"going through|been through)\b", re.I)
_INTENSE = re.compile(r"\b(so|really|truly|very|deeply|incredibly|genuinely|awfully|terribly|such)\b", re.I)
_EVALUATIVE = re.compile(r"(that|this|it|which|all that|all of that|all this)\b", re.I)
_CONDITIONAL_BEFORE = re.compile(r"\b(if|when|whenever|unless|until|once|in case)\b[^.?!,]{0,25}$", re.I)
_CHECK_START = re.compile(r"^\W*(so,? |it sounds|that sounds|it seems|sounds like)", re.I)


# First person that tells the speaker's story; "I know / I can imagine / I'm sure it's hard" is about them.
_ME = re.compile(r"\b(i|i'?m|i'?ve|i'?d|me|my|mine|myself)\b(?! (really |can |can only |do |totally |completely )?"
                 r"(know|understand|imagine|see|tell|hear|appreciate|get|realise|realize|bet|think|guess|believe|"
                 r"sure|sorry|expect|suspect|gather|feel for)\b)", re.I)
_EVALUATES = re.compile(r"(that|this|it|which|all that|all of that|all this|sounds|must)\b", re.I)


def _own_experience(text: str, spans: list[tuple[int, int]], ev: Evidence) -> bool:
    """ "It was hard", "it sucks" in a sentence about the speaker alone ("I never go to class. It sucks how my
    anxiety ruins it"): the speaker's own story, not a reaction to theirs."""
    if not _EVALUATES.match(ev.text):
        return False
    s, e = sentence_at(spans, ev.start, len(text))
    return bool(_ME.search(text[s:e])) and not YOU.search(text[s:e])


def _reflections(text: str, spans: list[tuple[int, int]], masked: list[tuple[int, int]]) -> list[Evidence]:
    """Reflections that assert something about the other person (not "if you feel like ...", not a question,
    unless it checks back: "It sounds like you're exhausted?")."""
    out = []
    for ev in _hits(IP_STRONG, text, masked):
        s, e = sentence_at(spans, ev.start, len(text))
        if _CONDITIONAL_BEFORE.search(text[max(s, ev.start - 40) : ev.start]):
            continue
        # A question is not a reflection ("Do you feel that ...?"), but a statement said as a check is ("You're
        # feeling let down, right?", "I imagine you must be feeling pretty bad?"); so is a reflection in a
        # clause before the question ("I can see that you worry about it, but could you ...?").
        q = text.find("?", ev.start, e)
        if q >= 0 and not _CHECK_START.search(text[s:e]) and not ev.text.lower().startswith(("it ", "that ")):
            sentence = text[s:e]
            interrogative = bool(_INTERROGATIVE.match(sentence))
            later_question = bool(_CLAUSE_THEN_Q.search(text[ev.end : q + 1]))
            if interrogative or not (later_question or _TAG_Q.search(sentence)
                                     or _DECLARATIVE_CHECK.match(text[ev.start : q + 1])):
                continue
        # "I'm glad you're feeling better": a reaction to good news, not a reflection.
        if _GLAD_BEFORE.search(text[max(s, ev.start - 30) : ev.start]):
            continue
        out.append(ev)
    return out


_INTERROGATIVE = re.compile(
    r"^\W*(?:(?:and|but|so|well|ok|okay|oh|hmm)\W+)*(do|does|did|are|is|was|were|have|has|had|can|"
    r"could|would|will|should|what|how|why|when|where|who|which)\b",
    re.I,
)
_TAG_Q = re.compile(
    r",\s*(right|yeah|no|isn'?t it|aren'?t you|don'?t you|is that (right|it|so)|correct)\s*\?+\W*$", re.I
)
_CLAUSE_THEN_Q = re.compile(r"(,|;|\bbut\b|\band\b|\bso\b)\s+[^?]*\?", re.I)
# "You must be feeling pretty bad?", "You're worried he'll leave?": a statement with a question mark.
_DECLARATIVE_CHECK = re.compile(
    r"^(you|you'?re|you are|you must|you seem|you sound|you feel|i imagine|i guess|i bet)\b[^?]*\?", re.I
)
_GLAD_BEFORE = re.compile(
    r"\b(glad|happy|pleased|relieved|great|good|nice|lovely|hope|hoping) (to (hear|see|know) )?(that )?$", re.I
)


def _self_disclosure(text: str, spans: list[tuple[int, int]], masked: list[tuple[int, int]]) -> list[Evidence]:
    out = _hits(SELF_SAME, text, masked, negatable=False)
    for s, e in spans:
        sent = text[s:e]
        if "?" in sent or any(a <= s < b for a, b in masked):
            continue
        if _PROCEDURAL_I.search(sent):
            continue
        m = _I_EXPERIENCE.search(sent) or _MY_LIFE.search(sent)
        if m is None and _LIFE_WORDS.search(sent):
            m = _I_STATEMENT.match(sent)
        if m:
            out.append(Evidence(m.group(0), s + m.start(), s + m.end()))
    return out


def analyse(
    text: str,
    other: str,
    spans: list[tuple[int, int]],
    masked: list[tuple[int, int]],
    qs: list[Question],
    extra: dict[str, list[Evidence]] | None = None,
) -> EpitomeResult:
    """EPITOME levels of ``text`` (the reply) given ``other`` (what the other person said).

    ``extra`` carries evidence already found by the rubric's patterns for emotional_reaction,
    interpretation and exploration, so authors can extend the vocabulary in rubric.yaml.
    """
    extra = extra or {}
    theirs = content_words(other)

    # ER
    strong = _hits(ER_STRONG, text, masked)
    weak = [e for e in _hits(ER_WEAK, text, masked) if not _own_experience(text, spans, e)]
    weak += list(extra.get("emotional_reaction", []))
    er = Mechanism()
    if strong or weak:
        kinds = {e.start for e in strong + weak}
        intense = any(_INTENSE.search(e.text) for e in weak)
        er.level = 2 if strong or len(kinds) >= 3 or intense else 1
        er.evidence = strong + weak

    # IP
    reflect = _reflections(text, spans, masked) + list(extra.get("interpretation", []))
    # "That sounds really hard, not sleeping and carrying this on your own": a reaction that goes on to
    # name what they told you is also an interpretation.
    for ev in weak:
        if _EVALUATIVE.match(ev.text):
            s, e = next((x for x in spans if x[0] <= ev.start < x[1]), (ev.start, len(text)))
            if len(theirs & content_words(text[ev.end : e])) >= 1 and "?" not in text[s:e]:
                reflect.append(ev)
    understand = _hits(IP_WEAK, text, masked)
    shared = _self_disclosure(text, spans, masked)
    ip = Mechanism()
    if reflect or shared:
        ip.level = 2
    elif understand:
        # A stock "I understand" is weak, unless the sentence picks up their own words.
        ip.level = 1
        for ev in understand:
            s, e = next((x for x in spans if x[0] <= ev.start < x[1]), (ev.start, ev.end))
            if theirs & content_words(text[ev.end : e]):
                ip.level = 2
    ip.evidence = reflect + shared + understand
    # Reflections of a feeling ("It sounds like you're exhausted", "I can see how frightening that was") are
    # interpretations; reflections of content only ("It sounds like work has been busy") are restatements.
    feeling, content = [], []
    for ev in reflect + understand:
        _, e = next((x for x in spans if x[0] <= ev.start < x[1]), (ev.start, len(text)))
        if ev in understand or _FEELING_NAMED.search(text[ev.start : e]):
            feeling.append(ev)
        else:
            content.append(ev)

    # "So you lost your job in May?", "Cheating on you?": a question that checks their own words back is a
    # restatement of content, reported as paraphrase; on the human labels it is not an interpretation, so it
    # raises no IP level (see Scorer._levels).
    checks = [Evidence(q.text, q.start, q.end) for q in qs if q.check and theirs & content_words(q.text)
              and not any(c.start <= q.start < c.end for c in content + feeling)]

    # EX
    explore = [Evidence(q.text, q.start, q.end) for q in qs if q.explores]
    explore += [e for e in extra.get("exploration", []) if not any(q.start <= e.start < q.end for q in qs
                                                                   if not q.explores)]
    ex = Mechanism()
    if explore:
        # Strong: about their feelings, or an open question that takes up what they said; a closed question
        # about circumstances ("Is anyone helping you with the bills?") or a generic one is weak.
        specific = any(
            q.explores and not q.generic and (q.about_feelings or (q.open and (len(q.text.split()) >= 5
                                                                            or bool(theirs & content_words(q.text)))))
            for q in qs
        ) or bool(extra.get("exploration"))
        ex.level = 2 if specific else 1
        ex.evidence = explore
    else:
        soft = [Evidence(q.text, q.start, q.end) for q in qs if q.suggestion and q.to_you and not q.rhetorical]
        if soft:  # "Have you tried talking to someone?" asks about them, weakly
            ex.level = 1
            ex.evidence = soft
    dedup = _dedup
    return EpitomeResult(
        er=Mechanism(er.level, dedup(er.evidence)),
        ip=Mechanism(ip.level, dedup(ip.evidence)),
        ex=Mechanism(ex.level, dedup(ex.evidence)),
        reflections=dedup(feeling),
        restatements=dedup(content),
        checks=dedup(checks),
        self_disclosure=dedup(shared),
        explorations=dedup(explore),
        text=text,
        spans=spans,
    )


def _dedup(ev: list[Evidence]) -> list[Evidence]:
    seen: dict[tuple[int, int], Evidence] = {}
    for e in sorted(ev, key=lambda x: (x.start, -x.end)):
        if not any(a <= e.start and e.end <= b for a, b in seen):
            seen[(e.start, e.end)] = e
    return list(seen.values())
