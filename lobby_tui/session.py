"""The sign-in context: what a screen works with, in one typed object (docs/architecture.md).

The App holds one ``Session`` and replaces it, whole, when the database opens, when staff sign
in and when they sign out; a screen reads it through ``self.session`` and never reaches into the
App for these. The store is built with the same clock, so a test that fixes "now" fixes it for
the screens, the forms and the database at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from lobby_tui.domain.clock import branch_today

if TYPE_CHECKING:
    from lobby_tui.config import Settings
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor, BranchInfo
    from lobby_tui.writes import WriteQueue


@dataclass(frozen=True)
class Session:
    """Who works on which branch's log, in which time zone, by which clock."""

    settings: Settings
    clock: Callable[[], datetime]
    writes: WriteQueue
    zone: ZoneInfo
    store: Store | None = None  # None until the database is open
    branch: BranchInfo | None = None  # None before the first-run setup
    actor: Actor | None = None  # None while nobody is signed in
    # Forms left unsaved, by form name: restored when staff come back to them. Kept here, not
    # sent to the App, so a form opened by the very next key already finds its draft.
    drafts: dict[str, dict[str, str]] = field(default_factory=dict)

    def today(self) -> date:
        """Today in branch time."""
        return branch_today(self.zone, self.clock())

    def form_left(self, name: str, fields: dict[str, str] | None) -> None:
        """Remember what a form held when staff left it (None: nothing)."""
        if fields:
            self.drafts[name] = fields
        else:
            self.drafts.pop(name, None)
