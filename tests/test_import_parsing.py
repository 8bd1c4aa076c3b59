"""Import parsing: header auto-mapping, value mappings, amounts, dates, and the
email shortcut (property tests where the input space is open)."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from leadtui.domain.currency import format_money
from leadtui.domain.models import Source, Stage, _check_email
from leadtui.domain.vocabulary import SOURCE_NAMES, lookup, normalise
from leadtui.importing.dates import DateProblem, parse_date
from leadtui.importing.headers import Target, auto_target
from leadtui.importing.values import (
    STAGE_NAMES,
    StageValue,
    ValueProblem,
    parse_amount,
)

# Headers as Salesforce, HubSpot, SuiteCRM, EspoCRM and Pipedrive export them.
HEADERS = {
    # Salesforce
    "First Name": "first_name", "Last Name": "last_name", "Email": "email",
    "Company": "company", "Lead Source": "source", "Lead Status": "stage", "Rating": "temperature",
    "Phone": "phone", "Mobile": "phone", "Title": "title", "Lead Owner": "owner",
    "Created Date": "created_at", "Description": "notes", "Last Activity": "last_touch_at",
    # Salesforce API names, as the Salesforce CLI's data tree export writes them
    "StageName": "stage", "LeadSource": "source", "CloseDate": "expected_close",
    # HubSpot
    "Email Address": "email", "Phone Number": "phone", "Company Name": "company",
    "Job Title": "title", "Lifecycle Stage": "stage", "Original Source": "source",
    "Contact owner": "owner", "Create Date": "created_at", "Last Activity Date": "last_touch_at",
    # SuiteCRM (field names)
    "first_name": "first_name", "last_name": "last_name", "email_address": "email",
    "account_name": "company", "lead_source": "source", "status": "stage",
    "phone_work": "phone", "phone_mobile": "phone", "opportunity_amount": "value",
    "date_entered": "created_at", "assigned_user_name": "owner", "description": "notes",
    # EspoCRM (camelCase)
    "firstName": "first_name", "emailAddress": "email", "phoneNumber": "phone",
    "accountName": "company", "opportunityAmount": "value", "createdAt": "created_at",
    # Pipedrive
    "Person - Name": "name", "Person - Email - Work": "email", "Person - Phone - Work": "phone",
    "Organization - Name": "company", "Deal - Value": "value", "Deal - Stage": "stage",
    "Deal - Status": "stage", "Deal - Owner": "owner", "Deal - Deal created": "created_at",
    "Lead - Lead created": "created_at", "Lead - Source": "source",
    "Deal - Lost reason": "lost_reason",
    # Spreadsheets and forms
    "E-mail": "email", "Organization": "company", "Stage": "stage", "Office Phone": "phone",
    "Amount": "value", "Value": "value", "Date Created": "created_at", "Full Name": "name",
    # Google Contacts (both layouts) and Outlook's CSV export
    "E-mail 1 - Value": "email", "E-mail 2 - Value": "email", "Phone 1 - Value": "phone",
    "Organization 1 - Name": "company", "Organization 1 - Title": "title",
    "Organization Title": "title", "E-mail Address": "email", "E-mail 2 Address": "email",
    # Airtable (a CRM base's grid view)
    "Next Follow-up Date": "follow_up_at", "Lead Name": "name", "Contact Email": "email",
}  # fmt: skip


@pytest.mark.parametrize(("header", "field"), HEADERS.items())
def test_export_headers_map_to_fields(header: str, field: str) -> None:
    assert auto_target(header, [header]) == Target("field", field)


@pytest.mark.parametrize("header", ["Annual Revenue", "Industry", "Lead ID", "Deal - Title"])
def test_other_headers_become_custom_fields_under_their_own_name(header: str) -> None:
    assert auto_target(header, [header]) == Target("custom", header)


@pytest.mark.parametrize(
    "header",
    [
        "No. of Employees", "Employees", "Company Size", "NumberOfEmployees",
        "# of employees", "employee_count", "Headcount",
    ],
)  # fmt: skip
def test_company_size_headers_are_kept_as_the_custom_field_the_scoring_rule_reads(
    header: str,
) -> None:
    assert auto_target(header, [header]) == Target("custom", "employees")


def test_a_leadtui_exports_computed_columns_are_skipped_only_in_a_leadtui_export() -> None:
    ours = ["id", "name", "score", "win_chance", "temperature_pinned", "value_cents", "value"]
    assert auto_target("score", ours).kind == "ignore"
    assert auto_target("id", ours).kind == "ignore"
    assert auto_target("id", ["id", "name"]) == Target("custom", "id")


def test_custom_prefixed_columns_are_custom_fields() -> None:
    assert auto_target("custom.employees", []) == Target("custom", "employees")


def test_normalise_spellings() -> None:
    assert {
        normalise(h) for h in ["Lead Source", "lead_source", "leadSource", " LEAD-SOURCE "]
    } == {"lead source"}


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Open - Not Contacted", StageValue(Stage.NEW)),
        ("Working - Contacted", StageValue(Stage.CONTACTED)),
        ("Closed - Converted", StageValue(Stage.WON)),
        ("Dead", StageValue(Stage.LOST, "dead")),
        ("In Process", StageValue(Stage.ENGAGED)),
        ("Recycled", StageValue(Stage.LOST, "recycled")),
        ("Closed - Not Converted", StageValue(Stage.LOST, "not converted")),
        ("salesqualifiedlead", StageValue(Stage.QUALIFIED)),
        ("OPEN_DEAL", StageValue(Stage.OPPORTUNITY)),
        ("Proposal Made", StageValue(Stage.OPPORTUNITY)),
        ("open", StageValue(None)),
        # Salesforce's default opportunity stages, in their order
        ("Prospecting", StageValue(Stage.NEW)),
        ("Qualification", StageValue(Stage.QUALIFIED)),
        ("Needs Analysis", StageValue(Stage.QUALIFIED)),
        ("Value Proposition", StageValue(Stage.OPPORTUNITY)),
        ("Id. Decision Makers", StageValue(Stage.OPPORTUNITY)),
        ("Perception Analysis", StageValue(Stage.OPPORTUNITY)),
        ("Proposal/Price Quote", StageValue(Stage.OPPORTUNITY)),
        ("Negotiation/Review", StageValue(Stage.OPPORTUNITY)),
        ("Closed Won", StageValue(Stage.WON)),
        ("Closed Lost", StageValue(Stage.LOST, "closed lost")),
    ],
)
def test_stage_values_of_other_crms(text: str, meaning: StageValue) -> None:
    assert lookup(STAGE_NAMES, text) == meaning


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Web", Source.WEBSITE), ("ORGANIC_SEARCH", Source.WEBSITE), ("PAID_SEARCH", Source.ADS),
        ("Partner Referral", Source.PARTNER), ("Purchased List", Source.OUTBOUND),
        ("Word of mouth", Source.REFERRAL), ("Trade Show", Source.EVENT),
        ("SOCIAL_MEDIA", Source.SOCIAL), ("EMAIL_MARKETING", Source.EMAIL),
    ],
)  # fmt: skip
def test_source_values_of_other_crms(text: str, source: Source) -> None:
    assert lookup(SOURCE_NAMES, text) is source


def test_unknown_stage_names_are_not_guessed() -> None:
    assert lookup(STAGE_NAMES, "Nurturing maybe") is None


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("5000", 500_000), ("1500.5", 150_050), ("2,300.75", 230_075), ("$12k", 1_200_000),
        ("1.234,56 €", 123_456), ("USD 1200", 120_000), ("12.345", 1_235),
        ("1.234.567", 123_456_700), ("0.005", 1), ("1.2m", 120_000_000),
    ],
)  # fmt: skip
def test_amounts_as_exports_write_them(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["ten", "-5", "1,2,3", "$", "1e5", "99999999999"])
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_amount(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_amounts_parse_back(cents: int) -> None:
    assert parse_amount(format_money(cents)) == cents
    assert parse_amount(f"${format_money(cents)}") == cents


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)))
def test_dates_in_every_supported_spelling_parse_back(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    expected = moment.replace(tzinfo=UTC)
    assert parse_date(moment.isoformat()) == expected
    assert parse_date(moment.strftime("%Y-%m-%d %H:%M:%S")) == expected
    assert parse_date(moment.strftime("%m/%d/%Y %I:%M:%S %p")) == expected
    assert parse_date(moment.strftime("%d.%m.%Y %H:%M:%S"), day_first=True) == expected
    if expected.timestamp() >= 1e9:  # Unix seconds are read from ten digits up
        assert parse_date(str(int(expected.timestamp()))) == expected
        assert parse_date(str(int(expected.timestamp()) * 1000)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45292", datetime(2024, 1, 1, tzinfo=UTC)),
        ("45400", datetime(2024, 4, 18, tzinfo=UTC)),
        ("45500.5", datetime(2024, 7, 27, 12, tzinfo=UTC)),
        ("45500,5", datetime(2024, 7, 27, 12, tzinfo=UTC)),  # a comma-decimal Excel
        ("45500.75", datetime(2024, 7, 27, 18, tzinfo=UTC)),
        ("10000", datetime(1927, 5, 18, tzinfo=UTC)),
        ("99999", datetime(2173, 10, 13, tzinfo=UTC)),
    ],
)
def test_excel_day_numbers_are_the_days_excel_shows(text: str, expected: datetime) -> None:
    """A spreadsheet's date cell exported as its number: =DATE(2024,1,1) is
    45292 (checked against Excel's and LibreOffice's 1900 system)."""
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025", "123456", "4529", "45292.", "45292.5.5", "-45292"])
def test_numbers_of_other_lengths_are_not_read_as_excel_days(text: str) -> None:
    with pytest.raises(DateProblem):
        parse_date(text)


def test_day_order_and_impossible_dates() -> None:
    assert parse_date("03/04/2025").month == 3
    assert parse_date("03/04/2025", day_first=True).month == 4
    with pytest.raises(DateProblem, match="month/day/year"):
        parse_date("14/03/2025")
    with pytest.raises(DateProblem):
        parse_date("yesterday-ish")


def _slow_email(text: str) -> str | None:
    try:
        return validate_email(text)[1]
    except PydanticCustomError:
        return None


def _fast_email(text: str) -> str | None:
    try:
        return _check_email(text)
    except PydanticCustomError:
        return None


@given(st.emails() | st.text(max_size=40) | st.from_regex(r"[a-z.+]{1,10}@[a-zA-Z.-]{1,20}"))
def test_the_email_shortcut_agrees_with_email_validator(text: str) -> None:
    assert _fast_email(text) == _slow_email(text)
