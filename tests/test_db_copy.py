"""`leadtui db copy`: a SQLite file into PostgreSQL with nothing lost and
the same ids (issue 20)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli import common as cli_common
from leadtui.cli.root import main
from leadtui.demo import build_synthetic_database
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.models import ActivityKind, Stage, build_draft
from leadtui.repository import Repository, copy_database, open_repository
from tests.conftest import NOW, frozen_clock


def _everything(repo: Repository) -> dict[str, object]:
    leads = list(repo.all_leads(custom=True))
    with repo.engine.connect() as db:
        settings = db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        actions = db.execute(
            "SELECT id, actor, at, label, kind FROM actions ORDER BY id"
        ).fetchall()
        touches = db.execute(
            "SELECT id, lead_id, kind, direction, note, body, at, actor FROM activities ORDER BY id"
        ).fetchall()
    return {
        "leads": leads,
        "histories": repo.histories(1, max(lead.id for lead in leads)),
        "journal": repo.journal(limit=10_000),
        "settings": [tuple(row) for row in settings],
        "actions": [tuple(row) for row in actions],
        "touches": [tuple(row) for row in touches],
    }


def test_a_sqlite_file_copies_into_postgresql_with_nothing_lost(
    sample_repo: Repository, pg_url: str
) -> None:
    before = sample_repo.get_lead(5)
    sample_repo.set_follow_up(5, sample_repo.clock())
    sample_repo.update_fields(5, {"custom.Region": "EMEA", "tags": "vip"})
    seen: list[tuple[int, int]] = []
    report = copy_database(sample_repo.target, pg_url, progress=lambda d, t: seen.append((d, t)))
    copied = open_repository(pg_url, actor="tester", clock=frozen_clock)
    assert report.leads == copied.count_leads() == sample_repo.count_leads() == 44
    assert _everything(copied) == _everything(sample_repo)
    assert seen[-1][0] == seen[-1][1] == sum(report.rows.values())
    assert copied.stage_totals() == sample_repo.stage_totals()
    # The next ids continue where the file's left off, on both.
    draft = build_draft(name="After the copy")
    assert copied.add_lead(draft) == sample_repo.add_lead(draft)
    # Undo goes on from the copied history (the edits above are its last
    # actions) and does on PostgreSQL what it does on the file.
    for repo in (copied, sample_repo):
        repo.undo()
        repo.undo()
    after = copied.get_lead(5)
    assert (after.custom, after.tags) == (before.custom, before.tags)
    assert after == sample_repo.get_lead(5)


def test_the_cli_copies_once_and_refuses_a_target_in_use(db: str, pg_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["add", "Jane Doe", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["db", "copy", db, pg_url])
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("copied 1 leads (")
    assert open_repository(pg_url).get_lead(1).name == "Jane Doe"
    again = runner.invoke(main, ["db", "copy", db, pg_url])
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert again.output.strip().endswith("already holds leads: copy into a new, empty database")
    with pytest.raises(DatabaseUnavailable, match="already holds leads"):
        copy_database(Path(db), pg_url)


def test_a_copy_comes_back_into_a_file_with_the_same_kpis(
    sample_repo: Repository, pg_url: str, tmp_path: Path
) -> None:
    """SQLite → PostgreSQL → SQLite, with work done on PostgreSQL between:
    the file that comes back holds what the original would, and its KPIs
    (rebuilt from the copied journal) are the same figures."""
    copy_database(sample_repo.target, pg_url)
    on_server = open_repository(pg_url, actor="tester", clock=frozen_clock)
    open_lead = sample_repo.leads_in_stage(Stage.NEW)[0].id
    for repo in (on_server, sample_repo):  # the same work, at the same frozen moment
        repo.advance(open_lead)
        repo.log_touch(open_lead, ActivityKind.CALL, "after the move")
        repo.lose(open_lead, "no budget")
    back = tmp_path / "back.db"
    copy_database(pg_url, back)
    returned = open_repository(back, actor="tester", clock=frozen_clock)
    assert _everything(returned) == _everything(sample_repo)
    assert returned.search("after") == sample_repo.search("after")
    kpis = [
        CliRunner().invoke(main, ["kpi", "--json", "--since", "2025-01-01", "--db", str(path)])
        for path in (back, sample_repo.target)
    ]
    assert kpis[0].exit_code == 0, kpis[0].output
    assert kpis[0].output == kpis[1].output
    assert '"won"' in kpis[0].output


def test_a_copy_goes_between_engines_only_and_into_an_empty_database(
    db: str, tmp_path: Path
) -> None:
    with pytest.raises(DatabaseUnavailable, match="copy a file with db backup"):
        copy_database(Path(db), tmp_path / "copy.db")


def _kpi_jsons(target: Path | str, owner: str) -> list[str]:
    """`kpi --json` for a few windows, the team's and one owner's."""
    outputs = []
    for args in (
        [],
        ["--window", "all"],
        ["--window", "all", "--owner", owner],
        ["--since", "2025-01-01", "--until", "2026-11-19"],
        ["--since", "2026-10-01", "--until", "2026-11-19", "--owner", owner],
    ):
        result = CliRunner().invoke(main, ["kpi", "--json", *args, "--db", str(target)])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    return outputs


@pytest.mark.slow
def test_kpi_json_is_the_files_after_a_copy_either_way(
    sample_repo: Repository, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into PostgreSQL (rollups copied) and back into a file (rollups
    rebuilt from the journal), with work done on PostgreSQL between: every
    `kpi --json` is the one the database it was copied from prints."""

    def frozen(
        db_path: Path | str | None, *, reading: bool = False, existing: bool = False
    ) -> Repository:
        return open_repository(cli_common.database_target(db_path), clock=frozen_clock)

    monkeypatch.setattr(cli_common, "repository", frozen)
    owner = sample_repo.owners()[0]
    before = _kpi_jsons(sample_repo.target, owner)
    assert '"won"' in before[1]
    copy_database(sample_repo.target, pg_url)
    assert _kpi_jsons(pg_url, owner) == before
    on_server = open_repository(pg_url, actor=owner, clock=frozen_clock)
    leads = on_server.leads_in_stage(Stage.NEW)[:3]
    on_server.advance(leads[0].id)
    on_server.win(leads[1].id)
    on_server.lose(leads[2].id, "no budget")
    on_server.undo()  # the loss
    worked = _kpi_jsons(pg_url, owner)
    assert worked != before
    back = tmp_path / "back.db"
    copy_database(pg_url, back)
    assert _kpi_jsons(back, owner) == worked


@pytest.mark.slow
def test_a_trained_model_scores_and_explains_the_same_after_a_copy(
    tmp_path: Path, pg_url: str
) -> None:
    # The learned score's touch features bin a counting subquery, which
    # PostgreSQL accepts only with an alias: without it, opening a copied
    # database that has a model failed on its first page of scores.
    path = tmp_path / "trained.db"
    build_synthetic_database(path, 600, 11, NOW)
    trained = open_repository(path, clock=lambda: NOW)
    assert trained.train_model().model is not None
    copy_database(path, pg_url)
    copied = open_repository(pg_url, clock=lambda: NOW)
    open_ids = [lead.id for lead in trained.leads_in_stage(Stage.NEW, limit=5)]
    assert open_ids
    for lead_id in open_ids:
        assert copied.score_details(lead_id) == trained.score_details(lead_id)
    assert copied.refresh_scores() == trained.refresh_scores()


@pytest.mark.slow
def test_kpi_json_prints_the_same_bytes_from_a_demo_file_and_its_copy(
    tmp_path: Path, pg_url: str
) -> None:
    """Byte for byte, owner and window alike: the engines group rows in
    different orders (a per-stage count once printed contacted first from
    SQLite and last from PostgreSQL), and a script diffing two reports must
    see no change where there is none."""
    path = tmp_path / "demo.db"
    build_synthetic_database(path, 2000, 3, NOW)
    copy_database(path, pg_url)
    windows = (
        ["--since", "2020-01-01", "--until", NOW.date().isoformat()],
        ["--since", "2026-10-01", "--until", NOW.date().isoformat(), "--owner", "anna"],
    )
    for window in windows:
        outputs = [
            CliRunner().invoke(main, ["kpi", "--json", *window, "--db", str(target)])
            for target in (path, pg_url)
        ]
        assert all(result.exit_code == 0 for result in outputs), outputs[1].output
        assert '"lost_by_stage"' in outputs[0].output
        assert outputs[0].output == outputs[1].output


def test_a_copy_goes_into_a_database_a_console_has_opened(
    sample_repo: Repository, pg_url: str, tmp_path: Path
) -> None:
    """Opening an empty database and rescoring (as a console does at start)
    records the rules' version: the copy takes the source's, either way."""
    open_repository(pg_url).refresh_scores()
    copy_database(sample_repo.target, pg_url)
    assert _everything(open_repository(pg_url)) == _everything(sample_repo)
    back = tmp_path / "back.db"
    open_repository(back).refresh_scores()
    copy_database(pg_url, back)
    assert _everything(open_repository(back)) == _everything(sample_repo)
