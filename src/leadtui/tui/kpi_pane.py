"""The KPIs tab: leads per stage, conversion, pipeline value, leads by source."""

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from leadtui.kpis import DEFINITIONS, KpiSummary
from leadtui.models import format_money
from leadtui.tui.dbwork import run_db

BAR_WIDTH = 30


def _bar(count: int, largest: int) -> str:
    return "█" * (round(BAR_WIDTH * count / largest) if largest else 0)


def kpi_content(summary: KpiSummary) -> Content:
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
    return Content.assemble(*parts).rstrip()


class KpiPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="kpi-body", markup=False)

    def reload(self) -> None:
        run_db(
            self,
            lambda repo: repo.kpi_summary(),
            lambda summary: self.query_one("#kpi-body", Static).update(kpi_content(summary)),
            key="kpis",
        )
