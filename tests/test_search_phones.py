"""`/` finds a lead by its phone number however either was written: the
query read as a number with the team's region, matched on the stored phone
keys (a lead's own and those merges kept), ranked before word matches."""

from leadtui.domain.models import build_draft
from leadtui.domain.search import phone_keys
from leadtui.repository import Repository
from tests.conftest import both_engines


def ids(repo: Repository, text: str) -> list[int]:
    return [lead.id for lead in repo.search(text)]


@both_engines
def test_a_number_typed_any_way_finds_the_lead_first(repo: Repository) -> None:
    repo.set_phone_region("GB")
    jose = repo.add_lead(build_draft(name="José Núñez", phone="020 7946 0001"))
    stored_e164 = repo.add_lead(build_draft(name="Ann Lee", phone="+44 20 7946 0002"))
    # Newer, and its notes hold the same digit runs: a word match only.
    noted = repo.add_lead(build_draft(name="Ref", notes="ticket 020 7946 00019"))
    for typed in ("+44 20 7946 0001", "02079460001", "+442079460001", "0044 20 7946 0001"):
        assert ids(repo, typed)[:1] == [jose], typed
    assert ids(repo, "020 7946 0001") == [jose, noted]  # the number first, then words
    assert ids(repo, "020 7946 0002")[:1] == [stored_e164]
    assert set(ids(repo, "7946")) == {jose, stored_e164, noted}  # digit runs as before


@both_engines
def test_another_countrys_number_and_a_kept_phone_are_found(repo: Repository) -> None:
    fay = repo.add_lead(build_draft(name="Fay Owens", phone="+1 555 0000333"))
    assert ids(repo, "5550000333") == [fay]  # no region: any country's national number
    assert ids(repo, "(555) 000-0333") == [fay]
    kept = repo.add_lead(build_draft(name="Bo Diaz", phone="+1 555 0000444"))
    repo.merge_leads(kept, repo.add_lead(build_draft(name="Bo Diaz", phone="+49 30 1234567")))
    assert ids(repo, "+49 30 1234567") == [kept]  # the merged-away lead's phone, kept


def test_what_reads_as_a_phone_number() -> None:
    keys = phone_keys("020 7946 0001", "GB")
    assert keys is not None and keys.exact[0] == "+442079460001"
    assert "+12079460001" in keys.national  # the same digits as another country's
    international = phone_keys("+44 20 7946 0001", None)
    assert international is not None and international.national == ()
    for not_a_number in ("7946", "808", "acme 0207946", "020 7946 x"):
        assert phone_keys(not_a_number, "GB") is None
