"""Duplicates across the database, and merging two leads into one: the
fuller value wins unless the rep picks, everything attached moves over, the
merge is one journaled transaction; from the CLI and the palette."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.errors import InvalidInput, LeadNotFound, StaleLead
from leadtui.domain.merge_plan import choices, joined_notes, merged_fields
from leadtui.domain.models import ActivityKind, Lead, Source, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.merge import DupesScreen, MergeScreen
from tests.conftest import both_clis_full, both_engines, query_plan
from tests.tui_helpers import SIZE, settle, wait_until


def two_janes(repo: Repository) -> tuple[int, int]:
    keep = repo.add_lead(
        build_draft(name="Jane Doe", email="jane@acme.io", company="Acme", value_cents="5k",
                    notes="Met at expo")
    )  # fmt: skip
    other = repo.add_lead(
        build_draft(name="Jane D.", email="JANE@acme.io", title="CTO", value_cents="12k",
                    source="referral", notes="Wants a demo")
    )  # fmt: skip
    repo.log_touch(other, ActivityKind.CALL, "pricing call")
    repo.update_fields(other, {"tags": "vip", "custom.Region": "EMEA", "bant.need": "yes"})
    repo.update_fields(keep, {"custom.Region": "Europe"})
    return keep, other


@both_engines
def test_groups_join_every_reason_and_use_the_indexes(repo: Repository) -> None:
    keep, other = two_janes(repo)
    third = repo.add_lead(build_draft(name="Jay", phone="+44 20 7946 0001"))
    # The same number written another way: the same E.164 key.
    fourth = repo.add_lead(
        build_draft(name="jane doe", phone="+44 (0)20-7946-0001", company="ACME")
    )
    repo.add_lead(build_draft(name="Someone Else", email="else@x.io"))
    [(why, leads)] = repo.duplicate_groups()
    assert [lead.id for lead in leads] == [keep, other, third, fourth]
    assert why == "same email, same phone, same name and company"
    if repo.engine.dialect.name != "SQLite":  # the plans below are SQLite's
        return
    for key, index in (("lower(email)", "leads_email_key"), ("phone_key", "leads_phone_key")):
        column = "email" if key == "lower(email)" else key
        plan = query_plan(
            repo.path,
            f"SELECT group_concat(id) FROM leads WHERE {column} IS NOT NULL GROUP BY {key}"
            " HAVING count(*) > 1",
        )
        assert index in plan and "TEMP B-TREE" not in plan


@both_engines
def test_a_merge_keeps_the_fuller_values_and_moves_everything(repo: Repository) -> None:
    keep, other = two_janes(repo)
    lead = repo.merge_leads(keep, other)
    assert (lead.name, lead.email, lead.title, lead.company) == (
        "Jane Doe", "jane@acme.io", "CTO", "Acme",
    )  # fmt: skip
    assert (lead.value_cents, lead.source) == (1_200_000, Source.REFERRAL)  # larger, known
    assert lead.notes == "Met at expo\nWants a demo"
    assert lead.tags == ["vip"] and lead.custom == {"Region": "Europe"}  # the kept lead's wins
    assert lead.bant_answer("need").answer.value == "yes"
    assert lead.last_touch_at is not None
    history = [e.summary() for e in repo.history(keep)]
    assert history[0] == f"merged in: — → #{other} Jane D."
    assert "call: pricing call" in history and history.count("created → New") == 2
    with pytest.raises(LeadNotFound):
        repo.get_lead(other)
    assert repo.duplicate_groups() == []


@both_engines
def test_a_merge_keeps_the_kept_leads_own_contact_owner_and_judgement(repo: Repository) -> None:
    """Longer is not fuller for these: the kept lead's own email, phone,
    company, owner, source and fit stay; the other's email and phone become
    secondary contacts."""
    keep = repo.add_lead(
        build_draft(name="Kim Lee", email="kim@acme.io", phone="020 7946 0001", company="Acme",
                    owner="dev", source="event", value_cents="5k")
    )  # fmt: skip
    other = repo.add_lead(
        build_draft(name="Kim Lee", email="kim.lee.old@gmail.com", phone="+1 415 555 0100",
                    company="Acme Holdings", owner="carla", source="referral", title="CTO")
    )  # fmt: skip
    repo.update_fields(keep, {"fit": "high"})
    repo.update_fields(other, {"fit": "medium"})
    lead = repo.merge_leads(keep, other)
    assert (lead.email, lead.phone, lead.company, lead.owner) == (
        "kim@acme.io", "020 7946 0001", "Acme", "dev",
    )  # fmt: skip
    assert (lead.source, lead.fit.value, lead.title) == (Source.EVENT, "high", "CTO")
    assert [(c.kind, c.value) for c in lead.contacts] == [
        ("email", "kim.lee.old@gmail.com"), ("phone", "+1 415 555 0100"),
    ]  # fmt: skip


def test_the_other_leads_contact_and_owner_fill_only_what_the_kept_lead_lacks() -> None:
    base = Lead.model_validate(
        {"id": 1, "name": "N", "email": None, "phone": None, "company": None, "title": None,
         "source": "other", "owner": None, "stage": "new", "temperature": "cold", "score": 0,
         "value_cents": 0, "lost_reason": None, "notes": "",
         "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00",
         "version": 1}
    )  # fmt: skip
    other = base.model_copy(
        update={"id": 2, "email": "a@b.io", "phone": "555 0100 200", "company": "Acme",
                "owner": "carla", "source": Source.REFERRAL}
    )  # fmt: skip
    assert merged_fields(base, other) == {
        "email": "a@b.io", "phone": "555 0100 200", "company": "Acme", "owner": "carla",
        "source": "referral",
    }  # fmt: skip
    # ...and the rep can still take the other's over the kept lead's own.
    mine = other.model_copy(update={"id": 1, "owner": "dev"})
    assert merged_fields(mine, other) == {}
    assert merged_fields(mine, other, {"owner": "other"}) == {"owner": "carla"}


@both_engines
def test_the_reps_picks_win_over_the_default(repo: Repository) -> None:
    keep, other = two_janes(repo)
    lead = repo.merge_leads(keep, other, picks={"name": "other", "value": "keep"})
    assert (lead.name, lead.value_cents) == ("Jane D.", 500_000)


@both_engines
def test_a_merge_of_changed_leads_or_of_a_lead_with_itself_is_refused(repo: Repository) -> None:
    keep, other = two_janes(repo)
    seen = (repo.get_lead(keep), repo.get_lead(other))
    repo.update_fields(other, {"phone": "555 0100 200"})
    with pytest.raises(StaleLead, match="changed since you compared them"):
        repo.merge_leads(keep, other, seen=seen)
    with pytest.raises(InvalidInput, match="cannot be merged into itself"):
        repo.merge_leads(keep, keep)
    assert repo.get_lead(other).phone == "555 0100 200"  # nothing merged


texts = st.text(alphabet="abc xyz", max_size=12).map(str.strip)


@given(keep=texts, other=texts)
def test_the_default_never_drops_a_value_for_nothing(keep: str, other: str) -> None:
    base = Lead.model_validate(
        {"id": 1, "name": "N", "email": None, "phone": None, "company": None,
         "title": keep or None, "source": "other", "owner": None, "stage": "new",
         "temperature": "cold", "score": 0, "value_cents": 0, "lost_reason": None,
         "notes": keep, "created_at": "2026-01-01T00:00:00+00:00",
         "updated_at": "2026-01-01T00:00:00+00:00", "version": 1}
    )  # fmt: skip
    second = base.model_copy(update={"id": 2, "title": other or None, "notes": other})
    wanted = merged_fields(base, second)
    title = wanted.get("title", base.title or "")
    assert title == (keep if len(keep) >= len(other) else other)
    notes = wanted.get("notes", base.notes)
    assert keep in notes and other in notes
    assert joined_notes(notes, other) == notes  # merging again adds nothing
    assert all(c.default in ("keep", "other") for c in choices(base, second))


@both_clis_full
def test_cli_dupes_and_merge(db: str) -> None:
    runner = CliRunner()
    runner.invoke(main, ["add", "Jane Doe", "--email", "jane@acme.io", "--db", db])
    runner.invoke(main, ["add", "Jane D.", "--email", "Jane@Acme.io", "--title", "CTO", "--db", db])
    result = runner.invoke(main, ["dupes", "--db", db])
    assert result.output.splitlines()[0] == "same email:"
    assert "#1       Jane Doe (New) jane@acme.io" in result.output
    result = runner.invoke(main, ["merge", "1", "2", "--db", db])  # not a terminal: no asking
    assert result.exit_code == 1 and "pass --yes to confirm" in result.output
    assert "title      —                             ▶CTO" in result.output
    result = runner.invoke(main, ["merge", "1", "2", "--take", "name", "--yes", "--db", db])
    assert result.exit_code == 0 and result.output.endswith("#1 Jane D.: merged #2 in\n")
    assert runner.invoke(main, ["dupes", "--db", db]).output == "no likely duplicates\n"
    result = runner.invoke(main, ["merge", "1", "3", "--take", "colour", "--yes", "--db", db])
    assert result.exit_code == 1 and "not a merge field: colour" in result.output


def test_cli_merge_refuses_a_field_both_taken_and_kept(db_path: Path) -> None:
    runner, db = CliRunner(), str(db_path)
    runner.invoke(main, ["add", "Jane Doe", "--email", "jane@acme.io", "--db", db])
    runner.invoke(main, ["add", "Jane D.", "--email", "jane@old.io", "--db", db])
    result = runner.invoke(
        main,
        ["merge", "1", "2", "--take", "name", "--take", "email", "--keep", "title",
         "--keep", "email", "--keep", "name", "--yes", "--db", db],
    )  # fmt: skip
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: both --take and --keep: email, name (try ")
    assert result.stderr.count("\n") == 1  # one line
    assert runner.invoke(main, ["show", "2", "--db", db]).exit_code == 0  # nothing merged


def test_cli_merge_keeps_the_kept_leads_owner_and_email_by_default(db_path: Path) -> None:
    """The tester's steps: #1 stays dev's, written to at kim@acme.io."""
    runner, db = CliRunner(), str(db_path)
    runner.invoke(main, ["add", "Kim Lee", "--company", "Acme", "--email", "kim@acme.io",
                         "--owner", "dev", "--value", "5k", "--db", db])  # fmt: skip
    runner.invoke(main, ["add", "Kim Lee", "--company", "Acme", "--email",
                         "kim.lee.old@gmail.com", "--owner", "carla", "--db", db])  # fmt: skip
    result = runner.invoke(main, ["merge", "1", "2", "--yes", "--db", db])
    assert result.exit_code == 0
    assert "email     ◀kim@acme.io                    kim.lee.old@gmail.com" in result.output
    assert "owner     ◀dev                            carla" in result.output
    shown = runner.invoke(main, ["show", "1", "--json", "--db", db]).output
    lead = json.loads(shown)
    assert (lead["owner"], lead["email"]) == ("dev", "kim@acme.io")
    assert lead["contacts"] == [{"kind": "email", "value": "kim.lee.old@gmail.com"}]


@pytest.mark.slow
async def test_the_palette_finds_duplicates_and_merges_them(repo: Repository) -> None:
    keep, _ = two_janes(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Find duplicates")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DupesScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MergeScreen))
        # Rows: name, email, company, title, source, value; keep the 5,000.
        await pilot.press("down", "down", "down", "down", "down", "left")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(list(repo.all_leads())) == 1)
        lead = repo.get_lead(keep)
        assert (lead.title, lead.value_cents) == ("CTO", 500_000)


def test_cli_merge_of_a_lead_into_itself_prints_nothing_but_the_refusal(db_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["add", "Jane Doe", "--db", str(db_path)])
    result = runner.invoke(main, ["merge", "1", "1", "--yes", "--db", str(db_path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "Error: a lead cannot be merged into itself\n"
