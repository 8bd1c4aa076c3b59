"""Control characters never survive the model boundary (an ESC in a name
would reach the terminal byte for byte), nor do the invisible characters
that misalign a table's rows; joiners stay where a script needs them."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.models import LeadDraft
from leadtui.domain.sanitize import clean_line, clean_text, clean_typed

# Written out apart from the module, as the specification: C0 (but TAB and
# LF), DEL, C1, bidi controls, zero-width and invisible format characters,
# the soft hyphen, the line/paragraph separators, surrogates.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0001\ud800-\udfff]"
)
JOINERS = "\u200c\u200d"


def lone_joiners(text: str) -> list[int]:
    """Where a joiner has ASCII, a space, a joiner or the edge beside it."""

    def joinable(index: int) -> bool:
        if not 0 <= index < len(text):
            return False
        ch = text[index]
        return ord(ch) > 0x7F and not ch.isspace() and ch not in JOINERS

    return [
        i
        for i, ch in enumerate(text)
        if ch in JOINERS and not (joinable(i - 1) and joinable(i + 1))
    ]


@given(st.text())
def test_clean_text_leaves_no_unsafe_character(value: str) -> None:
    cleaned = clean_text(value)
    assert not UNSAFE.search(cleaned)
    assert not lone_joiners(cleaned)


@given(st.text())
def test_cleaning_is_idempotent(value: str) -> None:
    assert clean_text(clean_text(value)) == clean_text(value)
    assert clean_line(clean_line(value)) == clean_line(value)
    assert clean_typed(clean_typed(value)) == clean_typed(value)


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"])))
def test_ordinary_text_is_kept(value: str) -> None:
    assert clean_text(value) == "".join(ch for ch in value if not UNSAFE.match(ch))


def test_escape_sequences_osc_and_bidi_are_removed() -> None:
    hostile = "Acme\x1b[2J\x1b]52;c;ZXZpbA==\x07 Corp\x9b31m \u202eevil\u202c\tok\nline"
    assert clean_text(hostile) == "Acme[2J]52;c;ZXZpbA== Corp31m evil\tok\nline"
    assert clean_line(hostile) == "Acme[2J]52;c;ZXZpbA== Corp31m evil ok line"


@pytest.mark.parametrize(
    ("hostile", "clean"),
    [
        pytest.param("Ann\u200b Lee", "Ann Lee", id="zero-width-space"),
        pytest.param("\ufeffAnn", "Ann", id="byte-order-mark"),
        pytest.param("An\u2060n", "Ann", id="word-joiner"),
        pytest.param("Ac\u00adme", "Acme", id="soft-hyphen"),
        pytest.param("\u061cAnn\u200e", "Ann", id="arabic-letter-mark"),
        pytest.param("Ann\u2028Lee", "Ann Lee", id="line-separator"),
        pytest.param("Ann\u2029Lee", "Ann Lee", id="paragraph-separator"),
        pytest.param("Ac\u200dme", "Acme", id="joiner-between-ascii"),
        pytest.param("\u200cAnn\u200d", "Ann", id="joiner-at-the-edges"),
        pytest.param("x\udc9by", "xy", id="lone-surrogate"),
    ],
)
def test_invisible_characters_that_misalign_rows_are_dropped(hostile: str, clean: str) -> None:
    assert clean_line(hostile) == clean


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("می\u200cخواهم", id="persian-zwnj-in-a-word"),
        pytest.param("क्\u200dष", id="devanagari-zwj"),
        pytest.param("👩\u200d💻 Ann", id="emoji-zwj-sequence"),
        pytest.param("❤\ufe0f\u200d🔥", id="emoji-with-variation-selector"),
    ],
)
def test_joiners_a_script_or_an_emoji_needs_are_kept(text: str) -> None:
    assert clean_line(text) == text


def test_typed_text_loses_whole_sequences_and_keeps_its_spaces() -> None:
    pasted = "\x1b[2Jcleared\x1b]52;c;ZXZpbA==\x07Paste\x9b31mA\x1b]8;;http://x\x1b\\ "
    assert clean_typed(pasted) == "clearedPasteA "
    assert clean_typed("line one\nline two\tend") == "line one line two end"
    assert clean_typed("line one\nline two", multi_line=True) == "line one\nline two"
    # A joiner typed last may join the next character typed.
    assert clean_typed("Ann \u202eLee\u200d") == "Ann Lee\u200d"


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
    """clean_text/clean_line skip the regexes for printable strings, which
    must then hold nothing to clean."""
    if value.isprintable():
        assert not UNSAFE.search(value) and not any(ch in JOINERS for ch in value)
        assert clean_text(value) == value and clean_typed(value) == value


def test_every_unsafe_character_is_unprintable() -> None:
    unsafe = [chr(c) for c in range(0x110000) if UNSAFE.match(chr(c))] + list(JOINERS)
    assert unsafe and not any(ch.isprintable() for ch in unsafe)
