"""A touch dated long before its lead existed (1950 on a lead added this
year) is a typo: refused with one line naming the day it is measured from,
by `leadtui log --at` and inline by the `l` dialog. A lead is often added
after the call that found it, so up to 30 days before its creation is
kept; a lead whose data holds an older touch (an import's history) is
measured from that. A touch in the future was refused already."""

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from leadtui.domain.clock import TOUCH_BEFORE_LEAD_DAYS, check_touch_day
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from tests.conftest import NOW, both_clis
from tests.test_cli import fails, ok, run
from tests.test_tui_dates import inline_error
from tests.tui_helpers import SIZE, settle, wait_until

CREATED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)
)


@given(MOMENTS, st.none() | MOMENTS)
def test_a_touch_is_refused_only_long_before_the_lead_existed(
    at: datetime, last_touch: datetime | None
) -> None:
    margin = timedelta(days=TOUCH_BEFORE_LEAD_DAYS)
    since = CREATED.date()
    if last_touch is not None and last_touch.date() < since - margin:
        since = last_touch.date()
    first = since - margin
    try:
        check_touch_day(at, CREATED, last_touch, "#1 Ann")
    except InvalidInput as error:
        assert at.date() < first
        said = str(error)
        assert "\n" not in said and f"({since.isoformat()}" in said
        assert said.startswith(f"when: {at.date().isoformat()} is ")
    else:
        assert at.date() >= first


def test_a_touch_logged_within_the_margin_does_not_widen_it() -> None:
    """Else each touch 29 days back would allow the next 29 days further."""
    margin = CREATED - timedelta(days=TOUCH_BEFORE_LEAD_DAYS)
    check_touch_day(margin, CREATED, None, "#1 Ann")
    with pytest.raises(InvalidInput, match="long before #1 Ann was created"):
        check_touch_day(margin - timedelta(days=1), CREATED, margin, "#1 Ann")


@both_clis
def test_cli_log_refuses_1950_and_keeps_last_weeks_call(db: str) -> None:
    lead = ok("add", "Ann Lee", "--db", db).strip()
    today = datetime.now(UTC).date().isoformat()
    assert fails("log", lead, "--kind", "call", "--at", "1950-01-01", "--db", db) == (
        f"Error: when: 1950-01-01 is long before #{lead} Ann Lee was created ({today}):"
        " a touch may be at most 30 days older than that"
    )
    assert "future" in fails("log", lead, "--kind", "call", "--at", "2200-01-01", "--db", db)
    assert "logged meeting" in ok("log", lead, "--kind", "meeting", "--at", "1w", "--db", db)


def test_an_imported_leads_own_dates_say_how_far_back(db: str, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name,Created Date,Last Activity Date\nOld,2019-05-01,2018-02-01\nNew,2024-01-10,\n"
    )
    ok("import", str(source), "--db", db)
    ok("log", "1", "--kind", "call", "--at", "2018-01-15", "--db", db)  # its history is older
    assert fails("log", "1", "--kind", "call", "--at", "2017-06-01", "--db", db) == (
        "Error: when: 2017-06-01 is long before #1 Old's last touch on record (2018-02-01,"
        " before it was created): a touch may be at most 30 days older than that"
    )
    ok("log", "2", "--kind", "email", "--at", "2023-12-20", "--db", db)
    assert fails("log", "2", "--kind", "email", "--at", "2014-01-10", "--db", db) == (
        "Error: when: 2014-01-10 is long before #2 New was created (2024-01-10):"
        " a touch may be at most 30 days older than that"
    )


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=20))
@pytest.mark.slow
def test_any_when_text_logs_or_is_refused_in_one_line(when: str) -> None:
    """All of Unicode typed after --at: logged, or one line and nothing written."""
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "h.db")
        ok("add", "Ann", "--db", db)
        result = run("log", "1", "--kind", "note", "--at", when, "--db", db)
        if result.exit_code != 0:
            assert result.exit_code in (1, 2) and "Traceback" not in result.output
            assert len(result.output.strip().splitlines()) <= 3  # click's usage error: 3 lines
            assert json.loads(ok("list", "--json", "--db", db))[0]["last_touch_at"] is None


@pytest.mark.parametrize(("when", "refused"), [("1950-01-01", True), ("10d", False)])
async def test_the_l_dialog_says_so_inline(repo: Repository, when: str, refused: bool) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann Lee"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogTouchScreen))
        dialog = app.screen
        dialog.query_one("#log-when", Input).value = when
        await pilot.press("enter")
        await settle(pilot)
        touches = [e for e in repo.history(lead_id) if e.type == "touch"]
        if refused:
            assert app.screen is dialog and not touches
            assert inline_error(dialog) == (
                f"1950-01-01 is long before #{lead_id} Ann Lee was created"
                f" ({NOW.date().isoformat()}): a touch may be at most 30 days older than that"
            )
        else:
            await wait_until(pilot, lambda: app.screen is not dialog)
            assert [touch.at.date() for touch in touches] == [NOW.date() - timedelta(days=10)]


def test_the_creation_day_is_never_refused() -> None:
    late = datetime.combine(date(2026, 3, 2), datetime.min.time(), UTC)
    check_touch_day(late - timedelta(days=TOUCH_BEFORE_LEAD_DAYS), CREATED, None, "#1 Ann")
