"""`leadtui kpi`, `leadtui spend` and `leadtui setting` (added to the main
group in cli.py)."""

import csv
import json
import sys
from datetime import timedelta
from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import shown_path
from leadtui.domain.currency import format_money, parse_money
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.kpi_format import kpi_csv_rows, kpi_lines, kpi_record
from leadtui.domain.kpis import WINDOW_CHOICES, Window, parse_day


@click.command()
@click.option(
    "--window",
    type=click.Choice(WINDOW_CHOICES),
    default="30d",
    show_default=True,
    help="A window ending now (ignored if --since or --until is given).",
)
@click.option("--since", help="First day of the window, e.g. 2026-10-01.")
@click.option("--until", help="Last day of the window, included (default: today).")
@click.option("--owner", help="Only this rep's leads.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys documented in README).")
@click.option("--csv", "as_csv", is_flag=True, help="Print figure,key,value rows.")
@common.db_option
def kpi(
    db_path: Path | None,
    window: str,
    since: str | None,
    until: str | None,
    owner: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The numbers a sales manager steers by, over a time window."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv: pick one")
    repo = common.repository(db_path)
    now = repo.clock()
    if since or until:
        last = parse_day(until, "until") if until else now.date()
        first = parse_day(since, "since") if since else last - timedelta(days=29)
        chosen = Window.between(first, last)
    else:
        chosen = Window.last(window, now)
    report = repo.kpi_report(chosen, owner)
    record = kpi_record(report) | {
        "score_calibration": [
            {"band": row.band, "closed": row.closed, "won": row.won, "win_rate": row.win_rate}
            for row in repo.calibration()
        ]
    }
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(("figure", "key", "value"))
        writer.writerows(kpi_csv_rows(record))
    else:
        for line in kpi_lines(report):
            click.echo(line)


@click.command()
@click.argument("source", required=False)
@click.argument("amount", required=False)
@click.option("--month", help="The month the money was spent, e.g. 2026-11.")
@click.option(
    "--import",
    "import_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A CSV with columns source, month, amount (all rows or none).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in README).")
@common.db_option
def spend(
    db_path: Path | None,
    source: str | None,
    amount: str | None,
    month: str | None,
    import_path: Path | None,
    as_json: bool,
) -> None:
    """Record marketing spend per source and month (for cost per lead and
    ROI); with no arguments, list what is recorded."""
    repo = common.repository(db_path)
    if import_path is not None:
        if source or amount or month:
            raise click.UsageError("--import takes no SOURCE, AMOUNT or --month")
        recorded = repo.import_spend(import_path)
        if as_json:
            common.echo_json({"file": str(import_path), "recorded": recorded})
        else:
            click.echo(f"recorded {recorded:,} spend rows from {shown_path(import_path)}")
    elif source is not None:
        if amount is None or month is None:
            raise click.UsageError("give SOURCE AMOUNT --month YYYY-MM")
        before = repo.set_spend(source, month, amount)
        if as_json:
            common.echo_json(
                {
                    "source": source.strip().lower(),
                    "month": month.strip(),
                    "amount_cents": parse_money(amount),
                    "replaced_cents": before,
                }
            )
            return
        replaced = f" (was {format_money(before)})" if before is not None else ""
        click.echo(f"{source.strip().lower()} {month}: {amount}{replaced}")
    elif as_json:
        common.echo_json(
            [
                {
                    "source": entry.source.value,
                    "month": entry.month,
                    "amount_cents": entry.amount_cents,
                }
                for entry in repo.spend_entries()
            ]
        )
    else:
        for entry in repo.spend_entries():
            click.echo(
                f"{entry.month}  {entry.source.value:<10}{format_money(entry.amount_cents):>14}"
            )


@click.command()
@click.argument("name", type=click.Choice(["lifetime-years", "currency", "region"]))
@click.argument("value", required=False)
@click.option("--json", "as_json", is_flag=True, help='Print {"name": ..., "value": ...}.')
@common.db_option
def setting(db_path: Path | None, name: str, value: str | None, as_json: bool) -> None:
    """Show or set a team-wide setting stored in the database.

    lifetime-years: expected customer lifetime, for lifetime value (default 3).

    currency: the team's currency (ISO 4217, default USD): a lead's value is
    in it unless the lead names another ("€5k", "5k GBP"); the KPIs' money
    figures are in it, other currencies listed apart.

    region: the country national phone numbers are read in (ISO 3166, e.g.
    GB), so that 020 7946 0001 and +44 20 7946 0001 are one person.
    Setting it recomputes every lead's phone key.
    """
    repo = common.repository(db_path)
    if name == "currency":
        shown = repo.set_team_currency(value) if value is not None else repo.team_currency()
        click.echo(f"currency = {shown}")
        return
    if name == "region":
        if value is None:
            click.echo(f"region = {repo.phone_region() or '(none: only +international numbers)'}")
            return
        region, changed = repo.set_phone_region(value)
        click.echo(f"region = {region} ({changed:,} phone keys recomputed)")
        return
    if value is not None:
        try:
            years = float(value)
        except ValueError:
            raise LeadtuiError(f"lifetime-years: {value[:20]!r} is not a number") from None
        repo.set_lifetime_years(years)
    if as_json:
        common.echo_json({"name": name, "value": repo.lifetime_years()})
    else:
        click.echo(f"{name} = {repo.lifetime_years():g}")
