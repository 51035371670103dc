"""A demo database: one branch, its three public accounts and the last days of its lobby.

Entries are written in bulk with SQLAlchemy Core rather than through ``Store.entries.add``: a demo
of a million entries must build in seconds, and a permission check and flush per row would take
the better part of an hour. The branch and the staff still go through the store, so their rules
(validation, PIN hashing, audit) hold for the demo too.

The demo's past is written in bulk with the hash chain deferred, then linked at the end in the
order it was written, as migration 0008 links a database written before the chain: linked as
each batch commits, a day's hand-off outcomes would come before the next batch's entries.

A handful of complaint cases, in every state, are written as the store would have written
them: one near its deadline, one overdue, one paused, one closed, one withdrawn.

Hand-offs older than an hour are closed as the lobby manager would have closed them from F6
(accepted then completed or returned, or a no-show); the last hour's are still open, so their
events and the open-items index are written beside the entries, as the store would have.

The lobby days themselves (scenes, minutes, entries, hand-off endings) are generated in
data/demo_entries.py; this module writes them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert
from sqlmodel import SQLModel, select

from lobby_tui.data import chain, log_index
from lobby_tui.data.demo_complaints import add_complaints
from lobby_tui.data.demo_entries import (
    ZH_SHARE,
    Day,
    entry_rows,
    handoff_outcomes,
    last_days,
    plan_minutes,
)
from lobby_tui.data.models import Entry, EntryEvent, OpenEntry, Shift, Staff
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, StoreError
from lobby_tui.domain.clock import branch_zone, utcnow
from lobby_tui.domain.demo import DEMO_ACCOUNTS
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.locale import N_

BRANCH_CODE = "DEMO01"
BRANCH_NAME = "示范支行 Demo Branch"
STAFF_NAMES = {
    Role.LOBBY: "李娜 Li Na",
    Role.REVIEWER: "陈刚 Chen Gang",
    Role.ADMIN: "周敏 Zhou Min",
}
ENTRIES_PER_DAY = 40
BATCH = 10_000

# The lobby manager's handover note at the end of a past day, in Chinese and in English.
HANDOVER_NOTES = (
    (
        "ATM吞卡一张，卡在保险柜，客户明天来领",
        "One card swallowed by the ATM, in the safe for tomorrow",
    ),
    ("取号机纸只剩半卷，明早先更换", "Ticket dispenser paper half gone: change it first thing"),
    ("房贷提前还款客户等客户经理回电", "Mortgage prepayment customer awaits the RM's call"),
)


@dataclass(frozen=True)
class DemoSummary:
    """What was built: the number of entries and days, and (staff_no, role, PIN) to sign in."""

    entries: int
    days: int
    staff: list[tuple[str, str, str]]


def build_demo(
    path_or_url: str,
    *,
    days: int = 7,
    entries: int | None = None,
    seed: int = 2026,
    now: datetime | None = None,
) -> DemoSummary:
    """Create a demo branch in an empty database with ``entries`` over the last ``days`` days.

    The same ``seed`` and ``now`` give the same entries. Raises ``StoreError`` when the database
    already has a branch: a demo never mixes with real duty logs.
    """
    if days < 1 or (entries is not None and entries < 0):
        raise ValueError("days must be at least 1 and entries not negative")
    total = ENTRIES_PER_DAY * days if entries is None else entries
    now = (now or utcnow()).astimezone(UTC)
    rng = random.Random(seed)
    store = Store.open(path_or_url)
    store.db.defer_chain = True
    try:
        if store.branches.get() is not None:  # checked first, so no PIN is hashed for nothing
            raise StoreError(N_("This database is already set up."))
        admin_no, _role, admin_pin = next(a for a in DEMO_ACCOUNTS if a[1] == Role.ADMIN)
        branch = store.setup(
            branch_code=BRANCH_CODE,
            branch_name=BRANCH_NAME,
            admin_no=admin_no,
            admin_name=STAFF_NAMES[Role.ADMIN],
            pin=admin_pin,
            demo=True,
        )
        for staff_no, role, pin in DEMO_ACCOUNTS:
            if role != Role.ADMIN:
                store.staff.add(Actor.console(), staff_no, STAFF_NAMES[role], role, pin)
        zone = branch_zone(branch.time_zone)
        plan = plan_minutes(rng, last_days(now, days, zone), zone, now, total)
        shifts = _add_shifts(store, branch.id, rng, plan, zone, now)
        rows = entry_rows(rng, branch.id, plan, shifts)
        # A stream of its own, so that the entries of a seed are the same with or without it.
        outcomes = random.Random(seed + 1)
        while batch := list(islice(rows, BATCH)):
            with store.db.write() as session:
                connection = session.connection()
                last_id = connection.execute(select(func.max(Entry.id))).scalar() or 0
                connection.execute(insert(Entry), batch)
                handoffs = connection.execute(
                    select(
                        Entry.id, Entry.branch_id, Entry.staff_id, Entry.occurred_at, Entry.referral
                    )
                    .where((Entry.id > last_id) & (Entry.kind == Kind.HANDOFF))
                    .order_by(Entry.id)
                ).all()
                events, still_open = handoff_outcomes(outcomes, handoffs, now)
                if events:
                    connection.execute(insert(EntryEvent), events)
                if still_open:
                    connection.execute(insert(OpenEntry), still_open)
        add_complaints(store, branch.id, shifts, zone, now, random.Random(seed + 2))
        # What the log browser filters and searches on, derived in bulk like the entries.
        with store.db.write() as session:
            log_index.fill(session.connection(), rebuild_indexes=True)
        store.db.defer_chain = False
        with store.db.write() as session:
            chain.link_pending(session.connection(), everything=True)
    finally:
        store.close()
    staff = [(staff_no, str(role), pin) for staff_no, role, pin in DEMO_ACCOUNTS]
    return DemoSummary(entries=total, days=days, staff=staff)


def clear_demo_server(url: str) -> None:
    """Empty a database on a server that holds an earlier demo, so that a new one can be built;
    refuse (StoreError) when it holds a real duty log. A file is simply removed instead."""
    store = Store.open(url)
    try:
        branch = store.branches.get()
        if branch is not None and not branch.demo:
            raise StoreError(N_("This database holds a real duty log: the demo will not touch it."))
        engine = store.db.engine
        with engine.begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        store.close()


def _add_shifts(
    store: Store,
    branch_id: int,
    rng: random.Random,
    plan: list[Day],
    zone: ZoneInfo,
    now: datetime,
) -> dict[tuple[date, str], tuple[int, int]]:
    """One shift per working staff member per day: (day, role) → (staff id, shift id)."""
    found: dict[tuple[date, str], tuple[int, int]] = {}
    with store.db.write() as session:
        staff = session.exec(
            select(Staff).where(Staff.role != Role.ADMIN).order_by(Staff.staff_no)
        ).all()
        for day in plan:
            for member in staff:
                signed_in = datetime.combine(day.day, time(8, 20), tzinfo=zone).astimezone(UTC)
                signed_in += timedelta(minutes=rng.randrange(15))
                signed_out = signed_in + timedelta(hours=9, minutes=rng.randrange(20))
                past = signed_out < now  # today's shift is still open
                note = rng.choice(HANDOVER_NOTES)[rng.random() >= ZH_SHARE]
                shift = Shift(
                    branch_id=branch_id,
                    staff_id=member.id,
                    signed_in_at=signed_in,
                    signed_out_at=signed_out if past else None,
                    handover_note=note if past and member.role == Role.LOBBY else None,
                )
                session.add(shift)
                session.flush()
                found[day.day, member.role] = (member.id, shift.id)
    return found
