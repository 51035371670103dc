"""Checklists (opening, mid-day, closing): each walk stored item by item, each problem a
``check`` entry of the duty log, written in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from lobby_tui.data.access import audit, authorized_branch, new_entry, validate_fields, writer
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import Branch, CheckResult, Staff
from lobby_tui.data.views import Actor, CheckAnswer, ChecklistDay, ChecklistRun, EntryView
from lobby_tui.domain import validation
from lobby_tui.domain.clock import branch_zone, day_bounds
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.lists import CHECKLIST_PHASES, CODE_RE, LABEL_MAX_LENGTH
from lobby_tui.domain.roles import Permission
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_


class ChecklistArea(Area):
    """The branch's checklists, recorded and read by day."""

    def record(self, actor: Actor, checklist: str, answers: Sequence[CheckAnswer]) -> ChecklistRun:
        """Store one walk of ``checklist`` (``opening``, ``midday`` or ``closing``): a result
        per answer, and for each problem a ``check`` entry reading "label: note", linked from
        its result. All in one transaction, on the actor's own shift."""
        _check_answers(checklist, answers)
        with self.db.write() as session:
            staff = writer(session, actor)
            now = self.clock()
            written: list[EntryView] = []
            for answer in answers:
                entry = None
                if not answer.ok:
                    text = f"{answer.label}: {answer.note.strip()}"
                    entry, view = new_entry(session, actor, staff, Kind.CHECK, now, now, text=text)
                    written.append(view)
                session.add(
                    CheckResult(
                        branch_id=staff.branch_id,
                        shift_id=actor.shift_id,
                        checklist=checklist,
                        item=answer.item,
                        ok=answer.ok,
                        note=None if answer.ok else answer.note.strip(),
                        entry_id=entry.id if entry else None,
                        staff_id=staff.id,
                        at=now,
                    )
                )
            audit(
                session,
                "checklist",
                actor,
                checklist=checklist,
                items=len(answers),
                problems=[entry.id for entry in written],
            )
            return ChecklistRun(checklist=checklist, at=now, items=len(answers), entries=written)

    def of_day(self, actor: Actor, day: date) -> list[ChecklistDay]:
        """For a branch day: each checklist, in the order opening, mid-day, closing, with
        whether it was walked, its problems over every walk that day, and the last walk's
        staff member and time."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            return checklist_day(session, branch, day)


def checklist_day(session: Session, branch: Branch, day: date) -> list[ChecklistDay]:
    """The checklists of ``branch`` on ``day`` (branch time), as ``checklists_of_day`` says.
    For the desk and the day summary."""
    start, end = day_bounds(day, branch_zone(branch.time_zone))
    rows = session.exec(
        select(CheckResult, Staff)
        .join(Staff, Staff.id == CheckResult.staff_id)
        .where(
            (CheckResult.branch_id == branch.id)
            & (CheckResult.at >= start)
            & (CheckResult.at < end)
        )
        .order_by(CheckResult.at, CheckResult.id)
    ).all()
    days = {phase: ChecklistDay(checklist=phase, done=False) for phase in CHECKLIST_PHASES}
    for result, who in rows:
        earlier = days.get(result.checklist)
        if earlier is None:  # a checklist this release does not know
            continue
        days[result.checklist] = ChecklistDay(
            checklist=result.checklist,
            done=True,
            problems=earlier.problems + (not result.ok),
            last_at=result.at,
            staff_no=who.staff_no,
            staff_name=who.name,
        )
    return list(days.values())


def _check_answers(checklist: str, answers: Sequence[CheckAnswer]) -> None:
    if checklist not in CHECKLIST_PHASES:
        raise ValueError(f"not a checklist: {checklist!r}")
    if not answers:
        raise ValueError("a checklist walk has at least one item")
    items = [answer.item for answer in answers]
    if len(set(items)) != len(items) or not all(CODE_RE.match(item) for item in items):
        raise ValueError(f"the items must be distinct codes: {items!r}")
    for answer in answers:
        if not answer.label.strip() or len(answer.label) > LABEL_MAX_LENGTH:
            raise ValueError(f"an item's label is 1 to {LABEL_MAX_LENGTH} characters")
        if answer.ok:
            continue
        if not (answer.note or "").strip():
            raise ValidationError(answer.item, N_("Say what the problem is."))
        validate_fields((answer.item, validation.check_length(answer.note)))
