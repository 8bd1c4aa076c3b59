"""The leads a rep marked (`space`, `V`) for one bulk action, each with the
stage it was seen in, so that a bulk move is refused, not misapplied, if a
teammate moved one of them meanwhile."""

from leadtui.models import Lead, Stage

# Shown before a marked lead's name in the inbox and on its card.
MARK = "● "


class Selection:
    def __init__(self) -> None:
        self.leads: dict[int, Stage] = {}
        self.names: dict[int, str] = {}  # "#8 Ann Lee", for the confirmation

    def __contains__(self, lead_id: object) -> bool:
        return lead_id in self.leads

    def __len__(self) -> int:
        return len(self.leads)

    def toggle(self, lead: Lead) -> bool:
        """Mark or unmark a lead; True if it is marked now."""
        if self.leads.pop(lead.id, None) is None:
            self.add(lead)
            return True
        self.names.pop(lead.id, None)
        return False

    def add(self, lead: Lead) -> None:
        self.leads[lead.id] = lead.stage
        self.names[lead.id] = lead.tag()

    def clear(self) -> list[int]:
        """Unmark every lead; the ids that were marked."""
        marked = list(self.leads)
        self.leads.clear()
        self.names.clear()
        return marked

    def seen(self) -> list[tuple[int, Stage | None]]:
        return list(self.leads.items())
