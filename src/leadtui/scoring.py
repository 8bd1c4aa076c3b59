"""The rule score: a 0-100 number that ranks the inbox, with its reasons. Pure.

Each rule that fires contributes points and a label, so a rep can see why a
lead scores what it does. A configurable and learned score come later; they
return the same `Score` shape.
"""

from dataclasses import dataclass

from leadtui.models import Source, Temperature

SOURCE_POINTS: dict[Source, int] = {
    Source.REFERRAL: 25,
    Source.PARTNER: 20,
    Source.EVENT: 15,
    Source.WEBSITE: 10,
    Source.CONTENT: 8,
    Source.OUTBOUND: 5,
    Source.EMAIL: 5,
    Source.SOCIAL: 5,
    Source.ADS: 5,
    Source.OTHER: 0,
}
DECISION_MAKER_WORDS = (
    "ceo",
    "cto",
    "cfo",
    "coo",
    "founder",
    "owner",
    "chief",
    "vp",
    "director",
    "head",
)
MANAGER_WORDS = ("manager", "lead")
HOT_AT = 70
WARM_AT = 40


@dataclass(frozen=True)
class ScoreInput:
    source: Source
    title: str | None
    has_email: bool
    has_phone: bool
    has_company: bool
    value_cents: int
    touches: int = 0


@dataclass(frozen=True)
class Score:
    points: int
    reasons: tuple[tuple[int, str], ...]

    @property
    def temperature(self) -> Temperature:
        return temperature_for(self.points)


def temperature_for(points: int) -> Temperature:
    if points >= HOT_AT:
        return Temperature.HOT
    return Temperature.WARM if points >= WARM_AT else Temperature.COLD


def _title_points(title: str | None) -> tuple[int, str] | None:
    words = set((title or "").lower().replace(",", " ").replace("-", " ").split())
    if words & set(DECISION_MAKER_WORDS):
        return 20, "decision maker title"
    if words & set(MANAGER_WORDS):
        return 10, "manager title"
    return None


def _value_points(value_cents: int) -> tuple[int, str] | None:
    if value_cents >= 5_000_000:
        return 20, "deal value 50k or more"
    if value_cents >= 1_000_000:
        return 10, "deal value 10k or more"
    return (5, "has a deal value") if value_cents > 0 else None


def score(lead: ScoreInput) -> Score:
    reasons: list[tuple[int, str]] = []
    if source_points := SOURCE_POINTS[lead.source]:
        reasons.append((source_points, f"{lead.source.value} source"))
    for rule in (_title_points(lead.title), _value_points(lead.value_cents)):
        if rule:
            reasons.append(rule)
    contact = sum((lead.has_email, lead.has_phone, lead.has_company))
    if contact:
        reasons.append((5 * contact, "contact details given"))
    if lead.touches:
        reasons.append((min(20, 5 * lead.touches), f"{lead.touches} logged touches"))
    total = max(0, min(100, sum(points for points, _ in reasons)))
    return Score(total, tuple(reasons))
