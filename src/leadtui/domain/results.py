"""What the repository hands back to both front ends: plain result types,
with no storage in them, so that the CLI, the TUI and the formatters can use
them without importing the storage package."""

from dataclasses import dataclass, field

from leadtui.domain import kpis, scoring
from leadtui.domain.imported import RowProblem
from leadtui.domain.kpis import Headline, Outcomes, SourceRow, Velocity
from leadtui.domain.learned import Decile, Factor, FeatureSpec, Model
from leadtui.domain.learned_metrics import CrossValidation, Leak
from leadtui.domain.models import Lead, Source, Stage

DUPLICATE_POLICIES = ("skip", "merge", "create")


@dataclass(frozen=True)
class Duplicate:
    line: int
    lead_id: int
    why: str  # "same email" or "same phone"
    values: list[str]  # the row as read
    # A merged row's values the lead did not take, as domain/row_merge.py
    # names them ("company 'Acme Ltd' (kept 'Acme')"): for the rejects file.
    not_taken: tuple[str, ...] = ()


@dataclass
class ImportOutcome:
    read: int = 0
    imported: int = 0
    merged: int = 0
    created_anyway: int = 0
    committed: bool = False
    rejected: list[RowProblem] = field(default_factory=list)
    skipped: list[Duplicate] = field(default_factory=list)
    merged_into: list[Duplicate] = field(default_factory=list)
    # A dry run's merges into a lead the same file would create, past the
    # rows it keeps to compare them with: what they would not take is not told.
    merges_unchecked: int = 0
    first_id: int | None = None
    last_id: int | None = None


@dataclass(frozen=True)
class Rated:
    """Both scores of one lead, as computed now, with their explanations."""

    rule: scoring.Score
    chance: float | None  # None without a trained model
    factors: tuple[Factor, ...]
    is_open: bool


@dataclass(frozen=True)
class ScoreDetails:
    lead: Lead
    rated: Rated
    model: Model | None
    no_model_reason: str | None
    # A closed lead's rule score recomputed as of its close (its fields as
    # they are now): its reasons are those it closed with when they come to
    # the score it keeps. None for an open lead.
    at_close: scoring.Score | None = None
    # Why the lead could not be scored now (the scoring rules file cannot be
    # used): `rated` is then the score as stored, with no reasons.
    rules_problem: str | None = None

    def close_reasons(self) -> tuple[tuple[int, str], ...] | None:
        """The reasons behind the score a closed lead closed with, or None
        when they cannot be told: an edit, a rules change or a touch logged
        since its close gives a score other than the one it keeps."""
        if self.at_close is None or self.at_close.points != self.lead.score:
            return None
        return self.at_close.reasons


@dataclass(frozen=True)
class TrainReport:
    model: Model | None
    reason: str | None  # why no model, when there is none
    seconds: float
    changed: int  # open leads whose stored win chance changed (closed too with closed_too)


@dataclass(frozen=True)
class Evaluation:
    n_train: int
    n_test: int
    auc: float | None
    log_loss: float | None
    baseline_log_loss: float | None  # everyone given the training win rate
    deciles: list[Decile]
    strongest: list[Factor] = field(default_factory=list)
    features: tuple[FeatureSpec, ...] = ()
    ece: float | None = None  # expected calibration error, 10 bins
    leaks: tuple[Leak, ...] = ()  # fields that alone predict the outcome almost perfectly
    cross_validation: CrossValidation | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "auc": None if self.auc is None else round(self.auc, 4),
            "log_loss": None if self.log_loss is None else round(self.log_loss, 4),
            "baseline_log_loss": (
                None if self.baseline_log_loss is None else round(self.baseline_log_loss, 4)
            ),
            "ece": None if self.ece is None else round(self.ece, 4),
            "n_train": self.n_train,
            "n_test": self.n_test,
            "deciles": [decile.as_dict() for decile in self.deciles],
            "cross_validation": (
                None if self.cross_validation is None else self.cross_validation.as_dict()
            ),
            "leaks": [{"feature": leak.feature, "auc": round(leak.auc, 4)} for leak in self.leaks],
            "features": [spec.label for spec in self.features],
            "fields": [spec.choice for spec in self.features],
            "strongest_factors": [
                {"feature": f.feature, "value": f.value, "ratio": round(f.ratio, 3)}
                for f in self.strongest
            ],
        }


@dataclass(frozen=True)
class CalibrationRow:
    band: str
    closed: int
    won: int

    @property
    def win_rate(self) -> float | None:
        return self.won / self.closed if self.closed else None


@dataclass(frozen=True)
class KpiCore:
    """What the created and closed cohorts give: the funnel, the by-source
    table and the outcomes."""

    funnel: list[kpis.FunnelStep]
    sources: list[SourceRow]
    outcomes: Outcomes

    @property
    def headline(self) -> Headline:
        total = kpis.total_row(self.sources)
        return Headline.of(total.leads, total.spend_cents, self.outcomes)


@dataclass(frozen=True)
class KpiTimes:
    time_in_stage: dict[Stage, float | None]
    velocity: Velocity


@dataclass(frozen=True)
class SpendEntry:
    source: Source
    month: str
    amount_cents: int


@dataclass(frozen=True)
class SpendLine:
    """A spend file's row as read (importing/spend.py), with the currency
    its amount names (None: none), checked against the team's in the
    transaction that records it."""

    line: int
    entry: SpendEntry
    amount_text: str
    currency: str | None


@dataclass(frozen=True)
class Replayed:
    """What an undo or redo did: "Undid: Lose 3 leads", and which leads."""

    verb: str
    label: str
    lead_ids: tuple[int, ...]
    # Leads a teammate changed while a long undo was being written, which it
    # left as the teammate left them ("#8 Ann and 2 more"), if any.
    left: str = ""

    def message(self) -> str:
        if self.left:
            return f"{self.verb}: {self.label}; {self.left} changed meanwhile, left as they are"
        return f"{self.verb}: {self.label}"


@dataclass(frozen=True)
class DuplicateGroups:
    """`dupes` and "Find duplicates": the groups shown (why, leads), and how
    many there are in all, so that a list cut at its limit can say so."""

    groups: list[tuple[str, list[Lead]]]
    found: int  # groups found, the ones shown among them
    at_least: bool = False  # the close matches were not all read: `found` is a floor

    def left_out(self) -> int:
        return self.found - len(self.groups)

    def counted(self) -> str:
        """'28,298', or 'at least 28,298'."""
        return f"{'at least ' * self.at_least}{self.found:,}"
