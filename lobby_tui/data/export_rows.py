"""The export contract: the columns of an export of the duty log (``FIELDS``) and of the
complaint cases (``COMPLAINT_FIELDS``), and one row of each from the store's views, personal
data masked already (data/entries.py).

Times are ISO 8601 with the branch's offset. Below the store: the log browser's export
(data/areas/log.py) builds its rows here without importing the store's exports (data/export.py).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from lobby_tui.data.views import BranchInfo, CaseView, EntryView
from lobby_tui.domain.clock import branch_zone

FIELDS = (
    "id",
    "occurred_at",
    "recorded_at",
    "branch",
    "staff_no",
    "kind",
    "ticket",
    "business",
    "priority",
    "target",
    "topic",
    "text",
    "outcome",
    "handoff_outcome",
    "product_sold",
    "follow_up",
    "complaint_no",
    "revision",
    "voided",
)


_FOLLOW_UP = {"follow_up": "open", "done": "done"}
# The branch's zone, looked up once rather than once a row.
_zone = functools.lru_cache(maxsize=8)(branch_zone)


def export_row(entry: EntryView, branch: BranchInfo) -> dict[str, Any]:
    """The export contract for one entry: every field of ``FIELDS``, None where none applies."""
    zone = _zone(branch.time_zone)
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
        "recorded_at": entry.recorded_at.astimezone(zone).isoformat(timespec="seconds"),
        "branch": branch.code,
        "staff_no": entry.staff_no,
        "kind": str(entry.kind),
        "ticket": entry.ticket,
        "business": entry.business,
        "priority": entry.priority,
        "target": entry.target,
        "topic": entry.topic,
        "text": entry.text,
        "outcome": entry.outcome,
        # The state an entry reached after it was written (README "Command line"): a hand-off's
        # latest outcome, a follow-up open or done.
        "handoff_outcome": entry.status if entry.kind == "handoff" else None,
        "product_sold": entry.product_sold,
        "follow_up": _FOLLOW_UP.get(entry.status) if entry.kind == "enquiry" else None,
        "complaint_no": entry.complaint_no,
        "revision": entry.revision,
        "voided": entry.voided,
    }


COMPLAINT_FIELDS = (
    "number",
    "branch",
    "received_at",
    "channel",
    "business",
    "cause",
    "severity",
    "complainant_name",
    "complainant_contact",
    "respondent_no",
    "ticket",
    "facts",
    "request",
    "registered_by",
    "handler_no",
    "status",
    "due",
    "days_allowed",
    "extensions",
    "pauses",
    "paused",
    "decided_at",
    "decision",
    "told_by",
    "told_at",
    "satisfaction",
    "closed_at",
    "withdraw_reason",
    "actions",
)


def complaint_row(case: CaseView, branch: BranchInfo, now: datetime) -> dict[str, Any]:
    """The export contract for one complaint case: every field of ``COMPLAINT_FIELDS``.

    ``due`` is the last day to decide on (branch time), as it stands at ``now`` for a paused
    clock; ``closed_at`` is when the case was closed or withdrawn.
    """
    zone = branch_zone(branch.time_zone)

    def when(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None

    clock = case.deadline
    return {
        "number": case.number,
        "branch": branch.code,
        "received_at": when(case.received_at),
        "channel": case.channel,
        "business": case.business,
        "cause": case.cause,
        "severity": case.severity,
        "complainant_name": case.complainant_name,
        "complainant_contact": case.complainant_contact,
        "respondent_no": case.respondent_no,
        "ticket": case.ticket,
        "facts": case.facts,
        "request": case.request,
        "registered_by": case.registered_by_no,
        "handler_no": case.handler_no,
        "status": case.status,
        "due": clock.due_on(now).isoformat(),
        "days_allowed": clock.allowed_days,
        "extensions": clock.extensions,
        "pauses": clock.pauses,
        "paused": clock.paused,
        "decided_at": when(case.decided_at),
        "decision": case.decision,
        "told_by": case.told_by,
        "told_at": when(case.told_at),
        "satisfaction": case.satisfaction,
        "closed_at": when(case.closed_at),
        "withdraw_reason": case.withdraw_reason,
        "actions": case.actions,
    }
