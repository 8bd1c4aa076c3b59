"""The `e` form's labels fit their 14 cells: a custom field's longer name
(an import brought it) is cut with "…", and shown whole under its field
while the field has focus, and as the label's tooltip."""

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from tests.tui_helpers import open_edit_form, settle, wait_until

LONG, WIDE, SHORT = "Preferred contact window", "担当者の部署名と役職", "Region"


def on_screen(widget: Widget) -> bool:
    """Drawn where it is, not scrolled out of its dialog's view."""
    found, _ = widget.screen.get_widget_at(*widget.region.offset)
    return found is widget


async def test_a_cut_label_says_so_and_its_whole_name_is_one_tab_away(
    repo: Repository,
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {f"custom.{n}": "x" for n in (LONG, WIDE, SHORT)})
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        form = await open_edit_form(app, pilot)
        labels = {str(label.render()): label for label in form.query(".field-label")}
        assert {"Preferred con…", "担当者の部署…", "Region"} <= set(labels), list(labels)
        assert labels["Preferred con…"].tooltip == Content(LONG)
        assert labels["Region"].tooltip is None  # not cut: nothing to add
        names = list(form.query(".field-name"))
        assert not any(line.display for line in names)  # nothing until asked
        for name in (LONG, WIDE):
            index = [label for _, label in form.fields].index(name)
            form.query_one(f"#edit-{index}").focus()
            await settle(pilot)
            whole = form.query_one(f"#edit-{index}-name", Static)
            assert whole.display and str(whole.render()) == name
            # Focus scrolls the dialog with an animation: await its end.
            await wait_until(pilot, lambda: on_screen(whole))  # noqa: B023
            assert [line for line in names if line.display] == [whole]
