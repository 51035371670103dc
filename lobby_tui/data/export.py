"""Exports of the duty log and of the complaint cases: JSON Lines and CSV, personal data masked.

One row per entry in its latest revision, or per complaint case as it stands. Times are ISO
8601 with the branch's offset.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, TextIO

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, CaseView, EntryView
from lobby_tui.domain.clock import branch_zone, utcnow
from lobby_tui.domain.masking import mask, mask_name

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
    "complaint_no",
    "revision",
    "voided",
)
FORMATS = ("jsonl", "csv")


def export_row(entry: EntryView, branch: BranchInfo) -> dict[str, Any]:
    """The export contract for one entry: every field of ``FIELDS``, None where none applies."""
    zone = branch_zone(branch.time_zone)
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
        "text": mask(entry.text),
        "outcome": mask(entry.outcome),
        "complaint_no": entry.complaint_no,
        "revision": entry.revision,
        "voided": entry.voided,
    }


def export_rows(
    store: Store, actor: Actor, first_day: date | None, last_day: date | None
) -> Iterator[dict[str, Any]]:
    """Rows of the entries from ``first_day`` to ``last_day`` inclusive, oldest first.

    Permission and audit happen now; the rows are read as they are consumed.
    """
    entries = store.entries_between(actor, first_day, last_day)
    return (export_row(entry, branch) for entry, branch in entries)


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
        "complainant_name": mask_name(case.complainant_name),
        "complainant_contact": mask(case.complainant_contact),
        "respondent_no": case.respondent_no,
        "ticket": case.ticket,
        "facts": mask(case.facts),
        "request": mask(case.request),
        "registered_by": case.registered_by_no,
        "handler_no": case.handler_no,
        "status": case.status,
        "due": clock.due_on(now).isoformat(),
        "days_allowed": clock.allowed_days,
        "extensions": clock.extensions,
        "pauses": clock.pauses,
        "paused": clock.paused,
        "decided_at": when(case.decided_at),
        "decision": mask(case.decision),
        "told_by": case.told_by,
        "told_at": when(case.told_at),
        "satisfaction": case.satisfaction,
        "closed_at": when(case.closed_at),
        "withdraw_reason": mask(case.withdraw_reason),
        "actions": case.actions,
    }


def complaint_rows(
    store: Store, actor: Actor, first_day: date | None = None, last_day: date | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of the complaint cases received from ``first_day`` to ``last_day`` inclusive (branch
    days; every case when None), in the order registered. Permission and audit happen now, as
    for entries."""
    cases = store.complaints_for_export(actor)
    now = utcnow()

    def wanted(case: CaseView, branch: BranchInfo) -> bool:
        day = case.received_at.astimezone(branch_zone(branch.time_zone)).date()
        return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)

    return (complaint_row(case, branch, now) for case, branch in cases if wanted(case, branch))


def write(
    rows: Iterable[dict[str, Any]], out: TextIO, fmt: str, fields: tuple[str, ...] = FIELDS
) -> int:
    """Write ``rows`` to ``out`` as ``fmt`` (CSV columns: ``fields``); return how many."""
    if fmt == "jsonl":
        return _write_jsonl(rows, out)
    if fmt == "csv":
        return _write_csv(rows, out, fields)
    raise ValueError(f"unknown export format {fmt!r}")


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO, fields: tuple[str, ...]) -> int:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8 and show Chinese.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    # Booleans as in the JSON Lines export, so both read the same in a report.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
