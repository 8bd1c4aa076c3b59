"""The inbox and board filter: typed, checked, round-tripped, applied in SQL
to the inbox, the board's pages and its true totals, and set from keys and
the palette."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static

from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import LeadFilter, parse
from leadtui.domain.models import Source, Stage, Temperature, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.filter import FilterScreen
from tests.conftest import both_engines
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, settle

_SCORES = st.none() | st.integers(0, 999)
_FILTERS = st.builds(
    LeadFilter,
    source=st.none() | st.sampled_from(Source),
    # Imports bring owners such as "David Love": a space must read back too.
    owner=st.none() | st.from_regex(r"[a-z][a-z0-9._-]{0,20}( [A-Za-z']{1,9})?", fullmatch=True),
    temperature=st.none() | st.sampled_from(Temperature),
    min_score=_SCORES,
    max_score=_SCORES,
    overdue=st.booleans(),
    rotting=st.booleans(),
    mine=st.booleans(),
).filter(lambda f: f.min_score is None or f.max_score is None or f.min_score <= f.max_score)


@given(_FILTERS)
def test_a_filter_reads_back_from_its_own_text(only: LeadFilter) -> None:
    assert parse(only.text()) == only


def test_a_lower_bound_alone_is_spelled_as_typed() -> None:
    # "score:90-" on the filter line read as "up to 90"
    assert parse("score:90+").text() == parse("score:90-").text() == "score:90+"
    assert parse("score:-20").text() == "score:-20"


@given(st.text(max_size=80))
def test_any_typed_text_is_a_filter_or_one_clear_error(text: str) -> None:
    try:
        parse(text)
    except InvalidInput as error:
        assert str(error).startswith("filter: ") and "\n" not in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", LeadFilter()),
        ("HOT source:Referral", LeadFilter(temperature=Temperature.HOT, source=Source.REFERRAL)),
        ("score:50+ overdue", LeadFilter(min_score=50, overdue=True)),
        ("score:-20 rotting", LeadFilter(max_score=20, rotting=True)),
        ("owner:maria score:10-30", LeadFilter(owner="maria", min_score=10, max_score=30)),
        ('owner:"David  Love" hot', LeadFilter(owner="David Love", temperature=Temperature.HOT)),
        ("owner:\"Dara O'Neil", LeadFilter(owner="Dara O'Neil")),  # unclosed: to the end
    ],
)
def test_typed_filters(text: str, expected: LeadFilter) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("toasty", "'toasty' is not understood"),
        ("source:fax", "no source 'fax'"),
        ("score:80-50", "runs backwards"),
        ("score:lots", "not a range"),
        ('owner:""', "'owner:\"\"' is not understood"),
    ],
)
def test_bad_filters_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse(text)


def _board(repo: Repository) -> dict[str, int]:
    names = {
        "Ref hot": {"source": "referral", "owner": "maria", "value_cents": "10k"},
        "Ref cold": {"source": "referral", "owner": "Maria"},
        "Web": {"source": "website", "owner": "tom", "value_cents": "5k"},
    }
    ids = {name: repo.add_lead(build_draft(name=name, **fields)) for name, fields in names.items()}
    repo.pin_temperature(ids["Ref hot"], Temperature.HOT)
    repo.advance(ids["Web"])
    return ids


@both_engines
def test_the_filter_applies_to_pages_counts_and_totals(repo: Repository) -> None:
    ids = _board(repo)
    referral = LeadFilter(source=Source.REFERRAL)
    assert {lead.name for lead in repo.leads_in_stage(Stage.NEW, only=referral)} == {
        "Ref hot", "Ref cold",
    }  # fmt: skip
    assert repo.count_in_stage(Stage.NEW, awake_at=repo.clock(), only=referral) == 2
    maria = LeadFilter(owner="MARIA", temperature=Temperature.HOT)
    assert repo.stage_totals(maria) == {Stage.NEW: (1, 1_000_000)}
    assert repo.stage_totals(LeadFilter(source=Source.WEBSITE)) == {Stage.CONTACTED: (1, 500_000)}
    # Overdue and rotting follow the clock; nothing is either yet.
    assert repo.stage_totals(LeadFilter(overdue=True)) == {}
    repo.set_follow_up(ids["Web"], repo.clock() - timedelta(days=1))
    assert repo.stage_totals(LeadFilter(overdue=True)) == {Stage.CONTACTED: (1, 500_000)}
    # A won lead keeps its passed follow-up day, but nothing is due on it.
    repo.set_follow_up(ids["Ref hot"], repo.clock() - timedelta(days=2))
    repo.win(ids["Ref hot"])
    assert repo.stage_totals(LeadFilter(overdue=True)) == {Stage.CONTACTED: (1, 500_000)}
    assert repo.leads_in_stage(Stage.WON, only=LeadFilter(overdue=True)) == []
    later = Repository(repo.target, clock=lambda: repo.clock() + timedelta(days=4))
    assert later.stage_totals(LeadFilter(rotting=True)) == {Stage.NEW: (1, 0)}


def _filter_bar(app: LeadApp) -> str | None:
    bar = main_screen(app).query_one("#filter-bar", Static)
    return str(bar.render()) if bar.display else None


@pytest.mark.slow
async def test_ctrl_f_filters_inbox_and_board_and_shows_the_filter(repo: Repository) -> None:
    _board(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _filter_bar(app) is None
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, FilterScreen)
        await pilot.press(*"source:fax")
        assert "no source 'fax'" in str(app.screen.query_one("#filter-error").render())
        app.screen.query_one(Input).value = "hot"
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_names(app) == ["Ref hot"]
        assert _filter_bar(app) == "Filter hot  ctrl+f change · empty clears"
        await pilot.press("2")
        await settle(pilot)
        assert column(app, "new").cards.option_count == 1
        assert column(app, "contacted").cards.option_count == 0
        await pilot.press("ctrl+f", "ctrl+u", "enter")  # empty: no filter
        await settle(pilot)
        assert column(app, "new").cards.option_count == 2 and _filter_bar(app) is None


async def test_bang_and_the_palette_toggle_filters(repo: Repository) -> None:
    ids = _board(repo)
    repo.set_follow_up(ids["Ref cold"], repo.clock() - timedelta(days=1))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert inbox_names(app) == ["Ref cold"]
        main_screen(app).filter_by("clear", "")
        await settle(pilot)
        assert len(inbox_names(app)) == 2
        main_screen(app).filter_by("source", "source:website")
        await settle(pilot)
        assert inbox_names(app) == [] and main_screen(app).only.source is Source.WEBSITE


@pytest.mark.slow  # over 3 s in the quick loop
async def test_an_owner_with_a_space_is_filtered_by_quoting_it(repo: Repository) -> None:
    """Owners imported from a CRM are full names; `owner:David Love` read
    `Love` as an unknown word, so no filter could show their leads."""
    repo.add_lead(build_draft(name="Greer", owner="David Love"))
    repo.add_lead(build_draft(name="Close", owner="David Lowe"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *'owner:"david love"', "enter")
        await settle(pilot)
        assert inbox_names(app) == ["Greer"]
        assert _filter_bar(app) == 'Filter owner:"david love"  ctrl+f change · empty clears'
        await pilot.press("ctrl+f")  # the filter as shown reads back as it is
        assert isinstance(app.screen, FilterScreen)
        assert app.screen.query_one(Input).value == 'owner:"david love"'
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_names(app) == ["Greer"]
