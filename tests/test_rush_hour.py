"""Rush hour: the queue at the door, keys typed back to back, nothing lost, nothing out of order."""

from __future__ import annotations

from dataclasses import dataclass

from lobby_tui.data.export import export_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.lists import default_lists
from tests.conftest import LOBBY, settle, sign_in, type_back_to_back

LISTS = default_lists()


@dataclass(frozen=True)
class Customer:
    keys: list[str]
    expected: dict[str, object]


def guidance(number: int) -> Customer:
    ticket = f"A{number:03d}"
    business, target = 1 + number % 9, 1 + number % 8
    return Customer(
        ["f2", *ticket.lower(), "enter", str(business), str(target), "ctrl+s"],
        {
            "kind": "queue",
            "ticket": ticket,
            "business": LISTS.business[business - 1].code,
            "target": LISTS.queue_targets()[target - 1].code,
            "priority": "none",
        },
    )


def elderly_guidance(number: int) -> Customer:
    ticket = f"B{number:03d}"
    return Customer(
        ["f2", *ticket, "enter", "1", "2", "2", *"老人 [bold]慢[/]", "ctrl+s"],
        {
            "kind": "queue",
            "ticket": ticket,
            "business": LISTS.business[0].code,
            "target": "counter:2",
            "priority": "elderly",
            "text": "老人 [bold]慢[/]",
        },
    )


def enquiry(number: int) -> Customer:
    question = f"rate for 1 year? #{number}"
    return Customer(
        ["f3", "1", "enter", *question, "tab", *"1.3%", "ctrl+s"],
        {"kind": "enquiry", "topic": LISTS.topics[0].code, "text": question, "outcome": "1.3%"},
    )


def handoff(number: int) -> Customer:
    ticket = f"V{number:03d}"
    return Customer(
        ["f4", *ticket, "enter", "9", "1", *"wants a fund", "ctrl+s"],
        {
            "kind": "handoff",
            "ticket": ticket,
            "target": LISTS.handoff_targets()[8].code,
            "text": "wants a fund",
        },
    )


def note(number: int) -> Customer:
    text = f"queue past the door 排队到门口 {number}"
    return Customer(["escape", "n", *text, "ctrl+s"], {"kind": "note", "text": text})


KINDS = (guidance, enquiry, guidance, handoff, elderly_guidance, note)


async def test_sixty_customers_typed_back_to_back_all_land_in_order(db, make_app):
    customers = [KINDS[n % len(KINDS)](n) for n in range(60)]
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        type_back_to_back(app, [key for customer in customers for key in customer.keys])
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "desk"
    store = Store.open(str(db))
    rows = list(export_rows(store, Actor.console(), None, None))
    store.close()
    assert len(rows) == 60
    for row, customer in zip(rows, customers, strict=True):
        for field, value in customer.expected.items():
            assert row[field] == value, (customer.keys, field)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


async def test_a_guidance_entry_takes_nine_keys(db, make_app):
    keys = ["f2", *"A023", "enter", "2", "3", "ctrl+s"]
    assert len(keys) == 9
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press(*keys)
        await settle(pilot)
    store = Store.open(str(db))
    [row] = export_rows(store, Actor.console(), None, None)
    store.close()
    assert (row["ticket"], row["business"], row["target"]) == (
        "A023",
        LISTS.business[1].code,
        "counter:3",
    )


async def test_the_writer_gets_the_interpreter_back_quickly_while_it_serves(db, make_app):
    # Issue 15: with Python's default 5 ms switch interval, each statement of a save handed the
    # GIL to the UI thread drawing the emptied form and waited up to 5 ms to get it back.
    import asyncio
    import sys

    from lobby_tui.writes import SWITCH_INTERVAL

    for _ in range(100):  # the writer of an earlier test's app may still be winding down
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            break
        await asyncio.sleep(0.05)
    before = sys.getswitchinterval()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert sys.getswitchinterval() <= SWITCH_INTERVAL < before
        await pilot.press("f2", *"A023", "enter", "2", "3", "ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#form-status").content).startswith("saved #")
    # Once the app has gone and its writer thread has seen it (within its 0.1 s wait for a
    # job), the interpreter is as it was.
    for _ in range(100):
        if sys.getswitchinterval() == before:
            break
        await asyncio.sleep(0.05)
    assert sys.getswitchinterval() == before
