"""`leadtui kpi`, `leadtui spend` and `leadtui setting` (added to the main
group in cli.py)."""

import csv
import json
from datetime import timedelta
from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import FILE, confirm, not_blank, owner_name, shown_path
from leadtui.domain.clock import zone_warning
from leadtui.domain.currency import check_currency, format_money, parse_money, rate_text
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.kpi_format import calibration_lines, kpi_csv_rows, kpi_lines, kpi_record
from leadtui.domain.kpis import WINDOW_CHOICES, Window, parse_day
from leadtui.repository import Repository
from leadtui.usecases.spend import import_spend


@click.command()
@click.option(
    "--window",
    type=click.Choice(WINDOW_CHOICES),
    default="30d",
    show_default=True,
    help="A window ending now (ignored if --since or --until is given).",
)
@click.option("--since", callback=not_blank, help="First day of the window, e.g. 2026-10-01.")
@click.option(
    "--until", callback=not_blank, help="Last day of the window, included (default: today)."
)
@click.option(
    "--owner", callback=owner_name, help="Only this rep's leads (case aside; README: spellings)."
)
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
    repo = common.current_scores(common.repository(db_path, reading=True))
    now = repo.clock()
    if since or until:
        last = parse_day(until, "until") if until else now.date()
        first = parse_day(since, "since") if since else last - timedelta(days=29)
        chosen = Window.between(first, last)
    else:
        chosen = Window.last(window, now)
    owner = common.owner_meant(repo, owner)
    common.warn_unknown_owner(repo, owner)
    report = repo.kpi_report(chosen, common.kpi_owner(repo, owner))
    calibration = repo.calibration()
    record = kpi_record(report) | {
        "score_calibration": [
            {"band": row.band, "closed": row.closed, "won": row.won, "win_rate": row.win_rate}
            for row in calibration
        ]
    }
    if as_json:
        common.echo(json.dumps(record, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.writer(common.SafeStdout())
        writer.writerow(("figure", "key", "value"))
        writer.writerows(kpi_csv_rows(record))
    else:
        for line in (*kpi_lines(report), *calibration_lines(calibration)):
            common.echo(line)


@click.command()
@click.argument("source", required=False)
@click.argument("amount", required=False)
@click.option("--month", help="The month the money was spent, e.g. 2026-11.")
@click.option(
    "--import",
    "import_path",
    type=FILE,
    help="A CSV with columns source, month, amount (all rows or none).",
)
@click.option(
    "--decimal-comma/--decimal-point",
    default=None,
    help="With --import: read amounts as 1.234,56 (default: detected, as import does).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in README).")
@common.db_option
def spend(
    db_path: Path | None,
    source: str | None,
    amount: str | None,
    month: str | None,
    import_path: Path | None,
    decimal_comma: bool | None,
    as_json: bool,
) -> None:
    """Record marketing spend per source and month (for cost per lead and
    ROI); with no arguments, list what is recorded."""
    if import_path is not None and (source or amount or month):
        raise click.UsageError("--import takes no SOURCE, AMOUNT or --month")
    if decimal_comma is not None and import_path is None:
        raise click.UsageError("--decimal-comma and --decimal-point go with --import")
    records = import_path is not None or source is not None or month is not None
    if records and import_path is None and (source is None or amount is None or month is None):
        raise click.UsageError("give SOURCE AMOUNT --month YYYY-MM")
    # Recording spend creates the database, as `add` does; listing it does not.
    repo = common.repository(db_path, reading=not records)
    if import_path is not None:
        read = import_spend(repo, import_path, decimal_comma)
        if as_json:
            common.echo_json(
                {
                    "file": str(import_path),
                    "recorded": len(read.lines),
                    "decimal_comma": read.decimal.comma,
                    "decimal_reason": read.decimal.reason,
                    "ambiguous_amounts": read.ambiguous_amounts,
                }
            )
        else:
            common.echo(f"recorded {len(read.lines):,} spend rows from {shown_path(import_path)}")
            for note in read.notes():
                common.echo(note)
    elif source is not None and amount is not None and month is not None:
        before = repo.set_spend(source, month, amount)
        cents = parse_money(amount)  # read as set_spend read it: the amount is the team's
        if as_json:
            common.echo_json(
                {
                    "source": source.strip().lower(),
                    "month": month.strip(),
                    "amount_cents": cents,
                    "replaced_cents": before,
                }
            )
            return
        # What was recorded, as `spend` lists it ("0", not the "0bn" typed).
        replaced = f" (was {format_money(before)})" if before is not None else ""
        common.echo(f"{source.strip().lower()} {month.strip()}: {format_money(cents)}{replaced}")
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
            common.echo(
                f"{entry.month}  {entry.source.value:<10}{format_money(entry.amount_cents):>14}"
            )


SETTINGS = ("lifetime-years", "currency", "region", "timezone", "rate", "rates")


@click.command()
@click.argument("name", required=False, type=click.Choice(SETTINGS))
@click.argument("values", nargs=-1)
@click.option("--clear", is_flag=True, help="With rate CODE: remove that rate.")
@click.option(
    "--yes", "confirmed", is_flag=True, help="With currency CODE: change it without asking."
)
@click.option("--json", "as_json", is_flag=True, help='Print {"name": ..., "value": ...}.')
@common.db_option
def setting(
    db_path: Path | None,
    name: str | None,
    values: tuple[str, ...],
    clear: bool,
    confirmed: bool,
    as_json: bool,
) -> None:
    """Show or set a team-wide setting stored in the database; with no
    NAME, list them all.

    lifetime-years: expected customer lifetime, for lifetime value (default 3).

    currency: the team's currency (ISO 4217, default USD): a lead's value is
    in it unless the lead names another ("€5k", "5k GBP"); the KPIs' money
    figures are in it. Changing it clears the rates, and changes the currency
    of every lead that names none: it says how many and asks first (off a
    terminal it needs --yes).

    rate CODE RATE: one CODE is worth RATE of the team's currency
    (`rate GBP 1.17`); `rate GBP --clear` removes it. When every currency
    in a KPI report has a rate, its money is converted into one total;
    otherwise other currencies are listed apart. `rates` lists them.

    region: the country national phone numbers are read in (ISO 3166, e.g.
    GB), so that 020 7946 0001 and +44 20 7946 0001 are one person.
    Setting it recomputes every lead's phone key.

    timezone: the team's time zone (an IANA name, e.g. Asia/Tokyo; default
    UTC): the day "today", "fri" or 2026-12-04 means for a follow-up, the
    day a follow-up is shown on, and due and overdue. Times stay stored in
    UTC; KPI windows and spend months stay UTC days.
    """
    if clear and name != "rate":
        raise click.UsageError("--clear goes with: setting rate CODE --clear")
    if values and (name is None or name == "rates"):
        # only after `rates`: a value alone would be read as NAME
        raise click.UsageError("setting rates takes no value")
    if name == "rate" and (not values or len(values) > 2 or (clear and len(values) != 1)):
        raise click.UsageError("give: setting rate CODE RATE, or setting rate CODE --clear")
    if name not in (None, "rate", "rates") and len(values) > 1:
        raise click.UsageError(f"setting {name} takes one value")
    # A value given creates the database, as `add` does; reading a setting
    # does not, nor does clearing a rate (a missing file has none).
    given = len(values) > (1 if name == "rate" else 0)
    repo = common.repository(db_path, reading=not given and not clear, existing=clear)
    if name is None or name == "rates":
        _list_settings(repo, only_rates=name == "rates", as_json=as_json)
        return
    if name == "rate":
        _rate(repo, values, clear=clear, as_json=as_json)
        return
    value = values[0] if values else None
    if name == "currency":
        _currency(repo, value, confirmed=confirmed, as_json=as_json)
        return
    if name == "region":
        if value is None:
            region = repo.phone_region()
            if as_json:
                common.echo_json({"name": name, "value": region})
            else:
                common.echo(f"region = {region or '(none: only +international numbers)'}")
            return
        region, changed = repo.set_phone_region(value)
        if as_json:
            common.echo_json({"name": name, "value": region, "phone_keys_recomputed": changed})
        else:
            keys = f"{changed:,} phone key{'s' * (changed != 1)}"
            common.echo(f"region = {region} ({keys} recomputed)")
        return
    if name == "timezone":
        if value is not None and (warning := zone_warning(repo.set_time_zone(value))):
            common.echo(f"warning: {warning}", err=True)  # set as asked all the same
        zone = repo.time_zone() or "UTC"
        if as_json:
            common.echo_json({"name": name, "value": zone})
        else:
            common.echo(f"timezone = {zone}")
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
        common.echo(f"{name} = {repo.lifetime_years():g}")


def _rate(repo: Repository, values: tuple[str, ...], *, clear: bool, as_json: bool) -> None:
    """`setting rate CODE [RATE | --clear]`: show, set or remove one rate
    (the values' count checked by `setting`)."""
    if len(values) == 1 and not clear:
        code = check_currency(values[0])
        if code == repo.team_currency():
            raise LeadtuiError(f"rate: {code} is the team's currency (its rate is 1)")
        rate = repo.rates().get(code)
        before = rate
    else:
        code, before = repo.set_rate(values[0], None if clear else values[1])
        rate = repo.rates().get(code)
    team = repo.team_currency()
    if as_json:
        common.echo_json(
            {
                "name": "rate",
                "currency": code,
                "value": None if rate is None else rate_text(rate),
                "previous": None if before is None else rate_text(before),
                "team_currency": team,
            }
        )
    elif clear:
        was = f" (was {rate_text(before)})" if before is not None else " (there was none)"
        common.echo(f"rate {code} cleared{was}")
    elif rate is None:
        common.echo(f"rate {code} = (none: {code} money is listed apart in the KPIs)")
    else:
        common.echo(f"rate {code} = {rate_text(rate)} (1 {code} = {rate_text(rate)} {team})")


def _currency(repo: Repository, value: str | None, *, confirmed: bool, as_json: bool) -> None:
    """Show or set the team's currency. A change moves every lead that names
    no currency of its own into the new one (3,000 USD reads 3,000 EUR), so
    it says how many and, when any would change, asks first."""
    before, cleared, moved = repo.team_currency(), 0, 0
    shown = before
    if value is not None:
        code = check_currency(value)
        if code != before and (refusal := repo.currency_refusal(code)):
            raise LeadtuiError(refusal)
        moved = repo.leads_in_team_currency() if code != before else 0
        if moved and not confirmed:
            confirm(
                f"Make {code} the team's currency? The value of {_leads_naming_none(moved)}"
                f" would be in {code}, not {before}: the numbers stay (3,000 {before} reads"
                f" 3,000 {code}), as the recorded spend's do; leads naming a currency keep"
                " theirs, and the rates are cleared.",
                f"setting currency {code} changes the currency of {_leads_naming_none(moved)}:"
                " pass --yes to confirm",
            )
        shown, cleared = repo.set_team_currency(value)
    if as_json:
        common.echo_json(
            {"name": "currency", "value": shown, "rates_cleared": cleared, "leads_changed": moved}
        )
        return
    notes = []
    if moved:
        notes.append(f"the value of {_leads_naming_none(moved)} is now in {shown}, not {before}")
    if cleared:
        notes.append(f"{cleared:,} rates cleared: they were in the old currency")
    common.echo(f"currency = {shown}" + (f" ({'; '.join(notes)})" if notes else ""))


def _leads_naming_none(count: int) -> str:
    return f"{count:,} lead{'' if count == 1 else 's'} naming no currency"


def _list_settings(repo: Repository, *, only_rates: bool, as_json: bool) -> None:
    rates = {code: rate_text(rate) for code, rate in repo.rates().items()}
    team = repo.team_currency()
    if only_rates:
        if as_json:
            common.echo_json({"name": "rates", "currency": team, "value": rates})
            return
        if not rates:
            common.echo(f"no rates (set one: leadtui setting rate GBP 1.17, in {team})")
        for code, rate in rates.items():
            common.echo(f"rate {code} = {rate} (1 {code} = {rate} {team})")
        return
    everything = {
        "lifetime-years": repo.lifetime_years(),
        "currency": team,
        "region": repo.phone_region(),
        "timezone": repo.time_zone() or "UTC",
        "rates": rates,
    }
    if as_json:
        common.echo_json(everything)
        return
    common.echo(f"lifetime-years = {everything['lifetime-years']:g}")
    common.echo(f"currency = {team}")
    common.echo(f"region = {everything['region'] or '(none)'}")
    common.echo(f"timezone = {everything['timezone']}")
    shown = ", ".join(f"{code} {rate}" for code, rate in rates.items())
    common.echo(f"rates = {shown or '(none)'}")
