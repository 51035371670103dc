"""The steps of a complaint case by name (``store.start_complaint(...)``), for scripts, the
demo and tests: each is ``record_complaint_step`` with its fields by name (the step table,
domain/complaint_steps.py). A new step needs none: the screens use the one command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lobby_tui.data.views import Actor, CaseSaved
from lobby_tui.domain.complaint_steps import Action
from lobby_tui.domain.deadlines import FIRST_EXTENSION_DAYS


class ComplaintStepsByName:
    record_complaint_step: Callable[..., CaseSaved]  # data/complaint_commands.py

    def start_complaint(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_complaint_step(actor, case_id, Action.START, {"note": note}, at=at)

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
        values = {
            "reason": reason,
            "days": days,
            "approver": approver,
            "customer_told": customer_told,
        }
        return self.record_complaint_step(actor, case_id, Action.EXTEND, values, at=at)

    def pause_complaint(self, actor: Actor, case_id: int, reason: str, *, at=None):
        return self.record_complaint_step(actor, case_id, Action.PAUSE, {"reason": reason}, at=at)

    def resume_complaint(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_complaint_step(actor, case_id, Action.RESUME, {"note": note}, at=at)

    def add_complaint_facts(self, actor: Actor, case_id: int, facts: str, *, at=None):
        return self.record_complaint_step(actor, case_id, Action.NEW_FACTS, {"facts": facts}, at=at)

    def decide_complaint(
        self, actor: Actor, case_id: int, decision: str, told_by: str, told_at, *, at=None
    ) -> CaseSaved:
        values = {"decision": decision, "told_by": told_by, "told_at": told_at}
        return self.record_complaint_step(actor, case_id, Action.DECIDE, values, at=at)

    def follow_up_complaint(
        self, actor: Actor, case_id: int, satisfaction: str, note=None, *, at=None
    ):
        values = {"satisfaction": satisfaction, "note": note}
        return self.record_complaint_step(actor, case_id, Action.FOLLOW_UP, values, at=at)

    def close_complaint(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_complaint_step(actor, case_id, Action.CLOSE, {"note": note}, at=at)

    def withdraw_complaint(self, actor: Actor, case_id: int, reason: str, *, at=None):
        values = {"reason": reason}
        return self.record_complaint_step(actor, case_id, Action.WITHDRAW, values, at=at)

    def reassign_complaint(
        self, actor: Actor, case_id: int, handler_no: str, reason: str, *, at=None
    ):
        values = {"handler_no": handler_no, "reason": reason}
        return self.record_complaint_step(actor, case_id, Action.REASSIGN, values, at=at)
