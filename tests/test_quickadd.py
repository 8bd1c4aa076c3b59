"""The one-line quick-add: what it understands, what it refuses, and that it
round-trips (property tests), plus the follow-up days it accepts."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.clock import parse_follow_up
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source
from leadtui.domain.quickadd import (
    QuickLine,
    check,
    form_line,
    line_texts,
    parse,
    preview_lines,
    render,
    understand,
)
from leadtui.domain.vocabulary import SOURCE_NAMES, lookup

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday


def test_the_example_line() -> None:
    line = parse(
        'Jane Doe <jane@acme.io> @Acme Corp $5k #referral !fri +44 20 7946 0001 "met at expo"'
    )
    assert line.fields() == {
        "name": "Jane Doe", "email": "jane@acme.io", "company": "Acme Corp", "value": "$5k",
        "source": "referral", "tags": [], "follow_up": "fri", "owner": "",
        "phone": "+44 20 7946 0001", "note": "met at expo",
    }  # fmt: skip
    understood = understand(render(line), NOW)
    assert understood.draft is not None and understood.draft.value_cents == 500_000
    assert understood.draft.currency == "USD"
    assert understood.follow_up_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_unknown_hash_words_are_tags_and_known_ones_the_source() -> None:
    line = parse("Ann #web #VIP #expo-2026 #vip")
    assert (line.source, line.tags) == ("website", ["vip", "expo-2026"])


def test_an_equals_word_is_the_owner_else_the_default_one() -> None:
    assert parse("Ann Lee =maria @Acme Corp").fields()["owner"] == "maria"
    assert parse("Ann @Acme Corp =maria").company == "Acme Corp"
    named = understand("Ann =maria", NOW, owner="me")
    assert named.draft is not None and named.draft.owner == "maria"
    assert "owner: maria" in preview_lines(named)
    defaulted = understand("Ann", NOW, owner="me")
    assert defaulted.draft is not None and defaulted.draft.owner == "me"
    assert understand("Ann", NOW).draft.owner is None  # type: ignore[union-attr]


def test_the_form_is_read_as_the_line_it_stands_for() -> None:
    line = parse('Ann <a@x.io> @Acme $5k #web #vip #expo !fri =maria +44 20 7946 0001 "hi"')
    assert form_line(line_texts(line)).fields() == line.fields()
    checked = check(form_line(line_texts(line) | {"tags": "vip, no tags!"}), NOW)
    assert checked.draft is None and "not a tag" in checked.errors["tags"]


def test_ambiguities_are_reported_not_guessed() -> None:
    line = parse("Ann $5k $7k <a@x.io> b@y.io")
    assert (line.value, line.email) == ("$5k", "a@x.io")
    assert any("two values" in note for note in line.notes)
    assert any("two emails" in note for note in line.notes)
    assert "unclosed" not in " ".join(parse('Ann "half a note').notes)
    assert any("not closed" in note for note in parse('Ann "half a note').notes)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("Ann !someday", "follow_up", "not a day"),
        ("Ann <ann-at-x>", "email", "not a valid email"),
        ("Ann $abc", "value_cents", "amount of 0 or more"),
        ("Ann $-5", "value_cents", "amount of 0 or more"),
        ("@Acme $5k", "name", ""),
        ("x" * 201, "name", "200"),
    ],
)
def test_bad_parts_are_errors_on_their_field(text: str, field: str, message: str) -> None:
    understood = understand(text, NOW)
    assert understood.draft is None
    assert message in understood.errors[field]
    assert any("✗" in line for line in preview_lines(understood))


@pytest.mark.parametrize(
    ("line", "runs"),
    [
        (
            "Zoë Ørsted zoe@x.dk +45 12 34 56 78 Acme 5k€ referral",
            ["Zoë Ørsted", "Acme", "referral"],
        ),
        ("Kenji Sato kenji@sato.jp Sony 500万円 #event", ["Kenji Sato", "Sony 500万円"]),
        ("Jane Roe\njane@roe.io\n+44 20 7946 0001\nRoe Industries", ["Jane Roe", "Roe Industries"]),
        ("Ann <a@x.io> Lee", ["Ann", "Lee"]),  # a bracketed email parts them too
        ('Ann "met at expo" Lee', ["Ann", "Lee"]),  # and a note
        ("Jane Doe <jane@acme.io> @Acme Corp $5k #referral", None),
        ("<a@x.io> Ann Lee", None),
        ("Ann Lee +44 20 7946 0001", None),
    ],
)
def test_a_name_made_of_words_apart_is_questioned(line: str, runs: list[str] | None) -> None:
    """Words after an email or a phone are more likely the company or the
    source than more of the name (a pasted signature ends with the
    company): the name is still all of them, as before, but the preview
    says so and how to mark them, instead of saving it silently."""
    parsed = parse(line)
    said = [note for note in parsed.notes if "the name joins words apart" in note]
    if runs is None:
        assert not said
    else:
        assert parsed.name == " ".join(runs)
        assert said == [
            f"the name joins words apart ({' + '.join(map(repr, runs))}):"
            " @ marks a company, # a source"
        ]


@pytest.mark.parametrize(
    ("text", "team", "said"),
    [
        ("Wang ¥50000", None, "¥ is read as JPY; for another, write its code (CNY…)"),
        ("Wang ¥50000", "EUR", "¥ is read as JPY"),
        ("Dan $5k", "EUR", "$ is read as USD; for another, write its code (ARS, AUD, CAD…)"),
        ("Wang ¥50000", "CNY", None),  # the team's own reading of the mark
        ("Wang ¥50000", "JPY", None),
        ("Dan $5k", None, None),  # the default team currency is the dollar read
        ("Dan $5k", "CAD", None),
        ("Wang 50000 CNY", "USD", None),  # a code is exact
    ],
)
def test_a_mark_several_currencies_share_says_how_it_was_read(
    text: str, team: str | None, said: str | None
) -> None:
    """¥ is the yen's and the yuan's: read as the yen, 50,000 of them are
    about a twentieth of what 50,000 yuan are, so the preview says so."""
    understood = understand(text, NOW, currency=team)
    assert understood.draft is not None
    marks = [warning for warning in understood.warnings if "is read as" in warning]
    assert len(marks) == (0 if said is None else 1)
    if said is not None:
        assert marks[0].startswith(said)
        assert f"⚠ {marks[0]}" in preview_lines(understood)


def test_a_follow_up_in_the_past_is_allowed_but_flagged() -> None:
    understood = understand("Ann !2026-11-01", NOW)
    assert understood.draft is not None
    assert any("in the past" in warning for warning in understood.warnings)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", 25), ("tomorrow", 26), ("fri", 27), ("Friday", 27), ("wed", 2),
        ("3d", 28), ("2w", 9), ("2026-12-01", 1),
    ],
)  # fmt: skip
def test_follow_up_days(text: str, day: int) -> None:
    moment = parse_follow_up(text, NOW)
    assert (moment.day, moment.hour, moment.tzinfo) == (day, 9, UTC)


def test_a_follow_up_that_is_not_a_day() -> None:
    with pytest.raises(InvalidInput, match="not a day"):
        parse_follow_up("soonish", NOW)


@given(st.text(max_size=120))
def test_parsing_never_raises(text: str) -> None:
    understood = understand(text, NOW)
    assert understood.draft is not None or understood.errors
    preview_lines(understood)


# Words the vocabulary reads as a source (as it reads them: `#ad_` is `ad`,
# the ads source) are not names or tags here.
_WORD = st.from_regex(r"[A-Za-zÀ-ÿ][a-zà-ÿ'-]{0,11}", fullmatch=True).filter(
    lambda word: lookup(SOURCE_NAMES, word) is None
)
_TAGS = st.lists(
    st.from_regex(r"[a-z][a-z0-9_-]{0,9}", fullmatch=True).filter(
        lambda tag: lookup(SOURCE_NAMES, tag) is None
    ),
    unique=True,
    max_size=3,
)


@given(
    name=st.lists(_WORD, min_size=1, max_size=3).map(" ".join),
    email=st.just("")
    | st.from_regex(r"[a-z][a-z0-9.]{0,8}@[a-z]{2,8}\.(io|com|org)", fullmatch=True),
    company=st.just("") | st.lists(_WORD, min_size=1, max_size=3).map(" ".join),
    value=st.just("")
    | st.sampled_from(["$5k", "$5,000", "€1.2m", "£750", "$99.50", "5k EUR", "JPY 100000"]),
    source=st.just("") | st.sampled_from([source.value for source in Source]),
    tags=_TAGS,
    follow_up=st.just("") | st.sampled_from(["tomorrow", "fri", "3d", "2w", "2026-12-01"]),
    owner=st.just("") | st.from_regex(r"[a-z][a-z0-9._-]{0,9}", fullmatch=True),
    phone=st.just("") | st.sampled_from(["+44 20 7946 0001", "(555) 010-0199", "555-0100123"]),
    note=st.just("") | st.from_regex(r"[a-z][a-z !?.,]{0,20}[a-z]", fullmatch=True),
)
def test_the_fields_it_reports_round_trip(**fields: object) -> None:
    line = QuickLine(**fields)  # type: ignore[arg-type]
    assert parse(render(line)).fields() == line.fields()
