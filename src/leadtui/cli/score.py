"""`leadtui score ...`: the scoring rules, both scores of a lead, training,
evaluation, pinning and refresh (added to the main group in cli.py)."""

import json
from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import LEAD_ID, shown_path
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.models import Temperature
from leadtui.domain.sanitize import clean_line
from leadtui.domain.score_text import evaluation_lines, score_lines, score_record


@click.group()
def score() -> None:
    """The rule score and the learned win chance: rules, reasons, training."""


@score.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print where they come from and their text.")
@common.db_option
def score_rules(db_path: Path | None, as_json: bool) -> None:
    """Print the scoring rules in effect and the file they come from."""
    from leadtui.domain.scoring_rules import load_rules, user_rules_path

    # Taken, as every command takes --db (a script passes it to each), and
    # not opened: the rules are a file of their own, the same whichever
    # database they score.
    del db_path
    loaded = load_rules()
    if as_json:
        common.echo_json(
            {"origin": loaded.origin, "override": str(user_rules_path()), "text": loaded.text}
        )
        return
    common.echo(f"# rules in effect: {shown_path(loaded.origin)}")
    common.echo(f"# to override, edit {shown_path(user_rules_path())} (or set $LEADTUI_RULES)")
    common.echo(loaded.text.rstrip())


@score.command("show")
@click.argument("lead_id", type=LEAD_ID)
@click.option("--json", "as_json", is_flag=True)
@common.db_option
def score_show(db_path: Path | None, lead_id: int, as_json: bool) -> None:
    """Both scores of a lead, with the reasons behind them."""
    details = common.repository(db_path, reading=True).score_details(lead_id)
    if details.rules_problem:  # the score as stored: said why, as `show` does
        common.echo(f"warning: {details.rules_problem}", err=True)
    if as_json:
        common.echo(json.dumps(score_record(details), ensure_ascii=False, indent=2))
        return
    for line in score_lines(details):
        common.echo(line)


_FIELDS_HELP = (
    "What the model may learn from: standard features and custom:NAME, comma-separated"
    " (e.g. source,owner,custom:Industry); 'all' for every usable field."
)


@score.command("train")
@click.option("--fields", help=_FIELDS_HELP + " Stored with the model; by default its last choice.")
@click.option("--json", "as_json", is_flag=True, help="Print what was learned as JSON.")
@common.db_option
def score_train(db_path: Path | None, fields: str | None, as_json: bool) -> None:
    """Learn the win chance from the closed leads and apply it to the open ones."""
    report = common.repository(db_path, existing=True).train_model(fields=fields)
    if report.model is None:
        raise LeadtuiError(f"not trained: {report.reason}")
    model = report.model
    if as_json:
        common.echo_json(
            {
                "n_won": model.n_won,
                "n_lost": model.n_lost,
                "seconds": round(report.seconds, 3),
                "features": [spec.label for spec in model.specs],
                "fields": list(model.fields) if model.fields is not None else None,
                "base_chance": round(model.base_chance, 4),
                "changed": report.changed,
                "trained_at": model.trained_at,
                "strongest_factors": [
                    {"feature": f.feature, "value": f.value, "ratio": round(f.ratio, 3)}
                    for f in model.strongest()
                ],
            }
        )
        return
    common.echo(
        f"trained on {model.n_won + model.n_lost:,} closed leads ({model.n_won:,} won,"
        f" {model.n_lost:,} lost) in {report.seconds:.1f} s; {len(model.specs)} features;"
        f" win chance changed for {report.changed:,} open leads"
    )
    chosen = "as chosen" if model.fields is not None else "every usable field"
    common.echo(clean_line(f"learned from ({chosen}): {', '.join(s.choice for s in model.specs)}"))
    common.echo(f"a lead average in everything: {model.base_chance:.0%}")
    common.echo("strongest factors (× odds of winning):")
    for factor in model.strongest():
        common.echo(f"  {factor.label}")


@score.command("evaluate")
@click.option(
    "--label-field",
    help="Evaluate on every lead whose FIELD (a column or custom field) holds 0/1 or yes/no.",
)
@click.option(
    "--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.3
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--folds", type=click.IntRange(0, 20), default=0, help="Also k-fold cross-validation (e.g. 5)."
)
@click.option("--fields", help=_FIELDS_HELP + " By default the stored model's choice.")
@click.option("--json", "as_json", is_flag=True)
@common.db_option
def score_evaluate(
    db_path: Path | None, label_field: str | None, test_fraction: float, seed: int, folds: int,
    fields: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Train on part of the closed leads, score the rest, and report how well
    the learned score ranked them (ROC AUC), how true its chances are (log
    loss, calibration error, predicted vs actual per decile), and with
    --folds the same over k folds."""
    result = common.repository(db_path, reading=True).evaluate_model(
        label_field=label_field, test_fraction=test_fraction, seed=seed, folds=folds, fields=fields
    )
    if as_json:
        common.echo(json.dumps(result.as_dict(), indent=2))
        return
    for line in evaluation_lines(result, seed):
        common.echo(line)


@score.command("pin")
@click.argument("lead_id", type=LEAD_ID)
@click.argument("temperature", type=click.Choice([*(t.value for t in Temperature), "auto"]))
@common.db_option
def score_pin(db_path: Path | None, lead_id: int, temperature: str) -> None:
    """Pin a lead's temperature by hand, or `auto` to let the score set it."""
    chosen = None if temperature == "auto" else Temperature(temperature)
    lead = common.repository(db_path, existing=True).pin_temperature(lead_id, chosen)
    state = "pinned" if lead.temperature_pinned else f"from score {lead.score}"
    common.echo(f"{lead.tag()}: {lead.temperature.value} ({state})")


@score.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Rescore every open lead.")
@common.db_option
def score_refresh(db_path: Path | None, everything: bool) -> None:
    """Rescore the leads whose score is due (time-window rules) or, after a
    rules change, every open lead. The TUI does this by itself."""
    repo = common.repository(db_path, existing=True)
    count = repo.rescore_open_leads() if everything else repo.refresh_scores()
    common.echo(f"rescored {count:,} leads")
