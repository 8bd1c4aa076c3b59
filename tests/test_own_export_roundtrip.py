"""leadtui's own export, imported into an empty file, gives the same leads:
a won or lost lead closes when it closed (not at its last touch), an open
one entered its stage when it did, a merge's secondary contacts stay
contacts (found by `/`), custom fields stay custom fields, and the KPI
report for a window is the same, from JSON and from CSV alike."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.models import ActivityKind, Lead
from leadtui.repository import open_repository
from leadtui.usecases.importing import plan_import, run_import

# What an import sets itself: the new file's ids, its edit counters, and
# the moment of the import.
NOT_CARRIED = {"id", "updated_at", "version"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A file whose leads were created on 1 August 2026 and moved on known
    days: Ann won on 12 November (Ann's old address merged in on 5
    September), Bob lost on 30 August, Cy contacted on 20 November (and a
    touch logged on him by mistake, undone), Dee lost and reopened, with
    touches along the way."""
    folder = tmp_path_factory.mktemp("own")
    moment = [datetime(2026, 8, 1, 9, 0, tzinfo=UTC)]

    def on(month: int, day: int, hour: int = 10) -> None:
        moment[0] = datetime(2026, month, day, hour, 30, tzinfo=UTC)

    repo = open_repository(folder / "x.db", actor="anna", clock=lambda: moment[0])
    seed = folder / "seed.jsonl"
    rows = [
        {"name": "Ann Lee", "email": "ann@example.com", "company": "Acme", "value": "10000",
         "region": "north"},
        {"name": "Bob Ray", "email": "bob@example.com", "company": "Beta", "value": "20000",
         "region": "south"},
        {"name": "Cy Dee", "email": "cy@example.com", "phone": "+44 20 7946 0001",
         "value": "5000"},
        {"name": "Ann Lee", "email": "ann.old@example.com", "phone": "+1 555 0100",
         "company": "Acme"},
        {"name": "Dee Fox", "email": "dee@example.com", "value": "7000"},
    ]  # fmt: skip
    seed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    run_import(repo, plan_import(seed))
    on(8, 10)
    repo.log_touch(1, ActivityKind.CALL, "first call", "outbound", body="long text")
    on(8, 12)
    repo.advance(1)
    repo.advance(2)
    on(8, 20)
    repo.log_touch(2, ActivityKind.EMAIL, "sent deck")
    on(8, 30, 15)
    repo.lose(2, "price")
    on(9, 5)
    repo.merge_leads(1, 4)
    on(11, 12)
    repo.win(1)
    on(11, 20)
    repo.advance(3)
    repo.log_touch(3, ActivityKind.MEETING, "demo", body="minutes")
    on(11, 21)
    repo.log_touch(3, ActivityKind.EMAIL, "wrong lead")
    repo.undo()  # a touch taken back: in the history as undone, in no count
    on(11, 25)
    repo.lose(5, "timing")
    on(11, 26)
    repo.reopen(5)
    yield folder


def compared(lead: Lead) -> dict[str, object]:
    return {k: v for k, v in lead.model_dump().items() if k not in NOT_CARRIED}


def kpi(db: Path | str) -> object:
    result = run("kpi", "--since", "2026-08-01", "--until", "2026-12-04", "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def history(db: Path | str, lead_id: int) -> list[dict[str, object]]:
    """A lead's history, less what no import keeps: which lines an undo or a
    redo wrote (a touch's such line is left out; the touch says `undone`)."""
    lines = []
    for entry in open_repository(db).history(lead_id):
        if not (entry.type == "touch" and entry.action):
            lines.append({k: v for k, v in entry.export_dict().items() if k != "action"})
    return lines


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_own_export_imports_back_as_it_was(source: Path, fmt: str) -> None:
    original, exported = source / "x.db", source / f"out.{fmt}"
    copy = source / f"copy-{fmt}.db"
    result = run(
        "export", "--with-history", "--output", str(exported), "--force", "--db", str(original)
    )
    assert result.exit_code == 0, result.output
    result = run("import", str(exported), "--db", str(copy))
    assert result.exit_code == 0, result.output
    before = list(open_repository(original).all_leads(custom=True))
    after = list(open_repository(copy).all_leads(custom=True))
    assert [compared(lead) for lead in after] == [compared(lead) for lead in before]
    ann = after[0]
    assert ann.stage_entered_at == datetime(2026, 11, 12, 10, 30, tzinfo=UTC)
    assert after[1].stage_entered_at == datetime(2026, 8, 30, 15, 30, tzinfo=UTC)
    assert [(c.kind, c.value) for c in ann.contacts] == [("email", "ann.old@example.com")]
    assert kpi(copy) == kpi(original)
    for old, new in zip(before, after, strict=True):
        assert history(copy, new.id) == history(original, old.id)
    found = run("search", "ann.old@example.com", "--db", str(copy))
    assert found.exit_code == 0 and "Ann Lee" in found.output, found.output


def test_the_summary_says_how_much_history_came_in(source: Path) -> None:
    exported = source / "said.json"
    run("export", "--with-history", "--output", str(exported), "--db", str(source / "x.db"))
    result = run("import", str(exported), "--db", str(source / "said.db"), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = sum(len(lead["history"]) for lead in json.loads(exported.read_text("utf-8")))
    said = f"history: {lines:,} lines (stage changes, touches, edits) read with their leads"
    assert said in result.output
    result = run("import", str(exported), "--db", str(source / "said.db"), "--dry-run", "--json")
    assert json.loads(result.output)["history_lines"] == lines


def import_rows(folder: Path, name: str, rows: list[dict[str, object]]) -> list[Lead]:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = run("import", str(path), "--db", str(folder / f"{name}.db"))
    assert result.exit_code == 0, result.output
    return list(open_repository(folder / f"{name}.db").all_leads(custom=True))


OWN = {"temperature_pinned": False, "win_chance": None, "value_cents": 0}


def test_what_is_not_a_contact_or_a_history_stays_as_text(tmp_path: Path) -> None:
    """Another system's "contacts" and "history" mean what they mean there;
    a cell of leadtui's own that is not well formed is kept, not dropped."""
    foreign = import_rows(
        tmp_path, "foreign.jsonl", [{"name": "A", "contacts": "3 people", "history": "long"}]
    )
    assert foreign[0].custom == {"contacts": "3 people", "history": "long"}
    assert foreign[0].contacts == []
    own = import_rows(
        tmp_path,
        "own.jsonl",
        [{**OWN, "name": "B", "other_emails": "b@example.com, not an email",
          "history": [{"type": "touch", "at": "2026-08-01T09:00:00+00:00", "actor": "x"}]}],
    )  # fmt: skip
    assert own[0].contacts == []
    assert own[0].custom == {  # a touch of no kind is no touch leadtui wrote
        "other_emails": "b@example.com, not an email",
        "history": '[{"type": "touch", "at": "2026-08-01T09:00:00+00:00", "actor": "x"}]',
    }


def test_a_history_that_does_not_lead_to_the_stage_keeps_the_import_s_own(
    tmp_path: Path,
) -> None:
    """Stage lines that end elsewhere than the lead's stage (a history cut
    short, or edited) are not written: the lead is created, then moved to
    its stage, as any import's; its touches still come in."""
    touch = {"type": "touch", "at": "2026-08-02T10:00:00+00:00", "actor": "ann", "kind": "call",
             "direction": None, "note": "hello", "body": ""}  # fmt: skip
    moved = {"type": "stage_change", "at": "2026-08-03T10:00:00+00:00", "actor": "ann",
             "from": "new", "to": "contacted", "reason": None}  # fmt: skip
    leads = import_rows(
        tmp_path,
        "cut.jsonl",
        [{**OWN, "name": "C", "stage": "won", "created_at": "2026-08-01T09:00:00+00:00",
          "stage_entered_at": "2026-08-05T09:00:00+00:00", "history": [touch, moved]}],
    )  # fmt: skip
    lines = [entry.summary() for entry in open_repository(tmp_path / "cut.jsonl.db").history(
        leads[0].id
    )]  # fmt: skip
    assert leads[0].stage_entered_at == datetime(2026, 8, 5, 9, 0, tzinfo=UTC)
    assert len(lines) == 3 and "call: hello" in lines[1], lines


@pytest.mark.parametrize(
    "db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_own_export_imports_back_on_either_engine(source: Path, db: str, fmt: str) -> None:
    exported = source / f"engines.{fmt}"
    result = run(
        "export",
        "--with-history",
        "--output",
        str(exported),
        "--force",
        "--db",
        str(source / "x.db"),
    )
    assert result.exit_code == 0, result.output
    result = run("import", str(exported), "--db", db)
    assert result.exit_code == 0, result.output
    before = list(open_repository(source / "x.db").all_leads(custom=True))
    after = list(open_repository(db).all_leads(custom=True))
    assert [compared(lead) for lead in after] == [compared(lead) for lead in before]
    assert kpi(db) == kpi(str(source / "x.db"))
    for old, new in zip(before, after, strict=True):
        assert history(db, new.id) == history(source / "x.db", old.id)
