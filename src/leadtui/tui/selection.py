"""The leads a rep marked (`space`, `V`) for one bulk action, each with the
stage it was seen in, so that a bulk move is refused, not misapplied, if a
teammate moved one of them meanwhile."""

from leadtui.models import Stage

# Shown before a marked lead's name in the inbox and on its card.
MARK = "● "


class Selection:
    def __init__(self) -> None:
        self.leads: dict[int, Stage] = {}

    def __contains__(self, lead_id: object) -> bool:
        return lead_id in self.leads

    def __len__(self) -> int:
        return len(self.leads)

    def toggle(self, lead_id: int, stage: Stage) -> bool:
        """Mark or unmark a lead; True if it is marked now."""
        if self.leads.pop(lead_id, None) is None:
            self.leads[lead_id] = stage
            return True
        return False

    def add(self, lead_id: int, stage: Stage) -> None:
        self.leads[lead_id] = stage

    def clear(self) -> list[int]:
        """Unmark every lead; the ids that were marked."""
        marked = list(self.leads)
        self.leads.clear()
        return marked

    def seen(self) -> list[tuple[int, Stage | None]]:
        return list(self.leads.items())
