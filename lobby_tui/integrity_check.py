"""The check of the hash chain when a reviewer signs in: off the UI thread, a red notice if
the duty log was changed behind the app's back (docs/integrity.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lobby_tui.domain.roles import Permission, allows
from lobby_tui.locale import _

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp
    from lobby_tui.data.views import Actor

NOTICE_SECONDS = 600


def check_chain(app: LobbyApp, actor: Actor) -> None:
    """Walk the chain since the last seal for ``actor`` if they review; say so if broken."""
    if allows(actor.role, Permission.VERIFY):
        app.run_worker(
            lambda: _check(app, actor),
            thread=True,
            group="integrity",
            exclusive=True,
            exit_on_error=False,
        )


def _check(app: LobbyApp, actor: Actor) -> None:
    from lobby_tui.cli_verify import describe

    report = app.store.integrity.verify(actor)
    if report.ok:
        return
    message = _(
        "The duty log was changed outside the app: {count} problems, first {first}. "
        "Run lobby-tui verify."
    ).format(count=len(report.problems), first=describe(report.problems[0]))
    app.call_from_thread(app.notify, message, severity="error", timeout=NOTICE_SECONDS)
