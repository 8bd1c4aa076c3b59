"""`esc` and a key typed right behind it, read as the two keys they are.

Textual's parser reads ESC followed within its escape delay (0.1 s) by a
letter as that letter with alt, and ESC followed by a digit, `-` or `=` as
the sign WezTerm on macOS sends for Opt and that key (ESC 1 is "¡": its
table of sequences, textual/_ansi_sequences.py). So one read of "esc 1"
(over ssh, a quick typist) came as a "¡" or an alt+1 that nothing binds,
and both keys were lost: the Lead tab stayed up.

The app binds no alt+key of its own. Here, the WezTerm entries are taken
out of the parser's table (Opt+1 there gives esc, 1 instead of "¡"), and
an alt+letter or alt+digit nobody bound is turned back into esc, then the
key. ESC before a sign the parser names (`/`, `?`, `$`) is dropped by the
parser itself, which has no hook for it: that sign comes alone, and acts.
"""

from collections.abc import Collection

from textual import events

# Textual's table of terminal sequences, private to it: what `forget_opt_signs`
# changes is checked in a real pty (tests/test_e2e_esc_burst.py).
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS


def forget_opt_signs() -> None:
    """Take ESC + one letter, digit or sign mapped to a character (WezTerm's
    Opt keys) out of the parser's table: the parser then reads it as alt."""
    table = ANSI_SEQUENCES_KEYS
    if not isinstance(table, dict):  # a later Textual's, read-only: left as it is
        return
    for sequence, meaning in list(table.items()):
        if len(sequence) == 2 and sequence[0] == "\x1b" and isinstance(meaning, str):
            del table[sequence]


def esc_then_key(event: events.Key, bound: Collection[str]) -> list[events.Key]:
    """`event`, or the esc and the key it is made of: an alt+letter or
    alt+digit that `bound` (keys remapped in config.toml) does not name."""
    character = event.character
    if event.key in bound or not event.key.startswith("alt+"):
        return [event]
    if not character or len(character) != 1 or not character.isalnum():
        return [event]
    # "alt+1" for ESC 1, "alt+shift+a" for ESC A: the key is its character.
    return [events.Key("escape", "\x1b"), events.Key(character, character)]
