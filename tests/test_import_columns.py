"""The column-wise converter (importing/columns.py) gives exactly what the
row-by-row one gives: the same leads and problems, and the same notes in
the same order (the report lists them in that order), for any cells over
all of Unicode mixed with the values real files hold."""

import csv
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.domain.clock import to_iso
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.importing.columns import Columns, reads_columnwise
from leadtui.importing.convert import Converter, Notes
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS
from leadtui.importing.plan import Overrides, Plan
from leadtui.importing.reading import RawRow
from leadtui.importing.report import converted
from leadtui.usecases.importing import plan_import

# header → field; "Email 2" is a second column of a field, "Lead Number"
# names a lead with nothing else, the rest of the columns are custom fields.
WIDE = {
    "Name": "name", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
    "Email 2": "email", "Phone": "phone", "Company": "company", "Title": "title",
    "Owner": "owner", "Amount": "value", "Notes": "notes", "Status": "stage",
    "Source": "source", "Rating": "temperature", "Created": "created_at",
    "Follow Up": "follow_up_at", "Last Touch": "last_touch_at", "Close": "expected_close",
    "Lifecycle": "lifecycle", "Fit": "fit", "Lead Number": "custom", "City": "custom",
    "Size": "custom",
}  # fmt: skip
NARROW = {
    "First Name": "first_name", "Last Name": "last_name", "Email": "email",
    "Company": "company", "Lead Source": "source", "Phone": "phone",
}  # fmt: skip
GOOD = {
    "Name": "Ann Lee", "First Name": "Ann", "Last Name": "Lee", "Email": "ann@example.com",
    "Email 2": "", "Phone": "+1 555 0100", "Company": "Acme", "Title": "CEO", "Owner": "li",
    "Amount": "$1,200", "Notes": "met", "Status": "Working", "Source": "Web",
    "Rating": "Hot", "Created": "2025-01-02 09:00:00", "Follow Up": "2025-02-01",
    "Last Touch": "2025-03-04", "Close": "2025-06-30", "Lifecycle": "mql", "Fit": "high",
    "Lead Number": "660737", "City": "Oslo", "Size": "12", "Lead Source": "Web",
}  # fmt: skip

REAL = st.sampled_from(
    [
        *DEFAULT_PLACEHOLDERS, " n/a ", "-- Select --", "none", "", " ", "'=SUM(A1)", "'x",
        "Working", "Closed - Not Converted", "open", "Lost", "dead", "Foo", "Web", "Trade Show",
        "Hot", "warm", "mql", "high", "good", "weird", "2025-01-02 09:00:00", "03/04/2025",
        "04/03/2025", "13/01/2025", "0001-01-01", "9999-12-31", "1736000000", "Mar 14, 2025",
        "not a date", "$1,200", "5k", "€5.50", "JPY 5.5", "ten dollars", "0", "1e9",
        "ann@example.com", "not an email", "+1 555 0100", "12", "Ann", "Lee", "Ann Lee",
        "A. Lee", "x" * 20_001, "Ann\x00Lee", "\t Ann \n", "Иван", "李雷", "🙂",
    ]
)  # fmt: skip
# Timestamps as exports write them, some not real days or outside 1900-2200.
STAMPS = st.datetimes(datetime(1890, 1, 1), datetime(2210, 12, 31)).map(
    lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")
) | st.sampled_from(["2025-02-31 09:00:00", "2200-12-31T23:59:59", "2025-01-01 24:00:00"])
CELL = st.one_of(REAL, STAMPS, st.text(max_size=12), REAL.map(lambda word: f" {word.upper()} "))


def plan_for(
    folder: Path, columns: dict[str, str], values: dict[str, dict[str, str]], day_first: bool
) -> Plan:
    source = folder / "leads.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(list(columns))
        writer.writerow([GOOD[header] for header in columns])
    return plan_import(source, Overrides(dict(columns), values, day_first))


def notes_as_said(notes: Notes) -> list[tuple[str, object]]:
    """Every note with its order (dicts as lists of their items)."""
    said: list[tuple[str, object]] = []
    for field in fields(notes):
        value = getattr(notes, field.name)
        said.append((field.name, list(value.items()) if isinstance(value, dict) else value))
    return said


def both_ways(plan: Plan, rows: list[list[str]]) -> None:
    raw = [RawRow(line, cells) for line, cells in enumerate(rows, start=2)]
    by_row = Converter(plan)
    expected = [by_row.convert(row) for row in raw]
    by_column = Converter(plan)
    assert reads_columnwise(by_column)
    got = Columns(by_column).convert(raw)
    assert got == expected
    for lead in got:  # the creation moment's stored text, where it came with one
        if isinstance(lead, ImportedLead) and lead.created_iso is not None:
            assert lead.created_at is not None
            assert lead.created_iso == to_iso(lead.created_at)
    assert notes_as_said(by_column.notes) == notes_as_said(by_row.notes)


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Plan]:
    folder = tmp_path_factory.mktemp("plans")
    (folder / "w").mkdir()
    (folder / "n").mkdir()
    (folder / "d").mkdir()
    values = {"stage": {"Foo": "won"}, "source": {"weird": "website"}}
    return {
        "wide": plan_for(folder / "w", WIDE, values, False),
        "narrow": plan_for(folder / "n", NARROW, {}, False),
        "day first": plan_for(folder / "d", WIDE, {}, True),
    }


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_column_wise_equals_row_by_row(plans: dict[str, Plan], data: st.DataObject) -> None:
    plan = plans[data.draw(st.sampled_from(sorted(plans)))]
    width = len(plan.table.headers)
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    both_ways(plan, rows)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_column_wise_equals_row_by_row_on_mostly_good_rows(
    plans: dict[str, Plan], data: st.DataObject
) -> None:
    """Mostly the fast path: good rows with a bad cell here and there."""
    plan = plans[data.draw(st.sampled_from(sorted(plans)))]
    headers = plan.table.headers
    good = [GOOD[header] for header in headers]
    rows = []
    stamps = [index for index, header in enumerate(headers) if header == "Created"]
    for _ in range(data.draw(st.integers(1, 30))):
        row = list(good)
        if data.draw(st.booleans()):
            row[data.draw(st.integers(0, len(row) - 1))] = data.draw(CELL)
        for index in stamps:  # a column of distinct timestamps, as most exports write
            if data.draw(st.booleans()):
                row[index] = data.draw(STAMPS)
        rows.append(row)
    both_ways(plan, rows)


class Counting(Converter):
    """A converter that counts the rows it converts one by one."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self.rows = 0

    def convert(self, row: RawRow) -> ImportedLead | RowProblem:
        self.rows += 1
        return super().convert(row)


def test_good_rows_take_the_column_path(plans: dict[str, Plan]) -> None:
    """A clean file's rows never fall back to the row-by-row path; a bad
    cell sends just its row there."""
    plan = plans["wide"]
    good = [GOOD[header] for header in plan.table.headers]
    converter = Counting(plan)
    leads = Columns(converter).convert([RawRow(2, list(good)), RawRow(3, list(good))])
    assert converter.rows == 0
    bad = list(good)
    bad[plan.table.headers.index("Status")] = "N/A"
    Columns(converter).convert([RawRow(2, list(good)), RawRow(3, bad)])
    assert converter.rows == 1
    assert all(isinstance(lead, ImportedLead) for lead in leads)
    assert isinstance(leads[0], ImportedLead)
    assert leads[0].custom == {"Lead Number": "660737", "City": "Oslo", "Size": "12"}


@pytest.mark.parametrize(
    "stamp",
    [
        "1900-01-01 00:00:00", "2200-12-31T23:59:59", "1899-12-31 23:59:59",
        "2201-01-01 00:00:00", "2025-02-29 09:00:00", "2024-02-29 09:00:00",
        "2025-01-01 24:00:00", "2025-01-01 09:00:60", "٢٠٢٥-01-01 09:00:00",
    ],
)  # fmt: skip
def test_a_column_of_timestamps_reads_as_row_by_row(plans: dict[str, Plan], stamp: str) -> None:
    """Timestamps are read in C a whole column at a time: the years and
    days read_date refuses must be refused there too."""
    plan = plans["wide"]
    headers = plan.table.headers
    rows = [[GOOD[header] for header in headers] for _ in range(3)]
    rows[1][headers.index("Created")] = stamp
    both_ways(plan, rows)


def test_broken_rows_keep_their_place(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Name,Email\nAnn,a@x.com\nBob,b@x.com,extra\nCy,c@x.com\n", "utf-8")
    items = list(converted(Converter(plan_import(source))))
    assert [type(item) for item in items] == [ImportedLead, RowProblem, ImportedLead]
    assert [item.line for item in items] == [2, 3, 4]
