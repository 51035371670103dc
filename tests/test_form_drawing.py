"""What a form draws while staff type and save: at rush hour every key and every save is drawn
on the same thread that hands the entry to the database (issue 15), so a form repaints the
fields that changed and never lays the whole screen out again for a key or a save."""

from __future__ import annotations

from textual.widgets import Input, Static

from lobby_tui.widgets.form import Form
from tests.conftest import LOBBY, settle, sign_in


def count_calls(obj, name: str, *, whole: bool = False) -> list[int]:
    """Counts the calls of the method ``name`` of ``obj`` from now on (with ``whole``, those
    naming no region: all of it)."""
    calls = [0]
    method = getattr(obj, name)

    def counted(*args, **kwargs):
        if not (whole and args):
            calls[0] += 1
        return method(*args, **kwargs)

    setattr(obj, name, counted)
    return calls


async def test_typing_and_saving_lay_the_form_out_no_more_and_repaint_only_fields(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        layouts = count_calls(screen, "_refresh_layout")
        whole_screen = count_calls(screen, "refresh", whole=True)
        for number in range(3):
            await pilot.press(*f"A{number:03d}", "enter", "4", "2", "ctrl+s")
            await settle(pilot)
            status = str(screen.query_one("#form-status", Static).content)
            assert status.startswith("saved #"), status
        assert screen.query_one(Form).values()["ticket"] == ""
        assert app.focused.id == "input-ticket"
        # Each key changed the ticket's length, each Enter and save moved the focus; none of it
        # changes where anything is on the screen.
        assert layouts == [0]
        assert whole_screen == [0]


async def test_a_field_longer_than_its_box_scrolls_to_keep_the_cursor_in_sight(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f3")
        await settle(pilot)
        field = app.screen.query_one("#input-contact", Input)
        app.screen.set_focus(field)
        await settle(pilot)
        assert isinstance(field, Input)
        text = "Mr Wang, front desk of the Jing An office, asks for a call back"
        await pilot.press(*text)
        await settle(pilot)
        assert field.value == text
        assert field.content_region.width < len(text)
        # The field scrolled so that the end of the text and the cursor are in sight.
        assert field.scroll_x == len(text) + 1 - field.content_region.width
        await pilot.press("home")
        await settle(pilot)
        assert field.scroll_x == 0


async def test_the_desk_keeps_its_limit_after_saves_made_under_a_form(db, make_app):
    from lobby_tui.data.store import Store
    from lobby_tui.domain.kinds import Kind
    from lobby_tui.screens.desk import TIMELINE_LIMIT
    from lobby_tui.widgets.timeline import Timeline

    store = Store.open(str(db))
    try:
        actor = store.staff.sign_in(*LOBBY)
        for number in range(TIMELINE_LIMIT):
            store.entries.add(actor, Kind.NOTE, text=f"earlier note {number}")
    finally:
        store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        desk = app.screen
        timeline = desk.query_one(Timeline)
        assert timeline.row_count == TIMELINE_LIMIT
        await pilot.press("f2")
        await settle(pilot)
        for number in range(2):
            await pilot.press(*f"B{number:03d}", "enter", "1", "1", "ctrl+s")
            await settle(pilot)
        # Under the form no save paid for dropping the desk's last row.
        assert timeline.row_count == TIMELINE_LIMIT + 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is desk
        assert timeline.row_count == len(desk.entries) == TIMELINE_LIMIT
        assert desk.entries[0].ticket == "B001"
        assert desk.selected_entry().ticket == "B001"
        timeline.move_cursor(row=TIMELINE_LIMIT - 1)
        assert desk.selected_entry().text == "earlier note 2"


async def _order_of_write_and_clear(db, make_app, monkeypatch, *, write_takes: float, cap: float):
    """In what order a save's write finished, its entry reached the desk's timeline, the form
    emptied itself, and the form heard of the save by a SaveLanded message (when at all)."""
    import time

    import lobby_tui.screens.entry_form as entry_form
    from lobby_tui.screens.desk import DeskScreen
    from lobby_tui.writes import SaveLanded

    monkeypatch.setattr(entry_form, "WRITE_FIRST_SECONDS", cap)
    events: list[str] = []
    app = make_app(db)

    def hook(message):
        if isinstance(message, SaveLanded):
            events.append("SaveLanded")

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await sign_in(pilot, *LOBBY)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        entry_added = desk.entry_added

        def recorded_entry_added(entry):
            events.append("on the desk")
            entry_added(entry)

        monkeypatch.setattr(desk, "entry_added", recorded_entry_added)
        entries = app.store.entries
        add = entries.add

        def slow_add(*args, **kwargs):
            time.sleep(write_takes)  # a slow disk
            view = add(*args, **kwargs)
            events.append("written")
            return view

        monkeypatch.setattr(entries, "add", slow_add)
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen.query_one(Form)
        clear = form.clear

        def recorded_clear():
            events.append("cleared")
            clear()

        monkeypatch.setattr(form, "clear", recorded_clear)
        await pilot.press(*"A001", "enter", "4", "2", "ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#form-status", Static).content).startswith("saved #")
    return events


async def test_a_save_is_written_before_the_form_is_drawn_empty(db, make_app, monkeypatch):
    # The writer has the processor to itself for its first try: the form is emptied (and
    # drawn) after the write, not while it runs; and the entry, landed meanwhile, is on the
    # desk's timeline before that, with no message on the way.
    order = await _order_of_write_and_clear(db, make_app, monkeypatch, write_takes=0.1, cap=5)
    assert order == ["written", "on the desk", "cleared"]


async def test_a_slow_write_keeps_the_form_waiting_no_longer_than_its_cap(
    db, make_app, monkeypatch
):
    # The save landed after the form stopped waiting: the form hears it by message, once.
    order = await _order_of_write_and_clear(db, make_app, monkeypatch, write_takes=2, cap=0.05)
    assert order == ["cleared", "written", "SaveLanded", "on the desk"]


async def test_a_save_ending_as_the_form_stops_waiting_is_answered_once(db, make_app, monkeypatch):
    # Writes that take about as long as the form waits: some land while it waits, some just
    # after. Each is answered once, by the form taking it or by SaveLanded, never by both.
    import random
    import time

    import lobby_tui.screens.entry_form as entry_form
    from lobby_tui.writes import SaveLanded

    posted: list[int] = []

    def hook(message):
        if isinstance(message, SaveLanded):
            posted.append(message.result.id)

    app = make_app(db)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await sign_in(pilot, *LOBBY)
        desk = app.screen
        entries = app.store.entries
        add = entries.add
        takes = random.Random(15)

        def add_in_a_while(*args, **kwargs):
            time.sleep(takes.uniform(0.0, 2 * entry_form.WRITE_FIRST_SECONDS))
            return add(*args, **kwargs)

        monkeypatch.setattr(entries, "add", add_in_a_while)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        landed: list[int] = []
        landed_once = screen.landed

        def counted(entry):
            landed.append(entry.id)
            landed_once(entry)

        monkeypatch.setattr(screen, "landed", counted)
        saves = 30
        for number in range(saves):
            await pilot.press(*f"C{number:03d}", "enter", "1", "1", "ctrl+s")
        await settle(pilot)
        assert len(landed) == len(set(landed)) == saves
        assert set(posted) <= set(landed)
        assert 0 < len(posted) < saves  # both ways were taken
        tickets = [entry.ticket for entry in desk.entries if entry.id in set(landed)]
        assert tickets == [f"C{number:03d}" for number in reversed(range(saves))]
