"""Text search in the log browser: a reviewer finds entries by any part of their text, in Chinese
or English, by one character or many, whatever characters the text holds."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.data.search import FEW_MATCHES, char_tokens, fts_string, like_pattern
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, LogFilter
from lobby_tui.domain.kinds import Kind

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    CARD_COMPLAINT,
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)
from tests.test_migration_0002 import migrate_to

FIXTURES = Path(__file__).parent / "fixtures"
MORNING = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)

DAY = [
    ("A023", "客户存款5万元，引导至3号窗口", "已办结"),
    (None, "ATM吞卡，客户明天凭身份证领取", "已登记"),
    (None, "存，款分开写的一行", None),
    (None, "款存倒过来", None),
    ("V007", "VIP客户到店，引导至贵宾室", "理财经理已接待"),
    (None, "Asked about the USD rate and yearly quota", "Answered; showed the app"),
    (None, "The ATM swallowed a card", "Logged"),
    (None, 'He said "hurry" twice', None),
    (None, "rate 5*3 written on the form", None),
    (None, "利率上浮3%", None),
    (None, "user_name on the slip", None),
    (None, "counter 13-14 closed", None),
    (None, "NEAR the door, a wet floor sign", None),
    (None, "客户留了电话13812345678待回电", None),
]


@pytest.fixture(name="day")
def day_fixture(store: Store, lobby: Actor) -> dict[str, int]:
    """The day's entries, a minute apart: their first text → id."""
    found = {}
    for minute, (ticket, text, outcome) in enumerate(DAY):
        entry = store.entries.add(
            lobby,
            Kind.NOTE,
            MORNING + timedelta(minutes=minute),
            ticket=ticket,
            text=text,
            outcome=outcome,
        )
        found[text] = entry.id
    return found


def found(store: Store, actor: Actor, day: dict[str, int], query: str) -> set[str]:
    """The first texts of the entries a search for ``query`` finds."""
    names = {entry_id: text for text, entry_id in day.items()}
    page = store.log.page(actor, LogFilter(text=query))
    return {names.get(entry.id, entry.text) for entry in page.entries}


SEARCHES = [
    ("吞", {"ATM吞卡，客户明天凭身份证领取"}),  # one Chinese character
    ("款", {"客户存款5万元，引导至3号窗口", "存，款分开写的一行", "款存倒过来"}),
    ("存款", {"客户存款5万元，引导至3号窗口"}),  # two: adjacent, in this order, nothing between
    ("贵宾室", {"VIP客户到店，引导至贵宾室"}),  # three and more: trigram
    ("理财经理", {"VIP客户到店，引导至贵宾室"}),  # in the outcome
    ("atm", {"ATM吞卡，客户明天凭身份证领取", "The ATM swallowed a card"}),  # any case
    ("Swallowed", {"The ATM swallowed a card"}),
    ("ab", {"Asked about the USD rate and yearly quota"}),  # two Latin letters, mid-word
    ("vip客户", {"VIP客户到店，引导至贵宾室"}),  # mixed
    ("M吞", {"ATM吞卡，客户明天凭身份证领取"}),
    ("A023", {"客户存款5万元，引导至3号窗口"}),  # a ticket number
    ("a02", {"客户存款5万元，引导至3号窗口"}),
    ("ATM 吞卡", {"ATM吞卡，客户明天凭身份证领取"}),  # every term must be found
    ("邮政", set()),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_staff_find_entries_by_any_part_of_their_text(store, lobby, day, query, expected):
    assert found(store, lobby, day, query) == expected


def test_a_search_finds_the_same_entries_however_its_page_is_found(store, lobby, day, monkeypatch):
    # On a server, a look at the next PROBE_ROWS entries settles how a search's page is found
    # (search.probe): by walking the log's order when they hold a page of matches or the log
    # ends among them (this short day), else from the text indexes. One entry looked at holds
    # no page: every search is then looked up. Either way, the same entries.
    from lobby_tui.data import search

    ways: list[bool] = []
    planned = search.planned

    def noted(connection, *, walk):
        ways.append(walk)
        return planned(connection, walk=walk)

    monkeypatch.setattr(search, "planned", noted)
    walked = {query: found(store, lobby, day, query) for query, _ in SEARCHES}
    monkeypatch.setattr(search, "PROBE_ROWS", 1)
    looked_up = {query: found(store, lobby, day, query) for query, _ in SEARCHES}

    assert walked == looked_up == dict(SEARCHES)
    if store.db.engine.dialect.name == "postgresql":
        assert ways == [True] * len(SEARCHES) + [False] * len(SEARCHES)
    else:  # FTS5 finds the matches; the order is walked only for many (FEW_MATCHES)
        assert ways == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"', 'He said "hurry" twice'),
        ('"hurry"', 'He said "hurry" twice'),
        ('y"', 'He said "hurry" twice'),
        ("*", {"rate 5*3 written on the form", "客户留了电话13812345678待回电"}),  # 138****5678
        ("5*3", "rate 5*3 written on the form"),
        ("%", "利率上浮3%"),
        ("3%", "利率上浮3%"),
        ("浮3%", "利率上浮3%"),
        ("_", "user_name on the slip"),
        ("r_n", "user_name on the slip"),
        ("-", "counter 13-14 closed"),
        ("3-1", "counter 13-14 closed"),
        ("NEAR", "NEAR the door, a wet floor sign"),
        ("NEAR(", None),
        ("-a", None),
        ("*)", None),
        (";", "Asked about the USD rate and yearly quota"),
    ],
)
def test_characters_that_mean_something_to_fts5_or_like_are_searched_literally(
    store, lobby, day, query, expected
):
    wanted = expected if isinstance(expected, set) else {expected} if expected else set()
    assert found(store, lobby, day, query) == wanted


def test_a_masked_mobile_number_cannot_be_found_by_its_hidden_digits(store, lobby, day):
    assert found(store, lobby, day, "13812345678") == set()
    assert found(store, lobby, day, "1234") == set()
    assert found(store, lobby, day, "5678") == {"客户留了电话13812345678待回电"}


def test_revised_and_void_entries_are_found_by_their_current_text(store, lobby, day):
    wrong = day["款存倒过来"]
    store.entries.revise(lobby, wrong, {"text": "外币兑换欧元"}, "写错了")
    atm = day["The ATM swallowed a card"]
    store.entries.revise(lobby, atm, {"text": "The ATM kept a card"}, "wording")
    store.entries.void(lobby, atm, "duplicate")

    assert found(store, lobby, day, "款存") == set()
    assert found(store, lobby, day, "欧元") == {"款存倒过来"}
    assert found(store, lobby, day, "外币兑换") == {"款存倒过来"}
    assert found(store, lobby, day, "swallowed") == set()
    assert found(store, lobby, day, "kept") == {"The ATM swallowed a card"}
    voided = store.log.page(lobby, LogFilter(text="kept", marker="void")).entries
    assert [(entry.id, entry.voided) for entry in voided] == [(atm, True)]


def test_search_and_filters_page_together_in_the_logs_order(store: Store, lobby: Actor) -> None:
    # More matches than FEW_MATCHES would take long to write; the order and the keys must hold
    # for a search as they do for the plain log, through ties.
    written = [
        store.entries.add(lobby, Kind.NOTE, MORNING + timedelta(seconds=s % 3), text=f"回访{n}")
        for n, s in enumerate(range(12))
    ]
    store.entries.add(lobby, Kind.NOTE, MORNING, text="其他")
    expected = [e.id for e in sorted(written, key=lambda e: (e.occurred_at, e.id), reverse=True)]

    first = store.log.page(lobby, LogFilter(text="回访"), size=5)
    second = store.log.page(
        lobby, LogFilter(text="回访"), before=(first.entries[-1].occurred_at, first.entries[-1].id)
    )

    assert [e.id for e in first.entries + second.entries] == expected
    assert FEW_MATCHES > 12


def test_each_search_is_planned_for_its_own_terms(store: Store, lobby: Actor, day) -> None:
    # A common term and a rare one need different plans on a server (docs/postgresql.md): the
    # same statement, run more than psycopg's five times before it prepares it, must still be
    # planned with its values, so it is never prepared on the server.
    for query in ["客户", "火车", "吞卡", "邮政", "存款", "利率", "客户", "火车"]:
        expected = {text for text in day if query in text}
        assert found(store, lobby, day, query) == expected
    if store.db.engine.dialect.name == "postgresql":
        with store.db.read_rows() as reading:
            prepared = reading.exec_driver_sql("SELECT name FROM pg_prepared_statements").all()
        assert prepared == []


def test_a_log_written_before_search_existed_is_searchable_after_the_upgrade(tmp_path: Path):
    path = tmp_path / "lobby.sqlite"
    shutil.copy(FIXTURES / "release-0.1.0.sqlite", path)
    migrate_to(path, "0004")

    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in("1001", "111111")
        texts = [entry.text for entry in store.log.page(lobby, LogFilter(text="吞卡")).entries]
    finally:
        store.close()

    assert texts == ["自助机2号吞卡，已报修，客户已登记 👍"]
    assert rows(path, "SELECT count(*) FROM entry_current") == rows(
        path, "SELECT count(*) FROM entry"
    )


def test_queries_are_escaped_for_the_database_that_runs_them() -> None:
    assert fts_string('say "hi" NEAR*') == '"say ""hi"" NEAR*"'
    assert like_pattern("3%_\\") == "%3\\%\\_\\\\%"
    assert char_tokens("存，K") == "存 xff0c k"


def test_complaint_steps_and_checklist_problems_are_in_the_log_and_its_search(
    store: Store, lobby: Actor
) -> None:
    from lobby_tui.data.views import CheckAnswer

    store.complaints.register(lobby, **{**CARD_COMPLAINT, "facts": "自助机吞卡，客户急需用卡"})
    store.checklists.record(
        lobby,
        "opening",
        [CheckAnswer(item="paper", label="取号机纸张", ok=False, note="缺纸，已报修")],
    )

    newest = store.log.page(lobby, LogFilter()).entries
    assert [entry.kind for entry in newest[:2]] == [Kind.CHECK, Kind.COMPLAINT]
    assert [e.kind for e in store.log.page(lobby, LogFilter(text="吞卡")).entries] == [
        Kind.COMPLAINT
    ]
    assert [e.kind for e in store.log.page(lobby, LogFilter(text="缺纸")).entries] == [Kind.CHECK]
