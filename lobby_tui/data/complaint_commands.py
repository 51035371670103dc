"""Complaint cases: registering one, every step after, and the lists, timelines, day counts and
export that read them.

Every step is an action of the case and an entry of kind ``complaint`` in the duty log, written
in one transaction with the open-cases index. The rules of DESIGN.md §3 are checked here, under
the write lock: the order of the steps, the deadline's extensions, and recusal (the handler is
never the staff member complained about).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from lobby_tui.data import complaints, entries, log_index
from lobby_tui.data.access import (
    audit,
    staff_by_no,
    validate_fields,
    writer,
)
from lobby_tui.data.engine import Database
from lobby_tui.data.models import (
    Branch,
    ComplaintAction,
    ComplaintCase,
    Entry,
    Staff,
)
from lobby_tui.data.views import (
    Actor,
    CaseSaved,
    CaseView,
    StoreError,
)
from lobby_tui.domain import complaints as rules
from lobby_tui.domain import validation
from lobby_tui.domain.clock import branch_zone, utcnow
from lobby_tui.domain.complaints import Action, Status
from lobby_tui.domain.deadlines import FIRST_EXTENSION_DAYS, check_extension
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

# A step may be dated a little ahead of the database's clock (terminals' clocks differ).
CLOCK_SLACK = timedelta(minutes=5)
RECUSAL = N_(
    "The handler cannot be the staff member complained about (recusal): "
    "pick another handler, or reassign the case."
)


class ComplaintCommands:
    db: Database

    # -- registering ----------------------------------------------------------------------

    def register_complaint(
        self,
        actor: Actor,
        *,
        channel: str,
        business: str,
        cause: str,
        severity: str,
        complainant_name: str,
        facts: str,
        complainant_contact: str | None = None,
        request: str | None = None,
        respondent_no: str | None = None,
        ticket: str | None = None,
        handler_no: str | None = None,
        received_at: datetime | None = None,
        save_key: str | None = None,
    ) -> CaseSaved:
        """Register a complaint as case ``TS-YYYYMMDD-NNN`` (numbered per branch and local day
        of receipt). The handler is the registering staff member unless ``handler_no`` names
        another; never the respondent (recusal: StoreError). With ``save_key``, a case already
        registered by that save is returned instead of a second one."""
        for axis, code in (
            ("channel", channel),
            ("business", business),
            ("cause", cause),
            ("severity", severity),
        ):
            if code not in rules.codes(axis):
                raise ValidationError(axis, N_("Pick one of the listed values."))
        validate_fields(
            ("complainant_name", validation.check_name(complainant_name)),
            ("complainant_contact", validation.check_contact(complainant_contact)),
            ("facts", _required(facts, N_("Write what happened."))),
            ("request", validation.check_length(request)),
            ("ticket", validation.check_ticket(ticket or "")),
        )
        _check_time(received_at)
        with self.db.write() as session:
            staff = writer(session, actor)
            if (found := entries.saved_under(session, save_key)) is not None:
                return _saved_case(session, staff, found)
            now = utcnow()
            received_at = received_at or now
            if received_at > now + CLOCK_SLACK:
                raise ValidationError("received_at", N_("The time cannot be in the future."))
            respondent = _staff_of_branch(session, staff, respondent_no, "respondent_no")
            handler = _staff_of_branch(session, staff, handler_no, "handler_no") or staff
            if respondent is not None and respondent.id == handler.id:
                raise StoreError(RECUSAL)
            branch = session.get(Branch, staff.branch_id)
            zone = branch_zone(branch.time_zone)
            case = ComplaintCase(
                branch_id=branch.id,
                number=complaints.next_number(
                    session, branch.id, received_at.astimezone(zone).date()
                ),
                received_at=received_at,
                channel=channel,
                business=business,
                cause=cause,
                complainant_name=complainant_name.strip(),
                complainant_contact=(complainant_contact or "").strip() or None,
                respondent_id=respondent.id if respondent else None,
                facts=facts,
                request=request or None,
                severity=severity,
                ticket=ticket or None,
                staff_id=staff.id,
                recorded_at=now,
            )
            session.add(case)
            session.flush()
            audit(session, "complaint_register", actor, case_id=case.id, number=case.number)
            return _record(
                session,
                actor,
                staff,
                case,
                [],
                Action.REGISTER,
                {"handler_id": handler.id},
                received_at,
                text=facts,
                outcome=request or None,
                contact=case.complainant_contact,
                save_key=save_key,
            )

    # -- working the case -----------------------------------------------------------------

    def start_complaint(
        self, actor: Actor, case_id: int, note: str | None = None, *, at: datetime | None = None
    ) -> CaseSaved:
        """Take a received case in hand: received → in progress."""
        return self._step(actor, case_id, Action.START, {"note": note}, at, text=note)

    def extend_complaint(
        self,
        actor: Actor,
        case_id: int,
        reason: str,
        *,
        days: int = FIRST_EXTENSION_DAYS,
        approver: str | None = None,
        customer_told: bool = False,
        at: datetime | None = None,
    ) -> CaseSaved:
        """Extend the deadline, with the reason: first by 15 days (30 in all); then by at most
        30 more (60 in all) with the approver's name and the customer told."""
        validate_fields(("reason", validation.check_reason(reason)))
        if approver is not None:
            validate_fields(("approver", validation.check_length(approver, 40)))
        payload = {
            "reason": reason,
            "days": days,
            "approver": (approver or "").strip() or None,
            "customer_told": customer_told,
        }

        def check(view: CaseView) -> None:
            when = at or utcnow()
            refused = check_extension(view.deadline, days, approver, customer_told, when)
            if refused:
                raise StoreError(refused)

        return self._step(actor, case_id, Action.EXTEND, payload, at, text=reason, check=check)

    def pause_complaint(
        self, actor: Actor, case_id: int, reason: str, *, at: datetime | None = None
    ) -> CaseSaved:
        """Stop the clock for an outside appraisal (the reason says which)."""
        validate_fields(("reason", validation.check_reason(reason)))
        return self._step(actor, case_id, Action.PAUSE, {"reason": reason}, at, text=reason)

    def resume_complaint(
        self, actor: Actor, case_id: int, note: str | None = None, *, at: datetime | None = None
    ) -> CaseSaved:
        """Start the clock again after the appraisal."""
        validate_fields(("note", validation.check_length(note)))
        return self._step(actor, case_id, Action.RESUME, {"note": note}, at, text=note)

    def add_complaint_facts(
        self, actor: Actor, case_id: int, facts: str, *, at: datetime | None = None
    ) -> CaseSaved:
        """Record new facts from the complainant: the clock restarts from that day."""
        validate_fields(("facts", _required(facts, N_("Write the new facts."))))
        return self._step(actor, case_id, Action.NEW_FACTS, {"facts": facts}, at, text=facts)

    def decide_complaint(
        self,
        actor: Actor,
        case_id: int,
        decision: str,
        told_by: str,
        told_at: datetime,
        *,
        at: datetime | None = None,
    ) -> CaseSaved:
        """Record the decision, and how (``told_by``, a code of ``TOLD_BY``) and when the
        customer was told. Stops the clock."""
        validate_fields(("decision", _required(decision, N_("Write the decision."))))
        if told_by not in rules.codes("told_by"):
            raise ValidationError("told_by", N_("Pick one of the listed values."))
        _check_time(told_at)
        if told_at > utcnow() + CLOCK_SLACK:
            raise ValidationError("told_at", N_("The time cannot be in the future."))
        payload = {"decision": decision, "told_by": told_by, "told_at": told_at}
        return self._step(actor, case_id, Action.DECIDE, payload, at, text=decision)

    def follow_up_complaint(
        self,
        actor: Actor,
        case_id: int,
        satisfaction: str,
        note: str | None = None,
        *,
        at: datetime | None = None,
    ) -> CaseSaved:
        """Record the follow-up call: the customer's satisfaction with the decision."""
        if satisfaction not in rules.codes("satisfaction"):
            raise ValidationError("satisfaction", N_("Pick one of the listed values."))
        validate_fields(("note", validation.check_length(note)))
        payload = {"satisfaction": satisfaction, "note": note}
        return self._step(actor, case_id, Action.FOLLOW_UP, payload, at, text=note)

    def close_complaint(
        self, actor: Actor, case_id: int, note: str | None = None, *, at: datetime | None = None
    ) -> CaseSaved:
        """Close a case after its follow-up call."""
        validate_fields(("note", validation.check_length(note)))
        return self._step(actor, case_id, Action.CLOSE, {"note": note}, at, text=note)

    def withdraw_complaint(
        self, actor: Actor, case_id: int, reason: str, *, at: datetime | None = None
    ) -> CaseSaved:
        """The complainant withdrew the complaint: the case ends, the clock stops."""
        validate_fields(("reason", validation.check_reason(reason)))
        return self._step(actor, case_id, Action.WITHDRAW, {"reason": reason}, at, text=reason)

    def reassign_complaint(
        self,
        actor: Actor,
        case_id: int,
        handler_no: str,
        reason: str,
        *,
        at: datetime | None = None,
    ) -> CaseSaved:
        """Hand the case to another handler; never the staff member complained about."""
        validate_fields(("reason", validation.check_reason(reason)))
        return self._step(
            actor, case_id, Action.REASSIGN, {"reason": reason}, at, text=reason, handler=handler_no
        )

    def _step(
        self,
        actor: Actor,
        case_id: int,
        action: Action,
        payload: dict[str, Any],
        at: datetime | None,
        *,
        text: str | None,
        check: Callable[[CaseView], None] | None = None,
        handler: str | None = None,
    ) -> CaseSaved:
        _check_time(at)
        with self.db.write() as session:
            staff = writer(session, actor)
            # Read under the write lock the transaction took first (see access.entry_to_change).
            case = session.get(ComplaintCase, case_id)
            if case is None or case.branch_id != staff.branch_id:
                raise StoreError(N_("There is no such complaint case."))
            zone = branch_zone(session.get(Branch, case.branch_id).time_zone)
            actions = complaints.actions_of(session, [case.id]).get(case.id, [])
            who = complaints.staff_named(session, [case], {case.id: actions})
            view = complaints.case_view(case, actions, who, zone)
            refused = rules.check_case_step(
                Status(view.status),
                view.deadline,
                action,
                by_respondent=case.respondent_id == staff.id,
                now=at or utcnow(),
            )
            if refused:
                raise StoreError(refused)
            if check is not None:
                check(view)
            if handler is not None:
                new = _staff_of_branch(session, staff, handler, "handler_no")
                if new.id == case.respondent_id:
                    raise StoreError(RECUSAL)
                payload["handler_id"] = new.id
            now = utcnow()
            at = at or now
            if at > now + CLOCK_SLACK:
                raise ValidationError("at", N_("The time cannot be in the future."))
            if at < (actions[-1].at if actions else case.received_at):
                raise ValidationError("at", N_("The time is before the case's last step."))
            audit(session, f"complaint_{action}", actor, case_id=case.id, number=case.number)
            return _record(session, actor, staff, case, actions, action, payload, at, text=text)


def _required(text: str | None, message: str) -> str | None:
    if not (text or "").strip():
        return message
    return validation.check_length(text)


def _check_time(at: datetime | None) -> None:
    if at is not None and at.tzinfo is None:
        raise ValueError("naive datetime: every stored time must carry its zone")


def _staff_of_branch(
    session: Session, staff: Staff, staff_no: str | None, field: str
) -> Staff | None:
    if not staff_no:
        return None
    try:
        found = staff_by_no(session, staff_no, staff.branch_id)
    except ValidationError:
        raise ValidationError(field, N_("No staff member has this number.")) from None
    if found.branch_id != staff.branch_id or not found.active:
        raise ValidationError(field, N_("No staff member has this number."))
    return found


def _saved_case(session: Session, staff: Staff, entry: Entry) -> CaseSaved:
    """The case registered by ``entry``, as its registration returned it."""
    case = session.get(ComplaintCase, entry.complaint_id)
    branch = session.get(Branch, case.branch_id)
    [view] = complaints.views_of(session, [case], branch_zone(branch.time_zone))
    return CaseSaved(
        case=view, entry=entries.entry_view(entry, staff, [], [], complaint_no=case.number)
    )


def _record(
    session: Session,
    actor: Actor,
    staff: Staff,
    case: ComplaintCase,
    actions: list[ComplaintAction],
    action: Action,
    payload: dict[str, Any],
    at: datetime,
    **entry_values: Any,
) -> CaseSaved:
    """Write ``action`` as a duty-log entry and an action of ``case``, keep the open-cases index,
    and return the case after it."""
    entry = Entry(
        branch_id=case.branch_id,
        staff_id=staff.id,
        shift_id=actor.shift_id,
        kind=Kind.COMPLAINT,
        occurred_at=at,
        recorded_at=utcnow(),
        ticket=case.ticket,
        topic=action.value,
        complaint_id=case.id,
        **entry_values,
    )
    session.add(entry)
    session.flush()
    # Just written: no revisions nor events to read back.
    entry_view = entries.entry_view(entry, staff, [], [], complaint_no=case.number)
    log_index.sync(session, entry, entry_view)
    row = ComplaintAction(
        case_id=case.id,
        action=action,
        payload=complaints.to_json({k: v for k, v in payload.items() if v is not None}),
        staff_id=staff.id,
        at=at,
        entry_id=entry.id,
    )
    session.add(row)
    session.flush()
    branch = session.get(Branch, case.branch_id)
    [view] = complaints.views_of(session, [case], branch_zone(branch.time_zone))
    complaints.sync_open_complaint(
        session, case, view, complaints.handler_id_of([*actions, row], case)
    )
    return CaseSaved(case=view, entry=entry_view)
