"""The command palette (Ctrl+P): every screen and session action, with namespaced titles."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from lobby_tui.domain.roles import Permission, allows
from lobby_tui.locale import N_, _
from lobby_tui.screens.registry import SCREENS

# (namespace, title, action, needs a signed-in staff member): the screens from the registry.
COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    (N_("screen"), N_("duty desk"), "desk", True),
    *((*spec.palette, spec.run, True) for spec in SCREENS if spec.palette),
    (N_("session"), N_("lock the terminal"), "lock", True),
    (N_("session"), N_("sign out"), "sign_out", True),
    (N_("help"), N_("keys"), "help", False),
    (N_("app"), N_("quit"), "quit", False),
)


# Commands only some roles may use: offered to them alone.
NEEDS: dict[str, Permission] = {spec.run: spec.needs for spec in SCREENS if spec.needs}


class LobbyCommands(Provider):
    def _available(self) -> list[tuple[str, str, str]]:
        """(title shown, the same in English, action) of each command this person may use."""
        actor = self.app.actor
        signed_in = actor is not None and not self.app.locked
        return [
            (f"{_(space)}: {_(title)}", f"{space}: {title}", action)
            for space, title, action, needs_staff in COMMANDS
            if (signed_in or not needs_staff)
            and (action not in NEEDS or (signed_in and allows(actor.role, NEEDS[action])))
        ]

    async def discover(self) -> Hits:
        for title, _english, action in self._available():
            yield DiscoveryHit(title, partial(self.app.run_action, action))

    async def search(self, query: str) -> Hits:
        # Typed in either language: "staff" finds 员工 too, as staff learn the English words.
        matcher = self.matcher(query)
        for title, english, action in self._available():
            score = max(matcher.match(title), matcher.match(english))
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action))
