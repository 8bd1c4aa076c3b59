"""The Repository's scoring piece: details, pinning, refresh, training,
evaluation and calibration."""

import time
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from leadtui.domain import learned, learned_eval, pipeline
from leadtui.domain.clock import to_iso
from leadtui.domain.errors import InvalidInput
from leadtui.domain.learned import FieldChoice, Model
from leadtui.domain.learned_metrics import Scores
from leadtui.domain.logistic import Patterns
from leadtui.domain.models import Lead, Temperature
from leadtui.domain.results import CalibrationRow, Evaluation, Rated, ScoreDetails, TrainReport
from leadtui.domain.scoring import Score, next_pin
from leadtui.domain.scoring_rules import RuleSet, RulesUnusable
from leadtui.domain.users import managers_only
from leadtui.repository.core import Rescores
from leadtui.repository.core import Scores as ScoringCore
from leadtui.repository.features import (
    Population,
    choose_features,
    learn_cuts,
    learnable_fields,
    parse_fields,
    read_learning,
)
from leadtui.repository.frozen_scores import RULES_AT_KEY
from leadtui.repository.journal import action, pin_text, record_field_change
from leadtui.repository.rows import fetch_lead
from leadtui.repository.scores import (
    MODEL_KEY,
    OPEN_STAGE_SQL,
    RULES_KEY,
    rate,
    read_model,
    read_setting,
    rescore,
    update_chances,
    write_setting,
)

# Leads rescored per transaction: small enough that other writers wait at
# most a few tens of milliseconds behind a bulk rescore.
RESCORE_BATCH = 2000
# Ids per transaction when SQLite recomputes win chances after training.
CHANCE_BATCH = 20_000


class ScoringStore:
    def __init__(self, repo: ScoringCore) -> None:
        self.repo = repo

    # ---------------------------------------------------------------- reads

    def score_details(self, lead_id: int) -> ScoreDetails:
        """Both scores of a lead as of now, with the reasons and factors."""
        with self.repo._connection() as db:
            return self.details_on(db, fetch_lead(db, lead_id))

    def details_on(self, db: sqlite_utils.Database, lead: Lead) -> ScoreDetails:
        """score_details on a connection already open (the Lead tab's). With
        a rules file that cannot be used, the score as stored, and why: the
        Lead tab and `show` still show the lead."""
        try:
            rules = self.repo.rules
        except RulesUnusable as error:
            stored = Score(lead.score, (), lead.temperature)
            rated = Rated(stored, None, (), pipeline.is_open(lead.stage))
            why = "not scored now: the scoring rules file cannot be used"
            return ScoreDetails(lead, rated, None, why, rules_problem=str(error))
        model = read_model(db)
        rated = rate(db, [lead.id], rules, model, self.repo.clock())[lead.id]
        at_close = None
        if not pipeline.is_open(lead.stage) and lead.stage_entered_at is not None:
            # As of its close, to list the reasons of the score it keeps.
            then = rate(db, [lead.id], rules, None, lead.stage_entered_at, past=True)
            at_close = then[lead.id].rule if lead.id in then else None
        reason = None if model else _no_model_reason(db)
        return ScoreDetails(lead, rated, model, reason, at_close)

    def learned_model(self) -> Model | None:
        with self.repo._connection() as db:
            return read_model(db)

    def learnable_fields(self) -> FieldChoice:
        """Every field the win chance may learn from, with its fill rate and
        whether it is a default, and the choice stored with the model."""
        with self.repo._connection() as db:
            model = read_model(db)
            return FieldChoice(tuple(learnable_fields(db)), model.fields if model else None)

    def calibration(self, column: str = "score") -> list[CalibrationRow]:
        """Closed leads per band of their score (as it stood when they closed)
        and how many of them were won: does a higher score mean more wins?"""
        if column not in ("score", "win_chance"):
            raise ValueError(column)
        # The rule score's bands are kept by triggers (schema_kpi, and
        # pg/schema_kpi on PostgreSQL), for the KPI report; the win chance's
        # are counted over the closed leads, whose scores stay as they were
        # when they closed, leaving out those that closed with none stored
        # (0: before a model scored them), as every front end does.
        sql = (
            "SELECT band, n, won FROM kpi_score_bands WHERE n != 0 ORDER BY band DESC"
            if column == "score"
            else "SELECT band, count(*), count(*) FILTER (WHERE stage = 'won') FROM"
            " (SELECT CASE WHEN win_chance < 90 THEN win_chance / 10 ELSE 9 END AS band, stage"
            "    FROM leads WHERE stage IN ('won', 'lost') AND win_chance != 0) AS closed"
            " GROUP BY band ORDER BY band DESC"
        )
        with self.repo._connection() as db:
            rows = db.execute(sql).fetchall()
        return [
            CalibrationRow(f"{band * 10}-{band * 10 + 9 if band < 9 else 100}", closed, won)
            for band, closed, won in rows
        ]

    # --------------------------------------------------------------- writes

    def pin_temperature(self, lead_id: int, temperature: Temperature | None) -> Lead:
        """Pin a lead's temperature by hand, or (None) let the score set it again."""
        now = self.repo.clock()
        with (
            self.repo._transaction() as db,
            action(db, self.repo.actor, to_iso(now), f"Temperature of #{lead_id}"),
        ):
            return write_pin(self.repo, db, lead_id, temperature, now)

    def pin_next(self, lead_id: int) -> Lead:
        """`t`: the next pin after the lead's (scoring.next_pin), decided
        inside the write, so presses typed ahead, each its own write, step
        through the cycle one by one instead of all reading the same pin."""
        now = self.repo.clock()
        with (
            self.repo._transaction() as db,
            action(db, self.repo.actor, to_iso(now), f"Temperature of #{lead_id}"),
        ):
            lead = fetch_lead(db, lead_id, lock=self.repo.engine.dialect)
            pin = next_pin(lead.temperature, lead.temperature_pinned)
            return write_pin(self.repo, db, lead_id, pin, now)

    def refresh_scores(self, *, limit: int | None = None, due_only: bool = False) -> int:
        """Bring stored scores up to date; returns how many leads were rescored.

        If the rules in effect differ from those that scored this database,
        every open lead is rescored (in short transactions), unless
        `due_only` (a command that prints scores: minutes at a million
        leads, left to the TUI's start and `score refresh`). Otherwise only
        the leads whose time-window rules have changed their score since
        (score_due_at has passed). Cheap when nothing is due: one index
        probe, read without the write lock, so a teammate's long write
        delays nobody whose scores are current.
        """
        now = self.repo.clock()
        with self.repo._connection() as db:
            stale_rules = read_setting(db, RULES_KEY) != self.repo.rules.version
            due_any = db.execute(
                "SELECT 1 FROM leads WHERE score_due_at <= ? LIMIT 1", [to_iso(now)]
            ).fetchone()
        if stale_rules and not due_only:
            return self.rescore_open_leads()
        if due_any is None:
            return 0
        done = 0
        while limit is None or done < limit:
            with self.repo._transaction() as db:
                due = [
                    row[0]
                    for row in db.execute(
                        "SELECT id FROM leads WHERE score_due_at <= ? ORDER BY score_due_at"
                        " LIMIT ?",
                        [to_iso(now), RESCORE_BATCH],
                    )
                ]
                if due:
                    self.repo._rescore(db, due, now)
            done += len(due)
            if len(due) < RESCORE_BATCH or self.repo._stopping.is_set():
                break
        return done

    def rescore_open_leads(self, progress: Callable[[int], None] | None = None) -> int:
        """Recompute both scores of every open lead, in id-ordered batches, then
        record the rules version. Interrupted, it simply runs again next time."""
        now = self.repo.clock()
        last_id = done = 0
        while True:
            with self.repo._transaction() as db:
                ids = [
                    row[0]
                    for row in db.execute(
                        f"SELECT id FROM leads WHERE id > ? AND stage IN ({OPEN_STAGE_SQL})"
                        " ORDER BY id LIMIT ?",
                        [last_id, RESCORE_BATCH],
                    )
                ]
                if ids:
                    # Rules feed only the rule score: the win chance stays.
                    rescore(db, ids, self.repo.rules, None, now, chance=False)
                else:
                    _record_rules(db, self.repo.rules, now)
            if not ids:
                return done
            done += len(ids)
            last_id = ids[-1]
            if progress:
                progress(len(ids))
            if self.repo._stopping.is_set():
                return done  # the rules version is not recorded: resumed next time

    def mark_rules_applied(self, rules: RuleSet) -> None:
        """Record that every stored score came from `rules` (a bulk build that
        scored its rows itself), so nothing is rescored on first open."""
        with self.repo._transaction() as db:
            _record_rules(db, rules, self.repo.clock())

    def train_model(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        fields: str | None = None,
        closed_too: bool = False,
    ) -> TrainReport:
        """Learn won vs lost from every closed lead, store the model, and
        refresh every open lead's win chance with it. `fields` ("source,
        custom:Industry", or "all") chooses what it learns from and is stored
        with the model; without it, the stored model's choice stands. A
        closed lead keeps the chance it closed with, unless `closed_too`
        (a demo's build, whose history never closed in leadtui)."""
        managers_only(self.repo.own_leads_only, "training the win chance")
        started = time.perf_counter()
        population = Population()
        with self.repo._connection() as db:
            choice = _field_choice(db, fields)
            specs = learn_cuts(db, choose_features(db, fields=choice), population)
            training = read_learning(db, specs, population).training
        n_won, n_lost = _outcomes(training)
        reason = learned.too_little_history(n_won, n_lost)
        model = (
            None
            if reason
            else learned.train(specs, training, trained_at=to_iso(self.repo.clock()), fields=choice)
        )
        with self.repo._transaction() as db:
            write_setting(db, MODEL_KEY, model.to_json() if model else None)
            last_id = int(db.execute("SELECT coalesce(max(id), 0) FROM leads").fetchone()[0])
        # Then every open lead's chance, a slice of ids per transaction so
        # other writers never wait long. Without a model the chance is 0,
        # which the screens show as "n/a".
        changed = 0
        for after in range(0, last_id, CHANCE_BATCH):
            with self.repo._transaction() as db:
                changed += update_chances(
                    db, model, after, after + CHANCE_BATCH, closed_too=closed_too
                )
            if progress:
                progress(min(CHANCE_BATCH, last_id - after))
        return TrainReport(model, reason, time.perf_counter() - started, changed)

    def evaluate_model(
        self, *, label_field: str | None = None, test_fraction: float = 0.3, seed: int = 1,
        folds: int = 0, fields: str | None = None,
    ) -> Evaluation:  # fmt: skip
        """Train on part of the labelled leads and score the rest (and, with
        `folds`, each fold by a model trained on the others); nothing stored."""
        if not 0 < test_fraction < 1:
            raise InvalidInput("test fraction must be between 0 and 1, e.g. 0.3")
        if folds < 0 or folds == 1:
            raise InvalidInput("folds must be 2 or more (or 0 for none), e.g. 5")
        population = Population(label_field, test_fraction, seed, folds)
        with self.repo._connection() as db:
            choice = _field_choice(db, fields)
            specs = choose_features(db, exclude=label_field, fields=choice)
            specs = learn_cuts(db, specs, population)
            learning = read_learning(db, specs, population)
        training, held_out, parts = learning.training, learning.held_out, learning.folds
        n_won, n_lost = _outcomes(training)
        noun = (
            f"labelled leads ({label_field}) to train on"
            if label_field
            else "closed leads to train on"
        )
        if reason := learned.too_little_history(n_won, n_lost, noun):
            raise InvalidInput(f"cannot evaluate: {reason}")
        model, marginals = learned.train_with_marginals(specs, training)
        predicted, outcomes = learned_eval.predictions(model, held_out)
        scores = Scores.of(predicted, outcomes, n_won / (n_won + n_lost))
        return Evaluation(
            n_train=n_won + n_lost,
            n_test=scores.n,
            auc=scores.auc,
            log_loss=scores.log_loss,
            baseline_log_loss=scores.baseline_log_loss,
            deciles=learned.deciles(predicted, outcomes),
            strongest=model.strongest(),
            features=specs,
            ece=scores.ece,
            leaks=learned_eval.leaks(specs, training, held_out, marginals),
            cross_validation=learned_eval.cross_validate(specs, parts) if parts else None,
        )


def write_pin(
    repo: Rescores, db: sqlite_utils.Database, lead_id: int, temperature: Temperature | None,
    now: datetime,
) -> Lead:  # fmt: skip
    """Pin (or with None unpin and rescore) a lead's temperature, journaled:
    pin_temperature's write, and undo's when it puts a pin back."""
    before = fetch_lead(db, lead_id)
    if temperature is None:
        db.execute("UPDATE leads SET temperature_pinned = 0 WHERE id = ?", [lead_id])
        repo._rescore(db, [lead_id], now)
    else:
        db.execute(
            "UPDATE leads SET temperature = ?, temperature_pinned = 1 WHERE id = ?",
            [temperature.value, lead_id],
        )
    db.execute(
        "UPDATE leads SET updated_at = ?, version = version + 1 WHERE id = ?",
        [to_iso(now), lead_id],
    )
    after = fetch_lead(db, lead_id)
    record_field_change(
        db, lead_id, "temperature", pin_text(before), pin_text(after), to_iso(now), repo.actor
    )
    return after


def _record_rules(db: sqlite_utils.Database, rules: RuleSet, now: datetime) -> None:
    """The rules that scored the stored scores, and since when (an undo
    keeps a frozen score only if they scored it: frozen_scores.py)."""
    write_setting(db, RULES_KEY, rules.version)
    write_setting(db, RULES_AT_KEY, to_iso(now))


def _no_model_reason(db: sqlite_utils.Database) -> str:
    won, lost = db.execute(
        "SELECT count(*) FILTER (WHERE stage = 'won'), count(*) FILTER (WHERE stage = 'lost')"
        " FROM leads WHERE stage IN ('won', 'lost')"
    ).fetchone()
    return learned.too_little_history(won, lost) or "not trained yet: run `leadtui score train`"


def _field_choice(db: sqlite_utils.Database, fields: str | None) -> tuple[str, ...] | None:
    """The fields to learn from: as given ("all": every usable one), or as
    the stored model was trained."""
    if fields is not None:
        return parse_fields(fields)
    model = read_model(db)
    return model.fields if model else None


def _outcomes(patterns: Patterns) -> tuple[int, int]:
    won = sum(won for won, _ in patterns.values())
    return won, sum(total for _, total in patterns.values()) - won
