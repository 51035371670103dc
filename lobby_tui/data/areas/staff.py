"""The staff area: signing in, locking and unlocking, signing out, and the staff list."""

from __future__ import annotations

from sqlmodel import Session, select

from lobby_tui.data.access import (
    actor_of,
    audit,
    authorize,
    authorized_branch,
    parse_role,
    record_attempt,
    staff_by_no,
    staff_info,
    validate_fields,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import (
    Branch,
    Shift,
    Staff,
)
from lobby_tui.data.pins import dummy_hash, hash_pin, verify_pin
from lobby_tui.data.views import (
    Actor,
    SignInRefused,
    StaffInfo,
    StoreError,
)
from lobby_tui.domain import validation
from lobby_tui.domain.roles import Permission, Role
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_


class StaffArea(Area):
    """Who may sign in, and the sessions they open."""

    # -- signing in -----------------------------------------------------------------------

    def sign_in(self, staff_no: str, pin: str) -> Actor:
        """Check the PIN, open a shift and return the signed-in staff member.

        On a database opened read-only (an archive copy) the PIN is checked and nothing is
        written: no shift, no audit event, no count of wrong PINs; the actor has no shift."""
        if self.db.read_only:
            return self._sign_in_read_only(staff_no, pin)
        staff_id = self._check_pin(staff_no, pin)
        with self.db.write() as session:
            staff = session.get(Staff, staff_id)
            shift = Shift(branch_id=staff.branch_id, staff_id=staff.id)
            session.add(shift)
            session.flush()
            actor = actor_of(staff, shift.id)
            audit(session, "sign_in", actor, shift_id=shift.id)
            return actor

    def _sign_in_read_only(self, staff_no: str, pin: str, staff_id: int | None = None) -> Actor:
        with self.db.read() as session:
            staff = _signing_in(session, staff_no, staff_id)
        matches = verify_pin(pin, staff.pin_hash if staff else dummy_hash())
        if staff is None:
            raise SignInRefused("unknown")
        if not staff.active:
            raise SignInRefused("disabled")
        if not matches:
            raise SignInRefused("wrong_pin")
        return actor_of(staff, None)

    def unlock(self, actor: Actor, pin: str) -> None:
        """Accept the signed-in staff member's own PIN on the lock screen."""
        if self.db.read_only:
            self._sign_in_read_only(actor.staff_no, pin, actor.staff_id)
            return
        self._check_pin(actor.staff_no, pin, purpose="unlock", staff_id=actor.staff_id)

    def sign_out(self, actor: Actor) -> None:
        """Close the actor's own shift (there is none on a read-only database)."""
        if self.db.read_only:
            return
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.READ_LOG)
            shift = session.get(Shift, actor.shift_id) if actor.shift_id else None
            if shift is not None and shift.staff_id == staff.id and shift.signed_out_at is None:
                shift.signed_out_at = self.clock()
                session.add(shift)
            audit(session, "sign_out", actor, shift_id=actor.shift_id)

    def _check_pin(
        self, staff_no: str, pin: str, purpose: str = "sign_in", staff_id: int | None = None
    ) -> int:
        with self.db.read() as session:
            staff = _signing_in(session, staff_no, staff_id)
            stored = staff.pin_hash if staff else dummy_hash()
            locked_until = staff.locked_until if staff else None
        now = self.clock()
        # The slow hash runs outside any transaction, so a sign-in never holds the write lock;
        # it runs for a locked number too, so the answer's timing tells nothing.
        matches = verify_pin(pin, stored)
        if staff is not None and locked_until is not None and locked_until > now:
            with self.db.write() as session:
                audit(session, f"{purpose}_refused_locked", staff, staff_id=staff.id)
            raise SignInRefused("locked", locked_until)
        # A refusal is committed with its audit events first, then raised.
        refusal: SignInRefused | None = None
        with self.db.write() as session:
            if staff is None:
                audit(session, f"{purpose}_failed", staff_no[:64], reason="unknown")
                refusal = SignInRefused("unknown")
            else:
                staff = session.get(Staff, staff.id)
                refusal = record_attempt(session, staff, matches, purpose, now)
        if refusal is not None:
            raise refusal
        return staff.id

    # -- staff ----------------------------------------------------------------------------

    def add(self, actor: Actor, staff_no: str, name: str, role: Role | str, pin: str) -> None:
        """Add a staff member of the branch with ``role`` and a PIN of 6 digits or more."""
        validate_fields(
            ("staff_no", validation.check_staff_no(staff_no)),
            ("name", validation.check_name(name)),
            ("pin", validation.check_pin(pin)),
        )
        role = parse_role(role)
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            branch = authorized_branch(session, actor, Permission.MANAGE_STAFF)
            taken = (Staff.staff_no == staff_no) & (Staff.branch_id == branch.id)
            if session.exec(select(Staff).where(taken)).first():
                raise ValidationError("staff_no", N_("This staff number is taken."))
            session.add(
                Staff(
                    branch_id=branch.id, staff_no=staff_no, name=name, role=role, pin_hash=pin_hash
                )
            )
            audit(session, "staff_add", actor, staff_no=staff_no, role=role)

    def demo_accounts(self) -> list[StaffInfo]:
        """The accounts to list on the sign-in screen of a demo database; empty otherwise."""
        with self.db.read() as session:
            branch = session.exec(select(Branch)).first()
            if branch is None or not branch.demo:
                return []
            rows = session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_no))
            return [staff_info(row) for row in rows]

    def members(self, actor: Actor) -> list[StaffInfo]:
        """Every staff member of the branch, active or not, by number."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.MANAGE_STAFF)
            rows = select(Staff).where(Staff.branch_id == branch.id).order_by(Staff.staff_no)
            return [staff_info(s) for s in session.exec(rows)]

    def disable(self, actor: Actor, staff_no: str) -> None:
        """Disable a staff member's account: the PIN no longer signs in; their entries stay.
        An admin does not disable their own account (nobody would be left to undo it)."""
        with self.db.write() as session:
            branch = authorized_branch(session, actor, Permission.MANAGE_STAFF)
            staff = staff_by_no(session, staff_no, branch.id)
            if staff.id == actor.staff_id:
                raise StoreError(N_("You cannot disable your own account."))
            if not staff.active:
                raise StoreError(N_("This account is already disabled."))
            staff.active = False
            session.add(staff)
            audit(session, "staff_disable", actor, staff_no=staff_no)

    def lift_lock(self, actor: Actor, staff_no: str) -> None:
        """Lift the lock that failed PINs put on a staff member, before it runs out."""
        with self.db.write() as session:
            branch = authorized_branch(session, actor, Permission.MANAGE_STAFF)
            staff = staff_by_no(session, staff_no, branch.id)
            if staff.locked_until is None or staff.locked_until <= self.clock():
                raise StoreError(N_("This account is not locked."))
            staff.failed_attempts = 0
            staff.locked_until = None
            session.add(staff)
            audit(session, "staff_unlock", actor, staff_no=staff_no)

    def reset_pin(self, actor: Actor, staff_no: str, pin: str) -> None:
        """Set a new PIN (6 digits or more) and lift any lock."""
        validate_fields(("pin", validation.check_pin(pin)))
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            branch = authorized_branch(session, actor, Permission.MANAGE_STAFF)
            staff = staff_by_no(session, staff_no, branch.id)
            staff.pin_hash = pin_hash
            staff.failed_attempts = 0
            staff.locked_until = None
            session.add(staff)
            audit(session, "staff_reset_pin", actor, staff_no=staff_no)


def _signing_in(session: Session, typed: str, staff_id: int | None = None) -> Staff | None:
    """The staff member a sign-in names: by id (the lock screen), by ``BRANCH/NUMBER``, or by
    a number alone when one branch only has it (numbers are unique per branch)."""
    if staff_id is not None:
        return session.get(Staff, staff_id)
    code, slash, staff_no = typed.rpartition("/")
    query = select(Staff).where(Staff.staff_no == staff_no)
    if slash:
        query = query.join(Branch, Branch.id == Staff.branch_id).where(Branch.code == code)
    found = session.exec(query.limit(2)).all()
    return found[0] if len(found) == 1 else None
