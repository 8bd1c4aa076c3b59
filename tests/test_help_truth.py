"""What `?`, the palette and a key pressed in the wrong place say is true.

`?` said V marked "every lead loaded", where it marks every lead the list
holds (254 on the Lost column, as README says), and showed Textual's key
names ("equals_sign", "escape"); the palette's "Keys" opened Textual's own
key panel, and its "Screenshot" only ever said "Failed to save screenshot";
a lead key on the KPIs tab, `s` off the inbox, `[` off the Lead tab did
nothing, with no word."""

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from leadtui.config import Settings
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.help import KeysScreen, key_label
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, settle


def keys_text(app: LeadApp) -> str:
    assert isinstance(app.screen, KeysScreen)
    return str(app.screen.query_one(Static).render())


def key_rows(text: str) -> dict[str, list[str]]:
    """Each line of the `?` list that begins with keys: its keys, and the rest."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("  ") and line[2:3] != " ":
            keys, _, what = line[2:].partition("  ")
            rows.setdefault(keys.strip(), []).append(what.strip())
    return rows


@pytest.mark.parametrize(
    ("key", "shown"),
    [("equals_sign", "="), ("escape", "esc"), ("left_square_bracket", "["), ("V", "V"),
     ("space", "space"), ("enter", "enter"), ("ctrl+f", "ctrl+f"), ("tab", "tab")],
)  # fmt: skip
def test_a_key_is_shown_as_readme_writes_it(key: str, shown: str) -> None:
    assert key_label(key) == shown


async def test_question_mark_says_what_v_and_the_named_keys_do(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        text = keys_text(app)
        rows = key_rows(text)
        assert "equals_sign" not in text and "escape" not in text
        assert rows["="][0].startswith("Give the marked (or selected) leads to an owner")
        assert rows["esc"][0].startswith("Unmark all")
        assert "loaded" not in rows["V"][0] and "as filtered" in rows["V"][0]
        assert rows["ctrl+z"][0].startswith("Suspend to the shell")


async def test_the_palette_keeps_only_true_commands(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Keys" not in titles
        [quit_] = [c for c in app.get_system_commands(app.screen) if c.title == "Quit"]
        assert "as soon as possible" not in quit_.help
        # The palette's "Keys" is leadtui's `?` list (commands.py's).
        await pilot.press("ctrl+p", *"Keys")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)


async def test_ctrl_q_quits_as_q_does(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        calls: list[str] = []
        screen = main_screen(app)
        quit_ = screen.action_quit

        async def quitting() -> None:
            calls.append("q")
            await quit_()

        screen.action_quit = quitting  # type: ignore[method-assign]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert calls == ["q"]
        assert not app.is_running


@pytest.mark.parametrize(
    ("tab", "key", "said"),
    [
        ("4", "a", "a: advance works on the Inbox, Pipeline and Lead tabs"),
        ("4", "space", "space: mark works on the Inbox and Pipeline tabs"),
        ("4", "equals_sign", "=: assign works on the Inbox, Pipeline and Lead tabs"),
        ("4", "V", "V: mark all works on the Inbox and Pipeline tabs"),
        ("2", "s", "s: snooze works on the Inbox tab's New leads"),
        ("3", "s", "s: snooze works on the Inbox tab's New leads"),
        ("1", "right_square_bracket", "]: next lead works on the Lead tab"),
        ("2", "left_square_bracket", "[: previous lead works on the Lead tab"),
    ],
)
async def test_a_key_pressed_where_it_does_nothing_says_where_it_works(
    sample_repo: Repository, tab: str, key: str, said: str
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(tab)
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert [note.message for note in notes(app)][-1:] == [said]


async def test_a_key_where_it_works_or_is_the_tabs_own_says_nothing(
    sample_repo: Repository,
) -> None:
    """`s` and `f` sort and pick an owner on the KPIs tab (its own keys);
    `a` on the inbox advances; a remapped key is named as remapped."""
    app = LeadApp(sample_repo, Settings(keymap={"advance": "A"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("s", "f")
        await settle(pilot)
        assert not [n for n in notes(app) if "works on" in n.message]
        await pilot.press("A")
        await settle(pilot)
        assert notes(app)[-1].message == "A: advance works on the Inbox, Pipeline and Lead tabs"


async def test_ctrl_z_in_a_browser_says_it_does_not_apply(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LeadApp, "is_web", property(lambda self: True))
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "in a browser it does nothing" in notes(app)[-1].message
        assert app.is_running
