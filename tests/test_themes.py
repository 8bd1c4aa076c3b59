"""Themes that hold: every tab drawn in a dark and a light theme, colours
named only through the theme's variables, the chosen theme kept (config.toml
over SSH, the user's row in a browser), and --theme for one run."""

import re
import sys
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from rich.text import Text

from leadtui.config import load_settings, parse_settings, save_theme, with_theme
from leadtui.domain.errors import InvalidInput
from leadtui.domain.users import Identity, Role
from leadtui.launch import theme_arg
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.inbox import InboxPane
from tests.test_snapshots import SnapCompare, keys_then_settle
from tests.tui_helpers import SIZE, main_screen, settle

TUI = Path(__file__).resolve().parent.parent / "src" / "leadtui" / "tui"
# A colour by name in a style string: the theme's variables say it instead.
_NAMED = re.compile(
    r"""["'][^"'\n]*\b(red|green|yellow|blue|magenta|cyan|white|black|grey|gray|dim)\b[^"'\n]*["']"""
)


# The quick loop takes one tab in the light theme (tests/test_snapshots.py
# has every tab in the dark one); the full suite takes all eight.
@pytest.mark.parametrize(
    "theme", ["textual-light", pytest.param("textual-dark", marks=pytest.mark.slow)]
)
@pytest.mark.parametrize(
    ("tab", "keys"),
    [
        ("inbox", ()),
        pytest.param("pipeline", ("2",), marks=pytest.mark.slow),
        pytest.param("lead", ("3",), marks=pytest.mark.slow),
        pytest.param("kpis", ("4",), marks=pytest.mark.slow),
    ],
)
def test_each_tab_in_a_dark_and_a_light_theme(
    tab: str, keys: tuple[str, ...], theme: str, snap_compare: SnapCompare, sample_repo: Repository
) -> None:
    assert snap_compare(
        LeadApp(sample_repo, theme=theme), terminal_size=SIZE, run_before=keys_then_settle(*keys)
    )


def test_no_style_in_the_tui_names_a_colour() -> None:
    found = [
        f"{path.relative_to(TUI)}:{number}: {line.strip()}"
        for path in sorted(TUI.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _NAMED.search(line.split("#")[0]) and '"""' not in line
    ]
    assert found == []


async def test_rich_cells_take_the_themes_colours(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo, theme="textual-dark")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = main_screen(app).query_one(InboxPane).table
        hot = next(
            cell
            for row in range(table.row_count)
            for cell in table.get_row_at(row)
            if isinstance(cell, Text) and cell.plain.startswith("H ")  # "H 90": hot
        )

        def colour() -> str:
            style = app.console.get_style(str(hot.spans[-1].style))
            assert style.color is not None
            return style.color.get_truecolor().hex.upper()

        assert colour() == app.get_css_variables()["text-error"].upper()
        app.theme = "textual-light"
        await pilot.pause()
        assert colour() == app.get_css_variables()["text-error"].upper()
        assert app.get_css_variables()["text-error"] != "#D17E92"  # the dark one


async def test_a_theme_chosen_in_the_app_is_kept_in_config_toml(
    sample_repo: Repository, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config" / "leadtui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('# mine\n[keys]\nundo = "ctrl+z"\n')
    app = LeadApp(sample_repo, load_settings(config))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
    assert config.read_text() == '# mine\n[keys]\nundo = "ctrl+z"\n\n[ui]\ntheme = "nord"\n'
    again = LeadApp(sample_repo, load_settings(config))
    assert again.theme == "nord"


async def test_the_theme_given_for_a_run_is_not_saved(
    sample_repo: Repository, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config" / "leadtui" / "config.toml"
    app = LeadApp(sample_repo, theme="gruvbox")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
    assert not config.exists()


@pytest.mark.slow
async def test_in_a_browser_the_theme_is_kept_for_the_user(sample_repo: Repository) -> None:
    sample_repo.users.add("anna", Role.REP)
    app = LeadApp(sample_repo, identity=Identity.browser("anna", Role.REP))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "dracula"
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert sample_repo.users.theme("anna") == "dracula"


def test_an_unknown_theme_is_one_line(sample_repo: Repository) -> None:
    with pytest.raises(InvalidInput, match=r"^theme 'no-such' is not a theme; one of .*nord"):
        LeadApp(sample_repo, theme="no-such")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", '[ui]\ntheme = "nord"\n'),
        ('[ui]\ntheme = "dracula"  # old\n[keys]\n', '[ui]\ntheme = "nord"\n[keys]\n'),
        (
            "[ui]\n[board]\nfollow_moved_card = true\n",
            '[ui]\ntheme = "nord"\n[board]\nfollow_moved_card = true\n',
        ),
        ('[keys]\ntheme = "x"\n', '[keys]\ntheme = "x"\n\n[ui]\ntheme = "nord"\n'),
    ],
)
def test_the_theme_line_is_written_in_its_section(before: str, after: str) -> None:
    assert with_theme(before, "nord") == after


def test_a_broken_config_is_not_overwritten(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[keys\n")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        save_theme("nord", config)
    assert config.read_text() == "[keys\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [("[ui]\ntheme = 5\n", "is not a theme's name"), ("[ui]\ncolour = 1\n", "has no setting")],
)
def test_a_bad_ui_section_is_one_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_settings(text, "config.toml")


@pytest.mark.parametrize(
    ("args", "theme", "rest"),
    [
        (["--theme", "nord", "--db", "x.db"], "nord", ["--db", "x.db"]),
        (["--db", "x.db", "--theme=nord"], "nord", ["--db", "x.db"]),
        (["--db", "x.db"], None, ["--db", "x.db"]),
        (["--theme"], None, ["--theme"]),
    ],
)
def test_theme_on_the_quick_start_line(args: list[str], theme: str | None, rest: list[str]) -> None:
    assert theme_arg(args) == (theme, rest)


@pytest.mark.parametrize("leads", [True, False], ids=["start-screen", "long-way"])
def test_an_unknown_theme_at_launch_is_one_line(
    leads: bool, sample_repo: Repository, tmp_path: Path
) -> None:
    """Both ways in: the start screen's (a file with leads) and click's. In a
    terminal: without one, the app says first that it needs one."""
    db = sample_repo.path if leads else tmp_path / "empty.db"
    command = [sys.executable, "-m", "leadtui", "--db", str(db), "--theme", "no-such"]
    with program_in_pty(command, tmp_path) as term:
        assert term.wait_for_exit() == 1
    said = bytes(term.raw).decode()  # as written: the screen wraps it at 80 columns
    assert said.startswith("Error: theme 'no-such' is not a theme; one of ")
    assert said.count("\n") == 1 and said.endswith("\n") and "\x1b" not in said
