"""Every step of a complaint case, as data.

One ``Step`` row says all there is to know of a step: how the timeline names it, the key that
records it on the case screen and the dialog's title, the fields it asks for (which are
required, what each is checked for), the statuses it may follow, what it needs of the clock,
the status it leads to, what it does to the regulator's clock, and which of its details the
case shows. The case screen, the step dialog, the store's one step command and the replay of a
case (domain/case_state.py) all read this table and nothing else.

Adding a step: a member of ``Action``, a row of ``STEPS``, its words in the catalogs, a test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from lobby_tui.domain import validation
from lobby_tui.domain.complaints import BEFORE_DECISION, Status, codes
from lobby_tui.domain.deadlines import (
    FIRST_EXTENSION_DAYS,
    SECOND_EXTENSION_MAX_DAYS,
    ClockEvent,
    Deadline,
    check_extension_at,
    extension_problem,
)
from lobby_tui.locale import N_


class Action(StrEnum):
    REGISTER = "register"
    START = "start"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    NEW_FACTS = "new_facts"
    DECIDE = "decide"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REASSIGN = "reassign"


# line: one line of free text; text: several lines; pick: a code of ``axis``; staff: a staff
# number of the branch (stored as ``handler_id``); days: a whole number; yes_no: a bool;
# moment: a time of the branch's day (empty: now).
FieldKind = Literal["line", "text", "pick", "staff", "days", "yes_no", "moment"]
FREE_TEXT: frozenset[str] = frozenset({"line", "text"})
PICK_ONE = N_("Pick one with its digit.")
NOT_LISTED = N_("Pick one of the listed values.")
DECIDED_ALREADY = N_("This case is already decided.")


@dataclass(frozen=True)
class StepField:
    name: str
    label: str  # a msgid
    kind: FieldKind = "line"
    required: str | None = None  # said when left empty (a msgid); None: optional
    check: Callable[[str], str | None] | None = None  # said of a text typed (a msgid)
    max_length: int = validation.REASON_MAX_LENGTH  # what the dialog lets one type
    axis: str | None = None  # a pick's complaint axis
    placeholder: str = ""  # a msgid; a field with a ``blank`` shows that instead
    further_only: bool = False  # asked only for a further extension
    default: Any = None  # the value when the dialog does not ask for the field
    blank: Any = None  # the value when the dialog asks and it is left empty

    def problem(self, value: Any) -> str | None:
        """Why ``value`` may not be recorded in this field (a msgid), or None."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.required
        if self.axis is not None and value not in codes(self.axis):
            return NOT_LISTED
        if self.check is not None and isinstance(value, str):
            return self.check(value)
        return None


# The step as a whole, given the clock, the values and the moment: (field or None, msgid).
StepCheck = Callable[[Deadline, Mapping[str, Any], datetime], "tuple[str | None, str] | None"]
AT = "at"  # in ``Step.shows``: the moment the step was recorded


@dataclass(frozen=True)
class Step:
    action: Action
    label: str  # how the timeline and the log name it (a msgid)
    title: str = ""  # the dialog's title; "" for a step not recorded from the case screen
    key: str = ""
    key_label: str = ""
    fields: tuple[StepField, ...] = ()
    text: str | None = None  # the field that is the text of the step's duty-log entry
    after: frozenset[Status] | None = None  # the statuses it may follow; None: any open one
    out_of_order: str = ""  # said when the case's status is not one of ``after``
    clock_must_be: Literal["running", "paused"] | None = None
    leads_to: Status | None = None  # None keeps the status as it was
    clock: ClockEvent | None = None
    check_at: Callable[[Deadline, datetime], str | None] | None = None  # before any typing
    check: StepCheck | None = None  # with what was typed; the store checks it again
    shows: Mapping[str, str] = field(default_factory=dict)  # case detail ← field, or AT

    def asked(self, further: bool) -> tuple[StepField, ...]:
        """The fields the dialog asks for (``further``: a case extended before)."""
        return tuple(f for f in self.fields if further or not f.further_only)


def _extension(clock: Deadline, values: Mapping[str, Any], now: datetime):
    return extension_problem(
        clock, values["days"], values.get("approver"), bool(values.get("customer_told")), now
    )


def _optional_name(name: str) -> str | None:
    return validation.check_name(name) if name.strip() else None


REASON = StepField(
    "reason", N_("Reason"), required=N_("Give the reason."), check=validation.check_reason
)
NOTE = StepField("note", N_("Note (optional)"), check=validation.check_length)
TEXT_LIMIT = validation.NOTE_MAX_LENGTH

STEPS: dict[Action, Step] = {
    step.action: step
    for step in (
        Step(Action.REGISTER, N_("registered")),
        Step(
            Action.START,
            N_("taken in hand"),
            N_("Take the case in hand"),
            "t",
            N_("In hand"),
            fields=(NOTE,),
            text="note",
            after=frozenset({Status.RECEIVED}),
            out_of_order=N_("This case is already in hand."),
            leads_to=Status.IN_PROGRESS,
        ),
        Step(
            Action.EXTEND,
            N_("extended"),
            N_("Extend the deadline"),
            "x",
            N_("Extend"),
            fields=(
                REASON,
                StepField(
                    "days",
                    N_("Days added (1–30)"),
                    "days",
                    max_length=2,
                    further_only=True,
                    default=FIRST_EXTENSION_DAYS,
                    blank=SECOND_EXTENSION_MAX_DAYS,
                ),
                StepField(
                    "approver",
                    N_("Approved by"),
                    check=_optional_name,
                    max_length=validation.NAME_MAX_LENGTH,
                    further_only=True,
                ),
                StepField(
                    "customer_told", N_("Customer told"), "yes_no", further_only=True, default=False
                ),
            ),
            text="reason",
            after=BEFORE_DECISION,
            out_of_order=DECIDED_ALREADY,
            clock_must_be="running",
            leads_to=Status.EXTENDED,
            clock=ClockEvent.EXTEND,
            check_at=check_extension_at,
            check=_extension,
        ),
        Step(
            Action.PAUSE,
            N_("paused for appraisal"),
            N_("Pause for an outside appraisal"),
            "p",
            N_("Pause"),
            fields=(
                StepField(
                    "reason",
                    N_("Appraisal: what, by whom"),
                    required=REASON.required,
                    check=REASON.check,
                ),
            ),
            text="reason",
            after=BEFORE_DECISION,
            out_of_order=DECIDED_ALREADY,
            clock_must_be="running",
            clock=ClockEvent.PAUSE,
        ),
        Step(
            Action.RESUME,
            N_("resumed"),
            N_("Resume the clock"),
            "r",
            N_("Resume"),
            fields=(NOTE,),
            text="note",
            clock_must_be="paused",
            clock=ClockEvent.RESUME,
        ),
        Step(
            Action.NEW_FACTS,
            N_("new facts: clock restarted"),
            N_("New facts: restart the clock"),
            "f",
            N_("New facts"),
            fields=(
                StepField(
                    "facts",
                    N_("New facts"),
                    "text",
                    required=N_("Write the new facts."),
                    check=validation.check_length,
                    max_length=TEXT_LIMIT,
                ),
            ),
            text="facts",
            after=BEFORE_DECISION,
            out_of_order=DECIDED_ALREADY,
            leads_to=Status.IN_PROGRESS,
            clock=ClockEvent.NEW_FACTS,
        ),
        Step(
            Action.DECIDE,
            N_("decided, customer told"),
            N_("Decision and how the customer was told"),
            "d",
            N_("Decision"),
            fields=(
                StepField(
                    "decision",
                    N_("Decision"),
                    "text",
                    required=N_("Write the decision."),
                    check=validation.check_length,
                    max_length=TEXT_LIMIT,
                ),
                StepField(
                    "told_by", N_("Customer told by"), "pick", required=PICK_ONE, axis="told_by"
                ),
                StepField(
                    "told_at",
                    N_("Told at"),
                    "moment",
                    max_length=16,
                    placeholder=N_("now · or 09:30"),
                ),
            ),
            text="decision",
            after=BEFORE_DECISION,
            out_of_order=DECIDED_ALREADY,
            leads_to=Status.DECIDED,
            clock=ClockEvent.DECIDE,
            shows={
                "decision": "decision",
                "told_by": "told_by",
                "told_at": "told_at",
                "decided_at": AT,
            },
        ),
        Step(
            Action.FOLLOW_UP,
            N_("follow-up call"),
            N_("Follow-up call"),
            "u",
            N_("Follow-up call"),
            fields=(
                StepField(
                    "satisfaction",
                    N_("Satisfaction"),
                    "pick",
                    required=PICK_ONE,
                    axis="satisfaction",
                ),
                NOTE,
            ),
            text="note",
            after=frozenset({Status.DECIDED}),
            out_of_order=N_("Record the decision before the follow-up call."),
            leads_to=Status.FOLLOW_UP,
            shows={"satisfaction": "satisfaction"},
        ),
        Step(
            Action.CLOSE,
            N_("closed"),
            N_("Close the case"),
            "c",
            N_("Close the case"),
            fields=(NOTE,),
            text="note",
            after=frozenset({Status.FOLLOW_UP}),
            out_of_order=N_("Record the follow-up call before closing the case."),
            leads_to=Status.CLOSED,
            shows={"closed_at": AT},
        ),
        Step(
            Action.WITHDRAW,
            N_("withdrawn"),
            N_("Withdraw the case"),
            "w",
            N_("Withdrawn"),
            fields=(REASON,),
            text="reason",
            leads_to=Status.WITHDRAWN,
            clock=ClockEvent.WITHDRAW,
            shows={"closed_at": AT, "withdraw_reason": "reason"},
        ),
        Step(
            Action.REASSIGN,
            N_("reassigned"),
            N_("Reassign the case"),
            "a",
            N_("Reassign"),
            fields=(StepField("handler_no", N_("New handler"), "staff", required=PICK_ONE), REASON),
            text="reason",
        ),
    )
}
# The steps recorded from the case screen, in the order of its keys.
CASE_STEPS = tuple(step for step in STEPS.values() if step.key)
ACTION_LABELS = {action: step.label for action, step in STEPS.items()}
