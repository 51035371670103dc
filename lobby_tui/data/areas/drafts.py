"""Form drafts (the drafts area): what a staff member typed and has not saved yet, kept so
that it survives the process being killed, and given back at sign-in."""

from __future__ import annotations

import json

from sqlmodel import select

from lobby_tui.data.access import authorize, check_draft
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import Draft
from lobby_tui.data.views import Actor, PermissionDenied
from lobby_tui.domain.roles import Permission
from lobby_tui.locale import N_


class DraftArea(Area):
    """A staff member's drafts, one per form."""

    def save(self, actor: Actor, form: str, fields: dict[str, str]) -> None:
        """Keep what is typed in ``form`` (an id of at most 16 characters, e.g. ``queue``) so
        that it survives the process being killed; replaces the staff member's last draft."""
        check_draft(form, fields)
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.WRITE_ENTRY)
            draft = session.exec(
                select(Draft).where((Draft.staff_id == staff.id) & (Draft.form == form))
            ).first() or Draft(staff_id=staff.id, form=form)
            draft.fields = json.dumps(fields, ensure_ascii=False)
            draft.updated_at = self.clock()
            session.add(draft)

    def load(self, actor: Actor) -> dict[str, dict[str, str]]:
        """The staff member's own drafts: form → field → value as typed (none for a head-office
        reviewer, who writes nothing)."""
        with self.db.read() as session:
            staff = authorize(session, actor, Permission.READ_LOG)
            if staff is None:  # the console writes no entries, so it has no drafts either
                raise PermissionDenied(N_("Only a signed-in staff member can do this."))
            rows = session.exec(select(Draft).where(Draft.staff_id == staff.id))
            return {draft.form: json.loads(draft.fields) for draft in rows}

    def clear(self, actor: Actor, form: str) -> None:
        """Forget the staff member's draft of ``form`` (after it was saved); none is fine."""
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.WRITE_ENTRY)
            draft = session.exec(
                select(Draft).where((Draft.staff_id == staff.id) & (Draft.form == form))
            ).first()
            if draft is not None:
                session.delete(draft)
