"""Bracketed pastes that hold escape sequences, kept a paste.

The terminal wraps a paste in ESC[200~ ... ESC[201~. Textual's input parser
reads an ESC inside a paste as the start of a key sequence, gives up at the
closing ESC and sends what it read as typed keys, the ESC as "^": a paste of
`ESC[2Jcleared` reached a field as `^[2Jcleared`, keys and all. Here the
text between the brackets loses its escape sequences and unsafe characters
(domain.sanitize.clean_typed) before the parser sees it, so the parser
makes one clean Paste event of it. Outside pastes, input passes untouched
(but for the keys typed before the terminal was raw: tui/cooked.py).
"""

from typing import Any

from textual.driver import Driver

from leadtui.domain.sanitize import clean_typed
from leadtui.tui.cooked import CookedInput, typed_while_cooked

START, END = "\x1b[200~", "\x1b[201~"


class PasteFilter:
    """Feed it terminal input as it arrives, chunk by chunk; it returns what
    the parser should see. Pasted text is held back only from its last ESC
    on (that may begin the closing bracket or a sequence still arriving)."""

    def __init__(self) -> None:
        self.in_paste = False
        self._tail = ""  # the last characters passed on, to find a split START
        self._held = ""  # pasted text from an ESC that may not be complete

    def __call__(self, data: str) -> str:
        out: list[str] = []
        text = data
        while text:
            if not self.in_paste:
                seen = self._tail + text
                found = seen.find(START)
                if found < 0:
                    out.append(text)
                    self._tail = seen[-(len(START) - 1) :]
                    return "".join(out)
                after = found + len(START) - len(self._tail)
                out.append(text[:after])
                text, self.in_paste, self._tail = text[after:], True, ""
                continue
            pasted = self._held + text
            self._held = ""
            end = pasted.find(END)
            if end >= 0:
                out += [_clean(pasted[:end]), END]
                text, self.in_paste = pasted[end + len(END) :], False
                continue
            last_escape = pasted.rfind("\x1b")
            if last_escape >= 0:
                pasted, self._held = pasted[:last_escape], pasted[last_escape:]
            out.append(_clean(pasted))
            text = ""
        return "".join(out)


def _clean(pasted: str) -> str:
    # Terminals send a pasted line break as CR.
    return clean_typed(pasted.replace("\r\n", "\n").replace("\r", "\n"), multi_line=True)


def paste_safe(driver: type[Driver]) -> type[Driver]:
    """The platform's driver, its input filtered through a PasteFilter; as
    it is for a driver that does not read input the way LinuxDriver does."""
    if driver.__name__ != "LinuxDriver":
        return driver
    from textual.drivers import linux_driver

    parser_class: Any = getattr(linux_driver, "XTermParser", None)
    if parser_class is None:  # a Textual that reads input some other way
        return driver

    class PasteSafeParser(parser_class):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pastes = PasteFilter()
            self._cooked = CookedInput(self.cooked_bytes)

        # Set by the driver as its input thread starts, before it makes this.
        cooked_bytes = 0

        def feed(self, data: str) -> Any:
            return super().feed(self._pastes(self._cooked(data)))

    class PasteSafeDriver(driver):  # type: ignore[misc, valid-type]
        def run_input_thread(self) -> None:
            # LinuxDriver makes its parser from this module's name; one app
            # runs in a leadtui process, so setting it here is set for good.
            linux_driver.XTermParser = PasteSafeParser  # type: ignore[attr-defined]
            # Keys typed before the terminal was raw (tui/cooked.py).
            driver: Any = self
            PasteSafeParser.cooked_bytes = typed_while_cooked(driver.fileno, driver.attrs_before)
            super().run_input_thread()

    return PasteSafeDriver
