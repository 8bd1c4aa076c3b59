"""A rep over SSH starts on their own leads, as in a browser: the OS account
running leadtui, once `leadtui user add` made it a rep, sees its own and
unassigned leads first; `ctrl+f` and an empty filter show everyone's. Both
ways in: the quick first page (plain sqlite3), and the long way (the CLI),
which a rep with no New lead takes. Driven in a real pty."""

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.domain.users import Role
from leadtui.repository import Repository, current_actor
from tests.test_e2e_pty import leadtui_in_pty

pytestmark = pytest.mark.slow


def new_names(repo: Repository, owner: str) -> list[str]:
    return [lead.name for lead in repo.leads_in_stage(Stage.NEW, only=LeadFilter(owner=owner))]


@pytest.mark.parametrize("owns_a_new_lead", [True, False], ids=["quick way", "long way"])
def test_a_rep_in_a_terminal_starts_on_their_own_leads(
    sample_repo: Repository, owns_a_new_lead: bool
) -> None:
    me = current_actor()
    sample_repo.users.add(me, Role.REP)
    db = str(sample_repo.path)
    annas = new_names(sample_repo, "anna")
    if owns_a_new_lead:
        bens = sample_repo.leads_in_stage(Stage.NEW, only=LeadFilter(owner="ben"), limit=1)[0]
        handed = CliRunner().invoke(main, ["assign", me, str(bens.id), "--db", db])
        assert handed.exit_code == 0, handed.output
    with leadtui_in_pty("--db", db, cwd=sample_repo.path.parent) as term:
        term.wait_for("mine")  # the filter's line
        if owns_a_new_lead:
            term.wait_for(bens.name)
        seen = term.text()
        assert not [name for name in annas if name in seen]
        term.type("\x06")  # ctrl+f, then an empty filter: everyone's
        term.wait_for("Filter")
        term.type("\x15\r")  # ctrl+u clears what is typed
        term.wait_for(annas[0])
        term.type("q")
        assert term.wait_for_exit() == 0
