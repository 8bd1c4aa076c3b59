"""A won or lost lead a file brings closed when its close date says (else
its last touch), not when it was created: the cycle time and the months a
year of imported history's revenue falls in depend on it."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.imported import closed_at
from tests.conftest import both_clis

FILE = (
    "Name,Email,Stage,Created Date,Close Date,Amount,Last Activity\n"
    "Ann Lee,ann@x.io,Closed Won,2025-01-10,2025-03-15,5000,2025-03-01\n"
    "Bob Roe,bob@x.io,Closed Lost,2025-02-01,,100,2025-02-20\n"
    "Cy Poe,cy@x.io,Closed Won,2025-02-01,2024-12-01,900,\n"
    "Di Fox,di@x.io,Qualified,2025-02-01,2025-12-01,900,\n"
)


def cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


@both_clis
def test_an_imported_close_is_dated_by_the_close_date_or_the_last_touch(
    db: str, tmp_path: Path
) -> None:
    source = tmp_path / "history.csv"
    source.write_text(FILE, encoding="utf-8")
    cli(db, "import", str(source))
    moved = {
        line["lead_id"]: line["at"][:10]
        for line in json.loads(cli(db, "journal", "--json"))
        if line["type"] == "stage_change" and line["from"]
    }
    ids = {lead["name"]: lead["id"] for lead in json.loads(cli(db, "list", "--json"))}
    assert moved[ids["Ann Lee"]] == "2025-03-15"  # its close date
    assert moved[ids["Bob Roe"]] == "2025-02-20"  # no close date: its last touch
    assert moved[ids["Cy Poe"]] == "2025-02-01"  # a close date before it was created
    assert moved[ids["Di Fox"]] == "2025-02-01"  # open: the date is only expected
    kpi = json.loads(cli(db, "kpi", "--since", "2025-03-01", "--until", "2025-03-31", "--json"))
    assert (kpi["won"], kpi["revenue_cents"], kpi["median_cycle_days"]) == (1, 500000, 64.0)


@both_clis
def test_an_imported_close_is_scored_as_of_its_close(db: str, tmp_path: Path) -> None:
    """Each closed row scores as it stood when it closed, as a lead closed in
    leadtui keeps the score of its close: touched within 30 days of it, no
    decay (an email and a small deal: 10). Scored as of the import, a year
    on, every one had "no touch for 30 days" (0), and the score-vs-outcome
    table compared outcomes with scores no lead closed with."""
    source = tmp_path / "history.csv"
    source.write_text(FILE, encoding="utf-8")
    cli(db, "import", str(source))
    scores = {lead["name"]: lead["score"] for lead in json.loads(cli(db, "list", "--json"))}
    # Di Fox is open: scored now, quiet since February 2025.
    assert scores == {"Ann Lee": 10, "Bob Roe": 10, "Cy Poe": 10, "Di Fox": 0}
    calibration = json.loads(cli(db, "kpi", "--json"))["score_calibration"]
    assert [(band["band"], band["closed"], band["won"]) for band in calibration] == [
        ("10-19", 3, 2)
    ]


@both_clis
def test_an_import_merging_into_a_closed_lead_keeps_the_score_it_closed_with(
    db: str, tmp_path: Path
) -> None:
    """A row merged into a won lead fills in its phone and leaves its score:
    the merge rescored it as of now (10 became 0, a year without a touch),
    where a merge in the TUI or `merge` keeps a closed lead's score."""
    source = tmp_path / "history.csv"
    source.write_text(FILE, encoding="utf-8")
    cli(db, "import", str(source))
    phones = tmp_path / "phones.csv"
    phones.write_text("Name,Email,Phone\nAnn Lee,ann@x.io,+1 415 555 0100\n", encoding="utf-8")
    cli(db, "import", str(phones), "--on-duplicate", "merge")
    (ann,) = [lead for lead in json.loads(cli(db, "list", "--json")) if lead["name"] == "Ann Lee"]
    assert (ann["phone"], ann["score"]) == ("+1 415 555 0100", 10)


MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(MOMENTS, st.none() | st.dates(), st.none() | MOMENTS, MOMENTS)
def test_a_close_is_never_before_the_creation_nor_after_now(
    created: datetime, close_day: date | None, last_touch: datetime | None, now: datetime
) -> None:
    now = max(now, created)
    moment = closed_at(created, close_day, last_touch, now)
    assert created <= moment <= now
    wanted = (
        datetime(close_day.year, close_day.month, close_day.day, tzinfo=UTC)
        if close_day
        else last_touch or created
    )
    if created <= wanted <= now:
        assert moment == wanted
    assert moment - created >= timedelta(0)
