"""An --owner (CLI) or owner: filter that names nobody says so: a mistyped
rep ("bne" for "ben") must not read as a rep with no leads. On both
engines."""

import csv
import io
import json

from leadtui.domain.filters import LeadFilter, unknown_owner
from leadtui.domain.models import Stage
from leadtui.repository import open_repository
from tests.conftest import both_clis
from tests.test_cli import ok, run

OWNERS = "owners: anna, ben, carla, dev"


def _team(db: str) -> None:
    for name, owner in (("Ann", "anna"), ("Bo", "ben"), ("Cy", "carla")):
        ok("add", name, "--owner", owner, "--db", db)
    ok("user", "add", "dev", "--db", db)  # a user with no lead yet is someone


@both_clis
def test_kpi_list_and_export_warn_on_stderr_when_no_one_has_the_owner(db: str) -> None:
    _team(db)
    warning = f"warning: no lead has owner 'bne'; {OWNERS}"
    for command in (
        ("kpi", "--json"),
        ("kpi", "--csv"),
        ("kpi",),
        ("list", "--json"),
        ("list",),
        ("export", "--format", "csv"),
    ):
        result = run(*command, "--owner", "bne", "--db", db)
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [warning], command
        if "--json" in command:  # stdout stays one valid document
            json.loads(result.stdout)
    report = json.loads(run("kpi", "--json", "--owner", "bne", "--db", db).stdout)
    assert (report["owner"], report["new_leads"]) == ("bne", 0)
    assert json.loads(run("list", "--json", "--owner", "bne", "--db", db).stdout) == []
    exported = run("export", "--format", "csv", "--owner", "bne", "--db", db).stdout
    assert list(csv.DictReader(io.StringIO(exported))) == []


@both_clis
def test_an_owner_or_a_user_is_answered_without_a_warning(db: str) -> None:
    _team(db)
    for owner in ("ben", " ben ", "dev"):  # dev: a user, no lead yet
        for command in (("kpi", "--json"), ("list", "--json"), ("export",)):
            result = run(*command, "--owner", owner, "--db", db)
            assert (result.exit_code, result.stderr) == (0, ""), (command, owner)
    assert [
        lead["name"] for lead in json.loads(ok("list", "--json", "--owner", "ben", "--db", db))
    ] == ["Bo"]


@both_clis
def test_the_cli_matches_the_owner_as_the_tui_filter_does(db: str) -> None:
    """--owner BEN is ben's, as the TUI's `owner:BEN` is: the same leads,
    exported and counted, and no warning (it warned, and listed nothing)."""
    _team(db)
    ok("add", "Di", "--owner", "ben", "--db", db)
    repo = open_repository(db)
    for owner in ("BEN", "Ben", "ben"):
        tui = {
            lead.id
            for stage in Stage
            for lead in repo.leads_in_stage(stage, limit=100, only=LeadFilter(owner=owner))
        }
        listed = run("list", "--json", "--owner", owner, "--db", db)
        exported = run("export", "--owner", owner, "--db", db)
        report = run("kpi", "--json", "--owner", owner, "--db", db)
        for result in (listed, exported, report):
            assert (result.exit_code, result.stderr) == (0, ""), owner
        assert {lead["id"] for lead in json.loads(listed.stdout)} == tui == {2, 4}
        assert {lead["id"] for lead in json.loads(exported.stdout)} == tui
        counted = json.loads(report.stdout)
        assert (counted["owner"], counted["new_leads"]) == ("ben", 2)
    done = run("assign", "dev", "--from", "BEN", "--yes", "--db", db)
    assert (done.exit_code, done.stderr) == (0, "")
    assert [lead["owner"] for lead in json.loads(ok("list", "--json", "--db", db))] == [
        "anna", "dev", "carla", "dev",
    ]  # fmt: skip


@both_clis
def test_kpi_asks_which_of_two_spellings_it_counts(db: str) -> None:
    """The KPIs keep an owner's figures per stored spelling: with "Ben"
    beside "ben", BEN is refused in one line naming both, and "Ben" counts
    Ben's alone, saying so."""
    _team(db)
    ok("add", "Eve", "--owner", "Ben", "--db", db)
    refused = run("kpi", "--owner", "BEN", "--db", db)
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: owner 'BEN' is spelled 'Ben', 'ben' on leads, which the KPIs count apart:"
        " name one exactly (`leadtui assign NAME --from OTHER` makes them one)\n"
    )
    chosen = run("kpi", "--json", "--owner", "Ben", "--db", db)
    assert chosen.stderr == "warning: counting owner 'Ben' only; 'ben' is counted apart\n"
    assert json.loads(chosen.stdout)["new_leads"] == 1
    assert len(json.loads(ok("list", "--json", "--owner", "BEN", "--db", db))) == 2


@both_clis
def test_a_file_where_no_lead_has_an_owner_says_so(db: str) -> None:
    ok("add", "Ann", "--db", db)
    result = run("kpi", "--owner", "anna", "--db", db)
    assert result.stderr.strip() == "warning: no lead has owner 'anna': no lead has an owner yet"


def test_the_warning_is_one_line_however_many_owners_there_are() -> None:
    known = [f"rep{n:02}" for n in range(30)]
    warning = unknown_owner("nobody", known, fold_case=True)
    assert warning == (
        "no lead has owner 'nobody'; owners: rep00, rep01, rep02, rep03, rep04, rep05,"
        " rep06, rep07, … (30 in all)"
    )
    assert unknown_owner("REP03", known, fold_case=True) is None
    assert unknown_owner("REP03", known, fold_case=False) is not None
    assert unknown_owner("x", ["", "ben"], fold_case=True) == "no lead has owner 'x'; owners: ben"
    # A name with a control character is shown escaped, never run.
    assert "\\x1b" in (unknown_owner("b\x1b[2Jne", known, fold_case=True) or "")


@both_clis
def test_set_owner_warns_about_an_owner_nobody_is_and_still_sets_it(db: str) -> None:
    """`set ID owner zed`, or "Ben" beside "ben", is likely a typo: said on
    stderr as --owner says it; a new rep's first lead is legitimate (exit 0)."""
    _team(db)
    for owner, owners in (("zed", OWNERS), ("Ben", "owners: ben, carla, dev, zed")):
        result = run("set", "1", "owner", owner, "--db", db)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("#1 Ann: owner ")
        assert result.stderr.splitlines() == [f"warning: no lead has owner {owner!r}; {owners}"]
    assert json.loads(ok("show", "1", "--json", "--db", db))["owner"] == "Ben"


@both_clis
def test_set_owner_to_someone_or_to_no_one_warns_nothing(db: str) -> None:
    _team(db)
    for owner in ("ben", "dev", " carla ", ""):  # dev: a user with no lead yet
        result = run("set", "1", "owner", owner, "--db", db)
        assert (result.exit_code, result.stderr) == (0, ""), (owner, result.output)
