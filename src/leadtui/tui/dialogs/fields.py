"""The text fields of every dialog. What a rep types or pastes is cleaned
as it goes in (domain.sanitize.clean_typed): a pasted escape sequence, C1
control or bidi mark is never echoed to the terminal, and never saved. A
field keeps its text when focused (no select-all), so a key typed after
↓ or tab adds to what is there instead of replacing it."""

from dataclasses import replace
from typing import Any

from textual import events
from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from leadtui.domain.sanitize import clean_typed


class TextField(Input):
    def __init__(self, value: str | None = None, placeholder: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, placeholder, **kwargs)

    def validate_value(self, value: str) -> str:
        # Every way text gets in (typing, pasting, `value = ...`) ends here.
        return clean_typed(value)

    def replace(self, text: str, start: int, end: int) -> None:
        # Cleaned before the cursor moves past it, so the cursor lands right.
        super().replace(clean_typed(text), start, end)

    def on_paste(self, event: events.Paste) -> None:
        # Input keeps a paste's first line only: a row copied from a sheet or
        # a signature lost all after its first break. Here the whole paste
        # goes in, its breaks and tabs as spaces; prevent_default
        # keeps Input's own handler from adding the first line again.
        event.prevent_default()
        event.stop()
        # splitlines: \r\n, U+2028 and the other breaks too; blank lines go.
        text = " ".join(line for line in event.text.splitlines() if line.strip())
        if text:
            start, end = sorted(self.selection)
            self.replace(text, start, end)


class TextBox(TextArea):
    """A few lines (a note, an email's body): line breaks are kept."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(clean_typed(text, multi_line=True), **kwargs)

    def load_text(self, text: str) -> None:
        super().load_text(clean_typed(text, multi_line=True))

    def edit(self, edit: Edit) -> EditResult:
        return super().edit(replace(edit, text=clean_typed(edit.text, multi_line=True)))
