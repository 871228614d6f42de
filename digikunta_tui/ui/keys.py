"""Keys typed ahead: which keys act at once, so the keys typed after them reach the right place.

A terminal delivers "2/virtanen" typed (or pasted, or sent by tmux) at once as ten key events
queued in the app before the first one is handled. Textual forwards each key to the focused
widget and lets it bubble back to the app's bindings, and it moves the focus only after the
keys already queued, so without care "/" focused the filter box after "virtanen" had gone to
the list (and "n" opened "new person"). The keys that change where the next keys go — the view
keys, ``/`` and a letter that starts the filter — are therefore handled as they arrive, with
the focus moved at once (:func:`focus_now`): priority bindings that are off while text is
typed (:func:`typing_text`), and :meth:`~digikunta_tui.ui.screens.base.ViewScreen.type_to_filter`.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import ScreenStackError
from textual.screen import ModalScreen, Screen
from textual.widget import AwaitMount
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget


def edits_text(widget: Widget | None) -> bool:
    """True when ``widget`` takes typed characters as text (an input box or a text area)."""
    if isinstance(widget, Input):
        return True
    if "textual.widgets._text_area" in sys.modules:  # not imported for the first paint
        from textual.widgets import TextArea

        return isinstance(widget, TextArea)
    return False


def typing_text(app: App[Any]) -> bool:
    """True when keys are text for a box or belong to a dialog, not view commands."""
    return isinstance(app.screen, ModalScreen) or edits_text(app.focused)


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` before the next key is read (``Widget.focus`` waits for the queue)."""
    widget.screen.set_focus(widget)


async def run_binding(app: App[Any], screen: Screen[Any], key: str, *, priority: bool) -> bool:
    """Run the binding ``screen`` has for ``key`` now (its ``active_bindings``: the one Textual
    would run, its ``check_action`` consulted), if it is enabled and a ``priority`` one or not as
    asked; True when the action ran. Declined (False), the key goes on through Textual's own
    dispatch, which finds the same binding, only later."""
    active = screen.active_bindings.get(key)
    if active is None or not active.enabled or active.binding.priority != priority:
        return False
    return bool(await app.run_action(active.binding.action, active.node))


MOUNT_WAIT_S = 5.0
"""How long held keys wait for a screen that never finishes mounting (then they go on)."""


class TypeAheadKeys:
    """App mixin: keys typed ahead reach where the user was going.

    * The first key after the screen changed (a view switch, a form opened by ``n``, a dialog
      closed) is held, with every key after it, until the new screen is mounted and the focus
      it sets when mounting has moved (one more turn of the app's queue: ``Widget.focus``
      waits for it); then they are handled in order.
    * On a view whose keys are commands (its list, or nothing, has the focus: see
      ``ViewScreen.keys_are_commands``), the bindings run as the key arrives, before the next
      key is read, instead of after the key has bubbled back up from the list; a letter no
      binding claims starts the filter there, and a character typed in the filter box is
      typed there at once (``ViewScreen.type_to_filter``), so the filter holds it before a
      command typed after Enter acts on the list.
    """

    _held_keys: list[events.Key] | None = None
    _key_screen: Screen[Any] | None = None
    _release_task: asyncio.Task[None] | None = None

    @property
    def keys_held(self) -> int:
        """How many typed keys wait for a screen to be ready (0: none)."""
        return len(self._held_keys or ())

    async def on_event(self, event: events.Event) -> None:
        """Hold or handle keys as described above; everything else as Textual does."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            if await self._handle_key(event):
                return
        await super().on_event(event)  # type: ignore[misc]

    async def _handle_key(self, event: events.Key) -> bool:
        """Hold the key, or run it as a command; False: Textual forwards it as usual."""
        app = cast("App[Any]", self)  # mixed into the app
        try:
            screen: Screen[Any] = app.screen
        except ScreenStackError:
            return False
        if screen is not self._key_screen or not screen.is_mounted:
            self._key_screen = screen
            self._held_keys = [event]
            self._release_task = asyncio.create_task(self._release_when_ready(screen))
            return True
        keys_are_commands = getattr(screen, "keys_are_commands", None)  # a view (ViewScreen)
        type_to_filter = getattr(screen, "type_to_filter", None)
        if keys_are_commands is None or type_to_filter is None:
            return False
        # Textual's own order: priority bindings, then bindings from the focused widget up.
        if await run_binding(app, screen, event.key, priority=True):
            return True
        if keys_are_commands() and await run_binding(app, screen, event.key, priority=False):
            return True
        return bool(type_to_filter(event))

    async def _release_when_ready(self, screen: Screen[Any]) -> None:
        app = cast("App[Any]", self)  # mixed into the app
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_mounted(screen), MOUNT_WAIT_S)
        app.call_later(self._release_keys)  # after the focus calls queued while mounting

    async def _release_keys(self) -> None:
        held, self._held_keys = self._held_keys or [], None
        for index, event in enumerate(held):
            if self._held_keys is not None:  # a key changed the screen: hold the rest again
                self._held_keys.extend(held[index:])
                return
            if not await self._handle_key(event):
                await super().on_event(event)  # type: ignore[misc]


async def _mounted(screen: Screen[Any]) -> None:
    await AwaitMount(screen, [screen])
