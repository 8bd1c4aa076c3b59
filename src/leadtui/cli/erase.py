"""`leadtui erase`: a person's data taken out of their leads, on request
(repository/erasing.py says what goes and what stays)."""

from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import LEAD_ID, confirm


@click.command()
@click.argument("lead_ids", type=LEAD_ID, nargs=-1, required=True)
@click.option("--yes", "confirmed", is_flag=True, help="Erase without asking.")
@common.db_option
def erase(db_path: Path | None, lead_ids: tuple[int, ...], confirmed: bool) -> None:
    """Erase the person's data from leads (a data-protection request): name,
    email, phone, company, title, notes, custom fields, other contacts, the
    text of touches and of history lines. The stages, value and dates stay
    for the KPIs. It cannot be undone; off a terminal it needs --yes."""
    repo = common.repository(db_path, existing=True)
    leads = [repo.get_lead(lead_id) for lead_id in dict.fromkeys(lead_ids)]
    if not confirmed:
        names = ", ".join(lead.tag() for lead in leads)
        confirm(
            f"Erase the personal data of {names}? It cannot be undone",
            "erasing cannot be undone: pass --yes to confirm",
        )
    for lead in leads:
        common.echo(repo.erase_lead(lead.id).message(repo.engine.dialect.name))
