"""The demo database: built once, signed into with the printed accounts, a week of a lobby in it.

The entries come in Chinese and in English, in business hours, busiest at the rush, each on its
author's shift of that day.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlmodel import select

from lobby_tui.data.demo import DemoSummary, build_demo
from lobby_tui.data.models import Entry, Shift
from lobby_tui.data.store import Store
from lobby_tui.data.views import StoreError
from lobby_tui.domain.clock import branch_zone
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.masking import mask
from lobby_tui.domain.validation import TICKET_RE

# The module's fixture is built once: under xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group(__name__)

# Friday 20 March 2026, 18:30 in Shanghai: the branch has closed, the week is complete.
NOW = datetime(2026, 3, 20, 10, 30, tzinfo=UTC)
DAYS, ENTRIES = 5, 400
ZONE = branch_zone("Asia/Shanghai")
CJK = re.compile(r"[\u4e00-\u9fff]")
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def day_of(moment: datetime) -> date:
    """The branch day of a stored instant."""
    return moment.astimezone(ZONE).date()


def entries_of(path: Path) -> list[Entry]:
    """The lobby's entries, the number asked for; the steps of the demo's complaint cases come
    beside them (see test_demo_complaints.py)."""
    store = Store.open(str(path))
    try:
        with store.db.read() as session:
            query = select(Entry).where(Entry.kind != "complaint").order_by(Entry.id)
            return list(session.exec(query).all())
    finally:
        store.close()


def content(entry: Entry) -> tuple:
    """Everything an entry says, without its id."""
    return tuple(v for k, v in entry.model_dump().items() if k != "id")


@pytest.fixture(name="demo", scope="module")
def demo_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, build_demo(str(path), days=DAYS, entries=ENTRIES, now=NOW)


@pytest.fixture(name="entries", scope="module")
def entries_fixture(demo: tuple[Path, DemoSummary]) -> list[Entry]:
    return entries_of(demo[0])


@pytest.fixture(name="store")
def store_fixture(demo: tuple[Path, DemoSummary]) -> Iterator[Store]:
    store = Store.open(str(demo[0]))
    yield store
    store.close()


def test_the_printed_accounts_sign_in_with_their_pins(
    demo: tuple[Path, DemoSummary], store: Store
) -> None:
    _path, summary = demo
    assert sorted(role for _no, role, _pin in summary.staff) == ["admin", "lobby", "reviewer"]
    for staff_no, role, pin in summary.staff:
        actor = store.staff.sign_in(staff_no, pin)
        assert (actor.staff_no, actor.role) == (staff_no, role)
    branch = store.branches.get()
    assert branch is not None and branch.demo and branch.code == "DEMO01"
    assert {s.staff_no for s in store.staff.demo_accounts()} == {
        no for no, _role, _pin in summary.staff
    }


def test_the_demo_holds_exactly_the_entries_asked_for(
    demo: tuple[Path, DemoSummary], entries: list[Entry]
) -> None:
    assert (demo[1].entries, demo[1].days) == (ENTRIES, DAYS)
    assert len(entries) == ENTRIES


def test_without_a_count_the_demo_has_forty_entries_a_day(tmp_path: Path) -> None:
    summary = build_demo(str(tmp_path / "demo.sqlite"), days=2, now=NOW)
    assert summary.entries == 80
    assert len(entries_of(tmp_path / "demo.sqlite")) == 80


def test_entries_span_the_days_in_business_hours_busiest_at_rush_hour(
    entries: list[Entry],
) -> None:
    assert sorted({day_of(e.occurred_at) for e in entries}) == [
        date(2026, 3, d) for d in range(16, 21)
    ]
    local = [entry.occurred_at.astimezone(ZONE) for entry in entries]
    assert all(time(9) <= moment.time() < time(17) for moment in local)
    per_hour = Counter(moment.hour for moment in local)
    assert per_hour[10] > per_hour[13] and per_hour[15] > per_hour[13]


def test_entries_are_recorded_after_they_occur_and_never_in_the_future(
    entries: list[Entry],
) -> None:
    assert all(e.occurred_at <= e.recorded_at <= NOW for e in entries)
    assert [e.occurred_at for e in entries] == sorted(e.occurred_at for e in entries)


def test_each_entry_belongs_to_its_authors_shift_of_that_day(
    demo: tuple[Path, DemoSummary], entries: list[Entry]
) -> None:
    store = Store.open(str(demo[0]))
    try:
        with store.db.read() as session:
            shifts = {s.id: s for s in session.exec(select(Shift)).all()}
    finally:
        store.close()
    for entry in entries:
        shift = shifts[entry.shift_id]
        assert shift.staff_id == entry.staff_id
        assert day_of(shift.signed_in_at) == day_of(entry.occurred_at)
        assert shift.signed_in_at < entry.occurred_at < shift.signed_out_at


def test_every_kind_but_complaints_is_there_guidance_most_of_all(entries: list[Entry]) -> None:
    kinds = Counter(entry.kind for entry in entries)
    assert set(kinds) == {"queue", "enquiry", "handoff", "note", "check"}
    assert kinds.most_common(1)[0][0] == "queue"


def test_every_ticket_looks_like_one_from_the_dispenser(entries: list[Entry]) -> None:
    tickets = [entry.ticket for entry in entries if entry.ticket is not None]
    assert tickets, "guidance entries carry tickets"
    assert all(TICKET_RE.match(ticket) for ticket in tickets), tickets
    assert all(entry.ticket for entry in entries if entry.kind == "queue")


def test_the_log_is_written_in_chinese_and_in_english(entries: list[Entry]) -> None:
    texts = [entry.text or "" for entry in entries]
    assert any(CJK.search(text) for text in texts)
    assert any(text.isascii() and text for text in texts)


def test_mobile_numbers_in_the_text_are_masked_when_shown(entries: list[Entry]) -> None:
    with_mobile = [entry.text for entry in entries if entry.text and MOBILE.search(entry.text)]
    assert with_mobile
    assert not any(MOBILE.search(mask(text)) for text in with_mobile)


def test_building_a_second_demo_on_the_same_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(str(path), days=1, entries=10, now=NOW)
    with pytest.raises(StoreError):
        build_demo(str(path), days=1, entries=10, now=NOW)
    assert len(entries_of(path)) == 10


def test_the_same_seed_gives_the_same_demo_and_another_seed_another(tmp_path: Path) -> None:
    built = {}
    for name, seed in (("first", 7), ("again", 7), ("other", 8)):
        build_demo(str(tmp_path / f"{name}.sqlite"), days=2, entries=120, seed=seed, now=NOW)
        built[name] = [content(entry) for entry in entries_of(tmp_path / f"{name}.sqlite")]
    assert built["first"] == built["again"]
    assert built["first"] != built["other"]


def test_before_opening_time_the_demo_ends_yesterday(tmp_path: Path) -> None:
    morning = datetime(2026, 3, 20, 8, 0, tzinfo=ZONE)
    build_demo(str(tmp_path / "demo.sqlite"), days=3, entries=90, now=morning)
    days = {day_of(entry.occurred_at) for entry in entries_of(tmp_path / "demo.sqlite")}
    assert sorted(days) == [date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 19)]


def test_during_the_day_today_is_filled_up_to_now(tmp_path: Path) -> None:
    noon = datetime(2026, 3, 20, 12, 0, tzinfo=ZONE)
    build_demo(str(tmp_path / "demo.sqlite"), days=2, entries=200, now=noon)
    found = entries_of(tmp_path / "demo.sqlite")
    today = [e for e in found if day_of(e.occurred_at) == date(2026, 3, 20)]
    assert today
    assert all(e.recorded_at <= noon for e in found)


def test_every_code_in_the_demo_is_one_the_branch_lists_name(entries: list[Entry]) -> None:
    from lobby_tui.domain.lists import default_lists

    lists = default_lists()
    named = {
        "business": {choice.code for choice in lists.business},
        "priority": {choice.code for choice in lists.priorities},
    }
    for field, codes in named.items():
        used = {getattr(entry, field) for entry in entries} - {None}
        assert used <= codes, (field, used - codes)


def test_every_code_in_the_demo_is_one_the_lists_name(entries: list[Entry]) -> None:
    from lobby_tui.domain.lists import default_lists

    lists = default_lists()
    unnamed = set()
    for entry in entries:
        target_list = "handoff_target" if entry.kind == Kind.HANDOFF else "queue_target"
        for list_name, code in (
            ("business", entry.business),
            ("priority", entry.priority),
            ("topic", entry.topic if entry.kind != Kind.COMPLAINT else None),
            (target_list, entry.target),
        ):
            if code and lists.find(list_name, code) is None:
                unnamed.add((list_name, code))

    assert unnamed == set()
