"""`leadtui assign`: many leads to one owner at once (a rep leaves or goes
on holiday), as one action for `leadtui undo` (repository/assign_set.py)."""

from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import LEAD_ID, confirm, not_blank
from leadtui.domain import pipeline
from leadtui.domain.filters import unknown_owner
from leadtui.domain.models import Stage
from leadtui.domain.sanitize import clean_line

_OPEN_STAGES = [stage.value for stage in Stage if pipeline.is_open(stage)]


@click.command()
@click.argument("owner")
@click.argument("lead_ids", type=LEAD_ID, nargs=-1)
@click.option(
    "--from", "from_owner", callback=not_blank, metavar="NAME",
    help="Every open lead (not won or lost) of NAME, case aside (as the TUI's owner: filter).",
)  # fmt: skip
@click.option(
    "--stage", type=click.Choice(_OPEN_STAGES), help="With --from: only its leads in STAGE."
)
@click.option("--yes", "confirmed", is_flag=True, help="With --from: assign without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in README).")
@common.db_option
def assign(
    db_path: Path | None,
    owner: str,
    lead_ids: tuple[int, ...],
    from_owner: str | None,
    stage: str | None,
    confirmed: bool,
    as_json: bool,
) -> None:
    """Give leads to OWNER: the ids given (all or none up to 5,000; past that
    written 5,000 at a time), or with --from NAME every open lead of NAME.
    One action: `leadtui undo` takes it all back.
    With --from, more than one lead asks first (off a terminal: --yes)."""
    if bool(lead_ids) == bool(from_owner):
        raise click.UsageError("give lead ids or --from NAME (one of them)")
    if stage and not from_owner:
        raise click.UsageError("--stage goes with --from NAME")
    repo = common.repository(db_path, existing=True)
    # Read before the write, after which the new owner is someone.
    owners = repo.owners(with_users=True)
    if from_owner:
        name = clean_line(from_owner).strip()
        seen = repo.open_leads_of(name, Stage(stage) if stage else None)
        which = f"open {f'{Stage(stage).label} ' if stage else ''}lead"
        if not seen:
            common.warn_unknown_owner(repo, name)
            said = f"{name} has no {which}s; nothing changed"
            _report(as_json, clean_line(owner).strip(), 0, 0, [], "", said)
            return
        if len(seen) > 1 and not confirmed:
            question = f"Assign {len(seen):,} {which}s of {name} to {clean_line(owner)}?"
            confirm(question, f"{question} Pass --yes to assign them.")
        # Each expected still its owner's: one a teammate reassigned meanwhile is left.
        done = repo.assign_many(owner, seen)
    else:
        done = repo.assign_many(owner, [(lead_id, None) for lead_id in lead_ids])
    count = len(done.changed)
    text = done.said("`leadtui undo` takes it back")
    _report(as_json, done.owner, count, len(done.unchanged), done.left, done.left_text, text)
    # As `set ID owner NAME` warns: "zed", or "Ben" beside "ben", is likely a
    # typo, though a new rep's first leads are legitimate (so exit 0).
    warning = unknown_owner(done.owner, owners, fold_case=False)
    if warning is not None and count:
        common.echo(f"warning: {warning}", err=True)


def _report(
    as_json: bool,
    owner: str,
    count: int,
    unchanged: int,
    left: list[int],
    left_text: str,
    text: str,
) -> None:
    if as_json:
        common.echo_json(
            {
                "owner": owner,
                "assigned": count,
                "unchanged": unchanged,
                "left": left,
                "left_text": left_text or None,
            }
        )
    else:
        common.echo(text)
