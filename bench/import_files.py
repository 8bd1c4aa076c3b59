"""Lead files shaped like other systems' exports, for the import bench, the
tests and sample_data/imports/ (deterministic for a seed).

    python -m bench.import_files --out sample_data/imports   # the three samples
    python -m bench.import_files --big /tmp/1m.csv --rows 1000000
"""

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Farah", "Gustavo", "Hiro", "Ines", "José"]
LAST = ["Lee", "Stone", "Müller", "Okafor", "Novak", "Silva", "Tanaka", "O'Brien", "Kaur"]
COMPANIES = ["Acme", "Initech", "Globex", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]
TITLES = ["VP Sales", "CTO", "Office Manager", "Head of IT", "Founder", "Analyst", ""]
_START = datetime(2025, 1, 1, 9, 0)

SALESFORCE_HEADERS = [
    "Lead ID", "Salutation", "First Name", "Last Name", "Title", "Company", "Email", "Phone",
    "Mobile", "Fax", "Lead Source", "Lead Status", "Rating", "Industry", "Annual Revenue",
    "No. of Employees", "Street", "City", "State/Province", "Zip/Postal Code", "Country",
    "Website", "Description", "Lead Owner", "Created Date", "Last Activity", "Email Opt Out",
]  # fmt: skip
SF_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other", "Trade Show"]
SF_STATUSES = [
    "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted",
]  # fmt: skip

# SuiteCRM's Leads export: its database field names, 60 of them.
SUITE_HEADERS = [
    "id", "name", "date_entered", "date_modified", "modified_user_id", "modified_by_name",
    "created_by", "created_by_name", "description", "deleted", "assigned_user_id",
    "assigned_user_name", "salutation", "first_name", "last_name", "title", "photo",
    "department", "do_not_call", "phone_home", "phone_mobile", "phone_work", "phone_other",
    "phone_fax", "email_address", "email_addresses_non_primary", "primary_address_street",
    "primary_address_city", "primary_address_state", "primary_address_postalcode",
    "primary_address_country", "alt_address_street", "alt_address_city", "alt_address_state",
    "alt_address_postalcode", "alt_address_country", "assistant", "assistant_phone",
    "converted", "refered_by", "lead_source", "lead_source_description", "status",
    "status_description", "reports_to_id", "report_to_name", "account_name",
    "account_description", "contact_id", "account_id", "opportunity_id", "opportunity_name",
    "opportunity_amount", "campaign_id", "campaign_name", "birthdate", "portal_name",
    "portal_app", "website", "jjwg_maps_address_c",
]  # fmt: skip
SUITE_SOURCES = ["Cold Call", "Existing Customer", "Self Generated", "Employee", "Partner",
                 "Public Relations", "Direct Mail", "Conference", "Trade Show", "Web Site",
                 "Word of mouth", "Email", "Campaign", "Other"]  # fmt: skip
SUITE_STATUSES = ["New", "Assigned", "In Process", "Converted", "Recycled", "Dead"]

WEBFORM_HEADERS = [
    "Timestamp", "Your Name", "Your Email", "Phone Number", "Company Name", "Job Title",
    "How did you hear about us?", "Budget", "Employees", "Country", "Your Message", "Source",
]  # fmt: skip


def _person(rng: random.Random, index: int) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{rng.choice(COMPANIES)} {index % 97}"
    return first, last, company


def _email(first: str, last: str, index: int) -> str:
    local = f"{first}.{last}".lower().replace("'", "").replace("é", "e").replace("ü", "u")
    return f"{local}{index}@example.com"


def salesforce(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(SALESFORCE_HEADERS)
        for i in range(rows):
            first, last, company = _person(rng, i)
            created = _START + timedelta(hours=7 * i)
            writer.writerow([
                f"00Q5e00000{i:07d}", rng.choice(["Mr.", "Ms.", "Dr.", ""]), first, last,
                rng.choice(TITLES), company, _email(first, last, i),
                f"(555) {rng.randint(100, 999)}-{i % 10000:04d}", rng.choice(["", "+1 555 0199"]),
                "", rng.choice(SF_SOURCES), rng.choice(SF_STATUSES),
                rng.choice(["Hot", "Warm", "Cold", ""]), rng.choice(["Technology", "Retail", ""]),
                f"{rng.randint(1, 900) * 10000}", str(rng.randint(1, 5000)),
                f"{i} Main St", "Boston", "MA", "02110", "USA", f"www.{company.split()[0]}.com",
                rng.choice(["", "Asked for a demo.\nCall back Tuesday.", "=1+1"]), "Maria Lopez",
                created.strftime("%m/%d/%Y %I:%M %p"),
                (created + timedelta(days=3)).strftime("%m/%d/%Y"),
                rng.choice(["0", "1"]),
            ])  # fmt: skip


def suitecrm(path: Path, rows: int, seed: int = 2) -> None:
    """SuiteCRM's leads export, ending in a row cut off mid-quote (a broken
    trailing row, as a truncated download leaves)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(SUITE_HEADERS)
        for i in range(rows):
            first, last, company = _person(rng, i)
            row = dict.fromkeys(SUITE_HEADERS, "")
            row |= {
                "id": f"{i:08x}-1c2d-4e5f-8a9b-{i:012x}", "name": f"{first} {last}",
                "date_entered": (_START + timedelta(hours=5 * i)).strftime("%Y-%m-%d %H:%M:%S"),
                "date_modified": (_START + timedelta(hours=5 * i + 2)).strftime("%Y-%m-%d"),
                "created_by_name": "admin", "deleted": "0", "assigned_user_name": "joe",
                "first_name": first, "last_name": last, "title": rng.choice(TITLES),
                "department": rng.choice(["Sales", "IT", ""]), "do_not_call": "0",
                "phone_work": rng.choice(["", f"+44 20 7946 {i % 10000:04d}"]),
                "phone_mobile": f"+44 7700 9{i % 100000:05d}",
                "email_address": _email(first, last, i), "primary_address_city": "London",
                "primary_address_country": "UK", "lead_source": rng.choice(SUITE_SOURCES),
                "status": rng.choice(SUITE_STATUSES), "account_name": company,
                "opportunity_amount": rng.choice(["", f"{rng.randint(1, 90) * 1000}.00"]),
                "website": f"https://{company.split()[0].lower()}.example", "converted": "0",
            }  # fmt: skip
            writer.writerow(row.values())
    with path.open("a", encoding="utf-8", newline="") as stream:
        stream.write('"ffffffff-0000","Cut Off","2025-03-01 10:00:00","half a row\n')


def webform(path: Path, rows: int, seed: int = 3) -> None:
    """Messy web-form leads: "Select" placeholders, mixed case, blanks,
    decimals, a few bad emails and a few repeat submissions."""
    rng = random.Random(seed)
    hear = ["Google", "google", "LinkedIn", "Friend", "Trade show", "Select", "", "Podcast",
            "Billboard", "FACEBOOK"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(WEBFORM_HEADERS)
        for i in range(rows):
            first, last, company = _person(rng, i)
            repeat = i > 100 and rng.random() < 0.01
            email = _email(first, last, i - 50 if repeat else i)
            if rng.random() < 0.005:
                email = email.replace("@", " at ")
            name = rng.choice([f"{first} {last}", f"{first.upper()} {last.lower()}", first, ""])
            budget = rng.choice(["", "Select", "5000", "1500.5", "2,300.75", "$12k", "10000.00"])
            stamp = _START + timedelta(minutes=41 * i)
            writer.writerow([
                stamp.strftime("%d/%m/%Y %H:%M:%S"), name, email,
                rng.choice(["", f"07{rng.randint(100000000, 999999999)}", "n/a"]),
                rng.choice([company, company.upper(), "", "Select"]), rng.choice(TITLES),
                rng.choice(hear), budget, rng.choice(["", "1-10", "11-50", "51-200", "200+"]),
                rng.choice(["UK", "uk", "United Kingdom", ""]),
                rng.choice(["", "Please call me", "Pricing?", "@competitor asked"]),
                rng.choice(["website", "Website", "WEB", "ads"]),
            ])  # fmt: skip


def big(path: Path, rows: int, seed: int = 4) -> None:
    """The bench's file: Salesforce-shaped, one lead per row, no problems."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                *SALESFORCE_HEADERS[2:8],
                "Lead Source",
                "Lead Status",
                "Rating",
                "Annual Revenue",
                "Lead Owner",
                "Created Date",
                "Description",
            ]
        )
        for i in range(rows):
            first, last, company = _person(rng, i)
            writer.writerow([
                first, last, rng.choice(TITLES), company, _email(first, last, i),
                f"+1 555 {i:07d}", rng.choice(SF_SOURCES), rng.choice(SF_STATUSES),
                rng.choice(["Hot", "Warm", "Cold", ""]), str(rng.randint(1, 900) * 10000),
                rng.choice(["maria", "joe", "li"]),
                (_START + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S"), "Met at a show",
            ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="write the three sample files here")
    parser.add_argument("--big", type=Path, help="write the bench's file here")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        salesforce(args.out / "salesforce_leads.csv", 300)
        suitecrm(args.out / "suitecrm_leads.csv", 200)
        webform(args.out / "webform_leads.csv", 9000)
    if args.big:
        big(args.big, args.rows)


if __name__ == "__main__":
    main()
