"""`leadtui import --on-duplicate merge` keeps everything a row said (issue
16): a differing email or phone and the row's own secondary contacts become
the lead's secondary contacts; what the lead kept its own value for is in
the rejects file, named with what was kept; an own export's touches the
lead lacks are added, its other history named; a dry run says the same.
The quick-add's merge keeps a differing email or phone too."""

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.models import Lead, LeadDraft
from leadtui.repository import Repository, import_store, open_repository
from tests.conftest import both_clis, both_engines


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def write_jsonl(path: Path, rows: Sequence[Mapping[str, object]]) -> Path:
    return write(path, "".join(json.dumps(row) + "\n" for row in rows))


def rejects(path: Path) -> dict[int, list[str]]:
    """The rejects file's rows by line: reason, then the row as read."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    return {int(row[0]): row[1:] for row in rows[1:]}


def lead(db: str, lead_id: int) -> Lead:
    return next(lead for lead in open_repository(db).all_leads(custom=True) if lead.id == lead_id)


def contacts(db: str, lead_id: int) -> set[tuple[str, str]]:
    return {(contact.kind, contact.value) for contact in lead(db, lead_id).contacts}


@both_clis
def test_a_differing_email_or_phone_becomes_a_secondary_contact(db: str, tmp_path: Path) -> None:
    assert run("add", "Ann Lee", "--email", "ann@x.com", "--phone", "+1 555 010 0100",
               "--db", db).exit_code == 0  # fmt: skip
    assert run("add", "Bob Roe", "--email", "bob@x.com", "--phone", "+1 555 010 0199",
               "--db", db).exit_code == 0  # fmt: skip
    source = write(
        tmp_path / "d.csv",
        "Name,Email,Phone\n"
        "Ann Lee,ann@x.com,+1 555 010 0111\n"
        "Bob Roe,bob@other.io,1-555-010-0199\n",
    )
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    assert "imported 0, merged 2, skipped 0 duplicates, rejected 0" in result.output
    assert "rejects" not in result.output  # nothing left out: no rejects file
    assert not (tmp_path / "d.rejects.csv").exists()
    assert contacts(db, 1) == {("phone", "+1 555 010 0111")}
    assert contacts(db, 2) == {("email", "bob@other.io")}
    assert (lead(db, 2).email, lead(db, 1).phone) == ("bob@x.com", "+1 555 010 0100")
    found = run("search", "bob@other.io", "--db", db)
    assert "Bob Roe" in found.output, found.output
    # The kept contact is a key of the duplicate check from now on.
    again = write(tmp_path / "e.csv", "Name,Email\nRobert,bob@other.io\n")
    assert (
        "duplicate of lead #2 (same email (secondary))"
        in run("import", str(again), "--db", db).output
    )


@both_clis
def test_values_the_lead_kept_are_in_the_rejects_file_with_what_was_kept(
    db: str, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "a.csv", "Name,Email,Company,Region,Title\nAnn Lee,ann@x.com,Acme,APAC,\n"
    )
    assert run("import", str(first), "--db", db).exit_code == 0
    source = write(
        tmp_path / "d.csv",
        "Name,Email,Company,Region,Title\n"
        "Ann Lee,ann@x.com,Acme Ltd,EMEA,CTO\n"
        "Ann Lee,ann@x.com,Acme,APAC,CTO\n",
    )
    reason = (
        "merged into #1 (same email); not taken: company 'Acme Ltd' (kept 'Acme'),"
        " custom.Region 'EMEA' (kept 'APAC')"
    )
    # A dry run says so, and writes nothing.
    preview = run("import", str(source), "--on-duplicate", "merge", "--dry-run", "--db", db)
    assert preview.exit_code == 0, preview.output
    assert f"line 2: {reason}" in preview.output
    assert "would merge 2" in preview.output
    assert "1 merged row had values the lead kept its own for" in preview.output
    assert not (tmp_path / "d.rejects.csv").exists()
    assert lead(db, 1).title is None
    as_json = json.loads(
        run(
            "import", str(source), "--on-duplicate", "merge", "--dry-run", "--json", "--db", db
        ).output
    )
    assert as_json["merged_not_taken"] == 1 and as_json["merged"] == 2
    assert as_json["merges"][0]["not_taken"] == [
        "company 'Acme Ltd' (kept 'Acme')",
        "custom.Region 'EMEA' (kept 'APAC')",
    ]
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    assert "imported 0, merged 2, skipped 0 duplicates, rejected 0;" in result.output
    assert "1 row not imported or merged in part, with the reasons, is in" in result.output
    written = rejects(tmp_path / "d.rejects.csv")
    # The row as read, under its reason; the title the lead had not is taken.
    assert written == {2: [reason, "Ann Lee", "ann@x.com", "Acme Ltd", "EMEA", "CTO"]}
    ann = lead(db, 1)
    assert (ann.company, ann.title, ann.custom) == ("Acme", "CTO", {"Region": "APAC"})


@both_clis
def test_merge_json_counts(db: str, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "Name,Email,Company\nAnn Lee,ann@x.com,Acme\n")
    run("import", str(first), "--db", db)
    source = write(tmp_path / "d.csv", "Name,Email,Company\nAnn,ann@x.com,Acme\n")
    record = json.loads(
        run("import", str(source), "--on-duplicate", "merge", "--json", "--db", db).output
    )
    assert (record["merged"], record["merged_not_taken"]) == (1, 1)
    assert record["merges"] == [
        {"line": 2, "lead_id": 1, "why": "same email", "not_taken": ["name 'Ann' (kept 'Ann Lee')"]}
    ]
    assert record["rejects_written"] == 1


OWN: dict[str, object] = {"temperature_pinned": False, "win_chance": None, "value_cents": 0}
TOUCH = {"type": "touch", "at": "2026-08-02T10:00:00+00:00", "actor": "ann", "kind": "call",
         "direction": None, "note": "hello", "body": ""}  # fmt: skip
MOVED = {"type": "stage_change", "at": "2026-08-03T10:00:00+00:00", "actor": "ann",
         "from": "new", "to": "contacted", "reason": None}  # fmt: skip


@both_clis
def test_an_own_export_row_brings_its_contacts_and_touches(db: str, tmp_path: Path) -> None:
    assert run("add", "Ann Lee", "--email", "ann@x.com", "--db", db).exit_code == 0
    row: dict[str, object] = {
        **OWN, "name": "Ann Lee", "email": "ann@x.com", "stage": "contacted",
        "contacts": [{"kind": "email", "value": "ann@old.io"},
                     {"kind": "phone", "value": "+1 555 010 0123"}],
        "history": [TOUCH, MOVED],
    }  # fmt: skip
    source = write_jsonl(tmp_path / "own.jsonl", [row])
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    assert contacts(db, 1) == {("email", "ann@old.io"), ("phone", "+1 555 010 0123")}
    lines = [entry.summary() for entry in open_repository(db).history(1)]
    assert sum("call: hello" in line for line in lines) == 1, lines
    assert lead(db, 1).last_touch_at is not None
    reason = rejects(tmp_path / "own.rejects.csv")[1][0]
    assert reason == (
        "merged into #1 (same email); not taken: stage 'contacted' (kept 'new'),"
        " history stage new → contacted at 2026-08-03T10:00:00+00:00"
    )
    # Again: the touch is on the lead already, and is not added twice.
    run("import", str(source), "--on-duplicate", "merge", "--rejects", str(tmp_path / "r2.csv"),
        "--db", db)  # fmt: skip
    lines = [entry.summary() for entry in open_repository(db).history(1)]
    assert sum("call: hello" in line for line in lines) == 1, lines


@both_clis
def test_the_same_run_finds_a_row_by_an_earlier_row_s_secondary_contact(
    db: str, tmp_path: Path
) -> None:
    rows: list[dict[str, object]] = [
        {**OWN, "name": "Ann Lee", "email": "ann@x.com",
         "contacts": [{"kind": "email", "value": "ann@old.io"}]},
        {**OWN, "name": "Ann Lee", "email": "ann@old.io"},
    ]  # fmt: skip
    source = write_jsonl(tmp_path / "own.jsonl", rows)
    result = run("import", str(source), "--db", db)
    assert "imported 1, merged 0, skipped 1 duplicates" in result.output, result.output
    assert "line 2: duplicate of lead #1 (same email (secondary))" in result.output


@both_clis
def test_a_merge_fills_fit_and_expected_close_and_names_a_differing_fit(
    db: str, tmp_path: Path
) -> None:
    seed = write_jsonl(
        tmp_path / "a.jsonl",
        [{"name": "Ann", "email": "ann@x.com"}, {"name": "Bo", "email": "bo@x.com", "fit": "low"}],
    )
    run("import", str(seed), "--db", db)
    source = write_jsonl(
        tmp_path / "b.jsonl",
        [{"name": "Ann", "email": "ann@x.com", "fit": "high", "expected_close": "2027-01-31"},
         {"name": "Bo", "email": "bo@x.com", "fit": "high"}],
    )  # fmt: skip
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    ann = lead(db, 1)
    assert (ann.fit.value, str(ann.expected_close)) == ("high", "2027-01-31")
    reason = rejects(tmp_path / "b.rejects.csv")[2][0]
    assert reason == "merged into #2 (same email); not taken: fit 'high' (kept 'low')"


@both_engines
def test_the_quick_add_merge_keeps_a_differing_email_and_phone(repo: Repository) -> None:
    ann_id = repo.add_lead(LeadDraft(name="Ann Lee", email="ann@x.com", phone="+1 555 010 0100"))
    repo.merge_details(ann_id, LeadDraft(name="Ann", email="ann@new.io", phone="+1 555 010 0199"))
    merged = next(lead for lead in repo.all_leads(custom=True) if lead.id == ann_id)
    assert {(c.kind, c.value) for c in merged.contacts} == {
        ("email", "ann@new.io"),
        ("phone", "+1 555 010 0199"),
    }
    assert (merged.email, merged.phone) == ("ann@x.com", "+1 555 010 0100")


@both_clis
def test_a_dry_run_compares_a_merge_into_a_lead_the_same_file_creates(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(
        tmp_path / "d.csv",
        "Name,Email,Company\nAnn,ann@x.com,Acme\nBo,bo@x.com,Beta\nBo,bo@x.com,Beta Ltd\n",
    )
    said = "line 4: merged into #2 (same email); not taken: company 'Beta Ltd' (kept 'Beta')"
    preview = run("import", str(source), "--dry-run", "--on-duplicate", "merge", "--db", db)
    assert said in preview.output, preview.output
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert said in result.output and "merged 1" in result.output
    # Past the rows a dry run keeps, such a merge is counted as not compared.
    monkeypatch.setattr(import_store, "_DRY_RUN_KEPT", 1)
    other = write(
        tmp_path / "e.csv", "Name,Email,Company\nCy,cy@x.com,C\nDi,di@x.com,D\nDi,di@x.com,E\n"
    )
    record = json.loads(
        run(
            "import", str(other), "--dry-run", "--json", "--on-duplicate", "merge", "--db", db
        ).output
    )
    assert (record["merged"], record["merged_not_taken"], record["merges_unchecked"]) == (1, 0, 1)
    preview = run("import", str(other), "--dry-run", "--on-duplicate", "merge", "--db", db)
    assert "1 merge into leads of this file not compared by the dry run" in preview.output


@both_clis
def test_a_strict_run_undone_lists_no_merge_in_its_rejects(db: str, tmp_path: Path) -> None:
    """--strict and a bad row: nothing was merged, so the rejects file holds
    the bad row alone, and the summary promises no merged rows there."""
    run("import", str(write(tmp_path / "a.csv", "Name,Email,Company\nAnn,ann@x.com,Acme\n")),
        "--db", db)  # fmt: skip
    source = write(tmp_path / "d.csv", "Name,Email,Company\nAnn,ann@x.com,Beta\nBo,bad,\n")
    result = run("import", str(source), "--strict", "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 1 and "nothing imported" in result.output
    assert "had values the lead kept" not in result.output
    assert "1 row not imported, with the reasons" in result.output
    assert list(rejects(tmp_path / "d.rejects.csv")) == [3]


@both_clis
def test_a_lead_named_after_its_email_takes_the_row_s_real_name(db: str, tmp_path: Path) -> None:
    run("import", str(write(tmp_path / "a.csv", "Name,Email\n,ann@x.com\n")), "--db", db)
    assert lead(db, 1).name == "ann@x.com"
    source = write(tmp_path / "d.csv", "Name,Email\nAnn Lee,ann@x.com\nAnn L.,ann@x.com\n")
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    assert lead(db, 1).name == "Ann Lee"  # and a rep's (or a real) name is never replaced:
    assert rejects(tmp_path / "d.rejects.csv")[3][0] == (
        "merged into #1 (same email); not taken: name 'Ann L.' (kept 'Ann Lee')"
    )
    lines = [entry.summary() for entry in open_repository(db).history(1)]
    assert any("ann@x.com → Ann Lee" in line for line in lines), lines


@both_engines
def test_undo_and_redo_of_a_quick_add_merge_take_its_contacts_back_and_again(
    repo: Repository,
) -> None:
    ann_id = repo.add_lead(LeadDraft(name="Ann", email="ann@x.com", phone="+1 555 010 0100"))
    repo.merge_details(ann_id, LeadDraft(name="Ann", email="ann@new.io", company="Acme"))

    def held() -> tuple[str | None, list[tuple[str, str]], int]:
        ann = next(lead for lead in repo.all_leads(custom=True) if lead.id == ann_id)
        kept: list[tuple[str, str]] = [(c.kind, c.value) for c in ann.contacts]
        return ann.company, kept, len(repo.search("ann@new.io"))

    assert held() == ("Acme", [("email", "ann@new.io")], 1)
    assert repo.undo().verb == "Undid"
    assert held() == (None, [], 0)
    assert repo.redo().verb == "Redid"
    assert held() == ("Acme", [("email", "ann@new.io")], 1)


@both_clis
def test_a_merge_fills_a_bant_answer_not_given_and_names_one_that_differs(
    db: str, tmp_path: Path
) -> None:
    seed = write(tmp_path / "a.csv", "Name,Email,bant.need\nAnn,ann@x.com,no: no budget\n")
    run("import", str(seed), "--db", db)
    source = write(
        tmp_path / "d.csv",
        "Name,Email,bant.need,bant.budget\nAnn,ann@x.com,yes,yes: 10k approved\n",
    )
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert result.exit_code == 0, result.output
    ann = lead(db, 1)
    assert (ann.bant_answer("budget").text(), ann.bant_answer("need").text()) == (
        "yes: 10k approved",
        "no: no budget",
    )
    assert rejects(tmp_path / "d.rejects.csv")[2][0] == (
        "merged into #1 (same email); not taken: bant.need 'yes' (kept 'no: no budget')"
    )
    lines = [entry.summary() for entry in open_repository(db).history(1)]
    assert any("bant.budget" in line for line in lines), lines
