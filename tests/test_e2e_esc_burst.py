"""`esc` and a key typed right behind it, in one read (over ssh, a quick
typist): Textual's parser reads ESC 1 as alt+1, which nothing binds, and
both were lost (the Lead tab stayed up). In a real pty, written in one
write: the app acts on esc, then on 1."""

import sys

import pytest
from bench.ptyterm import program_in_pty
from textual import events

from leadtui.repository import Repository
from leadtui.tui.esc_keys import esc_then_key


@pytest.mark.slow  # a real pty: over 3 s
def test_esc_then_1_in_one_write_goes_to_the_inbox(sample_repo: Repository) -> None:
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Score")  # the inbox's header
        term.type("\r")  # the first lead, on the Lead tab
        term.wait_for("Qualification")  # a field only the Lead tab shows
        term.type("\x1b1")  # one write: one read for the app
        term.wait_for("Qualification", gone=True)
        term.wait_for("Score")
        term.type("q")
        assert term.wait_for_exit() == 0


def keys(typed: list[events.Key]) -> list[str]:
    return [event.key for event in typed]


def test_an_unbound_alt_key_is_esc_then_the_key() -> None:
    assert keys(esc_then_key(events.Key("alt+1", "1"), [])) == ["escape", "1"]
    assert keys(esc_then_key(events.Key("alt+shift+a", "A"), [])) == ["escape", "A"]
    # Remapped onto it in config.toml: it stays what it is.
    assert keys(esc_then_key(events.Key("alt+1", "1"), ["alt+1"])) == ["alt+1"]
    # Keys that are no ESC burst pass as they are.
    assert keys(esc_then_key(events.Key("1", "1"), [])) == ["1"]
    assert keys(esc_then_key(events.Key("alt+backspace", None), [])) == ["alt+backspace"]
