"""config.toml's [keys] is checked whole before anything is drawn: an
unknown id, or a key two actions would share, is one line and exit 1."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from leadtui import config
from leadtui.config import Settings, parse_settings
from leadtui.domain.errors import InvalidInput
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.inbox_table import InboxTable
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.board import BoardPane, CardList
from leadtui.tui.panes.kpi import KpiPane


def bindings(cls: type[DOMNode] | type[App[None]]) -> list[Binding]:
    """A class's bindings with those it inherits, as Textual merges them."""
    merged: list[Binding] = []
    for owner in reversed(cls.__mro__):
        if "BINDINGS" in owner.__dict__:
            merged += Binding.make_bindings(owner.__dict__["BINDINGS"])
    return merged


def keys_by_id(cls: type[DOMNode]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for binding in bindings(cls):
        if binding.id:
            found.setdefault(binding.id, []).append(binding.key)
    return {binding_id: ",".join(keys) for binding_id, keys in found.items()}


@pytest.mark.parametrize(
    ("table", "owner"),
    [
        (config.SCREEN_KEYS, MainScreen),
        (config.INBOX_KEYS, InboxTable),
        (config.CARD_KEYS, CardList),
        (config.BOARD_KEYS, BoardPane),
        (config.KPI_KEYS, KpiPane),
    ],
)
def test_the_table_is_the_tuis_own_bindings(table: dict[str, str], owner: type[DOMNode]) -> None:
    assert table == keys_by_id(owner)


def test_every_key_without_an_id_is_reserved() -> None:
    owners: list[type[DOMNode] | type[App[None]]] = [
        LeadApp, MainScreen, InboxTable, CardList, BoardPane, KpiPane,
    ]  # fmt: skip
    fixed = {b.key for owner in owners for b in bindings(owner) if not b.id}
    fixed.add(LeadApp.COMMAND_PALETTE_BINDING)
    assert fixed <= config.RESERVED_KEYS, fixed - config.RESERVED_KEYS


def test_the_ids_are_those_the_app_checks() -> None:
    from leadtui.tui.keys import binding_ids

    assert config.binding_ids() == binding_ids()


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ('advance = "x"', 'advance = "x": x is already lose\'s key'),
        ('advance = "A"\nwin = "A"', "A is already win's key"),
        ('advance = "j"', "j is already cursor-down's key in the inbox"),
        ('log-touch = "h"', "h is already column-left's key in the pipeline"),
        ('kpi-spend = "x"', "x is already lose's key in the KPIs tab"),
        ('advance = "a,up"', "up is kept by the TUI itself"),
        ('quit = "ctrl+p"', "ctrl+p is kept by the TUI itself"),
        ('advanse = "A"', "'advanse' is not a key's id; the ids are advance,"),
    ],
)
def test_a_keymap_that_loses_an_action_is_refused(keys: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        parse_settings(f"[keys]\n{keys}\n", "config.toml")


@pytest.mark.parametrize(
    "keys",
    [
        'advance = "A"',
        'advance = "x"\nlose = "a"',  # a swap: each key has one action
        'log-touch = "L"\ncolumn-right = "l,right"',
        'open-lead = "enter,o"\ntoggle-order = "O"',
        'column-left = "left"',  # only fewer keys
        'kpi-next-window = "d"',  # its own key, shadowing `due` there as ever
    ],
)
def test_a_keymap_where_every_action_keeps_a_key_is_accepted(keys: str) -> None:
    assert parse_settings(f"[keys]\n{keys}\n", "config.toml").keymap


def test_a_broken_keymap_stops_the_tui_before_it_draws_anything(
    sample_repo: Repository, tmp_path: Path
) -> None:
    """`leadtui --db FILE` on a database with leads takes the start screen's
    fast path: the config is read before it, not in its thread."""
    settings = tmp_path / "config.toml"
    settings.write_text('[keys]\nadvance = "x"\n')
    done = subprocess.run(
        [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={"LEADTUI_CONFIG": str(settings), "PATH": "/usr/bin:/bin", "TERM": "xterm"},
    )
    assert done.returncode == 1
    assert done.stdout == ""  # no screen drawn
    assert done.stderr == (
        f'Error: {settings}: [keys] advance = "x": x is already lose\'s key in the inbox;'
        " pick another key, or give lose one too\n"
    )


def test_settings_with_no_keys_are_the_defaults() -> None:
    assert parse_settings("[board]\nfollow_moved_card = true\n", "c") == Settings({}, True)
