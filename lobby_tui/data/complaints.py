"""A complaint case as it stands, put together from its row as registered and its actions; and
the open-cases index derived from that.

Times inside an action's JSON payload are ISO 8601 strings in UTC. Views hold the complainant's
name, contact and every free text masked (domain/masking.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from lobby_tui.data import entries
from lobby_tui.data.models import ComplaintAction, ComplaintCase, OpenComplaint, Staff
from lobby_tui.data.views import CaseActionView, CaseView
from lobby_tui.domain.case_state import replay
from lobby_tui.domain.complaints import FINISHED
from lobby_tui.domain.masking import mask, mask_name

TIMES = frozenset({"told_at"})


def to_json(payload: dict[str, Any]) -> str:
    """A step's details as stored, times in UTC (the same JSON as an entry's revision)."""
    return entries.to_json(payload)


def from_json(text: str) -> dict[str, Any]:
    """A step's details read back, its times aware again."""
    return entries.from_json(text, TIMES)


def actions_of(session: Session, case_ids: list[int]) -> dict[int, list[ComplaintAction]]:
    """The actions of each case, oldest first."""
    found: dict[int, list[ComplaintAction]] = {}
    if case_ids:
        rows = session.exec(
            select(ComplaintAction)
            .where(ComplaintAction.case_id.in_(case_ids))
            .order_by(ComplaintAction.at, ComplaintAction.id)
        )
        for action in rows:
            found.setdefault(action.case_id, []).append(action)
    return found


def case_view(
    case: ComplaintCase, actions: list[ComplaintAction], who: dict[int, Staff], zone: ZoneInfo
) -> CaseView:
    """The case after ``actions`` (oldest first); ``who`` holds every staff member named."""
    state = replay(
        case.received_at,
        zone,
        case.staff_id,
        ((row.action, row.at, from_json(row.payload)) for row in actions),
    )
    respondent = who.get(case.respondent_id) if case.respondent_id else None
    return CaseView(
        id=case.id,
        number=case.number,
        received_at=case.received_at,
        channel=case.channel,
        business=case.business,
        cause=case.cause,
        complainant_name=mask_name(case.complainant_name),
        complainant_contact=mask(case.complainant_contact),
        respondent_no=respondent.staff_no if respondent else None,
        respondent_name=respondent.name if respondent else None,
        facts=mask(case.facts),
        request=mask(case.request),
        severity=case.severity,
        ticket=case.ticket,
        registered_by_no=who[case.staff_id].staff_no,
        registered_by_name=who[case.staff_id].name,
        handler_no=who[state.handler_id].staff_no,
        handler_name=who[state.handler_id].name,
        status=state.status,
        deadline=state.deadline,
        actions=len(actions),
        entry_id=actions[0].entry_id if actions else 0,
        **state.details,
    )


def staff_named(
    session: Session, cases: list[ComplaintCase], actions: dict[int, list[ComplaintAction]]
) -> dict[int, Staff]:
    """Every staff member the cases and their actions name: registrant, respondent, handler."""
    ids = {case.staff_id for case in cases} | {c.respondent_id for c in cases if c.respondent_id}
    for rows in actions.values():
        for row in rows:
            ids.add(row.staff_id)
            handler = json.loads(row.payload).get("handler_id")
            if handler:
                ids.add(handler)
    if not ids:
        return {}
    return {staff.id: staff for staff in session.exec(select(Staff).where(Staff.id.in_(ids)))}


def views_of(session: Session, cases: list[ComplaintCase], zone: ZoneInfo) -> list[CaseView]:
    """Views of ``cases``, in their order, with two more queries for all of them."""
    actions = actions_of(session, [case.id for case in cases])
    who = staff_named(session, cases, actions)
    return [case_view(case, actions.get(case.id, []), who, zone) for case in cases]


def action_views(actions: list[ComplaintAction], who: dict[int, Staff]) -> list[CaseActionView]:
    return [
        CaseActionView(
            action=row.action,
            payload=_named(_masked(from_json(row.payload)), who),
            staff_no=who[row.staff_id].staff_no,
            staff_name=who[row.staff_id].name,
            at=row.at,
            entry_id=row.entry_id,
        )
        for row in actions
    ]


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    """A step's details with every text in them masked (facts, reasons, decision, notes)."""
    return {name: mask(v) if isinstance(v, str) else v for name, v in payload.items()}


def _named(payload: dict[str, Any], who: dict[int, Staff]) -> dict[str, Any]:
    """The payload with the handler it names as ``handler_no`` and ``handler_name`` too."""
    handler = who.get(payload.get("handler_id"))
    if handler is not None:
        payload = {**payload, "handler_no": handler.staff_no, "handler_name": handler.name}
    return payload


def handler_id_of(actions: list[ComplaintAction], case: ComplaintCase) -> int:
    handler = case.staff_id
    for row in actions:
        handler = json.loads(row.payload).get("handler_id", handler)
    return handler


def sync_open_complaint(session: Session, case: ComplaintCase, view: CaseView, handler_id: int):
    """Make the open-cases index agree with ``view``, the case as it is now."""
    row = session.get(OpenComplaint, case.id)
    if view.status in FINISHED:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = OpenComplaint(case_id=case.id, branch_id=case.branch_id)
    row.status, row.handler_id = view.status, handler_id
    session.add(row)


def next_number(session: Session, branch_id: int, day: date) -> str:
    """The next case number of the branch for ``day`` (local): ``TS-YYYYMMDD-NNN``."""
    prefix = f"TS-{day:%Y%m%d}-"
    last = session.exec(
        select(func.max(ComplaintCase.number)).where(
            (ComplaintCase.branch_id == branch_id) & ComplaintCase.number.startswith(prefix)
        )
    ).first()
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:03d}"
