"""Dialogue acts: what a reply *did* in the call, beside how it is scored.

The rubric's behaviours say how a reply was made (warmth, a reflection, a threat). A dialogue act says what
happened in the conversation: the balance was read out, they were told they are not liable, a payment was
asked for, a plan or a hold was offered, an organisation was named... The debtor's next line must fit those
facts: a line that answers "Six thousand dollars?" needs an amount to have been said. Scenarios use acts
in three places:

- route conditions: ``act.states_balance`` is true when this reply stated the balance, ``seen.act.X`` once any
  reply in the call has done X;
- a debtor line's ``presupposes: [states_amount]``: the line is only said when every act it presupposes has
  happened in the call (lint checks that a node is never reached with none of its lines usable);
- the call record: each turn's scores list the acts (``acts``), and preview shows them.

This module is the registry (ids and what each means, read by lint, the guide and the scorer); the detection
is the scorer's (``Scorer._step_acts``: rules where the facts decide, such as an amount equal to the balance,
and the learned act heads of :mod:`callsim.core.understanding.acts` for everything said in other words).
Nothing here imports the scorer, so loading and linting a scenario do not either.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Act:
    id: str
    doc: str  # one line for the authoring guide: what a reply did when it has this act
    learned: bool = True  # False: decided by rules alone (no head is trained for it)


ACTS: tuple[Act, ...] = (
    Act("states_amount", "said a sum of money (the balance, a fee, a plan figure, any amount)", learned=False),
    Act("states_balance", "said how much is owed in total"),
    Act("explains_breakdown", "explained how the amount is made up (principal, interest, fees, missed months)"),
    Act("not_liable", "told them they do not personally owe it or have to pay it"),
    Act("no_revival", "said a payment would not restart the time limit or revive an old debt", learned=False),
    Act("asks_payment", "asked them to pay something, now or by a date"),
    Act("no_payment_asked", "said they will not ask for or take a payment, card or bank details on this call",
        learned=False),
    Act("offers_plan", "proposed, offered or agreed a payment arrangement in instalments"),
    Act("offers_hold", "offered to pause collection, freeze interest or charges, or give time"),
    Act("names_organisation", "named an outside organisation (a debt-advice charity, HMRC or the IRS, a crisis "
                              "line, a benefits office, the ombudsman)"),
    Act("says_who_they_are", "gave the collector's name or the company they call from or for"),
    Act("asks_identity", "asked them to confirm who they are"),
    Act("asks_question", "asked them a real question"),
    Act("refuses", "refused what they asked for, or said it cannot be done"),
    Act("promises_followup", "promised to call back, write, email or send something later"),
    Act("changes_contact", "agreed to stop or change how, where or when they are contacted (no post to an old "
                           "address, no calls at work, a safe channel)", learned=False),
)

ACT_IDS: tuple[str, ...] = tuple(a.id for a in ACTS)
LEARNED_ACTS: tuple[str, ...] = tuple(a.id for a in ACTS if a.learned)
PREFIX = "act."
"""Conditions name an act ``act.<id>`` (this reply) and ``seen.act.<id>`` (any reply so far)."""


def act_names() -> set[str]:
    """Every name a condition may use for an act of this reply: ``act.<id>``."""
    return {PREFIX + a for a in ACT_IDS}


def guide_table() -> str:
    """The table of acts in docs/authoring.md, as it must read."""
    rows = ["| act | the reply ... |", "|---|---|", *(f"| `act.{a.id}` | {a.doc} |" for a in ACTS)]
    return "\n".join(rows) + "\n"
