"""`leadtui followup`, `due`, `set`, `dupes`, `merge`, `journal`, `undo`
and `redo`: a lead's follow-up, its fields, its duplicates, who changed what,
and taking your last change back, from the shell (added to the main group
in cli.py)."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import LEAD_ID, confirm, not_blank, owner_name
from leadtui.domain.clock import (
    day_start,
    due_state,
    is_overdue,
    parse_follow_up,
    parse_past,
    team_day,
    to_iso,
)
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.filters import LeadFilter, unknown_actor, unknown_owner
from leadtui.domain.merge_plan import MERGE_FIELDS, choices
from leadtui.domain.models import HistoryEntry, Lead, stored_field_name
from leadtui.domain.sanitize import clean_line, shown_name
from leadtui.domain.search import id_asked, something_to_find


@click.command()
@click.argument("lead_id", type=LEAD_ID)
@click.argument("when")
@common.db_option
def followup(db_path: Path | None, lead_id: int, when: str) -> None:
    """Set a lead's next follow-up: today, tomorrow, fri, 3d, 2w, 1mo, 2026-12-01,
    or "none" to clear it."""
    repo = common.repository(db_path, existing=True)
    now = repo.team_now()  # the day typed and shown is the team's
    moment = None if when.strip().lower() == "none" else parse_follow_up(when, now)
    lead = repo.set_follow_up(lead_id, moment)
    if lead.follow_up_at is None:
        # Not "follow up none", which reads as an instruction to do nothing.
        common.echo(f"{lead.tag()}: follow-up cleared")
        return
    late = " (in the past)" if is_overdue(lead.follow_up_at, now) else ""
    common.echo(f"{lead.tag()}: follow up {team_day(lead.follow_up_at, now):%a %d %b %Y}{late}")


@click.command()
@click.option("--ahead", type=click.IntRange(0, 366), default=0, help="Also the next DAYS days.")
@click.option(
    "--owner", callback=owner_name, help="Only this owner's leads (case aside; me: yours)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@common.db_option
def due(db_path: Path | None, ahead: int, owner: str | None, as_json: bool) -> None:
    """Open leads whose follow-up is today or overdue (and, with --ahead,
    due in the next DAYS days), soonest first, each with its owner."""
    repo = common.current_scores(common.repository(db_path, reading=True))
    owner = common.owner_meant(repo, owner)
    common.warn_unknown_owner(repo, owner)
    only = LeadFilter(owner=owner) if owner is not None else None
    now = repo.team_now()  # today, due and overdue are the team's days
    until = day_start(now) + timedelta(days=1 + ahead)
    leads: list[Lead] = []
    after = None
    while batch := repo.due_leads(until=until, after=after, limit=1000, only=only):
        leads += batch
        last = batch[-1]
        after = (to_iso(last.follow_up_at) if last.follow_up_at else "", last.id)
    if as_json:
        common.write_json_array(
            common.SafeStdout(), common.lead_records(repo, repo.whole_leads(leads))
        )
        return
    for lead in leads:
        late = due_state(lead.follow_up_at, now) if lead.follow_up_at else "today"
        day = team_day(lead.follow_up_at, now) if lead.follow_up_at else now.date()
        # The owner before the name: a manager's list is read rep by rep.
        common.echo(
            f"{lead.id:>7}  {day:%Y-%m-%d}  {late:<8} {lead.stage.value:<11}"
            f" {lead.owner or '-':<12} {shown_name(lead.name)}"
            + (f" ({lead.company})" if lead.company else "")
        )


# A value may start with "-": a note "- call back", a value "-5" (refused
# in words, not as an unknown option).
@click.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("lead_id", type=LEAD_ID)
@click.argument("field")
@click.argument("value")
@common.db_option
def set_field(db_path: Path | None, lead_id: int, field: str, value: str) -> None:
    """Set one field of a lead: FIELD is one of name, email, phone, company,
    title, source, owner, value ("5k", "€5k", "5k EUR"), currency (EUR; ""
    for the team's), notes, expected_close (2027-01-31), tags
    (comma-separated), custom.NAME, lifecycle, fit, or bant.budget /
    bant.authority / bant.need / bant.timeline ("yes: a note"). An empty
    VALUE clears it. Journaled in the lead's history."""
    repo = common.repository(db_path, existing=True)
    field = stored_field_name(field)  # as the lead's text reads it back
    before = repo.get_lead(lead_id)
    # Read before the write, after which the new owner is someone.
    owners = repo.owners(with_users=True) if field == "owner" else []
    lead = repo.update_fields(lead_id, {field: value})
    old, new = before.field_text(field), lead.field_text(field)
    if field == "value" and before.currency != lead.currency:
        # "5k GBP" over 5,000 EUR changes the money though not the number.
        old = f"{old} {before.currency}" if old else old
        new = f"{new} {lead.currency}" if new else new
    if old == new:
        common.echo(f"{lead.tag()}: {field} unchanged")
        return
    common.echo(f"{lead.tag()}: {field} {old or '—'} → {new or '—'}")
    if field == "owner" and lead.owner:
        # As --owner warns: "zed", or "Ben" beside "ben", is likely a typo,
        # though a new rep's first lead is legitimate (so exit 0).
        warning = unknown_owner(lead.owner, owners, fold_case=False)
        if warning is not None:
            common.echo(f"warning: {warning}", err=True)


@click.command()
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="At most this many groups, a quarter of them kept for close matches.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of groups.")
@common.db_option
def dupes(db_path: Path | None, limit: int, as_json: bool) -> None:
    """Groups of leads that look like one person: the same email, phone
    number, or name at the same company, or an email or phone a merge kept;
    then close names and companies (as the quick-add's check finds them).
    Merge them with `leadtui merge` (never done by itself). A list cut by
    --limit ends with how many more there are (on stderr)."""
    repo = common.repository(db_path, reading=True)
    found = repo.find_duplicates(limit=limit)
    groups = found.groups
    if as_json:
        known = repo.learned_model() is not None
        records = (
            {
                "why": why,
                "leads": [common.lead_record(lead, known) for lead in repo.whole_leads(leads)],
            }
            for why, leads in groups
        )
        common.write_json_array(common.SafeStdout(), records)
    else:
        for why, leads in groups:
            common.echo(f"{why}:")
            for lead in leads:
                where = ", ".join(part for part in (lead.company, lead.stage.label) if part)
                contact = " ".join(part for part in (lead.email, lead.phone) if part)
                shown = f"  #{lead.id:<7} {shown_name(lead.name)} ({where}) {contact}"
                common.echo(shown.rstrip())
        if not groups:
            common.echo("no likely duplicates")
    if more := found.left_out():
        told = f"and {'at least ' * found.at_least}{more:,} more groups"
        common.say_cut(told, "--limit N shows more")


@click.command()
@click.argument("keep_id", type=LEAD_ID)
@click.argument("other_id", type=LEAD_ID)
@click.option(
    "--take",
    "takes",
    multiple=True,
    metavar="FIELD",
    help="Take this field from OTHER_ID (repeatable); else the fuller value wins"
    " (KEEP_ID's own name, email, phone, company, owner, source and fit, if it has them).",
)
@click.option("--keep", "keeps", multiple=True, metavar="FIELD", help="Keep KEEP_ID's value.")
@click.option("--yes", "confirmed", is_flag=True, help="Merge without asking.")
@common.db_option
def merge(
    db_path: Path | None,
    keep_id: int,
    other_id: int,
    takes: tuple[str, ...],
    keeps: tuple[str, ...],
    confirmed: bool,
) -> None:
    """Merge lead OTHER_ID into KEEP_ID: every touch, stage change, tag and
    custom field moves over, OTHER_ID is deleted, and the merge is journaled.
    Conflicting fields are shown side by side first."""
    picks = {field: "other" for field in takes} | {field: "keep" for field in keeps}
    unknown = set(picks) - set(MERGE_FIELDS)
    if unknown:
        raise click.UsageError(f"not a merge field: {', '.join(sorted(unknown))}")
    # Else the --keep silently won: say which side, once.
    if both := set(takes) & set(keeps):
        raise click.UsageError(f"both --take and --keep: {', '.join(sorted(both))}")
    repo = common.repository(db_path, existing=True)
    keep, other = repo.get_lead(keep_id), repo.get_lead(other_id)
    if keep.id == other.id:  # before the side-by-side table, not after it
        raise LeadtuiError("a lead cannot be merged into itself")
    common.echo(f"{'':<10} {'keep #' + str(keep.id):<30} {'merge in #' + str(other.id)}")
    for choice in choices(keep, other):
        side = picks.get(choice.field, choice.default)
        left, right = ("◀", " ") if side == "keep" else (" ", "▶")
        mine, theirs = _cut(choice.keep or "—"), choice.other or "—"
        common.echo(f"{choice.field:<10}{left}{mine:<30}{right}{theirs}")
    if not confirmed:
        confirm(
            f"Merge #{other.id} into #{keep.id}?", "merging deletes a lead: pass --yes to confirm"
        )
    lead = repo.merge_leads(keep.id, other.id, picks=picks, seen=(keep, other))
    common.echo(f"{lead.tag()}: merged #{other.id} in")


@click.command()
@common.db_option
def undo(db_path: Path | None) -> None:
    """Undo your last change (a move, a bulk move, an edit, a follow-up, a
    touch, a pin), here or in the TUI, unless someone changed it since."""
    common.echo(common.repository(db_path, existing=True).undo().message())


@click.command()
@common.db_option
def redo(db_path: Path | None) -> None:
    """Redo the change you undid last (if you have changed nothing since)."""
    common.echo(common.repository(db_path, existing=True).redo().message())


def _cut(text: str) -> str:
    return text if len(text) <= 28 else text[:27] + "…"


@click.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@common.db_option
def search(db_path: Path | None, text: str, limit: int, as_json: bool) -> None:
    """Find leads as `/` does: every word must start a word of the name,
    company, email, phone or notes, or of a secondary contact. '#808' is
    lead 808 alone; a bare 808 lists lead 808 first; `fay OR sara` finds
    either, `owens -fay` leaves out the leads with a word starting "fay".
    A list cut by --limit ends with a line saying so (on stderr)."""
    if not something_to_find(text):
        # Else a script's empty variable would print nothing and pass.
        raise LeadtuiError(
            f"nothing to search for in {clean_line(text)[:30]!r}:"
            " type a word, a phone number or #ID"
        )
    repo = common.current_scores(common.repository(db_path, reading=True))
    # One more than asked: whether the limit cut the list (a count would
    # be a second search).
    leads = repo.search(text, limit=limit + 1)
    cut = len(leads) > limit
    leads = leads[:limit]
    if not leads and (asked := id_asked(text)) is not None and asked.only:
        # A lookup of one lead, as `show ID`: its absence is an error.
        raise LeadtuiError(asked.missing())
    if as_json:
        common.write_json_array(
            common.SafeStdout(), common.lead_records(repo, repo.whole_leads(leads))
        )
    else:
        for lead in leads:
            contact = " ".join(part for part in (lead.email, lead.phone) if part)
            where = f" ({lead.company})" if lead.company else ""
            name = shown_name(lead.name)
            common.echo(f"{lead.id:>7}  {lead.stage.value:<11} {name}{where} {contact}".rstrip())
    if cut:
        hint = "--limit N shows more, up to 1,000; more words narrow it"
        common.say_cut(f"more than {limit:,} found", hint)


@click.command()
@click.option("--actor", callback=not_blank, help="Only what this person did (their OS user name).")
@click.option(
    "--since", callback=not_blank, help="From this day on: 2026-11-01, or 3d, 2w, 1mo, yesterday."
)
@click.option(
    "--until",
    callback=not_blank,
    help="Only before this (as --since): the older lines a --limit left out.",
)
@click.option("--limit", type=click.IntRange(1, 10**9), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@common.db_option
def journal(
    db_path: Path | None,
    actor: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Who did what, across every lead, newest first: moves, touches and
    edits, each with its actor and time. A list cut by --limit ends with
    how many more there are (on stderr)."""
    repo = common.repository(db_path, reading=True)
    start = parse_past(since, repo.clock(), "since") if since else None
    end = parse_past(until, repo.clock(), "until") if until else None
    if start is not None and end is not None and end <= start:
        raise LeadtuiError("--until must be after --since")
    # One more than asked: whether the limit cut the list, without a count.
    lines = repo.journal_lines(actor=actor, since=start, until=end, limit=limit + 1)
    shown, cut = 0, False

    def wanted() -> Iterator[tuple[int, str, HistoryEntry]]:
        nonlocal shown, cut
        for line in lines:
            if shown == limit:
                cut = True
                return
            shown += 1
            yield line

    if as_json:
        records = ({"lead_id": lead_id, "lead": name} | entry.export_dict()
                   for lead_id, name, entry in wanted())  # fmt: skip
        common.write_json_array(common.SafeStdout(), records)
    else:
        for lead_id, name, entry in wanted():
            common.echo(
                f"{entry.at:%Y-%m-%d %H:%M}  {entry.actor:<10} #{lead_id} {name}:"
                f" {clean_line(entry.described())}"  # one line an entry, as in show
            )
    if cut:
        more = repo.journal_count(actor=actor, since=start, until=end) - limit
        common.say_cut(f"and {more:,} more", "--limit N shows more; --until WHEN the older ones")
    elif actor is not None and not shown:
        # An empty answer for a mistyped name would read as "did nothing".
        warning = unknown_actor(actor, repo.journal_actors())
        if warning is not None:
            common.echo(f"warning: {warning}", err=True)
