"""Classification beside the stage: the lifecycle (pushed forward by the
stage, moved back only by a person), fit and BANT; set from the CLI, the `c`
form and the import; journaled; qualifying on thin BANT asks first."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static

from leadtui.cli.root import main
from leadtui.domain import pipeline
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import (
    Answer,
    BantAnswer,
    Fit,
    Lifecycle,
    Stage,
    Temperature,
    build_draft,
)
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.classify import ClassifyScreen, ConfirmScreen
from tests.conftest import both_engines
from tests.tui_helpers import SIZE, main_screen, run_palette, settle, wait_until


def test_the_stage_pushes_the_lifecycle_forward_never_back(repo: Repository) -> None:
    anonymous = repo.add_lead(build_draft(name="Ann"))
    assert repo.get_lead(anonymous).lifecycle is Lifecycle.PROSPECT
    lead_id = repo.add_lead(build_draft(name="Bob", email="bob@x.io"))
    assert repo.get_lead(lead_id).lifecycle is Lifecycle.IQL  # gave contact details
    for expected in (Lifecycle.IQL, Lifecycle.MQL, Lifecycle.SQL, Lifecycle.OPPORTUNITY):
        assert repo.advance(lead_id).lifecycle is expected  # contacted ... opportunity
    assert repo.lose(lead_id, "No budget").lifecycle is Lifecycle.OPPORTUNITY
    assert repo.reopen(lead_id).lifecycle is Lifecycle.OPPORTUNITY
    assert repo.win(lead_id).lifecycle is Lifecycle.CUSTOMER


def test_a_person_may_move_the_lifecycle_back(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Bob", email="bob@x.io"))
    for _ in range(3):
        repo.advance(lead_id)  # qualified: SQL
    lead = repo.update_fields(lead_id, {"lifecycle": "MQL"})
    assert lead.lifecycle is Lifecycle.MQL
    assert repo.advance(lead_id).lifecycle is Lifecycle.OPPORTUNITY  # the next push still works
    changes = [e.summary() for e in repo.history(lead_id) if e.type == "field_change"]
    assert changes == ["lifecycle: SQL → MQL"]


@given(
    current=st.sampled_from(list(Lifecycle)),
    stage=st.sampled_from(list(Stage)),
    has_contact=st.booleans(),
)
def test_the_automatic_lifecycle_never_goes_back(
    current: Lifecycle, stage: Stage, has_contact: bool
) -> None:
    after = pipeline.implied_lifecycle(current, stage, has_contact=has_contact)
    assert after.rank >= current.rank
    if stage in pipeline.STAGE_LIFECYCLE:
        assert after.rank >= pipeline.STAGE_LIFECYCLE[stage].rank


def test_fit_and_bant_are_set_and_journaled(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    lead = repo.update_fields(
        lead_id,
        {
            "fit": "High",
            "bant.budget": "yes: approved for Q1",
            "bant.need": "y",
            "bant.timeline": "n",
        },
    )
    assert lead.fit is Fit.HIGH and lead.bant_yes() == 2
    assert lead.bant_answer("budget") == BantAnswer(answer=Answer.YES, note="approved for Q1")
    assert lead.bant_answer("authority").answer is Answer.UNKNOWN
    changes = sorted(e.summary() for e in repo.history(lead_id) if e.type == "field_change")
    assert changes == [
        "bant.budget: unknown → yes: approved for Q1",
        "bant.need: unknown → yes",
        "bant.timeline: unknown → no",
        "fit: unknown → high",
    ]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("fit", "great", "fit: 'great' is not one of high, medium, low, unknown"),
        ("lifecycle", "lead", "lifecycle: 'lead' is not one of prospect, iql, mql"),
        ("bant.budget", "maybe", "bant.budget: answer yes, no or unknown .*, not 'maybe'"),
        ("bant.mood", "yes", "bant.mood: not a field you can set"),
    ],
)
def test_bad_classification_saves_nothing(
    repo: Repository, field: str, text: str, message: str
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    with pytest.raises(InvalidInput, match=message):
        repo.update_fields(lead_id, {"fit": "low", field: text})
    assert repo.get_lead(lead_id).fit is Fit.UNKNOWN


@given(st.text(max_size=300))
def test_bant_answers_parse_or_refuse_and_round_trip(text: str) -> None:
    try:
        answer = BantAnswer.parse(text)
    except InvalidInput as error:
        assert "answer yes, no or unknown" in str(error)
        return
    assert BantAnswer.parse(answer.text()) == answer
    assert "\n" not in answer.note and len(answer.note) <= 200


def test_cli_advance_asks_before_qualifying_on_thin_bant(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    runner = CliRunner()
    runner.invoke(main, ["add", "Ann", "--db", db])
    for _ in range(2):
        assert runner.invoke(main, ["advance", "1", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["advance", "1", "--db", db])  # stdin is not a terminal
    assert result.exit_code == 1
    assert "#1 Ann: only 0 of 4 BANT answers are yes (3 expected). Qualify anyway?" in result.output
    assert "Pass --yes" in result.output
    result = runner.invoke(main, ["advance", "1", "--yes", "--db", db])
    assert result.output == "#1 Ann: Qualified\n"


def test_cli_set_show_json_and_export_import_carry_the_classification(tmp_path: Path) -> None:
    db, copy = str(tmp_path / "c.db"), str(tmp_path / "copy.db")
    runner = CliRunner()
    runner.invoke(main, ["add", "Ann", "--email", "ann@x.io", "--db", db])
    for field, value in (
        ("fit", "medium"),
        ("bant.authority", "yes: signs off"),
        ("lifecycle", "sql"),
        ("expected_close", "2027-02-28"),
    ):
        result = runner.invoke(main, ["set", "1", field, value, "--db", db])
        assert result.exit_code == 0, result.output
    record = json.loads(runner.invoke(main, ["show", "1", "--json", "--db", db]).output)
    assert (record["lifecycle"], record["fit"]) == ("sql", "medium")
    assert record["bant"]["authority"] == {"answer": "yes", "note": "signs off"}
    assert record["bant"]["budget"] == {"answer": "unknown", "note": ""}
    for fmt in ("csv", "json"):
        out = tmp_path / f"out.{fmt}"
        runner.invoke(main, ["export", "--format", fmt, "--output", str(out), "--db", db])
        result = runner.invoke(main, ["import", str(out), "--db", f"{copy}.{fmt}"])
        assert result.exit_code == 0, result.output
        again = json.loads(
            runner.invoke(main, ["show", "1", "--json", "--db", f"{copy}.{fmt}"]).output
        )
        assert {k: again[k] for k in ("lifecycle", "fit", "bant", "custom", "expected_close")} == {
            k: record[k] for k in ("lifecycle", "fit", "bant", "custom", "expected_close")
        }


@pytest.mark.slow
async def test_c_sets_lifecycle_fit_and_bant_with_a_few_keys(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", email="ann@x.io"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the Lead tab
        await settle(pilot)
        text = str(main_screen(app).query_one("#lead-qualification", Static).render())
        assert "IQL · fit unknown · BANT not assessed" in text
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ClassifyScreen))
        await pilot.press("s", "down", "h", "down", "y", "down", *"approved", "down", "n")
        await pilot.press("enter")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).fit is Fit.HIGH)
        lead = repo.get_lead(lead_id)
        assert lead.lifecycle is Lifecycle.SQL
        assert lead.bant_answer("budget") == BantAnswer(answer=Answer.YES, note="approved")
        assert lead.bant_answer("authority").answer is Answer.NO
        await wait_until(
            pilot,
            lambda: (
                "BANT 1 of 4 yes"
                in str(main_screen(app).query_one("#lead-qualification", Static).render())
            ),
        )


@pytest.mark.slow
async def test_stepping_into_a_bant_note_keeps_its_text(repo: Repository) -> None:
    """↓ into a note puts the cursor after its text, selecting nothing: a key
    typed there adds to the note instead of replacing it."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {"bant.budget": "yes: approved for Q1"})
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ClassifyScreen))
        await pilot.press("down", "down", "down")
        note = app.screen.focused
        assert isinstance(note, Input) and note.id == "note-budget"
        assert note.selection.is_empty and note.cursor_position == len("approved for Q1")
        await pilot.press("n", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ClassifyScreen))
        await settle(pilot)
    assert repo.get_lead(lead_id).bant_answer("budget") == BantAnswer(
        answer=Answer.YES, note="approved for Q1n"
    )


@pytest.mark.slow
async def test_qualifying_on_thin_bant_asks_first(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.advance(lead_id)
    repo.advance(lead_id)  # engaged: the next advance qualifies
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).open_lead(lead_id)  # (not in the inbox: it is no longer New)
        await settle(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "only 0 of 4 BANT answers are yes" in str(
            app.screen.query_one("#confirm-question", Static).render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert repo.get_lead(lead_id).stage is Stage.ENGAGED  # declined: nothing moved
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).stage is Stage.QUALIFIED)


async def test_qualifying_on_three_yes_does_not_ask(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.advance(lead_id)
    repo.advance(lead_id)
    repo.update_fields(lead_id, {f"bant.{c}": "yes" for c in ("budget", "need", "timeline")})
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).open_lead(lead_id)
        await settle(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).stage is Stage.QUALIFIED)
        assert not isinstance(app.screen, ConfirmScreen)
        assert not app.screen.query(Input)  # no dialog of any kind came up


def test_pinning_the_temperature_is_journaled(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.pin_temperature(lead_id, Temperature.HOT)
    repo.pin_temperature(lead_id, None)
    changes = [e.summary() for e in repo.history(lead_id) if e.type == "field_change"]
    assert changes == [
        "temperature: hot (pinned) → cold (score)",
        "temperature: cold (score) → hot (pinned)",
    ]


@both_engines
def test_pin_next_steps_through_the_cycle_from_what_is_stored(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    own = repo.get_lead(lead_id).temperature
    steps = [repo.pin_next(lead_id) for _ in range(4)]
    assert [(lead.temperature, lead.temperature_pinned) for lead in steps] == [
        (Temperature.HOT, True),
        (Temperature.WARM, True),
        (Temperature.COLD, True),
        (own, False),
    ]


@pytest.mark.slow
async def test_the_palette_pins_and_classifies_the_selected_lead(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {"bant.need": "no: happy with their tool"})
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette(pilot, "Temperature: warm", "BANT need: yes", "Fit: low")
        lead = repo.get_lead(lead_id)
        assert (lead.temperature, lead.temperature_pinned, lead.fit) == (
            Temperature.WARM, True, Fit.LOW,
        )  # fmt: skip
        assert lead.bant_answer("need") == BantAnswer(
            answer=Answer.YES, note="happy with their tool"
        )
