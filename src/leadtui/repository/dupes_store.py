"""The Repository's duplicates: leads that look like one person (while
typing a quick-add, and across the whole database), and merging: new
details into a lead, or one lead into another in one journaled transaction.
(A piece of the Repository: see repository/core.py.)"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.domain.dedupe import email_key, person_key
from leadtui.domain.errors import InvalidInput, StaleLead
from leadtui.domain.merge_plan import merged_fields
from leadtui.domain.models import Lead, LeadDraft
from leadtui.domain.results import DuplicateGroups
from leadtui.repository import schema_kpi
from leadtui.repository.contacts import keep_secondary, move_contacts
from leadtui.repository.core import Rescores
from leadtui.repository.details_store import apply_fields
from leadtui.repository.engine import SQLITE, Dialect
from leadtui.repository.journal import action, record_field_change
from leadtui.repository.merging import fill_in
from leadtui.repository.pg import schema_kpi as pg_kpi
from leadtui.repository.rows import LEAD_SELECT, fetch_lead, lead_from_row, with_custom
from leadtui.repository.team_settings import phone_key_in


class DupesStore:
    """Builds on the detail writes (apply_fields): a merge is an edit of the
    kept lead."""

    def __init__(self, repo: Rescores) -> None:
        self.repo = repo

    def merge_leads(
        self,
        keep_id: int,
        other_id: int,
        *,
        picks: Mapping[str, str] | None = None,
        seen: tuple[Lead, Lead] | None = None,
    ) -> Lead:
        """Merge lead `other_id` into `keep_id`, in one transaction: fields by
        merge_plan (the fuller value, or the rep's `picks`), the email and
        phone not kept as secondary contacts, every touch, stage change,
        journal line, tag, custom field and BANT answer moved over, the merge
        itself journaled, the other lead gone (its id is never given to
        another lead). With `seen` (both leads as the rep compared them), a
        change since is refused."""
        if keep_id == other_id:
            raise InvalidInput("a lead cannot be merged into itself")
        moment = self.repo.clock()
        now = to_iso(moment)
        with (
            self.repo._transaction() as db,
            action(db, self.repo.actor, now, f"Merge #{other_id} into #{keep_id}", kind="final"),
        ):
            keep = with_custom(db, fetch_lead(db, keep_id))
            other = with_custom(db, fetch_lead(db, other_id))
            if seen is not None and (keep.version, other.version) != (
                seen[0].version,
                seen[1].version,
            ):
                raise StaleLead(
                    f"#{keep.id} or #{other.id} changed since you compared them; nothing merged"
                )
            apply_fields(db, keep, merged_fields(keep, other, dict(picks or {})), now=now,
                         actor=self.repo.actor)  # fmt: skip
            # Whichever email and phone were not kept stay as secondary contacts.
            offered = [
                ("email", keep.email), ("email", other.email),
                ("phone", keep.phone), ("phone", other.phone),
                *move_contacts(db, other.id),
            ]  # fmt: skip
            keep_secondary(db, fetch_lead(db, keep.id), offered, now=now, actor=self.repo.actor)
            move_everything(db, other.id, keep.id, self.repo.engine.dialect)
            touches = [t for t in (keep.last_touch_at, other.last_touch_at) if t]
            db.execute(
                "UPDATE leads SET last_touch_at = ?, follow_up_at = ?, updated_at = ? WHERE id = ?",
                [
                    to_iso(max(touches)) if touches else None,
                    to_iso(due) if (due := keep.follow_up_at or other.follow_up_at) else None,
                    now, keep.id,
                ],
            )  # fmt: skip
            record_field_change(
                db, keep.id, "merged in", None, f"{other.tag()}", now, self.repo.actor
            )
            self.repo._rescore(db, [keep.id], moment)
            return with_custom(db, fetch_lead(db, keep.id))

    def merge_details(
        self,
        lead_id: int,
        draft: LeadDraft,
        *,
        tags: Sequence[str] = (),
        follow_up_at: datetime | None = None,
    ) -> Lead:
        """A quick-add the rep chose to merge into an existing lead: fill in
        what it is missing, keep a differing email or phone as a secondary
        contact (as merging two leads does), add the tags, rescore."""
        moment = self.repo.clock()
        now = to_iso(moment)
        with self.repo._transaction() as db:
            lead = fetch_lead(db, lead_id)
            with action(db, self.repo.actor, now, f"Merge new details into {lead.tag()}"):
                fill_in(db, lead_id, draft, now=now, tags=tags, follow_up_at=follow_up_at,
                        actor=self.repo.actor)  # fmt: skip
                offered = [("email", draft.email), ("phone", draft.phone)]
                keep_secondary(db, fetch_lead(db, lead_id), offered, now=now, actor=self.repo.actor)
            self.repo._rescore(db, [lead_id], moment)
            return fetch_lead(db, lead_id)

    def duplicate_groups(self, *, limit: int = 200) -> list[tuple[str, list[Lead]]]:
        """find_duplicates' groups alone."""
        return self.find_duplicates(limit=limit).groups

    def find_duplicates(self, *, limit: int = 200) -> DuplicateGroups:
        """Groups of leads that look like one person, across the database:
        the same email, phone number, or name at the same company (each key
        one GROUP BY over its index), an email or phone a merge kept as
        another's secondary contact (groups that share a lead are joined,
        their reasons too), largest ids first; then, ranked after them, close
        names and companies (near_store). At most `limit` groups, of which
        the close ones may fill a quarter however many exact ones there are
        (else at 28,000 exact groups they never showed); with how many there
        are in all (the close ones read only as far as their share needs)."""
        with self.repo._connection() as db:
            dialect = self.repo.engine.dialect
            id_list = dialect.id_list("id")
            queries = [
                (why, f"SELECT {id_list} FROM leads WHERE {present}"
                      f" GROUP BY {key} HAVING count(*) > 1")
                for why, key, present in _KEYS
            ] + [
                (why, SECONDARY_GROUPS.format(id_list=id_list, kind=kind, own=own))
                for why, kind, own in SECONDARY_KEYS
            ]  # fmt: skip
            exact = _joined_groups(
                (why, {int(i) for i in ids_text.split(",")})
                for why, sql in queries
                for (ids_text,) in db.execute(sql).fetchall()
            )
            exact.sort(key=lambda group: -max(group[1]))
            room = max(limit // 4, limit - len(exact))
            near: list[tuple[set[str], set[int]]] = []
            # Imported here: rapidfuzz is only for near matches, and every
            # command opens the repository.
            from leadtui.repository import near_store

            for why, person_keys in near_store.near_groups(db, dialect):
                if len(near) > room:  # one past the room: there are more
                    break
                marks = ", ".join("?" * len(person_keys))
                ids = {row[0] for row in db.execute(
                    f"SELECT id FROM leads WHERE person_key IN ({marks})", person_keys
                )}  # fmt: skip
                near.append(({why}, ids))
            shown_near = near[:room]
            shown = [*exact[: limit - len(shown_near)], *shown_near]
            found = []
            for reasons, members in shown:
                marks = ", ".join("?" * len(members))
                rows = db.execute(
                    f"{LEAD_SELECT} WHERE id IN ({marks}) ORDER BY id", sorted(members)
                ).fetchall()
                why = ", ".join(k for k in _REASONS if k in reasons) or ", ".join(reasons)
                found.append((why, [lead_from_row(row) for row in rows]))
        return DuplicateGroups(found, len(exact) + len(near), at_least=len(near) > room)

    def possible_duplicates(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        name: str | None = None,
        company: str | None = None,
        limit: int = 3,
    ) -> list[tuple[Lead, str]]:
        """Leads that look like the same person, each with why: the same email
        or phone (a lead's own or a secondary contact), the same name at the
        same company; after those, a close name at the same company or the
        same name at a close company. Index probes, whatever the size of the
        database."""
        found: dict[int, tuple[Lead, str]] = {}
        with self.repo._connection() as db:
            key = phone_key_in(db, phone)
            # A number stored before there was a region (digits) and the same
            # number read as E.164 ("+" and the same digits) are one.
            keys: list[str | None] = (
                [key, key[1:] if key.startswith("+") else f"+{key}"] if key else []
            )
            probes: list[tuple[str, str, list[str | None]]] = [
                ("same email", "lower(email) = lower(?) AND email IS NOT NULL", [email]),
                ("same phone", "phone_key IN (?, ?)", keys),
                ("same name and company", "person_key = ?", [person_key(name, company)]),
                ("same email (secondary)", _SECONDARY.format(kind="email"), [email_key(email)]),
                ("same phone (secondary)", _SECONDARY.format(kind="phone"), [key]),
            ]
            if name and company:
                from leadtui.repository import near_store  # see duplicate_groups

                probes += [
                    (why, "person_key = ?", [near])
                    for near, why in near_store.near_keys(
                        db, name, company, self.repo.engine.dialect
                    )
                ]
            for why, where, values in probes:
                if len(found) >= limit:
                    break
                if not values or not all(values):
                    continue
                rows = db.execute(
                    f"{LEAD_SELECT} WHERE {where} ORDER BY id DESC LIMIT ?", [*values, limit]
                ).fetchall()
                for row in rows:
                    lead = lead_from_row(row)
                    found.setdefault(lead.id, (lead, why))
        return list(found.values())[:limit]


# Leads with a secondary contact of that kind and key.
_SECONDARY = "id IN (SELECT lead_id FROM contacts WHERE kind = '{kind}' AND key = ?)"

# duplicate_groups' keys on the leads' own columns: why, key, present.
_KEYS = (
    ("same email", "lower(email)", "email IS NOT NULL"),
    ("same phone", "phone_key", "phone_key IS NOT NULL"),
    ("same name and company", "person_key", "person_key IS NOT NULL"),
)
# ...and on the contacts merges kept: why, kind, how a lead's own key is
# that contact's. As the quick-add ranks them, after the leads' own. For
# SQLite to probe leads_email_key, both sides are lower() (a TEXT column
# against the index's expression was an index scan per contact), and the
# NOT NULL is the partial index's.
SECONDARY_KEYS = (
    ("same email (secondary)", "email", "lower(l.email) = lower(c.key) AND l.email IS NOT NULL"),
    ("same phone (secondary)", "phone", "l.phone_key = c.key"),
)
_REASONS = [why for why, *_ in (*_KEYS, *SECONDARY_KEYS)]
# Each key a contact holds with the leads holding it, as a contact (another
# lead's too) or as their own; UNION leaves a lead once a key. Read from the
# contacts (few: only merges write them), each probing the leads' index.
SECONDARY_GROUPS = """
    WITH hits (key, id) AS (
      SELECT key, lead_id FROM contacts WHERE kind = '{kind}'
      UNION
      SELECT c.key, l.id FROM contacts c JOIN leads l ON {own}
      WHERE c.kind = '{kind}'
    )
    SELECT {id_list} FROM hits GROUP BY key HAVING count(*) > 1
"""


def _joined_groups(found: Iterable[tuple[str, set[int]]]) -> list[tuple[set[str], set[int]]]:
    """(reasons, ids) of the groups, those sharing a lead joined (their
    reasons too). Each lead points at its group, and a join relabels the
    smaller side only (every group is read now, to count them: a scan of
    the groups per group would be quadratic)."""
    of: dict[int, tuple[set[str], set[int]]] = {}
    for why, ids in found:
        group: tuple[set[str], set[int]] = ({why}, ids)
        hits = [of[lead_id] for lead_id in ids if lead_id in of]
        for other in {id(hit): hit for hit in hits}.values():
            big, small = (group, other) if len(group[1]) >= len(other[1]) else (other, group)
            big[0].update(small[0])
            big[1].update(small[1])
            of.update(dict.fromkeys(small[1], big))
            group = big
        of.update(dict.fromkeys(ids, group))
    return list({id(group): group for group in of.values()}.values())


def move_everything(
    db: sqlite_utils.Database, source_id: int, target_id: int, dialect: Dialect
) -> None:
    """Give `source_id`'s history, tags, custom fields and BANT answers to
    `target_id` (the target's own win where both have one), then delete it."""
    for table in ("activities", "journal"):
        db.execute(f"UPDATE {table} SET lead_id = ? WHERE lead_id = ?", [target_id, source_id])
    for table, columns in (
        ("tags", "tag"),
        ("custom_fields", "name, value"),
        ("bant", "criterion, answer, note"),
    ):
        db.execute(
            f"INSERT INTO {table} (lead_id, {columns})"
            f" SELECT ?, {columns} FROM {table} WHERE lead_id = ? ON CONFLICT DO NOTHING",
            [target_id, source_id],
        )
        db.execute(f"DELETE FROM {table} WHERE lead_id = ?", [source_id])
    # The target's stage history now interleaves both: its KPI columns and
    # stays are recomputed from it (schema_kpi; pg/schema_kpi on PostgreSQL,
    # whose walk of the history is a plpgsql function), before the source goes.
    refresh = schema_kpi.REFRESH_LEAD if dialect is SQLITE else pg_kpi.REFRESH_LEAD
    for sql in refresh:
        db.execute(sql, {"lead": target_id})
    db.execute("DELETE FROM leads WHERE id = ?", [source_id])
