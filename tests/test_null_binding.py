"""A NULL binds as cheaply as a text (Python 3.11's sqlite3 built and
dropped an AttributeError for each None it bound, looking for an adapter;
an import binds 7-9 a lead), and is still stored as NULL."""

import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.repository import connection


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12's sqlite3 skips the error itself")
def test_none_is_bound_through_a_registered_pass_through() -> None:
    adapter = sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol))
    assert adapter is not None, "None binds by the slow search for an adapter"
    assert adapter(None) is None
    # In C: a Python function would cost a call for every NULL.
    assert type(adapter).__name__ == "builtin_function_or_method"


def test_an_imported_lead_s_missing_fields_are_stored_as_null(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Name,Email\nAnn Lee,ann@example.com\n", encoding="utf-8")
    db = tmp_path / "leads.db"
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(source)])
    assert result.exit_code == 0, result.output
    with connection.connect(db) as opened:
        row = opened.execute(
            "SELECT typeof(title), typeof(owner), typeof(phone), typeof(lost_reason),"
            " typeof(follow_up_at), typeof(expected_close) FROM leads"
        ).fetchone()
        old = opened.execute("SELECT typeof(old) FROM journal WHERE field = 'stage'").fetchone()
    assert set(row) == {"null"} and old == ("null",)
