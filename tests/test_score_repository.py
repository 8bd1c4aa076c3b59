"""Stored scores stay true: on every write, as time passes, when the rules
change, and after training; and the learned score is measured honestly."""

import math
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from leadtui.demo import build_synthetic_database
from leadtui.domain.errors import InvalidInput
from leadtui.domain.learned import OTHER, percent
from leadtui.domain.models import ActivityKind, Stage, Temperature, build_draft
from leadtui.domain.scoring_rules import LoadedRules, parse_rules
from leadtui.repository import Repository, copy_database, open_repository, schema
from leadtui.repository.features import choose_features
from leadtui.repository.scores import rate, read_model, update_chances
from tests.conftest import NOW, both_engines, both_targets, query_plan

DAY = timedelta(days=1)

RULES_A = """
[[rules]]
label = "referral source"
points = 40
field = "source"
equals = "referral"

[[rules]]
label = "{count} inbound meeting{s} in 30 days"
points_each = 15
max_points = 30
activity = { kinds = ["meeting"], direction = "inbound", within_days = 30 }

[[rules]]
label = "no touch for 30 days"
points = -20
no_touch_days = 30
"""


class Clock:
    """A clock the test moves forward by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def with_rules(path: Path | str, text: str, clock: Clock) -> Repository:
    rules = LoadedRules(parse_rules(text, "test"), "test", text)
    return open_repository(path, actor="tester", clock=clock, rules=rules)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def scored(db_target: Path | str, clock: Clock) -> Repository:
    """A new database that has had its first refresh (which records the rules
    version, as the TUI does at start); with both_targets, on each engine."""
    repo = with_rules(db_target, RULES_A, clock)
    assert repo.refresh_scores() == 0
    return repo


def test_a_new_lead_is_scored_by_the_rules_in_effect(scored: Repository) -> None:
    lead_id = scored.add_lead(build_draft(name="Ada", source="referral"))
    lead = scored.get_lead(lead_id)
    assert (lead.score, lead.temperature) == (40, Temperature.WARM)
    details = scored.score_details(lead_id)
    assert details.rated.rule.reasons == ((40, "referral source"),)


def test_logging_an_inbound_meeting_raises_the_score_and_says_why(scored: Repository) -> None:
    lead_id = scored.add_lead(build_draft(name="Ada", source="referral"))
    scored.log_touch(lead_id, ActivityKind.MEETING, "Demo at their office", "inbound")
    lead = scored.get_lead(lead_id)
    assert (lead.score, lead.temperature) == (55, Temperature.WARM)
    assert (15, "1 inbound meeting in 30 days") in scored.score_details(lead_id).rated.rule.reasons
    scored.log_touch(lead_id, ActivityKind.MEETING, "Follow-up", "inbound")
    assert scored.get_lead(lead_id).score == 70
    assert scored.get_lead(lead_id).temperature is Temperature.HOT
    # An outbound call is a touch but not an inbound meeting.
    scored.log_touch(lead_id, ActivityKind.CALL, "Left a voicemail", "outbound")
    assert scored.get_lead(lead_id).score == 70


@both_targets
def test_a_closed_lead_keeps_its_score_through_later_touches_and_edits(
    scored: Repository, clock: Clock
) -> None:
    """The calibration table compares the score a lead closed with to its
    outcome: a meeting logged with a won customer, or an edit of a scored
    field, must not change that score."""
    lead_id = scored.add_lead(build_draft(name="Ada", source="referral"))
    scored.log_touch(lead_id, ActivityKind.MEETING, "Demo", "inbound")
    clock.now = NOW + DAY
    scored.win(lead_id)
    closed = scored.get_lead(lead_id)
    assert (closed.score, closed.temperature) == (55, Temperature.WARM)
    clock.now = NOW + 2 * DAY
    scored.log_touch(lead_id, ActivityKind.MEETING, "Kick-off", "inbound")
    scored.update_fields(lead_id, {"source": "ads"})
    kept = scored.get_lead(lead_id)
    assert (kept.score, kept.temperature) == (55, Temperature.WARM)
    # Reopened, it is scored again, with what it has now.
    scored.reopen(lead_id)
    assert scored.get_lead(lead_id).score != 55


def test_decay_needs_no_cron_the_periodic_refresh_rescores_only_due_leads(
    scored: Repository, clock: Clock
) -> None:
    quiet = scored.add_lead(build_draft(name="Quiet", source="referral"))
    clock.now = NOW + 10 * DAY
    busy = scored.add_lead(build_draft(name="Busy", source="referral"))
    assert scored.refresh_scores() == 0  # nothing due yet: no lead rescored
    assert [lead.id for lead in scored.leads_in_stage(Stage.NEW)] == [busy, quiet]  # tie: newest
    clock.now = NOW + 31 * DAY  # 30 days after Quiet was created, 21 after Busy
    assert scored.refresh_scores() == 1
    assert scored.get_lead(quiet).score == 20
    assert scored.get_lead(busy).score == 40
    assert [lead.id for lead in scored.leads_in_stage(Stage.NEW)] == [busy, quiet]
    clock.now = NOW + 41 * DAY
    assert scored.refresh_scores() == 1 and scored.get_lead(busy).score == 20


def test_a_meeting_leaving_its_window_lowers_the_score_on_time(
    scored: Repository, clock: Clock
) -> None:
    lead_id = scored.add_lead(build_draft(name="Ada"))
    scored.log_touch(lead_id, ActivityKind.MEETING, "Demo", "inbound")
    assert scored.get_lead(lead_id).score == 15
    clock.now = NOW + 30 * DAY + timedelta(seconds=1)
    # Two rules change at once: the meeting leaves the window and the
    # no-touch decay starts: 15 -> 0 (clamped from -20).
    assert scored.refresh_scores() == 1
    assert scored.get_lead(lead_id).score == 0


def test_the_periodic_refresh_is_one_index_probe_when_nothing_is_due(
    db_path: Path, scored: Repository
) -> None:
    for n in range(30):
        scored.add_lead(build_draft(name=f"Lead {n}"))
    statements: list[str] = []
    traced = open_repository(
        db_path, clock=scored.clock, tracer=lambda sql, _: statements.append(sql)
    )
    traced._rules = scored.loaded_rules
    assert traced.refresh_scores() == 0
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2  # the rules version, then the due-lead probe
    plan = query_plan(
        db_path, "SELECT id FROM leads WHERE score_due_at <= '2027' ORDER BY score_due_at LIMIT 100"
    )
    assert "leads_score_due" in plan


def test_changed_rules_rescore_every_open_lead_and_leave_closed_ones_as_they_closed(
    db_path: Path, scored: Repository, clock: Clock
) -> None:
    open_id = scored.add_lead(build_draft(name="Open", source="referral"))
    won_id = scored.add_lead(build_draft(name="Won", source="referral"))
    scored.win(won_id)
    assert scored.refresh_scores() == 0
    doubled = with_rules(db_path, RULES_A.replace("points = 40", "points = 80"), clock)
    assert doubled.refresh_scores() == 1
    assert doubled.get_lead(open_id).score == 80
    assert doubled.get_lead(won_id).score == 40  # its score when it closed
    assert doubled.refresh_scores() == 0


def test_a_pinned_temperature_survives_rescoring_until_unpinned(scored: Repository) -> None:
    lead_id = scored.add_lead(build_draft(name="Ada"))
    assert scored.get_lead(lead_id).temperature is Temperature.COLD
    pinned = scored.pin_temperature(lead_id, Temperature.HOT)
    assert (pinned.temperature, pinned.temperature_pinned) == (Temperature.HOT, True)
    scored.log_touch(lead_id, ActivityKind.NOTE, "Spoke to the CFO")
    assert scored.get_lead(lead_id).temperature is Temperature.HOT
    freed = scored.pin_temperature(lead_id, None)
    assert (freed.temperature, freed.temperature_pinned) == (Temperature.COLD, False)


def test_with_too_little_history_there_is_no_model_and_it_says_why(
    sample_repo: Repository,
) -> None:
    report = sample_repo.train_model()
    assert report.model is None
    assert report.reason is not None and "closed leads" in report.reason
    details = sample_repo.score_details(1)
    assert details.rated.chance is None and details.no_model_reason == report.reason
    assert {lead.win_chance for lead in sample_repo.all_leads()} == {0}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 synthetic leads (about 1,200 closed) with a planted signal."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_synthetic_database(path, 3000, 11, NOW)
    return path


def onto(engine: str, path: Path, request: pytest.FixtureRequest) -> Path | str:
    """The database file built at `path`, or on PostgreSQL a copy of it."""
    if engine == "sqlite":
        return path
    url: str = request.getfixturevalue("pg_url")
    copy_database(path, url)
    return url


# The PostgreSQL runs copy a few thousand leads first: the full suite's.
ENGINES_SLOW_PG = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(params=ENGINES_SLOW_PG)
def demo(request: pytest.FixtureRequest, demo_path: Path) -> Path | str:
    """The synthetic leads, as a file or copied into PostgreSQL."""
    return onto(request.param, demo_path, request)


each_engine = pytest.mark.parametrize("engine", ENGINES_SLOW_PG)


@pytest.mark.slow
def test_both_engines_learn_the_same_model_and_chances_from_the_same_leads(
    tmp_path: Path, pg_url: str
) -> None:
    path = tmp_path / "same.db"
    build_synthetic_database(path, 1500, 7, NOW)
    copy_database(path, pg_url)
    file, server = (open_repository(target, clock=lambda: NOW) for target in (path, pg_url))
    learned = [repo.train_model().model for repo in (file, server)]
    assert learned[0] is not None and learned[1] is not None
    assert learned[0].specs == learned[1].specs  # the numeric field's cuts too
    assert learned[0].intercept == pytest.approx(learned[1].intercept, abs=1e-9)
    assert learned[0].weights.keys() == learned[1].weights.keys()
    for name, levels in learned[0].weights.items():
        assert levels == pytest.approx(learned[1].weights[name], abs=1e-9), name
    assert open_chances(file) == open_chances(server)
    # A value the numeric field cannot read is a number all the same (SQLite
    # reads "n/a" as 0 and "12 staff" as 12), never a failed write.
    lead_id = min(open_chances(file))
    for odd in ("n/a", "12 staff"):
        chances = [
            repo.update_fields(lead_id, {"custom.employees": odd}).win_chance
            for repo in (file, server)
        ]
        assert chances[0] == chances[1]
    evaluations = [
        repo.evaluate_model(test_fraction=0.3, seed=2, folds=3) for repo in (file, server)
    ]
    assert (evaluations[0].n_train, evaluations[0].n_test) == (
        evaluations[1].n_train, evaluations[1].n_test,
    )  # fmt: skip
    assert evaluations[0].auc == pytest.approx(evaluations[1].auc, abs=1e-9)
    assert evaluations[0].log_loss == pytest.approx(evaluations[1].log_loss, abs=1e-9)
    assert file.learnable_fields() == server.learnable_fields()
    assert file.calibration("win_chance") == server.calibration("win_chance")
    assert file.calibration() == server.calibration()
    # Log-odds far beyond any real model's: chances 0 and 100, no overflow.
    for intercept, chance in ((-900.0, 0), (900.0, 100)):
        extreme = replace(learned[0], intercept=intercept)
        for repo in (file, server):
            with repo.engine.transaction() as db:
                update_chances(db, extreme, 0, 10_000)
            assert set(open_chances(repo).values()) == {chance}


def open_chances(repo: Repository) -> dict[int, int]:
    """Every open lead's stored win chance."""
    return {
        lead.id: lead.win_chance
        for lead in repo.all_leads()
        if lead.stage not in (Stage.WON, Stage.LOST)
    }


def test_training_stores_a_chance_for_every_open_lead_equal_to_the_python_model(
    demo: Path | str,
) -> None:
    repo = open_repository(demo, clock=lambda: NOW)
    with repo.engine.transaction() as db:
        update_chances(db, None, 0, 10**9)  # as with no model: every chance 0
    before = open_chances(repo)
    report = repo.train_model()
    assert report.model is not None and report.model.n_won > 100 and report.model.n_lost > 100
    stored = open_chances(repo)
    # What `score train` says changed: counted, never SQLite's -1 for a
    # statement that starts with WITH.
    assert report.changed == sum(before[i] != chance for i, chance in stored.items()) > 0
    with repo._connection() as db:
        model = read_model(db)
        assert model == report.model
        rated = rate(db, list(stored), repo.rules, model, NOW, explain=False)
    # Computed in SQL for speed, and in Python for the Lead tab: identical.
    assert stored == {lead_id: percent(r.chance or 0) for lead_id, r in rated.items()}
    assert len(set(stored.values())) > 20
    # And the factors the Lead tab lists multiply the average lead's odds to
    # exactly the chance shown, for every lead.
    assert model is not None
    with repo._connection() as db:
        explained = rate(db, list(stored), repo.rules, model, NOW)
    for lead_id, r in explained.items():
        odds = math.exp(model.intercept) * math.prod(f.ratio for f in r.factors)
        assert odds / (1 + odds) == pytest.approx(r.chance, rel=1e-9)
        assert percent(odds / (1 + odds)) == stored[lead_id]
    # The numeric custom field is binned at quantiles of the closed leads.
    employees = next(spec for spec in model.specs if spec.name == "employees")
    assert len(employees.cuts) >= 4 and list(employees.cuts) == sorted(employees.cuts)


@each_engine
def test_rare_values_are_pooled_alike_in_sql_and_python(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "pooled.db"
    build_synthetic_database(path, 600, 3, NOW)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value) SELECT id, 'Industry',"
            " CASE WHEN id % 13 = 0 THEN 'rare ' || id WHEN id % 2 THEN 'retail' ELSE 'energy'"
            " END FROM leads"
        )
    repo = open_repository(onto(engine, path, request), clock=lambda: NOW)
    model = repo.train_model().model
    assert model is not None and OTHER in model.weights["Industry"]
    stored = open_chances(repo)
    with repo._connection() as db:
        rated = rate(db, list(stored), repo.rules, model, NOW)
    assert stored == {lead_id: percent(r.chance or 0) for lead_id, r in rated.items()}
    rare = next(lead_id for lead_id in stored if lead_id % 13 == 0)
    assert any(f.feature == "Industry" and f.pooled for f in rated[rare].factors)


@each_engine
def test_the_team_chooses_the_fields_and_the_choice_is_kept(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "chosen.db"
    build_synthetic_database(path, 600, 4, NOW)
    repo = open_repository(onto(engine, path, request), clock=lambda: NOW)
    chosen = repo.train_model(fields="source, custom:employees").model
    assert chosen is not None and chosen.fields == ("source", "custom:employees")
    assert [spec.choice for spec in chosen.specs] == ["source", "custom:employees"]
    again = repo.train_model().model  # no --fields: the stored choice stands
    assert again is not None and [s.name for s in again.specs] == ["source", "employees"]
    every = repo.train_model(fields="all").model
    assert every is not None and every.fields is None and len(every.specs) > 5
    with pytest.raises(InvalidInput, match=r"no field 'employees' to learn from \(a custom"):
        repo.train_model(fields="source,employees")
    with pytest.raises(InvalidInput, match="no field 'nope'"):
        repo.evaluate_model(fields="nope")


def test_evaluation_finds_the_planted_signal_and_is_repeatable(demo: Path | str) -> None:
    repo = open_repository(demo)
    result = repo.evaluate_model(test_fraction=0.3, seed=4)
    totals = repo.stage_totals()
    closed = totals[Stage.WON][0] + totals[Stage.LOST][0]
    assert result.n_train + result.n_test == closed
    assert 0.2 < result.n_test / closed < 0.4
    assert result.auc is not None and result.auc > 0.68
    assert result.log_loss is not None and result.baseline_log_loss is not None
    assert result.log_loss < result.baseline_log_loss
    assert len(result.deciles) == 10
    assert result.deciles[-1].win_rate > result.deciles[0].win_rate + 0.3
    # The planted signal, read back: referrals win more, ads less.
    strongest = {(f.feature, f.value): f.ratio for f in result.strongest}
    assert strongest.get(("source", "referral"), 2.0) > 1.5
    assert repo.evaluate_model(test_fraction=0.3, seed=4) == result
    assert repo.evaluate_model(test_fraction=0.3, seed=5).n_test != result.n_test


@each_engine
def test_evaluation_on_a_label_column_uses_every_labelled_lead_and_not_the_label(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "labelled.db"
    build_synthetic_database(path, 400, 2, NOW)
    with sqlite3.connect(path) as conn:
        # Converted = yes exactly for referral and partner leads: a perfect signal.
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value) SELECT id, 'Converted',"
            " CASE WHEN source IN ('referral', 'partner') THEN 'Yes' ELSE 'no' END FROM leads"
        )
        conn.execute(
            "INSERT INTO custom_fields (lead_id, name, value)"
            " SELECT id, 'Prospect ID', 'p-' || id FROM leads"
        )
    repo = open_repository(onto(engine, path, request))
    result = repo.evaluate_model(label_field="Converted", test_fraction=0.5, seed=1)
    assert result.n_train + result.n_test == 400
    assert result.auc is not None and result.auc > 0.95
    labels = [spec.label for spec in result.features]
    assert "Converted (custom)" not in labels and "Prospect ID (custom)" not in labels
    assert "employees (custom)" in labels
    # The source alone predicts the label perfectly: evaluate says so.
    assert [leak.feature for leak in result.leaks] == ["source"]
    assert result.ece is not None  # (the L2 penalty keeps 197 leads from certainty)
    folded = repo.evaluate_model(label_field="Converted", folds=4)
    assert folded.cross_validation is not None
    assert sum(fold.n for fold in folded.cross_validation.folds) == 400
    assert (folded.cross_validation.mean("auc") or 0) > 0.95


@both_engines
def test_custom_fields_become_features_unless_they_identify_or_are_free_text(
    repo: Repository,
) -> None:
    ids = [repo.add_lead(build_draft(name=f"Lead {n}")) for n in range(40)]
    with repo.engine.transaction() as db:
        for n, lead_id in enumerate(ids):
            db.conn.executemany(
                "INSERT INTO custom_fields (lead_id, name, value) VALUES (?, ?, ?)",
                [
                    (lead_id, "Employees", str(n * 30)),
                    (lead_id, "Industry", ("retail", "banking", "energy")[n % 3]),
                    (lead_id, "Comment", f"free text number {n}"),
                    (lead_id, "Visitor ID", f"v{n}"),
                    (lead_id, "Tagline", f"unique words {n} " * 2),
                ],
            )
    with repo._connection() as db:
        specs = {(s.name, s.kind) for s in choose_features(db) if s.kind != "standard"}
    assert specs == {("Employees", "custom_numeric"), ("Industry", "custom_category")}


def test_the_inbox_can_be_ranked_by_win_chance_through_its_own_index(demo_path: Path) -> None:
    repo = open_repository(demo_path)
    seen = []
    after = None
    while page := repo.leads_in_stage(Stage.NEW, after=after, limit=97, order="chance"):
        seen += page
        after = (page[-1].win_chance, page[-1].id)
    keys = [(lead.win_chance, lead.id) for lead in seen]
    assert keys == sorted(keys, reverse=True)
    assert len(seen) == repo.stage_totals()[Stage.NEW][0]
    plan = query_plan(
        demo_path,
        "SELECT * FROM leads WHERE stage = 'new'"
        " AND (win_chance, id) < (50, 9) ORDER BY win_chance DESC, id DESC LIMIT 50",
    )
    assert "leads_stage_chance" in plan and "TEMP B-TREE" not in plan


@both_targets
def test_calibration_counts_closed_leads_per_score_band(scored: Repository) -> None:
    # Scores: referral 40, plain 0. Two referrals won, one lost; one plain lost.
    for name, source, outcome in (
        ("A", "referral", "won"),
        ("B", "referral", "won"),
        ("C", "referral", "lost"),
        ("D", "other", "lost"),
        ("E", "other", None),
    ):
        lead_id = scored.add_lead(build_draft(name=name, source=source))
        if outcome == "won":
            scored.win(lead_id)
        elif outcome == "lost":
            scored.lose(lead_id, "No budget")
    rows = [(r.band, r.closed, r.won, r.win_rate) for r in scored.calibration()]
    assert rows == [("40-49", 3, 2, 2 / 3), ("0-9", 1, 0, 0.0)]


def test_a_version_1_file_is_upgraded_in_place_and_rescored(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(schema.MIGRATIONS[0])
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO leads (name, source, created_at, updated_at, stage_entered_at, score)"
            " VALUES ('Old Lead', 'referral', ?, ?, ?, 99)",
            [NOW.isoformat()] * 3,
        )
    repo = with_rules(path, RULES_A, Clock(NOW))
    lead = repo.get_lead(1)
    assert (lead.name, lead.score, lead.win_chance, lead.temperature_pinned) == (
        "Old Lead",
        99,
        0,
        False,
    )
    assert repo.refresh_scores() == 1  # no rules recorded yet: everything is rescored
    assert repo.get_lead(1).score == 40
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION


def test_a_stopped_repository_ends_a_full_rescore_after_one_batch_and_resumes_later(
    db_path: Path, scored: Repository, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quitting TUI must not wait for a million-lead rescore: each batch is
    its own transaction, and an unfinished rescore runs again next time."""
    from leadtui.repository import scoring_store

    monkeypatch.setattr(scoring_store, "RESCORE_BATCH", 10)
    for n in range(25):
        scored.add_lead(build_draft(name=f"Lead {n}", source="referral"))
    doubled = with_rules(db_path, RULES_A.replace("points = 40", "points = 80"), clock)
    doubled.stop()
    assert doubled.rescore_open_leads() == 10
    assert [lead.score for lead in doubled.all_leads()].count(80) == 10
    again = with_rules(db_path, RULES_A.replace("points = 40", "points = 80"), clock)
    assert again.refresh_scores() == 25  # the rules were never marked applied: all again
    assert {lead.score for lead in again.all_leads()} == {80}
