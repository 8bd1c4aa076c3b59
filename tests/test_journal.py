"""`leadtui journal`: who did what across every lead, newest first, by actor
and from a moment on."""

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import ActivityKind, build_draft
from leadtui.repository import Repository, open_repository
from leadtui.repository.actor import current_actor
from tests.conftest import both_engines, both_targets


@both_engines
def test_the_journal_by_actor_and_time(repo: Repository) -> None:
    ann = repo.add_lead(build_draft(name="Ann"))  # by "tester"
    maria = Repository(repo.target, clock=repo.clock, actor="maria")
    maria.advance(ann)
    maria.update_fields(ann, {"company": "Acme"})
    hour_ago = repo.clock() - timedelta(hours=1)
    maria.log_touch(ann, ActivityKind.CALL, "pricing", at=hour_ago)
    everything = repo.journal()
    assert [(e.actor, e.type) for _, _, e in everything][-1] == ("maria", "touch")  # the oldest
    by_maria = [(lead_id, name, e.summary()) for lead_id, name, e in repo.journal(actor="maria")]
    assert by_maria[-1] == (ann, "Ann", "call: pricing")
    assert {summary for _, _, summary in by_maria} == {
        "New → Contacted", "company: — → Acme", "call: pricing",
    }  # fmt: skip
    recent = repo.journal(actor="maria", since=repo.clock() - timedelta(minutes=5))
    assert "call: pricing" not in [e.summary() for _, _, e in recent] and len(recent) == 2
    assert repo.journal(actor="nobody") == []
    assert len(repo.journal(limit=2)) == 2


def test_cli_journal(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    runner = CliRunner()
    runner.invoke(main, ["add", "Ann", "--db", db])
    runner.invoke(main, ["set", "1", "company", "Acme", "--db", db])
    result = runner.invoke(main, ["journal", "--db", db])
    # (Both in the same second: their order between them is not defined.)
    lines = sorted(line.split("  ", 2)[2].strip() for line in result.output.splitlines())
    assert result.exit_code == 0
    assert lines == [
        "#1 Ann: company: — → Acme", "#1 Ann: created → New",
    ]  # fmt: skip
    result = runner.invoke(main, ["journal", "--actor", "nobody", "--db", db])
    # Nothing, and a mistyped name must not read as someone who did nothing.
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines() == [
        f"warning: no journal line has actor 'nobody'; actors: {current_actor()}"
    ]
    result = runner.invoke(main, ["journal", "--actor", current_actor().upper(), "--db", db])
    assert result.stderr.startswith("warning: no journal line has actor")  # exact, as it filters
    empty = str(tmp_path / "empty.db")
    open_repository(empty)  # journal only reads: it creates none
    result = runner.invoke(main, ["journal", "--actor", "ben", "--db", empty])
    assert result.stderr == "warning: no journal line has actor 'ben': the journal is empty\n"
    result = runner.invoke(main, ["journal", "--since", "someday", "--db", db])
    assert result.exit_code == 1 and "not a time" in result.output


def test_show_and_journal_print_one_line_an_entry(tmp_path: Path) -> None:
    """A touch's note and the notes field may hold line breaks: the text
    output joins them, so a script reading one entry a line still can."""
    db = str(tmp_path / "lines.db")
    runner = CliRunner()
    for args in (
        ["add", "Ann"],
        ["log", "1", "--kind", "call", "--note", "first\nsecond\r\nthird"],
        ["set", "1", "notes", "one\ntwo"],
    ):
        assert runner.invoke(main, [*args, "--db", db]).exit_code == 0
    journal = runner.invoke(main, ["journal", "--db", db]).output.splitlines()
    assert len(journal) == 3 and all(line[:4].isdigit() for line in journal), journal
    assert journal[0].endswith("#1 Ann: notes: — → one two")
    assert journal[1].endswith("#1 Ann: call: first second third")
    shown = runner.invoke(main, ["show", "1", "--db", db]).output
    history = shown.split("History:\n")[1].splitlines()
    assert len(history) == 3 and all(line.startswith("  20") for line in history), history
    whole = runner.invoke(main, ["journal", "--json", "--db", db]).output
    assert "first\\nsecond\\nthird" in whole  # the JSON keeps the note as written


@both_targets
def test_a_cut_journal_says_how_many_more_and_until_reaches_them(db_target: Path | str) -> None:
    """--limit 50 printed 50 of 5,239 lines with no word of the rest, and
    the oldest were out of reach: the list ends with how many more (on
    stderr, so --json stays an array), and --until reads before a moment."""
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    for days in (3, 2, 1):  # "created" lines, a day apart
        early = open_repository(db_target, clock=partial(max, [now - timedelta(days=days)]))
        early.add_lead(build_draft(name=f"Lead {days}d"))
    runner = CliRunner()
    db = str(db_target)
    result = runner.invoke(main, ["journal", "--limit", "2", "--db", db])
    assert [line.split(": ")[0][-10:] for line in result.stdout.splitlines()] == [
        "#3 Lead 1d", "#2 Lead 2d",
    ]  # fmt: skip
    assert result.stderr == "… and 1 more (--limit N shows more; --until WHEN the older ones)\n"
    result = runner.invoke(main, ["journal", "--limit", "1", "--json", "--db", db])
    assert [line["lead"] for line in json.loads(result.stdout)] == ["Lead 1d"]
    assert result.stderr.startswith("… and 2 more")
    older = ["journal", "--until", "2026-11-17T13:00:00Z", "--db", db]
    result = runner.invoke(main, older)
    assert (result.stdout.count("\n"), result.stderr) == (1, "")
    assert "#1 Lead 3d" in result.stdout
    result = runner.invoke(main, ["journal", "--limit", "3", "--db", db])
    assert result.stderr == ""  # not cut: nothing to say
    result = runner.invoke(main, ["journal", "--since", "1d", "--until", "2d", "--db", db])
    assert (result.exit_code, result.output) == (1, "Error: --until must be after --since\n")
