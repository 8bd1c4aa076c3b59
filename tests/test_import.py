"""`leadtui import` and `export` on real-shaped files: every row accounted for,
bad rows reported by line, duplicates by policy, all or nothing, round trip."""

import csv
import json
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.repository import open_repository
from tests.conftest import both_clis

SAMPLES = Path(__file__).parent.parent / "sample_data" / "imports"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


def count(db: str, sql: str = "SELECT count(*) FROM leads") -> int:
    """One number from the database, a file or PostgreSQL (both_clis)."""
    with open_repository(db).engine.connect() as conn:
        return int(conn.execute(sql).fetchone()[0])


def summary_numbers(output: str) -> list[int]:
    """read, imported, merged, skipped, rejected: from the summary line."""
    found = re.search(
        r"read ([\d,]+) rows?: imported ([\d,]+), merged ([\d,]+),"
        r" skipped ([\d,]+) duplicates, rejected ([\d,]+)",
        output,
    )
    assert found, output
    return [int(number.replace(",", "")) for number in found.groups()]


def leads(db: str) -> list[dict[str, object]]:
    result = run("list", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output))


@both_clis
def test_salesforce_export_comes_in_without_any_mapping(db: str) -> None:
    result = run("import", str(SAMPLES / "salesforce_leads.csv"), "--db", db)
    assert result.exit_code == 0, result.output
    assert (
        "read 300 rows: imported 300, merged 0, skipped 0 duplicates, rejected 0" in result.output
    )
    first = leads(db)[0]
    assert first["name"] and first["email"] and first["company"]
    custom = first["custom"]
    assert isinstance(custom, dict)
    assert {"Lead ID", "Annual Revenue", "City"} <= set(custom)
    # The company size is kept, text unchanged, where the scoring rule reads it.
    assert custom["employees"] == "233"
    scored = json.loads(run("score", "show", str(first["id"]), "--json", "--db", db).output)
    assert "company of 50+ people" in {reason["label"] for reason in scored["rule"]["reasons"]}
    stages = {lead["stage"] for lead in leads(db)}
    assert stages == {"new", "contacted", "won", "lost"}


@both_clis
def test_suitecrm_export_with_a_broken_trailing_row(db: str, tmp_path: Path) -> None:
    source = SAMPLES / "suitecrm_leads.csv"
    with source.open(encoding="utf-8") as stream:
        assert len(next(csv.reader(stream))) == 60
    rejects = tmp_path / "rejects.csv"
    result = run("import", str(source), "--rejects", str(rejects), "--db", db)
    assert result.exit_code == 1  # a row was rejected
    assert "line 202: broken quoting" in result.output
    assert (
        "read 201 rows: imported 200, merged 0, skipped 0 duplicates, rejected 1" in result.output
    )
    assert count(db) == 200
    [reject] = list(csv.DictReader(rejects.open(encoding="utf-8-sig")))
    assert reject["line"] == "202" and "broken quoting" in reject["reason"]
    lead = leads(db)[0]
    custom = lead["custom"]
    assert isinstance(custom, dict)
    assert (custom["id"].endswith("000000000000") and "department" in custom) or "website" in custom


@both_clis
@pytest.mark.slow
def test_messy_web_form_rows_are_all_accounted_for(db: str, tmp_path: Path) -> None:
    rejects = tmp_path / "r.csv"
    result = run(
        "import", str(SAMPLES / "webform_leads.csv"), "--rejects", str(rejects), "--db", db
    )
    read, imported, merged, skipped, rejected = summary_numbers(result.output)
    assert read == 9000 and merged == 0 and imported + skipped + rejected == read
    assert count(db) == imported
    assert len(list(csv.DictReader(rejects.open(encoding="utf-8-sig")))) == skipped + rejected
    # "Select" placeholders are blanks; decimals and $12k are amounts.
    assert count(db, "SELECT count(*) FROM leads WHERE company = 'Select'") == 0
    assert count(db, "SELECT count(*) FROM leads WHERE value_cents = 150050") > 0
    assert count(db, "SELECT count(*) FROM leads WHERE value_cents = 1200000") > 0


@both_clis
def test_bad_row_classes_are_reported_by_line_and_the_good_rows_come_in(
    db: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "bad.csv",
        "Name,Email,Amount,Status\n"
        "Good One,good@x.com,100,New\n"
        "Bad Amount,amount@x.com,ten dollars,New\n"
        "Bad Email,not-an-email,1,New\n"
        "Too,Many,Fields,Here,Extra\n"
        "Bad Stage,stage@x.com,1,Nurturing maybe\n"
        'Broken,"quote"oops,1,New\n'
        "Good Two,two@x.com,2,Dead\n",
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 1
    for expected in (
        "line 3: value: 'ten dollars' is not an amount",
        "line 4: email: not a valid email address",
        "line 5: expected 4 fields, found 5",
        "line 7: broken quoting",
    ):
        assert expected in result.output
    # An unknown stage turns no lead away: New, the word kept, the fix offered.
    assert "'Nurturing maybe' (1 row): --value-map 'stage:Nurturing maybe=engaged'" in (
        result.output
    )
    assert "read 7 rows: imported 3, merged 0, skipped 0 duplicates, rejected 4" in result.output
    rejects = list(csv.DictReader((tmp_path / "bad.rejects.csv").open(encoding="utf-8-sig")))
    assert [row["line"] for row in rejects] == ["3", "4", "5", "7"]
    assert rejects[0]["Amount"] == "ten dollars"  # the row as it was, to fix and re-import
    unknown, lost = leads(db)[1:]
    assert (unknown["stage"], unknown["custom"]) == ("new", {"Status": "Nurturing maybe"})
    assert (lost["stage"], lost["lost_reason"]) == ("lost", "dead")


@both_clis
def test_value_maps_and_column_maps_fix_what_auto_mapping_cannot(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "x.csv", "Who,Mail,Phase\nAnn,ann@x.com,Nurturing maybe\n")
    result = run(
        "import", str(source), "--map", "Who=name", "--map", "Mail=email",
        "--map", "Phase=stage", "--value-map", 'stage:Nurturing maybe=engaged', "--db", db,
        "--save-mapping", str(tmp_path / "m.json"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert leads(db)[0]["stage"] == "engaged"
    saved = json.loads((tmp_path / "m.json").read_text())
    assert saved["columns"] == {"Who": "name", "Mail": "email", "Phase": "stage"}
    # The saved mapping repeats the import with no flags.
    other = str(tmp_path / "other.db")
    source2 = write(tmp_path / "y.csv", "Who,Mail,Phase\nBob,bob@x.com,Nurturing maybe\n")
    result = run("import", str(source2), "--mapping", str(tmp_path / "m.json"), "--db", other)
    assert result.exit_code == 0, result.output
    assert leads(other)[0]["stage"] == "engaged"


def test_bad_overrides_are_one_line_errors(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "x.csv", "Name\nAnn\n")
    for args, message in (
        (["--map", "Nope=name"], "the file has no column 'Nope'"),
        (["--map", "Name=salary"], "unknown field"),
        (["--value-map", "stage:X=limbo"], "use one of new, contacted"),
        (["--mapping", str(tmp_path / "missing.json")], "cannot read mapping"),
    ):
        result = run("import", str(source), *args, "--db", db)
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert run("import", str(tmp_path / "none.csv"), "--db", db).output.startswith(
        "Error: cannot import"
    )


@both_clis
def test_dry_run_shows_mapping_samples_and_problems_and_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "d.csv", "Full Name,E-mail,Budget,Tier\nAnn,ann@x.com,5,gold\nBob,bad,6,\n"
    )
    result = run("import", str(source), "--dry-run", "--db", db)
    assert "Full Name  → name" in result.output
    assert "Budget     → value" in result.output
    assert "Tier       → custom field 'Tier'" in result.output
    assert "line 2: Ann · ann@x.com · New · other · $5 · +1 custom" in result.output
    assert "line 3: email: not a valid email address" in result.output
    assert "would import 1" in result.output
    assert count(db) == 0
    assert not (tmp_path / "d.rejects.csv").exists()


@both_clis
def test_strict_rejects_the_whole_file(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "Name,Email\nAnn,ann@x.com\nBob,bad\n")
    result = run("import", str(source), "--strict", "--db", db)
    assert result.exit_code == 1
    assert "nothing imported: --strict and 1 bad rows" in result.output
    assert count(db) == 0


@both_clis
def test_duplicate_policies_by_email_and_normalised_phone(db: str, tmp_path: Path) -> None:
    assert run("add", "Ann Lee", "--email", "Ann@X.com", "--db", db).exit_code == 0
    assert run("add", "Bob Roe", "--phone", "+1 (555) 010-0199", "--db", db).exit_code == 0
    source = write(
        tmp_path / "d.csv",
        "Name,Email,Phone,Company,Tier\n"
        "Ann L.,ann@x.com,,Acme,gold\n"
        "Robert Roe,,1-555-010-0199,Initech,silver\n"
        "New Person,new@x.com,,,\n",
    )
    result = run("import", str(source), "--db", db)
    assert "imported 1, merged 0, skipped 2 duplicates" in result.output
    assert "line 2: duplicate of lead #1 (same email)" in result.output
    assert "line 3: duplicate of lead #2 (same phone)" in result.output
    result = run("import", str(source), "--on-duplicate", "merge", "--db", db)
    assert "imported 0, merged 3" in result.output
    ann = json.loads(run("show", "1", "--json", "--db", db).output)
    assert (ann["name"], ann["company"], ann["custom"]) == ("Ann Lee", "Acme", {"Tier": "gold"})
    result = run("import", str(source), "--on-duplicate", "create", "--db", db)
    assert "imported 3" in result.output and "3 imported although duplicates" in result.output
    assert count(db) == 6


@both_clis
def test_json_jsonl_semicolons_bom_and_windows_1252(db: str, tmp_path: Path) -> None:
    files = [
        write(tmp_path / "a.json", json.dumps([{"name": "J1", "value": 5, "extra": {"k": 1}}])),
        write(tmp_path / "b.jsonl", '{"name": "J2"}\n{broken\n{"name": "J3"}\n'),
        write(tmp_path / "c.csv", "\ufeffName;Company\nS1;Société\n"),
        write(tmp_path / "d.csv", "Name,Company\nW1,Café €\n", encoding="cp1252"),
    ]
    for source in files:
        run("import", str(source), "--db", db)
    got = {lead["name"]: lead for lead in leads(db)}
    assert set(got) == {"J1", "J2", "J3", "S1", "W1"}
    assert got["J1"]["value_cents"] == 500 and got["J1"]["custom"] == {"extra": '{"k": 1}'}
    assert got["S1"]["company"] == "Société" and got["W1"]["company"] == "Café €"
    result = run("import", str(files[1]), "--dry-run", "--db", db)
    assert "line 2: not valid JSON" in result.output


def test_excel_day_numbers_in_a_date_column_are_its_dates(db: str, tmp_path: Path) -> None:
    """An Excel "Unicode Text" export whose date cells lost their format:
    45292 is 2024-01-01, and 45500,5 (a comma-decimal Excel) noon on
    2024-07-27; the leads are not dated the day of the import."""
    source = write(
        tmp_path / "excel.txt",
        "\ufeffName\tEmail\tCreated Date\tClose Date\n"
        "Ann\tann@x.com\t45292\t45500\nBob\tbob@x.com\t45500,5\t\n",
        encoding="utf-16-le",
    )
    result = run("import", str(source), "--db", db)
    assert summary_numbers(result.output) == [2, 2, 0, 0, 0], result.output
    got = {lead["name"]: lead for lead in leads(db)}
    assert got["Ann"]["created_at"] == "2024-01-01T00:00:00+00:00"
    assert got["Ann"]["expected_close"] == "2024-07-27"
    assert got["Bob"]["created_at"] == "2024-07-27T12:00:00+00:00"


def test_hostile_headers_never_reach_the_terminal(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "h.csv", "Name,\x1b]0;pwned\x07Tier\nAnn,gold\n")
    result = run("import", str(source), "--dry-run", "--db", db)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "custom field ']0;pwnedTier'" in result.output
    run("import", str(source), "--db", db)
    assert leads(db)[0]["custom"] == {"]0;pwnedTier": "gold"}


def test_hostile_cells_are_sanitised_and_formulas_neutralised_on_export(
    db: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "h.csv",
        'Name,Company,Tier\n"=HYPERLINK(""http://x"")","\x1b]52;c;evil\x07Acme","@SUM(1)"\n',
    )
    assert run("import", str(source), "--db", db).exit_code == 0
    lead = leads(db)[0]
    assert lead["company"] == "]52;c;evilAcme"  # ESC and BEL gone, text kept
    out = tmp_path / "out.csv"
    assert run("export", "--format", "csv", "--output", str(out), "--db", db).exit_code == 0
    row = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert row["custom.Tier"] == "'@SUM(1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    run("export", "--format", "csv", "--raw", "--output", str(out), "--force", "--db", db)
    assert next(csv.DictReader(out.open(encoding="utf-8-sig")))["name"].startswith("=")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_then_import_reproduces_the_leads(fmt: str, tmp_path: Path) -> None:
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    run("import", str(SAMPLES / "salesforce_leads.csv"), "--db", first)
    run("lose", "3", "--reason", "=went elsewhere", "--db", first)
    out = tmp_path / f"out.{fmt}"
    assert run("export", "--format", fmt, "--output", str(out), "--db", first).exit_code == 0
    result = run("import", str(out), "--db", second)
    assert result.exit_code == 0, result.output
    kept = (
        "name", "email", "phone", "company", "title", "source", "owner", "stage",
        "temperature", "temperature_pinned", "value_cents", "lost_reason", "notes",
        "created_at", "follow_up_at", "last_touch_at", "custom",
    )  # fmt: skip
    before = [{k: lead[k] for k in kept} for lead in leads(first)]
    after = [{k: lead[k] for k in kept} for lead in leads(second)]
    assert after == before


@both_clis
def test_export_with_history_and_filters(db: str, tmp_path: Path) -> None:
    run("add", "Mine", "--db", db)
    run("import", str(SAMPLES / "salesforce_leads.csv"), "--db", db)
    run("advance", "1", "--db", db)
    records = json.loads(run("export", "--with-history", "--stage", "contacted", "--db", db).output)
    assert records and all(r["stage"] == "contacted" for r in records)
    one = next(r for r in records if r["id"] == 1)
    assert [(h["from"], h["to"]) for h in one["history"]] == [(None, "new"), ("new", "contacted")]
    out = tmp_path / "x.csv"
    run("export", "--format", "csv", "--with-history", "--output", str(out), "--db", db)
    history = list(csv.DictReader((tmp_path / "x.history.csv").open(encoding="utf-8-sig")))
    assert {"lead_id", "type", "at", "from", "to"} <= set(history[0])
    assert run("export", "--format", "csv", "--with-history", "--db", db).exit_code == 1


def _size(path: Path) -> int:
    """The file's size; 0 while it does not exist (a WAL comes and goes)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _fat_rows(path: Path, rows: int, note_chars: int) -> None:
    """Few but wide rows: the import's 256 MiB page cache overflows into the
    WAL after about 21,000 of them, where 300,000 bench rows took 25 s to get
    there. 24,000 rows are over the size at which the import drops the
    indexes and rebuilds them at the end (the bench file's path)."""
    note = ("Met at a show and wants a demo. " * (note_chars // 32 + 1))[:note_chars]
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("Name,Email,Description\n")
        stream.writelines(f"Lead {i},lead{i}@example.com,{note}\n" for i in range(rows))


def _wait_for_wal(process: subprocess.Popen[bytes], wal: Path, size: int) -> None:
    """Until the WAL holds `size` bytes or the process ends; waiting on the
    process rather than spinning leaves the CPU to the import."""
    while _size(wal) < size:
        try:
            process.wait(timeout=0.01)
        except subprocess.TimeoutExpired:
            continue
        return


@pytest.mark.slow
def test_a_killed_import_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    open_repository(db)
    assert run("add", "Before", "--db", str(db)).exit_code == 0
    big = tmp_path / "big.csv"
    _fat_rows(big, 24_000, 12_000)  # 290 MB: removed below, not left in the temp dirs
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "leadtui", "--db", str(db), "import", str(big)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wal = Path(f"{db}-wal")
        # Kill it once a good part of its uncommitted rows are in the WAL.
        _wait_for_wal(process, wal, 20_000_000)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        big.unlink()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM stage_changes").fetchone()[0] == 1


def test_show_names_the_dates_an_import_filled(db: str, tmp_path: Path) -> None:
    """A close date and a last activity read from a file are shown by `show`,
    not only by `list --json`: a user checking an import sees them kept."""
    source = write(
        tmp_path / "deals.csv",
        "Name,Close Date,Last Activity Date\nCape starling,2020-12-22,2020-11-30\n",
    )
    assert run("import", str(source), "--db", db).exit_code == 0
    shown = run("show", "1", "--db", db).output
    assert "Close date:  Tue 22 Dec 2020" in shown
    assert "Last touch:  Mon 30 Nov 2020" in shown


def test_dry_run_does_not_call_iso_dates_unsettled(tmp_path: Path) -> None:
    """Dates that can be read one way only (ISO timestamps, as the Salesforce
    CLI writes them) need no day/month order: the dry run says so instead of
    "nothing in the file settles it"."""
    source = write(
        tmp_path / "deals.csv",
        "name,closedate\nCape starling,2020-12-22T21:16:01Z\nBushbuck,2020-12-26T05:48:21Z\n",
    )
    shown = run("import", str(source), "--dry-run", "--db", str(tmp_path / "x.db")).output
    assert "Dates read as month/day/year (no date in the first rows reads either way" in shown
    assert "settles" not in shown


def test_dry_run_of_a_file_without_dates_says_nothing_of_their_order(tmp_path: Path) -> None:
    source = write(tmp_path / "people.csv", "Name,Email\nAnn Lee,ann@x.io\n")
    shown = run("import", str(source), "--dry-run", "--db", str(tmp_path / "x.db")).output
    assert "Dates read as" not in shown and "Name   → name" in shown
