"""Erasing a person's data from a lead (`leadtui erase`): every text that
names or describes the person goes, from the lead, its touches (those an
undo keeps aside too), contacts, custom fields and the journal, and on
SQLite from the file's bytes too; what the KPIs count stays, and the
erasure cannot be undone."""

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from textual.widgets import Static

from leadtui.cli.root import main
from leadtui.domain.errors import LeadNotFound, LeadtuiError
from leadtui.domain.kpis import Window
from leadtui.domain.models import ActivityKind, build_draft
from leadtui.domain.score_text import rule_lines
from leadtui.repository import Repository, open_repository
from leadtui.repository.erasing import ERASED_NAME
from leadtui.repository.undo_store import NothingToUndo
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.erase import EraseScreen
from tests.conftest import NOW, both_engines, frozen_clock
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, run_palette, settle, wait_until

# Each is written somewhere on the lead below; none may survive.
PERSONAL = (
    "Ингрид Сёренсен", "ingrid@fjord.example", "+47 22 33 44 55", "Fjordlys AS",
    "Innkjøpssjef", "met her at Nor-Shipping", "shoe size 39", "ingrid.private@mail.example",
    "called about the quote", "Hei Ingrid, here are the minutes", "her husband decides",
    "Ingrid Sørensen", "her diagnosis, logged on the wrong lead",
)  # fmt: skip


# ... and as the search index keeps them: words folded to lower case.
TERMS = ("fjordlys", "innkjøpssjef", "ингрид")


def a_person_with_a_past(repo: Repository) -> int:
    """A lead whose personal data sits in every place one can be kept."""
    lead_id = repo.add_lead(
        build_draft(
            name="Ingrid Sørensen",
            email="ingrid@fjord.example",
            phone="+47 22 33 44 55",
            company="Fjordlys AS",
            title="Innkjøpssjef",
            notes="met her at Nor-Shipping",
            value_cents=1_200_000,
            source="event",
        )
    )
    repo.update_fields(lead_id, {"name": "Ингрид Сёренсен", "custom.Shoes": "shoe size 39"})
    repo.update_fields(lead_id, {"bant.authority": "no: her husband decides"})
    other = repo.add_lead(build_draft(name="Ingrid S", email="ingrid.private@mail.example"))
    repo.merge_leads(lead_id, other)  # her second email stays as a contact
    repo.log_touch(lead_id, ActivityKind.CALL, "called about the quote", "outbound")
    repo.log_touch(
        lead_id, ActivityKind.MEETING, "minutes", body="Hei Ingrid, here are the minutes"
    )
    # Taken back by an undo: kept aside whole, for a redo.
    repo.log_touch(lead_id, ActivityKind.NOTE, "her diagnosis, logged on the wrong lead")
    repo.undo()
    repo.advance(lead_id)
    return lead_id


def everything_said_about(repo: Repository, lead_id: int) -> str:
    """The lead, its history and the labels of its actions, as text."""
    lead = repo.get_lead(lead_id)
    lines = [lead.model_dump_json()]
    lines += [entry.model_dump_json() for entry in repo.history(lead_id)]
    return "\n".join(lines)


def undone_touches(repo: Repository, lead_id: int) -> int:
    """The lead's touches an undo keeps aside for a redo, read in SQL."""
    sql = f"SELECT count(*) FROM undone_activities WHERE lead_id = {int(lead_id)}"
    if isinstance(repo.target, str):
        with psycopg.connect(repo.target) as conn:
            row = conn.execute(sql).fetchone()
    else:
        with closing(sqlite3.connect(repo.target)) as db:
            row = db.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@both_engines
def test_erasing_leaves_no_personal_text_and_the_kpis_as_they_were(repo: Repository) -> None:
    lead_id = a_person_with_a_past(repo)
    window = Window.last("30d", NOW)
    before = repo.kpi_report(window)
    said = everything_said_about(repo, lead_id)
    assert all(text in said for text in PERSONAL[:4])  # the test sees what it looks for
    erased = repo.erase_lead(lead_id)
    assert (erased.custom_fields, erased.contacts, erased.touches) == (1, 1, 3)
    lead = repo.get_lead(lead_id)
    assert lead.name == ERASED_NAME and lead.stage.value == "contacted"
    assert (lead.email, lead.phone, lead.company, lead.title, lead.notes) == (
        None, None, None, None, "",
    )  # fmt: skip
    assert (lead.custom, lead.contacts, lead.value_cents) == ({}, [], 1_200_000)
    said = everything_said_about(repo, lead_id)
    assert [text for text in PERSONAL if text in said] == []
    assert undone_touches(repo, lead_id) == 0  # the one an undo kept aside too
    assert repo.kpi_report(window) == before  # the team's figures stay
    assert repo.search("Ingrid") == [] and repo.search("fjord") == []
    assert repo.duplicate_groups() == []
    with pytest.raises(NothingToUndo, match="cannot be undone"):
        repo.undo()
    with pytest.raises(LeadNotFound):
        repo.erase_lead(lead_id + 100)


def test_the_file_holds_none_of_the_erased_bytes(repo: Repository) -> None:
    """SQLite keeps deleted text in free pages, in the search index's older
    segments and in the WAL: read the files themselves."""
    lead_id = a_person_with_a_past(repo)
    for number in range(40):  # the search index in many segments, hers among them
        repo.add_lead(build_draft(name=f"Lead {number}", company=f"Company {number}"))
    files = [repo.path, Path(f"{repo.path}-wal")]

    def found() -> list[str]:
        data = b"".join(path.read_bytes() for path in files if path.exists())
        return [text for text in (*PERSONAL, *TERMS) if text.encode() in data]

    assert found()  # before: the text is there to be found
    repo.erase_lead(lead_id)
    assert found() == []
    # Nothing a teammate's connection would still read from the WAL either.
    db = sqlite3.connect(repo.path)
    assert db.execute("SELECT count(*) FROM leads WHERE name LIKE 'Ingrid%'").fetchone() == (0,)
    db.close()


def test_the_cli_asks_first_and_names_what_it_erased(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(main, ["add", "Ann Lee", "--email", "ann@x.io", "--db", db]).exit_code == 0
    refused = runner.invoke(main, ["erase", "1", "--db", db])  # not at a terminal
    assert refused.exit_code == 1
    assert refused.output == "Error: erasing cannot be undone: pass --yes to confirm\n"
    done = runner.invoke(main, ["erase", "1", "--yes", "--db", db])
    assert done.exit_code == 0 and done.output.startswith("#1: erased its name, email")
    assert "backups made before still hold it" in done.output
    shown = runner.invoke(main, ["show", "1", "--json", "--db", db]).output
    assert "ann" not in shown.lower() and ERASED_NAME in shown
    missing = runner.invoke(main, ["erase", "7", "--yes", "--db", db])
    assert missing.exit_code == 1 and missing.output == "Error: no lead with id 7\n"


@pytest.mark.slow  # over 3 s
async def test_the_palette_erases_only_once_the_word_is_typed(repo: Repository) -> None:
    lead_id = a_person_with_a_past(repo)
    email = repo.get_lead(lead_id).email
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).open_lead(lead_id)
        await wait_until(pilot, lambda: main_screen(app).selected_lead_id() == lead_id)
        await run_palette(pilot, "Erase personal data")
        await wait_until(pilot, lambda: isinstance(app.screen, EraseScreen))
        await pilot.press("y", "enter")  # not the word: nothing happens
        await settle(pilot)
        error = str(app.screen.query_one("#erase-error", Static).render())
        assert error.startswith("type erase to confirm")
        assert repo.get_lead(lead_id).email == email
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EraseScreen))
        assert repo.get_lead(lead_id).email == email
        await run_palette(pilot, "Erase personal data")
        await wait_until(pilot, lambda: isinstance(app.screen, EraseScreen))
        await pilot.press(*"erase", "enter")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).name == ERASED_NAME)
        await wait_until(pilot, lambda: any("erased its name" in n.message for n in notes(app)))
        await wait_until(pilot, lambda: "(erased)" in str(
            main_screen(app).query_one("#lead-who", Static).render()))  # fmt: skip


@both_engines
def test_a_rep_in_a_browser_erases_only_their_own_leads(repo: Repository) -> None:
    bens = repo.add_lead(build_draft(name="Ben's lead", email="b@x.io", owner="ben"))
    annas = repo.add_lead(build_draft(name="Anna's lead", email="a@x.io", owner="anna"))
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    with pytest.raises(LeadtuiError, match="is ben's lead: a rep changes only their own leads"):
        anna.erase_lead(bens)
    assert repo.get_lead(bens).email == "b@x.io"  # nothing half-erased
    anna.erase_lead(annas)
    assert repo.get_lead(annas).name == ERASED_NAME


@both_engines
def test_a_closed_lead_keeps_the_score_it_closed_with_an_open_one_is_rescored(
    repo: Repository,
) -> None:
    """The calibration table compares a closed lead's score with its outcome:
    an erasure that rescored it (its email and title gone) moved it to
    another band, so the KPIs no longer read the same."""
    draft = {"email": "ann@corp.example", "phone": "+44 20 7946 0000", "title": "CEO"}
    lost = repo.add_lead(build_draft(name="Ann Lost", company="Corp", source="referral", **draft))
    still_open = repo.add_lead(build_draft(name="Ann Open", company="Corp", **draft))
    repo.lose(lost, "No budget")
    closed_with = repo.get_lead(lost)
    calibration = repo.calibration()
    open_score = repo.get_lead(still_open).score
    repo.erase_lead(lost)
    repo.erase_lead(still_open)
    after = repo.get_lead(lost)
    assert (after.score, after.temperature, after.win_chance) == (
        closed_with.score, closed_with.temperature, closed_with.win_chance,
    )  # fmt: skip
    assert repo.calibration() == calibration
    assert repo.get_lead(still_open).score < open_score  # "email given" and kin are gone
    # Its reasons then can no longer be told (what gave them is erased): the
    # explanation says so, and lists today's as today's.
    lines = rule_lines(repo.score_details(lost))
    assert lines[0] == (
        f"Rule score {closed_with.score} ({closed_with.temperature.value}) when it closed"
    )
    assert lines[1] == "  (why is not known: changed since)"
    assert lines[2].startswith("  scored now it would be ")
    assert rule_lines(repo.score_details(still_open))[0].startswith(
        f"Rule score {repo.get_lead(still_open).score} ("
    )
