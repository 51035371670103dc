"""What screens tell the App, and what the App tells the screens (docs/architecture.md).

Screens do not call up into the App: they post one of these messages and the App handles it.
A committed write is announced the other way, on the App's ``log_changed`` signal, to every
screen that shows such things (``screens/follows.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from lobby_tui.data.views import Actor, EntryView, HandoverView


class Change(StrEnum):
    """What a committed write changed, as the screens that show it know it."""

    ENTRY = "entry"  # a duty-log entry: a new one, a revision, a void
    HANDOFF = "handoff"  # a hand-off or follow-up's status (open items)
    CASE = "case"  # a complaint case and its step
    SIGN_OFF = "sign_off"  # a day signed off (the day summary)


@dataclass(frozen=True)
class LogChanged:
    """Published once per committed write on ``LobbyApp.log_changed``."""

    what: Change
    entry: EntryView | None = None
    added: bool = False  # a new entry (the desk puts it on top without reading the day again)
    write: int = 0  # the write queue's count of answered writes when this was published


def change_of(entry: EntryView | None) -> Change:
    """What a written entry changes: a complaint step its case, a hand-off the open items."""
    if entry is None:
        return Change.ENTRY
    if entry.complaint_id is not None:
        return Change.CASE
    if entry.kind == "handoff" or entry.status in ("pending", "follow_up"):
        return Change.HANDOFF
    return Change.ENTRY


class Wrote(Message):
    """A screen's write was committed: the App tells every screen that shows it."""

    def __init__(self, entry: EntryView | None, *, added: bool = False, what: Change | None = None):
        super().__init__()
        self.entry, self.added = entry, added
        self.what = what or change_of(entry)


class SignedIn(Message):
    """Staff signed in (the sign-in screen); drafts and the handover to read come with it."""

    def __init__(
        self,
        actor: Actor,
        drafts: dict[str, dict[str, str]],
        handover: HandoverView | None = None,
    ) -> None:
        super().__init__()
        self.actor, self.drafts, self.handover = actor, drafts, handover


class HandedOver(Message):
    """The shift was signed out with its handover note (``kept``: stored on the shift)."""

    def __init__(self, kept: bool) -> None:
        super().__init__()
        self.kept = kept


class Unlocked(Message):
    """The lock screen took the PIN."""


class SetupDone(Message):
    """The first-run setup created the branch."""


class FormLeft(Message):
    """Staff left a form: what it held (None: nothing), to show again when they return."""

    def __init__(self, name: str, fields: dict[str, str] | None) -> None:
        super().__init__()
        self.name, self.fields = name, fields


class Failed(Message):
    """A write was refused after its screen could no longer say so: the App says it."""

    def __init__(self, error: Any) -> None:
        super().__init__()
        self.error = error
