"""A move the database could not take says so: the card leaves its list
at the keypress, before the save, and on PostgreSQL with the server gone
the reload that brings it back fails too, so "cannot use …" alone read
as if the move had been made."""

from typing import Any

import pytest

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from tests.notifications import notes
from tests.tui_helpers import SIZE, inbox_names, selected_inbox_lead, settle, wait_until


async def test_a_move_the_database_refused_is_named_not_moved(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    def server_gone(*args: Any, **kwargs: Any) -> None:
        raise DatabaseUnavailable("cannot use postgresql:///crm: is the server running?")

    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead_id = selected_inbox_lead(app)
        name = sample_repo.get_lead(lead_id).name
        monkeypatch.setattr(sample_repo, "advance", server_gone)
        await pilot.press("a")
        await wait_until(pilot, lambda: any("not moved" in n.message for n in notes(app)))
        said = [n for n in notes(app) if "not moved" in n.message]
        assert said[0].message == (
            f"#{lead_id} not moved: cannot use postgresql:///crm: is the server running?"
        )
        assert said[0].severity == "error"
        await wait_until(pilot, lambda: name in inbox_names(app))  # back, as it was
