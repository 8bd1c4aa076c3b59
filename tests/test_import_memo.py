"""An import reads each distinct amount once, and derives each distinct
name-and-company key once: a value met again must come out exactly as the
first time, a bad one rejected again with the same reason."""

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.dedupe import person_key


def test_repeated_amounts_and_people_come_out_as_the_first_time(db: str, tmp_path: Path) -> None:
    source = tmp_path / "repeats.csv"
    source.write_text(
        "Name,Company,Email,Amount\n"
        'José Ruiz,Ácme,a@x.com,"$1,200"\n'
        "Bad One,Ácme,b@x.com,ten dollars\n"
        'José Ruiz,Ácme,c@x.com,"$1,200"\n'
        "Bad Two,Other,d@x.com,ten dollars\n"
        "José Ruiz,Other,e@x.com,5k\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", str(source), "--db", db])
    assert result.exit_code == 1
    # The same reason on both lines, so the report lists them together.
    assert "lines 3, 5: value: 'ten dollars' is not an amount" in result.output
    with sqlite3.connect(db) as conn:
        stored = conn.execute(
            "SELECT email, value_cents, person_key FROM leads ORDER BY id"
        ).fetchall()
    assert stored == [
        ("a@x.com", 120_000, person_key("José Ruiz", "Ácme")),
        ("c@x.com", 120_000, person_key("José Ruiz", "Ácme")),
        ("e@x.com", 500_000, person_key("José Ruiz", "Other")),
    ]
