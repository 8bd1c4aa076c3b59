"""The Repository: every read and write both front ends make (the design choices behind it
are in the package docstring). It is the core its pieces share (repository/core.py) plus the
lead reads and writes below; the rest of its methods are its pieces', each declared in one line."""

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from leadtui.domain import pipeline
from leadtui.domain.clock import Clock, check_touch_day, to_iso, utc_now
from leadtui.domain.dedupe import person_key
from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import ActivityKind, HistoryEntry, Lead, LeadDraft, Lifecycle, Stage
from leadtui.domain.orders import ORDERS
from leadtui.domain.results import ScoreDetails
from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.domain.scoring_rules import LoadedRules, RuleSet, load_rules
from leadtui.paths import is_url
from leadtui.repository import actor as os_account
from leadtui.repository import assign_set, erasing, schema
from leadtui.repository.connection import Tracer
from leadtui.repository.core import Delegated
from leadtui.repository.counts_store import CountsStore
from leadtui.repository.details_store import DetailsStore
from leadtui.repository.dupes_store import DupesStore
from leadtui.repository.engine import Engine, engine_for, refuse
from leadtui.repository.history import HistoryStore, read_history
from leadtui.repository.import_store import ImportStore
from leadtui.repository.journal import action, record_touch
from leadtui.repository.kpi_store import KpiStore
from leadtui.repository.moves_store import MoveStore, record_stage_change
from leadtui.repository.pinned import ReadPin
from leadtui.repository.read_only import ReadOnly
from leadtui.repository.rows import (
    LEAD_SELECT,
    UnreadableLeads,
    details_by_lead,
    fetch_lead,
    lead_from_row,
    natural_key,
    with_custom,
)
from leadtui.repository.scores import not_closed_before, read_model, rescore
from leadtui.repository.scoring_store import ScoringStore
from leadtui.repository.searching import search_rows
from leadtui.repository.team_settings import TeamSettings, phone_key_in
from leadtui.repository.undo_store import UndoStore
from leadtui.repository.users_store import UsersStore, own_leads_transaction
from leadtui.repository.watch import ChangeWatcher, left_since_seen

# (sort key, id) of the last row of a page; the next page starts after it.
PageCursor = tuple[Any, int]
# A touch's note: a long email pasted in fits; a whole mailbox does not.
TOUCH_NOTE_LIMIT = 20_000
TOUCH_BODY_LIMIT = 200_000


class Repository:
    """Every read and write of one leadtui database (repository/engine.py)."""

    def __init__(
        self,
        path: Path | str,
        *,
        actor: str | None = None,
        clock: Clock = utc_now,
        tracer: Tracer | None = None,
        rules: LoadedRules | None = None,
        own_leads_only: bool = False,
        read_only: ReadOnly | None = None,  # a file this process may read, not write
    ) -> None:
        self.engine: Engine = engine_for(path, tracer, read_only)
        self.target = path if is_url(path) else Path(path)  # the file, or the PostgreSQL URL
        self._path = None if is_url(path) else Path(path)
        self.actor = actor or os_account.current_actor()
        # A rep in a browser: writes to leads someone else owns are refused.
        self.own_leads_only = own_leads_only
        self.clock, self.tracer = clock, tracer
        self._rules = rules  # loaded on first use when not given
        # Set by stop(): long batch jobs (rescoring every lead) end early.
        self._stopping = threading.Event()
        self._reads = ReadPin(self.engine.connect)
        self.unreadable = UnreadableLeads()  # rows the lists left out, to be told
        # The pieces, each given this core as the protocol it needs.
        self._scoring = ScoringStore(self)
        self._moves = MoveStore(self)
        self._kpis = KpiStore(self)
        self._imports = ImportStore(self)
        self._details = DetailsStore(self)
        self._dupes = DupesStore(self)
        self._history = HistoryStore(self)
        self._undo = UndoStore(self)
        self._team = TeamSettings(self)
        self._counts = CountsStore(self)

    # ---------------------- the core the pieces share (repository/core.py)

    @property
    def path(self) -> Path:
        """The database file (SQLite). What works on files alone (db check,
        backup, the first page read before anything is imported)
        is refused on PostgreSQL, by name."""
        if self._path is None:
            raise refuse("this needs a database file", self.engine.dialect)
        return self._path

    @property
    def shown(self) -> str:
        """The database as messages name it (a URL without its password)."""
        return self.engine.shown

    def _connection(self) -> AbstractContextManager[sqlite_utils.Database]:
        return self._reads.connection()

    def reading(self) -> AbstractContextManager[None]:
        """Several reads in a row on one connection (repository/pinned.py)."""
        return self._reads.pinned()

    def _transaction(self) -> AbstractContextManager[sqlite_utils.Database]:
        if self.own_leads_only:
            return own_leads_transaction(self.engine, self.actor)
        return self.engine.transaction()

    @property
    def users(self) -> UsersStore:
        """Sign-ins for `leadtui serve` (users_store.py)."""
        self.engine.require("sign-ins (users)")
        return UsersStore(self.engine, self.clock)

    def stop(self) -> None:
        """Make long batch jobs (a full rescore) end after their current
        batch: a quitting TUI must not wait 30 s for a million leads. Each
        batch is its own transaction, and what is left is redone next time."""
        self._stopping.set()

    @property
    def loaded_rules(self) -> LoadedRules:
        if self._rules is None:
            self._rules = load_rules()
        return self._rules

    @property
    def rules(self) -> RuleSet:
        return self.loaded_rules.rules

    def _rescore(self, db: sqlite_utils.Database, lead_ids: list[int], now: datetime) -> None:
        rescore(db, not_closed_before(db, lead_ids, now), self.rules, read_model(db), now)

    # ------------------------------------ the pieces' methods, one line each

    score_details = Delegated("_scoring", ScoringStore.score_details)
    learned_model = Delegated("_scoring", ScoringStore.learned_model)
    learnable_fields = Delegated("_scoring", ScoringStore.learnable_fields)
    calibration = Delegated("_scoring", ScoringStore.calibration)
    pin_temperature = Delegated("_scoring", ScoringStore.pin_temperature)
    pin_next = Delegated("_scoring", ScoringStore.pin_next)
    refresh_scores = Delegated("_scoring", ScoringStore.refresh_scores)
    rescore_open_leads = Delegated("_scoring", ScoringStore.rescore_open_leads)
    mark_rules_applied = Delegated("_scoring", ScoringStore.mark_rules_applied)
    train_model = Delegated("_scoring", ScoringStore.train_model)
    evaluate_model = Delegated("_scoring", ScoringStore.evaluate_model)

    advance = Delegated("_moves", MoveStore.advance)
    win = Delegated("_moves", MoveStore.win)
    lose = Delegated("_moves", MoveStore.lose)
    back = Delegated("_moves", MoveStore.back)
    reopen = Delegated("_moves", MoveStore.reopen)
    move_many = Delegated("_moves", MoveStore.move_many)
    move_count = Delegated("_moves", MoveStore.move_count)

    kpi_core = Delegated("_kpis", KpiStore.kpi_core)
    lost_reasons = Delegated("_kpis", KpiStore.lost_reasons)
    spell_lost_reason = Delegated("_kpis", KpiStore.spell_lost_reason)
    kpi_previous = Delegated("_kpis", KpiStore.kpi_previous)
    kpi_now = Delegated("_kpis", KpiStore.kpi_now)
    kpi_times = Delegated("_kpis", KpiStore.kpi_times)
    kpi_report = Delegated("_kpis", KpiStore.kpi_report)
    owners = Delegated("_kpis", KpiStore.owners)
    set_spend = Delegated("_kpis", KpiStore.set_spend)
    import_spend = Delegated("_kpis", KpiStore.import_spend)
    record_spend = Delegated("_kpis", KpiStore.record_spend)
    spend_entries = Delegated("_kpis", KpiStore.spend_entries)
    lifetime_years = Delegated("_kpis", KpiStore.lifetime_years)
    set_lifetime_years = Delegated("_kpis", KpiStore.set_lifetime_years)

    import_leads = Delegated("_imports", ImportStore.import_leads)
    update_fields = Delegated("_details", DetailsStore.update_fields)
    set_follow_up = Delegated("_details", DetailsStore.set_follow_up)
    snooze = Delegated("_details", DetailsStore.snooze)
    hide_until = Delegated("_details", DetailsStore.hide_until)
    due_leads = Delegated("_details", DetailsStore.due_leads)
    whole_leads = Delegated("_details", DetailsStore.whole_leads)

    merge_leads = Delegated("_dupes", DupesStore.merge_leads)
    erase_lead = erasing.erase_lead  # a person's data erased from their lead
    assign_many = assign_set.assign_many  # many leads to one owner, one action
    open_leads_of = assign_set.open_leads_of
    left_since_seen = left_since_seen  # marked leads a teammate took out of their list
    merge_details = Delegated("_dupes", DupesStore.merge_details)
    duplicate_groups = Delegated("_dupes", DupesStore.duplicate_groups)
    find_duplicates = Delegated("_dupes", DupesStore.find_duplicates)
    possible_duplicates = Delegated("_dupes", DupesStore.possible_duplicates)

    history = Delegated("_history", HistoryStore.history)
    histories = Delegated("_history", HistoryStore.histories)
    journal = Delegated("_history", HistoryStore.journal)
    journal_lines = Delegated("_history", HistoryStore.journal_lines)
    journal_count = Delegated("_history", HistoryStore.journal_count)
    journal_actors = Delegated("_history", HistoryStore.journal_actors)
    undo = Delegated("_undo", UndoStore.undo)
    redo = Delegated("_undo", UndoStore.redo)
    # The team's settings: currency, rates, phone region, time zone.
    team_currency = Delegated("_team", TeamSettings.team_currency)
    other_currency_values = Delegated("_team", TeamSettings.other_currency_values)
    set_team_currency = Delegated("_team", TeamSettings.set_team_currency)
    currency_refusal = Delegated("_team", TeamSettings.currency_refusal)
    leads_in_team_currency = Delegated("_team", TeamSettings.leads_in_team_currency)
    rates = Delegated("_team", TeamSettings.rates)
    set_rate = Delegated("_team", TeamSettings.set_rate)
    phone_region = Delegated("_team", TeamSettings.phone_region)
    set_phone_region = Delegated("_team", TeamSettings.set_phone_region)
    team_now = Delegated("_team", TeamSettings.team_now)  # the clock in the team's zone
    time_zone = Delegated("_team", TeamSettings.time_zone)
    set_time_zone = Delegated("_team", TeamSettings.set_time_zone)
    stage_totals = Delegated("_counts", CountsStore.stage_totals)
    count_in_stage = Delegated("_counts", CountsStore.count_in_stage)
    count_leads = Delegated("_counts", CountsStore.count_leads)
    has_leads = Delegated("_counts", CountsStore.has_leads)

    # ------------------------------------------------------------- start-up

    def migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION, or refuse (untouched) if it is newer
        or is some other program's database (the engine's migrations)."""
        self.engine.migrate()

    # ---------------------------------------------------------------- reads

    def get_lead(self, lead_id: int) -> Lead:
        with self._connection() as db:
            return with_custom(db, fetch_lead(db, lead_id))

    def leads_in_stage(
        self,
        stage: Stage,
        *,
        after: PageCursor | None = None,
        before: PageCursor | None = None,
        from_: PageCursor | None = None,
        last: bool = False,
        limit: int = 50,
        order: str = "score",
        awake_at: datetime | None = None,
        only: LeadFilter | None = None,
    ) -> list[Lead]:
        """One page of a stage in one of leadtui.domain.orders.ORDERS (hottest first
        by the rule score by default; by id on ties), one range scan of that
        order's index, always in display order. The page starts after the
        cursor `after`, or at `from_` (inclusive: a window re-read in place);
        or it is the page that ends just before `before` (scrolling back up),
        or with `last` the stage's last page (G). With `awake_at` (the inbox),
        leads hidden (`s`) until after then are left out; with `only`, those
        the filter lets through."""
        ranking, dialect = ORDERS[order], self.engine.dialect
        backwards = before is not None or last  # scan the index the other way
        descending = ranking.descending != backwards
        column, way = dialect.order_sql(ranking), "DESC" if descending else "ASC"
        where, params = self._filtered(only)
        sql = f"{LEAD_SELECT} WHERE stage = ?{where}"
        params.insert(0, stage.value)
        if awake_at is not None:
            sql += " AND (snoozed_until IS NULL OR snoozed_until <= ?)"
            params.append(to_iso(awake_at))
        for cursor, inclusive in ((after, False), (before, False), (from_, True)):
            if cursor is not None:
                sign = ("<" if descending else ">") + ("=" if inclusive else "")
                sql += f" AND ({column}, id) {sign} (?, ?)"
                params += list(dialect.order_cursor(ranking, cursor))
        sql += f" ORDER BY {column} {way}, id {way} LIMIT ?"
        params.append(limit)
        with self._connection() as db:
            leads = self.unreadable.readable(db.execute(sql, params).fetchall())
        return leads[::-1] if backwards else leads

    def all_leads(
        self,
        *,
        stage: Stage | None = None,
        source: str | None = None,
        owner: str | None = None,
        batch: int = 1000,
        custom: bool = False,
    ) -> Iterator[Lead]:
        """Every lead (optionally of one stage, source and owner, its case
        aside as in the TUI's filter) in id order, fetched in batches so an
        export of a million leads runs in bounded memory; with `custom`, each
        carries its custom fields, tags, BANT and secondary contacts."""
        last_id = 0
        filters = {"stage = ?": stage.value if stage else None, "source = ?": source}
        filters["lower(owner) = lower(?)"] = owner
        where = "".join(f" AND {test}" for test, value in filters.items() if value)
        params = [value for value in filters.values() if value]
        while True:
            with self._connection() as db:
                rows = db.execute(
                    f"{LEAD_SELECT} WHERE id > ?{where} ORDER BY id LIMIT ?",
                    [last_id, *params, batch],
                ).fetchall()
                span = [rows[0][0], rows[-1][0]] if rows else None
                found = (
                    details_by_lead(db, "lead_id BETWEEN ? AND ?", span) if custom and span else {}
                )
            for row in rows:
                lead = lead_from_row(row)
                yield lead.model_copy(update=found[lead.id]) if lead.id in found else lead
            if len(rows) < batch:
                return
            last_id = rows[-1][0]

    def custom_field_names(self) -> list[str]:
        """Every custom field name in use, for an export's columns, in the
        order a lead shows them (natural_key: col2 before col10)."""
        with self._connection() as db:
            names = [row[0] for row in db.execute("SELECT DISTINCT name FROM custom_fields")]
        return sorted(names, key=lambda name: (natural_key(name), name))

    def _filtered(self, only: LeadFilter | None) -> tuple[str, list[Any]]:
        return only.sql(self.team_now(), self.actor) if only else ("", [])

    def lead_page(
        self, lead_id: int, *, limit: int = 200
    ) -> tuple[Lead, list[HistoryEntry], ScoreDetails]:
        """Everything the Lead tab shows: the lead, its history and both
        scores with their reasons, read on one connection."""
        with self._connection() as db:
            lead = with_custom(db, fetch_lead(db, lead_id))
            return lead, read_history(db, lead_id, limit), self._scoring.details_on(db, lead)

    def tags(self, lead_id: int) -> list[str]:
        with self._connection() as db:
            rows = db.execute("SELECT tag FROM tags WHERE lead_id = ? ORDER BY tag", [lead_id])
            return [row[0] for row in rows]

    def cannot_write(self) -> str | None:
        """Why this process may read the file but not write it, else None."""
        return self.engine.read_only.why if self.engine.read_only else None

    def watcher(self) -> ChangeWatcher:
        return self.engine.watcher()

    def search(self, text: str, *, limit: int = 50) -> list[Lead]:
        """Leads whose name, company, email, phone or notes, or one of whose
        secondary contacts, have words that start with every word typed,
        best match first among the newest RANK_WITHIN matches (searching.py)."""
        with self.engine.connect() as db:
            return [lead_from_row(row) for row in search_rows(db, self.engine.dialect, text, limit)]

    # --------------------------------------------------------------- writes

    def add_lead(
        self,
        draft: LeadDraft,
        *,
        tags: Sequence[str] = (),
        follow_up_at: datetime | None = None,
    ) -> int:
        moment = self.clock()
        now = to_iso(moment)
        row = {
            **draft.model_dump(),
            "stage": Stage.NEW.value,
            "created_at": now,
            "updated_at": now,
            "stage_entered_at": now,
            "follow_up_at": to_iso(follow_up_at) if follow_up_at else None,
            "person_key": person_key(draft.name, draft.company),
            "expected_close": draft.expected_close.isoformat() if draft.expected_close else None,
            "lifecycle": pipeline.implied_lifecycle(
                Lifecycle.PROSPECT, Stage.NEW, has_contact=bool(draft.email or draft.phone)
            ).value,
        }
        with self._transaction() as db:
            # Above every id ever used: a merged-away lead's is never reused.
            row["id"] = db.execute(schema.NEXT_LEAD_ID).fetchone()[0]
            row["phone_key"] = phone_key_in(db, draft.phone)
            columns = ", ".join(row)
            db.execute(
                f"INSERT INTO leads ({columns}) VALUES ({', '.join(':' + c for c in row)})", row
            )
            lead_id = int(row["id"])
            db.conn.executemany(
                "INSERT INTO tags (lead_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(lead_id, clean_line(tag).lower()) for tag in tags if clean_line(tag)],
            )
            # The first history entry: entering New from nowhere.
            record_stage_change(db, lead_id, None, Stage.NEW, None, now, self.actor)
            self._rescore(db, [lead_id], moment)
        return lead_id

    def log_touch(
        self,
        lead_id: int,
        kind: ActivityKind,
        note: str,
        direction: str | None = None,
        *,
        at: datetime | None = None,
        body: str = "",
    ) -> Lead:
        """Record a touch (now, or backdated with `at`) and rescore the lead:
        `note` says what happened in a line, `body` holds the whole text."""
        note, body = clean_text(note).strip(), clean_text(body).strip()
        if len(note) > TOUCH_NOTE_LIMIT:
            raise InvalidInput(f"note: at most {TOUCH_NOTE_LIMIT:,} characters")
        if len(body) > TOUCH_BODY_LIMIT:
            raise InvalidInput(f"body: at most {TOUCH_BODY_LIMIT:,} characters")
        moment = self.clock()
        now = to_iso(moment)
        when = to_iso(at or moment)
        with self._transaction() as db:
            lead = fetch_lead(db, lead_id)
            check_touch_day(at or moment, lead.created_at, lead.last_touch_at, lead.tag())
            with action(db, self.actor, now, f"Log {kind.value} on {lead.tag()}"):
                activity = int(
                    db.execute(
                        "INSERT INTO activities (lead_id, kind, direction, note, body, at, actor)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        [lead_id, kind.value, direction, note, body, when, self.actor],
                    ).fetchall()[0][0]
                )
                record_touch(db, lead_id, activity, kind.value, note, when, self.actor)
            # A backdated touch never makes the last touch older than it was.
            later = self.engine.dialect.later("last_touch_at", "?")
            db.execute(
                f"UPDATE leads SET last_touch_at = {later},"
                " updated_at = ?, version = version + 1 WHERE id = ?",
                [when, now, lead_id],
            )
            self._rescore(db, [lead_id], moment)
            return fetch_lead(db, lead_id)
