"""What a conversion noticed that the report tells (convert.py fills it)."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Notes:
    """What the conversion did that the user should hear about (not errors)."""

    # (field, header, text) → rows: values an enumerated field does not know.
    unknown: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    unknown_more: Counter[str] = field(default_factory=Counter)  # beyond the distinct kept
    named_from: Counter[str] = field(default_factory=Counter)  # "email", or the id header
    named_example: dict[str, str] = field(default_factory=dict)
    placeholders: Counter[str] = field(default_factory=Counter)  # cell → count
    bad_dates: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field, header)
    bad_date_example: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    # (field, header) → rows: values of a non-date field it cannot read (a
    # currency column's 'Euro'), kept as custom fields; and one example each.
    unread: Counter[tuple[str, str]] = field(default_factory=Counter)
    unread_example: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    ambiguous_dates: int = 0
    ambiguous_example: tuple[int, str] | None = None
    ambiguous_amounts: int = 0  # '1,500' where no cell settled the convention
    ambiguous_amount_example: tuple[int, str] | None = None
    # leadtui's own export's history (own_export.py): its lines read, and
    # for a CSV export the FILE.history.csv beside it.
    history_lines: int = 0
    history_file: str = ""
    history_unread: str = ""  # why the history file could not be read
    history_bad_leads: int = 0  # leads whose history had a line it cannot read
