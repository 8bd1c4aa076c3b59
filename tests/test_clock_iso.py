"""Stored moments: ISO 8601 in UTC, to the second, with an explicit offset."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.clock import from_iso, to_iso

zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
moments = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30), timezones=zones
)


@given(moments)
def test_a_moment_is_stored_in_utc_to_the_second(moment: datetime) -> None:
    text = to_iso(moment)
    assert text == moment.astimezone(UTC).replace(microsecond=0).isoformat()
    assert text.endswith("+00:00") and "." not in text
    assert from_iso(text) == moment.replace(microsecond=0)
