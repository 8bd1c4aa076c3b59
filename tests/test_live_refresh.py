"""Live refresh reads only what other processes changed (repository/
watch.py, tui/live.py). Specification: a teammate's write redraws exactly
the row or card of the lead it changed, without re-reading a page; a lead
that enters the range shown (above the fold) is shown, in its place; one
that leaves it goes; a change the journal does not name (a rescore)
re-reads the screen whole. On both engines: on PostgreSQL a NOTIFY wakes
the console instead of PRAGMA data_version, and it reads the same way."""

from typing import Any

import pytest
from rich.text import Text
from textual.widgets.option_list import Option

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, copy_database, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.card_list import LineCards
from leadtui.tui.line_table import LineTable
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import frozen_clock
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, settle, wait_until


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def shared(request: pytest.FixtureRequest, sample_repo: Repository) -> Repository:
    """The demo data set on the engine the test runs on (copied into
    PostgreSQL with `db copy`), as the console's user sees it."""
    if request.param == "sqlite":
        return sample_repo
    url: str = request.getfixturevalue("pg_url")
    copy_database(sample_repo.target, url)
    return open_repository(url, actor="tester", clock=frozen_clock)


async def test_a_teammates_rename_redraws_only_that_row(
    shared: Repository, page_reads: list[Stage]
) -> None:
    app = LeadApp(shared)
    teammate = open_repository(shared.target, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = inbox_names(app)
        renamed = shared.leads_in_stage(Stage.NEW)[2]
        page_reads.clear()
        teammate.update_fields(renamed.id, {"name": "Renamed Meanwhile"})
        await wait_until(pilot, lambda: "Renamed Meanwhile" in inbox_names(app))
        await settle(pilot)
        after = inbox_names(app)
        assert after.index("Renamed Meanwhile") == before.index(renamed.name)
        assert [n for n in after if n != "Renamed Meanwhile"] == [
            n for n in before if n != renamed.name
        ]
        assert page_reads == []  # no page was re-read for it


@pytest.fixture
def drawn_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first cell of every inbox row rendered from here on."""
    drawn: list[str] = []
    original = LineTable._row_line

    def counted(self: LineTable, cells: tuple[Text, ...], *look: Any) -> Any:
        drawn.append(str(cells[0]))
        return original(self, cells, *look)

    monkeypatch.setattr(LineTable, "_row_line", counted)
    return drawn


@pytest.mark.slow
async def test_a_teammates_rename_draws_only_that_line(
    sample_repo: Repository, drawn_rows: list[str]
) -> None:
    """A DataTable re-rendered every visible row for one changed cell."""
    app = LeadApp(sample_repo)
    teammate = open_repository(sample_repo.path, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(set(drawn_rows)) > 5  # the page was drawn once
        renamed = sample_repo.leads_in_stage(Stage.NEW)[2]
        drawn_rows.clear()
        teammate.update_fields(renamed.id, {"name": "Renamed Meanwhile"})
        await wait_until(pilot, lambda: bool(drawn_rows))
        await settle(pilot)
        assert drawn_rows == ["Renamed Meanwhile"]
        drawn_rows.clear()
        await pilot.press("j")  # the cursor's old row and its new one
        await wait_until(pilot, lambda: len(drawn_rows) >= 2)
        await settle(pilot)
        names = inbox_names(app)
        assert sorted(drawn_rows) == sorted(names[:2])


@pytest.fixture
def drawn_cards(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lead id of every board card rendered from here on."""
    drawn: list[str] = []
    original = LineCards._render_card

    def counted(self: LineCards, option: Option, *look: Any) -> Any:
        drawn.append(str(option.id))
        return original(self, option, *look)

    monkeypatch.setattr(LineCards, "_render_card", counted)
    return drawn


@pytest.mark.slow
async def test_a_teammates_rename_or_move_renders_only_those_cards(
    sample_repo: Repository, drawn_cards: list[str]
) -> None:
    """An OptionList rendered every visible card again for one changed."""
    app = LeadApp(sample_repo)
    teammate = open_repository(sample_repo.path, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        renamed = column(app, "engaged").leads[0]
        drawn_cards.clear()
        teammate.update_fields(renamed.id, {"name": "Engaged Renamed"})
        await wait_until(pilot, lambda: bool(drawn_cards))
        await settle(pilot)
        assert drawn_cards == [str(renamed.id)]
        drawn_cards.clear()
        await pilot.press("j")  # the highlight's old card and its new one
        await wait_until(pilot, lambda: len(drawn_cards) >= 2)
        await settle(pilot)
        assert sorted(drawn_cards) == sorted(str(lead.id) for lead in column(app, "new").leads[:2])


async def test_a_lead_entering_above_the_fold_is_shown_in_its_place(
    shared: Repository,
) -> None:
    app = LeadApp(shared)
    teammate = open_repository(shared.target, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        teammate.add_lead(
            build_draft(
                name="Top Of The List", source="referral", title="CEO", email="t@op.io",
                phone="+1 555 0101", company="Top Co", value_cents="900k",
            )
        )  # fmt: skip
        await wait_until(pilot, lambda: "Top Of The List" in inbox_names(app))
        await settle(pilot)
        assert inbox_names(app) == [
            lead.name for lead in shared.leads_in_stage(Stage.NEW, limit=len(inbox_names(app)))
        ]


@pytest.mark.slow
async def test_the_board_moves_a_teammates_card_and_redraws_no_other_column(
    shared: Repository, page_reads: list[Stage]
) -> None:
    app = LeadApp(shared)
    teammate = open_repository(shared.target, actor="maria", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        moving = column(app, "new").leads[0]
        renamed = column(app, "engaged").leads[0]
        page_reads.clear()
        teammate.advance(moving.id)
        teammate.update_fields(renamed.id, {"name": "Engaged Renamed"})
        await wait_until(
            pilot, lambda: moving.id in [lead.id for lead in column(app, "contacted").leads]
        )
        await settle(pilot)
        assert moving.id not in [lead.id for lead in column(app, "new").leads]
        assert column(app, "engaged").leads[0].name == "Engaged Renamed"
        assert page_reads == []  # the card is moved in place: no column is re-read
        contacted = shared.leads_in_stage(Stage.CONTACTED, limit=200)
        assert [lead.id for lead in column(app, "contacted").leads] == [
            lead.id for lead in contacted
        ][: len(column(app, "contacted").leads)]


async def test_a_change_the_journal_does_not_name_re_reads_the_screen(
    shared: Repository, page_reads: list[Stage]
) -> None:
    app = LeadApp(shared)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        last = shared.leads_in_stage(Stage.NEW)[-1]
        page_reads.clear()
        with shared._transaction() as db:  # as a rescore writes: no journal line
            db.execute("UPDATE leads SET score = 100 WHERE id = ?", [last.id])
        await wait_until(pilot, lambda: inbox_names(app)[0] == last.name)
        await settle(pilot)
        assert Stage.NEW in page_reads
        assert main_screen(app).query_one(InboxPane).selected_lead_id() is not None
