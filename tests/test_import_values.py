"""What an import makes of the values real files hold: names in every script,
placeholder words, leads without a name, values an enumerated field does not
know, columns whose values are not what their header says, and dates."""

import csv
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.importing.choices import suggestion
from leadtui.importing.dates import DateProblem, read_date
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS, Placeholders, key

X_EDUCATION = Path(__file__).parent / "data" / "imports" / "x_education_leads_sample.csv"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def stored(db: str) -> list[dict[str, object]]:
    result = run("list", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output))


def custom_of(lead: dict[str, object]) -> dict[str, str]:
    custom = lead["custom"]
    assert isinstance(custom, dict)
    return custom


# ------------------------------------------------------------ names, scripts

SCRIPTS = [
    ("Иван Петров", "ООО Ромашка"),
    ("李雷", "腾讯"),
    ("محمد علي", "شركة النور"),
    ("Γιώργος Παπαδόπουλος", "Εταιρεία"),
    ("דוד כהן", "חברה"),
    ("山田太郎", "株式会社"),
    ("김철수", "삼성"),
    ("🙂", "😀 Inc"),
    ("Zoë", "e\u0301cole"),  # a combining acute accent
]


def test_names_in_every_script_come_in_whole(db: str, tmp_path: Path) -> None:
    rows = "".join(
        f"{name},p{i}@example.com,{company}\n" for i, (name, company) in enumerate(SCRIPTS)
    )
    result = run(
        "import", str(write(tmp_path / "s.csv", "Name,Email,Company\n" + rows)), "--db", db
    )
    assert result.exit_code == 0, result.output
    assert [(lead["name"], lead["company"]) for lead in stored(db)] == SCRIPTS
    assert "placeholder" not in result.output  # none of them was read as one


PLACEHOLDERS = Placeholders(DEFAULT_PLACEHOLDERS)


@given(st.sampled_from(DEFAULT_PLACEHOLDERS), st.sampled_from(["", " ", "  "]))
def test_placeholders_are_the_words_in_any_case(word: str, pad: str) -> None:
    for spelling in (word, word.upper(), word.lower(), f"{pad}{word}{pad}"):
        assert spelling.strip() in PLACEHOLDERS


@given(st.text(min_size=1, max_size=20))
def test_nothing_but_the_words_is_a_placeholder(text: str) -> None:
    words = {key(word) for word in DEFAULT_PLACEHOLDERS}
    assert (text in PLACEHOLDERS) == (key(text) in words and len(text) <= 30)


@given(
    st.sampled_from(["", "+", "(", "-", " ", "1", "x"]),
    st.sampled_from([*DEFAULT_PLACEHOLDERS, "Sam", "Nina", "Tina", "555 0100", "Á", "ß"]),
    st.sampled_from(["", "x", "1", ".", ")"]),
    st.sampled_from([str, str.upper, str.lower, str.title]),
)
def test_a_cell_read_by_its_first_characters_is_read_as_by_its_word(
    before: str, word: str, after: str, case: Callable[[str], str]
) -> None:
    # A cell starting with a letter or digit (after a "+" or a bracket, say)
    # is told by that character alone: placeholders and near misses, in
    # every case, must read as their word says.
    text = case(f"{before}{word}{after}")
    words = {key(word) for word in DEFAULT_PLACEHOLDERS}
    assert (text in PLACEHOLDERS) == (key(text) in words and len(text) <= 30)


@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(DEFAULT_PLACEHOLDERS),
            st.builds(str.__add__, st.sampled_from(["+", "(", "-", "n", "S", "ß"]), st.text()),
        ),
        max_size=30,
    ),
    st.sampled_from([DEFAULT_PLACEHOLDERS, ("TBC", "x", "ßx", "--", "n@a")]),
)
def test_no_cell_left_out_of_could_hold_is_a_placeholder(
    cells: list[str], words: tuple[str, ...]
) -> None:
    placeholders = Placeholders(words)
    stripped = [cell.strip() for cell in cells]
    held = set(placeholders.could_hold(stripped))
    assert {i for i, cell in enumerate(stripped) if cell in placeholders} <= held


def test_phones_and_long_emails_are_told_from_placeholders_without_a_lookup() -> None:
    # Each of these took a Python step and a memo miss per cell (every
    # phone starts with "+", a fifth of emails with a letter a placeholder
    # starts with).
    cells = ["+1 555 0100", "(020) 7946 0001", "nina.lee12345@example.com", "sam@x.io", "Jo"]
    assert PLACEHOLDERS.could_hold(cells) == []
    assert PLACEHOLDERS.could_hold(["Select", "nil", "", "n.a.", "--"]) == [0, 1, 3, 4]


def test_placeholder_words_are_set_per_import(db: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "p.csv", "Name,Email,Company,Tier\nAnn,ann@x.com,Select,TBC\nBob,,-,None\n"
    )
    mapping = tmp_path / "m.json"
    result = run(
        "import", str(source), "--placeholder", "TBC", "--save-mapping", str(mapping), "--db", db
    )
    assert result.exit_code == 0, result.output
    assert "placeholder cells read as empty: " in result.output
    assert [(lead["company"], lead["custom"]) for lead in stored(db)] == [(None, {}), (None, {})]
    saved = json.loads(mapping.read_text(encoding="utf-8"))["placeholders"]
    assert "TBC" in saved and "Select" in saved
    # Without the defaults, only the words given are placeholders.
    other = str(tmp_path / "o.db")
    args = ("--no-default-placeholders", "--placeholder", "TBC", "--db", other)
    assert run("import", str(source), *args).exit_code == 0
    got = [(lead["company"], lead["custom"]) for lead in stored(other)]
    assert got == [("Select", {}), ("-", {"Tier": "None"})]
    help_text = run("import", "--help").output
    assert '"Select"' in help_text and "--placeholder WORD" in help_text


# --------------------------------------------------------------- identity


def test_a_lead_needs_an_identity_not_a_name(db: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "i.csv",
        "Lead Number,Email,Company,Phone,City\n"
        "101,ann@x.com,,,Pune\n"
        "102,,Acme,,\n"
        "103,,,+1 555 0100,\n"
        "104,,,,Mumbai\n"
        ",,,,Delhi\n"
        "Select,,,,N/A\n",
    )
    result = run("import", str(source), "--db", db)
    assert [lead["name"] for lead in stored(db)] == [
        "ann@x.com", "Acme", "+1 555 0100", "104 (Lead Number)", "Delhi",
    ]  # fmt: skip
    assert "line 7: nothing identifies this lead: every cell is empty" in result.output
    for said in (
        "1 row had no name and was named after its email",
        "1 row had no name and was named after column 'Lead Number' (e.g. '104 (Lead Number)')",
        "1 row had no name and was named after column 'City' (e.g. 'Delhi')",
    ):
        assert said in result.output


def test_first_and_last_names_beside_a_full_name_are_kept_when_they_differ(
    db: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "n.csv", "Name,First Name,Last Name\nAnn Lee,Ann,Lee\nA. Lee,Annabel,Lee\n"
    )
    assert run("import", str(source), "--db", db).exit_code == 0
    assert [lead["custom"] for lead in stored(db)] == [{}, {"First Name": "Annabel"}]


# ------------------------------------------------------------ enumerations


def test_unknown_values_of_an_enumerated_field_reject_nothing(db: str, tmp_path: Path) -> None:
    rows = ["High in Relevance"] * 2 + ["Might be"] + ["high", "low", "medium"] * 3
    source = write(
        tmp_path / "q.csv",
        "Name,Lead Quality,Rating\n"
        + "".join(
            f"L{i},{quality},{'Hott' if i == 0 else 'hot'}\n" for i, quality in enumerate(rows)
        ),
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert f"read {len(rows)} rows: imported {len(rows)}," in result.output
    lines = result.output.splitlines()
    # Each distinct value once, with its count and the exact option (a close
    # match offered as the value, never applied).
    for said in (
        "  'High in Relevance' (2 rows): --value-map 'fit:High in Relevance=high'",
        "  'Might be' (1 row): --value-map 'fit:Might be=VALUE'",
        "  'Hott' (1 row): --value-map temperature:Hott=hot",
    ):
        assert sum(line.startswith(said) for line in lines) == 1, said
    assert sum("'High in Relevance'" in line for line in lines) == 1
    first, third = stored(db)[0], stored(db)[2]
    assert (first["fit"], first["custom"]) == (
        "unknown", {"Lead Quality": "High in Relevance", "Rating": "Hott"},
    )  # fmt: skip
    assert third["custom"] == {"Lead Quality": "Might be"}
    # The line offered, given back, maps it.
    other = str(tmp_path / "o.db")
    args = ("--value-map", "fit:High in Relevance=high", "--db", other)
    assert run("import", str(source), *args).exit_code == 0
    assert (stored(other)[0]["fit"], stored(other)[0]["custom"]) == ("high", {"Rating": "Hott"})


@pytest.mark.parametrize(
    ("field", "text", "close"),
    [
        ("fit", "High in Relevance", "high"),
        ("fit", "Low in Relevance", "low"),
        ("fit", "Might be", None),
        ("fit", "Medium-High", None),  # two values as close: no suggestion
        ("temperature", "Hott", "hot"),
        ("stage", "Nurturing maybe", "engaged"),
        ("stage", "Closed Won - Expansion", "won"),
        ("source", "Lead Import", None),  # "ad" inside "Lead" is no match
        ("source", "Olark Chat", "website"),
    ],
)
def test_a_close_match_is_suggested_only_when_one_stands_out(
    field: str, text: str, close: str | None
) -> None:
    assert suggestion(field, text) == close


def test_bant_and_lifecycle_words_it_does_not_know_are_kept(db: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "b.csv",
        "Name,bant.budget,lifecycle\nA,yes: approved,mql\nB,Approved,sql\nC,no,Evangelist\n"
        "D,yes,mql\n",
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    leads = stored(db)
    assert leads[1]["custom"] == {"bant.budget": "Approved"}
    assert leads[2]["custom"] == {"lifecycle": "Evangelist"}
    assert "--value-map bant_budget:Approved=VALUE" in result.output
    assert "--value-map lifecycle:Evangelist=VALUE" in result.output


# -------------------------------------------------------- values, not headers


@pytest.mark.parametrize(
    ("header", "values", "field"),
    [
        ("Last Activity", ["Email Opened", "SMS Sent", "Email Opened"], "last_touch_at"),
        ("Email", ["see notes", "ask Bob", "n/a", "x@y.com"], "email"),
        ("Phone", ["after 5pm", "mornings", "+1 555 0100"], "phone"),
        ("Amount", ["big", "small", "medium"], "value"),
        ("Status", ["Ringing", "Busy", "Switched off"], "stage"),
        ("Lead Quality", ["Worst", "Might be", "Not Sure"], "fit"),
    ],
)
def test_a_column_whose_values_are_not_its_headers_field_is_kept_as_custom(
    db: str, tmp_path: Path, header: str, values: list[str], field: str
) -> None:
    text = f"Name,{header}\n" + "".join(f"L{i},{value}\n" for i, value in enumerate(values))
    source = write(tmp_path / "v.csv", text)
    dry = run("import", str(source), "--dry-run", "--db", db)
    assert re.search(rf"{header} +→ custom field '{header}' \(not {field}: ", dry.output), (
        dry.output
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert f"column '{header}' is kept as a custom field, not {field}:" in result.output
    kept = [custom_of(lead).get(header) for lead in stored(db)]
    assert kept == [None if value == "n/a" else value for value in values]
    # --map takes the column as said.
    forced = run("import", str(source), "--map", f"{header}={field}", "--dry-run", "--db", db)
    assert f"{header}  → {field}" in forced.output or f"{header} → {field}" in forced.output


# ------------------------------------------------------------------ dates

WHEN = datetime(2025, 3, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["Mar 14, 2025", "14 Mar 2025", "14-Mar-2025", "March 14th, 2025", "Friday, 14 March 2025",
     "2025-03-14", "03/14/2025", "2025.03.14", "14 mar 2025"],
)  # fmt: skip
def test_dates_as_people_write_them(text: str) -> None:
    assert read_date(text)[0] == WHEN


def test_rfc_2822_dates_keep_their_offset() -> None:
    assert read_date("Fri, 14 Mar 2025 14:05:00 +0100")[0] == WHEN.replace(hour=13, minute=5)


def test_a_close_date_is_the_day_the_file_says_in_its_own_offset(db: str, tmp_path: Path) -> None:
    # Turned to UTC before its day was taken, each of these was a day off.
    source = write(
        tmp_path / "close.csv",
        "Name,Close Date,Created Date\n"
        "Ann,2025-03-14T23:30:00-08:00,2025-03-14T23:30:00-08:00\n"
        "Bo,2025-03-14T01:30:00+09:00,2025-03-14T01:30:00+09:00\n"
        'Cy,"Fri, 14 Mar 2025 23:05:00 -0500",2025-03-14\n',
    )
    assert run("import", str(source), "--db", db).exit_code == 0
    leads = stored(db)
    assert [lead["expected_close"] for lead in leads] == ["2025-03-14"] * 3
    # The moments themselves are stored as the same instants, in UTC.
    assert [lead["created_at"] for lead in leads[:2]] == [
        "2025-03-15T07:30:00+00:00",
        "2025-03-13T16:30:00+00:00",
    ]


@pytest.mark.parametrize(
    "text", ["Email Opened", "May", "2025", "Might be", "15:30", "4 March 2025 10:00 PST"]
)
def test_what_is_not_a_whole_date(text: str) -> None:
    with pytest.raises(DateProblem, match="is not a date"):
        read_date(text)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "12/31/1899", "1/1/2201"])
def test_years_outside_1900_to_2200_are_refused(text: str) -> None:
    with pytest.raises(DateProblem, match="outside the years 1900-2200"):
        read_date(text)


def test_bad_and_ambiguous_dates_are_reported_not_rejected(db: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "d.csv",
        "Name,Created Date,Close Date\nA,03/04/2025,9999-12-31\nB,03/14/2025,2025-06-01\n"
        "C,05/06/2025,soon\nD,,2025-07-01\nE,,2025-08-01\n",
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert (
        "2 dates could be read day or month first (e.g. line 2: '03/04/2025'): read as"
        " month/day/year, line 3 has '03/14/2025' in 'Created Date' (--day-first to change)"
    ) in result.output
    assert "expected_close: 2 rows had no date it can read in 'Close Date'" in result.output
    leads = stored(db)
    assert str(leads[0]["created_at"]).startswith("2025-03-04")
    assert [lead["custom"] for lead in leads] == [
        {"Close Date": "9999-12-31"}, {}, {"Close Date": "soon"}, {}, {},
    ]  # fmt: skip


# ---------------------------------------------------------- a real export


def test_x_education_leads_import_whole_with_no_mapping(db: str, tmp_path: Path) -> None:
    """A real web-form export (tests/data/SOURCES.md): no name column, a date
    header holding categories, a quality column of its own words."""
    with X_EDUCATION.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    result = run("import", str(X_EDUCATION), "--db", db)
    assert result.exit_code == 0, result.output
    assert f"read {len(rows)} rows: imported {len(rows)}, merged 0" in result.output
    assert not (X_EDUCATION.with_name("x_education_leads_sample.rejects.csv")).exists()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == len(set(lines))  # each problem said once
    for said in (
        "column 'Last Activity' is kept as a custom field, not last_touch_at:",
        "column 'Lead Quality' is kept as a custom field, not fit:",
        f"{len(rows)} rows had no name and were named after column 'Lead Number'",
        "placeholder cells read as empty: 'Select' ×",
    ):
        assert any(line.startswith(said) for line in lines), said
    leads = stored(db)
    assert leads[0]["name"] == f"{rows[0]['Lead Number']} (Lead Number)"
    custom = leads[0]["custom"]
    assert isinstance(custom, dict)
    assert custom["Last Activity"] == rows[0]["Last Activity"]
    assert custom["Lead Quality"] == rows[0]["Lead Quality"]
    assert custom["Prospect ID"] == rows[0]["Prospect ID"]


def test_each_column_lands_in_its_own_field(tmp_path: Path) -> None:
    # One row saying something different in every optional field: a field
    # given another's value (the converter builds a lead positionally) shows.
    db = str(tmp_path / "fields.db")
    source = write(
        tmp_path / "fields.csv",
        "Name,Stage,Lost Reason,Rating,Created Date,Follow up,Last Activity,Tags,"
        "Lifecycle,Fit,Tier\n"
        "Ann,Lost,Too dear,Hot,2025-01-02,2025-03-04,2025-02-03,vip,MQL,high,Gold\n",
    )
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    (lead,) = stored(db)
    assert (lead["stage"], lead["lost_reason"], lead["temperature"]) == ("lost", "Too dear", "hot")
    assert str(lead["created_at"]).startswith("2025-01-02")
    assert str(lead["follow_up_at"]).startswith("2025-03-04")
    assert str(lead["last_touch_at"]).startswith("2025-02-03")
    assert (lead["lifecycle"], lead["fit"]) == ("mql", "high")
    assert custom_of(lead) == {"Tier": "Gold"}


@pytest.mark.parametrize(
    ("cell", "tags"),
    [
        ('"VIP","Blog"', ["blog", "vip"]),  # Mailchimp's TAGS: each tag quoted
        ('"Trade show, 2025", "Partner"', ["partner", "trade show, 2025"]),
        ("VIP, expo;  2026", ["2026", "expo", "vip"]),
    ],
)
def test_tags_written_as_quoted_items_lose_their_quotes(
    cell: str, tags: list[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "tags.db")
    quoted = '"' + cell.replace('"', '""') + '"'
    source = write(tmp_path / "audience.csv", f"Email Address,TAGS\nmc@example.com,{quoted}\n")
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    (lead,) = stored(db)
    assert lead["tags"] == tags
