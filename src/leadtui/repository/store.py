"""The Repository: every read and write both front ends make (the design
choices behind it are in the package docstring)."""

import getpass
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from leadtui import pipeline, schema
from leadtui.clock import Clock, age_label, from_iso, to_iso, utc_now
from leadtui.dedupe import person_key, phone_key
from leadtui.errors import IllegalMove, InvalidInput, StaleLead
from leadtui.filters import LeadFilter
from leadtui.models import ActivityKind, HistoryEntry, Lead, LeadDraft, Lifecycle, Stage
from leadtui.orders import ORDERS
from leadtui.repository.connection import (
    Tracer,
    check_version,
    connect,
    enable_wal,
    read_user_version,
    register_key_functions,
    write_transaction,
)
from leadtui.repository.dupes_store import DupesStore
from leadtui.repository.history import HistoryStore, read_history
from leadtui.repository.import_store import ImportStore
from leadtui.repository.journal import (
    PUSHED_BY_STAGE,
    action,
    record_field_change,
    record_touch,
)
from leadtui.repository.kpi_store import KpiStore
from leadtui.repository.rows import (
    LEAD_SELECT,
    bant_by_lead,
    custom_by_lead,
    fetch_lead,
    lead_from_row,
    tags_by_lead,
    with_custom,
)
from leadtui.repository.scoring_store import ScoreDetails, ScoringStore
from leadtui.repository.undo_store import UndoStore
from leadtui.repository.watch import ChangeWatcher
from leadtui.sanitize import clean_line, clean_text
from leadtui.scoring_rules import LoadedRules
from leadtui.search import RANK_WITHIN, fts_query

# (sort key, id) of the last row of a page; the next page starts after it.
PageCursor = tuple[Any, int]
# A touch's note: a long email pasted in fits; a whole mailbox does not.
TOUCH_NOTE_LIMIT = 20_000
TOUCH_BODY_LIMIT = 200_000


def current_actor() -> str:
    """The OS user name: who made a change, as recorded on every write."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


class Repository(ScoringStore, KpiStore, ImportStore, DupesStore, HistoryStore, UndoStore):
    """Every read and write of one leadtui database file."""

    def __init__(
        self,
        path: Path,
        *,
        actor: str | None = None,
        clock: Clock = utc_now,
        tracer: Tracer | None = None,
        rules: LoadedRules | None = None,
    ) -> None:
        self.path = path
        self.actor = actor or current_actor()
        self.clock = clock
        self.tracer = tracer
        self._rules = rules  # loaded on first use when not given
        # Set by stop(): long batch jobs (rescoring every lead) end early.
        self._stopping = threading.Event()

    # ----------------------------------------------------------- connections

    def _connection(self) -> AbstractContextManager[sqlite_utils.Database]:
        return connect(self.path, self.tracer)

    def _transaction(self) -> AbstractContextManager[sqlite_utils.Database]:
        return write_transaction(self.path, self.tracer)

    # ------------------------------------------------------------- start-up

    def migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION, or refuse (untouched) if it is newer
        or is some other program's database."""
        with self._connection() as db:
            check_version(db, self.path, read_user_version(db))
            enable_wal(db)
            db.execute("BEGIN IMMEDIATE")
            try:
                version = read_user_version(db)  # re-read: another process may have won
                check_version(db, self.path, version)
                register_key_functions(db)
                for step in schema.MIGRATIONS[version:]:
                    db.executescript(step)
                if version < schema.SCHEMA_VERSION:
                    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

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
        """One page of a stage in one of leadtui.orders.ORDERS (hottest first
        by the rule score by default; by id on ties), one range scan of that
        order's index, always in display order. The page starts after the
        cursor `after`, or at `from_` (inclusive: a window re-read in place);
        or it is the page that ends just before `before` (scrolling back up),
        or with `last` the stage's last page (G). With `awake_at` (the inbox),
        leads hidden (`s`) until after then are left out; with `only`, those
        the filter lets through."""
        ranking = ORDERS[order]
        backwards = before is not None or last  # scan the index the other way
        descending = ranking.descending != backwards
        column, way = ranking.sql, "DESC" if descending else "ASC"
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
                params += list(cursor)
        sql += f" ORDER BY {column} {way}, id {way} LIMIT ?"
        params.append(limit)
        with self._connection() as db:
            leads = [lead_from_row(row) for row in db.execute(sql, params).fetchall()]
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
        """Every lead (optionally of one stage, source and owner) in id order,
        fetched in batches so an export of a million leads runs in bounded
        memory; with `custom`, each carries its custom fields, tags and BANT."""
        last_id = 0
        filters = {"stage": stage.value if stage else None, "source": source, "owner": owner}
        where = "".join(f" AND {column} = ?" for column, value in filters.items() if value)
        params = [value for value in filters.values() if value]
        while True:
            with self._connection() as db:
                rows = db.execute(
                    f"{LEAD_SELECT} WHERE id > ?{where} ORDER BY id LIMIT ?",
                    [last_id, *params, batch],
                ).fetchall()
                span = (db, rows[0][0], rows[-1][0]) if rows else None
                extra = custom_by_lead(*span) if custom and span else {}
                tags = tags_by_lead(*span) if custom and span else {}
                bant = bant_by_lead(*span) if custom and span else {}
            for row in rows:
                lead = lead_from_row(row)
                if lead.id in extra or lead.id in tags or lead.id in bant:
                    update = {
                        "custom": extra.get(lead.id, {}),
                        "tags": tags.get(lead.id, []),
                        "bant": bant.get(lead.id, {}),
                    }
                    lead = lead.model_copy(update=update)
                yield lead
            if len(rows) < batch:
                return
            last_id = rows[-1][0]

    def custom_field_names(self) -> list[str]:
        """Every custom field name in use, for an export's columns."""
        with self._connection() as db:
            return [
                row[0]
                for row in db.execute("SELECT DISTINCT name FROM custom_fields ORDER BY name")
            ]

    def stage_totals(self, only: LeadFilter | None = None) -> dict[Stage, tuple[int, int]]:
        """{stage: (count, total value in cents)} over every lead (read from
        an index) or every lead the filter lets through (a scan)."""
        where, params = self._filtered(only)
        with self._connection() as db:
            rows = db.execute(
                "SELECT stage, count(*), coalesce(sum(value_cents), 0) FROM leads"
                f" WHERE 1{where} GROUP BY stage",
                params,
            ).fetchall()
        return {Stage(stage): (count, value) for stage, count, value in rows}

    def _filtered(self, only: LeadFilter | None) -> tuple[str, list[Any]]:
        return only.sql(self.clock()) if only else ("", [])

    def lead_page(
        self, lead_id: int, *, limit: int = 200
    ) -> tuple[Lead, list[HistoryEntry], ScoreDetails]:
        """Everything the Lead tab shows: the lead, its history and both
        scores with their reasons, read on one connection."""
        with self._connection() as db:
            lead = with_custom(db, fetch_lead(db, lead_id))
            return lead, read_history(db, lead_id, limit), self._score_details(db, lead)

    def tags(self, lead_id: int) -> list[str]:
        with self._connection() as db:
            rows = db.execute("SELECT tag FROM tags WHERE lead_id = ? ORDER BY tag", [lead_id])
            return [row[0] for row in rows]

    def watcher(self) -> ChangeWatcher:
        return ChangeWatcher(self.path)

    def has_leads(self) -> bool:
        with self._connection() as db:
            return bool(db.execute("SELECT EXISTS (SELECT 1 FROM leads)").fetchone()[0])

    def search(self, text: str, *, limit: int = 50) -> list[Lead]:
        """Leads whose name, company, email, phone or notes have words that
        start with every word typed, best match first (FTS5 rank) among the
        newest RANK_WITHIN matches."""
        query = fts_query(text)
        if query is None:
            return []
        with self._connection() as db:
            rows = db.execute(
                f"{LEAD_SELECT} JOIN (SELECT hit, rank FROM (SELECT rowid AS hit, rank"
                " FROM leads_fts WHERE leads_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
                " ORDER BY rank LIMIT ?) ON hit = id ORDER BY rank",
                [query, max(RANK_WITHIN, limit), limit],
            ).fetchall()
        return [lead_from_row(row) for row in rows]

    def count_in_stage(
        self, stage: Stage, *, awake_at: datetime | None = None, only: LeadFilter | None = None
    ) -> int:
        """The inbox's untriaged total at any size: two index range counts,
        the stage's leads less those hidden until after `awake_at` (with a
        filter, a scan of the stage)."""
        if only:
            where, params = self._filtered(only)
            if awake_at is not None:
                where += " AND (snoozed_until IS NULL OR snoozed_until <= ?)"
                params.append(to_iso(awake_at))
            with self._connection() as db:
                row = db.execute(
                    f"SELECT count(*) FROM leads WHERE stage = ?{where}", [stage.value, *params]
                )
                return int(row.fetchone()[0])
        with self._connection() as db:
            row = db.execute("SELECT count(*) FROM leads WHERE stage = ?", [stage.value])
            total = int(row.fetchone()[0])
            if awake_at is None:
                return total
            hidden = db.execute(
                "SELECT count(*) FROM leads INDEXED BY leads_snoozed"
                " WHERE stage = ? AND snoozed_until > ?",
                [stage.value, to_iso(awake_at)],
            ).fetchone()[0]
            return total - int(hidden)

    def count_leads(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT count(*) FROM leads").fetchone()[0])

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
            "phone_key": phone_key(draft.phone),
            "person_key": person_key(draft.name, draft.company),
            "expected_close": draft.expected_close.isoformat() if draft.expected_close else None,
            "lifecycle": pipeline.implied_lifecycle(
                Lifecycle.PROSPECT, Stage.NEW, has_contact=bool(draft.email or draft.phone)
            ).value,
        }
        columns = ", ".join(row)
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT INTO leads ({columns}) VALUES ({', '.join(':' + c for c in row)})", row
            )
            lead_id = int(cursor.lastrowid or 0)
            db.conn.executemany(
                "INSERT OR IGNORE INTO tags (lead_id, tag) VALUES (?, ?)",
                [(lead_id, clean_line(tag).lower()) for tag in tags if clean_line(tag)],
            )
            # The first history entry: entering New from nowhere.
            _record_stage_change(db, lead_id, None, Stage.NEW, None, now, self.actor)
            self._rescore(db, [lead_id], moment)
        return lead_id

    # Each move takes `seen`: the stage the user saw the lead in. If someone
    # else has moved it since, the move is refused (StaleLead) rather than
    # applied to a state the user never saw. Other changes (a touch, a score)
    # do not matter: the move still applies cleanly. The CLI passes None.

    def advance(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("advance", [(lead_id, seen)])[0]

    def win(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("win", [(lead_id, seen)])[0]

    def lose(self, lead_id: int, reason: str, *, seen: Stage | None = None) -> Lead:
        return self.move_many("lose", [(lead_id, seen)], reason=reason)[0]

    def back(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("back", [(lead_id, seen)])[0]

    def reopen(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("reopen", [(lead_id, seen)])[0]

    def move_many(
        self, how: str, leads: Sequence[tuple[int, Stage | None]], *, reason: str = ""
    ) -> list[Lead]:
        """Move leads (`how`: advance, back, win, lose, reopen), each with the
        stage its user saw, in one IMMEDIATE transaction and as one action
        ("Lose 12 leads", one `u`): every lead moves, or none does (a lead
        moved by someone else meanwhile, or one the move does not apply to,
        stops them all)."""
        moment = self.clock()
        now = to_iso(moment)
        with self._transaction() as db:
            found = [(fetch_lead(db, lead_id), seen) for lead_id, seen in leads]
            many = len(found) > 1
            for lead, seen in found:
                if seen is not None and lead.stage is not seen:
                    raise StaleLead(_moved_since(db, lead, moment))
            moves = [
                (lead, _decide(how, lead, _stage_before_closing(db, lead), reason, named=many))
                for lead, _ in found
            ]
            label = moves[0][0].tag() if len(moves) == 1 else f"{len(moves)} leads"
            with action(db, self.actor, now, f"{moves[0][1].verb} {label}" if moves else how):
                for lead, move in moves:
                    self._apply_move(db, lead, move, now)
            # A closing lead's score freezes (no more due rescoring); a
            # reopened one is scored afresh, as time moved on meanwhile.
            ids = [lead.id for lead, _ in found]
            self._rescore(db, ids, moment)
            return [fetch_lead(db, lead_id) for lead_id in ids]

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
            with action(db, self.actor, now, f"Log {kind.value} on {lead.tag()}"):
                cursor = db.execute(
                    "INSERT INTO activities (lead_id, kind, direction, note, body, at, actor)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [lead_id, kind.value, direction, note, body, when, self.actor],
                )
                activity = int(cursor.lastrowid or 0)
                record_touch(db, lead_id, activity, kind.value, note, when, self.actor)
            # A backdated touch never makes the last touch older than it was.
            db.execute(
                "UPDATE leads SET last_touch_at = max(coalesce(last_touch_at, ''), ?),"
                " updated_at = ?, version = version + 1 WHERE id = ?",
                [when, now, lead_id],
            )
            self._rescore(db, [lead_id], moment)
            return fetch_lead(db, lead_id)

    def _push_lifecycle(
        self, db: sqlite_utils.Database, lead: Lead, stage: Stage, now: str
    ) -> None:
        """Reaching a stage moves the lifecycle forward, never back (journaled
        beside the move, so that undoing the move takes it back too)."""
        has_contact = bool(lead.email or lead.phone)
        lifecycle = pipeline.implied_lifecycle(lead.lifecycle, stage, has_contact=has_contact)
        if lifecycle is not lead.lifecycle:
            db.execute("UPDATE leads SET lifecycle = ? WHERE id = ?", [lifecycle.value, lead.id])
            record_field_change(
                db, lead.id, "lifecycle", lead.lifecycle.label, lifecycle.label, now, self.actor,
                note=PUSHED_BY_STAGE,
            )  # fmt: skip

    def _apply_move(
        self, db: sqlite_utils.Database, lead: Lead, move: pipeline.Move, now: str
    ) -> None:
        """Write a decided move and journal everything it touched: the stage
        (with its reason), and for undo the lost reason and the time the lead
        entered its stage, and the lifecycle it pushed."""
        lost_reason = move.reason if move.to_stage is Stage.LOST else None
        db.execute(
            "UPDATE leads SET stage = ?, lost_reason = ?, stage_entered_at = ?,"
            " updated_at = ?, version = version + 1 WHERE id = ?",
            [move.to_stage.value, lost_reason, now, now, lead.id],
        )
        _record_stage_change(
            db, lead.id, move.from_stage, move.to_stage, move.reason, now, self.actor
        )
        for field, old, new in (
            ("lost_reason", lead.lost_reason, lost_reason),
            ("stage_entered_at", _iso_or_none(lead.stage_entered_at), now),
        ):
            record_field_change(db, lead.id, field, old, new, now, self.actor)
        self._push_lifecycle(db, lead, move.to_stage, now)


# -------------------------------------------------------------- row helpers


def _iso_or_none(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment else None


def _decide(
    how: str, lead: Lead, before_closing: Stage | None, reason: str, *, named: bool
) -> pipeline.Move:
    """What `how` means for this lead, or IllegalMove (`named`: naming the
    lead, as one of several)."""
    rules: dict[str, Callable[[], pipeline.Move]] = {
        "advance": lambda: pipeline.advance(lead.stage),
        "back": lambda: pipeline.back(lead.stage),
        "win": lambda: pipeline.win(lead.stage),
        "lose": lambda: pipeline.lose(lead.stage, reason),
        "reopen": lambda: pipeline.reopen(lead.stage, before_closing),
    }
    try:
        return rules[how]()
    except IllegalMove as error:
        if not named:
            raise
        raise IllegalMove(f"{lead.tag()}: {error}") from None


def _moved_since(db: sqlite_utils.Database, lead: Lead, now: datetime) -> str:
    """ "#8 Ahmed Hassan was moved to Contacted by maria 5s ago; nothing changed"."""
    row = db.execute(
        "SELECT actor, at FROM stage_changes WHERE lead_id = ? ORDER BY at DESC, id DESC LIMIT 1",
        [lead.id],
    ).fetchone()
    by = f" by {row[0]} {age_label(from_iso(row[1]), now)} ago" if row else ""
    return f"#{lead.id} {lead.name} was moved to {lead.stage.label}{by}; nothing changed"


def _stage_before_closing(db: sqlite_utils.Database, lead: Lead) -> Stage | None:
    """The stage a closed lead was in before its last move into Won/Lost."""
    if pipeline.is_open(lead.stage):
        return None
    row = db.execute(
        "SELECT from_stage FROM stage_changes WHERE lead_id = ? AND to_stage = ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        [lead.id, lead.stage.value],
    ).fetchone()
    return Stage(row[0]) if row and row[0] else None


def _record_stage_change(
    db: sqlite_utils.Database,
    lead_id: int,
    from_stage: Stage | None,
    to_stage: Stage,
    reason: str | None,
    at: str,
    actor: str,
) -> None:
    db.execute(
        "INSERT INTO stage_changes (lead_id, from_stage, to_stage, reason, at, actor)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [lead_id, from_stage.value if from_stage else None, to_stage.value, reason, at, actor],
    )
