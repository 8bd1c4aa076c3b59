"""The domain's data: enums, validated input, and the records the screens show.

Validation and text sanitising happen here, once. Every str field of every
model passes through `sanitize`, so nothing stored can carry terminal escape
sequences, whatever the front end or import path it came from.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from leadtui.domain.clock import DAY_RANGE, FIRST_DAY, LAST_DAY
from leadtui.domain.contact_check import Contact, _check_phone
from leadtui.domain.contact_check import _check_email as _check_email  # tests use it
from leadtui.domain.currency import (
    DEFAULT_CURRENCY,
    check_currency,
    format_money,
    parse_amount,
    units_value,
)
from leadtui.domain.errors import InvalidInput
from leadtui.domain.field_errors import describe_validation_error
from leadtui.domain.sanitize import clean_custom_name, clean_line, clean_text, shown_name


class Stage(StrEnum):
    """The board's columns, in pipeline order; Won and Lost close a lead."""

    NEW = "new"
    CONTACTED = "contacted"
    ENGAGED = "engaged"
    QUALIFIED = "qualified"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Temperature(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


class Source(StrEnum):
    """Where a lead came from: marketing, direct sales, or a referral."""

    WEBSITE = "website"
    ADS = "ads"
    CONTENT = "content"
    EMAIL = "email"
    EVENT = "event"
    SOCIAL = "social"
    OUTBOUND = "outbound"
    REFERRAL = "referral"
    PARTNER = "partner"
    OTHER = "other"


class Lifecycle(StrEnum):
    """How far along the buying journey a lead is (DOMAIN.md): a different
    axis from the board's stage, though the stage pushes it forward."""

    PROSPECT = "prospect"
    IQL = "iql"  # information-qualified: gave contact details
    MQL = "mql"  # marketing-qualified: engaged, fits the profile
    SQL = "sql"  # sales-qualified: vetted by sales, clear need
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"

    @property
    def label(self) -> str:
        return self.value.upper() if self.value.endswith("ql") else self.value.capitalize()

    @property
    def rank(self) -> int:
        return _LIFECYCLE_RANK[self]


_LIFECYCLE_RANK = {lifecycle: rank for rank, lifecycle in enumerate(Lifecycle)}


class Fit(StrEnum):
    """Quality: how well the lead matches the target customer."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    UNKNOWN = "unknown"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# BANT, in its order: can they pay, can they decide, do they need it, soon?
BANT_CRITERIA = ("budget", "authority", "need", "timeline")
BANT_PREFIX = "bant."
BANT_NOTE_LIMIT = 200
# Qualifying a lead with fewer BANT answers of yes than this asks first.
BANT_YES_TO_QUALIFY = 3


class BantAnswer(BaseModel):
    """One BANT criterion: yes, no or unknown, with a short note."""

    model_config = ConfigDict(frozen=True)

    answer: Answer = Answer.UNKNOWN
    note: str = ""

    @field_validator("note", mode="before")
    @classmethod
    def _one_short_line(cls, value: Any) -> Any:
        return clean_line(value).strip()[:BANT_NOTE_LIMIT] if isinstance(value, str) else value

    @classmethod
    def parse(cls, text: str) -> "BantAnswer":
        """ "yes", "no: no budget until Q3", "unknown" (or y/n/?/"") as typed
        in `leadtui set ID bant.budget ...` or the palette."""
        head, _, note = text.partition(":")
        word = head.strip().lower()
        answer = {"y": "yes", "n": "no", "?": "unknown", "": "unknown"}.get(word, word)
        if answer not in Answer.__members__.values():
            said = head.strip()[:40]
            raise InvalidInput(f"answer yes, no or unknown (then ': a note'), not {said!r}")
        return cls(answer=Answer(answer), note=note)

    def text(self) -> str:
        return f"{self.answer.value}: {self.note}" if self.note else self.answer.value


class ActivityKind(StrEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    CONTENT = "content"
    SOCIAL = "social"
    NOTE = "note"


def _clean_single_line(value: Any) -> Any:
    return clean_line(value) if isinstance(value, str) else value


def _clean_multi_line(value: Any) -> Any:
    return clean_text(value).strip() if isinstance(value, str) else value


def _blank_to_none(value: str | None) -> str | None:
    return value or None


Line = Annotated[str, BeforeValidator(_clean_single_line)]
OptionalLine = Annotated[
    str | None, BeforeValidator(_clean_single_line), AfterValidator(_blank_to_none)
]
Text = Annotated[str, BeforeValidator(_clean_multi_line)]


class LeadDraft(BaseModel):
    """What a person (quick-add, CLI, import) supplies to create a lead."""

    model_config = ConfigDict(frozen=True, str_max_length=2000)

    name: Line = Field(min_length=1, max_length=200)
    email: Annotated[
        str | None,
        AfterValidator(_check_email),
        # Before-validators run last-declared first: clean, then blank → None.
        BeforeValidator(_blank_to_none),
        BeforeValidator(_clean_single_line),
    ] = None
    phone: Annotated[OptionalLine, AfterValidator(_check_phone)] = None
    company: OptionalLine = None
    title: OptionalLine = None
    source: Source = Source.OTHER
    owner: OptionalLine = None
    # ISO 4217; None: the team's (`leadtui setting currency`). Before the
    # value, whose text may name a currency too ("€5k", "5k EUR").
    currency: str | None = None
    value_cents: int = Field(default=0, ge=0, le=10**12)
    # Longer than other fields: an import brings whole enquiry texts.
    notes: Text = Field(default="", max_length=20_000)
    expected_close: date | None = None  # when the deal should close

    @field_validator("expected_close", mode="before")
    @classmethod
    def _iso_day(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"a day like 2027-01-31, not {value.strip()[:40]!r}") from None
        if isinstance(value, date) and not FIRST_DAY <= value <= LAST_DAY:
            raise ValueError(f"{value.isoformat()} is outside {DAY_RANGE}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _currency_of_value(cls, data: Any, info: ValidationInfo) -> Any:
        """ "€5k" as the value says the currency, unless one is given."""
        text = data.get("value_cents") if isinstance(data, dict) else None
        if isinstance(text, str) and not data.get("currency"):
            try:
                named = parse_amount(text, _usual(info)).currency
            except InvalidInput:
                named = None  # reported against the value, below
            if named:
                return {**data, "currency": named}
        return data

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_code(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return None if isinstance(value, str) else value
        try:
            return check_currency(value)
        except InvalidInput as error:
            raise ValueError(str(error).removeprefix("currency: ")) from None

    @field_validator("value_cents", mode="before")
    @classmethod
    def _money_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        if not value.strip():  # an empty field means "no value yet"
            return 0
        currency = info.data.get("currency")
        try:
            amount = parse_amount(value, currency or _usual(info))
        except InvalidInput as error:  # pydantic attributes only ValueError to the field
            raise ValueError(str(error)) from None
        if amount.currency and currency and amount.currency != currency:
            given = f"{value.strip()!r} is in {amount.currency}"
            raise ValueError(f"{given} but the currency is {currency}")
        return amount.cents

    @field_validator("source", mode="before")
    @classmethod
    def _source_text(cls, value: Any) -> Any:
        # A Source is a str too: only text is read (an import passes members).
        if isinstance(value, str) and not isinstance(value, Source):
            value = clean_line(value).lower() or Source.OTHER.value
            if value not in Source.__members__.values():
                choices = ", ".join(source.value for source in Source)
                raise ValueError(f"must be one of {choices}")
        return value


def _usual(info: ValidationInfo) -> str | None:
    """The currency a value has unless its text names another: the lead's,
    else the team's, given as the validation context by `usual_currency`."""
    context = info.context
    usual = context.get(USUAL_CURRENCY) if isinstance(context, dict) else None
    return usual if isinstance(usual, str) else None


# The validation context's key for the currency an amount is typed in, so
# "$500" for a team (or a lead) in CAD is CAD: LeadDraft.model_validate(
# fields, context=usual_currency("CAD")).
USUAL_CURRENCY = "usual_currency"


def usual_currency(currency: str | None) -> dict[str, str]:
    return {USUAL_CURRENCY: currency} if currency else {}


def build_draft(usual: str | None = None, /, **fields: Any) -> LeadDraft:
    """Validate user fields into a LeadDraft, turning pydantic's multi-line
    report into one readable line that names the first bad field. `usual`
    is the team's currency, in which a bare `$` may be another dollar."""
    try:
        return LeadDraft.model_validate(fields, context=usual_currency(usual))
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None


# How a custom field is named where it sits beside the standard ones.
CUSTOM_PREFIX = "custom."


def stored_field_name(field: str) -> str:
    """custom.NAME with NAME as it is stored ("custom.Région " is
    custom.Région), so that what is compared, written, journaled and undone
    is one field; any other field as given."""
    if field.startswith(CUSTOM_PREFIX):
        return CUSTOM_PREFIX + clean_custom_name(field.removeprefix(CUSTOM_PREFIX))
    return field


TAG_SEPARATOR = ", "  # tags in one CSV cell or one form field


# A rep's triage state, and a sort key the store derives: left out of exports.
NOT_EXPORTED = ("snoozed_until", "value_rank")


class Lead(BaseModel):
    """A stored lead as the screens and the CLI see it."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    source: Source
    owner: str | None
    stage: Stage
    temperature: Temperature
    score: int
    value_cents: int
    currency: str = DEFAULT_CURRENCY  # ISO 4217: the lead's own, else the team's
    # The value in the team's money as "ranked by value" sorts it (orders.py).
    value_rank: int | None = None
    lost_reason: str | None
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int
    last_touch_at: datetime | None = None
    stage_entered_at: datetime | None = None
    temperature_pinned: bool = False
    win_chance: int = 0  # percent, from the learned model; 0 until one is trained
    follow_up_at: datetime | None = None
    snoozed_until: datetime | None = None  # out of the inbox until then (`s`)
    expected_close: date | None = None
    # Columns an import brought that name no standard field, by their header.
    # Filled where a whole lead is shown or exported; empty in list pages.
    custom: dict[str, str] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)  # filled like `custom`
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    fit: Fit = Fit.UNKNOWN
    # BANT by criterion; a criterion never answered is absent (unknown).
    bant: dict[str, BantAnswer] = Field(default_factory=dict)  # filled like `custom`
    contacts: list[Contact] = Field(default_factory=list)  # filled like `custom`

    def last_activity(self) -> datetime | None:
        """The later of the last touch and the last stage change."""
        moments = [m for m in (self.last_touch_at, self.stage_entered_at) if m is not None]
        return max(moments) if moments else None

    def bant_answer(self, criterion: str) -> BantAnswer:
        return self.bant.get(criterion) or BantAnswer()

    def bant_yes(self) -> int:
        return sum(answer.answer is Answer.YES for answer in self.bant.values())

    def export_dict(self) -> dict[str, Any]:
        """The stable JSON/CSV shape of a lead (money also in whole units)."""
        record = self.model_dump(mode="json", exclude=set(NOT_EXPORTED))
        # One timestamp spelling everywhere (pydantic would write "Z").
        record["created_at"] = self.created_at.isoformat()
        record["updated_at"] = self.updated_at.isoformat()
        record["last_touch_at"] = self.last_touch_at.isoformat() if self.last_touch_at else None
        record["follow_up_at"] = self.follow_up_at.isoformat() if self.follow_up_at else None
        record["stage_entered_at"] = (
            self.stage_entered_at.isoformat() if self.stage_entered_at else None
        )
        record["value"] = units_value(self.value_cents, self.currency)
        record["bant"] = {c: self.bant_answer(c).model_dump(mode="json") for c in BANT_CRITERIA}
        return record

    def money(self) -> str:
        """The value with its currency: "5,000 EUR", "100,000 JPY"."""
        return f"{format_money(self.value_cents, self.currency)} {self.currency}"

    def tag(self) -> str:
        """How messages name a lead: "#8 Ann Lee" ("#8 (no name)": sanitize)."""
        return f"#{self.id} {shown_name(self.name)}"

    def temperature_shown(self) -> str:
        """'cold', or 'cold (pinned)' when set by hand: a pinned 'cold'
        beside a score of 100 read as a mistake."""
        return self.temperature.value + (" (pinned)" if self.temperature_pinned else "")

    def field_text(self, field: str) -> str:
        """A field as text, as the edit form shows it, `leadtui set` takes it
        and the journal records it: "5,000" for the value, tags joined by
        commas, "custom.NAME" for a custom field, "" for nothing."""
        if field == "value":
            return format_money(self.value_cents, self.currency) if self.value_cents else ""
        if field == "tags":
            return TAG_SEPARATOR.join(self.tags)
        if field in SECONDARY_COLUMNS:
            kind = "email" if field == "other_emails" else "phone"
            return TAG_SEPARATOR.join(c.value for c in self.contacts if c.kind == kind)
        if field.startswith(CUSTOM_PREFIX):
            return self.custom.get(field.removeprefix(CUSTOM_PREFIX), "")
        if field == "lifecycle":
            return self.lifecycle.label
        if field.startswith(BANT_PREFIX):
            return self.bant_answer(field.removeprefix(BANT_PREFIX)).text()
        value = getattr(self, field)
        return "" if value is None else str(getattr(value, "value", value))


# A CSV export's secondary contacts: one column per kind, joined by ", ".
SECONDARY_COLUMNS = ("other_emails", "other_phones")
# Columns of a CSV export: every Lead field, plus the value in whole units
# and the secondary contacts; custom fields follow as "custom.NAME" columns.
EXPORT_FIELDS: tuple[str, ...] = (
    *(f for f in Lead.model_fields if f not in ("custom", "bant", "contacts", *NOT_EXPORTED)),
    "value",
    *SECONDARY_COLUMNS,
    *(f"{BANT_PREFIX}{criterion}" for criterion in BANT_CRITERIA),
)


class HistoryEntry(BaseModel):
    """One line of a lead's history: a stage change or a logged touch."""

    model_config = ConfigDict(frozen=True)

    type: Literal["stage_change", "touch", "field_change"]
    at: datetime
    actor: str
    from_stage: Stage | None = None
    to_stage: Stage | None = None
    reason: str | None = None
    kind: ActivityKind | None = None
    note: str | None = None
    field: str | None = None  # a field change: which field, from what to what
    old: str | None = None
    new: str | None = None
    direction: str | None = None  # a touch: inbound or outbound, if known
    body: str | None = None  # a touch: its whole text (an email, the minutes)
    # Written by an undo or a redo (`u`/`U`) of an earlier action, or None.
    action: Literal["undo", "redo"] | None = None
    undone: bool = False  # a touch since taken back by an undo

    @field_validator("action", mode="before")
    @classmethod
    def _plain_action(cls, value: object) -> object:
        return None if value in ("do", "final") else value

    def export_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"type": self.type, "at": self.at.isoformat(), "actor": self.actor}
        if self.type == "stage_change":
            record |= {
                "from": self.from_stage.value if self.from_stage else None,
                "to": self.to_stage.value if self.to_stage else None,
                "reason": self.reason,
            }
        elif self.type == "touch":
            record |= {
                "kind": self.kind.value if self.kind else None,
                "direction": self.direction,
                "note": self.note,
                "body": self.body or "",
            }
        else:
            record |= {"field": self.field, "old": self.old, "new": self.new}
        if self.action:
            record["action"] = self.action
        if self.undone:
            record["undone"] = True
        return record

    def described(self) -> str:
        """The summary, led by ↶/↷ when an undo or a redo wrote the line."""
        replay = {"undo": "↶ undo: ", "redo": "↷ redo: "}.get(self.action or "", "")
        return replay + self.summary()

    def summary(self) -> str:
        if self.type == "stage_change":
            origin = self.from_stage.label if self.from_stage else "created"
            target = self.to_stage.label if self.to_stage else "?"
            suffix = f" ({self.reason})" if self.reason else ""
            return f"{origin} → {target}{suffix}"
        if self.type == "field_change":
            return f"{self.field}: {self.old or '—'} → {self.new or '—'}"
        kind = self.kind.value if self.kind else "touch"
        undone = " (undone)" if self.undone else ""
        return f"{kind}: {self.note or ''}".rstrip(": ") + undone
