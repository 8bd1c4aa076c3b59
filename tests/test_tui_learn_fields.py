"""The palette's "Choose what the win chance learns from": the fields with
their fill rates, the defaults ticked, training on what is ticked, the
choice stored as `score train --fields` stores it, and the outcome said."""

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, SelectionList, Static

from leadtui.demo import build_synthetic_database
from leadtui.repository import Repository, open_repository
from leadtui.repository.features import STANDARD_FEATURES
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.learn_fields import LearnFieldsScreen
from tests.conftest import NOW, frozen_clock
from tests.notifications import notes
from tests.tui_helpers import SIZE, settle, wait_until

# Each test starts an app and trains: part of the full suite, not the quick loop.
pytestmark = pytest.mark.slow

TITLE = "Choose what the win chance learns from"
HOSTILE = "Tier [b]gold[/b] [@click=app.quit]x"


@pytest.fixture
def history(tmp_path: Path) -> Repository:
    """400 synthetic leads (about 160 closed), with a custom field that is
    the outcome itself (filled in after the fact), an id, and a rare field
    whose name is markup."""
    path = tmp_path / "history.db"
    build_synthetic_database(path, 400, 2, NOW)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value)"
            " SELECT id, 'Result', stage FROM leads WHERE stage IN ('won', 'lost')"
        )
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value)"
            " SELECT id, 'Prospect ID', 'p-' || id FROM leads"
        )
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value)"
            " SELECT id, ?, 'yes' FROM leads WHERE id <= 5",
            [HOSTILE],
        )
    return open_repository(path, actor="tester", clock=frozen_clock)


def palette_offers(app: LeadApp, prompt: str) -> bool:
    lists = app.screen.query(OptionList)
    return any(prompt in str(option.prompt) for options in lists for option in options.options)


def field_list(app: LeadApp) -> SelectionList[str]:
    return app.screen.query_one("#learn-fields", SelectionList)


def text_of(app: LeadApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def prompts(app: LeadApp) -> dict[str, str]:
    fields = field_list(app)
    return {
        str(option.value): str(option.prompt)
        for option in (fields.get_option_at_index(i) for i in range(fields.option_count))
    }


async def open_form(app: LeadApp, pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p", *TITLE)
    await wait_until(pilot, lambda: palette_offers(app, TITLE))
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, LearnFieldsScreen) and field_list(app).option_count > 0,
    )


async def test_the_defaults_are_ticked_with_fill_rates_and_the_ticked_fields_are_learned(
    history: Repository,
) -> None:
    app = LeadApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        fields = field_list(app)
        shown = prompts(app)
        # Every standard feature and every custom field is listed; the
        # defaults (every field with enough values) are ticked.
        assert set(shown) == {
            *STANDARD_FEATURES,
            "custom:employees",
            "custom:Result",
            "custom:Prospect ID",
            f"custom:{HOSTILE}",
        }
        assert set(fields.selected) == {
            *STANDARD_FEATURES,
            "custom:employees",
            "custom:Result",
        }
        assert shown["source"] == "source  100% filled"
        assert shown["custom:Prospect ID"].endswith("100% filled · an id, contact or free text")
        # A field name is imported data: shown as typed, never as markup.
        assert shown[f"custom:{HOSTILE}"] == f"{HOSTILE} (custom)  1% filled · too few filled"
        assert "the defaults" in text_of(app, "#learn-status")
        fields.deselect("owner")
        fields.deselect("custom:Result")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "AUC" in text_of(app, "#learn-outcome"))
        outcome = text_of(app, "#learn-outcome")
        assert outcome.startswith("Trained on ")
        assert "calibration error" in outcome and "Warning" not in outcome
        [said] = [note for note in notes(app) if note.message.startswith("Trained on ")]
        assert said.message == outcome and not said.markup
        # Stored with the model, as `score train --fields` stores it.
        model = history.learned_model()
        assert model is not None
        expected = [f for f in STANDARD_FEATURES if f != "owner"] + ["custom:employees"]
        assert model.fields == tuple(expected)
        assert [spec.choice for spec in model.specs] == expected
        assert app.is_running  # the hostile field name ran nothing


async def test_a_field_that_is_the_outcome_is_warned_about_and_the_defaults_stay_every_field(
    history: Repository,
) -> None:
    app = LeadApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await pilot.press("ctrl+s")  # the defaults, as ticked
        await wait_until(pilot, lambda: "AUC" in text_of(app, "#learn-outcome"))
        assert "Warning: Result (custom) alone predicts the outcome (AUC 1.000)" in text_of(
            app, "#learn-outcome"
        )
        model = history.learned_model()
        # Exactly the defaults: stored as "every usable field" (--fields all).
        assert model is not None and model.fields is None
        await pilot.press("escape")
        assert not isinstance(app.screen, LearnFieldsScreen)


async def test_the_stored_choice_is_ticked_next_time_and_nothing_ticked_trains_nothing(
    history: Repository,
) -> None:
    history.train_model(fields="source,custom:employees")
    app = LeadApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        assert set(field_list(app).selected) == {"source", "custom:employees"}
        assert "the team's choice" in text_of(app, "#learn-status")
        field_list(app).deselect_all()
        await pilot.press("ctrl+s")
        assert "Tick at least one field" in text_of(app, "#learn-status")
        await settle(pilot)
        model = history.learned_model()
        assert model is not None and model.fields == ("source", "custom:employees")
