"""Demo data: the realistic set in sample_data/, and a synthetic generator.

Both produce plain row tuples for `repository.build_database`, so a million
leads with their histories load without per-row model overhead (the hot loop
avoids enums, `random.choice` and datetime on purpose: each costs seconds at
that size).
Every lead gets the stage history that explains where it stands (created, then
each step up the ladder, then won or lost), so the history and KPIs are real.
"""

from leadtui.demo.leftovers import unfinished_builds
from leadtui.demo.sample import build_sample_database
from leadtui.demo.synthetic import build_synthetic_database, synthetic_batches

__all__ = [
    "build_sample_database",
    "build_synthetic_database",
    "synthetic_batches",
    "unfinished_builds",
]
