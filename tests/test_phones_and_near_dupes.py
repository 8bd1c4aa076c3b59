"""Phones match as E.164 numbers, national ones read in the team's region;
near-duplicates (close names at one company, one name at close companies)
are flagged after the exact ones and never merged by themselves."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.dedupe import phone_key
from leadtui.domain.models import build_draft
from leadtui.domain.near_dupes import close_companies, close_names, close_pairs
from leadtui.repository import Repository
from tests.conftest import both_clis_full, both_engines, query_plan


def ok(*args: str) -> str:
    result: Result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("numbers", "region"),
    [
        (("+44 20 7946 0001", "0044 20 7946 0001", "020 7946 0001", "+44 (0)20 7946 0001"), "GB"),
        (("(415) 555-0100", "+1 415 555 0100", "1-415-555-0100", "415.555.0100 x12"), "US"),
    ],
)
def test_one_number_written_every_way_is_one_key(numbers: tuple[str, ...], region: str) -> None:
    assert len({phone_key(number, region) for number in numbers}) == 1
    assert str(phone_key(numbers[0], region)).startswith("+")


def test_without_a_region_only_international_numbers_are_read() -> None:
    assert phone_key("+44 20 7946 0001") == "+442079460001"
    assert phone_key("020 7946 0001") == "02079460001"  # its digits, as before


def test_a_number_that_cannot_be_read_keeps_its_digits() -> None:
    assert phone_key("999 999 999 999", "GB") == "999999999999"
    assert phone_key("12345", "GB") is None  # too short to identify anyone


@both_clis_full
def test_setting_the_region_makes_national_numbers_match(db: str) -> None:
    ok("add", "Ann", "--phone", "020 7946 0001", "--db", db)
    ok("add", "Ann B", "--phone", "+44 20 7946 0001", "--db", db)
    assert ok("dupes", "--db", db).strip() == "no likely duplicates"
    assert (
        ok("setting", "region", "gb", "--db", db).strip() == "region = GB (1 phone key recomputed)"
    )
    [group] = json.loads(ok("dupes", "--json", "--db", db))
    assert group["why"] == "same phone"
    assert [lead["phone"] for lead in group["leads"]] == ["020 7946 0001", "+44 20 7946 0001"]
    # The new lead's national number is read in the region too.
    out = CliRunner().invoke(main, ["quick", "Cy 0044 20 7946 0001", "--db", db])
    assert out.exit_code == 1 and "same phone" in out.output


@both_engines
def test_a_us_number_written_two_ways_is_a_duplicate(repo: Repository) -> None:
    repo.set_phone_region("US")
    lead_id = repo.add_lead(build_draft(name="Bo", phone="(415) 555-0100"))
    [(lead, why)] = repo.possible_duplicates(phone="+1 415 555 0100")
    assert (lead.id, why) == (lead_id, "same phone")
    assert repo.get_lead(lead_id).phone == "(415) 555-0100"  # shown as typed


@both_engines
def test_two_secondary_numbers_that_become_one_keep_both_rows(repo: Repository) -> None:
    kept = repo.add_lead(build_draft(name="Bo", phone="+1 415 555 0100"))
    national = repo.add_lead(build_draft(name="Bo", phone="020 7946 0001"))
    written_in_full = repo.add_lead(build_draft(name="Bo", phone="+44 20 7946 0001"))
    repo.merge_leads(kept, national, picks={"phone": "keep"})
    repo.merge_leads(kept, written_in_full, picks={"phone": "keep"})
    assert [c.value for c in repo.get_lead(kept).contacts] == ["020 7946 0001", "+44 20 7946 0001"]
    # In GB both read +442079460001, which the lead holds once: the national
    # one keeps its old key rather than the region being refused.
    assert repo.set_phone_region("GB") == ("GB", 1)
    assert [c.value for c in repo.get_lead(kept).contacts] == ["020 7946 0001", "+44 20 7946 0001"]
    [(found, why)] = repo.possible_duplicates(phone="020 7946 0001")
    assert (found.id, why) == (kept, "same phone (secondary)")


# ------------------------------------------------------------ near-duplicates


def test_close_names_and_companies_are_scored() -> None:
    assert [name for name, _ in close_names("jon smith", ["john smith", "dan smith", "jon smith"])]\
        == ["john smith"]  # fmt: skip
    assert close_names("ann lee", ["dan lee"]) == []
    assert [c for c, _ in close_companies("acme", ["acme inc.", "acme", "globex"])] == ["acme inc."]
    assert close_pairs(["jon smith", "john smith", "ann lee", "dan lee"]) == [
        ("john smith", "jon smith")
    ]


def test_close_pairs_in_a_big_company_still_find_a_typo() -> None:
    names = [f"{first} {last}" for first in ("ann", "bo", "cy", "di", "ed", "flo", "gus")
             for last in ("ames", "baker", "cole", "diaz", "evans", "ford", "gray", "hart",
                          "ito", "jones", "king", "lopez", "moss", "nash", "owen", "park",
                          "quinn", "reid", "shaw", "todd", "usher", "vance", "webb", "xu",
                          "york", "zane", "abbot", "banks", "cruz", "drake", "ellis", "frost",
                          "grant", "hayes", "irwin", "jett", "kemp", "lane", "mays", "noel",
                          "ortiz", "pace", "rowe", "stone")]  # fmt: skip
    assert len(names) > 300  # compared by neighbours, not all against all
    pairs = close_pairs([*names, "ann smith", "ann smyth", "zoe quinn", "zoey quinn"])
    assert {("ann smith", "ann smyth"), ("zoe quinn", "zoey quinn")} <= set(pairs)


@both_engines
def test_quick_add_flags_a_close_name_after_the_exact_matches(repo: Repository) -> None:
    john = repo.add_lead(build_draft(name="John Smith", company="Acme"))
    exact = repo.add_lead(build_draft(name="Jon Smith", company="Acme Inc", email="js@acme.io"))
    repo.add_lead(build_draft(name="Dan Smith", company="Globex"))
    found = repo.possible_duplicates(email="JS@acme.io", name="Jon Smith", company="Acme")
    assert [(lead.id, why) for lead, why in found] == [
        (exact, "same email"),
        (john, "close name at the same company"),
    ]
    found = repo.possible_duplicates(name="John Smith", company="ACME, Inc.")
    assert [(lead.id, why) for lead, why in found] == [(john, "same name at a close company")]
    assert repo.count_leads() == 3  # flagged, never merged


@both_clis_full
def test_dupes_lists_close_names_after_the_exact_groups(db: str) -> None:
    ok("add", "Jon Smith", "--company", "Acme", "--db", db)
    ok("add", "John Smith", "--company", "ACME", "--db", db)
    ok("add", "Ann Lee", "--email", "ann@x.io", "--db", db)
    ok("add", "Ann L", "--email", "ANN@x.io", "--db", db)
    groups = json.loads(ok("dupes", "--json", "--db", db))
    assert [(g["why"], [lead["id"] for lead in g["leads"]]) for g in groups] == [
        ("same email", [3, 4]),
        ("close name at the same company", [1, 2]),
    ]
    assert ok("list", "--db", db).count("\n") == 4


@both_clis_full
def test_dupes_finds_what_the_quick_add_finds_at_close_companies(db: str) -> None:
    """The tester's steps: the quick-add named all three ("same name at a
    close company"), `dupes` none (close names at the same company only)."""
    ok("add", "Jon Smith", "--company", "Acme Inc.", "--db", db)
    ok("add", "John Smith", "--company", "Acme", "--db", db)
    ok("add", "Jöhn Smith", "--company", "ACME, Inc", "--db", db)
    ok("add", "Jane Roe", "--company", "Globex", "--email", "jr@x.io", "--db", db)
    ok("add", "Jane Roe", "--company", "Globex Corp", "--db", db)
    ok("add", "Jane Roe", "--company", "Globexx", "--db", db)  # close, not one core
    ok("add", "Ann Lee", "--email", "ann@x.io", "--db", db)
    ok("add", "Ann L", "--email", "ANN@x.io", "--db", db)
    quick = CliRunner().invoke(main, ["quick", "John Smith @Acme Inc.", "--db", db])
    assert quick.stderr.count("possible duplicate of") == 3
    groups = json.loads(ok("dupes", "--json", "--db", db))
    assert [(g["why"], [lead["id"] for lead in g["leads"]]) for g in groups] == [
        ("same email", [7, 8]),  # exact matches first
        ("close name at a close company", [1, 2, 3]),
        ("same name at a close company", [4, 5, 6]),  # once, not again for Globexx
    ]


def test_the_close_name_probes_use_the_indexes(repo: Repository, db_path: Path) -> None:
    repo.add_lead(build_draft(name="Jon Smith", company="Acme"))
    for sql, index in (
        (
            "SELECT DISTINCT person_key FROM leads INDEXED BY leads_company_fold"
            " WHERE substr(person_key, instr(person_key, char(31)) + 1) = 'acme'"
            " AND person_key IS NOT NULL",
            "COVERING INDEX leads_company_fold",
        ),
        (
            "SELECT DISTINCT person_key FROM leads INDEXED BY leads_person_key"
            " WHERE person_key >= 'jon smith' AND person_key < 'jon smiti'",
            "COVERING INDEX leads_person_key",
        ),
    ):
        assert index in query_plan(db_path, sql)
