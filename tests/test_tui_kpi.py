"""The KPIs tab on the hand-made fixture: every key, spinners, definitions."""

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.help import KeysScreen
from leadtui.tui.dialogs.kpi_forms import CustomWindowScreen, SpendScreen
from leadtui.tui.panes.kpi import KpiPane, SourceTable, Spinning
from tests.conftest import NOW, frozen_clock
from tests.kpi_fixture import build_kpi_fixture
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, settle, wait_until


@pytest.fixture
def kpi_repo(tmp_path: Path) -> Repository:
    path = tmp_path / "kpi.db"
    build_kpi_fixture(path)
    return open_repository(path, actor="tester", clock=frozen_clock)


def text_of(app: LeadApp, selector: str) -> str:
    """A section's text with runs of spaces squashed, so tests name figures,
    not column widths."""
    return " ".join(str(main_screen(app).query_one(selector, Static).render()).split())


def sources_shown(app: LeadApp) -> list[str]:
    table = main_screen(app).query_one(SourceTable)
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


def reload_pending(pane: KpiPane) -> bool:
    return pane._reload_pending


async def open_kpis(app: LeadApp, pilot: object) -> KpiPane:
    await pilot.press("4")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    return main_screen(app).query_one(KpiPane)


async def test_the_tab_shows_every_section_with_the_fixture_figures(
    kpi_repo: Repository,
) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        assert "last 30 days" in text_of(app, "#kpi-window")
        headline = text_of(app, "#kpi-headline")
        assert "New leads 7 ↑ 133%" in headline
        assert "Win rate 60.0% ↑ 20%" in headline
        assert "weighted 2,350" in headline  # 235,000 cents
        funnel = text_of(app, "#kpi-funnel")
        assert "Contacted 4" in funnel and "→ 57.1%" in funnel
        outcomes = text_of(app, "#kpi-outcomes")
        assert "3 won, 2 lost" in outcomes and "No budget" in outcomes
        assert "rotting 50.0%, overdue 25.0%" in text_of(app, "#kpi-time")
        # Sorted by revenue: referral 10,000, website 5,000, then no revenue by name.
        assert sources_shown(app) == ["referral", "website", "ads", "event", "other"]
        assert not main_screen(app).query_one(KpiPane).loading_sections()


async def test_sections_show_a_spinner_until_their_figures_arrive(kpi_repo: Repository) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_kpis(app, pilot)
        pane.reload()
        blocks = ("#kpi-headline", "#kpi-funnel", "#kpi-sources-title", "#kpi-time")
        assert all(pane.query_one(selector, Spinning).pending for selector in blocks)
        await settle(pilot)
        assert not pane.loading_sections()


@pytest.mark.slow
async def test_d_cycles_the_window_and_f_the_owner(kpi_repo: Repository) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "last 90 days" in text_of(app, "#kpi-window")
        assert "New leads 11" in text_of(app, "#kpi-headline")
        for label in ("last 365 days", "all time", "last 7 days", "last 30 days"):
            await pilot.press("d")
            await settle(pilot)
            assert label in text_of(app, "#kpi-window")
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert "Owner ben" in text_of(app, "#kpi-window")
        assert "New leads 1" in text_of(app, "#kpi-headline")
        assert sources_shown(app) == ["other"]
        await pilot.press("f")
        await settle(pilot)
        assert "all owners" in text_of(app, "#kpi-window")


@pytest.mark.slow
async def test_s_sorts_the_sources_by_the_next_column(kpi_repo: Repository) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        table = main_screen(app).query_one(SourceTable)
        await pilot.press("s")  # revenue -> avg deal: referral 10,000, website 2,500
        assert str(table.columns["deal"].label) == " deal▼"  # type: ignore[index]
        assert sources_shown(app)[:2] == ["referral", "website"]
        for _ in range(4):  # -> spend -> cost/lead -> cost/won -> ROI
            await pilot.press("s")
        assert str(table.columns["ROI"].label) == " ROI▼"  # type: ignore[index]
        # ROI: referral 233%, ads -100%, the rest n/a (no spend), last.
        assert sources_shown(app) == ["referral", "ads", "event", "other", "website"]


@pytest.mark.slow
async def test_capital_d_asks_for_dates_and_refuses_bad_ones_inline(
    kpi_repo: Repository,
) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomWindowScreen)
        dialog.query_one("#window-from", Input).value = "first of May"
        await pilot.press("enter")
        assert "from: 'first of May' is not a date" in str(
            dialog.query_one(".field-error", Static).render()
        )
        dialog.query_one("#window-from", Input).value = "2026-11-01"
        dialog.query_one("#window-to", Input).value = "2026-11-19"
        await pilot.press("enter")
        await settle(pilot)
        assert "2026-11-01 to 2026-11-19" in text_of(app, "#kpi-window")


@pytest.mark.slow
async def test_dollar_records_spend_and_the_figures_follow(kpi_repo: Repository) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        await pilot.press("dollar_sign")
        await settle(pilot)
        assert isinstance(app.screen, SpendScreen)
        # The amount has the focus as the dialog opens: what is typed goes there.
        assert app.focused is app.screen.query_one("#spend-amount", Input)
        await pilot.press(*"lots", "enter")
        assert "not 'lots'" in str(app.screen.query_one(".field-error", Static).render())
        app.screen.query_one("#spend-amount", Input).value = "600"
        await pilot.press("enter")
        await settle(pilot)
        entries = kpi_repo.spend_entries()
        # On the highlighted source (the top row until the cursor moves).
        top = sources_shown(app)[0]
        assert any(e.source.value == top and e.month == "2026-11" for e in entries)
        assert any(e.amount_cents == 60_000 for e in entries)


@pytest.mark.slow
async def test_a_refused_spend_comes_back_as_it_was_typed(kpi_repo: Repository) -> None:
    """The currency check needs the team's currency, so it is made as the
    spend is saved: refused there, the dialog opens again holding the
    source, month and amount typed, under the notification saying why."""
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        await pilot.press("dollar_sign")
        await settle(pilot)
        app.screen.query_one("#spend-source", Select).value = "event"
        app.screen.query_one("#spend-month", Input).value = "2026-10"
        await pilot.press(*"5k EUR", "enter")
        await wait_until(pilot, lambda: any("EUR" in note.message for note in notes(app)))
        await settle(pilot)
        assert isinstance(app.screen, SpendScreen)
        assert app.screen.query_one("#spend-source", Select).value == "event"
        assert app.screen.query_one("#spend-month", Input).value == "2026-10"
        assert app.screen.query_one("#spend-amount", Input).value == "5k EUR"
    assert not [e for e in kpi_repo.spend_entries() if e.source.value == "event"]


async def test_one_reps_sources_say_spend_is_not_theirs(kpi_repo: Repository) -> None:
    """Spend is recorded per source, not per rep: with an owner chosen the
    spend column says n/a, where a 0 read as a rep who cost nothing."""

    def spend_cells(app: LeadApp) -> list[str]:
        table = main_screen(app).query_one(SourceTable)
        column = [str(column.key.value) for column in table.columns.values()].index("spend")
        return [str(table.get_row_at(row)[column]).strip() for row in range(table.row_count)]

    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        assert "n/a" not in spend_cells(app) and any(cell != "0" for cell in spend_cells(app))
        await pilot.press("f", "f")
        await wait_until(pilot, lambda: "Owner ben" in text_of(app, "#kpi-window"))
        await settle(pilot)
        assert spend_cells(app) == ["n/a"]


async def test_focus_shows_a_sections_definitions_and_question_mark_lists_them(
    kpi_repo: Repository,
) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        main_screen(app).set_focus(main_screen(app).query_one("#kpi-funnel"))
        await pilot.pause()
        assert "furthest" not in text_of(app, "#kpi-definition")
        assert "reached each stage" in text_of(app, "#kpi-definition")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        shown = str(app.screen.query_one(Static).render())
        assert "What each KPI means" in shown and "won ÷ (won + lost)" in shown


async def test_hostile_owner_names_and_lost_reasons_render_literally(db_path: Path) -> None:
    writer = open_repository(db_path, actor="tester", clock=frozen_clock)
    hostile = "[b]Boss[/b] [@click=app.quit]x"
    lead = writer.add_lead(build_draft(name="Ada", owner=hostile))
    writer.lose(lead, "[red]Budget[/red] [/]")
    # Viewed a minute later: a window is [since, until), and the loss must
    # fall before its end.
    app = LeadApp(open_repository(db_path, clock=lambda: NOW + timedelta(minutes=1)))
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        assert "[red]Budget[/red] [/]" in text_of(app, "#kpi-outcomes")
        await pilot.press("f")
        await settle(pilot)
        assert f"Owner {hostile}" in text_of(app, "#kpi-window")
        assert app.is_running
        assert isinstance(main_screen(app).query_one(SourceTable), DataTable)


@pytest.mark.slow
async def test_a_teammates_change_updates_the_figures_without_piling_up_queries(
    kpi_repo: Repository,
) -> None:
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_kpis(app, pilot)
        pane.reload()
        pane.reload()  # asked for while the first runs: it waits, it does not pile up
        sections = [w for w in app.workers if w.node is pane and w.is_running]
        assert reload_pending(pane) and len(sections) <= 6
        await settle(pilot)
        assert not reload_pending(pane)
        teammate = open_repository(
            kpi_repo.path, actor="maria", clock=lambda: NOW - timedelta(hours=1)
        )
        teammate.add_lead(build_draft(name="Fresh lead", source="event"))
        await wait_until(pilot, lambda: "New leads 8" in text_of(app, "#kpi-headline"))


async def window_form(app: LeadApp, pilot: Pilot[None]) -> CustomWindowScreen:
    """`D`: the form for a custom window, as it opens."""
    await pilot.press("D")
    await settle(pilot)
    assert isinstance(app.screen, CustomWindowScreen)
    return app.screen


def window_offered(dialog: CustomWindowScreen) -> tuple[str, str]:
    return (
        dialog.query_one("#window-from", Input).value,
        dialog.query_one("#window-to", Input).value,
    )


@pytest.mark.slow
async def test_capital_d_starts_from_the_window_on_screen(kpi_repo: Repository) -> None:
    """`D` after `d` (90 days) or after a custom window offers those days to
    adjust, not a fixed last 30 days that would lose them."""
    app = LeadApp(kpi_repo)
    today = NOW.date()
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        await pilot.press("d")  # 30d -> 90d
        await settle(pilot)
        assert "last 90 days" in text_of(app, "#kpi-window")
        dialog = await window_form(app, pilot)
        assert window_offered(dialog) == (str(today - timedelta(days=89)), str(today))
        dialog.query_one("#window-from", Input).value = "2026-10-01"
        dialog.query_one("#window-to", Input).value = "2026-10-31"
        await pilot.press("enter")
        await settle(pilot)
        assert "2026-10-01 to 2026-10-31" in text_of(app, "#kpi-window")
        dialog = await window_form(app, pilot)
        assert window_offered(dialog) == ("2026-10-01", "2026-10-31")


async def test_lost_reasons_stand_in_their_columns(kpi_repo: Repository) -> None:
    """Each count under "lost" and each value under "value", right-aligned
    as in `leadtui kpi`: the counts had lost their padding to the left edge."""
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(app, pilot)
        lines = str(main_screen(app).query_one("#kpi-outcomes", Static).render()).split("\n")
        header = next(i for i, line in enumerate(lines) if line.endswith("reason"))
        rows = lines[header + 1 : lines.index(next(x for x in lines if x.startswith("Lost from")))]
        assert rows, lines
        lost_end = lines[header].index("lost") + len("lost")
        value_end = lines[header].index("value") + len("value")
        for row in rows:
            count, value = row[:lost_end].split(), row[lost_end:value_end].split()
            assert len(count) == 1 and count[0].isdigit() and row[lost_end - 1] != " ", row
            assert len(value) == 1 and row[value_end - 1] != " ", row


@pytest.mark.slow
async def test_an_empty_window_says_so_under_by_source(db_path: Path, kpi_repo: Repository) -> None:
    """A header over no rows reads as a table still loading: the title says why
    there are none, and only when there are none."""
    for repo, empty in ((open_repository(db_path, actor="tester"), True), (kpi_repo, False)):
        app = LeadApp(repo)
        async with app.run_test(size=SIZE) as pilot:
            await open_kpis(app, pilot)
            title = text_of(app, "#kpi-sources-title")
            assert title.startswith("By source")
            assert ("no leads and no spend in this window" in title) is empty
            assert (sources_shown(app) == []) is empty
