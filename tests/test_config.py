"""config.toml: keys remapped by binding id through Textual's keymap, the
board's follow-the-card setting, and one clear error for a broken file."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.config import Settings, load_settings, parse_settings
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.board import BoardPane
from tests.tui_helpers import SIZE, column, main_screen, settle


def test_a_missing_file_is_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()


def test_keys_and_board_settings_are_read() -> None:
    settings = parse_settings(
        '[keys]\nadvance = "A, ctrl+a"\nundo = "ctrl+z"\n[board]\nfollow_moved_card = true\n',
        "config.toml",
    )
    assert settings == Settings({"advance": "A,ctrl+a", "undo": "ctrl+z"}, True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[keys\n", "config.toml: not valid TOML"),
        ("[colours]\n", r"unknown section \[colours\]"),
        ('[keys]\nadvance = ""\n', "advance = '' is not a key"),
        ("[keys]\nadvance = 5\n", "advance = '5' is not a key"),
        ("[board]\nfollow = true\n", "no setting 'follow'"),
        ('[board]\nfollow_moved_card = "yes"\n', "must be true or false"),
    ],
)
def test_a_broken_file_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_settings(text, "config.toml")


def test_an_unknown_binding_id_stops_the_app_with_the_ids_it_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nadvanse = "A"\n')
    monkeypatch.setenv("LEADTUI_CONFIG", str(config))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "advanse" in result.output and "advance" in result.output
    assert "Traceback" not in result.output


async def test_a_remapped_key_moves_the_lead(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo, Settings(keymap={"advance": "A"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")  # no longer advance
        await settle(pilot)
        assert repo.get_lead(lead_id).stage is Stage.NEW
        await pilot.press("A")
        await settle(pilot)
        assert repo.get_lead(lead_id).stage is Stage.CONTACTED


@pytest.mark.slow
async def test_the_cursor_follows_a_moved_card_when_asked(repo: Repository) -> None:
    ann = repo.add_lead(build_draft(name="Ann"))
    repo.add_lead(build_draft(name="Bob"))
    app = LeadApp(repo, Settings(follow_moved_card=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "j")  # Ann, the older, second in New
        await pilot.press("a")
        await settle(pilot)
        board = main_screen(app).query_one(BoardPane)
        assert board.focused_column() is column(app, "contacted")
        assert main_screen(app).selected_lead_id() == ann
        assert repo.get_lead(ann).stage is Stage.CONTACTED
