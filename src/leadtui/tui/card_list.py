"""A board column's cards drawn with Textual's Line API: each card is
rendered once and kept until it changes, so a card redrawn, added or
removed renders that card (and those that move under it), not the column.

It looks and behaves as the OptionList it replaced (same component
classes and CSS, keys, mouse, and a highlight that wraps at either end):
an OptionList drops every card's render and every line's position
whenever one card changes or goes, and the column's visible cards are
rendered again. Cards are rich Text, never markup (render.card makes
them), of CARD_LINES lines each."""

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Padding, Visual, visualize
from textual.widgets.option_list import Option

from leadtui.tui.line_table import set_virtual_size

CARD_LINES = 2


class LineCards(ScrollView, can_focus=True):
    """Cards as options (textual's Option: a prompt and an id)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
        Binding("home", "first", "First", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
        Binding("up", "cursor_up", "Up", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "option-list--option",
        "option-list--option-highlighted",
        "option-list--option-hover",
    }

    # OptionList's own rules for these classes, so the two look the same.
    DEFAULT_CSS = """
    LineCards {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow-x: hidden;
        background: $surface;
        & > .option-list--option-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .option-list--option-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .option-list--option-hover {
            background: $block-hover-background;
        }
    }
    """

    class _CardMessage(Message):
        """What happened to which card (the two messages below)."""

        def __init__(self, cards: "LineCards", option: Option, option_index: int) -> None:
            super().__init__()
            self.cards = cards
            self.option = option
            self.option_index = option_index

        @property
        def control(self) -> "LineCards":
            return self.cards

    class Highlighted(_CardMessage):
        """The highlight came to a card."""

    class Selected(_CardMessage):
        """Enter on the highlighted card, or a click on a card."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._options: list[Option] = []
        self._index: dict[str, int] | None = {}  # option id -> index; None: stale
        # A card's rendered lines per look (by option id), until it changes.
        self._renders: dict[str, dict[str, list[Strip]]] = {}
        self._drawn_for: tuple[object, ...] = ()
        self._highlighted: int | None = None
        self._hover: int | None = None

    # ------------------------------------------------------------ contents

    @property
    def option_count(self) -> int:
        return len(self._options)

    def get_option_at_index(self, index: int) -> Option:
        return self._options[index]

    def get_option_index(self, option_id: str) -> int:
        if self._index is None:
            self._index = {str(o.id): i for i, o in enumerate(self._options)}
        return self._index[option_id]

    def add_options(self, options: Iterable[Option]) -> None:
        first = len(self._options)
        for option in options:
            if self._index is not None:
                self._index[str(option.id)] = len(self._options)
            self._options.append(option)
        if len(self._options) > first:
            self._resize()
            self._refresh_cards(first, len(self._options))

    def clear_options(self) -> None:
        self._options.clear()
        self._index = {}
        self._renders.clear()
        self._highlighted = None
        self._hover = None
        self._resize()
        self.scroll_y = 0
        self.refresh()

    def set_options(self, options: Iterable[Option]) -> None:
        """Every card anew (the column re-read), the highlight cleared as by
        clear_options; a card whose prompt is what it was keeps its render,
        so a re-read after a move renders only the cards that changed."""
        was = {str(option.id): option.prompt for option in self._options}
        self._options = list(options)
        kept = {}
        for option in self._options:
            key = str(option.id)
            if key in self._renders and was.get(key) == option.prompt:
                kept[key] = self._renders[key]
        self._renders = kept
        self._index = None
        self._highlighted = None
        self._hover = None
        self._resize()
        self.scroll_y = 0
        self.refresh()

    def replace_option_prompt(self, option_id: str, prompt: Text) -> None:
        """Redraw one card: only its lines are rendered again."""
        index = self.get_option_index(option_id)
        old = self._options[index]
        self._renders.pop(option_id, None)
        self._options[index] = Option(prompt, id=old.id)
        self._refresh_cards(index, index + 1)

    def insert_option(self, index: int, option: Option) -> None:
        """A card in at `index` (live refresh: a lead entered the column);
        the cards below move down, drawn again from their renders. The
        highlight stays on its card, kept in view."""
        self._options.insert(index, option)
        self._index = None
        self._hover = None
        shifted = self._highlighted is not None and index <= self._highlighted
        if self._highlighted is not None and shifted:
            self._highlighted += 1
        self._resize()
        self._refresh_cards(index, len(self._options))
        if shifted:
            self.scroll_to_highlight()

    def remove_option(self, option_id: str) -> None:
        """The cards below move up: they are drawn again, from their renders."""
        index = self.get_option_index(option_id)
        self._options.pop(index)
        self._renders.pop(option_id, None)
        self._index = None
        self._hover = None
        self._resize()
        self._refresh_cards(index, len(self._options) + 1)
        if self._highlighted is not None:
            # As OptionList: the same index, now the next card (or the last,
            # which is announced as a move).
            self.highlighted = self._highlighted

    # ----------------------------------------------------------- highlight

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None:
            index = max(0, min(index, len(self._options) - 1)) if self._options else None
        old, self._highlighted = self._highlighted, index
        if old == index:
            return
        for changed in (old, index):
            if changed is not None:
                self._refresh_cards(changed, changed + 1)
        if index is not None:
            self.scroll_to_highlight()
            self.post_message(self.Highlighted(self, self._options[index], index))

    def scroll_to_highlight(self) -> None:
        if self._highlighted is None or not self.is_mounted:
            return
        region = Region(0, self._highlighted * CARD_LINES, self.size.width, CARD_LINES)
        self.scroll_to_region(region, force=True, animate=False, immediate=True)

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def _step(self, direction: int) -> None:
        if not self._options:
            return
        if self._highlighted is None:
            self.highlighted = 0 if direction > 0 else len(self._options) - 1
        else:
            self.highlighted = (self._highlighted + direction) % len(self._options)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_first(self) -> None:
        if self._options:
            self.highlighted = 0

    def action_last(self) -> None:
        if self._options:
            self.highlighted = len(self._options) - 1

    def _move_page(self, direction: int) -> None:
        if not self._options:
            return
        if self._highlighted is None:
            self.highlighted = 0 if direction < 0 else len(self._options) - 1
            return
        lines = len(self._options) * CARD_LINES
        y = self._highlighted * CARD_LINES + direction * self.scrollable_content_region.height
        self.highlighted = max(0, min(y, lines - 1)) // CARD_LINES

    def action_page_up(self) -> None:
        self._move_page(-1)

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_select(self) -> None:
        index = self._highlighted
        if index is not None:
            self.post_message(self.Selected(self, self._options[index], index))

    # --------------------------------------------------------------- mouse

    def _card_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = (offset.y + int(self.scroll_y)) // CARD_LINES
        return index if index < len(self._options) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._card_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._card_at(event))

    def _on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            for changed in (self._hover, index):
                if changed is not None:
                    self._refresh_cards(changed, changed + 1)
            self._hover = index

    # ------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._renders.clear()  # a theme or focus change: every card looks new

    def _resize(self) -> None:
        set_virtual_size(self, Size(self.scrollable_content_region.width, self._line_count()))

    def _line_count(self) -> int:
        return len(self._options) * CARD_LINES

    def _on_resize(self) -> None:
        self._renders.clear()
        self._resize()

    def _refresh_cards(self, start: int, end: int) -> None:
        """Mark cards start..end-1 for drawing, those on screen only."""
        top, height = int(self.scroll_y), self.size.height
        first, last = max(start * CARD_LINES, top), min(end * CARD_LINES, top + height)
        if first < last:
            self.refresh(Region(0, first - top, self.size.width, last - first))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        drawn_for = (width, self.get_pseudo_class_state())
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self._renders.clear()
        line = y + int(self.scroll_y)
        index, offset = divmod(line, CARD_LINES)
        if index >= len(self._options):
            return Strip.blank(width, self.get_visual_style("option-list--option").rich_style)
        if index == self._highlighted:
            look = "option-list--option-highlighted"
        elif index == self._hover:
            look = "option-list--option-hover"
        else:
            look = ""
        option = self._options[index]
        renders = self._renders.setdefault(str(option.id), {})
        strips = renders.get(look)
        if strips is None:
            strips = renders[look] = self._render_card(option, look, width)
        return strips[offset] if offset < len(strips) else Strip.blank(width)

    def _render_card(self, option: Option, look: str, width: int) -> list[Strip]:
        """As OptionList renders an option: padded by its component style,
        in the look's style, each line filled to the width."""
        looks = ("option-list--option", look) if look else ("option-list--option",)
        style = self.get_visual_style(*looks)
        padding = self.get_component_styles("option-list--option").padding
        visual: Visual = visualize(self, option.prompt, markup=False)
        if padding:
            visual = Padding(visual, padding)
        strips = Visual.to_strips(self, visual, width, None, style)
        return [strip.extend_cell_length(width, style.rich_style) for strip in strips]
