"""A scoring rules file with a typing mistake in it: the TUI opens, says
once what is wrong and what still works, shows the leads and their pages
with the scores as stored, and a write it refuses says it was not saved
(it said the file's problem on every write key, and on every minute's
rescore, without saying that the move was refused)."""

from pathlib import Path

import pytest

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.broken_rules import WHAT_STILL_WORKS, tell_broken_rules
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import frozen_clock
from tests.notifications import notes
from tests.test_tui_scoring import static_text
from tests.tui_helpers import SIZE, main_screen, settle

TYPO = "[[rules]]\nlabel = 'referral source'\npoints = 25\nfield = 'sorce'\nequals = 'referral'\n"


async def test_a_broken_rules_file_is_said_once_and_a_refused_write_says_not_saved(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_id = open_repository(db_path, clock=frozen_clock).add_lead(build_draft(name="Ada"))
    rules = tmp_path / "r_typo.toml"
    rules.write_text(TYPO)
    monkeypatch.setenv("LEADTUI_RULES", str(rules))
    repo = open_repository(db_path, actor="tester", clock=frozen_clock)
    lead = repo.get_lead(lead_id)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problem = (
            f'scoring rules in {rules}: rule 1 ("referral source"): field = "sorce": no field'
            ' leadtui scores is called that (did you mean "source"?)'
        )
        [said] = [note for note in notes(app) if note.severity == "error"]
        assert said.message.startswith(problem) and said.message.endswith(WHAT_STILL_WORKS)
        assert not said.markup
        problem_now = said.message.removesuffix(f". {WHAT_STILL_WORKS}")
        tell_broken_rules(app, problem_now)  # the next minute's rescore: not said again
        assert len(notes(app)) == 1

        assert main_screen(app).query_one(InboxPane).selected_lead_id() == lead.id
        await pilot.press("a")
        await settle(pilot)
        assert notes(app)[-1].message == (
            f"Not saved: the scoring rules in {rules} cannot be used"
            " (`leadtui score rules` says why)"
        )
        assert repo.get_lead(lead.id).stage is Stage.NEW

        await pilot.press("enter")  # the lead's page still opens, its score as stored
        await settle(pilot)
        shown = static_text(app, "#lead-rule-score")
        assert f"Rule score {lead.score}" in shown and "as stored" in shown
        assert len(notes(app)) == 2
        assert app.is_running
