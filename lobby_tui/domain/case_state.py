"""What a complaint case's steps make of it: whether a step may come next, and the case's
status, handler, clock and details after its steps. Pure: it reads the step table
(domain/complaint_steps.py) and nothing else, and is told the steps as (action, moment, details).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lobby_tui.domain.complaint_steps import AT, FREE_TEXT, STEPS, Action
from lobby_tui.domain.complaints import FINISHED, Status
from lobby_tui.domain.deadlines import Deadline, Tick, deadline
from lobby_tui.domain.masking import mask
from lobby_tui.locale import N_

RESPONDENT_REFUSAL = N_("You are the staff member complained about: ask the handler to do this.")


def check_step(status: Status, paused: bool, action: Action) -> str | None:
    """Why a case in ``status`` (its clock ``paused`` or not) may not take ``action`` next
    (a msgid), or None when it may."""
    if status in FINISHED:
        return N_("This case is closed: nothing more can be recorded on it.")
    step = STEPS[action]
    if not step.key:
        return N_("This step cannot be recorded on a case.")
    if step.after is not None and status not in step.after:
        return step.out_of_order
    if step.clock_must_be == "paused" and not paused:
        return N_("The clock of this case is not paused.")
    if step.clock_must_be == "running" and paused:
        return N_("The clock is paused: resume it first.")
    return None


def check_case_step(
    status: Status, clock: Deadline, action: Action, *, by_respondent: bool, now: datetime
) -> str | None:
    """Why ``action`` may not be recorded now on a case in ``status`` with ``clock`` (a msgid),
    or None. One rule for the case screen, which says it when the key is pressed, before any
    typing, and for the store, which checks it again when the step is written."""
    if by_respondent:
        return RESPONDENT_REFUSAL
    refused = check_step(status, clock.paused, action)
    check_at = STEPS[action].check_at
    if refused is None and check_at is not None:
        refused = check_at(clock, now)
    return refused


def next_status(status: Status, action: Action) -> Status:
    """The status after ``action`` (already checked with ``check_step``)."""
    return STEPS[action].leads_to or status


@dataclass(frozen=True)
class CaseState:
    """A case after its steps: free texts among ``details`` masked, as every view holds them."""

    status: Status
    handler_id: int
    deadline: Deadline
    details: dict[str, Any] = field(default_factory=dict)


def replay(
    received_at: datetime,
    zone: ZoneInfo,
    handler_id: int,
    steps: Iterable[tuple[str, datetime, Mapping[str, Any]]],
) -> CaseState:
    """The case received at ``received_at`` (handled by ``handler_id`` unless a step names
    another) after ``steps``, oldest first: each its action, its moment and its details."""
    status = Status.RECEIVED
    details: dict[str, Any] = {}
    ticks: list[Tick] = []
    for name, at, payload in steps:
        step = STEPS[Action(name)]
        status = step.leads_to or status
        handler_id = payload.get("handler_id", handler_id)
        if step.clock is not None:
            ticks.append(Tick(step.clock, at, payload.get("days", 0)))
        kinds = {f.name: f.kind for f in step.fields}
        for detail, source in step.shows.items():
            value = at if source == AT else payload.get(source)
            details[detail] = mask(value) if kinds.get(source) in FREE_TEXT else value
    return CaseState(status, handler_id, deadline(received_at, zone, ticks), details)
