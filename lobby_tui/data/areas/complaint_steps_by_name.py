"""The steps of a complaint case by name (``store.complaints.start(...)``), for scripts, the
demo and tests: each is ``record_step`` with its fields by name (the step table,
domain/complaint_steps.py). A new step needs none: the screens use the one command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lobby_tui.data.views import Actor, CaseSaved
from lobby_tui.domain.complaint_steps import Action
from lobby_tui.domain.deadlines import FIRST_EXTENSION_DAYS


class ComplaintStepsByName:
    record_step: Callable[..., CaseSaved]  # complaint_steps.py

    def start(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_step(actor, case_id, Action.START, {"note": note}, at=at)

    def extend(
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
        return self.record_step(actor, case_id, Action.EXTEND, values, at=at)

    def pause(self, actor: Actor, case_id: int, reason: str, *, at=None):
        return self.record_step(actor, case_id, Action.PAUSE, {"reason": reason}, at=at)

    def resume(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_step(actor, case_id, Action.RESUME, {"note": note}, at=at)

    def add_facts(self, actor: Actor, case_id: int, facts: str, *, at=None):
        return self.record_step(actor, case_id, Action.NEW_FACTS, {"facts": facts}, at=at)

    def decide(
        self, actor: Actor, case_id: int, decision: str, told_by: str, told_at, *, at=None
    ) -> CaseSaved:
        values = {"decision": decision, "told_by": told_by, "told_at": told_at}
        return self.record_step(actor, case_id, Action.DECIDE, values, at=at)

    def follow_up(self, actor: Actor, case_id: int, satisfaction: str, note=None, *, at=None):
        values = {"satisfaction": satisfaction, "note": note}
        return self.record_step(actor, case_id, Action.FOLLOW_UP, values, at=at)

    def close(self, actor: Actor, case_id: int, note: str | None = None, *, at=None):
        return self.record_step(actor, case_id, Action.CLOSE, {"note": note}, at=at)

    def withdraw(self, actor: Actor, case_id: int, reason: str, *, at=None):
        values = {"reason": reason}
        return self.record_step(actor, case_id, Action.WITHDRAW, values, at=at)

    def reassign(self, actor: Actor, case_id: int, handler_no: str, reason: str, *, at=None):
        values = {"handler_no": handler_no, "reason": reason}
        return self.record_step(actor, case_id, Action.REASSIGN, values, at=at)
