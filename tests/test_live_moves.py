"""A teammate's moves, followed on the board and in the inbox without
re-reading a page (tui/follow.py, StageColumn.apply_changes). Specification:
after remote moves, renames and value changes, every column holds the same
cards in the same order, its header the same count and totals, the
cursor the same card, and the inbox tab the same count, as a full re-read
shows; and no page was read to get there."""

from typing import Any

from textual.widgets import Static, TabbedContent

from leadtui.domain.models import Stage
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import frozen_clock
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, settle, wait_until


def board_shown(app: LeadApp) -> list[tuple[str, list[int], str, int | None]]:
    """Each column: its cards' leads, its header and the lead under its cursor."""
    board = main_screen(app).query_one(BoardPane)
    return [
        (
            col.stage.value,
            [lead.id for lead in col.leads],
            str(col.query_one(".column-header", Static).render()),
            col.selected_lead_id(),
        )
        for col in board.columns
    ]


def inbox_label(app: LeadApp) -> str:
    return str(main_screen(app).query_one(TabbedContent).get_tab("inbox").content)


async def test_a_teammates_moves_show_on_the_board_as_a_re_read_would(
    sample_repo: Repository, page_reads: list[Stage]
) -> None:
    app = LeadApp(sample_repo)
    teammate = open_repository(sample_repo.path, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "l", "j", "j")  # the cursor on Contacted's third card
        await settle(pilot)
        kept = column(app, "contacted").selected_lead_id()
        new = [lead.id for lead in column(app, "new").leads]
        contacted = column(app, "contacted").leads
        page_reads.clear()
        teammate.advance(new[0])  # into Contacted, most likely above the cursor
        teammate.advance(new[-1])
        teammate.back(contacted[-1].id)  # out of Contacted, into New
        teammate.update_fields(contacted[0].id, {"value": "1,234,567"})
        teammate.update_fields(new[1], {"name": "Renamed Meanwhile"})
        await wait_until(
            pilot, lambda: new[-1] in [lead.id for lead in column(app, "contacted").leads]
        )
        await wait_until(
            pilot, lambda: "Renamed Meanwhile" in [lead.name for lead in column(app, "new").leads]
        )
        await settle(pilot)
        followed, label = board_shown(app), inbox_label(app)
        assert page_reads == []  # not one page was read again
        assert column(app, "contacted").selected_lead_id() == kept
        main_screen(app).query_one(BoardPane).reload()  # the truth: read whole
        await settle(pilot)
        assert page_reads  # (it did read)
        assert followed == board_shown(app)
        main_screen(app).query_one(InboxPane).recount()
        await settle(pilot)
        assert label == inbox_label(app)
        assert label == f"1 Inbox {sample_repo.count_in_stage(Stage.NEW, awake_at=now_of(app)):,}"


def now_of(app: LeadApp) -> Any:
    return main_screen(app).repo.clock()


async def test_a_teammates_move_out_of_new_updates_the_inbox_and_its_count(
    sample_repo: Repository, page_reads: list[Stage]
) -> None:
    app = LeadApp(sample_repo)
    teammate = open_repository(sample_repo.path, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = inbox_names(app)
        before = sample_repo.count_in_stage(Stage.NEW, awake_at=now_of(app))
        assert inbox_label(app) == f"1 Inbox {before:,}"
        top = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
        page_reads.clear()
        teammate.advance(top.id)
        await wait_until(pilot, lambda: inbox_label(app) == f"1 Inbox {before - 1:,}")
        await settle(pilot)
        assert inbox_names(app) == names[1:]
        assert page_reads == []
