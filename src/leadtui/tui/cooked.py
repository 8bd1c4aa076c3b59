"""Keys typed before leadtui took the terminal over, read as they were typed.

Until Textual puts the terminal in raw mode, it is in the mode the shell left
it in ("cooked", less its echo and line editing: quiet_launch.py), where
ICRNL turns the CR that enter sends into a line feed as the key arrives.
Keys typed in the first fraction of a second after launch
(a quick typist, tmux send-keys, type-ahead over ssh) wait in that form, and
Textual's parser reads a line feed as ctrl+j: `j j enter` typed at launch
moved the cursor and opened nothing, and `/yara ross` + down + enter left
the search open. So the bytes already waiting when the input thread starts,
if the terminal then turned CR into LF, have their LF read as the CR it was.
(A ctrl+j typed then was an LF too, and reads as enter: leadtui binds no
ctrl+j, and in a cooked terminal both ended the line alike.)
"""

import fcntl
import struct
import termios
from collections.abc import Sequence
from typing import Any


def typed_while_cooked(fd: int, attrs_before: Sequence[Any] | None) -> int:
    """How many bytes wait to be read from terminal `fd` that were typed
    while it still turned CR into LF (`attrs_before`: its termios attributes
    then, as tcgetattr gives them); 0 if it did not, or it cannot say. Asked
    once raw mode is on: a key typed since is counted too, a few ms' worth,
    where asking before would miss an enter typed in between."""
    if attrs_before is None:
        return 0
    iflag = attrs_before[0]
    if not iflag & termios.ICRNL or iflag & termios.IGNCR:
        return 0
    try:
        answer = fcntl.ioctl(fd, termios.FIONREAD, bytes(4))
    except OSError:  # not a terminal (input piped in)
        return 0
    waiting: int = struct.unpack("i", answer)[0]
    return max(waiting, 0)


class CookedInput:
    """Feed it terminal input as it arrives, chunk by chunk: in the first
    `waiting` bytes an LF is read as CR; the rest passes untouched."""

    def __init__(self, waiting: int) -> None:
        self.left = waiting

    def __call__(self, data: str) -> str:
        if self.left <= 0 or not data:
            return data
        # Counted in bytes, as the kernel counts; a character is 1-4 of them,
        # and cutting one in two is harmless: only LF bytes change.
        raw = data.encode("utf-8", "surrogateescape")
        head, tail = raw[: self.left], raw[self.left :]
        self.left -= len(head)
        return (head.replace(b"\n", b"\r") + tail).decode("utf-8", "surrogateescape")
