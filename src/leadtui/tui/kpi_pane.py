"""The KPIs tab: leads per stage, conversion, pipeline value, leads by source."""

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from leadtui.kpis import DEFINITIONS, KpiSummary
from leadtui.models import format_money
from leadtui.repository.scoring_store import CalibrationRow
from leadtui.tui.dbwork import run_db

BAR_WIDTH = 30


def _bar(count: int, largest: int) -> str:
    return "█" * (round(BAR_WIDTH * count / largest) if largest else 0)


def calibration_parts(rows: list[CalibrationRow]) -> list[str | tuple[str, str]]:
    """Closed leads per rule-score band and the share won: a score worth
    trusting shows win rates falling from the top band down."""
    parts: list[str | tuple[str, str]] = [
        "\n\n",
        ("Rule score vs outcome", "bold underline"),
        "\n",
        (f"  {DEFINITIONS['score_calibration']}", "dim"),
        "\n",
    ]
    if not rows:
        return [*parts, "No closed leads yet."]
    parts.append(("Score      Closed   Won\n", "bold"))
    for row in rows:
        rate = row.win_rate or 0.0
        parts += [
            f"{row.band:<9}{row.closed:>8,}  {rate:>4.0%}  ",
            ("█" * round(rate * BAR_WIDTH / 2), "green"),
            "\n",
        ]
    return parts


def kpi_content(summary: KpiSummary, calibration: list[CalibrationRow] | None = None) -> Content:
    """Every figure with its definition; only fixed labels and numbers."""
    largest = max((total.count for total in summary.stages), default=0)
    conversion = "n/a" if summary.conversion is None else f"{summary.conversion:.1%}"
    parts: list[str | tuple[str, str]] = [("Leads per stage", "bold underline"), "\n"]
    for total in summary.stages:
        parts += [
            f"{total.stage.label:<12}{total.count:>9,}  ",
            (_bar(total.count, largest), "green"),
            "\n",
        ]
    parts += [
        "\n",
        ("Conversion  ", "bold"),
        conversion,
        "\n",
        (f"  {DEFINITIONS['conversion']}", "dim"),
        "\n",
        ("Pipeline    ", "bold"),
        format_money(summary.pipeline_value_cents),
        "   weighted ",
        format_money(summary.weighted_pipeline_cents),
        "\n",
        (f"  {DEFINITIONS['pipeline_value']}; weighted: {DEFINITIONS['weighted_pipeline']}", "dim"),
        "\n\n",
        ("Leads by source", "bold underline"),
        "\n",
    ]
    for source, count in summary.by_source.items():
        parts.append(f"{source.value:<12}{count:>9,}\n")
    if calibration is not None:
        parts += calibration_parts(calibration)
    return Content.assemble(*parts).rstrip()


class KpiPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="kpi-body", markup=False)

    def reload(self) -> None:
        run_db(
            self,
            lambda repo: (repo.kpi_summary(), repo.calibration()),
            lambda loaded: self.query_one("#kpi-body", Static).update(kpi_content(*loaded)),
            key="kpis",
        )
