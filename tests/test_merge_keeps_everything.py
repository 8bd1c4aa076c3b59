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
from tests.conftest import both_clis_full, both_engines, frozen_clock


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
