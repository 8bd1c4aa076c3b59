"""A title above the header (Excel pastes, workbooks made for people) is
read as the title, said in the report, and never taken for the header; a
file of one column keeps its first row as the header."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.importing.title_rows import NO_TITLE, Title, title_above
from leadtui.repository import open_repository


@pytest.mark.parametrize(
    ("rows", "title"),
    [
        (
            [["Leads, March", "", ""], ["", "", ""], ["Name", "Email", "Phone"]],
            Title(2, "Leads, March"),
        ),
        ([["Leads", ""], ["per fair", ""], ["Name", "Email"]], Title(2, "Leads · per fair")),
        ([["Name", "Email"], ["Ann", "a@b.co"]], NO_TITLE),
        ([["Email"], ["a@b.co"], ["b@b.co"]], NO_TITLE),  # one column: never cut
        ([["Email"], ["a@b.co"], ["b@b.co"], ["c@b.co"], ["d@b.co", "late"]], NO_TITLE),
        ([[], ["Name", "Email"]], NO_TITLE),  # a blank first line is no title
        ([["Name"], ["Ann", "Lee"]], NO_TITLE),  # a narrow header: its rows are broken, not it
    ],
    ids=[
        "title-and-blank",
        "two-title-lines",
        "none",
        "one-column",
        "ragged-one-column",
        "blank",
        "narrow-header",
    ],
)
def test_what_counts_as_a_title(rows: list[list[str]], title: Title) -> None:
    assert title_above(rows) == title


def test_a_csv_with_a_title_imports_its_rows_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "pasted.csv"
    source.write_text(
        "Trade fair leads — März 2026,,\n,,\nName,Email,Company\n"
        "Jürgen Groß,jg@example.de,Groß GmbH\n李小龙,li@example.cn,龙公司\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "leads.db")
    result = CliRunner().invoke(main, ["import", str(source), "--db", db])
    assert result.exit_code == 0, result.output
    assert (
        "lines 1-2 above the header (line 3) read as the file's title, not as leads:"
        " 'Trade fair leads — März 2026'" in result.output
    )
    leads = sorted(open_repository(db).all_leads(custom=True), key=lambda lead: lead.id)
    assert [(lead.name, lead.company, lead.custom) for lead in leads] == [
        ("Jürgen Groß", "Groß GmbH", {}),
        ("李小龙", "龙公司", {}),
    ]


def test_rows_under_a_title_keep_their_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "pasted.csv"
    source.write_text("Leads,,\nName,Email,Stage\nAnn,a@b.co,New\nBo,b@b.co\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1, result.output
    assert "line 4: expected 3 fields, found 2" in result.output  # the file's own line
