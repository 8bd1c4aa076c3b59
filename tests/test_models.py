"""Parsing and validation of what users type."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.clock import parse_past
from leadtui.domain.currency import format_money, parse_money
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source, build_draft


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("5000", 500_000),
        ("5,000.50", 500_050),
        ("$5k", 500_000),
        ("1.2m", 120_000_000),
        ("€300", 30_000),
        (" 0 ", 0),
        ("12.5", 1_250),
        ("5.123", 512),  # past the cent, rounded as an import rounds it
    ],
)
def test_parse_money_accepts_what_people_type(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["-5", "abc", "5.", "1e5", "", "5kk", "--1", "nan"])
def test_parse_money_rejects_negative_and_non_numeric(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_money_round_trips_through_its_display_form(cents: int) -> None:
    assert parse_money(format_money(cents)) == cents


@given(st.text(max_size=20))
def test_parse_money_either_parses_or_raises_invalid_input(text: str) -> None:
    try:
        cents = parse_money(text)
    except InvalidInput:
        return
    assert 0 <= cents <= 10**12


def test_draft_validates_and_normalises_fields() -> None:
    draft = build_draft(
        name="  Jane\tDoe ",
        email=" jane@acme.io ",
        phone="+44 20 7946 0001",
        company="",
        source="Referral",
        value_cents="5k",
    )
    assert draft.name == "Jane Doe"
    assert draft.email == "jane@acme.io"
    assert draft.company is None
    assert draft.source is Source.REFERRAL
    assert draft.value_cents == 500_000


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "name:"),
        ({"name": "\x1b\x07"}, "name:"),
        ({"name": "A", "email": "not-an-email"}, "email: not a valid email address"),
        ({"name": "A", "value_cents": "-3"}, "value: must be an amount of 0 or more"),
        ({"name": "A", "value_cents": -3}, "value:"),
        ({"name": "A", "source": "carrier pigeon"}, "source: must be one of website,"),
        ({"name": "A", "phone": "call me maybe"}, "phone: 4 to 30 digits, spaces or"),
    ],
)
def test_invalid_drafts_name_the_bad_field_in_one_line(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_draft(**fields)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_blank_value_means_zero() -> None:
    assert build_draft(name="A", value_cents="  ").value_cents == 0


# ------------------------------------------------------------- parse_past


def test_parse_past_reads_what_a_rep_types() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert parse_past("", now) == now
    assert parse_past(" now ", now) == now
    assert parse_past("45min", now) == now - timedelta(minutes=45)
    assert parse_past("2h", now) == now - timedelta(hours=2)
    assert parse_past("3d", now) == now - timedelta(days=3)
    assert parse_past("1w", now) == now - timedelta(weeks=1)
    assert parse_past("Yesterday", now) == now - timedelta(days=1)
    assert parse_past("2026-11-18", now) == datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    assert parse_past("2026-11-18T09:30:00+02:00", now) == datetime(2026, 11, 18, 7, 30, tzinfo=UTC)


@given(st.text(max_size=30))
def test_parse_past_never_raises_anything_but_one_line_and_never_returns_the_future(
    text: str,
) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    try:
        moment = parse_past(text, now)
    except InvalidInput as error:
        assert "\n" not in str(error)
    else:
        assert moment <= now
