"""Complaint cases: registering one, and every step after with one command that does what the
step table (domain/complaint_steps.py) says of the step.

Every step is an action of the case and an entry of kind ``complaint`` in the duty log, written
in one transaction with the open-cases index. The case rules are checked here, under
the write lock: the order of the steps, the deadline's extensions, and recusal (the handler is
never the staff member complained about).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from lobby_tui.data import complaints, entries
from lobby_tui.data.access import (
    audit,
    new_entry,
    staff_by_no,
    validate_fields,
    writer,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.areas.complaint_steps_by_name import ComplaintStepsByName
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
    StoreError,
)
from lobby_tui.domain import complaints as rules
from lobby_tui.domain import validation
from lobby_tui.domain.case_state import check_case_step
from lobby_tui.domain.clock import branch_zone
from lobby_tui.domain.complaint_steps import NOT_LISTED, STEPS, Action, StepField
from lobby_tui.domain.complaints import Status
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

# A step may be dated a little ahead of the database's clock (terminals' clocks differ).
CLOCK_SLACK = timedelta(minutes=5)
IN_FUTURE = N_("The time cannot be in the future.")
RECUSAL = N_(
    "The handler cannot be the staff member complained about (recusal): "
    "pick another handler, or reassign the case."
)


class ComplaintSteps(ComplaintStepsByName, Area):
    """The complaints area's writes: a case registered, and any step recorded."""

    # -- registering ----------------------------------------------------------------------

    def register(
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
                raise ValidationError(axis, NOT_LISTED)
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
            now = self.clock()
            received_at = received_at or now
            if received_at > now + CLOCK_SLACK:
                raise ValidationError("received_at", IN_FUTURE)
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
                now,
                text=facts,
                outcome=request or None,
                contact=case.complainant_contact,
                save_key=save_key,
            )

    # -- working the case -----------------------------------------------------------------

    def record_step(
        self,
        actor: Actor,
        case_id: int,
        action: Action | str,
        values: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> CaseSaved:
        """Record ``action`` on the case, with ``values`` by the names of its fields in the step
        table (domain/complaint_steps.py): each field checked as the table says, then, under
        the write lock, the order of the steps, the clock and recusal."""
        step = STEPS[Action(action)]
        given = values or {}
        values = {f.name: _cleaned(f, given.get(f.name, f.default)) for f in step.fields}
        validate_fields(*((f.name, f.problem(values[f.name])) for f in step.fields))
        for name, value in values.items():
            if isinstance(value, datetime):
                _check_time(value)
                if value > self.clock() + CLOCK_SLACK:
                    raise ValidationError(name, IN_FUTURE)
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
            refused = check_case_step(
                Status(view.status),
                view.deadline,
                step.action,
                by_respondent=case.respondent_id == staff.id,
                now=at or self.clock(),
            )
            if refused is None and step.check is not None:
                problem = step.check(view.deadline, values, at or self.clock())
                refused = problem[1] if problem else None
            if refused:
                raise StoreError(refused)
            payload = {f.name: values[f.name] for f in step.fields if f.kind != "staff"}
            for f in step.fields:
                if f.kind == "staff":
                    new = _staff_of_branch(session, staff, values[f.name], f.name)
                    if new.id == case.respondent_id:
                        raise StoreError(RECUSAL)
                    payload["handler_id"] = new.id
            now = self.clock()
            at = at or now
            if at > now + CLOCK_SLACK:
                raise ValidationError("at", IN_FUTURE)
            if at < (actions[-1].at if actions else case.received_at):
                raise ValidationError("at", N_("The time is before the case's last step."))
            audit(session, f"complaint_{step.action}", actor, case_id=case.id, number=case.number)
            text = values.get(step.text) if step.text else None
            return _record(
                session, actor, staff, case, actions, step.action, payload, at, now, text=text
            )


def _cleaned(field: StepField, value: Any) -> Any:
    """An optional text as recorded: trimmed, None when empty."""
    if isinstance(value, str) and field.required is None:
        return value.strip() or None
    return value


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
    now: datetime,
    **entry_values: Any,
) -> CaseSaved:
    """Write ``action`` as a duty-log entry and an action of ``case``, keep the open-cases index,
    and return the case after it."""
    entry, entry_view = new_entry(
        session,
        actor,
        staff,
        Kind.COMPLAINT,
        at,
        now,
        complaint_no=case.number,
        ticket=case.ticket,
        topic=action.value,
        complaint_id=case.id,
        **entry_values,
    )
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
