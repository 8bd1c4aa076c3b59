"""The words people and other systems use for the same thing, compared in one
normalised spelling: "Lead Source", "lead_source" and "leadSource" are one
header, "Trade Show" and "tradeshow" one source. Both quick-add and the
importer read source names from here."""

import re
from functools import lru_cache
from typing import TypeVar

from leadtui.domain.models import Source

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


# Letters and digits of every script are kept: "Имя" and "名前" are headers
# (and stage names) too, not blanks.
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """'Lead Source', 'lead_source', 'leadSource', 'Lead - Source' → 'lead source';
    'Имя' → 'имя'."""
    return " ".join(_NOT_WORD.sub(" ", _CAMEL.sub(" ", text.strip()).lower()).split())


@lru_cache(maxsize=65536)
def value_key(value: str) -> str:
    """A cell as compared with the tables below (cells repeat: cached)."""
    return normalise(value)


V = TypeVar("V")


def lookup(table: dict[str, V], value: str) -> V | None:
    return table.get(value_key(value))


# fmt: off
SOURCE_NAMES: dict[str, Source] = {
    **{source.value: source for source in Source},
    **{name: Source.WEBSITE for name in (
        "web", "web site", "organic search", "direct traffic", "seo", "web form", "webform",
        "organic", "google", "search", "landing page", "contact form", "inbound", "chat",
        "live chat", "site",
    )},
    **{name: Source.ADS for name in (
        "ad", "advertisement", "advertising", "paid search", "ppc", "google ads",
        "google adwords", "adwords", "paid social", "banner", "display", "facebook ads",
        "linkedin ads", "paid",
    )},
    **{name: Source.CONTENT for name in (
        "blog", "webinar", "whitepaper", "white paper", "ebook", "e book", "download",
        "case study", "podcast",
    )},
    **{name: Source.EMAIL for name in (
        "e mail", "email marketing", "newsletter", "mailing", "email campaign",
    )},
    **{name: Source.EVENT for name in (
        "events", "trade show", "tradeshow", "conference", "meetup", "seminar", "expo",
        "seminar internal",
    )},
    **{name: Source.SOCIAL for name in (
        "social media", "facebook", "linkedin", "twitter", "x", "instagram", "organic social",
        "youtube", "tiktok",
    )},
    **{name: Source.OUTBOUND for name in (
        "cold call", "cold email", "purchased list", "list", "self generated", "prospecting",
        "sales generated", "direct mail",
    )},
    **{name: Source.REFERRAL for name in (
        "referrals", "employee referral", "external referral", "word of mouth",
        "customer referral", "existing customer", "friend", "employee", "recommendation",
    )},
    **{name: Source.PARTNER for name in (
        "partner referral", "partners", "reseller", "channel partner", "affiliate",
    )},
    **{name: Source.OTHER for name in (
        "other campaigns", "offline", "offline sources", "phone inquiry", "campaign",
        "public relations",
    )},
}
# fmt: on
