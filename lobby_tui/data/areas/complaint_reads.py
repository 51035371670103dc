"""Reading complaint cases: the open ones by time left, the list with its filters, a case's
timeline (also from any of its duty-log entries), a day's counts, and the export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from lobby_tui.data import complaints
from lobby_tui.data.access import (
    audit,
    authorized_branch,
    branch_info,
    staff_info,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import (
    Branch,
    ComplaintAction,
    ComplaintCase,
    Entry,
    OpenComplaint,
    Staff,
)
from lobby_tui.data.views import (
    Actor,
    BranchInfo,
    CasePage,
    CaseTimeline,
    CaseView,
    ComplaintDay,
    StaffInfo,
    StoreError,
)
from lobby_tui.domain.clock import branch_zone, day_bounds
from lobby_tui.domain.complaint_steps import Action
from lobby_tui.domain.complaints import FINISHED, Status
from lobby_tui.domain.roles import Permission
from lobby_tui.locale import N_

CASE_PAGE = 100


class ComplaintReads(Area):
    """The complaints area's reads."""

    def handlers(self, actor: Actor) -> list[StaffInfo]:
        """The branch's active staff, by number: who may be complained about or handle a case."""
        with self.db.read() as session:
            branch_id = authorized_branch(session, actor, Permission.READ_LOG).id
            rows = session.exec(
                select(Staff)
                .where((Staff.branch_id == branch_id) & Staff.active)
                .order_by(Staff.staff_no)
            )
            return [staff_info(row) for row in rows]

    def open_cases(self, actor: Actor, now: datetime | None = None) -> list[CaseView]:
        """The branch's open cases (not closed nor withdrawn), of any day, by time left: the
        nearest due first, paused cases by the days they had left."""
        with self.db.read() as session:
            return open_cases(
                session, authorized_branch(session, actor, Permission.READ_LOG), now or self.clock()
            )

    def cases(self, actor: Actor, **filters: Any) -> list[CaseView]:
        """Every case of the branch matching every filter (``complaint_page``'s: status,
        severity, overdue, handler_no, now): open cases first by time left, then the others
        newest first. For a few cases; screens page."""
        found: list[CaseView] = []
        after: tuple[datetime, int] | None = None
        while True:
            page = self.page(actor, **filters, after=after)
            found += page.cases
            if page.after is None:
                return found
            after = page.after

    def page(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        severity: str | None = None,
        overdue: bool = False,
        handler_no: str | None = None,
        now: datetime | None = None,
        after: tuple[datetime, int] | None = None,
        limit: int = CASE_PAGE,
    ) -> CasePage:
        """A page of the branch's cases matching every filter given: ``status`` one of
        ``Status`` or ``open``; ``overdue`` only those past their due day; ``handler_no`` the
        handler's staff number.

        The open cases are found through their index, with their status, severity and
        handler in the query, and come whole on the first page (``after`` None) by time
        left: the due day is counted from the steps, so "overdue" is decided on them, never
        on a first few hundred cases. The finished ones follow newest first, ``limit`` to a
        page, read on by keyset from ``after``.
        """
        now = now or self.clock()
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            zone = branch_zone(branch.time_zone)
            handler = _staff_id(session, branch.id, handler_no)
            opened: list[CaseView] = []
            if after is None and status not in FINISHED:
                opened = _open_matching(session, branch, status, severity, handler)
                opened = _by_time_left(
                    [v for v in opened if not overdue or v.deadline.overdue(now)], now
                )
            if overdue or status not in (None, *FINISHED):
                return CasePage(opened, None)
            finished, next_key = _finished_page(
                session, branch, zone, status, severity, handler, after, limit
            )
        return CasePage(opened + finished, next_key)

    def timeline(self, actor: Actor, case_id: int) -> CaseTimeline:
        """A case and every step of it, oldest first."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            case = session.get(ComplaintCase, case_id)
            if case is None or case.branch_id != branch.id:
                raise StoreError(N_("There is no such complaint case."))
            return _timeline(session, case, branch_zone(branch.time_zone))

    def of_entry(self, actor: Actor, entry_id: int) -> CaseTimeline | None:
        """The case an entry belongs to (``entry.complaint_id``) with its whole timeline; None
        for an entry of no case. For the log browser."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            entry = session.get(Entry, entry_id)
            if entry is None or entry.branch_id != branch.id or entry.complaint_id is None:
                return None
            case = session.get(ComplaintCase, entry.complaint_id)
            return _timeline(session, case, branch_zone(branch.time_zone))

    def on_day(self, actor: Actor, day: date) -> ComplaintDay:
        """Cases received on ``day`` (branch time), closed or withdrawn on it, and open and past
        their due day at its end. For the day summary."""
        with self.db.read() as session:
            return complaint_day(
                session, authorized_branch(session, actor, Permission.READ_LOG), day
            )

    def for_export(self, actor: Actor) -> Iterator[tuple[CaseView, BranchInfo]]:
        """Every case of the branch, in the order registered, for an export. The permission
        check and the audit event happen at the call, before the first row."""
        with self.db.audited() as session:
            branch = authorized_branch(session, actor, Permission.EXPORT)
            info = branch_info(branch)
            audit(session, "export", actor, branch_id=branch.id, what="complaints")
        return self._cases_of(info)

    def _cases_of(
        self, info: BranchInfo, batch: int = 200
    ) -> Iterator[tuple[CaseView, BranchInfo]]:
        after = 0
        zone = branch_zone(info.time_zone)
        while True:
            with self.db.read() as session:
                cases = session.exec(
                    select(ComplaintCase)
                    .where((ComplaintCase.branch_id == info.id) & (ComplaintCase.id > after))
                    .order_by(ComplaintCase.id)
                    .limit(batch)
                ).all()
                views = complaints.views_of(session, list(cases), zone)
            for view in views:
                yield view, info
            if len(cases) < batch:
                return
            after = cases[-1].id


def open_cases(session: Session, branch: Branch, now: datetime) -> list[CaseView]:
    """The open cases of ``branch``, of any day, by time left at ``now``: the nearest due
    first. For the open items and the handover."""
    cases = session.exec(
        select(ComplaintCase)
        .join(OpenComplaint, OpenComplaint.case_id == ComplaintCase.id)
        .where(OpenComplaint.branch_id == branch.id)
    ).all()
    views = complaints.views_of(session, list(cases), branch_zone(branch.time_zone))
    return _by_time_left(views, now)


def complaint_day(session: Session, branch: Branch, day: date) -> ComplaintDay:
    """Cases of ``branch`` received on ``day`` (branch time), closed or withdrawn on it, and
    open and past their due day at its end, each as it stood at the end of the day. For the
    day summary."""
    zone = branch_zone(branch.time_zone)
    start, end = day_bounds(day, zone)
    ended = select(ComplaintAction.case_id).where(
        ComplaintAction.action.in_((Action.CLOSE, Action.WITHDRAW)) & (ComplaintAction.at < start)
    )
    cases = session.exec(
        select(ComplaintCase)
        .where(
            (ComplaintCase.branch_id == branch.id)
            & (ComplaintCase.received_at < end)
            & ComplaintCase.id.not_in(ended)
        )
        .order_by(ComplaintCase.received_at, ComplaintCase.id)
    ).all()
    actions = complaints.actions_of(session, [case.id for case in cases])
    who = complaints.staff_named(session, list(cases), actions)
    views = [
        complaints.case_view(case, [a for a in actions.get(case.id, []) if a.at < end], who, zone)
        for case in cases
    ]
    last_moment = end - timedelta(microseconds=1)
    return ComplaintDay(
        opened=[v for v in views if v.received_at >= start],
        closed=[v for v in views if v.closed_at is not None and v.closed_at >= start],
        overdue=[v for v in views if v.open and v.deadline.overdue(last_moment)],
    )


def _staff_id(session: Session, branch_id: int, staff_no: str | None) -> int | None:
    """The id of staff member ``staff_no`` of the branch (0, matching no case, if none)."""
    if staff_no is None:
        return None
    found = session.exec(
        select(Staff.id).where((Staff.branch_id == branch_id) & (Staff.staff_no == staff_no))
    ).first()
    return found or 0


def _open_matching(
    session: Session,
    branch: Branch,
    status: str | None,
    severity: str | None,
    handler: int | None,
) -> list[CaseView]:
    query = (
        select(ComplaintCase)
        .join(OpenComplaint, OpenComplaint.case_id == ComplaintCase.id)
        .where(OpenComplaint.branch_id == branch.id)
    )
    if status and status != "open":
        query = query.where(OpenComplaint.status == status)
    if severity:
        query = query.where(ComplaintCase.severity == severity)
    if handler is not None:
        query = query.where(OpenComplaint.handler_id == handler)
    cases = session.exec(query).all()
    return complaints.views_of(session, list(cases), branch_zone(branch.time_zone))


def _finished_page(
    session: Session,
    branch: Branch,
    zone: ZoneInfo,
    status: str | None,
    severity: str | None,
    handler: int | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> tuple[list[CaseView], tuple[datetime, int] | None]:
    """Up to ``limit`` closed or withdrawn cases, newest first after the key ``after``, and
    the key to read on from (None at the end)."""
    withdrawn = select(ComplaintAction.case_id).where(ComplaintAction.action == Action.WITHDRAW)
    where = (ComplaintCase.branch_id == branch.id) & ComplaintCase.id.not_in(
        select(OpenComplaint.case_id)
    )
    if status == Status.WITHDRAWN:
        where &= ComplaintCase.id.in_(withdrawn)
    elif status == Status.CLOSED:
        where &= ComplaintCase.id.not_in(withdrawn)
    if severity:
        where &= ComplaintCase.severity == severity
    found: list[CaseView] = []
    while True:
        query = select(ComplaintCase).where(where)
        if after is not None:
            received, case_id = after
            query = query.where(
                (ComplaintCase.received_at < received)
                | ((ComplaintCase.received_at == received) & (ComplaintCase.id < case_id))
            )
        query = query.order_by(ComplaintCase.received_at.desc(), ComplaintCase.id.desc())
        cases = list(session.exec(query.limit(limit + 1)).all())
        more, cases = len(cases) > limit, cases[:limit]
        if cases:
            after = (cases[-1].received_at, cases[-1].id)
        if handler is not None:
            # A finished case's last handler is in the details of its steps (a reassignment),
            # not in a column: keep the handler's of each page read, until a page is full.
            actions = complaints.actions_of(session, [case.id for case in cases])
            cases = [
                c for c in cases if complaints.handler_id_of(actions.get(c.id, []), c) == handler
            ]
        for view, case in zip(complaints.views_of(session, cases, zone), cases, strict=True):
            found.append(view)
            if len(found) == limit:  # the next page reads on from here (it may be empty)
                return found, (case.received_at, case.id)
        if not more:
            return found, None


def _by_time_left(views: list[CaseView], now: datetime) -> list[CaseView]:
    return sorted(views, key=lambda view: (view.deadline.days_left(now), view.received_at))


def _timeline(session: Session, case: ComplaintCase, zone: ZoneInfo) -> CaseTimeline:
    actions = complaints.actions_of(session, [case.id]).get(case.id, [])
    who = complaints.staff_named(session, [case], {case.id: actions})
    return CaseTimeline(
        case=complaints.case_view(case, actions, who, zone),
        actions=complaints.action_views(actions, who),
    )
