"""Control characters never survive the model boundary (an ESC in a name
would reach the terminal byte for byte)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.models import LeadDraft
from leadtui.domain.sanitize import clean_line, clean_text

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


@given(st.text())
def test_clean_text_leaves_no_unsafe_character(value: str) -> None:
    assert not UNSAFE.search(clean_text(value))


@given(st.text())
def test_cleaning_is_idempotent(value: str) -> None:
    assert clean_text(clean_text(value)) == clean_text(value)
    assert clean_line(clean_line(value)) == clean_line(value)


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"])))
def test_ordinary_text_is_kept(value: str) -> None:
    kept = value.replace("\u2028", "").replace("\u2029", "")
    assert clean_text(kept) == "".join(ch for ch in kept if not UNSAFE.match(ch))


def test_escape_sequences_osc_and_bidi_are_removed() -> None:
    hostile = "Acme\x1b[2J\x1b]52;c;ZXZpbA==\x07 Corp\x9b31m \u202eevil\u202c\tok\nline"
    assert clean_text(hostile) == "Acme[2J]52;c;ZXZpbA== Corp31m evil\tok\nline"
    assert clean_line(hostile) == "Acme[2J]52;c;ZXZpbA== Corp31m evil ok line"


@given(st.text(min_size=1, max_size=50))
def test_a_draft_name_is_always_stored_clean(name: str) -> None:
    try:
        draft = LeadDraft(name=name)
    except ValueError:
        return  # blank after cleaning: rejected, which is fine
    assert not UNSAFE.search(draft.name)
    assert "\n" not in draft.name


@given(st.text())
def test_the_printable_shortcut_changes_nothing(value: str) -> None:
    """clean_text/clean_line skip the regex for printable strings: exactly
    what the regex path would have returned."""
    slow_text = UNSAFE.sub("", value)
    assert clean_text(value) == slow_text
    assert clean_line(value) == slow_text.replace("\n", " ").replace("\t", " ").strip()


def test_every_unsafe_character_is_unprintable() -> None:
    unsafe = [chr(c) for c in range(0x110000) if UNSAFE.match(chr(c))]
    assert unsafe and not any(ch.isprintable() for ch in unsafe)
