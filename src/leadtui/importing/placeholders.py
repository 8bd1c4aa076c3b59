"""Cells that stand for "nothing": what web forms and spreadsheets put in a
field left blank ("Select", "N/A", "--", "none").

A placeholder is recognised by the word itself, compared without case,
spaces or punctuation ("n/a", "N.A." and "n a" are one word), never by what
a cell lacks: "Иван", "李雷", "محمد" and "🙂" are values like any other. Which
words count is set per import (`--placeholder`, `--no-default-placeholders`,
or "placeholders" in a saved mapping); a placeholder is read as an empty
cell, and the import reports how many it met.
"""

import re
import string
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import ge, itemgetter, not_

DEFAULT_PLACEHOLDERS: tuple[str, ...] = (
    "Select", "Select one", "Please select", "Select an option", "Choose", "Choose one",
    "N/A", "NA", "n.a.", "None", "Null", "Nil", "Undefined", "Not specified", "Not provided",
    "Not applicable", "TBD", "Unknown", "-", "--", "---", "?", ".",
)  # fmt: skip

# What a key leaves out: anything not a letter or digit, in any script.
_NOT_WORD = re.compile(r"[\W_]+")
_DECORATION = string.punctuation + string.whitespace  # around "-- Select --", "(none)"
_DECORATION_CHARS = frozenset(_DECORATION)
_MEMO = 100_000  # cells remembered: a column's repeated values are looked at once
_ALNUM = string.ascii_letters + string.digits
_FIRST = itemgetter(slice(0, 1))  # a cell's first character, "" for an empty one
_HEAD = itemgetter(slice(0, 2))  # its first two


def key(text: str) -> str:
    """'N/A ' → 'na'; a word with no letter or digit ('--', '?') keys to
    itself, spaces trimmed."""
    folded = text.strip().casefold()
    return _NOT_WORD.sub("", folded) or " ".join(folded.split())


class Placeholders:
    """The words one import reads as empty cells."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(word.strip() for word in words if word.strip()))
        self._keys = frozenset(key(word) for word in self.words)
        self._longest = max((len(word) for word in self.words), default=0) + 8
        # Most real cells start with a letter or digit no placeholder starts
        # with: they are told apart by their first character alone.
        self._firsts = frozenset(
            variant
            for word in self._keys
            for variant in (word[:1], word[:1].upper(), word[:1].title())
            if word[:1].isalnum()
        )
        # The ASCII letters and digits no placeholder starts with: a cell
        # that starts with one (or with one after a "+" or a bracket) is
        # told apart in C. Callers on a hot path test `cell[0] in
        # plain_starts` themselves before `in`.
        self.plain_starts = frozenset(
            char for char in string.ascii_letters + string.digits if char not in self._firsts
        )
        # Two first characters no placeholder starts with: two ASCII letters
        # or digits no key starts with ("Sa", "jo"; not "ni", as "nil" is a
        # key), or a decoration before a plain start ("+1", "(0"), which
        # __contains__ tells apart by its first step.
        starts = {word[:2] for word in self._keys}
        self._plain_heads = frozenset(
            {a + b for a in _ALNUM for b in _ALNUM if (a + b).lower() not in starts}
            | {mark + char for mark in _DECORATION for char in self.plain_starts}
        )
        self._plain_or_empty = self.plain_starts | {""}
        self._memo: dict[str, bool] = {}

    def could_hold(self, cells: Sequence[str]) -> list[int]:
        """The indices of the (stripped) cells that may be placeholders: no
        other cell is one. Decided in C, with no Python step per cell: by
        the first character, then the first two (_plain_heads), then the
        length (_holds' own tests). A column of phone numbers or emails took
        a Python loop step and a memo miss per cell (1% of converting's
        instructions on a six-column file, measured with valgrind)."""
        firsts = list(map(_FIRST, cells))
        if self._plain_or_empty.issuperset(firsts):
            return []
        odd = list(
            compress(range(len(cells)), map(not_, map(self._plain_or_empty.__contains__, firsts)))
        )
        odd_cells = list(map(cells.__getitem__, odd))
        unread = list(map(not_, map(self._plain_heads.__contains__, map(_HEAD, odd_cells))))
        odd, odd_cells = list(compress(odd, unread)), list(compress(odd_cells, unread))
        return list(compress(odd, map(ge, repeat(self._longest), map(len, odd_cells))))

    def __contains__(self, value: str) -> bool:
        first = value[:1]
        if first in self.plain_starts or (
            first in _DECORATION_CHARS and value[1:2] in self.plain_starts
        ):
            return False  # as _holds decides it, without the memo
        found = self._memo.get(value)
        if found is None:
            found = self._holds(value)
            if len(self._memo) >= _MEMO:
                self._memo.clear()  # unique values (emails) must not crowd out repeated ones
            self._memo[value] = found
        return found

    def _holds(self, value: str) -> bool:
        first = value[:1]
        if not first.isalnum():  # "+1 555 0100" is told by its "1"
            first = value.lstrip(_DECORATION)[:1]
        if (
            first.isalnum()
            and first not in self._firsts
            and (first.isascii() or first.casefold()[:1] not in self._firsts)
        ):
            return False
        return len(value) <= self._longest and key(value) in self._keys

    def word(self, value: str) -> str:
        """The configured word a placeholder cell matched, for the report."""
        wanted = key(value)
        return next((word for word in self.words if key(word) == wanted), value.strip())
