"""A merge keeps the kept lead's own name, as it keeps its own email, owner
and the rest (merge_plan.KEEPS_OWN): "Bob", the lead a rep worked, is not
renamed "Robert Smith" for being shorter. The other name stays in the kept
lead's history; a kept name that only stands in for one gives way; the rep
can still take the other's."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.merge_plan import merged_fields
from leadtui.domain.models import Lead, build_draft
from leadtui.repository import Repository
from tests.conftest import both_engines


@both_engines
def test_the_kept_lead_keeps_its_name_and_the_other_stays_in_its_history(
    repo: Repository,
) -> None:
    keep = repo.add_lead(build_draft(name="Bob", email="bob@acme.io", company="Acme"))
    other = repo.add_lead(build_draft(name="Robert Smith", email="BOB@acme.io", title="CTO"))
    lead = repo.merge_leads(keep, other)
    assert (lead.name, lead.title) == ("Bob", "CTO")
    history = [e.summary() for e in repo.history(keep)]
    assert history[0] == f"merged in: — → #{other} Robert Smith"


def _lead(lead_id: int, name: str, email: str | None = None) -> Lead:
    return Lead.model_validate(
        {"id": lead_id, "name": name, "email": email, "phone": None, "company": "Acme",
         "title": None, "source": "other", "owner": None, "stage": "new",
         "temperature": "cold", "score": 0, "value_cents": 0, "lost_reason": None,
         "notes": "", "created_at": "2026-01-01T00:00:00+00:00",
         "updated_at": "2026-01-01T00:00:00+00:00", "version": 1}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kept", "email", "wanted"),
    [
        ("Bob", None, {}),  # its own
        ("bob@acme.io", "bob@acme.io", {"name": "Robert Smith"}),  # an import's stand-in
        ("ACME", None, {"name": "Robert Smith"}),  # its company, as an import names it
        ("-", None, {"name": "Robert Smith"}),  # no letter or digit
        ("\u200b\x07", None, {"name": "Robert Smith"}),  # nothing readable (sqlite3)
    ],
)
def test_a_kept_name_that_only_stands_in_for_one_gives_way(
    kept: str, email: str | None, wanted: dict[str, str]
) -> None:
    keep = _lead(1, kept, email)
    assert merged_fields(keep, _lead(2, "Robert Smith")) == wanted
    # The other's a stand-in too: the kept lead's stays (nothing better).
    assert "name" not in merged_fields(keep, _lead(2, "?", "robert@acme.io"))


def test_cli_merge_keeps_the_name_and_take_name_takes_the_others(db_path: Path) -> None:
    runner, db = CliRunner(), str(db_path)
    for name in ("Bob", "Robert Smith", "Bob", "Robert Smith"):
        assert runner.invoke(main, ["add", name, "--db", db]).exit_code == 0
    result = runner.invoke(main, ["merge", "1", "2", "--yes", "--db", db])
    assert result.exit_code == 0, result.output
    assert "name      ◀Bob                            Robert Smith" in result.output
    assert result.output.endswith("#1 Bob: merged #2 in\n")
    result = runner.invoke(main, ["merge", "3", "4", "--take", "name", "--yes", "--db", db])
    assert result.exit_code == 0 and result.output.endswith("#3 Robert Smith: merged #4 in\n")
