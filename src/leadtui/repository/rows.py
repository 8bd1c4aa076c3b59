"""Reading lead rows into Lead models."""

from typing import Any

import sqlite_utils

from leadtui import schema
from leadtui.errors import LeadNotFound
from leadtui.models import Lead

LEAD_SELECT = f"SELECT {', '.join(schema.LEAD_COLUMNS)} FROM leads"


def lead_from_row(row: tuple[Any, ...]) -> Lead:
    return Lead.model_validate(dict(zip(schema.LEAD_COLUMNS, row, strict=True)))


def fetch_lead(db: sqlite_utils.Database, lead_id: int) -> Lead:
    row = db.execute(f"{LEAD_SELECT} WHERE id = ?", [lead_id]).fetchone()
    if row is None:
        raise LeadNotFound(lead_id)
    return lead_from_row(row)
