"""Writing an import: every row of a file in one transaction, duplicates found
by email or phone, scores computed on the way in.

All or nothing: the whole run is one BEGIN IMMEDIATE transaction, so a kill,
a full disk or --strict finding a bad row leaves the file as it was. That
holds the write lock for the run (seconds for a million rows); other users'
writes wait for it, up to the busy timeout, and then say the file is busy.
(A piece of the Repository: see repository/core.py.)
"""

import gc
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import islice, repeat
from operator import itemgetter

import sqlite_utils

from leadtui.domain import pipeline
from leadtui.domain.clock import to_iso
from leadtui.domain.dedupe import email_key, person_key, phone_key
from leadtui.domain.imported import ImportedLead, RowProblem, closed_at
from leadtui.domain.models import Lead, Lifecycle, Stage
from leadtui.domain.pipeline import ReasonSpeller
from leadtui.domain.results import DUPLICATE_POLICIES, Duplicate, ImportOutcome
from leadtui.domain.row_merge import RowMerge
from leadtui.repository import schema, schema_kpi
from leadtui.repository.core import Ruled
from leadtui.repository.engine import SQLITE
from leadtui.repository.import_history import (
    HistoryRows,
    rescore_touched,
    take_history,
    write_history,
)
from leadtui.repository.import_keys import Keys
from leadtui.repository.import_merge import lead_of, merge_into, planned_merge, planned_within
from leadtui.repository.import_scores import ImportScores
from leadtui.repository.kpi_store import team_reason_spellings
from leadtui.repository.money_settings import team_money_of
from leadtui.repository.pg import schema_bulk
from leadtui.repository.scores import not_closed_before, read_model, rescore, update_chances

BATCH_ROWS = 5000
_DEFER_INDEXES_FROM = 20_000  # rows; below that, index upkeep is cheap enough
_PG_DEFER_KPIS_FROM = 5_000  # rows; 5,000 per-row KPI triggers took about 2 s
_CHUNK_ROWS = 1000  # converted rows taken at a time (see _ImportRun._take)
# A dry run keeps the rows it would add, up to this many, to say what a later
# row merged into one of them would not give it (2.3 KB a row, measured).
_DRY_RUN_KEPT = 20_000
CACHE_KIB = 256 * 1024  # the importing connection's page cache


class _Rollback(Exception):
    """--strict found bad rows: undo everything written so far."""


# A LeadDraft's fields in the order _flush unpacks them.
_DRAFT_FIELDS = itemgetter(
    "name", "email", "phone", "company", "title", "source", "owner", "currency", "value_cents",
    "notes", "expected_close",
)  # fmt: skip
_CLOSED = frozenset(stage.value for stage in Stage if not pipeline.is_open(stage))  # by value
_NO_KEYS: tuple[str | None, str | None] = (None, None)  # a rejected row's


# The columns an import writes to `leads`, in the order of write_rows' tuples.
LEAD_INSERT_COLUMNS = (*schema.LEAD_COLUMNS, "phone_key", "person_key", "currency")
CONTACT_COLUMNS = ("lead_id", "kind", "value", "key", "at", "actor")


@dataclass
class StoredRows:
    """A batch of rows ready for the tables, as tuples in column order."""

    leads: list[tuple[object, ...]] = field(default_factory=list)  # LEAD_INSERT_COLUMNS
    changes: list[tuple[object, ...]] = field(default_factory=list)  # STAGE_CHANGE_COLUMNS
    custom: list[tuple[object, ...]] = field(default_factory=list)
    tags: list[tuple[object, ...]] = field(default_factory=list)
    bant: list[tuple[object, ...]] = field(default_factory=list)
    contacts: list[tuple[object, ...]] = field(default_factory=list)  # CONTACT_COLUMNS


def write_rows(conn: sqlite3.Connection, rows: StoredRows) -> None:
    """One executemany per table: all an import asks of SQLite per batch
    (bench.import_speed's storage floor runs exactly this)."""
    for table, columns, values in (
        ("leads", LEAD_INSERT_COLUMNS, rows.leads),
        ("custom_fields", schema.CUSTOM_FIELD_COLUMNS, rows.custom),
        ("tags", ("lead_id", "tag"), rows.tags),
        ("bant", ("lead_id", "criterion", "answer", "note"), rows.bant),
        ("contacts", CONTACT_COLUMNS, rows.contacts),
    ):
        if values:
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    conn.executemany(schema.JOURNAL_STAGE_INSERT, rows.changes)


def defer_upkeep(db: sqlite_utils.Database) -> list[str]:
    """Drop the secondary indexes, the search index's triggers and the KPI
    rollups' triggers, to be rebuilt once after a bulk write (sorting beats
    a million random index inserts; one rebuild beats triggers per row, and
    the KPI triggers need the journal's indexes). Run inside the writing
    transaction, so nobody ever sees the file without them and a kill
    restores them. Returns the statements that rebuild them, in order."""
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('leads', 'journal', 'custom_fields', 'tags')"
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    triggers = (*schema.FTS_TRIGGERS, *schema_kpi.TRIGGERS)
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    return (
        [sql for _, sql in indexes]
        + [schema.FTS_REBUILD, *schema_kpi.REBUILD]
        + [sql for _, sql in triggers]
    )


class ImportStore:
    def __init__(self, repo: Ruled) -> None:
        self.repo = repo

    def import_leads(
        self,
        items: Iterable[ImportedLead | RowProblem],
        *,
        on_duplicate: str = "skip",
        strict: bool = False,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        expected_rows: int = 0,
    ) -> ImportOutcome:
        """Store converted rows as leads, in one transaction. Bad rows are
        collected, not written; with `strict` any bad row undoes the lot.
        A dry run counts exactly what would happen (duplicates included)
        on a read connection and writes nothing."""
        if on_duplicate not in DUPLICATE_POLICIES:
            raise ValueError(on_duplicate)
        moment = self.repo.clock()
        outcome = ImportOutcome()
        opening = self.repo._connection if dry_run else self.repo._transaction
        # The run allocates a few objects per cell and frees them in batches;
        # the cyclic collector would rescan the growing heap meanwhile for
        # nothing (reference counting frees them). Measured: about 10% of a
        # large import.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with opening() as db:
                run = _ImportRun(self.repo, db, moment, on_duplicate, outcome, progress, dry_run)
                run.run(items, expected_rows)
                if strict and outcome.rejected:
                    raise _Rollback
            outcome.committed = not dry_run
        except _Rollback:
            pass
        finally:
            if collecting:
                gc.enable()
        return outcome


class _ImportRun:
    def __init__(
        self,
        repo: Ruled,
        db: sqlite_utils.Database,
        moment: datetime,
        on_duplicate: str,
        outcome: ImportOutcome,
        progress: Callable[[int], None] | None,
        dry_run: bool,
    ) -> None:
        self.dry_run = dry_run
        self.db, self.moment, self.now = db, moment, to_iso(moment)
        self.actor, self.rules = repo.actor, repo.rules
        self.on_sqlite = repo.engine.dialect is SQLITE  # its bulk path drops indexes
        self.policy, self.outcome, self.progress = on_duplicate, outcome, progress
        self.keys = Keys(db)
        self.scores = ImportScores(self.rules, moment, team_money_of(db))
        # Above every id ever used (schema.NEXT_LEAD_ID): never a merged-away lead's.
        self.next_id = int(db.execute(schema.NEXT_LEAD_ID).fetchone()[0])
        self.first_id = self.next_id
        self.pending: list[tuple[ImportedLead, str | None]] = []  # with its phone key
        self.merged_ids: set[int] = set()
        # A dry run's leads as its merges would leave them, and the rows it
        # would add (see _DRY_RUN_KEPT): what a merge compares.
        self.dry_leads: dict[int, Lead] = {}
        self.dry_added: dict[int, ImportedLead] = {}
        # Leads that came with their touches (import_history.py), scored
        # again once those are written: as of their close, or now if open.
        self.touched: list[tuple[int, datetime | None]] = []
        # Reasons as the team spells them, as `x` and `leadtui lose` store them.
        self.spell_reason = ReasonSpeller(team_reason_spellings(db))

    def run(self, items: Iterable[ImportedLead | RowProblem], expected_rows: int) -> None:
        rebuild = [] if self.dry_run else self._defer_indexes(expected_rows)
        kpis_deferred = not (self.dry_run or self.on_sqlite) and self._defer_kpis(expected_rows)
        bulk_totals = not (self.dry_run or self.on_sqlite or kpis_deferred)
        if bulk_totals:  # one statement at the end, not a trigger's per lead
            schema_bulk.defer_inserted_totals(self.db)
        rows = iter(items)
        while chunk := list(islice(rows, _CHUNK_ROWS)):
            self._take(chunk)
        self._flush()
        self.outcome.merged = len(self.outcome.merged_into)
        if self.dry_run:
            return
        for sql in rebuild:
            self.db.execute(sql)
        if kpis_deferred:
            schema_bulk.rebuild_kpis(self.db)
        if bulk_totals:
            schema_bulk.add_inserted_totals(self.db, self.first_id, self.next_id - 1)
        rescore_touched(self.db, self.rules, self.moment, self.touched)
        if self.next_id > self.first_id:
            self.outcome.first_id, self.outcome.last_id = self.first_id, self.next_id - 1
            # The learned win chance, for every new lead at once inside SQLite
            # (a won or lost one's as of its close, as its rule score: an
            # imported lead's features have no touches to change since).
            # With no model every chance is 0, as the rows were stored: the
            # update would read every new row to change none.
            if (model := read_model(self.db)) is not None:
                first, last = self.first_id - 1, self.next_id - 1
                update_chances(self.db, model, first, last, closed_too=True)
        # A lead merged into is rescored unless it closed before: a closed
        # lead keeps the score of its close, through merges as through edits.
        merged, model = sorted(self.merged_ids), read_model(self.db)
        for start in range(0, len(merged), 500):
            batch = not_closed_before(self.db, merged[start : start + 500], self.moment)
            rescore(self.db, batch, self.rules, model, self.moment)

    def _take(self, chunk: list[ImportedLead | RowProblem]) -> None:
        """A chunk of converted rows, stage by stage: every phone key of the
        chunk first, then the matching. Parsing the numbers back to back,
        rather than between converting and writing rows, measured 15% less
        CPU for the whole import: each stage's code and data stay in the
        processor's caches."""
        outcome, pending, region = self.outcome, self.pending, self.keys.region
        emails, phones = self.keys.emails, self.keys.phones
        # Each row's email and phone keys: the phone is parsed here, once per
        # row (the match, the index and the stored column share it).
        keyed = [
            _NO_KEYS
            if isinstance(item, RowProblem)
            else (email_key(item.draft.email), phone_key(item.draft.phone, region))
            for item in chunk
        ]
        outcome.read += len(chunk)
        for item, keys in zip(chunk, keyed, strict=True):
            if isinstance(item, RowProblem):
                outcome.rejected.append(item)
                continue
            email, phone = keys
            bare = phone.lstrip("+") if phone is not None else None
            if (email is None or email not in emails) and (bare is None or bare not in phones):
                # Nobody seen before, as most rows are: Keys.match and
                # Keys.keep written out (two calls a row cost about 1 µs).
                lead_id = self.next_id + len(pending)
                if email is not None:
                    emails[email] = lead_id
                if bare is not None:
                    phones[bare] = lead_id
                if item.contacts:
                    self.keys.keep_contacts(lead_id, item.contacts)
                pending.append((item, phone))
            else:
                self._duplicate(item, keys)
            if len(pending) >= BATCH_ROWS:
                self._flush()

    def _duplicate(self, item: ImportedLead, keys: tuple[str | None, str | None]) -> None:
        match = self.keys.match(keys)
        if match is None or self.policy == "create":
            self.outcome.created_anyway += match is not None
            self._add(item, keys)
        elif self.policy == "skip":
            self.outcome.skipped.append(Duplicate(item.line, *match, item.values))
        else:
            self._flush()  # the lead merged into may still be pending
            merge = self._merge(match[0], item, keys)
            not_taken = merge.not_taken if merge is not None else ()
            self.outcome.merged_into.append(Duplicate(item.line, *match, item.values, not_taken))

    def _defer_indexes(self, expected_rows: int) -> list[str]:
        """For an import at least as big as the database, drop the secondary
        indexes, search index and rollup triggers, and rebuild them once at
        the end (defer_upkeep). Returns the statements that rebuild them.
        (SQLite only, so far.)"""
        if not self.on_sqlite:
            return []
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # this connection only
        existing = int(self.db.execute("SELECT count(*) FROM leads").fetchone()[0])
        if expected_rows < max(_DEFER_INDEXES_FROM, existing):
            return []
        return defer_upkeep(self.db)

    def _defer_kpis(self, expected_rows: int) -> bool:
        """On PostgreSQL, for an import of at least _PG_DEFER_KPIS_FROM rows
        and a tenth of the database, the KPI triggers wait and the rollups
        are rebuilt once at the end (pg/schema_bulk.defer_kpis): per row,
        their cost grows with the square of the rows."""
        if expected_rows < _PG_DEFER_KPIS_FROM:
            return False
        existing = int(self.db.execute("SELECT count(*) FROM leads").fetchone()[0])
        if expected_rows * 10 < existing:
            return False
        schema_bulk.defer_kpis(self.db)
        return True

    def _add(self, lead: ImportedLead, keys: tuple[str | None, str | None]) -> None:
        self.keys.keep(self.next_id + len(self.pending), keys)
        if lead.contacts:
            self.keys.keep_contacts(self.next_id + len(self.pending), lead.contacts)
        self.pending.append((lead, keys[1]))

    def _flush(self) -> None:
        if not self.pending:
            return
        if self.dry_run:
            # Only a merge compares them; never more than _DRY_RUN_KEPT.
            room = max(_DRY_RUN_KEPT - len(self.dry_added), 0) if self.policy == "merge" else 0
            self.dry_added.update(
                (lead_id, lead)
                for lead_id, (lead, _) in enumerate(self.pending[:room], self.next_id)
            )
            self.next_id += len(self.pending)
            self.outcome.imported += len(self.pending)
            self.pending.clear()
            return
        rows, history = StoredRows(), HistoryRows()
        leads, changes = rows.leads, rows.changes
        actor, now, moment, new = self.actor, self.now, self.moment, Stage.NEW.value
        score_of, lifecycle_of = self.scores.stored, self._lifecycle
        # Per lead, in the cheapest spelling: an enum member's `_value_` is
        # a plain attribute where `.value` is a Python property, and the
        # draft's fields come out of its __dict__ in one C call.
        for lead_id, (lead, phone) in enumerate(self.pending, self.next_id):
            (
                lead_name, email, phone_text, company, title, source, owner, currency, cents,
                notes, expected_close,
            ) = _DRAFT_FIELDS(lead.draft.__dict__)  # fmt: skip
            stage = lead.stage._value_
            created = lead.created_at
            if created is None:
                created, created_iso = moment, now
            else:
                created_iso = lead.created_iso or to_iso(created)
            if stage in _CLOSED:
                closed = closed_at(
                    created, expected_close, lead.last_touch_at, moment, lead.entered_at
                )
                entered = to_iso(closed)
                _, points, temperature, _ = score_of(lead, created, closed)
                next_change = None  # a closed lead's score stays as it closed
            elif lead.entered_at is not None:  # leadtui's own export says when
                entered = to_iso(min(max(lead.entered_at, created), moment))
                _, points, temperature, next_change = score_of(lead, created)
            else:
                entered = created_iso
                _, points, temperature, next_change = score_of(lead, created)
            pinned = lead.pinned
            lost = lead.lost_reason
            if lost is not None:
                lost = self.spell_reason(lost)
            leads.append(
                (
                    lead_id, lead_name, email, phone_text, company, title, source._value_, owner,
                    stage, pinned._value_ if pinned else temperature, points, cents,
                    lost, notes, created_iso, now, entered,
                    to_iso(lead.last_touch_at) if lead.last_touch_at else None, 1,
                    int(pinned is not None), 0,
                    next_change,
                    to_iso(lead.follow_up_at) if lead.follow_up_at else None,
                    lifecycle_of(lead.lifecycle._value_, stage, bool(email or phone_text)),
                    lead.fit._value_,
                    expected_close.isoformat() if expected_close else None,
                    phone, person_key(lead_name, company), currency,
                )
            )  # fmt: skip
            # leadtui's own history when the file has it, else created, then moved.
            if lead.history:
                self.touched.append((lead_id, closed if stage in _CLOSED else None))
            if not (lead.history and take_history(history, changes, lead_id, lead.history, stage)):
                changes.append((lead_id, None, new, None, created_iso, actor))
                if stage != new:
                    reason = lost or "imported"
                    changes.append((lead_id, new, stage, reason, entered, actor))
            if custom := lead.custom:  # (in C: a generator's steps cost 0.4 µs a lead)
                rows.custom.extend(
                    zip(repeat(lead_id, len(custom)), custom, custom.values(), strict=True)
                )
            if lead.tags:
                rows.tags.extend((lead_id, tag) for tag in lead.tags)
            if lead.bant:
                rows.bant.extend((lead_id, c, a.answer.value, a.note) for c, a in lead.bant)
            if lead.contacts:
                rows.contacts.extend(self._contacts(lead_id, lead, phone))
        self.next_id += len(leads)
        write_rows(self.db.conn, rows)
        if history:
            write_history(self.db, history)
        self.outcome.imported += len(leads)
        if self.progress:
            self.progress(len(leads))
        self.pending.clear()  # the same list: _take holds it

    def _contacts(
        self, lead_id: int, lead: ImportedLead, phone: str | None
    ) -> list[tuple[object, ...]]:
        """A lead's secondary contacts as rows, keyed as keep_secondary keys
        them; one that is the lead's own email or phone is not kept twice."""
        own = {("email", email_key(lead.draft.email)), ("phone", phone)}
        rows: list[tuple[object, ...]] = []
        for kind, value in lead.contacts:
            key = email_key(value) if kind == "email" else phone_key(value, self.keys.region)
            if (kind, key) not in own:
                own.add((kind, key))
                rows.append((lead_id, kind, value, key or value, self.now, self.actor))
        return rows

    @staticmethod
    @cache
    def _lifecycle(lifecycle: str, stage: str, has_contact: bool) -> str:
        """pipeline.implied_lifecycle, once for each of the few combinations
        (by their values: an enum member's hash is a Python call)."""
        implied = pipeline.implied_lifecycle(
            Lifecycle(lifecycle), Stage(stage), has_contact=has_contact
        )
        return implied.value

    def _merge(
        self, lead_id: int, lead: ImportedLead, keys: tuple[str | None, str | None]
    ) -> RowMerge | None:
        """Merge the row into the lead it duplicates (import_merge.py); a dry
        run says what the merge would do (None: a lead this dry run would
        add, beyond the rows it keeps)."""
        self.keys.keep(lead_id, keys)
        self.keys.keep_contacts(lead_id, lead.contacts)
        region = self.keys.region
        if not self.dry_run:
            self.merged_ids.add(lead_id)
            return merge_into(self.db, lead_id, lead, region=region, now=self.now, actor=self.actor)
        seen = self.dry_leads.get(lead_id)
        if lead_id < self.first_id:
            merge = planned_merge(self.db, lead_id, lead, region, seen)
        elif (first := self.dry_added.get(lead_id)) is not None:
            seen = seen or lead_of(first, lead_id, self.moment)
            merge = planned_within(seen, first, lead, region)
        else:
            self.outcome.merges_unchecked += 1
            return None
        self.dry_leads[lead_id] = merge.after
        return merge
