"""The leads a rep marked (`space`, `V`) for one bulk action, as they were
seen, so that a bulk move is refused, not misapplied, if a teammate moved
one of them meanwhile."""

from dataclasses import dataclass
from datetime import datetime

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.repository import Repository


class Selection:
    def __init__(self) -> None:
        self.leads: dict[int, Lead] = {}  # as shown when marked

    def __contains__(self, lead_id: object) -> bool:
        return lead_id in self.leads

    def __len__(self) -> int:
        return len(self.leads)

    def toggle(self, lead: Lead) -> bool:
        """Mark or unmark a lead; True if it is marked now."""
        if self.leads.pop(lead.id, None) is None:
            self.add(lead)
            return True
        return False

    def add(self, lead: Lead) -> None:
        self.leads[lead.id] = lead

    def clear(self) -> list[int]:
        """Unmark every lead; the ids that were marked."""
        marked = list(self.leads)
        self.leads.clear()
        return marked

    def seen(self) -> list[tuple[int, Stage | None]]:
        """Each marked lead with the stage it was seen in."""
        return [(lead_id, lead.stage) for lead_id, lead in self.leads.items()]

    def names(self, limit: int) -> list[str]:
        """The first `limit` marked leads as messages name them: "#8 Ann Lee"."""
        return [lead.tag() for lead in list(self.leads.values())[:limit]]


@dataclass(frozen=True)
class WholeList:
    """A stage's whole list as the rep sees it (its order and filter; in the
    inbox, without the leads hidden until later): what `V` marks."""

    stage: Stage
    order: str
    only: LeadFilter
    awake_at: datetime | None = None

    def read(self, repo: Repository, limit: int) -> list[Lead]:
        return repo.leads_in_stage(
            self.stage, limit=limit, order=self.order, only=self.only, awake_at=self.awake_at
        )

    def count(self, repo: Repository) -> int:
        return repo.count_in_stage(self.stage, awake_at=self.awake_at, only=self.only)
