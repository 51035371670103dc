"""The duty log's commands and queries. Every public method is one unit of work.

Permissions are checked here, against the role stored in the database, so that no caller — a
screen, the CLI or a direct call — can do more than the signed-in staff member may.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from lobby_tui.data import entries
from lobby_tui.data.engine import Database, database_url
from lobby_tui.data.entries import BOOLEANS, DATETIMES, REVISABLE
from lobby_tui.data.migrate import current_revision, upgrade
from lobby_tui.data.models import (
    AuditEvent,
    Branch,
    Draft,
    Entry,
    EntryEvent,
    Revision,
    Shift,
    Staff,
)
from lobby_tui.data.pins import dummy_hash, hash_pin, verify_pin
from lobby_tui.data.views import (
    Actor,
    BranchInfo,
    DeskSnapshot,
    EntryHistory,
    EntryView,
    EventView,
    NotSetUp,
    OpenItem,
    PermissionDenied,
    RevisionView,
    SignInRefused,
    StaffInfo,
    StoreError,
)
from lobby_tui.domain import validation
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, branch_today, branch_zone, day_bounds, utcnow
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Permission, Role, allows
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=5)
DESK_TIMELINE_LIMIT = 500
DESK_OPEN_ITEMS_LIMIT = 20
REVEALABLE = ("text", "outcome", "contact")
DRAFT_FORM_MAX_LENGTH = 16
CODE_FIELDS = tuple(validation.CODE_MAX_LENGTHS)


class Store:
    """The duty log in one database."""

    def __init__(self, database: Database) -> None:
        self.db = database

    @classmethod
    def open(cls, path_or_url: str, *, create: bool = True) -> Store:
        """Open a database file or URL and bring its schema up to date.

        With ``create=False`` a database that lobby-tui never wrote is refused, not migrated:
        commands that only read must not turn a stray file into a duty log.
        """
        database = Database(database_url(path_or_url))
        try:
            if not create and current_revision(database.engine) is None:
                raise StoreError(N_("This is not a lobby-tui database."))
            upgrade(database.engine)
        except BaseException:
            database.close()
            raise
        return cls(database)

    def close(self) -> None:
        self.db.close()

    # -- branch and first run -------------------------------------------------------------

    def branch(self) -> BranchInfo | None:
        """The branch this database belongs to, or None before the first-run setup."""
        with self.db.read() as session:
            row = session.exec(select(Branch).order_by(Branch.id)).first()
            return _branch_info(row) if row else None

    def setup(
        self,
        *,
        branch_code: str,
        branch_name: str,
        admin_no: str,
        admin_name: str,
        pin: str,
        time_zone: str = DEFAULT_TIME_ZONE,
        demo: bool = False,
    ) -> BranchInfo:
        """Create the branch and its first admin on an empty database."""
        _validate(
            ("branch_code", validation.check_branch_code(branch_code)),
            ("branch_name", validation.check_name(branch_name, validation.BRANCH_NAME_MAX_LENGTH)),
            ("admin_no", validation.check_staff_no(admin_no)),
            ("admin_name", validation.check_name(admin_name)),
            ("pin", validation.check_pin(pin)),
        )
        branch_zone(time_zone)  # refuses an unknown zone before anything is written
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            if session.exec(select(Branch)).first() is not None:
                raise StoreError(N_("This database is already set up."))
            branch = Branch(code=branch_code, name=branch_name, time_zone=time_zone, demo=demo)
            session.add(branch)
            session.flush()
            admin = Staff(
                branch_id=branch.id,
                staff_no=admin_no,
                name=admin_name,
                role=Role.ADMIN,
                pin_hash=pin_hash,
            )
            session.add(admin)
            session.flush()
            _audit(session, "setup", Actor.console(), branch_id=branch.id, code=branch_code)
            return _branch_info(branch)

    def demo_staff(self) -> list[StaffInfo]:
        """The accounts to list on the sign-in screen of a demo database; empty otherwise."""
        with self.db.read() as session:
            branch = session.exec(select(Branch)).first()
            if branch is None or not branch.demo:
                return []
            rows = session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_no))
            return [_staff_info(row) for row in rows]

    # -- signing in -----------------------------------------------------------------------

    def sign_in(self, staff_no: str, pin: str) -> Actor:
        """Check the PIN, open a shift and return the signed-in staff member."""
        staff_id = self._check_pin(staff_no, pin)
        with self.db.write() as session:
            staff = session.get(Staff, staff_id)
            shift = Shift(branch_id=staff.branch_id, staff_id=staff.id)
            session.add(shift)
            session.flush()
            actor = _actor(staff, shift.id)
            _audit(session, "sign_in", actor, shift_id=shift.id)
            return actor

    def unlock(self, actor: Actor, pin: str) -> None:
        """Accept the signed-in staff member's own PIN on the lock screen."""
        self._check_pin(actor.staff_no, pin, purpose="unlock")

    def sign_out(self, actor: Actor) -> None:
        """Close the actor's own shift."""
        with self.db.write() as session:
            staff = _authorize(session, actor, Permission.READ_LOG)
            shift = session.get(Shift, actor.shift_id) if actor.shift_id else None
            if shift is not None and shift.staff_id == staff.id and shift.signed_out_at is None:
                shift.signed_out_at = utcnow()
                session.add(shift)
            _audit(session, "sign_out", actor, shift_id=actor.shift_id)

    def _check_pin(self, staff_no: str, pin: str, purpose: str = "sign_in") -> int:
        with self.db.read() as session:
            staff = session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
            stored = staff.pin_hash if staff else dummy_hash()
            locked_until = staff.locked_until if staff else None
        now = utcnow()
        # The slow hash runs outside any transaction, so a sign-in never holds the write lock;
        # it runs for a locked number too, so the answer's timing tells nothing.
        matches = verify_pin(pin, stored)
        if staff is not None and locked_until is not None and locked_until > now:
            with self.db.write() as session:
                _audit(session, f"{purpose}_refused_locked", staff, staff_id=staff.id)
            raise SignInRefused("locked", locked_until)
        # A refusal is committed with its audit events first, then raised.
        refusal: SignInRefused | None = None
        with self.db.write() as session:
            if staff is None:
                _audit(session, f"{purpose}_failed", staff_no[:64], reason="unknown")
                refusal = SignInRefused("unknown")
            else:
                staff = session.get(Staff, staff.id)
                refusal = _record_attempt(session, staff, matches, purpose, now)
        if refusal is not None:
            raise refusal
        return staff.id

    # -- staff ----------------------------------------------------------------------------

    def add_staff(self, actor: Actor, staff_no: str, name: str, role: Role | str, pin: str) -> None:
        _validate(
            ("staff_no", validation.check_staff_no(staff_no)),
            ("name", validation.check_name(name)),
            ("pin", validation.check_pin(pin)),
        )
        role = _role(role)
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            _authorize(session, actor, Permission.MANAGE_STAFF)
            branch = _the_branch(session)
            if session.exec(select(Staff).where(Staff.staff_no == staff_no)).first():
                raise ValidationError("staff_no", N_("This staff number is taken."))
            session.add(
                Staff(
                    branch_id=branch.id, staff_no=staff_no, name=name, role=role, pin_hash=pin_hash
                )
            )
            _audit(session, "staff_add", actor, staff_no=staff_no, role=role)

    def list_staff(self, actor: Actor) -> list[StaffInfo]:
        with self.db.read() as session:
            _authorize(session, actor, Permission.MANAGE_STAFF)
            return [_staff_info(s) for s in session.exec(select(Staff).order_by(Staff.staff_no))]

    def disable_staff(self, actor: Actor, staff_no: str) -> None:
        with self.db.write() as session:
            _authorize(session, actor, Permission.MANAGE_STAFF)
            staff = _staff_by_no(session, staff_no)
            staff.active = False
            session.add(staff)
            _audit(session, "staff_disable", actor, staff_no=staff_no)

    def reset_pin(self, actor: Actor, staff_no: str, pin: str) -> None:
        _validate(("pin", validation.check_pin(pin)))
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            _authorize(session, actor, Permission.MANAGE_STAFF)
            staff = _staff_by_no(session, staff_no)
            staff.pin_hash = pin_hash
            staff.failed_attempts = 0
            staff.locked_until = None
            session.add(staff)
            _audit(session, "staff_reset_pin", actor, staff_no=staff_no)

    # -- entries --------------------------------------------------------------------------

    def add_note(self, actor: Actor, text: str) -> EntryView:
        """Write a free-text note as typed."""
        _validate(("text", validation.check_note(text)))
        return self.add_entry(actor, Kind.NOTE, text=text)

    def add_entry(
        self, actor: Actor, kind: Kind, occurred_at: datetime | None = None, **values: Any
    ) -> EntryView:
        """Append one entry of ``kind`` written by ``actor``; ``values`` are the entry's fields
        (any of ``REVISABLE``: ``ticket``, ``business``, ``priority``, ``target``, ``topic``,
        ``text``, ``outcome``, ``contact``, ``resolved``, ``referral``, ``follow_up_due``).

        A hand-off opens a pending open item; an enquiry with ``follow_up_due`` and not
        ``resolved`` an open follow-up.
        """
        _check_values(values)
        with self.db.write() as session:
            staff = _writer(session, actor)
            now = utcnow()
            entry = Entry(
                branch_id=staff.branch_id,
                staff_id=staff.id,
                shift_id=actor.shift_id,
                kind=Kind(kind),
                occurred_at=occurred_at or now,
                recorded_at=now,
                **values,
            )
            session.add(entry)
            session.flush()
            view = entries.entry_view(entry, staff, [], [])
            entries.sync_open_entry(session, entry, view)
            return view

    def desk(self, actor: Actor, day: date | None = None) -> DeskSnapshot:
        """Today's timeline (newest first) and counts per kind, voided entries not counted, and
        the branch's oldest open items of any day."""
        with self.db.read() as session:
            staff = _authorize(session, actor, Permission.READ_LOG)
            branch = session.get(Branch, staff.branch_id) if staff else _the_branch(session)
            zone = branch_zone(branch.time_zone)
            today = branch_today(zone)
            start, end = day_bounds(day or today, zone)
            in_day = (
                (Entry.branch_id == branch.id)
                & (Entry.occurred_at >= start)
                & (Entry.occurred_at < end)
            )
            rows = session.exec(
                select(Entry, Staff)
                .join(Staff, Staff.id == Entry.staff_id)
                .where(in_day)
                .order_by(Entry.occurred_at.desc(), Entry.id.desc())
                .limit(DESK_TIMELINE_LIMIT)
            ).all()
            voided = select(Revision.entry_id).where(Revision.action == "void")
            counts = dict(
                session.exec(
                    select(Entry.kind, func.count())
                    .where(in_day & Entry.id.not_in(voided))
                    .group_by(Entry.kind)
                ).all()
            )
            return DeskSnapshot(
                entries=entries.views_of(session, list(rows)),
                counts=counts,
                total_today=sum(counts.values()),
                open_items=entries.open_items(
                    session, branch.id, zone, today, DESK_OPEN_ITEMS_LIMIT
                ),
            )

    def entries_between(
        self, actor: Actor, first_day: date | None, last_day: date | None, batch: int = 1000
    ) -> Iterator[tuple[EntryView, BranchInfo]]:
        """Every entry from ``first_day`` to ``last_day`` (branch days, inclusive), oldest first.

        Read in batches by keyset, so an export of years of entries holds one batch in memory.
        The permission check and the audit event happen at the call, before the first row.
        """
        with self.db.write() as session:
            staff = _authorize(session, actor, Permission.EXPORT)
            branch = session.get(Branch, staff.branch_id) if staff else _the_branch(session)
            info = _branch_info(branch)
            zone = branch_zone(branch.time_zone)
            _audit(
                session,
                "export",
                actor,
                branch_id=branch.id,
                first_day=first_day.isoformat() if first_day else None,
                last_day=last_day.isoformat() if last_day else None,
            )
        where = Entry.branch_id == info.id
        if first_day:
            where &= Entry.occurred_at >= day_bounds(first_day, zone)[0]
        if last_day:
            where &= Entry.occurred_at < day_bounds(last_day, zone)[1]
        return self._entries_where(where, info, batch)

    def _entries_where(
        self, where: Any, info: BranchInfo, batch: int
    ) -> Iterator[tuple[EntryView, BranchInfo]]:
        after: tuple[datetime, int] | None = None
        while True:
            with self.db.read() as session:
                query = select(Entry, Staff).join(Staff, Staff.id == Entry.staff_id).where(where)
                if after:
                    query = query.where(
                        (Entry.occurred_at > after[0])
                        | ((Entry.occurred_at == after[0]) & (Entry.id > after[1]))
                    )
                rows = session.exec(query.order_by(Entry.occurred_at, Entry.id).limit(batch)).all()
                views = entries.views_of(session, list(rows))
            for view in views:
                yield view, info
            if len(rows) < batch:
                return
            after = (rows[-1][0].occurred_at, rows[-1][0].id)

    # -- revisions and voids --------------------------------------------------------------

    def revise_entry(
        self, actor: Actor, entry_id: int, changes: dict[str, Any], reason: str
    ) -> EntryView:
        """Correct an entry: store the changed fields' old and new values with the reason.

        The entry row is never touched; the revision is read over it from then on. Only fields
        of ``REVISABLE`` may change (ValueError otherwise). Fields given with their current
        value are left out of the revision; if none is left, ``ValidationError("changes")``.
        Allowed to the entry's author during the same, still open, shift, and to reviewers.
        """
        _check_values(changes)
        _validate(("reason", validation.check_reason(reason)))
        with self.db.write() as session:
            staff = _writer(session, actor)
            entry = _entry_to_change(session, staff, entry_id, revising_as=actor)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            current, voided = entries.latest_values(entry, revisions)
            if voided:
                raise StoreError(N_("This entry is void and can no longer be changed."))
            changed = {name: value for name, value in changes.items() if current[name] != value}
            if not changed:
                raise ValidationError("changes", N_("Nothing was changed."))
            session.add(
                Revision(
                    entry_id=entry.id,
                    number=max((r.number for r in revisions), default=1) + 1,
                    action="revise",
                    reason=reason,
                    old_values=entries.to_json({name: current[name] for name in changed}),
                    new_values=entries.to_json(changed),
                    staff_id=staff.id,
                )
            )
            _audit(session, "revise", actor, entry_id=entry.id, fields=sorted(changed))
            return _after_change(session, entry)

    def void_entry(self, actor: Actor, entry_id: int, reason: str) -> EntryView:
        """Void an entry, with the reason: it stays in the log, marked void, out of the counts
        and the open items. Allowed to the same people as ``revise_entry``."""
        _validate(("reason", validation.check_reason(reason)))
        with self.db.write() as session:
            staff = _writer(session, actor)
            entry = _entry_to_change(session, staff, entry_id, revising_as=actor)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            if any(revision.action == "void" for revision in revisions):
                raise StoreError(N_("This entry is void and can no longer be changed."))
            session.add(
                Revision(
                    entry_id=entry.id,
                    number=max((r.number for r in revisions), default=1) + 1,
                    action="void",
                    reason=reason,
                    staff_id=staff.id,
                )
            )
            _audit(session, "void", actor, entry_id=entry.id)
            return _after_change(session, entry)

    def entry_history(self, actor: Actor, entry_id: int) -> EntryHistory:
        """An entry now, as first written, and its revisions and events, oldest first."""
        with self.db.read() as session:
            staff = _authorize(session, actor, Permission.READ_LOG)
            entry = _entry_of_branch(session, staff, entry_id)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            events = entries.events_of(session, [entry.id]).get(entry.id, [])
            who = _staff_by_id(
                session,
                {entry.staff_id, *(r.staff_id for r in revisions), *(e.staff_id for e in events)},
            )
            return EntryHistory(
                entry=entries.entry_view(entry, who[entry.staff_id], revisions, events),
                original=entries.original_values(entry),
                revisions=[
                    RevisionView(
                        number=r.number,
                        action=r.action,
                        reason=r.reason,
                        old_values=entries.from_json(r.old_values),
                        new_values=entries.from_json(r.new_values),
                        staff_no=who[r.staff_id].staff_no,
                        staff_name=who[r.staff_id].name,
                        at=r.created_at,
                    )
                    for r in revisions
                ],
                events=[
                    EventView(
                        event=e.event,
                        product_sold=e.product_sold,
                        note=e.note,
                        staff_no=who[e.staff_id].staff_no,
                        staff_name=who[e.staff_id].name,
                        at=e.at,
                    )
                    for e in events
                ],
            )

    def reveal(self, actor: Actor, entry_id: int, field: str) -> str | None:
        """The latest unmasked value of ``field`` (``text``, ``outcome`` or ``contact``) of an
        entry, for a reviewer. The reveal is an audit event, committed though nothing changes."""
        if field not in REVEALABLE:
            raise ValueError(f"not a revealable field: {field!r}")
        with self.db.write() as session:
            staff = _authorize(session, actor, Permission.REVIEW)
            entry = _entry_of_branch(session, staff, entry_id)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            values, _voided = entries.latest_values(entry, revisions)
            _audit(session, "reveal", actor, entry_id=entry.id, field=field)
            return values[field]

    # -- hand-offs and follow-ups ---------------------------------------------------------

    def update_handoff(
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
        _validate(
            ("product_sold", validation.check_product_sold(event, product_sold)),
            ("note", validation.check_length(note)),
        )
        with self.db.write() as session:
            staff = _writer(session, actor)
            entry = _entry_to_change(session, staff, entry_id)
            if entry.kind != Kind.HANDOFF:
                raise StoreError(N_("This entry is not a hand-off."))
            view = entries.current_view(session, entry)
            if view.voided:
                raise StoreError(N_("This entry is void and can no longer be changed."))
            refused = validation.check_handoff_step(view.status, event)
            if refused:
                raise StoreError(refused)
            session.add(
                EntryEvent(
                    entry_id=entry.id,
                    event=event,
                    product_sold=product_sold,
                    note=note,
                    staff_id=staff.id,
                )
            )
            _audit(
                session,
                "handoff_update",
                actor,
                entry_id=entry.id,
                event=event,
                product_sold=product_sold,
            )
            return _after_change(session, entry)

    def close_follow_up(self, actor: Actor, entry_id: int, note: str | None = None) -> EntryView:
        """Mark an enquiry's follow-up done (the customer was called back)."""
        _validate(("note", validation.check_length(note)))
        with self.db.write() as session:
            staff = _writer(session, actor)
            entry = _entry_to_change(session, staff, entry_id)
            view = entries.current_view(session, entry)
            if view.voided or view.status != entries.OPEN_FOLLOW_UP:
                raise StoreError(N_("This entry has no open follow-up."))
            session.add(
                EntryEvent(
                    entry_id=entry.id, event=entries.FOLLOW_UP_DONE, note=note, staff_id=staff.id
                )
            )
            _audit(session, "follow_up_done", actor, entry_id=entry.id)
            return _after_change(session, entry)

    def open_items(self, actor: Actor) -> list[OpenItem]:
        """The branch's pending hand-offs (pending or accepted) and open follow-ups, of any
        day, not voided, oldest first: hand-offs by when they happened, follow-ups by when
        they are due. A follow-up due before today (branch time) is overdue."""
        with self.db.read() as session:
            staff = _authorize(session, actor, Permission.READ_LOG)
            branch = session.get(Branch, staff.branch_id) if staff else _the_branch(session)
            zone = branch_zone(branch.time_zone)
            return entries.open_items(session, branch.id, zone, branch_today(zone))

    # -- drafts ---------------------------------------------------------------------------

    def save_draft(self, actor: Actor, form: str, fields: dict[str, str]) -> None:
        """Keep what is typed in ``form`` (an id of at most 16 characters, e.g. ``queue``) so
        that it survives the process being killed; replaces the staff member's last draft."""
        _check_draft(form, fields)
        with self.db.write() as session:
            staff = _authorize(session, actor, Permission.WRITE_ENTRY)
            draft = session.exec(
                select(Draft).where((Draft.staff_id == staff.id) & (Draft.form == form))
            ).first() or Draft(staff_id=staff.id, form=form)
            draft.fields = json.dumps(fields, ensure_ascii=False)
            draft.updated_at = utcnow()
            session.add(draft)

    def drafts(self, actor: Actor) -> dict[str, dict[str, str]]:
        """The staff member's own drafts: form → field → value as typed."""
        with self.db.read() as session:
            staff = _authorize(session, actor, Permission.WRITE_ENTRY)
            rows = session.exec(select(Draft).where(Draft.staff_id == staff.id))
            return {draft.form: json.loads(draft.fields) for draft in rows}

    def clear_draft(self, actor: Actor, form: str) -> None:
        """Forget the staff member's draft of ``form`` (after it was saved); none is fine."""
        with self.db.write() as session:
            staff = _authorize(session, actor, Permission.WRITE_ENTRY)
            draft = session.exec(
                select(Draft).where((Draft.staff_id == staff.id) & (Draft.form == form))
            ).first()
            if draft is not None:
                session.delete(draft)


# -- helpers --------------------------------------------------------------------------------


def _validate(*checks: tuple[str, str | None]) -> None:
    for field, message in checks:
        if message:
            raise ValidationError(field, message)


def _record_attempt(
    session: Session, staff: Staff, matches: bool, purpose: str, now: datetime
) -> SignInRefused | None:
    """Count a PIN attempt on ``staff`` inside the write transaction; the refusal, if any."""
    # Checked again under the write lock: another terminal may have locked it meanwhile.
    if staff.locked_until is not None and staff.locked_until > now:
        _audit(session, f"{purpose}_refused_locked", staff, staff_id=staff.id)
        return SignInRefused("locked", staff.locked_until)
    if not matches:
        staff.failed_attempts += 1
        _audit(session, f"{purpose}_failed", staff, staff_id=staff.id)
        locked = staff.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            staff.failed_attempts = 0
            staff.locked_until = now + LOCK_DURATION
            _audit(session, "lock", staff, staff_id=staff.id)
        session.add(staff)
        return SignInRefused("locked", staff.locked_until) if locked else SignInRefused("wrong_pin")
    if not staff.active:
        _audit(session, f"{purpose}_failed", staff, staff_id=staff.id, reason="disabled")
        return SignInRefused("disabled")
    if staff.failed_attempts:
        staff.failed_attempts = 0
        session.add(staff)
    return None


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError("role", N_("The role must be lobby, reviewer or admin.")) from None


def _authorize(session: Session, actor: Actor, permission: Permission) -> Staff | None:
    """The acting staff row, after checking in the database that they may do ``permission``.

    The console (the command line, which holds the database file itself) administers staff and
    exports, but writes no duty-log entries: every entry has a staff member as its author.
    """
    if actor.is_console:
        if permission in (Permission.MANAGE_STAFF, Permission.EXPORT, Permission.READ_LOG):
            return None
        raise PermissionDenied(N_("Only a signed-in staff member can do this."))
    if actor.staff_id is None:
        raise PermissionDenied(N_("Only a signed-in staff member can do this."))
    staff = session.get(Staff, actor.staff_id)
    if staff is None or not staff.active or staff.staff_no != actor.staff_no:
        raise PermissionDenied(N_("This account is not active."))
    if not allows(staff.role, permission):
        raise PermissionDenied(N_("Your role does not allow this."))
    return staff


def _the_branch(session: Session) -> Branch:
    branch = session.exec(select(Branch).order_by(Branch.id)).first()
    if branch is None:
        raise NotSetUp(N_("This database has no branch yet: run the first-run setup."))
    return branch


def _staff_by_no(session: Session, staff_no: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
    if staff is None:
        raise ValidationError("staff_no", N_("No staff member has this number."))
    return staff


def _label(who: Actor | Staff) -> str:
    return who.staff_no


def _audit(session: Session, action: str, who: Actor | Staff | str, **detail: Any) -> None:
    staff_id = detail.pop("staff_id", None)
    branch_id = detail.pop("branch_id", None)
    if isinstance(who, Staff):
        branch_id = branch_id or who.branch_id
    if isinstance(who, Actor):
        staff_id = staff_id or who.staff_id
        branch_id = branch_id or who.branch_id
    session.add(
        AuditEvent(
            action=action,
            actor=who if isinstance(who, str) else _label(who),
            staff_id=staff_id,
            branch_id=branch_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def _actor(staff: Staff, shift_id: int | None) -> Actor:
    return Actor(
        staff_id=staff.id,
        staff_no=staff.staff_no,
        name=staff.name,
        role=Role(staff.role),
        branch_id=staff.branch_id,
        shift_id=shift_id,
    )


def _branch_info(row: Branch) -> BranchInfo:
    return BranchInfo(
        id=row.id, code=row.code, name=row.name, time_zone=row.time_zone, demo=row.demo
    )


def _staff_info(row: Staff) -> StaffInfo:
    return StaffInfo(
        staff_no=row.staff_no,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        locked_until=row.locked_until,
    )


def _staff_by_id(session: Session, ids: set[int]) -> dict[int, Staff]:
    return {staff.id: staff for staff in session.exec(select(Staff).where(Staff.id.in_(ids)))}


def _check_values(values: dict[str, Any]) -> None:
    """Refuse entry values that are not entry fields, of the wrong type, or badly typed."""
    unknown = set(values) - set(REVISABLE)
    if unknown:
        raise ValueError(f"not an entry field: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        expected = datetime if name in DATETIMES else bool if name in BOOLEANS else str
        if value is not None and not isinstance(value, expected):
            raise ValueError(f"{name} must be {expected.__name__} or None, not {value!r}")
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(f"{name}: naive datetime: every stored time must carry its zone")
    _validate(
        ("ticket", validation.check_ticket(values.get("ticket") or "")),
        *((code, validation.check_code(code, values.get(code))) for code in CODE_FIELDS),
        ("text", validation.check_length(values.get("text"))),
        ("outcome", validation.check_length(values.get("outcome"))),
        ("contact", validation.check_contact(values.get("contact"))),
    )


def _check_draft(form: str, fields: dict[str, str]) -> None:
    if not form or len(form) > DRAFT_FORM_MAX_LENGTH:
        raise ValueError(f"a draft's form is 1 to 16 characters, not {form!r}")
    for name, value in fields.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValueError(f"a draft holds text fields only, not {name!r}: {value!r}")
        _validate((name, validation.check_length(value)))


def _writer(session: Session, actor: Actor) -> Staff:
    """The signed-in staff member writing to the log, on their own shift."""
    staff = _authorize(session, actor, Permission.WRITE_ENTRY)
    shift = session.get(Shift, actor.shift_id) if actor.shift_id else None
    if shift is None or shift.staff_id != staff.id:
        raise PermissionDenied(N_("Sign in before writing to the duty log."))
    return staff


def _entry_of_branch(session: Session, staff: Staff | None, entry_id: int) -> Entry:
    """An entry of the staff member's branch (any branch for the console)."""
    entry = session.get(Entry, entry_id)
    if entry is None or (staff is not None and entry.branch_id != staff.branch_id):
        raise StoreError(N_("There is no such entry."))
    return entry


def _entry_to_change(
    session: Session, staff: Staff, entry_id: int, revising_as: Actor | None = None
) -> Entry:
    """An entry of the staff member's branch, read for a change: its row is locked where the
    database can (PostgreSQL; SQLite's write transaction holds the whole lock already).

    With ``revising_as``, only the entry's author on the same, still open, shift, or a
    reviewer, may have it.
    """
    entry = session.exec(select(Entry).where(Entry.id == entry_id).with_for_update()).first()
    if entry is None or entry.branch_id != staff.branch_id:
        raise StoreError(N_("There is no such entry."))
    if revising_as is not None and not _may_change(session, revising_as, staff, entry):
        raise PermissionDenied(
            N_("Only its author during the same shift, or a reviewer, can change this entry.")
        )
    return entry


def _may_change(session: Session, actor: Actor, staff: Staff, entry: Entry) -> bool:
    if allows(staff.role, Permission.REVIEW):
        return True
    if entry.staff_id != staff.id or entry.shift_id is None or entry.shift_id != actor.shift_id:
        return False
    shift = session.get(Shift, entry.shift_id)
    return shift is not None and shift.staff_id == staff.id and shift.signed_out_at is None


def _after_change(session: Session, entry: Entry) -> EntryView:
    """The entry as it is after a revision or an event, with the open-items index kept up."""
    session.flush()
    view = entries.current_view(session, entry)
    entries.sync_open_entry(session, entry, view)
    return view
