"""What every command of the store shares: who may act, the branch, the audit trail, and
the checks on values before they are written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlmodel import Session, select

from lobby_tui.data import entries, log_index, open_entries, raw_rows
from lobby_tui.data.entries import BOOLEANS, DATETIMES, REVISABLE
from lobby_tui.data.models import (
    AuditEvent,
    Branch,
    BranchGrant,
    Entry,
    Shift,
    Staff,
)
from lobby_tui.data.views import (
    Actor,
    BranchInfo,
    EntryView,
    NotSetUp,
    PermissionDenied,
    SignInRefused,
    StaffInfo,
    StoreError,
)
from lobby_tui.domain import validation
from lobby_tui.domain.complaints import CASE_STEP_REFUSAL
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import CHANGE_REFUSAL, Permission, Role, allows, may_change_entry
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

# -- shared --------------------------------------------------------------------------------

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=5)
DRAFT_FORM_MAX_LENGTH = 16
CODE_FIELDS = tuple(validation.CODE_MAX_LENGTHS)


def validate_fields(*checks: tuple[str, str | None]) -> None:
    for field, message in checks:
        if message:
            raise ValidationError(field, message)


def record_attempt(
    session: Session, staff: Staff, matches: bool, purpose: str, now: datetime
) -> SignInRefused | None:
    """Count a PIN attempt on ``staff`` inside the write transaction; the refusal, if any."""
    # Checked again under the write lock: another terminal may have locked it meanwhile.
    if staff.locked_until is not None and staff.locked_until > now:
        audit(session, f"{purpose}_refused_locked", staff, staff_id=staff.id)
        return SignInRefused("locked", staff.locked_until)
    if not matches:
        staff.failed_attempts += 1
        audit(session, f"{purpose}_failed", staff, staff_id=staff.id)
        locked = staff.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            staff.failed_attempts = 0
            staff.locked_until = now + LOCK_DURATION
            audit(session, "lock", staff, staff_id=staff.id)
        session.add(staff)
        return SignInRefused("locked", staff.locked_until) if locked else SignInRefused("wrong_pin")
    if not staff.active:
        audit(session, f"{purpose}_failed", staff, staff_id=staff.id, reason="disabled")
        return SignInRefused("disabled")
    if staff.failed_attempts:
        staff.failed_attempts = 0
        session.add(staff)
    return None


def parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            "role", N_("The role must be lobby, reviewer, admin or head_office.")
        ) from None


def authorize(session: Session, actor: Actor, permission: Permission) -> Staff | None:
    """The acting staff row, after checking in the database that they may do ``permission``.

    The console (the command line, which holds the database file itself) administers staff and
    exports, but writes no duty-log entries: every entry has a staff member as its author.
    """
    if _console_may(actor, permission):
        return None
    staff = session.get(Staff, actor.staff_id)
    _check_staff(actor, staff, permission)
    return staff


def reader_branch(connection: Connection, actor: Actor, permission: Permission) -> BranchInfo:
    """The branch ``actor`` reads, after the check of ``authorize``, in one statement.

    For a read that needs no ``Staff`` row: the staff member's active flag, number and role are
    read with their branch as plain columns, inside the caller's transaction.
    """
    if _console_may(actor, permission):
        query = select(*_BRANCH_COLUMNS).order_by(Branch.id).limit(1)
        if actor.branch_id is not None:
            query = query.where(Branch.id == actor.branch_id)
        row = connection.execute(query).first()
        if row is None:
            raise NotSetUp(N_("This database has no branch yet: run the first-run setup."))
        return BranchInfo(*row)
    row = raw_rows.first(connection, _READER, {"staff_id": actor.staff_id})
    _check_staff(actor, row, permission)
    branch_id = read_branch_id(connection, actor, row[3], row.role, row[4])
    if branch_id == row[4]:
        return BranchInfo(*row[4:])
    return BranchInfo(*connection.execute(_BRANCH, {"branch_id": branch_id}).one())


_BRANCH_COLUMNS = (Branch.id, Branch.code, Branch.name, Branch.time_zone, Branch.demo)
# Built once: SQLAlchemy then reuses its compiled form without rebuilding or re-keying it.
_READER = (
    select(Staff.active, Staff.staff_no, Staff.role, Staff.id, *_BRANCH_COLUMNS)
    .join(Branch, Branch.id == Staff.branch_id)
    .where(Staff.id == bindparam("staff_id"))
)
_BRANCH = select(*_BRANCH_COLUMNS).where(Branch.id == bindparam("branch_id"))
_GRANTED = select(BranchGrant.id).where(
    (BranchGrant.staff_id == bindparam("staff_id"))
    & ((BranchGrant.branch_id == bindparam("branch_id")) | BranchGrant.branch_id.is_(None))
)
OTHER_BRANCH = N_("You may not read this branch.")


def read_branch_id(
    connection: Connection, actor: Actor, staff_id: int, role: str, home_branch_id: int
) -> int:
    """The branch a staff member reads: their own; for a head-office reviewer the branch their
    actor names (``actor.branch_id``, picked in F7/F8) when it is their own or granted to them
    (``branch_grant``). The one place a branch other than one's own is let through."""
    wanted = actor.branch_id if actor.branch_id is not None else home_branch_id
    if wanted == home_branch_id:
        return wanted
    if role == Role.HEAD_OFFICE:
        granted = {"staff_id": staff_id, "branch_id": wanted}
        if connection.execute(_GRANTED, granted).first() is not None:
            return wanted
    raise PermissionDenied(OTHER_BRANCH)


def _console_may(actor: Actor, permission: Permission) -> bool:
    """True for the console doing what it may; refused for the console or a staff-less actor
    doing anything else; False for a staff member, whose row is checked next."""
    if actor.is_console:
        if permission in (Permission.MANAGE_STAFF, Permission.EXPORT, Permission.READ_LOG):
            return True
        raise PermissionDenied(N_("Only a signed-in staff member can do this."))
    if actor.staff_id is None:
        raise PermissionDenied(N_("Only a signed-in staff member can do this."))
    return False


def _check_staff(actor: Actor, staff: Any, permission: Permission) -> None:
    """Refuse unless ``staff`` (a row with active, staff_no and role) is the actor's, active and
    allowed ``permission``."""
    if staff is None or not staff.active or staff.staff_no != actor.staff_no:
        raise PermissionDenied(N_("This account is not active."))
    if not allows(staff.role, permission):
        raise PermissionDenied(N_("Your role does not allow this."))


def authorized_branch(session: Session, actor: Actor, permission: Permission) -> Branch:
    """The branch ``actor`` works in, after the check of ``authorize``; the console's is the
    database's branch."""
    staff = authorize(session, actor, permission)
    if staff is None:
        return the_branch(session, actor.branch_id)
    branch_id = read_branch_id(session.connection(), actor, staff.id, staff.role, staff.branch_id)
    return session.get(Branch, branch_id)


def the_branch(session: Session, branch_id: int | None = None) -> Branch:
    """The branch ``branch_id``, or without one the database's first branch."""
    query = select(Branch).order_by(Branch.id)
    if branch_id is not None:
        query = query.where(Branch.id == branch_id)
    branch = session.exec(query).first()
    if branch is None:
        raise NotSetUp(N_("This database has no branch yet: run the first-run setup."))
    return branch


def staff_by_no(session: Session, staff_no: str, branch_id: int) -> Staff:
    """The staff member numbered ``staff_no`` in the branch: numbers are unique per branch."""
    query = select(Staff).where((Staff.staff_no == staff_no) & (Staff.branch_id == branch_id))
    staff = session.exec(query).first()
    if staff is None:
        raise ValidationError("staff_no", N_("No staff member has this number."))
    return staff


def label(who: Actor | Staff) -> str:
    return who.staff_no


def audit(session: Session, action: str, who: Actor | Staff | str, **detail: Any) -> None:
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
            actor=who if isinstance(who, str) else label(who),
            staff_id=staff_id,
            branch_id=branch_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def actor_of(staff: Staff, shift_id: int | None) -> Actor:
    return Actor(
        staff_id=staff.id,
        staff_no=staff.staff_no,
        name=staff.name,
        role=Role(staff.role),
        branch_id=staff.branch_id,
        shift_id=shift_id,
    )


def branch_info(row: Branch) -> BranchInfo:
    return BranchInfo(
        id=row.id, code=row.code, name=row.name, time_zone=row.time_zone, demo=row.demo
    )


def staff_info(row: Staff) -> StaffInfo:
    return StaffInfo(
        staff_no=row.staff_no,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        locked_until=row.locked_until,
    )


def staff_by_id(session: Session, ids: set[int]) -> dict[int, Staff]:
    return {staff.id: staff for staff in session.exec(select(Staff).where(Staff.id.in_(ids)))}


def check_values(values: dict[str, Any]) -> None:
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
    validate_fields(
        ("ticket", validation.check_ticket(values.get("ticket") or "")),
        *((code, validation.check_code(code, values.get(code))) for code in CODE_FIELDS),
        ("text", validation.check_length(values.get("text"))),
        ("outcome", validation.check_length(values.get("outcome"))),
        ("contact", validation.check_contact(values.get("contact"))),
    )


def check_draft(form: str, fields: dict[str, str]) -> None:
    if not form or len(form) > DRAFT_FORM_MAX_LENGTH:
        raise ValueError(f"a draft's form is 1 to 16 characters, not {form!r}")
    for name, value in fields.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValueError(f"a draft holds text fields only, not {name!r}: {value!r}")
        validate_fields((name, validation.check_length(value)))


def writer(session: Session, actor: Actor) -> Staff:
    """The signed-in staff member writing to the log, on their own shift."""
    staff = authorize(session, actor, Permission.WRITE_ENTRY)
    # Asked at every save: a statement built once, through the driver (``raw_rows``).
    shift = (
        raw_rows.first(session.connection(), _SHIFT_STAFF, {"shift_id": actor.shift_id})
        if actor.shift_id
        else None
    )
    if shift is None or shift.staff_id != staff.id:
        raise PermissionDenied(N_("Sign in before writing to the duty log."))
    return staff


_SHIFT_STAFF = select(Shift.staff_id).where(Shift.id == bindparam("shift_id"))


def entry_of_branch(session: Session, branch_id: int, entry_id: int) -> Entry:
    """An entry of the branch ``branch_id`` (read with ``authorized_branch``)."""
    entry = session.get(Entry, entry_id)
    if entry is None or entry.branch_id != branch_id:
        raise StoreError(N_("There is no such entry."))
    return entry


def entry_to_change(
    session: Session, staff: Staff, entry_id: int, revising_as: Actor | None = None
) -> Entry:
    """An entry of the staff member's branch, read for a change. No row lock is needed: a
    write transaction holds the one write lock from its first statement on both engines
    (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), and the terminals' role on a
    server may not lock rows of an append-only table (SELECT … FOR UPDATE needs UPDATE).

    With ``revising_as``, only the entry's author on the same, still open, shift, or a
    reviewer, may have it.
    """
    entry = session.get(Entry, entry_id)
    if entry is None or entry.branch_id != staff.branch_id:
        raise StoreError(N_("There is no such entry."))
    if revising_as is not None and not may_change(session, revising_as, staff, entry):
        raise PermissionDenied(CHANGE_REFUSAL)
    if revising_as is not None and entry.complaint_id is not None:
        # The step is a record of its case too: a changed entry would no longer say what it did.
        raise StoreError(CASE_STEP_REFUSAL)
    return entry


def may_change(session: Session, actor: Actor, staff: Staff, entry: Entry) -> bool:
    """The rule of ``roles.may_change_entry``, with the shift read from the database."""
    own = (
        entry.staff_id == staff.id
        and entry.shift_id is not None
        and entry.shift_id == actor.shift_id
    )
    if own:
        shift = session.get(Shift, entry.shift_id)
        own = shift is not None and shift.staff_id == staff.id and shift.signed_out_at is None
    return may_change_entry(staff.role, own_entry_this_shift=own)


def new_entry(
    session: Session,
    actor: Actor,
    staff: Staff,
    kind: Kind,
    at: datetime,
    now: datetime,
    *,
    complaint_no: str | None = None,
    **values: Any,
) -> tuple[Entry, EntryView]:
    """A new duty-log entry by ``staff`` on ``actor``'s shift, happened ``at``, written ``now``,
    with the open-items index and the log browser's index kept up: the one way an entry is
    added (a save, a checklist's problem, a complaint step)."""
    entry = Entry(
        branch_id=staff.branch_id,
        staff_id=staff.id,
        shift_id=actor.shift_id,
        kind=kind,
        occurred_at=at,
        recorded_at=now,
        **values,
    )
    session.add(entry)
    session.flush()
    # Just written: no revisions nor events to read back.
    view = entries.entry_view(entry, staff, [], [], complaint_no=complaint_no)
    open_entries.sync_open_entry(session, entry, view, new=True)
    log_index.sync(session, entry, view, new=True)
    return entry, view


def after_change(session: Session, entry: Entry) -> EntryView:
    """The entry as it is after a revision or an event, with the open-items index and the
    log browser's index kept up."""
    session.flush()
    view = entries.current_view(session, entry)
    open_entries.sync_open_entry(session, entry, view)
    log_index.sync(session, entry, view)
    return view
