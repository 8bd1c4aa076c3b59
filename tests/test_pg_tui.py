"""The TUI on PostgreSQL (issue 20): the TUI tests run on SQLite; these
show that the same screens work on a PostgreSQL database and that a
teammate's change reaches them through LISTEN/NOTIFY."""

import pytest

from leadtui.domain.models import build_draft
from leadtui.repository import open_repository
from leadtui.tui.app import LeadApp
from tests.conftest import frozen_clock
from tests.notifications import notes
from tests.tui_helpers import SIZE, column, inbox_names, settle, wait_until


@pytest.mark.slow
async def test_a_teammates_changes_reach_the_inbox_and_board_live(pg_url: str) -> None:
    me = open_repository(pg_url, actor="anna", clock=frozen_clock)
    teammate = open_repository(pg_url, actor="maria", clock=frozen_clock)
    first = me.add_lead(build_draft(name="Ahmed Hassan", value_cents="100"))
    app = LeadApp(me)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert inbox_names(app) == ["Ahmed Hassan"]
        assert app.sub_title.startswith(pg_url.split("?")[0].rsplit("/", 1)[1])
        teammate.add_lead(build_draft(name="Meanwhile"))
        await wait_until(pilot, lambda: "Meanwhile" in inbox_names(app))
        teammate.advance(first)
        await wait_until(pilot, lambda: "Ahmed Hassan" not in inbox_names(app))
        await pilot.press("2")  # the board
        await settle(pilot)
        assert [lead.id for lead in column(app, "contacted").leads] == [first]
        teammate.advance(first)
        await wait_until(
            pilot, lambda: [lead.id for lead in column(app, "engaged").leads] == [first]
        )
        assert column(app, "contacted").leads == []
        assert not [n for n in notes(app) if n.severity == "error"], notes(app)
