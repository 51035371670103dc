"""Hand-off outcomes, follow-ups and open items (the hand-offs area)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from lobby_tui.data import entries, open_entries
from lobby_tui.data.access import (
    after_change,
    audit,
    authorized_branch,
    entry_to_change,
    validate_fields,
    writer,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import (
    Entry,
    EntryEvent,
    Staff,
)
from lobby_tui.data.views import (
    Actor,
    EntryView,
    OpenItem,
    StoreError,
)
from lobby_tui.domain import validation
from lobby_tui.domain.clock import branch_today, branch_zone
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Permission
from lobby_tui.locale import N_


class HandoffArea(Area):
    """Hand-offs to colleagues and follow-ups: their steps, and what is still open."""

    # -- hand-offs and follow-ups ---------------------------------------------------------

    def update(
        self,
        actor: Actor,
        entry_id: int,
        event: str,
        product_sold: bool | None = None,
        note: str | None = None,
    ) -> EntryView:
        """Record a hand-off's next step: ``accepted``, then ``completed`` (with
        ``product_sold`` for a referral), ``returned`` or ``no_show``.

        The state is read under the write lock, so of two terminals closing the same hand-off
        at once, the second is refused (StoreError) rather than closing it twice. An event
        that is not a hand-off step is a ValueError.
        """
        if event not in validation.HANDOFF_EVENTS:
            raise ValueError(f"not a hand-off event: {event!r}")
        validate_fields(
            ("product_sold", validation.check_product_sold(event, product_sold)),
            ("note", validation.check_length(note)),
        )
        return self._step(
            actor,
            entry_id,
            event,
            product_sold,
            note,
            lambda view: validation.check_handoff_step(view.status, event),
            "handoff_update",
        )

    def correct(
        self,
        actor: Actor,
        entry_id: int,
        event: str,
        reason: str,
        product_sold: bool | None = None,
    ) -> EntryView:
        """Correct a hand-off's last outcome to ``event`` (with ``product_sold`` for a
        completion), with the reason: a new event that supersedes the last one, which stays
        in the history. Keys like ``x`` act at once; this is how a slip is put right."""
        if event not in validation.HANDOFF_EVENTS:
            raise ValueError(f"not a hand-off event: {event!r}")
        validate_fields(("reason", validation.check_reason(reason)))
        if event != "completed":
            product_sold = False if product_sold is None else product_sold
        return self._step(
            actor,
            entry_id,
            event,
            product_sold,
            reason,
            lambda view: validation.check_handoff_correction(
                view.status, view.product_sold, event, product_sold
            ),
            "handoff_corrected",
            was=True,
        )

    def _step(
        self,
        actor: Actor,
        entry_id: int,
        event: str,
        product_sold: bool | None,
        note: str | None,
        refusal: Callable[[EntryView], str | None],
        action: str,
        *,
        was: bool = False,
    ) -> EntryView:
        """Add ``event`` to a hand-off, under the write lock: the hand-off as it is now is read
        and ``refusal`` asked of it first (what it returns refuses the step). Audited as
        ``action``, with the status it had when ``was``."""
        with self.db.write() as session:
            staff = writer(session, actor)
            entry, view = _open_handoff(session, staff, entry_id)
            if refused := refusal(view):
                raise StoreError(refused)
            _add_event(session, staff, entry, event, product_sold, note)
            detail = {"entry_id": entry.id, **({"was": view.status} if was else {})}
            audit(session, action, actor, **detail, event=event, product_sold=product_sold)
            return after_change(session, entry)

    def close_follow_up(self, actor: Actor, entry_id: int, note: str | None = None) -> EntryView:
        """Mark an enquiry's follow-up done (the customer was called back)."""
        validate_fields(("note", validation.check_length(note)))
        with self.db.write() as session:
            staff = writer(session, actor)
            entry = entry_to_change(session, staff, entry_id)
            view = entries.current_view(session, entry)
            if view.voided or view.status != entries.OPEN_FOLLOW_UP:
                raise StoreError(N_("This entry has no open follow-up."))
            session.add(
                EntryEvent(
                    entry_id=entry.id, event=entries.FOLLOW_UP_DONE, note=note, staff_id=staff.id
                )
            )
            audit(session, "follow_up_done", actor, entry_id=entry.id)
            return after_change(session, entry)

    def open_items(self, actor: Actor) -> list[OpenItem]:
        """The branch's pending hand-offs (pending or accepted) and open follow-ups, of any
        day, not voided, oldest first: hand-offs by when they happened, follow-ups by when
        they are due. A follow-up due before today (branch time) is overdue."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            zone = branch_zone(branch.time_zone)
            return open_entries.open_items(session, branch.id, zone, branch_today(zone))


def _open_handoff(session: Session, staff: Staff, entry_id: int) -> tuple[Entry, EntryView]:
    """A hand-off of the staff member's branch that may still take a step, and its view."""
    entry = entry_to_change(session, staff, entry_id)
    if entry.kind != Kind.HANDOFF:
        raise StoreError(N_("This entry is not a hand-off."))
    view = entries.current_view(session, entry)
    if view.voided:
        raise StoreError(N_("This entry is void and can no longer be changed."))
    return entry, view


def _add_event(
    session: Session,
    staff: Staff,
    entry: Entry,
    event: str,
    product_sold: bool | None,
    note: str | None,
) -> None:
    session.add(
        EntryEvent(
            entry_id=entry.id,
            event=event,
            product_sold=product_sold,
            note=note,
            staff_id=staff.id,
        )
    )
