"""What the TUI draws from stored text is fit for a terminal even when the
file holds what the models would never have stored (another program wrote
it): every drawing helper is given a lead whose every text is hostile, and
what it draws holds no control, bidi mark or zero-width character. The pty
test (test_e2e_hostile.py) checks the same end to end, on the real bytes."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from rich.text import Text
from textual.content import Content

from leadtui.domain.models import HistoryEntry, Lead
from leadtui.tui import cells, render
from leadtui.tui.dialogs.entry import entry_body, entry_heading
from leadtui.tui.dialogs.merge import lead_line
from leadtui.tui.dialogs.search import result_line

HOSTILE = "Eve\x1b[2J\x1b]52;c;SGk=\x07\x9b31m\u202e\u200b\u00ad\ufeff\u2028Evil\x07"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\ufeff]")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def hostile_lead() -> Lead:
    """A lead as read from a file another program wrote (no cleaning)."""
    text = dict.fromkeys(("name", "email", "phone", "company", "title", "owner"), HOSTILE)
    return Lead.model_validate(
        {
            "id": 7, "source": "other", "stage": "lost", "temperature": "hot", "score": 80,
            "value_cents": 500_000, "lost_reason": HOSTILE, "notes": f"{HOSTILE}\n{HOSTILE}",
            "created_at": NOW, "updated_at": NOW, "version": 1, "follow_up_at": NOW,
            "tags": [HOSTILE], "custom": {HOSTILE: HOSTILE},
            "bant": {"budget": {"answer": "yes", "note": HOSTILE}},
            **text,
        }
    )  # fmt: skip


def entry(kind: str) -> HistoryEntry:
    return HistoryEntry.model_validate(
        {
            "type": kind, "at": NOW, "actor": HOSTILE, "kind": "call", "note": HOSTILE,
            "body": HOSTILE, "field": "name", "old": HOSTILE, "new": HOSTILE,
            "from_stage": "new", "to_stage": "lost", "reason": HOSTILE,
        }
    )  # fmt: skip


def drawn(thing: Any) -> str:
    if isinstance(thing, Text | Content):
        return thing.plain
    if isinstance(thing, tuple | list):
        return "".join(drawn(part) for part in thing)
    assert isinstance(thing, str)
    return thing


def drawings() -> dict[str, Callable[[], Any]]:
    lead = hostile_lead()
    found: dict[str, Callable[[], Any]] = {
        "inbox row": lambda: render.inbox_row(lead, NOW),
        "due row": lambda: render.inbox_row(lead, NOW, due=True, marked=True),
        "card": lambda: render.card(lead, 22, NOW, marked=True),
        "lead fields": lambda: render.lead_fields(lead, NOW),
        "qualification": lambda: render.qualification_block(lead),
        "custom fields": lambda: render.custom_block(lead.custom),
        "score reasons": lambda: render.score_block([HOSTILE, HOSTILE]),
        "search result": lambda: result_line(lead),
        "duplicate line": lambda: lead_line(lead),
        "notes": lambda: cells.plain_lines(lead.notes),
    }
    for kind in ("touch", "field_change", "stage_change"):
        line = entry(kind)
        found[f"history {kind}"] = partial(render.history_row, line)
        found[f"history entry {kind}"] = partial(lambda e: (entry_heading(e), entry_body(e)), line)
    return found


DRAWINGS = drawings()


@pytest.mark.parametrize("name", DRAWINGS)
def test_stored_text_is_drawn_without_controls(name: str) -> None:
    text = drawn(DRAWINGS[name]())
    assert "Eve" in text
    assert not UNSAFE.findall(text.replace("\n", "")), repr(text)
