"""A merge keeps everything: the email and phone it did not choose stay as
secondary contacts (shown, searchable, journaled), and the merged-away
lead's id is never given to another lead, even after a restart."""

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository
from leadtui.repository.dupes_store import SECONDARY_GROUPS, SECONDARY_KEYS
from tests.conftest import both_clis_full, both_engines, frozen_clock, query_plan


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


@both_clis_full
def test_two_leads_with_different_emails_merge_keeping_both_and_both_are_found(
    db: str,
) -> None:
    keep = ok("add", "Ann Lee", "--email", "ann@acme.io", "--phone", "+44 20 7946 0001",
              "--company", "Acme", "--db", db).strip()  # fmt: skip
    other = ok("add", "Ann Lee", "--email", "ann.lee@oldjob.com", "--phone", "+1 415 555 0100",
               "--company", "Acme", "--db", db).strip()  # fmt: skip
    ok("merge", keep, other, "--yes", "--keep", "email", "--db", db)
    shown = json.loads(ok("show", keep, "--json", "--db", db))
    assert (shown["email"], shown["phone"]) == ("ann@acme.io", "+44 20 7946 0001")
    assert shown["contacts"] == [
        {"kind": "email", "value": "ann.lee@oldjob.com"},
        {"kind": "phone", "value": "+1 415 555 0100"},
    ]
    history = [(e.get("field"), e.get("new")) for e in shown["history"]]
    assert ("secondary email", "ann.lee@oldjob.com") in history
    assert ("merged in", f"#{other} Ann Lee") in history
    text = ok("show", keep, "--db", db)
    assert "Also:        email ann.lee@oldjob.com, phone +1 415 555 0100" in text
    # Both emails find the lead, by `leadtui search` and by the TUI's search.
    for words in ("ann@acme", "oldjob", "ann.lee", "415 555"):
        found = json.loads(ok("search", words, "--json", "--db", db))
        assert [lead["id"] for lead in found] == [int(keep)], words
    assert f"{keep}  new         Ann Lee" in ok("search", "oldjob", "--db", db)


@both_clis_full
def test_the_next_lead_gets_a_new_id_after_the_highest_was_merged_away(db: str) -> None:
    keep = ok("add", "Ann Lee", "--email", "ann@acme.io", "--db", db).strip()
    other = ok("add", "Ann L.", "--email", "ann@oldjob.com", "--db", db).strip()
    ok("merge", keep, other, "--yes", "--db", db)
    # A new process: nothing held in memory carries the id over.
    new = ok("add", "Bob Roe", "--db", db).strip()
    assert int(new) > int(other)
    shown = json.loads(ok("show", keep, "--json", "--db", db))
    assert any(e.get("new") == f"#{other} Ann L." for e in shown["history"])
    assert "no lead with id" in run("show", other, "--db", db).output


@both_clis_full
def test_an_import_after_a_merge_reuses_no_id(db: str, tmp_path: Path) -> None:
    ok("add", "Ann Lee", "--email", "ann@acme.io", "--db", db)
    other = ok("add", "Ann L.", "--email", "ann@oldjob.com", "--db", db).strip()
    ok("merge", "1", other, "--yes", "--db", db)
    source = tmp_path / "in.csv"
    source.write_text("name,email\nCy Doe,cy@x.io\n", encoding="utf-8")
    ok("import", str(source), "--db", db)
    ids = [lead["id"] for lead in json.loads(ok("list", "--json", "--db", db))]
    assert ids == [1, int(other) + 1]


def test_plain_sql_deletes_raise_the_floor_too(db_path: Path) -> None:
    repo = open_repository(db_path, actor="tester", clock=frozen_clock)
    first = repo.add_lead(build_draft(name="A"))
    second = repo.add_lead(build_draft(name="B"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM journal WHERE lead_id = ?", [second])
        conn.execute("DELETE FROM leads WHERE id = ?", [second])
    assert repo.add_lead(build_draft(name="C")) == second + 1 > first


@both_engines
def test_the_same_email_or_phone_is_not_kept_twice(repo: Repository) -> None:
    keep = repo.add_lead(build_draft(name="Ann", email="Ann@Acme.io", phone="+44 20 7946 0001"))
    other = repo.add_lead(build_draft(name="Ann", email="ann@acme.io", phone="+44 (0)20 7946 0001"))
    lead = repo.merge_leads(keep, other)
    assert lead.contacts == []


@both_engines
def test_the_email_given_up_by_the_kept_lead_is_kept_too(repo: Repository) -> None:
    keep = repo.add_lead(build_draft(name="Ann", email="ann@old.io"))
    other = repo.add_lead(build_draft(name="Ann", email="ann@new-company.io"))
    lead = repo.merge_leads(keep, other, picks={"email": "other"})
    assert lead.email == "ann@new-company.io"
    assert [(c.kind, c.value) for c in lead.contacts] == [("email", "ann@old.io")]


@both_engines
def test_contacts_follow_a_second_merge_and_count_as_duplicates(repo: Repository) -> None:
    first = repo.add_lead(build_draft(name="Ann", email="ann@a.io"))
    second = repo.add_lead(build_draft(name="Ann", email="ann@b.io"))
    third = repo.add_lead(build_draft(name="Ann", email="ann@c.io"))
    repo.merge_leads(second, third)
    lead = repo.merge_leads(first, second)
    assert sorted(c.value for c in lead.contacts) == ["ann@b.io", "ann@c.io"]
    [(found, why)] = repo.possible_duplicates(email="ANN@c.io")
    assert (found.id, why) == (first, "same email (secondary)")
    assert [found.id for found in repo.search("ann@c")] == [first]


@both_engines
def test_duplicates_include_the_emails_and_phones_a_merge_kept(repo: Repository) -> None:
    """A lead added later with an email or phone a merge kept as another's
    secondary contact is listed with it, ranked as the quick-add ranks it."""
    repo.set_phone_region("GB")
    keep = repo.add_lead(build_draft(name="Rae Roe", email="rae@acme.io", phone="020 7946 0001"))
    other = repo.add_lead(build_draft(name="R. Roe", email="r@r.io", phone="07700 900666"))
    repo.merge_leads(keep, other)
    assert repo.duplicate_groups() == []
    by_email = repo.add_lead(build_draft(name="C3", email="R@r.io"))
    by_phone = repo.add_lead(build_draft(name="C4", phone="+44 7700 900666"))
    repo.add_lead(build_draft(name="C5", email="c5@x.io"))  # alone
    [(why, leads)] = repo.duplicate_groups()
    assert why == "same email (secondary), same phone (secondary)"
    assert [lead.id for lead in leads] == [keep, by_email, by_phone]
    # Two leads that kept the same contact are one person too.
    third = repo.add_lead(build_draft(name="Ann", email="ann@a.io"))
    fourth = repo.add_lead(build_draft(name="Ann", email="ann@gone.io"))
    repo.merge_leads(third, fourth)
    fifth = repo.add_lead(build_draft(name="Ann", email="ann@b.io"))
    sixth = repo.add_lead(build_draft(name="Ann", email="ANN@gone.io"))
    repo.merge_leads(fifth, sixth)
    assert [(why, [lead.id for lead in leads]) for why, leads in repo.duplicate_groups()] == [
        ("same email (secondary)", [third, fifth]),
        ("same email (secondary), same phone (secondary)", [keep, by_email, by_phone]),
    ]  # `alone` in none
    if repo.engine.dialect.name != "SQLite":  # the plans below are SQLite's
        return
    for _, kind, own in SECONDARY_KEYS:
        sql = SECONDARY_GROUPS.format(id_list="group_concat(id)", kind=kind, own=own)
        plan = query_plan(repo.path, sql.replace("LIMIT ?", "LIMIT 200"))
        # Read from the contacts' index, each probing the leads' key index.
        assert "contacts_key" in plan and "SCAN l" not in plan, plan


def test_cli_dupes_lists_a_lead_with_a_kept_email_or_phone(db_path: Path) -> None:
    """The tester's steps."""
    db = str(db_path)
    ok("add", "Rae Roe", "--email", "rae@acme.io", "--phone", "020 7946 0001", "--db", db)
    ok("add", "R. Roe", "--email", "r@r.io", "--phone", "07700 900666", "--db", db)
    ok("merge", "1", "2", "--yes", "--db", db)
    ok("add", "C3", "--email", "r@r.io", "--db", db)
    ok("add", "C4", "--phone", "07700 900666", "--db", db)
    assert ok("dupes", "--db", db).splitlines() == [
        "same email (secondary), same phone (secondary):",
        "  #1       Rae Roe (New) rae@acme.io 020 7946 0001",
        "  #3       C3 (New) r@r.io",
        "  #4       C4 (New) 07700 900666",
    ]


@both_clis_full
def test_an_import_finds_the_emails_and_phones_a_merge_kept(db: str, tmp_path: Path) -> None:
    """Re-importing an old list must not bring back a person merged away."""
    ok("setting", "region", "GB", "--db", db)
    ok("add", "Rae Roe", "--email", "rae@acme.io", "--phone", "020 7946 0001", "--db", db)
    ok("add", "R. Roe", "--email", "r@r.io", "--phone", "07700 900666", "--db", db)
    ok("merge", "1", "2", "--yes", "--db", db)
    ok("add", "Bo Eng", "--phone", "020 7946 0999", "--db", db)  # #3
    source = tmp_path / "old.csv"
    source.write_text(
        "name,email,phone\n"
        "R. Roe,R@R.io,\n"  # the kept email, any case
        "Rae,,+44 7700 900666\n"  # the kept phone, written another way
        "Bo,r@r.io,020 7946 0999\n"  # #3's own phone ranks before #1's kept email
        "New Person,new@x.io,\n",
        encoding="utf-8",
    )
    result = run("import", str(source), "--dry-run", "--db", db)
    assert "would import 1" in result.output and "skipped 3 duplicates" in result.output
    assert "line 2: duplicate of lead #1 (same email (secondary))" in result.output
    assert "line 3: duplicate of lead #1 (same phone (secondary))" in result.output
    assert "line 4: duplicate of lead #3 (same phone)" in result.output
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert "imported 1, merged 3" in result.output, result.output
    assert [lead["id"] for lead in json.loads(ok("list", "--json", "--db", db))] == [1, 3, 4]
