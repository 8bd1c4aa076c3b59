"""Finding the same person twice: by email, phone digits, or name at the same
company; the stored keys an older file gets when it is upgraded."""

import sqlite3
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.dedupe import person_key, phone_key
from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository, schema
from tests.conftest import NOW, both_engines, frozen_clock, query_plan


@both_engines
def test_possible_duplicates_by_each_key(repo: Repository) -> None:
    jane = repo.add_lead(build_draft(name="Jane Doe", email="Jane@Acme.io", company="Acme"))
    bob = repo.add_lead(build_draft(name="Bob", phone="+1 (555) 010-0199 x12"))
    jose = repo.add_lead(build_draft(name="José  Núñez", company="Ácme Corp"))
    found = repo.possible_duplicates(email="jane@ACME.io")
    assert [(lead.id, why) for lead, why in found] == [(jane, "same email")]
    found = repo.possible_duplicates(phone="1-555-010-0199")
    assert [(lead.id, why) for lead, why in found] == [(bob, "same phone")]
    found = repo.possible_duplicates(name="jose nunez", company="ACME corp")
    assert [(lead.id, why) for lead, why in found] == [(jose, "same name and company")]
    assert repo.possible_duplicates(name="Jane Doe") == []  # a name alone is too common
    assert repo.possible_duplicates(phone="010-01") == []  # too short to mean anyone


def test_each_probe_uses_an_index(repo: Repository) -> None:
    for sql in (
        "SELECT * FROM leads WHERE lower(email) = lower('a@b.c') AND email IS NOT NULL",
        "SELECT * FROM leads WHERE phone_key = '5550100'",
        "SELECT * FROM leads WHERE person_key = 'x'",
    ):
        assert "USING INDEX" in query_plan(repo.path, sql), sql


def test_a_version_3_file_gets_its_keys_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    with sqlite3.connect(path) as conn:
        for step in schema.MIGRATIONS[:3]:
            conn.executescript(step)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO leads (name, company, phone, created_at, updated_at, stage_entered_at)"
            " VALUES ('Ann Lee', 'Acme', '+44 20 7946 0001', ?, ?, ?)",
            [NOW.isoformat()] * 3,
        )
    repo = open_repository(path, clock=frozen_clock)
    with sqlite3.connect(path) as conn:
        keys = conn.execute("SELECT phone_key, person_key FROM leads").fetchone()
    assert keys == (phone_key("+44 20 7946 0001"), person_key("Ann Lee", "Acme"))
    assert [lead.name for lead, _ in repo.possible_duplicates(phone="442079460001")] == ["Ann Lee"]


def _folded_by_unicode(text: str) -> str:
    """person_key's folding written out: NFKD of the case-folded text,
    combining marks dropped, spacing collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


ASCII = st.text(alphabet=st.characters(max_codepoint=127))


@given(ASCII, ASCII)
def test_an_ascii_name_and_company_fold_as_any_text_does(name: str, company: str) -> None:
    # ASCII takes a shortcut (no normalising): the key must not change.
    expected = f"{_folded_by_unicode(name)}\x1f{_folded_by_unicode(company)}"
    assert person_key(name, company) == (expected if name and company else None)
