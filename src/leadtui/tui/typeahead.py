"""One key at a time, so that type-ahead lands where the keys before it led.

Textual hands a key to the focused widget as soon as it is read, before the
keys ahead of it have been handled. `/` opens the search box only once it
has bubbled up to the bindings; "ahmed", typed right behind it (one read
over ssh, or a quick typist in a browser), has by then gone to the inbox
table under the box, and is dropped. In a pty, "/Ahmed" written at once
left the search box empty, and "nJane Doe" left quick-add empty.

So a key (or a paste) waits its turn:
- until the key before it is done: it has bubbled back up to the app and
  the bindings have acted on it. A letter typed into an input box stays
  there, and is done at once. Any other key a widget keeps, and an enter
  (an input box's enter posts the Submitted that closes its dialog), is
  followed up by a probe posted right behind it to the same widget;
- until a screen just pushed has composed and taken focus: a probe posted
  to it when a key finds it still mounting reaches the app after its mount;
- while an action reads what its dialog will show (`x` reads the lead
  before asking why it was lost): `hold_keys`. Else "No budget", typed
  behind the `x`, would reach the board, where `u` undoes and `e` edits;
- an enter in the command palette, until the palette has searched for what
  was typed (the letter before an enter is followed up by a probe, so that
  the search it starts has begun). Till then it lists the commands found
  for the text before, all of them just after ctrl+p, and an enter would
  run the first. Its searches always end, so this wait needs no give-up.

A probe behind every key cost 0.6 ms a key on the board (13%, bench/keys.py),
and more in the search box, where it waited behind each redraw of the
results: hence probes only where nothing cheaper tells. Should a probe be
lost (its widget removed with the key still queued), the keys waiting go on
after GIVE_UP_SECONDS, as Textual alone would have sent them. While the
widget is still there its probe is only slow, and the keys wait on, up to
PROBE_GIVE_UP_SECONDS: going on after 0.5 s on a busy machine (load 5-7 on
2 cores) sent the `N` of "xNo budget" to the inbox before the `x` had
acted, 2 pty runs in 33 (none in 40 with the wait). A screen still
mounting is waited for as long as it takes (it mounts, or another screen
replaces it): given up after 0.5 s, at start-up on a busy machine, the `N`
of "xNo budget" went to a dialog with nothing focused yet (1 run in 20). A
read's hold is given up only after HOLD_GIVE_UP_SECONDS: every read lets go
when it is back, and that is for a hold some path forgot.
"""

from collections import deque
from collections.abc import Awaitable, Callable
from itertools import count
from time import monotonic
from typing import Any, Protocol, cast
from weakref import WeakSet

from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.worker import Worker

GIVE_UP_SECONDS = 0.5
HOLD_GIVE_UP_SECONDS = 5.0
PROBE_GIVE_UP_SECONDS = 5.0

Typed = events.Key | events.Paste


class KeyHandled(Message):
    """Posted behind a key to the widget it went to: at the app, the key
    has been handled by every widget it bubbled through. Then again, once
    per message the key set off in turn: an input box's enter posts
    Submitted; in the command palette that makes its list post the
    OptionSelected that closes it, which the third probe waits behind."""

    def __init__(self, target: Widget, rounds: int = 2) -> None:
        super().__init__()
        self.target, self.rounds = target, rounds


class ScreenReady(Message):
    """Posted to a screen as it is pushed: at the app, the screen has
    composed, mounted and taken its focus."""

    def __init__(self, pushed: Screen[Any]) -> None:
        super().__init__()
        self.pushed = pushed


class KeyTurns:
    """The keys and pastes read from the terminal, each routed by Textual
    (`route`) only when the one before it is done and the screen is up."""

    def __init__(self, app: App[None], route: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app, self.route = app, route
        self.waiting: deque[Typed] = deque()
        # The last key routed, until it is known to be done, and its widget.
        self.unconfirmed: Typed | None = None
        self.unconfirmed_target: Widget | None = None
        self.probing = False
        self.opening: WeakSet[Screen[Any]] = WeakSet()
        self.searching: WeakSet[Screen[Any]] = WeakSet()  # palettes watched
        # The last key routed, if a text box kept it (done at once).
        self.kept: tuple[Typed, Widget] | None = None
        self.holds: set[int] = set()
        self.hold_numbers = count()
        self.held_since = 0.0
        self.give_up: Timer | None = None
        self.routed_at = 0.0  # when the unconfirmed key was routed

    @staticmethod
    def takes(event: events.Event) -> bool:
        """A key or paste from the terminal (not one bubbling back up)."""
        return isinstance(event, Typed) and not event.is_forwarded

    async def arrived(self, event: Typed) -> None:
        self.waiting.append(event)
        await self.go_on()

    async def replay(self, typed: list[events.Key]) -> None:
        """Keys kept aside (the start screen's) go before any that have
        arrived since, which were typed after them."""
        self.waiting.extendleft(reversed([events.Key(key.key, key.character) for key in typed]))
        await self.go_on()

    def requeue(self, event: events.Key) -> None:
        """A key that reached a screen after another covered it goes on, to
        the screen now up, ahead of the keys typed after it."""
        self.waiting.appendleft(events.Key(event.key, event.character))
        self.app.call_later(self.go_on)

    def came_back(self, event: events.Key) -> None:
        """A key has bubbled up to the app, and the app's bindings are about
        to act on it (the handler after this one)."""
        if event is self.unconfirmed and not self.probing:
            self._confirmed()

    async def screen_ready(self, screen: Screen[Any]) -> None:
        self.opening.discard(screen)
        await self.go_on(progress=True)

    def hold(self) -> Callable[[], None]:
        """Keys wait until the function returned is called (more than once
        is harmless)."""
        number = next(self.hold_numbers)
        if not self.holds:
            self.held_since = monotonic()
        self.holds.add(number)

        def release() -> None:
            if number in self.holds:
                self.holds.discard(number)
                self.app.call_later(self.go_on, progress=True)

        return release

    async def key_handled(self, probe: KeyHandled) -> None:
        again = KeyHandled(probe.target, probe.rounds - 1)
        if probe.rounds > 1 and probe.target.post_message(again):
            return
        self.probing = False
        self._confirmed()

    def _confirmed(self) -> None:
        """The key is done: the next goes once what its bindings deferred
        (a focus() is a call_later) has run, i.e. two turns of the app's
        queue from now, the first being the rest of this one."""
        self.unconfirmed = self.unconfirmed_target = None
        if self.waiting:
            self.app.call_later(self.app.call_later, self.go_on, progress=True)

    async def go_on(self, *, progress: bool = False) -> None:
        if not self.app.screen_stack:  # the app is closing: nothing to type into
            self.waiting.clear()
        while self.waiting and not (self.holds or self._screen_opening()):
            if self.unconfirmed is not None:
                self._probe(self.unconfirmed_target, rounds=1)
                break
            if _is_enter(self.waiting[0]):
                if self.kept is not None:
                    # The letter before an enter: what its box posted (a
                    # Changed, which starts the palette's search) is handled
                    # before the enter goes.
                    self.unconfirmed, self.unconfirmed_target = self.kept
                    self.kept = None
                    self._probe(self.unconfirmed_target, rounds=2)
                    break
                palette = _palette_searching(self.app)
                if palette is not None:
                    self._wait_for_search(palette)
                    break
            event = self.waiting.popleft()
            # Where Textual sends the key (App.on_event) unless a priority
            # binding takes it.
            target = self.app.focused or self.app.screen
            await self.route(event)
            self.kept = None
            if not event.is_forwarded:
                continue
            if _kept_by(target, event):
                self.kept = (event, target)
                continue
            self.unconfirmed, self.unconfirmed_target = event, target
            self.routed_at = monotonic()
            if _is_enter(event):
                # It may make its widget post what closes a dialog (an input
                # box's Submitted, a list's OptionSelected, or both: the
                # palette's): follow that up.
                self._probe(target, rounds=3)
        self._watch_for_a_lost_probe(restart=progress)

    def _screen_opening(self) -> bool:
        """The screen up is still mounting: keys wait for it (Textual leaves
        its focus unset until it has composed, and a key sent meanwhile goes
        to the screen itself, not to its input box). Asked before each key,
        not when a screen is pushed: a pty run (1 in 20) routed a key to a
        dialog whose push Textual's screen-change signal had not yet told."""
        screen = self.app.screen
        if (
            screen not in self.opening
            and not screen.is_mounted
            and screen.post_message(ScreenReady(screen))
        ):
            self.opening.add(screen)
        return screen in self.opening

    def _wait_for_search(self, palette: Screen[Any]) -> None:
        """Go on when one of the palette's workers (its searches) changes
        state: Worker.StateChanged stops at the palette."""
        if palette not in self.searching:
            self.searching.add(palette)
            palette.message_signal.subscribe(self.app, self._palette_handled)

    async def _palette_handled(self, message: Message) -> None:
        if isinstance(message, Worker.StateChanged) and self.waiting:
            await self.go_on(progress=True)

    def _probe(self, target: Widget | None, *, rounds: int) -> None:
        """Find out when the unconfirmed key is done: a probe behind it."""
        if self.probing or target is None:
            return
        if target.post_message(KeyHandled(target, rounds)):
            self.probing = True
        else:  # the widget is gone, and the key with it
            self.unconfirmed = self.unconfirmed_target = None

    def _watch_for_a_lost_probe(self, *, restart: bool) -> None:
        """A timer runs while keys wait, restarted whenever one goes on."""
        if self.give_up is not None and (restart or not self.waiting):
            self.give_up.stop()
            self.give_up = None
        if self.waiting and self.give_up is None:
            self.give_up = self.app.set_timer(GIVE_UP_SECONDS, self._go_on_regardless)

    async def _go_on_regardless(self) -> None:
        self.give_up = None
        target = self.unconfirmed_target
        if (
            self.probing
            and target is not None
            and target.is_attached
            and monotonic() - self.routed_at < PROBE_GIVE_UP_SECONDS
        ):
            # Its widget is still there, so its probe is not lost, only slow
            # (a busy machine, the app still starting): going on would send
            # the next key where this one has not yet led (the `N` of
            # "xNo budget" to the inbox, before the dialog `x` opens).
            self._watch_for_a_lost_probe(restart=True)
            return
        self.probing = False
        self.unconfirmed = self.unconfirmed_target = None
        if self.holds and monotonic() - self.held_since > HOLD_GIVE_UP_SECONDS:
            self.holds.clear()
        await self.go_on()


def _is_enter(event: Typed) -> bool:
    return isinstance(event, events.Key) and event.key == "enter"


def _palette_searching(app: App[None]) -> CommandPalette | None:
    """The command palette, while it still gathers the commands for what was
    typed: until then it lists those for the text before (all of them, just
    opened), and an enter would run the first of those."""
    screen = app.screen
    if isinstance(screen, CommandPalette) and any(
        worker.node is screen and not worker.is_finished for worker in app.workers
    ):
        return screen
    return None


def _kept_by(target: Widget, event: Typed) -> bool:
    """A letter typed into a text box, or a paste: the box keeps it, and
    where the next key goes does not change."""
    if not isinstance(target, (Input, TextArea)):
        return False
    return isinstance(event, events.Paste) or event.is_printable


class _TakesTurns(Protocol):
    key_turns: KeyTurns


def hold_keys(widget: Widget) -> Callable[[], None]:
    """Keys typed from now wait until the function returned is called: for
    an action that opens its dialog once a read is back."""
    return cast(_TakesTurns, widget.app).key_turns.hold()


class HeldKeys:
    """A dialog's one hold (an enter typed ahead of what it acts on): taken
    once however often asked, let go once."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.release: Callable[[], None] | None = None

    @property
    def held(self) -> bool:
        return self.release is not None

    def take(self) -> None:
        if self.release is None:
            self.release = hold_keys(self.widget)

    def let_go(self) -> None:
        release, self.release = self.release, None
        if release is not None:
            release()
