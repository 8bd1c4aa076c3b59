"""The pipeline's stages and the rules for moving a lead between them. Pure.

The repository asks these functions what a move means before it writes
anything, so an illegal move never reaches the database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadtui.domain.errors import IllegalMove, InvalidInput
from leadtui.domain.models import BANT_CRITERIA, BANT_YES_TO_QUALIFY, Lead, Lifecycle, Stage
from leadtui.domain.sanitize import clean_line

OPEN_STAGES: tuple[Stage, ...] = (
    Stage.NEW,
    Stage.CONTACTED,
    Stage.ENGAGED,
    Stage.QUALIFIED,
    Stage.OPPORTUNITY,
)
CLOSED_STAGES: tuple[Stage, ...] = (Stage.WON, Stage.LOST)
BOARD_STAGES: tuple[Stage, ...] = OPEN_STAGES + CLOSED_STAGES

# Chance that a lead in each stage closes as won: the usual ladder, used for
# the weighted pipeline value (value x probability).
WIN_PROBABILITY: dict[Stage, float] = {
    Stage.NEW: 0.05,
    Stage.CONTACTED: 0.10,
    Stage.ENGAGED: 0.20,
    Stage.QUALIFIED: 0.40,
    Stage.OPPORTUNITY: 0.60,
    Stage.WON: 1.0,
    Stage.LOST: 0.0,
}


# A lead "rots" when nothing happened to it (no touch, no stage change) for
# longer than its stage allows: fresh leads go cold fastest.
ROTTING_DAYS: dict[Stage, int] = {
    Stage.NEW: 3,
    Stage.CONTACTED: 7,
    Stage.ENGAGED: 14,
    Stage.QUALIFIED: 14,
    Stage.OPPORTUNITY: 21,
}


# The lifecycle each stage implies: reaching the stage moves the lifecycle
# up to at least this, never down (a person can move it back by hand).
# schema.py's v4 backfill spells the same rule in SQL.
STAGE_LIFECYCLE: dict[Stage, Lifecycle] = {
    Stage.CONTACTED: Lifecycle.IQL,
    Stage.ENGAGED: Lifecycle.MQL,
    Stage.QUALIFIED: Lifecycle.SQL,
    Stage.OPPORTUNITY: Lifecycle.OPPORTUNITY,
    Stage.WON: Lifecycle.CUSTOMER,
}


def implied_lifecycle(current: Lifecycle, stage: Stage, *, has_contact: bool) -> Lifecycle:
    """The lifecycle after reaching `stage`: forward only. A lead that gave
    an email or phone is information-qualified (IQL) from the start."""
    floor = STAGE_LIFECYCLE.get(stage, Lifecycle.IQL if has_contact else Lifecycle.PROSPECT)
    return floor if floor.rank > current.rank else current


@dataclass(frozen=True)
class Move:
    """A legal stage change, ready to be written."""

    from_stage: Stage
    to_stage: Stage
    reason: str | None = None

    @property
    def verb(self) -> str:
        """What the move is called in the journal and by `u`: "Advance"."""
        if self.to_stage is Stage.WON:
            return "Win"
        if self.to_stage is Stage.LOST:
            return "Lose"
        if not is_open(self.from_stage):
            return "Reopen"
        forward = OPEN_STAGES.index(self.to_stage) > OPEN_STAGES.index(self.from_stage)
        return "Advance" if forward else "Move back"


def is_open(stage: Stage) -> bool:
    return stage in OPEN_STAGES


def _require_open(stage: Stage, verb: str) -> None:
    if not is_open(stage):
        raise IllegalMove(f"cannot {verb} a {stage.value} lead; reopen it first")


def advance(stage: Stage) -> Move:
    """One step along the ladder; advancing an Opportunity wins it."""
    _require_open(stage, "advance")
    position = OPEN_STAGES.index(stage)
    target = OPEN_STAGES[position + 1] if position + 1 < len(OPEN_STAGES) else Stage.WON
    return Move(stage, target)


def back(stage: Stage) -> Move:
    """One step back along the open stages (a lead advanced by mistake)."""
    _require_open(stage, "move back")
    position = OPEN_STAGES.index(stage)
    if position == 0:
        raise IllegalMove(f"lead is already at the first stage ({stage.value})")
    return Move(stage, OPEN_STAGES[position - 1])


def rotting(stage: Stage, since: datetime | None, now: datetime) -> bool:
    """Nothing happened (no touch, no stage change) since `since` for longer
    than the stage allows; closed leads never rot."""
    limit = ROTTING_DAYS.get(stage)
    return limit is not None and since is not None and now - since > timedelta(days=limit)


def qualifies(stage: Stage) -> bool:
    """Whether advancing from `stage` moves a lead to Qualified (which asks
    for enough BANT first)."""
    return is_open(stage) and advance(stage).to_stage is Stage.QUALIFIED


def thin_bant(leads: Iterable[Lead]) -> list[Lead]:
    """The leads that advancing would qualify with fewer BANT answers of yes
    than a qualified lead is expected to have."""
    return [
        lead for lead in leads if qualifies(lead.stage) and lead.bant_yes() < BANT_YES_TO_QUALIFY
    ]


def qualify_question(leads: Sequence[Lead], named: int = 3) -> str | None:
    """What to ask before advancing `leads`, one or many, when any of them
    would be qualified on thin BANT (allowed, but never silently); None when
    nothing needs asking. Both front ends ask exactly this."""
    thin = thin_bant(leads)
    if not thin:
        return None
    if len(thin) == 1:
        lead = thin[0]
        return (
            f"{lead.tag()}: only {lead.bant_yes()} of {len(BANT_CRITERIA)} BANT answers are"
            f" yes ({BANT_YES_TO_QUALIFY} expected). Qualify anyway?"
        )
    expected = f"{BANT_YES_TO_QUALIFY} of {len(BANT_CRITERIA)} expected"
    names = ", ".join(lead.tag() for lead in thin[:named])
    more = f" and {len(thin) - named:,} more" if len(thin) > named else ""
    return (
        f"{len(thin):,} leads would be qualified with fewer BANT answers of yes than"
        f" expected ({expected}): {names}{more}. Qualify them anyway?"
    )


# A reason is a label the KPI tab counts leads by, not a story: past this
# it is refused (it used to be cut, silently) and the detail goes in a note.
MAX_LOST_REASON = 500


def lost_reason(text: str) -> str:
    """The reason as stored, or InvalidInput saying what is wrong with it."""
    cleaned = clean_line(text)
    if not cleaned:
        raise InvalidInput("a lost lead needs a reason")
    if len(cleaned) > MAX_LOST_REASON:
        raise InvalidInput(
            f"a lost reason is at most {MAX_LOST_REASON} characters, not {len(cleaned):,}:"
            " keep the detail in a note"
        )
    return cleaned


def reason_key(reason: str) -> str:
    """What makes two lost reasons one: "No budget", "NO BUDGET" and
    "no  budget" are one row of the KPI's reasons, not three."""
    return " ".join(reason.split()).casefold()


def reason_spellings(counted: Iterable[tuple[str, int]]) -> list[str]:
    """One spelling per reason from (spelling, leads) pairs: its most used
    spelling (then the first in sort order), the most used reason first."""
    totals: dict[str, int] = {}
    best: dict[str, tuple[int, str]] = {}
    for spelling, count in counted:
        key = reason_key(spelling)
        if not key:
            continue
        totals[key] = totals.get(key, 0) + count
        if key not in best or (-count, spelling) < (-best[key][0], best[key][1]):
            best[key] = (count, spelling)
    ranked = sorted(totals, key=lambda key: (-totals[key], best[key][1]))
    return [best[key][1] for key in ranked]


def spelled_as(reason: str, known: Iterable[str]) -> str:
    """`reason` in the spelling the team already gave it (`known`), when one
    differs from it only in case and spacing; else `reason` itself."""
    key = reason_key(reason)
    return next((spelling for spelling in known if reason_key(spelling) == key), reason)


class ReasonSpeller:
    """Lost reasons respelled as spelled_as does, for many leads in a row
    (an import): a reason the team has not given yet is spelled as its
    first lead spells it, so "price", "Price " and "PRICE" in one file are
    one reason, as if each were lost in turn with `x`."""

    def __init__(self, known: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        for spelling in known:  # the most used first: it is kept
            self._by_key.setdefault(reason_key(spelling), spelling)
        self._seen: dict[str, str] = {}  # a text as written → its spelling

    def __call__(self, reason: str) -> str:
        spelled = self._seen.get(reason)
        if spelled is None:
            spelled = self._by_key.setdefault(reason_key(reason), reason)
            self._seen[reason] = spelled
        return spelled


def lose(stage: Stage, reason: str) -> Move:
    """Lost is the exit from any open stage, and it always has a reason."""
    _require_open(stage, "lose")
    return Move(stage, Stage.LOST, lost_reason(reason))


def win(stage: Stage) -> Move:
    _require_open(stage, "win")
    return Move(stage, Stage.WON)


def reopen(stage: Stage, stage_before_closing: Stage | None) -> Move:
    """A won or lost lead goes back to the open stage it closed from (New if
    that is unknown, e.g. a lead imported as lost)."""
    if is_open(stage):
        raise IllegalMove(f"lead is already open ({stage.label})")
    target = stage_before_closing if stage_before_closing in OPEN_STAGES else Stage.NEW
    assert target is not None
    return Move(stage, target)
