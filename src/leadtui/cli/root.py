"""The `leadtui` command: no subcommand opens the TUI; subcommands script it.

The CLI and the TUI call the same repository API and never reach into each
other; textual is imported only when the TUI is opened.
"""

import errno
import importlib
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from leadtui import __version__, paths, resources
from leadtui.cli import common
from leadtui.cli.params import (
    FILE,
    LEAD_ID,
    OneLineError,
    confirm,
    flush_stdout,
    os_error_line,
    owner_name,
    shown_path,
    silence_stdout,
    usage_line,
)
from leadtui.config import load_settings
from leadtui.domain import quickadd
from leadtui.domain.clock import parse_past, team_day, utc_now
from leadtui.domain.dedupe import duplicate_line
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.models import BANT_CRITERIA, ActivityKind, Lead, Source, Stage, build_draft
from leadtui.domain.pipeline import qualify_question
from leadtui.domain.sanitize import clean_line, shown_name
from leadtui.domain.score_text import score_lines, score_record
from leadtui.domain.users import ENV_SESSION, Identity
from leadtui.repository import (
    Repository,
    open_repository,
)

# The commands that live in their own modules, imported only when named
# (or listed by --help): importing them all took about 60 ms of each
# command's 330 (serve's asyncio, dupes' rapidfuzz, import's readers).
_ELSEWHERE = {
    "assign": ("assign", "assign"),
    "db": ("database", "db"),
    "due": ("detail", "due"),
    "dupes": ("detail", "dupes"),
    "erase": ("erase", "erase"),
    "export": ("export", "export"),
    "followup": ("detail", "followup"),
    "import": ("files", "import_file"),
    "journal": ("detail", "journal"),
    "kpi": ("kpi", "kpi"),
    "merge": ("detail", "merge"),
    "redo": ("detail", "redo"),
    "score": ("score", "score"),
    "search": ("detail", "search"),
    "serve": ("serve", "serve"),
    "set": ("detail", "set_field"),
    "setting": ("kpi", "setting"),
    "spend": ("kpi", "spend"),
    "undo": ("detail", "undo"),
    "user": ("users", "user"),
}


class LeadtuiGroup(click.Group):
    """The one place errors become one line on stderr and exit code 1
    (cli/params.py): click's usage errors, every LeadtuiError, and an
    OSError reaching the edge (a full disk, a read-only or forbidden
    place). A broken pipe is left to click, which ends quietly."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_ELSEWHERE})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _ELSEWHERE:
            return super().get_command(ctx, cmd_name)
        module, name = _ELSEWHERE[cmd_name]
        command = getattr(importlib.import_module(f"leadtui.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:  # the group's own options, e.g. --db DIR
            raise usage_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            flush_stdout()
            return result
        except OneLineError:
            raise
        except click.UsageError as error:
            raise usage_line(error) from None
        except LeadtuiError as error:
            raise OneLineError(str(error)) from None
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise
            silence_stdout()
            raise os_error_line(error) from None


def _demo_repository() -> Repository:
    """The demo database, built from sample_data/ the first time."""
    from leadtui.demo import build_sample_database

    path = paths.demo_db_path()
    if not path.exists():
        build_sample_database(path, resources.sample_data_dir(), utc_now())
    return open_repository(path)


@click.group(
    cls=LeadtuiGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="leadtui")
@common.db_option
@click.option(
    "--demo", is_flag=True, help="Open the demo database (made from sample_data on first use)."
)
@click.option("--theme", help='This run\'s theme (ctrl+p, "Change theme" picks one that is kept).')
@click.option("--serve-session", is_flag=True, hidden=True)  # spawned by `leadtui serve`
@click.pass_context
def main(
    ctx: click.Context, db_path: Path | None, demo: bool, theme: str | None, serve_session: bool
) -> None:
    """A keyboard-first console for a sales team's leads.

    With no command, opens the TUI on the database.
    """
    if ctx.invoked_subcommand is not None:
        return
    if demo and db_path:
        raise click.UsageError("--demo and --db name different databases; pick one")
    settings = load_settings()  # a broken config.toml stops here, in one line
    if not serve_session:  # a browser tab's app talks to the server on pipes
        from leadtui.quiet_launch import insist_on_terminal

        insist_on_terminal()  # before a database is opened, let alone made
    repo = _demo_repository() if demo else common.repository(None)
    identity: Identity | None
    if serve_session:
        repo, identity, chosen = _browser_user(repo)
        theme = chosen or theme
    else:
        identity = _terminal_user(repo)
    from leadtui.tui.app import LeadApp  # only the TUI needs textual

    LeadApp(repo, settings, identity=identity, theme=theme).run()


def _terminal_user(repo: Repository) -> Identity | None:
    """The OS account as a user of the database, if `leadtui user add` made
    it one: a rep starts on their own leads, as in a browser."""
    user = repo.users.get(repo.actor)
    return None if user is None else Identity.terminal(user.name, user.role)


def _browser_user(repo: Repository) -> tuple[Repository, Identity, str | None]:
    """A browser tab's app (launch.py takes this way when the quick one does
    not apply): its user is the session the server put in its environment."""
    user = repo.users.session_user(os.environ.get(ENV_SESSION, ""))
    if user is None:
        raise LeadtuiError("not signed in (the session ended); sign in again")
    identity = Identity.browser(user.name, user.role)
    mine = open_repository(repo.target, actor=user.name, own_leads_only=identity.own_leads_only)
    return mine, identity, repo.users.theme(user.name)


@main.command()
@click.argument("name")
@click.option("--email")
@click.option("--phone")
@click.option("--company")
@click.option("--title")
@click.option("--source", type=click.Choice([s.value for s in Source]), default="other")
@click.option("--owner")
@click.option("--value", default="0", help="Expected deal value, e.g. 5000, 5k, 1.2m.")
@common.db_option
def add(db_path: Path | None, value: str, **fields: str | None) -> None:
    """Add a lead; prints its id."""
    repo = common.repository(db_path)
    draft = build_draft(repo.team_currency(), value_cents=value, **fields)
    common.echo(repo.add_lead(draft))


@main.command()
@click.argument("text")
@click.option("--anyway", is_flag=True, help="Add even if it looks like an existing lead.")
@click.option("--merge", is_flag=True, help="Merge into the existing lead it looks like.")
@common.db_option
def quick(db_path: Path | None, text: str, anyway: bool, merge: bool) -> None:
    """Add a lead from one line, e.g.

    leadtui quick 'Jane Doe <jane@acme.io> @Acme Corp $5k #referral !fri "met at expo"'

    A possible duplicate (same email, phone, or name at the same company)
    stops the add unless --anyway or --merge.
    """
    if anyway and merge:
        raise click.UsageError("--anyway and --merge: pick one")
    repo = common.repository(db_path)
    understood = quickadd.understand(text, repo.team_now(), currency=repo.team_currency())
    if understood.draft is None:  # one line, as every error
        field, message = next(iter(understood.errors.items()))
        raise LeadtuiError(f"{field.removesuffix('_cents').replace('_', '-')}: {message}")
    # What was understood goes to stderr, as the duplicate warnings do:
    # stdout is the new lead's id alone, for `id=$(leadtui quick …)`.
    for line in quickadd.preview_lines(understood):
        common.echo(f"  {line}", err=True)
    draft, parsed = understood.draft, understood.line
    dupes = repo.possible_duplicates(
        email=draft.email, phone=draft.phone, name=draft.name, company=draft.company
    )
    for lead, why in dupes:
        common.echo(duplicate_line(lead, why), err=True)
    if dupes and merge:
        lead = repo.merge_details(
            dupes[0][0].id, draft, tags=parsed.tags, follow_up_at=understood.follow_up_at
        )
        common.echo(f"merged into {lead.tag()}")
        return
    if dupes and not anyway:
        raise LeadtuiError("not added: it looks like an existing lead (--anyway or --merge)")
    lead_id = repo.add_lead(draft, tags=parsed.tags, follow_up_at=understood.follow_up_at)
    common.echo(lead_id)


@main.command("list")
@click.option("--stage", type=click.Choice([s.value for s in Stage]))
@click.option("--source", type=click.Choice([s.value for s in Source]))
@click.option("--owner", callback=owner_name, help="Only this owner's leads (case aside).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@common.db_option
def list_leads(
    db_path: Path | None, stage: str | None, source: str | None, owner: str | None, as_json: bool
) -> None:
    """List leads in id order (optionally one stage, source or owner)."""
    repo = common.current_scores(common.repository(db_path, reading=True))
    owner = common.owner_meant(repo, owner)
    common.warn_unknown_owner(repo, owner)
    leads = repo.all_leads(
        stage=Stage(stage) if stage else None, source=source, owner=owner, custom=as_json
    )
    if as_json:
        common.write_json_array(common.SafeStdout(), common.lead_records(repo, leads))
        return
    for lead in leads:
        # Each value with its currency, so a list mixing currencies never reads
        # as one column to add up; no value is left blank, as the inbox does.
        value = lead.money() if lead.value_cents else ""
        common.echo(
            f"{lead.id:>7}  {lead.stage.value:<11} {lead.score:>3}  {value:>16}"
            f"  {shown_name(lead.name)}" + (f" ({lead.company})" if lead.company else "")
        )


@main.command()
@click.argument("lead_id", type=LEAD_ID)
@click.option("--json", "as_json", is_flag=True, help="Print the lead and its history as JSON.")
@common.db_option
def show(db_path: Path | None, lead_id: int, as_json: bool) -> None:
    """Show one lead, its classification, score reasons and whole history
    (stage changes, touches and edits, newest first)."""
    # The whole history: a script asking for one lead wants all of it.
    repo = common.current_scores(common.repository(db_path, reading=True))
    lead, history, scores = repo.lead_page(lead_id, limit=-1)
    if as_json:
        scored = score_record(scores)
        record = lead.export_dict() | {
            "score_reasons": scored["rule"]["reasons"],
            "win_chance_factors": (scored["learned"] or {}).get("factors", []),
            "win_chance_unavailable": scored["learned_unavailable"],
            "closed_with": scored["closed_with"],
            "history": [entry.export_dict() for entry in history],
        }
        # No model: no chance, not a chance of 0. A closed lead's is the one
        # it closed with, null if none was stored (as list --json says).
        closed = scored["closed_with"]
        if closed is not None:
            record["win_chance"] = closed["win_chance"]
        elif scored["learned"] is None:
            record["win_chance"] = None
        common.echo_json(record)
        return
    _echo_lead(lead, repo.team_now())
    common.echo("")
    for line in score_lines(scores):
        common.echo(line)
    common.echo("\nHistory:")
    for entry in history:
        # One line an entry: a note or notes of several lines are joined (--json has them whole).
        common.echo(
            f"  {entry.at:%Y-%m-%d %H:%M}  {entry.actor:<10} {clean_line(entry.described())}"
        )


def _echo_lead(lead: Lead, now: datetime) -> None:
    """`now`: in the team's zone, whose day a follow-up is shown on."""
    rows = {
        "Lead": f"{lead.tag()}",
        "Company": lead.company,
        "Title": lead.title,
        "Email": lead.email,
        "Phone": lead.phone,
        "Source": lead.source.value,
        "Owner": lead.owner,
        "Stage": lead.stage.label,
        "Temperature": lead.temperature_shown(),
        "Score": str(lead.score),
        "Value": lead.money(),
        "Also": ", ".join(contact.text() for contact in lead.contacts),
        "Lost reason": lead.lost_reason,
        "Notes": lead.notes,
        "Tags": ", ".join(lead.tags),
        "Lifecycle": lead.lifecycle.label,
        "Fit": lead.fit.value,
        "BANT": " · ".join(
            f"{c} {lead.bant_answer(c).text()}" for c in BANT_CRITERIA if c in lead.bant
        ),
        "Follow-up": f"{team_day(lead.follow_up_at, now):%a %d %b %Y}"
        if lead.follow_up_at
        else None,
        "Close date": f"{lead.expected_close:%a %d %b %Y}" if lead.expected_close else None,
        "Last touch": f"{lead.last_touch_at:%a %d %b %Y}" if lead.last_touch_at else None,
    }
    for label, value in rows.items():
        if value:
            common.echo(f"{label + ':':<13}{value}")
    if lead.custom:
        common.echo("\nCustom fields:")
        for name, value in lead.custom.items():
            common.echo(f"  {name}: {value}")


# What "together" means past one transaction's worth (moves_set.CHUNK).
TOGETHER = "all or none up to 5,000; past that written 5,000 at a time, as `V` moves"


def _move_command(name: str, help_text: str) -> None:
    @main.command(name, help=f"{help_text} Several ids move together, one undo: {TOGETHER}.")
    @click.argument("lead_ids", type=LEAD_ID, nargs=-1, required=True)
    @common.db_option
    def command(db_path: Path | None, lead_ids: tuple[int, ...]) -> None:
        moved = common.repository(db_path, existing=True).move_many(
            name, [(i, None) for i in lead_ids]
        )
        for lead in moved:
            common.echo(f"{lead.tag()}: {lead.stage.label}")


@main.command()
@click.argument("lead_ids", type=LEAD_ID, nargs=-1, required=True)
@click.option("--yes", "qualify_anyway", is_flag=True, help="Qualify even on thin BANT.")
@common.db_option
def advance(db_path: Path | None, lead_ids: tuple[int, ...], qualify_anyway: bool) -> None:
    """Move leads to the next stage (several ids together, one undo: all or
    none up to 5,000; past that written 5,000 at a time, as `V` moves).
    Qualifying a lead with fewer than 3 BANT answers of yes asks first (or
    needs --yes when not at a terminal)."""
    repo = common.repository(db_path, existing=True)
    leads = [repo.get_lead(lead_id) for lead_id in dict.fromkeys(lead_ids)]  # each once
    question = None if qualify_anyway else qualify_question(leads)
    if question:
        confirm(question, f"{question} Pass --yes to qualify.")
    for lead in repo.move_many("advance", [(lead.id, lead.stage) for lead in leads]):
        common.echo(f"{lead.tag()}: {lead.stage.label}")


_move_command("back", "Move leads back one stage (advanced by mistake).")
_move_command("win", "Mark leads won.")
_move_command("reopen", "Reopen won or lost leads at the stage they closed from.")


@main.command()
@click.argument("lead_ids", type=LEAD_ID, nargs=-1, required=True)
@click.option("--reason", required=True, help="Why it was lost (required).")
@common.db_option
def lose(db_path: Path | None, lead_ids: tuple[int, ...], reason: str) -> None:
    """Mark leads lost, with one reason. Several ids move together: all or
    none, one undo."""
    repo = common.repository(db_path, existing=True)
    # "NO BUDGET" next to the team's "No budget" is stored as "No budget".
    spelled = repo.spell_lost_reason(reason)
    moved = repo.move_many("lose", [(i, None) for i in lead_ids], reason=spelled)
    for lead in moved:
        common.echo(f"{lead.tag()}: {lead.stage.label} ({lead.lost_reason})")


@main.command("log")
@click.argument("lead_id", type=LEAD_ID)
@click.option(
    "--kind", type=click.Choice([k.value for k in ActivityKind]), required=True, help="What it was."
)
@click.option("--direction", type=click.Choice(["inbound", "outbound"]), help="Who reached out.")
@click.option("--note", default="", help="What happened, in a line.")
@click.option("--body", default="", help="The whole text (an email, the minutes); - reads stdin.")
@click.option(
    "--at",
    "when",
    default="",
    help="When: 45min, 2h, 3d, 1w, 2mo ago, yesterday, 2026-11-20 (default now).",
)
@common.db_option
def log_touch(
    db_path: Path | None,
    lead_id: int,
    kind: str,
    direction: str | None,
    note: str,
    body: str,
    when: str,
) -> None:
    """Log a touch (email, call, meeting, content, social, note) on a lead."""
    repo = common.repository(db_path, existing=True)
    text = sys.stdin.read() if body == "-" else body
    lead = repo.log_touch(
        lead_id, ActivityKind(kind), note, direction, at=parse_past(when, repo.clock()), body=text
    )
    common.echo(f"{lead.tag()}: logged {kind}; score {lead.score} ({lead.temperature})")


@main.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=FILE,
    help="New database file to write (must not exist).",
)
@click.option(
    "--leads", "count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True
)
@click.option("--seed", type=int, default=1, show_default=True)
def demo(db_path: Path, count: int, seed: int) -> None:
    """Write a deterministic synthetic data set (leads, stage history, touches)."""
    from leadtui.demo import build_synthetic_database

    def removed(leftover: Path) -> None:
        common.echo(f"removed {shown_path(leftover)}, left by a build that was killed", err=True)

    with common.stderr_progress() as progress:
        task = progress.add_task("Generating leads", total=count)
        written = build_synthetic_database(
            db_path,
            count,
            seed,
            utc_now(),
            progress=lambda done: progress.advance(task, done),
            on_removed=removed,
        )
    common.echo(f"wrote {written} leads to {shown_path(db_path)}")
