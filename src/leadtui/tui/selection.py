"""The leads a rep marked (`space`, `V`) for one bulk action, as they were
seen, so that a bulk move is refused, not misapplied, if a teammate moved
one of them meanwhile."""

from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from leadtui.domain import pipeline
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.domain.orders import page_key
from leadtui.repository import Changes, PageCursor, Repository

# Leads read a page at a time when a whole list is marked.
_PAGE = 2_000


@dataclass(frozen=True, slots=True)
class Mark:
    """A marked lead as seen: what a bulk move and its confirmation need.
    (A whole column can be 100,000 leads: a Lead each would be ~500 MB.)"""

    id: int
    stage: Stage
    tag: str
    owner: str  # "" for nobody: a reassignment leaves a lead a teammate reassigned since


class Selection:
    def __init__(self) -> None:
        self.marks: dict[int, Mark] = {}  # as shown when marked
        # The marked leads advancing would qualify on thin BANT, whole: the
        # confirmation names and counts them (pipeline.qualify_question).
        self.thin: dict[int, Lead] = {}

    def __contains__(self, lead_id: object) -> bool:
        return lead_id in self.marks

    def __len__(self) -> int:
        return len(self.marks)

    def toggle(self, lead: Lead) -> bool:
        """Mark or unmark a lead; True if it is marked now."""
        if self.marks.pop(lead.id, None) is None:
            self.add(lead)
            return True
        self.thin.pop(lead.id, None)
        return False

    def add(self, lead: Lead) -> None:
        self.marks[lead.id] = Mark(lead.id, lead.stage, lead.tag(), lead.owner or "")
        if pipeline.thin_bant([lead]):
            self.thin[lead.id] = lead

    def merge(self, other: "Selection") -> None:
        """Add the marks of another selection (one filled by a worker)."""
        self.marks.update(other.marks)
        self.thin.update(other.thin)

    def clear(self) -> list[int]:
        """Unmark every lead; the ids that were marked."""
        marked = list(self.marks)
        self.marks.clear()
        self.thin.clear()
        return marked

    def left(self, changes: Changes) -> list[int]:
        """Unmark the leads a teammate's change (live refresh) took out of
        the list they were marked in: gone, moved to another stage, or no
        longer let through by the filter. Their ids."""

        def here(lead_id: int) -> bool:
            lead = changes.leads.get(lead_id)
            stays = lead is not None and lead.stage is self.marks[lead_id].stage
            return stays and lead_id in changes.passing

        return self.unmark([i for i in changes.ids if i in self.marks and not here(i)])

    def unmark(self, lead_ids: list[int]) -> list[int]:
        """Unmark these leads (those marked); the ids unmarked."""
        gone = [lead_id for lead_id in lead_ids if self.marks.pop(lead_id, None) is not None]
        for lead_id in gone:
            self.thin.pop(lead_id, None)
        return gone

    def seen(self) -> list[tuple[int, Stage | None]]:
        """Each marked lead with the stage it was seen in."""
        return [(lead_id, mark.stage) for lead_id, mark in self.marks.items()]

    def owners_seen(self) -> list[tuple[int, str | None]]:
        """Each marked lead with the owner it was seen with."""
        return [(lead_id, mark.owner) for lead_id, mark in self.marks.items()]

    def names(self, limit: int) -> list[str]:
        """The first `limit` marked leads as messages name them: "#8 Ann Lee"."""
        return [mark.tag for mark in list(islice(self.marks.values(), limit))]

    def qualify_question(self) -> str | None:
        """What to ask before advancing the marked leads (thin BANT), if anything."""
        return pipeline.qualify_question(list(self.thin.values()))


@dataclass(frozen=True)
class WholeList:
    """A stage's whole list as the rep sees it (its order and filter; in the
    inbox, without the leads hidden until later): what `V` marks."""

    stage: Stage
    order: str
    only: LeadFilter
    awake_at: datetime | None = None

    def mark(self, repo: Repository, selection: Selection, limit: int) -> list[int]:
        """Mark the first `limit` leads of the list, a page at a time (each
        page's Leads are dropped once marked); the ids marked."""
        marked: list[int] = []
        after: PageCursor | None = None
        while len(marked) < limit:
            page = repo.leads_in_stage(
                self.stage, after=after, limit=min(_PAGE, limit - len(marked)), order=self.order,
                only=self.only, awake_at=self.awake_at,
            )  # fmt: skip
            for lead in page:
                selection.add(lead)
            marked += [lead.id for lead in page]
            if len(page) < _PAGE:
                break
            after = page_key(page[-1], self.order)
        return marked

    def count(self, repo: Repository) -> int:
        return repo.count_in_stage(self.stage, awake_at=self.awake_at, only=self.only)
