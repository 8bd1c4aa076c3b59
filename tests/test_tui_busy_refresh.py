"""The minute's rescoring, a write the rep never asked for, waits for the
next minute when a teammate's long write holds the file: no "busy; try
again" greets a rep who opens leadtui during a teammate's import."""

import sqlite3
from pathlib import Path

import pytest

from leadtui.domain.models import build_draft
from leadtui.repository import connection, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.main_screen import MainScreen
from tests.notifications import notes
from tests.tui_helpers import SIZE, settle


def _due(path: Path, lead_id: int) -> str | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT score_due_at FROM leads WHERE id = ?", [lead_id]).fetchone()
    return None if row is None else row[0]


async def test_a_teammates_long_write_delays_the_rescoring_without_a_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "team.db"
    repo = open_repository(path)
    lead_id = repo.add_lead(build_draft(name="Ada", source="referral"))
    with sqlite3.connect(path) as db:  # its score fell due long ago
        db.execute(
            "UPDATE leads SET score_due_at = '2000-01-01T00:00:00+00:00' WHERE id = ?", [lead_id]
        )
    importer = sqlite3.connect(path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # a teammate's import, still going
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # up, the rescoring tried
        assert not [note for note in notes(app) if note.severity == "error"]
        assert _due(path, lead_id) == "2000-01-01T00:00:00+00:00"  # not rescored yet
        importer.execute("ROLLBACK")
        importer.close()
        main = app.screen
        assert isinstance(main, MainScreen)
        main._refresh_scores()  # the next minute's
        await settle(pilot)
        assert _due(path, lead_id) != "2000-01-01T00:00:00+00:00"
