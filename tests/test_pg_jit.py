"""PostgreSQL's JIT is off for leadtui's sessions: the statements that pass
jit_above_cost read many rows through cheap expressions, and compiling
them saved nothing measurable at 1M leads (bench/README.md, "Both
engines"). A team that wants it asks in the URL, or in $PGOPTIONS."""

import pytest

from leadtui.repository import Repository, open_repository
from leadtui.repository.pg.connection import close_idle


def _jit(repo: Repository) -> str:
    with repo.engine.connect() as db:
        value: str = db.execute("SHOW jit").fetchone()[0]
    return value


def test_every_session_has_jit_off_and_a_reset_keeps_it(pg_url: str) -> None:
    repo = open_repository(pg_url)
    assert _jit(repo) == "off"
    with repo.engine.connect() as db:
        # The scoring's `without_jit` SETs and RESETs around its statement:
        # the session's default is what RESET gives back.
        db.execute("SET jit = on")
        db.execute("RESET jit")
    assert _jit(repo) == "off"


@pytest.mark.parametrize("where", ["url", "PGOPTIONS"])
def test_the_url_or_pgoptions_may_ask_for_jit(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    close_idle()  # a kept connection was opened without the ask
    if where == "url":
        url = f"{pg_url}&options=-c%20jit%3Don%20-c%20work_mem%3D8MB"
    else:
        url = pg_url
        monkeypatch.setenv("PGOPTIONS", "-c jit=on -c work_mem=8MB")
    repo = Repository(url)
    assert _jit(repo) == "on"
    with repo.engine.connect() as db:
        assert db.execute("SHOW work_mem").fetchone()[0] == "8MB"  # the rest is kept
    close_idle()
