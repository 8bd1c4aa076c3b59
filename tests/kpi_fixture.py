"""A hand-made KPI fixture: eleven leads with known histories, values,
sources and spend, so every figure can be worked out by hand (see
test_kpi_fixture.py for the arithmetic).

Times are "days before NOW" (2026-11-20 12:00 UTC). The 30-day window is
[D30, D0): 2026-10-21 12:00 to 2026-11-20 12:00; the previous one [D60, D30).
"""

import sqlite3
from datetime import timedelta
from pathlib import Path

from leadtui.domain.clock import to_iso
from leadtui.repository import open_repository
from tests.conftest import NOW

# name: (source, owner, value in cents, follow-up in days from now or None,
#        [(to_stage, from_stage, days ago, reason)])
LEADS: dict[
    str, tuple[str, str, int, float | None, list[tuple[str, str | None, float, str | None]]]
] = {
    # Walks the whole ladder inside the window and is won: cycle 20 - 5 = 15 days.
    "A": (
        "referral",
        "anna",
        1_000_000,
        None,
        [
            ("new", None, 20, None),
            ("contacted", "new", 18, None),
            ("engaged", "contacted", 15, None),
            ("qualified", "engaged", 12, None),
            ("opportunity", "qualified", 10, None),
            ("won", "opportunity", 5, None),
        ],
    ),
    "B": (
        "referral",
        "anna",
        500_000,
        None,
        [
            ("new", None, 25, None),
            ("contacted", "new", 20, None),
            ("lost", "contacted", 19, "No budget"),
        ],
    ),
    # Won straight from New: cycle 2 days; reaches every funnel step.
    "C": ("website", "anna", 200_000, None, [("new", None, 10, None), ("won", "new", 8, None)]),
    # Created before the window, won inside it: cycle 40 - 10 = 30 days.
    "D": (
        "website",
        "anna",
        300_000,
        None,
        [
            ("new", None, 40, None),
            ("contacted", "new", 35, None),
            ("engaged", "contacted", 30, None),
            ("won", "engaged", 10, None),
        ],
    ),
    # Lost, reopened and worked again inside the window: not closed. Overdue.
    "E": (
        "ads",
        "anna",
        400_000,
        -1,
        [
            ("new", None, 15, None),
            ("lost", "new", 12, "Bad timing"),
            ("new", "lost", 8, None),
            ("contacted", "new", 6, None),
        ],
    ),
    "F": ("ads", "anna", 100_000, None, [("new", None, 12, None), ("lost", "new", 3, "No budget")]),
    # Open in New for 5 days: rotting (New allows 3).
    "G": ("event", "anna", 0, None, [("new", None, 5, None)]),
    # Created in the previous window, Engaged for 40 days: rotting (14).
    "H": (
        "event",
        "anna",
        800_000,
        None,
        [
            ("new", None, 50, None),
            ("contacted", "new", 45, None),
            ("engaged", "contacted", 40, None),
        ],
    ),
    # Won in the previous window: cycle 45 - 35 = 10 days.
    "I": ("partner", "anna", 600_000, None, [("new", None, 45, None), ("won", "new", 35, None)]),
    # Ben's only lead: two days old, follow-up in two days.
    "J": ("other", "ben", 700_000, 2, [("new", None, 2, None)]),
    # Created before both windows, lost in the previous one.
    "K": (
        "referral",
        "anna",
        900_000,
        None,
        [("new", None, 70, None), ("lost", "new", 40, "Chose a competitor")],
    ),
}

# (source, month, cents)
SPEND = [
    ("referral", "2026-10", 310_000),
    ("referral", "2026-11", 300_000),
    ("ads", "2026-10", 100_000),
]


def ago(days: float) -> str:
    return to_iso(NOW - timedelta(days=days))


def build_kpi_fixture(path: Path) -> None:
    open_repository(path)  # the schema
    with sqlite3.connect(path) as conn:
        for name, (source, owner, value, follow_up, changes) in LEADS.items():
            created, entered = changes[0][2], changes[-1][2]
            stage = changes[-1][0]
            cursor = conn.execute(
                "INSERT INTO leads (name, source, owner, stage, value_cents, lost_reason,"
                " created_at, updated_at, stage_entered_at, follow_up_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    f"Lead {name}",
                    source,
                    owner,
                    stage,
                    value,
                    changes[-1][3] if stage == "lost" else None,
                    ago(created),
                    ago(entered),
                    ago(entered),
                    ago(-follow_up) if follow_up is not None else None,
                ],
            )
            conn.executemany(
                "INSERT INTO stage_changes (lead_id, from_stage, to_stage, reason, at, actor)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (cursor.lastrowid, before, after, reason, ago(days), owner)
                    for after, before, days, reason in changes
                ],
            )
        conn.executemany("INSERT INTO spend (source, month, amount_cents) VALUES (?, ?, ?)", SPEND)
