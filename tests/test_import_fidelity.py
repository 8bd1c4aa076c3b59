"""Import loses nothing: every non-empty cell of every row ends up in a field,
a custom field, or the rejects file with a reason, its text exact after the
documented sanitising (domain/sanitize.py; CSV's formula guard undone) — for
arbitrary Unicode, in CSV, JSON and JSON Lines, and through export → import.
"""

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from leadtui.cli.root import main
from leadtui.domain.models import Lead, LeadDraft
from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.importing.formula_guard import unquote_formula
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS, key
from leadtui.repository import open_repository
from leadtui.usecases.importing import plan_import, run_import

HEADERS = ["Name", "Email", "Company", "Notes", "Città", "備考"]
# The words themselves, compared as documented (no case, spaces or punctuation).
PLACEHOLDER_KEYS = {key(word) for word in DEFAULT_PLACEHOLDERS}
# Every script, emoji, combining marks, controls: all of Unicode but lone
# surrogates (no file can hold one).
ANY_TEXT = st.text(max_size=40)
CELL = ANY_TEXT | st.sampled_from(["", " ", "Select", "N/A", "--", "'=1+1", "Иван Петров"])
ROWS = st.lists(
    st.tuples(CELL, st.emails() | CELL, CELL, CELL, CELL, CELL).map(list),
    min_size=1,
    max_size=6,
)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def write_file(path: Path, rows: list[list[str]]) -> list[int]:
    """Write the rows; returns the line each starts on, as the import counts
    them (CSV: physical lines, the header being 1; JSON: records from 1)."""
    if path.suffix != ".csv":
        records = [dict(zip(HEADERS, row, strict=True)) for row in rows]
        text = (
            json.dumps(records, ensure_ascii=False)
            if path.suffix == ".json"
            else "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        )
        path.write_text(text, encoding="utf-8")
        return list(range(1, len(rows) + 1))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    starts, line = [], 2
    for row in rows:
        before = buffer.tell()
        writer.writerow(row)
        starts.append(line)
        line += len(LINE_BREAK.findall(buffer.getvalue()[before:]))
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return starts


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a file read with newline="" splits on


def import_into(folder: Path, source: Path) -> tuple[list[Lead], dict[int, list[str]]]:
    """The leads stored (in id order) and the rejects file's rows (by line)."""
    repo = open_repository(folder / "leads.db")
    result = run_import(repo, plan_import(source), rejects=folder / "rejects.csv")
    rejected: dict[int, list[str]] = {}
    if result.rejects is not None:
        with result.rejects.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            next(reader)
            rejected = {int(row[0]): row[2:] for row in reader}  # after line and reason
    return sorted(repo.all_leads(custom=True), key=lambda lead: lead.id), rejected


def sanitised_forms(cell: str) -> set[str]:
    """What a cell may be stored as: sanitised for one line or for text (CSV's
    formula guard undone), or an email in email-validator's normal form."""
    forms = set()
    for text in (cell, unquote_formula(cell)):
        forms |= {clean_line(text), clean_text(text).strip()}
        try:
            email = LeadDraft(name="x", email=text).email
        except ValueError:
            email = None
        if email:
            forms.add(email)
    return forms - {""}


def is_placeholder(cell: str) -> bool:
    """A placeholder word as written or once sanitised ('.\\x1b' is '.')."""
    texts = {cell, unquote_formula(cell), *sanitised_forms(cell)}
    return any(key(text) in PLACEHOLDER_KEYS for text in texts)


def stored_texts(lead: Lead) -> set[str]:
    fields = (lead.name, lead.email, lead.company, lead.notes, lead.phone)
    return {text for text in fields if text} | set(lead.custom.values())


def assert_nothing_lost(
    rows: list[list[str]],
    lines: list[int],
    leads: list[Lead],
    rejected: dict[int, list[str]],
    *,
    blank_is_no_row: bool,
) -> None:
    """Each row is in the rejects file, whole, under its line; or it is the
    next lead (rows and leads are both in file order), holding every cell."""
    leads_left = iter(leads)
    for row, line in zip(rows, lines, strict=True):
        if line in rejected:
            assert rejected.pop(line) == row  # kept whole, with its reason
            continue
        if blank_is_no_row and not any(row):
            continue  # a line of empty cells is no row to a CSV reader
        lead = next(leads_left)
        texts = stored_texts(lead)
        for header, cell in zip(HEADERS, row, strict=True):
            forms = sanitised_forms(cell)
            if forms and not is_placeholder(cell):
                assert forms & texts, (header, cell, lead)
    assert not rejected, "a rejected row no row accounts for"
    assert next(leads_left, None) is None, "a lead no row accounts for"


def check_format(kind: str, rows: list[list[str]]) -> None:
    with scratch() as folder:
        source = folder / f"leads.{kind}"
        lines = write_file(source, rows)
        leads, rejected = import_into(folder, source)
        assert_nothing_lost(rows, lines, leads, rejected, blank_is_no_row=kind == "csv")


@pytest.mark.slow
@PROPERTY
@given(ROWS)
def test_csv_import_loses_nothing(rows: list[list[str]]) -> None:
    check_format("csv", rows)


@pytest.mark.slow
@PROPERTY
@given(ROWS)
def test_json_import_loses_nothing(rows: list[list[str]]) -> None:
    check_format("json", rows)


@pytest.mark.slow
@PROPERTY
@given(ROWS)
def test_jsonl_import_loses_nothing(rows: list[list[str]]) -> None:
    check_format("jsonl", rows)


# What XML 1.0 cannot hold (C0 controls but tab and line breaks; U+FFFE/F),
# and its line-break normalising: a workbook holds the rest.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_a_workbook_holds_it(cell: str) -> str:
    return NOT_XML.sub("", LINE_BREAK.sub("\n", cell))


@pytest.mark.slow
@PROPERTY
@given(ROWS)
def test_xlsx_import_loses_nothing(rows: list[list[str]]) -> None:
    held = [[as_a_workbook_holds_it(cell) for cell in row] for row in rows]
    with scratch() as folder:
        source = folder / "leads.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(HEADERS)
        for number, row in enumerate(held, start=2):
            for column, cell in enumerate(row, start=1):
                if cell:  # typed as text, as Excel keeps "=1+1" typed after a '
                    sheet.cell(number, column, cell).data_type = "s"
        book.save(source)
        leads, rejected = import_into(folder, source)
        lines = list(range(2, len(held) + 2))
        assert_nothing_lost(held, lines, leads, rejected, blank_is_no_row=True)


# ------------------------------------------------------- export → import

NAMES = (
    st.text(min_size=1, max_size=30)
    | st.sampled_from(["'=1+1", "=SUM(A1)", "-- x", "Select", "Иван", "١٢٣"])
).filter(lambda text: bool(clean_line(text)))
LEADS = st.lists(
    st.fixed_dictionaries(
        {
            "name": NAMES,
            "email": st.emails(),
            "company": ANY_TEXT,
            "notes": ANY_TEXT,
            "custom": st.dictionaries(
                NAMES, ANY_TEXT.filter(lambda t: bool(t.strip())), max_size=3
            ),
        }
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda lead: str(lead["email"]).lower(),
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def kept(lead: Lead) -> tuple[object, ...]:
    return (lead.name, lead.email, lead.company, lead.notes, lead.custom)


Kept = tuple[object, ...]


def round_trip(records: list[dict[str, object]], fmt: str) -> tuple[list[Kept], list[Kept]]:
    """The leads imported from `records`, then exported as `fmt` and imported
    into a new file: both lists, to compare."""
    with scratch() as folder:
        source = folder / "in.jsonl"
        source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        first, second = str(folder / "a.db"), str(folder / "b.db")
        assert run("import", str(source), "--db", first).exit_code == 0
        out = folder / f"out.{fmt}"
        assert run("export", "--format", fmt, "--output", str(out), "--db", first).exit_code == 0
        result = run("import", str(out), "--db", second)
        assert result.exit_code == 0, result.output
        before = [kept(lead) for lead in open_repository(Path(first)).all_leads(custom=True)]
        after = [kept(lead) for lead in open_repository(Path(second)).all_leads(custom=True)]
        assert len(before) == len(records)
        return before, after


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LEADS, st.sampled_from(["csv", "json", "jsonl"]))
def test_export_then_import_gives_the_same_leads(
    records: list[dict[str, object]], fmt: str
) -> None:
    before, after = round_trip(records, fmt)
    assert after == before


def test_csv_export_then_import_keeps_a_leading_apostrophe() -> None:
    record: dict[str, object] = {
        "name": "'=x", "email": "a@example.com", "company": "''b", "notes": "", "custom": {},
    }  # fmt: skip
    before, after = round_trip([record], "csv")
    assert after == before


def test_csv_export_then_import_keeps_international_phones_as_phones() -> None:
    """The export guards "+44 …" as "'+44 …"; the import's look at the phone
    column must read it as the row will be read, unguarded, or the column
    is kept as a custom field and no lead has a phone any more."""
    with scratch() as folder:
        first, second = str(folder / "a.db"), str(folder / "b.db")
        for number, phone in enumerate(("+44 20 7946 0001", "+1 555 0100", "+33 1 42 68 53 00")):
            assert run("add", f"Lead {number}", "--phone", phone, "--db", first).exit_code == 0
        out = folder / "out.csv"
        assert run("export", "--format", "csv", "--output", str(out), "--db", first).exit_code == 0
        assert "'+44 20 7946 0001" in out.read_text(encoding="utf-8")  # guarded
        result = run("import", str(out), "--db", second)
        assert result.exit_code == 0 and "custom field" not in result.output, result.output
        phones = [(lead.phone, lead.custom) for lead in open_repository(Path(second)).all_leads()]
        assert phones == [
            ("+44 20 7946 0001", {}), ("+1 555 0100", {}), ("+33 1 42 68 53 00", {})
        ]  # fmt: skip
