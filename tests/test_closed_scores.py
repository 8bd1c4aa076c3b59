"""What `score show` says of a closed lead: the score it closed with, and the
reasons of that score (scored as of its close) or, when they cannot be told,
that today's reasons are listed instead; and the win chance it closed with,
or "—" when none was stored. It listed today's reasons under the score of
the close, and a closed demo lead's chance was a stored 0 that `list --json`
printed as a chance while `score show` printed today's."""

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.demo import build_synthetic_database
from leadtui.domain.learned import percent
from leadtui.domain.models import ActivityKind, build_draft
from leadtui.domain.score_text import rule_lines, score_lines, score_record
from leadtui.repository import Repository
from leadtui.repository.scores import rate, read_model
from tests.conftest import NOW, both_targets
from tests.test_score_repository import RULES_A, Clock, with_rules

DAY = timedelta(days=1)


def cli(db: str, *args: str, rules: Path | None = None) -> str:
    env = {"LEADTUI_RULES": str(rules)} if rules else None
    result = CliRunner(env=env).invoke(main, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def lost_after_a_meeting(repo: Repository, clock: Clock) -> int:
    """A referral met once, lost the next day, looked at 60 days on: as of
    its close 40 + 15, today 40 - 20 (its meeting aged out, it went quiet)."""
    lead_id = repo.add_lead(build_draft(name="Ada", source="referral"))
    repo.log_touch(lead_id, ActivityKind.MEETING, "Demo", "inbound")
    clock.now += DAY
    repo.lose(lead_id, "No budget")
    clock.now += 60 * DAY
    return lead_id


@both_targets
def test_a_closed_lead_lists_the_reasons_it_closed_with(db_target: Path | str) -> None:
    clock = Clock(NOW)
    repo = with_rules(db_target, RULES_A, clock)
    lead_id = lost_after_a_meeting(repo, clock)
    details = repo.score_details(lead_id)
    assert rule_lines(details) == [
        "Rule score 55 (warm) when it closed",
        "  +40 referral source",
        "  +15 1 inbound meeting in 30 days",
        "  scored now it would be 20",
    ]
    record = score_record(details)
    assert record["closed_with"]["score"] == 55
    assert record["closed_with"]["reasons"] == [
        {"points": 40, "label": "referral source"},
        {"points": 15, "label": "1 inbound meeting in 30 days"},
    ]
    assert record["closed_with"]["at"] == (NOW + DAY).isoformat()
    # `rule` is scored now, as its key always was.
    assert record["rule"]["score"] == 20
    assert {"points": -20, "label": "no touch for 30 days"} in record["rule"]["reasons"]


@both_targets
def test_a_touch_logged_after_the_close_leaves_the_reasons_of_the_close(
    db_target: Path | str,
) -> None:
    """As of its close the lead was last touched at its meeting, not at the
    call logged with the lost customer a month later (which, read as its
    last touch, would have kept "no touch for 30 days" from firing)."""
    clock = Clock(NOW)
    repo = with_rules(db_target, RULES_A, clock)
    lead_id = repo.add_lead(build_draft(name="Bo", source="referral"))
    repo.log_touch(lead_id, ActivityKind.MEETING, "Demo", "inbound")
    clock.now += 40 * DAY
    repo.lose(lead_id, "No budget")  # quiet for 40 days: 40 - 20
    clock.now += 30 * DAY
    repo.log_touch(lead_id, ActivityKind.CALL, "Checked in")
    assert repo.get_lead(lead_id).score == 20  # kept through the touch
    assert rule_lines(repo.score_details(lead_id)) == [
        "Rule score 20 (cold) when it closed",
        "  +40 referral source",
        "  −20 no touch for 30 days",
        "  scored now it would be 40",
    ]


@both_targets
def test_a_closed_lead_changed_since_says_its_reasons_are_todays(db_target: Path | str) -> None:
    """An edit after the close changes what scoring it as of then gives:
    the reasons of its close are not known, and it says so over today's."""
    clock = Clock(NOW)
    repo = with_rules(db_target, RULES_A, clock)
    lead_id = lost_after_a_meeting(repo, clock)
    repo.update_fields(lead_id, {"source": "website"})
    details = repo.score_details(lead_id)
    assert details.lead.score == 55  # kept through the edit
    assert score_lines(details)[1:4] == [
        "Rule score 55 (warm) when it closed",
        "  (why is not known: changed since)",
        "  scored now it would be 0:",
    ]
    assert score_record(details)["closed_with"]["reasons"] is None


def cli_records(db: str, lead_id: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    listed = {lead["id"]: lead for lead in json.loads(cli(db, "list", "--json"))}
    shown = json.loads(cli(db, "show", str(lead_id), "--json"))
    scored = json.loads(cli(db, "score", "show", str(lead_id), "--json"))
    return listed[lead_id], shown, scored


def test_score_show_in_the_cli_says_which_reasons_are_whose(tmp_path: Path) -> None:
    db, rules = str(tmp_path / "c.db"), tmp_path / "rules.toml"
    rules.write_text(RULES_A, encoding="utf-8")
    clock = Clock(NOW)
    lead_id = lost_after_a_meeting(with_rules(db, RULES_A, clock), clock)
    text = cli(db, "score", "show", str(lead_id), rules=rules)
    # The real clock: within 30 days of the close, today's score is the same.
    assert "when it closed\n  +40 referral source\n  +15 1 inbound meeting in 30 days\n" in text
    scored = json.loads(cli(db, "score", "show", str(lead_id), "--json", rules=rules))
    assert scored["closed_with"]["reasons"][1]["label"] == "1 inbound meeting in 30 days"
    assert scored["closed_with"]["score"] == 55


def test_demo_closed_leads_hold_a_win_chance_and_every_front_end_says_it(
    tmp_path: Path,
) -> None:
    """The demo trained its model after writing its leads, and training
    sets open leads' chances only: every closed lead kept a stored 0, which
    `list --json` printed as a chance of 0 and `score show` replaced with
    today's. Each now holds the chance the model gives it, as of its close
    (its touches all come before it), and both say so."""
    path = tmp_path / "d.db"
    build_synthetic_database(path, 1500, 5, NOW)
    with sqlite3.connect(path) as conn:
        closed = dict(
            conn.execute("SELECT id, win_chance FROM leads WHERE stage IN ('won', 'lost')")
        )
    repo = with_rules(path, RULES_A, Clock(NOW))
    with repo._connection() as db:
        rated = rate(db, list(closed), repo.rules, read_model(db), NOW, explain=False)
    assert closed == {lead_id: percent(r.chance or 0) for lead_id, r in rated.items()}
    assert len(set(closed.values())) > 10
    lead_id, chance = next((i, c) for i, c in closed.items() if c)
    listed, shown, scored = cli_records(str(path), lead_id)
    assert listed["win_chance"] == shown["win_chance"] == scored["closed_with"]["win_chance"]
    assert listed["win_chance"] == chance
    assert shown["closed_with"] == scored["closed_with"]
    text = cli(str(path), "score", "show", str(lead_id))
    assert f"Win chance {chance}% when it closed\n  scored now it would be the same:\n" in text


def test_a_lead_closed_before_any_model_has_no_win_chance_anywhere(tmp_path: Path) -> None:
    """Trained after it closed, the model leaves the chance it closed with:
    none. Every front end says none (null, "—"), not a chance of 0, and
    `score show` gives today's beside it."""
    path = tmp_path / "trained.db"
    build_synthetic_database(path, 1500, 5, NOW)
    clock = Clock(NOW)
    repo = with_rules(path, RULES_A, clock)
    lead_id = repo.add_lead(build_draft(name="Early", source="referral"))
    with sqlite3.connect(path) as conn:  # closed before the model: none stored
        conn.execute("DELETE FROM settings WHERE key = 'learned_model'")
    repo.lose(lead_id, "No budget")
    assert repo.train_model().model is not None
    assert repo.get_lead(lead_id).win_chance == 0
    db = str(path)
    listed, shown, scored = cli_records(db, lead_id)
    assert listed["win_chance"] is shown["win_chance"] is scored["closed_with"]["win_chance"]
    assert listed["win_chance"] is None
    # Nor is it counted in the win chance's calibration, in band 0-9.
    counted = sum(band.closed for band in repo.calibration("win_chance"))
    closed = [lead for lead in repo.all_leads() if lead.stage.value in ("won", "lost")]
    assert counted == sum(1 for lead in closed if lead.win_chance) < len(closed)
    assert scored["learned"]["win_chance"] > 0  # today's, beside it
    text = cli(db, "score", "show", str(lead_id))
    assert "Win chance — when it closed\n  (none was stored at its close)\n" in text
    assert "  scored now it would be " in text
