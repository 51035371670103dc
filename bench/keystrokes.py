"""Section keystrokes: how many keys each form needs for a typical entry, replayed for real.

Budget (issue 3): a guidance entry with ticket, business type and counter takes at most 9 keys,
counting F2 and the save key. Each key list is pressed through the real app with Pilot, signed in
on a fresh branch database, and the entry is read back from the export: a count only stands if
those keys really made that entry. Free text (a question, a need, a note) is counted apart, since
its length is the customer's, not the form's.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilot_app import run_app, settle, signed_in
from results import BenchError, Row, SectionResult, verdict

GUIDANCE_BUDGET = 9
ADMIN = ("9001", "999999")
LOBBY = ("1001", "111111")


class Typed(str):
    """Free text typed into a form: one key per character, counted apart from the form's keys."""


@dataclass(frozen=True)
class Case:
    """One form's typical entry: the keys in order, and the fields the entry must have."""

    form: str
    # Key names, and Typed text standing for one key per character.
    parts: tuple[str, ...]
    expected: dict[str, Any]
    budget: int | None = None

    @property
    def keys(self) -> list[str]:
        keys: list[str] = []
        for part in self.parts:
            keys += list(part) if isinstance(part, Typed) else [part]
        return keys

    @property
    def text_keys(self) -> int:
        return sum(len(part) for part in self.parts if isinstance(part, Typed))

    @property
    def form_keys(self) -> int:
        return len(self.keys) - self.text_keys


def cases() -> list[Case]:
    """The typical entries, with the codes their digits pick from the shipped branch lists."""
    from lobby_tui.domain.lists import default_lists

    lists = default_lists()
    business, queue_targets = lists.business, lists.queue_targets()
    topics, handoff_targets = lists.topics, lists.handoff_targets()
    if len(business) < 2 or len(queue_targets) < 3 or not topics or len(handoff_targets) < 9:
        raise BenchError("the shipped branch lists are too short for the typical entries")
    question, answer = "Rate for a 1-year deposit?", "1.3%, fixed for the year."
    need = "Wants a 1-year wealth product"
    note = "Queue past the door: opened counter 5"
    return [
        Case(
            "guidance (F2)",
            ("f2", *"A023", "enter", "2", "3", "ctrl+s"),
            {
                "kind": "queue",
                "ticket": "A023",
                "business": business[1].code,
                "target": queue_targets[2].code,
                "priority": "none",
                "text": None,
            },
            GUIDANCE_BUDGET,
        ),
        Case(
            "enquiry (F3)",
            ("f3", "1", "enter", Typed(question), "tab", Typed(answer), "ctrl+s"),
            {
                "kind": "enquiry",
                "topic": topics[0].code,
                "ticket": None,
                "text": question,
                "outcome": answer,
            },
        ),
        Case(
            "hand-off (F4)",
            ("f4", *"V012", "enter", "9", "1", Typed(need), "ctrl+s"),
            {"kind": "handoff", "ticket": "V012", "target": handoff_targets[8].code, "text": need},
        ),
        Case("note (n)", ("n", Typed(note), "ctrl+s"), {"kind": "note", "text": note}),
    ]


def run(args: argparse.Namespace) -> SectionResult:
    """Replay each form's keys on its own fresh database and check the entry they made."""
    rows, notes, data = [], [], {}
    with tempfile.TemporaryDirectory(prefix="lobby-bench-keys-") as workdir:
        for number, case in enumerate(cases()):
            db = _branch_db(Path(workdir) / f"form{number}.sqlite")
            run_app(lambda db=db, case=case: _replay(db, case))
            problems = _check(_exported(db), case.expected)
            within = case.budget is None or len(case.keys) <= case.budget
            count = (
                f"{case.form_keys} keys + the text ({case.text_keys} characters)"
                if case.text_keys
                else f"{case.form_keys} keys"
            )
            landed = "entry right" if not problems else "entry WRONG"
            budget = f"≤ {case.budget} keys" if case.budget is not None else ""
            rows.append(
                Row(case.form, f"{count}, {landed}", budget, verdict(within and not problems))
            )
            notes += [f"{case.form}: {problem}" for problem in problems]
            data[case.form] = {
                "keys": case.keys,
                "form_keys": case.form_keys,
                "text_characters": case.text_keys,
                "budget": case.budget,
                "within_budget": within,
                "entry_right": not problems,
                "problems": problems,
            }
    return SectionResult(rows, data, notes)


async def _replay(db: Path, case: Case) -> None:
    async with signed_in(db, *LOBBY) as pilot:
        await pilot.press(*case.keys)
        await settle(pilot)


def _branch_db(path: Path) -> Path:
    """A database with a branch, its admin 9001 and a lobby manager 1001 (as the tests make)."""
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor
    from lobby_tui.domain.roles import Role

    try:
        store = Store.open(str(path))
        try:
            store.setup(
                branch_code="SH0101",
                branch_name="陆家嘴支行",
                admin_no=ADMIN[0],
                admin_name="张主管",
                pin=ADMIN[1],
            )
            store.staff.add(Actor.console(), LOBBY[0], "李娜", Role.LOBBY, LOBBY[1])
        finally:
            store.close()
    except Exception as error:
        raise BenchError(f"cannot set up a branch database: {error}") from error
    return path


def _exported(db: Path) -> list[dict[str, Any]]:
    """Every entry of `db`, read back through the export as a reviewer would get it."""
    from lobby_tui.data.export import export_rows
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor

    try:
        store = Store.open(str(db))
        try:
            return list(export_rows(store, Actor.console(), None, None))
        finally:
            store.close()
    except Exception as error:
        raise BenchError(f"cannot read the entries back: {error}") from error


def _check(rows: list[dict[str, Any]], expected: dict[str, Any]) -> list[str]:
    """What is wrong with the one entry the keys should have made; empty when it is right."""
    if len(rows) != 1:
        return [f"expected one entry in the export, found {len(rows)}"]
    row = rows[0]
    return [
        f"{field} is {row.get(field)!r}, expected {value!r}"
        for field, value in expected.items()
        if row.get(field) != value
    ]
