"""The footer's key hints at every width: `?` always, the moves and undo
and find at 60 columns, and never a hint cut by the screen's edge or the
palette's hint."""

import pytest
from textual.widget import Widget

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.key_footer import KeyFooter, fit
from tests.tui_helpers import main_screen, settle, wait_until

SIZES = [(60, 20), (80, 24), (120, 40), (200, 50)]


def hints(app: LeadApp) -> tuple[list[str], list[Widget], Widget]:
    """The actions hinted, their widgets, and the palette's hint."""
    footer = main_screen(app).query_one(KeyFooter)
    [palette] = [w for w in footer.children if w.has_class("-command-palette")]
    shown = [w for w in footer.children if w is not palette]
    return [str(getattr(w, "action", "")) for w in shown], shown, palette


def whole(app: LeadApp) -> bool:
    """Every hint drawn in full: inside the screen, left of the palette's."""
    _, shown, palette = hints(app)
    width = app.size.width
    return (
        bool(shown)
        and all(w.region.right <= palette.region.x for w in shown)
        and (palette.region.right <= width)
    )


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_keeps_the_keys_that_matter_whole(
    repo: Repository, size: tuple[int, int]
) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "advance" in hints(app)[0])
        actions, _, _ = hints(app)
        assert {"keys", "advance", "lose", "undo", "search"} <= set(actions)
        assert whole(app)
        if size[0] >= 80:  # room for every hint
            assert {"log_touch", "hide", "quick_add", "quit"} <= set(actions)
        # The KPI tab's own keys come before the lead keys it has none of.
        await pilot.press("4")
        await wait_until(pilot, lambda: "next_window" in hints(app)[0])
        actions, _, _ = hints(app)
        assert {"keys", "next_window", "next_owner"} <= set(actions)
        assert whole(app)


async def test_the_footer_fits_itself_again_after_a_resize(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "quit" in hints(app)[0])
        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: "quit" not in hints(app)[0] and whole(app))
        assert "keys" in hints(app)[0]
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: "quit" in hints(app)[0] and whole(app))


def test_a_footer_too_narrow_for_anything_else_keeps_keys() -> None:
    hints = [("advance", "a", "Advance"), ("keys", "?", "Keys"), ("quit", "q", "Quit")]
    assert fit(hints, 20, palette=True) == (True, {"advance", "quit"})
    assert fit(hints, 200, palette=True) == (False, set())


async def test_the_hints_are_rebuilt_only_when_what_they_show_changes(repo: Repository) -> None:
    """Textual signals a bindings refresh on each focus change and enabled-state
    check, several per key, and Footer rebuilt a dozen widgets on each: a third
    of a screen's start-up CPU. Unchanged hints stay the very same widgets."""
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "advance" in hints(app)[0])
        _, before, _ = hints(app)
        for _ in range(3):
            main_screen(app).refresh_bindings()
            await pilot.pause()
        await settle(pilot)
        assert all(a is b for a, b in zip(hints(app)[1], before, strict=True))
        await pilot.press("4")  # other keys: rebuilt
        await wait_until(pilot, lambda: "next_window" in hints(app)[0])
        assert not set(map(id, hints(app)[1])) & set(map(id, before))
