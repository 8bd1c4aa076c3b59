"""Eight writers at once lose no update (issue 20), on both engines: each
moves its own lead back and forth while all of them race to advance one
shared lead from the stage they saw. Every move lands once, in its own
action; of two writers who saw the same stage, one moves the lead and the
other is told it moved (StaleLead), never both."""

import itertools
import threading
from typing import Any

import pytest

from leadtui.domain.errors import DatabaseUnavailable, IllegalMove, StaleLead
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import open_repository
from tests.conftest import both_targets, frozen_clock

WRITERS = 8
MOVES = 10  # each writer's own lead: advance, back, ... (ends where it began)
RACES = 3  # each writer's tries at the shared lead


def _retrying(move: Any) -> Any:
    """A write refused as busy (SQLite's lock wait ran out on a loaded
    machine) wrote nothing: try again, as a person would."""
    while True:
        try:
            return move()
        except DatabaseUnavailable as error:
            if "busy" not in str(error):
                raise


@pytest.mark.slow
@both_targets
def test_eight_concurrent_writers_lose_no_update(db_target: Any) -> None:
    setup = open_repository(db_target, actor="setup", clock=frozen_clock)
    own = [setup.add_lead(build_draft(name=f"Own {n}")) for n in range(WRITERS)]
    shared = setup.add_lead(build_draft(name="Shared"))
    start = threading.Barrier(WRITERS)
    advanced: list[int] = []
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            repo = open_repository(db_target, actor=f"w{n}", clock=frozen_clock)
            start.wait()
            for turn in range(MOVES):
                _retrying(lambda t=turn: (repo.advance if t % 2 == 0 else repo.back)(own[n]))
                if turn < RACES:
                    seen = repo.get_lead(shared).stage
                    try:
                        _retrying(lambda s=seen: repo.advance(shared, seen=s))
                        advanced.append(n)
                    except (StaleLead, IllegalMove):
                        pass  # someone moved it first, or it is closed
        except Exception as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with setup.engine.connect() as db:
        for lead_id in own:
            lead = setup.get_lead(lead_id)
            assert lead.stage is Stage.NEW
            moves = db.execute(
                "SELECT count(*) FROM journal WHERE lead_id = ? AND field = 'stage'"
                " AND old IS NOT NULL",
                [lead_id],
            ).fetchone()[0]
            assert moves == MOVES
        # Every move is its own action: no action holds another's lines.
        mixed = db.execute(
            "SELECT count(*) FROM (SELECT group_id FROM journal WHERE group_id IS NOT NULL"
            " GROUP BY group_id HAVING count(DISTINCT lead_id) > 1) AS mixed"
        ).fetchone()[0]
        assert mixed == 0
        stages = db.execute(
            "SELECT old, new FROM journal WHERE lead_id = ? AND field = 'stage'"
            " AND old IS NOT NULL ORDER BY id",
            [shared],
        ).fetchall()
        totals = dict(db.execute("SELECT stage, count(*) FROM leads GROUP BY stage").fetchall())
    # The shared lead's moves chain: each starts where the last one ended
    # (a lost update would show two moves from one stage).
    assert len(stages) == len(advanced) >= 1
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(stages))
    assert setup.get_lead(shared).stage.value == stages[-1][1]
    assert setup.stage_totals() == {Stage(stage): (count, 0) for stage, count in totals.items()}
