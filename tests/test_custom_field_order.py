"""A lead's custom fields in natural order (col0, col1, col2 ... col10), on
the Lead tab, in the edit form and in --json: as text, col10 and col11 came
between col1 and col2, out of the order a file numbered its columns in."""

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.render import custom_block

NAMES = [f"col{n}" for n in range(12)]


def test_custom_fields_come_in_natural_order(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {f"custom.{name}": "x" for name in reversed(NAMES)})
    repo.update_fields(lead_id, {"custom.Area 2": "x", "custom.area 10": "x"})
    lead = repo.get_lead(lead_id)
    expected = ["Area 2", "area 10", *NAMES]
    assert list(lead.custom) == expected
    assert [label for _, label in EditLeadScreen(lead).fields][-len(expected) :] == expected
    shown = custom_block(lead.custom).plain
    assert [shown.index(name + ": ") for name in expected] == sorted(
        shown.index(name + ": ") for name in expected
    )
    assert list(repo.whole_leads([lead])[0].custom) == expected
