"""A lead is reached by its id, as notifications, reports and every CLI
command write it: "#808" is that lead alone (or "no lead #808"), a bare
"808" lists it first, then what its words match. In `/`, the palette's
"Jump to lead…" and `leadtui search`, on both engines."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.widgets import OptionList

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.domain.search import MAX_LEAD_ID, IdAsked, id_asked
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.search import SearchScreen
from leadtui.tui.panes.detail import DetailPane
from tests.conftest import both_clis, both_engines, frozen_clock
from tests.tui_helpers import SIZE, main_screen, run_palette, settle, wait_until

# Past every id a lead can have, past what SQLite can bind, and past the
# 4,300 digits Python converts to an int.
HUGE = (str(MAX_LEAD_ID + 1), "9" * 40, "8" * 5000)


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        ("#808", IdAsked("808", only=True)),
        ("  # 808 ", IdAsked("808", only=True)),
        ("#0000808", IdAsked("0000808", only=True)),
        ("808", IdAsked("808", only=False, words="808")),
        ("0808", None),  # the start of a phone number, never how an id is written
        ("#", None),
        ("#808 Yara Rossi", IdAsked("808", only=False, words="Yara Rossi")),
        (" # 808  Yara ", IdAsked("808", only=False, words="Yara")),
        ("808 Yara", None),  # a name may start with a number: "3 Sisters Ltd"
        ("8o8", None),
        ("-808", None),
        ("#-1", IdAsked("-1", only=True)),  # no lead's id, not the words starting "1"
        ("", None),
    ],
)
def test_what_is_an_id(typed: str, asked: IdAsked | None) -> None:
    assert id_asked(typed) == asked


def test_an_impossible_id_is_no_id() -> None:
    assert IdAsked("808", only=True).lead_id == 808
    assert IdAsked(str(MAX_LEAD_ID), only=True).lead_id == MAX_LEAD_ID
    for digits in ("0", "000", "-1", "+5", *HUGE):
        assert IdAsked(digits, only=True).lead_id is None
    assert IdAsked("8" * 5000, only=True).missing() == f"no lead #{'8' * 29}…"


def numbered(repo: Repository) -> None:
    """Twelve leads: #12 is "Zed"; #3's phone and #5's name start with 12."""
    for number in range(1, 13):
        phone = "12 555 0199" if number == 3 else "+44 20 7946 0000"
        name = {5: "Room 12 Ltd", 12: "Zed"}.get(number, f"Lead {chr(64 + number)}")
        assert repo.add_lead(build_draft(name=name, phone=phone)) == number


@both_engines
def test_hash_id_is_that_lead_alone_and_a_number_lists_it_first(repo: Repository) -> None:
    numbered(repo)
    assert [lead.id for lead in repo.search("#12")] == [12]
    assert [lead.id for lead in repo.search("# 3")] == [3]  # not the leads whose words hold 3
    found = [lead.id for lead in repo.search("12")]
    assert found[0] == 12 and sorted(found[1:]) == [3, 5]  # then phones, names
    assert [lead.id for lead in repo.search("3")] == [3]  # listed once
    assert [lead.id for lead in repo.search("12", limit=1)] == [12]
    assert [lead.id for lead in repo.search("0012")] == []  # a phone's start, not an id
    assert repo.search("#13") == [] and repo.search("#0") == [] and repo.search("#") == []


@both_engines
def test_a_lead_pasted_as_messages_name_it_is_found_first(repo: Repository) -> None:
    numbered(repo)
    assert [lead.id for lead in repo.search("#3 Lead C")] == [3]
    # the number first even when its name is not the one typed: a typo in
    # either half still shows the lead meant
    assert [lead.id for lead in repo.search("#12 Lead B")] == [12, 2]
    assert [lead.id for lead in repo.search("#99 Zed")] == [12]
    assert [lead.id for lead in repo.search(f"#{HUGE[2]} Zed")] == [12]


@both_engines
def test_huge_ids_find_nothing_without_error(repo: Repository) -> None:
    numbered(repo)
    for digits in HUGE:
        assert repo.search(f"#{digits}") == []
        assert repo.search(digits) == []


@pytest.mark.slow  # over 3 s in the quick loop
async def test_slash_finds_a_lead_by_its_id(repo: Repository) -> None:
    numbered(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"#12")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        count = app.screen.query_one("#search-count")
        await wait_until(pilot, lambda: str(count.render()) == "1 found")
        results = app.screen.query_one("#search-results", OptionList)
        assert str(results.get_option_at_index(0).prompt).startswith("#12 Zed")
        await pilot.press("backspace", "backspace", "backspace", *"#99")
        await wait_until(pilot, lambda: str(count.render()) == "no lead #99")
        assert results.option_count == 0
        await pilot.press("backspace", "backspace", "backspace", *"#" + HUGE[0])
        await wait_until(pilot, lambda: str(count.render()) == f"no lead #{HUGE[0]}")
        assert app.is_running


@pytest.mark.slow
async def test_jump_to_lead_opens_a_lead_by_its_number(repo: Repository) -> None:
    numbered(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette(pilot, "jump")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"12", "enter")  # the first listed: #12, before #3 and #5
        await wait_until(pilot, lambda: main_screen(app).active_tab == "lead")
        assert main_screen(app).query_one(DetailPane).lead_id == 12


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@both_clis
def test_cli_search_by_id(db: str) -> None:
    numbered(open_repository(db if "://" in db else Path(db), clock=frozen_clock))
    alone = run("search", "#12", "--db", db)
    assert alone.exit_code == 0
    assert alone.stdout.splitlines() == ["     12  new         Zed +44 20 7946 0000"]
    shown = [int(line.split()[0]) for line in run("search", "12", "--db", db).stdout.splitlines()]
    assert shown[0] == 12 and sorted(shown[1:]) == [3, 5]
    listed = [lead["id"] for lead in json.loads(run("search", "12", "--json", "--db", db).stdout)]
    assert listed == shown
    for args in (("#99",), ("#99", "--json"), (f"#{HUGE[0]}",), ("#-1",)):
        missing = run("search", *args, "--db", db)
        assert missing.exit_code == 1 and missing.stdout == ""
        assert missing.stderr == f"Error: no lead {args[0]}\n"
    for empty in ("#", "", "  ", "..."):  # a script's empty variable is an error, not "none"
        nothing = run("search", empty, "--db", db)
        assert nothing.exit_code == 1 and nothing.stdout == ""
        assert nothing.stderr.startswith("Error: nothing to search for in ")
        assert len(nothing.stderr.splitlines()) == 1
