"""A branch's morning in one language: names, entries and a complaint all written in it, so a
screen that shows a word of the other language shows one of the program's own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role

# 10:30 in Shanghai on a Sunday morning.
NOW = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
LOBBY = ("1001", "111111")
REVIEWER = ("8001", "888888")

WORDS = {
    "zh": {
        "branch": "陆家嘴支行",
        "admin": "张主管",
        "lobby": "李娜",
        "reviewer": "陈刚",
        "notes": (
            "老大爷开卡并存款，已协助填单，客户很满意👍🏽",
            "自助机二号吞卡，已登记，客户明日来领",
        ),
        "question": "定期存款利率是多少",
        "answer": "一年期一点五厘",
        "handoff": "客户二十万元定期到期，想了解理财",
        "name": "王先生",
        "facts": "取款机吞卡，客户等了四十分钟无人处理",
        "request": "当天取回银行卡",
        "reason": "票号写错",
    },
    "en": {
        "branch": "Lujiazui Branch",
        "admin": "Zhang Min",
        "lobby": "Li Na",
        "reviewer": "Chen Gang",
        "notes": (
            "Helped an elderly man open a card and deposit; he was pleased 👍🏽",
            "Self-service machine two kept a card; logged, the customer comes back tomorrow",
        ),
        "question": "What is the one-year deposit rate",
        "answer": "One and a half percent",
        "handoff": "Fixed deposit of two hundred thousand matures, wants wealth advice",
        "name": "Mr Wang",
        "facts": "The cash machine kept the card and nobody came for forty minutes",
        "request": "The card back today",
        "reason": "Wrong ticket",
    },
}


def at(hour: int, minute: int) -> datetime:
    """``hour:minute`` in Shanghai on the morning of ``NOW``."""
    return datetime(2026, 11, 29, hour - 8, minute, tzinfo=UTC)


def a_branch_day(path: Path, language: str) -> Path:
    """The branch with its admin 9001, lobby manager 1001 and reviewer 8001; a morning's
    entries (a revised guidance, notes, an enquiry, a hand-off) and an open complaint."""
    words = WORDS[language]
    store = Store.open(str(path))
    try:
        store.setup(
            branch_code="SH0101",
            branch_name=words["branch"],
            admin_no="9001",
            admin_name=words["admin"],
            pin="999999",
        )
        console = Actor.console()
        store.staff.add(console, *LOBBY[:1], words["lobby"], Role.LOBBY, LOBBY[1])
        store.staff.add(console, *REVIEWER[:1], words["reviewer"], Role.REVIEWER, REVIEWER[1])
        lobby = store.staff.sign_in(*LOBBY)
        guided = store.entries.add(
            lobby, Kind.QUEUE, at(9, 2), ticket="A021", business="deposit", target="counter:3"
        )
        store.entries.revise(lobby, guided.id, {"ticket": "A023"}, words["reason"])
        for minute, text in zip((5, 40), words["notes"], strict=True):
            store.entries.add(lobby, Kind.NOTE, at(9, minute), text=text)
        store.entries.add(
            lobby,
            Kind.ENQUIRY,
            at(9, 50),
            topic="deposit_rates",
            text=words["question"],
            outcome=words["answer"],
            resolved=True,
        )
        store.entries.add(
            lobby,
            Kind.HANDOFF,
            at(10, 10),
            ticket="B030",
            target="manager:wealth",
            text=words["handoff"],
        )
        store.complaints.register(
            lobby,
            received_at=at(10, 20),
            channel="on_site",
            business="bank_cards",
            cause="facilities",
            severity="yellow",
            complainant_name=words["name"],
            complainant_contact="13812345678",
            facts=words["facts"],
            request=words["request"],
        )
        store.staff.sign_out(lobby)
    finally:
        store.close()
    return path
