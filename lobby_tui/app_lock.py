"""Locking the terminal: Ctrl+L, and by itself after ``idle_lock_minutes`` without a key or a
click; the lock screen's PIN unlocks it (``Unlocked``)."""

from __future__ import annotations

from time import monotonic

from textual import events, on
from textual.app import App

from lobby_tui.messages import Unlocked
from lobby_tui.screens.registry import screen_class


class LocksWhenIdle(App):
    def action_lock(self) -> None:
        if self.actor is not None and not self.locked:
            self.locked = True
            self.push_screen(screen_class("lock")(id="lock"))

    @on(Unlocked)
    def unlocked(self) -> None:
        self.locked = False
        self._last_input = monotonic()
        if self.screen.id == "lock":
            self.pop_screen()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = monotonic()
        await super().on_event(event)

    def _lock_when_idle(self) -> None:
        limit = self.settings.idle_lock_minutes * 60
        if limit and self.actor and not self.locked and monotonic() - self._last_input > limit:
            self.action_lock()
