"""A row merged into an existing lead loses nothing (issue 16): each
non-empty cell, for arbitrary Unicode, is in one of the lead's fields,
custom fields or secondary contacts, or the rejects file's reason for that
line names it (quoted as domain/row_merge.shown quotes it); a row rejected
is in the rejects file whole. Sanitising and placeholders as in
test_import_fidelity.py."""

import csv
import io
import tempfile
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from leadtui.domain.dedupe import email_key
from leadtui.domain.models import Lead
from leadtui.domain.row_merge import shown
from leadtui.repository import open_repository
from leadtui.usecases.importing import plan_import, run_import
from tests.test_import_fidelity import CELL, is_placeholder, sanitised_forms

HEADERS = ["Name", "Email", "Phone", "Company", "Title", "Notes", "Città", "備考"]
PHONE = st.sampled_from(["", "+1 555 010 0100", "+1 555 010 0199", "020 7946 0001"]) | CELL
# A row but its email, which the example sets (the same in both rows).
ROW = st.tuples(CELL, PHONE, CELL, CELL, CELL, CELL, CELL).map(list)
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_EMAILS = count()


def write_row(path: Path, row: list[str]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def with_email(row: list[str], email: str) -> list[str]:
    return [row[0], email, *row[1:]]


def lead_texts(lead: Lead) -> set[str]:
    fields = (lead.name, lead.email, lead.phone, lead.company, lead.title, lead.notes)
    return (
        {text for text in fields if text}
        | set(lead.custom.values())
        | {contact.value for contact in lead.contacts}
    )


def check_merge(
    db: str, first: list[str], second: list[str], *, by_phone: bool = False, other: str = ""
) -> None:
    """Row `first` imported, then `second` with --on-duplicate merge: the
    same email (unique to the example), or with `by_phone` the same phone
    (unique too) and `other` as the second row's email ("other": a new
    address)."""
    number = next(_EMAILS)
    email = f"p{number}@example.com"
    if by_phone:
        phone = f"+1 555 {number // 10_000:03d} {number % 10_000:04d}"
        first = with_email([first[0], phone, *first[2:]], email)
        other = f"q{number}@example.com" if other == "other" else other
        second = with_email([second[0], phone, *second[2:]], other)
    else:
        first, second = with_email(first, email), with_email(second, email)
    repo = open_repository(db)
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "a.csv", Path(folder) / "b.csv"
        write_row(a, first)
        run_import(repo, plan_import(a), rejects=Path(folder) / "a.rejects.csv")
        write_row(b, second)
        result = run_import(
            repo, plan_import(b), on_duplicate="merge", rejects=Path(folder) / "b.rejects.csv"
        )
        written: dict[int, tuple[str, list[str]]] = {}
        if result.rejects is not None:
            with result.rejects.open(encoding="utf-8-sig", newline="") as stream:
                written = {int(r[0]): (r[1], r[2:]) for r in list(csv.reader(stream))[1:]}
    reason, values = written.get(2, ("", []))
    if reason and not reason.startswith("merged into"):
        assert values == second  # rejected: the row whole
        return
    assert not reason or values == second  # merged in part: the row as read
    key = second[2] if by_phone else email
    held = [
        lead
        for lead in repo.all_leads(custom=True)
        if key in (lead.phone, email_key(lead.email)) or any(c.value == key for c in lead.contacts)
    ]
    assert len(held) == 1, held
    texts = lead_texts(held[0])
    for header, cell in zip(HEADERS, second, strict=True):
        forms = sanitised_forms(cell)
        if not forms or is_placeholder(cell):
            continue
        kept = forms & texts or any(form in held[0].notes for form in forms)
        named = any(shown(form) in reason for form in forms)
        assert kept or named, (header, cell, held[0], reason)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@PROPERTY
@given(ROW, ROW)
# A name of no letter or digit, into a lead named after its email: named.
@example(["", "", "", "", "", "", ""], [":", "", "", "", "", "", ""])
def test_a_row_merged_into_a_lead_loses_no_cell(
    db: str, first: list[str], second: list[str]
) -> None:
    check_merge(db, first, second)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@PROPERTY
@given(ROW, ROW, st.just("other") | CELL)
def test_a_row_merged_by_its_phone_loses_no_cell(
    db: str, first: list[str], second: list[str], other: str
) -> None:
    """Found by its phone: its email, a valid one that differs, is kept
    as a secondary contact."""
    check_merge(db, first, second, by_phone=True, other=other)


# The same at length, on both engines, for the full suite.
@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
@settings(PROPERTY, max_examples=200)
@given(ROW, ROW, st.booleans(), st.just("other") | CELL)
def test_many_rows_merged_into_leads_lose_no_cell(
    db: str, first: list[str], second: list[str], by_phone: bool, other: str
) -> None:
    check_merge(db, first, second, by_phone=by_phone, other=other)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_row_that_differs_everywhere_is_named_cell_by_cell(db: str) -> None:
    """The property's own check, on a known case: what the lead kept is
    named, what it lacked is filled, a second phone is a contact."""
    check_merge(
        db,
        ["Ann Lee", "+1 555 010 0100", "Acme", "", "first", "APAC", ""],
        ["Ann L.", "+1 555 010 0199", "Acme Ltd", "CTO", "second", "EMEA", "x" * 90],
    )
