"""The scenario format as pydantic models. Unknown keys are rejected everywhere (``extra="forbid"``).

These models say what a scenario *is*; cross-references (route targets, names in conditions, behaviour
ids) are checked by :mod:`callsim.core.lint`, which can report every problem with its position.
The JSON Schema editors use is generated from here (``callsim schema``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_URL = "https://callsim.dev/schema/scenario.schema.json"
SCHEMA_RELATIVE = "../schema/scenario.schema.json"

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")]
ScenarioId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", description="lower-case id, may use - and _")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Jurisdiction(StrEnum):
    UK = "UK"
    US = "US"


class Situation(StrEnum):
    """The kind of hardship or difficulty. New values may be added in later format versions."""

    medical_emergency = "medical_emergency"
    job_loss = "job_loss"
    bereavement = "bereavement"
    young_parent = "young_parent"
    global_crisis = "global_crisis"
    mental_health = "mental_health"
    hostile = "hostile"
    dispute = "dispute"
    third_party = "third_party"
    elderly_capacity = "elderly_capacity"
    gambling = "gambling"
    self_employed = "self_employed"
    economic_abuse = "economic_abuse"
    breathing_space = "breathing_space"
    crisis = "crisis"


class Action(StrEnum):
    """Next steps a creditor might take. The compliance checks compare threats with these."""

    legal_action = "legal_action"  # court claim, lawsuit, CCJ, judgment
    bailiffs = "bailiffs"  # enforcement agents, sheriff, visit to the home
    garnishment = "garnishment"  # wage garnishment, attachment of earnings, bank levy
    seizure = "seizure"  # repossession, taking goods, a charge on the home
    credit_reporting = "credit_reporting"  # reporting arrears or default to credit agencies
    default_notice = "default_notice"
    debt_sale = "debt_sale"  # passing or selling the debt to another firm


class Persona(Strict):
    name: str = Field(description="The debtor's name, as the collector would see it on file.")
    age: int = Field(ge=16, le=110)
    situation: Situation
    background: str = Field("", description="Notes for the trainer: who this person is, what is going on.")
    speaking_style: str = Field("", description="How they talk: pace, words they use, what sets them off.")
    facts: dict[Id, str] = Field(
        default_factory=dict,
        description="Things the debtor may disclose during the call, by id. Nodes list them in 'discloses'.",
    )
    on_the_line: str = Field(
        "",
        description="Who speaks in this call when it is not the debtor (a parent, a flatmate who answers): "
                    "their name. The transcript labels the lines with it instead of the debtor's name.",
    )

    @property
    def voice(self) -> str:
        """The first name the transcript gives the other side's lines: whoever is on the line."""
        return (self.on_the_line or self.name).split()[0]


class BreakdownItem(Strict):
    label: str
    amount: float = Field(ge=0)
    kind: Literal["principal", "interest", "fee", "charge", "other"] = "principal"


class ActionFacts(Strict):
    lawful: list[Action] = Field(default_factory=list, description="Actions the creditor could lawfully take.")
    intended: list[Action] = Field(
        default_factory=list, description="Actions actually intended. Mentioning others as a threat is a violation."
    )


class Debt(Strict):
    creditor: str
    collector: str = Field("", description="The company the trainee works for, if not the creditor.")
    account_ref: str = ""
    currency: Literal["GBP", "USD", "EUR"] = "GBP"
    balance: float = Field(ge=0)
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    days_past_due: int = Field(0, ge=0)
    time_barred: bool = False
    actions: ActionFacts = Field(default_factory=ActionFacts)

    @property
    def symbol(self) -> str:
        return {"GBP": "£", "USD": "$", "EUR": "€"}[self.currency]

    def known_amounts(self) -> list[float]:
        """Amounts a collector may truthfully state: the balance, each item, and sums of items."""
        amounts = {round(self.balance, 2)}
        items = [i.amount for i in self.breakdown]
        amounts.update(round(a, 2) for a in items)
        n = len(items)
        if n <= 8:
            for mask in range(1, 1 << n):
                amounts.add(round(sum(items[i] for i in range(n) if mask >> i & 1), 2))
        return sorted(amounts)

    def fee_amounts(self) -> list[float]:
        return [i.amount for i in self.breakdown if i.kind in ("fee", "charge", "interest")]


class BudgetItem(Strict):
    label: str
    amount: float = Field(ge=0, description="Per month.")


class Budget(Strict):
    """Monthly income and essential outgoings. Disclosed only when the trainee asks about them."""

    income: list[BudgetItem] = Field(default_factory=list)
    outgoings: list[BudgetItem] = Field(default_factory=list)
    affordable: float | None = Field(
        None, ge=0, description="What they can really pay a month; default: income minus outgoings (not below 0)."
    )

    @property
    def monthly_income(self) -> float:
        return sum(i.amount for i in self.income)

    @property
    def monthly_outgoings(self) -> float:
        return sum(i.amount for i in self.outgoings)

    @property
    def affordable_monthly(self) -> float:
        if self.affordable is not None:
            return self.affordable
        return max(0.0, round(self.monthly_income - self.monthly_outgoings, 2))


class MoodVar(Strict):
    min: float = 0
    max: float = 10
    start: float
    description: str = ""
    nudges: float = Field(
        1.0, ge=0, le=3,
        description="How much the rubric's default nudges move this variable each turn (a warm reply +1 trust): "
                    "1 as the rubric says, 0.5 for a deeply suspicious debtor whose trust is slow to win, 0 for "
                    "none (only the routes' own changes move it).",
    )

    @model_validator(mode="after")
    def _bounds(self) -> MoodVar:
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        if not self.min <= self.start <= self.max:
            raise ValueError(f"start ({self.start}) must be between min ({self.min}) and max ({self.max})")
        return self


FlagRole = Literal["identity_verified", "vulnerability", "stop_collection", "third_party"]


class FlagDecl(Strict):
    start: bool = False
    description: str = ""
    role: FlagRole | None = Field(
        None,
        description=(
            "What the compliance checks read this flag as. identity_verified: until set, stating debt"
            " details is a disclosure. vulnerability: pressing for payment while set is a blocker."
            " stop_collection (crisis, capacity, Breathing Space): any request for payment is a blocker."
            " third_party: someone else is on the line, so any debt detail is a disclosure."
        ),
    )


class EndWhen(Strict):
    """Checked after every turn, once the route's effects are applied: the first that holds ends the call at
    ``goto`` instead of the route's target (unless the route already ended the call)."""

    when: str = Field(description="A condition, e.g. 'anger >= 10'.")
    goto: Id


Tone = Literal["warm", "calm", "wary", "upset", "angry"]


class Line(Strict):
    text: str
    cue: str = Field("", description="A non-verbal cue shown with the line, e.g. 'voice shaking'.")
    when: str | None = Field(None, description="Only used when this condition holds (e.g. a mood band).")
    tone: Tone | None = Field(
        None, description="How the line sounds: warm (grateful, relieved), calm (matter-of-fact), wary (guarded, "
                          "hesitant), upset (distressed, frightened) or angry. `callsim explore` reports a warm line "
                          "said while anger is high, or an angry one while trust is high.",
    )
    presupposes: list[str] = Field(
        default_factory=list,
        description="Dialogue acts this line takes for granted, e.g. [states_balance] for 'Six thousand dollars?'. "
                    "The line is only said once every one of them has happened in the call; lint checks that the "
                    "node always has a line it can say.",
    )
    asks: list[str] = Field(
        default_factory=list,
        description="This line asks the trainee something, and these dialogue acts or rubric behaviours answer it "
                    "(any one), e.g. [explains_breakdown] for 'Where does that figure come from?'. After the reply, "
                    "`answered` or `unanswered` holds in conditions.",
    )
    press: str = Field(
        "", description="Said before the next line when the reply did not answer this line's question (`asks`) "
                        "and the call goes on, e.g. 'You still haven't told me where that comes from.' A route's "
                        "own `react` comes first.",
    )


def _lines(v: Any) -> Any:
    if isinstance(v, str | dict):
        v = [v]
    if isinstance(v, list):
        return [{"text": x} if isinstance(x, str) else x for x in v]
    return v


class ModelAnswer(Strict):
    """A better line to show a trainee whose reply here was weak. Written as a string, or with a condition."""

    text: str
    when: str | None = Field(
        None, description="Only shown when this condition holds before the reply (e.g. 'seen.third_party_disclosure' "
                          "for an answer that apologises for reading the debt out, 'not identity_verified' for one "
                          "that asks who they are).",
    )


class Choice(Strict):
    """A guided-mode option: the text the trainee picks and what it counts as."""

    text: str
    counts_as: list[str] = Field(default_factory=list, description="Behaviour ids this choice demonstrates.")


class Route(Strict):
    when: str | None = Field(None, description="Condition; leave out for the default route (last).")
    goto: Id
    mood: dict[str, float] = Field(default_factory=dict, description="Changes to mood, e.g. {trust: 2, anger: -1}.")
    set: dict[str, bool] = Field(default_factory=dict, description="Flags to set, e.g. {identity_verified: true}.")
    note: str = Field("", description="Why this route fires, shown in previews and debug panels.")
    react: str = Field(
        "", description="A short line the debtor says first, in answer to what made this route fire (e.g. 'OK. "
                        "Thank you for telling me that.' on a route taken when the trainee said they are not "
                        "liable), before the next node's line.",
    )


Result = Literal["resolved", "partial", "failed"]
RESULTS: tuple[str, ...] = get_args(Result)  # an ending's result, from best to worst


class Outcome(Strict):
    id: Id
    label: str
    result: Result
    claims: list[str] = Field(  # an authoring check only: left out of call records (exclude), so they keep their format
        default_factory=list, exclude=True,
        description="Behaviour ids the label says happened ('referred to free debt advice': "
                    "signposts_debt_advice). Lint checks that every route into this ending requires each of them "
                    "(the behaviour in the reply, or seen. it earlier), so the debrief never claims what was not done.",
    )


class Node(Strict):
    say: list[Line] = Field(min_length=1, description="What the debtor says here: one line or several variants.")
    cues: list[str] = Field(default_factory=list, description="Non-verbal cues for every variant.")
    discloses: list[Id] = Field(default_factory=list, description="Persona facts revealed when this node plays.")
    expects: list[str] = Field(default_factory=list, description="Behaviour ids a good reply shows here.")
    model_answers: list[ModelAnswer] = Field(
        default_factory=list,
        description="What a skilled collector might say here: shown as the better line when a reply was weak, the "
                    "first whose 'when' holds and that uses only names the call has given so far.",
    )
    choices: list[Choice] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    final: bool = False
    outcome: Outcome | None = None

    _say = field_validator("say", mode="before")(classmethod(lambda cls, v: _lines(v)))
    _model_answers = field_validator("model_answers", mode="before")(classmethod(lambda cls, v: _lines(v)))

    @property
    def is_final(self) -> bool:
        return self.final or self.outcome is not None


class WalkthroughExpect(Strict):
    outcome: Id
    passed: bool | None = None
    min_empathy: float | None = Field(None, ge=0, le=100)
    max_empathy: float | None = Field(None, ge=0, le=100)
    min_deescalation: float | None = Field(None, ge=0, le=100)
    max_deescalation: float | None = Field(None, ge=0, le=100)
    min_overall: float | None = Field(None, ge=0, le=100)
    max_overall: float | None = Field(None, ge=0, le=100)
    compliance: Literal["pass", "fail"] | None = None
    violations: list[str] = Field(default_factory=list, description="Violation ids that must be raised.")


class Walkthrough(Strict):
    name: str
    seed: int = 1
    replies: list[str] = Field(min_length=1)
    expect: WalkthroughExpect


# The styles of trainee `callsim explore` plays (core/explore.py), named here so a scenario's realism targets can
# name them: "any" in a target means every run, whatever its style.
ExploreStyle = Literal["excellent", "plain", "harmful", "off-script", "typos"]


class RealismTarget(Strict):
    """How often a style of trainee should reach an ending or a result, checked by ``callsim explore``."""

    style: ExploreStyle | Literal["any"] = Field(
        description="Which runs: excellent, plain, harmful, off-script, typos, or any (every run).")
    reaches: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="What they reach: a result (resolved, partial, failed) or an ending's outcome id.")
    at_least: float | None = Field(None, ge=0, le=1, description="The share of those runs (0-1) that must reach it "
                                                                "at least, e.g. 0.6.")
    at_most: float | None = Field(None, ge=0, le=1, description="The share of those runs (0-1) that may reach it at "
                                                               "most, e.g. 0.1.")

    @model_validator(mode="after")
    def _a_bound(self) -> RealismTarget:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least or at_most (a share of runs, 0-1)")
        return self


HIGH_TRUST = 7.0  # a hang-up or complaint reached with trust at or above this is a mismatch (Realism.high_trust)
HANGS_UP = frozenset({"upset", "angry"})  # the tones of a line that ends a call in anger or distress
HIGH_ANGER = 0.7  # of the anger variable's range: a warm line said from here up does not fit


class Realism(Strict):
    """What ``callsim explore`` checks this scenario against (docs/authoring.md, Realism)."""

    high_trust: float | None = Field(
        None, description="A hang-up or complaint (a failed ending whose line is upset, angry or has no tone) reached "
                          "while the mood variable trust is at or above this is reported as a mismatch. 7 when "
                          "left out.")
    targets: list[RealismTarget] = Field(
        default_factory=list,
        description="How often each style of trainee should reach an ending or result, e.g. {style: harmful, "
                    "reaches: failed, at_least: 0.6}.")


class Scenario(Strict):
    id: ScenarioId
    title: str
    version: int = Field(ge=1)
    difficulty: int = Field(ge=1, le=5)
    jurisdiction: Jurisdiction
    tags: list[str] = Field(default_factory=list)
    summary: str
    brief: str = Field("", description="What the trainee is told before the call.")
    learning_goals: list[str] = Field(
        default_factory=list, description="What a trainee should practise here, in plain words (shown in the brief "
                                          "and the scenario catalogue)."
    )
    rules: list[str] = Field(
        default_factory=list, description="Ids of the rules this call trains, from callsim's rule data "
                                          "(`callsim drill rules`): the debrief cites each, with the date it "
                                          "took effect."
    )
    pass_mark: float = Field(80, ge=0, le=100)
    persona: Persona
    debt: Debt
    budget: Budget = Field(default_factory=Budget)
    mood: dict[Id, MoodVar] = Field(default_factory=dict)
    flags: dict[Id, FlagDecl | None] = Field(default_factory=dict)
    end_when: list[EndWhen] = Field(default_factory=list)
    start: Id
    nodes: dict[Id, Node] = Field(min_length=1)
    walkthroughs: list[Walkthrough] = Field(default_factory=list)
    realism: Realism = Field(
        default_factory=Realism,
        description="Realism targets and bounds that `callsim explore` checks the scenario against.")

    def flag_start(self, name: str) -> bool:
        decl = self.flags.get(name)
        return bool(decl and decl.start)

    @property
    def outcomes(self) -> dict[str, Outcome]:
        return {n.outcome.id: n.outcome for n in self.nodes.values() if n.outcome is not None}


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_URL
    schema["title"] = "callsim scenario"
    return schema
