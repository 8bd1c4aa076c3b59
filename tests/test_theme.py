"""The theme a rep picks is kept across restarts: written to config.toml's
[ui] table (the rest of the file left as it was) and read at start."""

from pathlib import Path

import pytest

from leadtui.config import Settings, load_settings, parse_settings, save_theme
from leadtui.domain.errors import InvalidInput
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from tests.tui_helpers import SIZE, settle, wait_until

KEPT = '# my keys\n[keys]\nadvance = "A"  # capital\n\n[board]\nfollow_moved_card = true\n'


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("LEADTUI_CONFIG", str(path))
    return path


def test_the_theme_is_read_and_checked() -> None:
    assert parse_settings('[ui]\ntheme = "nord"\n', "c").theme == "nord"
    for text in ('[ui]\ntheme = "no pe"\n', "[ui]\ntheme = 5\n", '[ui]\ncolour = "x"\n'):
        with pytest.raises(InvalidInput, match=r"c: \[ui\]"):
            parse_settings(text, "c")


@pytest.mark.parametrize(
    "before",
    [
        pytest.param("", id="no-file"),
        pytest.param(KEPT, id="other-tables"),
        pytest.param(KEPT + '[ui]  # look\ntheme = "dracula"\n', id="a-theme-already"),
    ],
)
def test_saving_the_theme_keeps_the_rest_of_the_file(config: Path, before: str) -> None:
    if before:
        config.write_text(before)
    save_theme("nord")
    after = config.read_text()
    assert load_settings() == Settings(
        parse_settings(before, "").keymap, parse_settings(before, "").follow_moved_card, "nord"
    )
    assert after.startswith(before.split("[ui]")[0].rstrip("\n"))
    assert "dracula" not in after


def test_a_file_it_cannot_read_is_left_alone(config: Path) -> None:
    config.write_text("[keys\n")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        save_theme("nord")
    assert config.read_text() == "[keys\n"


@pytest.mark.slow
async def test_a_theme_picked_in_the_palette_is_there_after_a_restart(
    repo: Repository, config: Path
) -> None:
    config.write_text(KEPT)
    app = LeadApp(repo, load_settings())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"theme")
        await settle(pilot)
        await pilot.press("enter")  # Textual's "Theme": its list of themes
        await settle(pilot)
        await pilot.press(*"nord", "enter")
        await wait_until(pilot, lambda: app.theme == "nord")
    assert load_settings().theme == "nord" and "advance" in load_settings().keymap
    again = LeadApp(repo, load_settings())
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


def test_an_unknown_theme_stops_the_app_with_one_line(repo: Repository, config: Path) -> None:
    config.write_text('[ui]\ntheme = "no-such-theme"\n')
    with pytest.raises(InvalidInput, match="'no-such-theme' is not a theme"):
        LeadApp(repo, load_settings())
