"""The branch's lists: shipped defaults for a typical Chinese branch, replaced section by section
from the config file, and a bad list refused with one message naming the file and the line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from lobby_tui.config import ConfigError, Settings, load_settings
from lobby_tui.domain.lists import (
    CHECKLIST_PHASES,
    PRIORITY_CODES,
    ListsError,
    default_lists,
    lists_from_toml,
)

# The *_fixture name is a pytest fixture (cli): pytest finds it here.
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401

SOURCE = "branch.toml"


def chinese(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def codes(choices) -> list[str]:
    return [choice.code for choice in choices]


def item(section: str, code: str, zh: str = "标签", en: str = "Label") -> str:
    """One ``[[section]]`` item, four lines with the blank one after it."""
    return f'[[{section}]]\ncode = "{code}"\nzh = "{zh}"\nen = "{en}"\n\n'


def refusal(text: str) -> ListsError:
    with pytest.raises(ListsError) as refused:
        lists_from_toml(text, SOURCE)
    return refused.value


# -- the shipped lists --------------------------------------------------------------------------


def test_the_shipped_lists_fit_a_typical_chinese_branch():
    lists = default_lists()

    assert codes(lists.business) == [
        "deposit",
        "account_opening",
        "card",
        "transfer",
        "wealth",
        "loan",
        "forex",
        "ebanking",
        "other",
    ]
    assert (lists.business[0].zh, lists.business[0].en) == ("存取款", "Deposit / withdrawal")
    assert codes(lists.priorities) == list(PRIORITY_CODES)
    assert [p.zh for p in lists.priorities] == ["无", "老年人", "残障人士", "孕妇", "贵宾", "其他"]
    assert codes(lists.topics) == [
        "deposit_rates",
        "card",
        "opening_documents",
        "loan",
        "wealth",
        "forex",
        "ebanking",
        "fees",
        "other",
    ]
    assert lists.topics[2].label("zh") == "开户证件"
    assert lists.topics[2].label("en") == "Account-opening documents"
    assert lists.counters == 8
    assert {manager.role for manager in lists.managers} == {"wealth", "relationship"}
    assert lists.find("manager", "wealth").label("zh") == "理财经理"
    assert list(lists.checklist) == list(CHECKLIST_PHASES)
    assert "ticket_paper" in codes(lists.checklist["opening"])
    assert "queue_network" in codes(lists.checklist["opening"])
    assert all(lists.checklist[phase] for phase in CHECKLIST_PHASES)


def test_every_shipped_label_is_in_chinese_and_in_english():
    lists = default_lists()
    everything = [
        *lists.business,
        *lists.priorities,
        *lists.topics,
        *lists.managers,
        *lists.queue_targets(),
        *lists.handoff_targets(),
        *(choice for phase in CHECKLIST_PHASES for choice in lists.checklist[phase]),
    ]

    assert [c.code for c in everything if not chinese(c.zh)] == []
    assert [c.code for c in everything if not c.en.isascii() or not c.en.strip()] == []


def test_the_digit_3_sends_the_customer_to_counter_3():
    targets = default_lists().queue_targets()

    assert targets[3 - 1].code == "counter:3"
    assert (targets[2].zh, targets[2].en) == ("3号窗口", "Counter 3")
    assert codes(targets) == [
        *(f"counter:{n}" for n in range(1, 9)),
        "self_service",
        "wealth_manager",
        "relationship_manager",
        "vip_room",
        "other",
    ]


def test_a_hand_off_goes_to_a_counter_a_manager_the_vip_room_or_another_branch():
    lists = default_lists()
    targets = lists.handoff_targets()

    assert codes(targets) == [
        *(f"counter:{n}" for n in range(1, 9)),
        *(f"manager:{manager.code}" for manager in lists.managers),
        "vip_room",
        "other_branch",
    ]
    wealth = lists.find("handoff_target", "manager:wealth")
    assert (wealth.zh, wealth.en, wealth.role) == ("理财经理", "Wealth manager", "wealth")
    assert lists.find("handoff_target", "other_branch").label("zh") == "其他网点"


def test_a_code_the_branch_no_longer_lists_is_not_found():
    lists = default_lists()

    assert lists.find("queue_target", "counter:9") is None
    assert lists.find("business", "gold") is None
    assert lists.find("closing", "lobby_clear").label("en") == "No one left in the lobby"


# -- a branch's own lists ------------------------------------------------------------------------


def test_a_small_branch_with_four_counters_lists_its_own_business_and_keeps_the_other_lists():
    text = (
        'language = "zh"\n\n[lists]\ncounters = 4\n\n'
        + item("lists.business", "pension", "养老金", "Pension")
        + item("lists.business", "deposit", "存取款", "Deposit / withdrawal")
        + item("lists.priority", "none", "普通", "Regular")
        + "".join(item("lists.priority", code) for code in PRIORITY_CODES[1:])
    )

    lists = lists_from_toml(text, SOURCE)

    assert codes(lists.business) == ["pension", "deposit"]
    assert lists.business[0].label("zh") == "养老金"
    assert codes(lists.queue_targets())[:5] == [
        "counter:1",
        "counter:2",
        "counter:3",
        "counter:4",
        "self_service",
    ]
    assert lists.priorities[0].label("zh") == "普通"
    assert lists.topics == default_lists().topics
    assert lists.managers == default_lists().managers
    assert lists.checklist == default_lists().checklist


def test_the_midday_checklist_alone_is_replaced():
    text = '[lists.checklist]\nmidday = [{ code = "cash", zh = "现金区", en = "Cash area" }]\n'

    lists = lists_from_toml(text, SOURCE)

    assert codes(lists.checklist["midday"]) == ["cash"]
    assert lists.checklist["opening"] == default_lists().checklist["opening"]
    assert lists.checklist["closing"] == default_lists().checklist["closing"]


def test_the_lists_come_with_the_settings_from_the_config_file(tmp_path: Path):
    config = tmp_path / "terminal.toml"
    config.write_text("\ufeff[lists]\ncounters = 12\n", encoding="utf-8")  # Notepad's BOM too
    silent = tmp_path / "silent.toml"
    silent.write_text("", encoding="utf-8")

    assert load_settings(config=str(config), environ={}).lists.counters == 12
    assert load_settings(config=str(silent), environ={}).lists == default_lists()
    assert Settings(db="x.sqlite", language="en").lists == default_lists()


# -- a bad list, one message naming the line ------------------------------------------------------

TEN_ITEMS = "".join(item("lists.business", f"b{n}") for n in range(1, 11))
TEN_TOPICS = "".join(item("lists.topic", f"t{n}") for n in range(1, 11))
PRIORITIES = "".join(item("lists.priority", code) for code in PRIORITY_CODES)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        pytest.param(
            item("lists.business", "deposit") + '[[lists.business]]\ncode = "loan"\nen = "Loans"\n',
            6,
            "the item has no zh: each item needs code, zh, en",
            id="an item without its Chinese label",
        ),
        pytest.param(
            item("lists.business", "deposit") + item("lists.business", "Loan"),
            7,
            "the code 'Loan' is not 1 to 32 lower-case letters, digits or underscores",
            id="a code in capitals",
        ),
        pytest.param(
            item("lists.topic", "fees") + item("lists.topic", "loan") + item("lists.topic", "fees"),
            12,
            "the code fees is given twice in lists.topic",
            id="a code twice",
        ),
        pytest.param(
            TEN_ITEMS,
            46,
            "lists.business has 10 items, at most 9: the digits 1–9 pick them",
            id="ten business types",
        ),
        pytest.param(
            TEN_TOPICS,
            46,
            "lists.topic has 10 items, at most 9: the digits 1–9 pick them",
            id="ten topics",
        ),
        pytest.param(
            'language = "en"\n\n[lists]\n# the new hall\ncounters = 31\n',
            5,
            "counters must be a whole number from 1 to 30",
            id="too many counters",
        ),
        pytest.param(
            "lists.counters = 2.5\n",
            1,
            "counters must be a whole number from 1 to 30",
            id="half a counter",
        ),
        pytest.param(
            PRIORITIES.replace('"pregnant"', '"child"'),
            17,
            "the priority reasons are fixed (none, elderly, disability, pregnant, vip, other, "
            "in this order): only their labels may change",
            id="a priority code changed",
        ),
        pytest.param(
            PRIORITIES.replace('"none"', '"swap"').replace('"elderly"', '"none"'),
            2,
            "the priority reasons are fixed (none, elderly, disability, pregnant, vip, other, "
            "in this order): only their labels may change",
            id="priorities reordered",
        ),
        pytest.param(
            "".join(item("lists.priority", code) for code in PRIORITY_CODES[:5]),
            22,
            "the priority reasons are fixed (none, elderly, disability, pregnant, vip, other, "
            "in this order): only their labels may change",
            id="a priority left out",
        ),
        pytest.param(
            item("lists.business", "deposit", zh=""),
            3,
            "zh is empty",
            id="an empty label",
        ),
        pytest.param(
            item("lists.business", "deposit", en="   "),
            4,
            "en is empty",
            id="a blank label",
        ),
        pytest.param(
            item("lists.business", "deposit", en="Deposit\\u001b[2J"),
            4,
            "en contains a control character",
            id="an escape sequence in a label",
        ),
        pytest.param(
            item("lists.business", "deposit", zh="存" * 61),
            3,
            "zh is longer than 60 characters",
            id="a label too long",
        ),
        pytest.param(
            '[lists]\ncounters = 4\n\n[[lists.business]]\ncode = "deposit"\nzh = "存取款"\n'
            'en = "Deposit"\nzh_tw = "存提款"\n',
            8,
            "unknown key 'zh_tw': an item has code, zh, en",
            id="an unknown key in an item",
        ),
        pytest.param(
            item("lists.busines", "deposit"),
            1,
            "unknown list 'busines': the lists are business, counters, manager, priority, topic "
            "and checklist",
            id="a misspelt list",
        ),
        pytest.param(
            '[[lists.manager]]\ncode = "wm_li"\nzh = "理财经理 李"\nen = "Li"\nrole = "boss"\n',
            5,
            'role must be "wealth" or "relationship"',
            id="a manager without a known role",
        ),
        pytest.param(
            '[lists]\nbusiness = [\n  { code = "deposit", zh = "存取款" },\n]\n',
            2,
            "the item has no en: each item needs code, zh, en",
            id="an inline item without its English label",
        ),
        pytest.param(
            '[lists.checklist]\n\n[[lists.checklist.evening]]\ncode = "x"\n',
            3,
            "unknown checklist 'evening': the checklists are opening, midday and closing",
            id="an unknown checklist",
        ),
        pytest.param(
            '[keymap]\nbusiness = "f2"\n\n[lists]\nbusiness = "deposit"\n',
            5,
            "lists.business must be a list of [[lists.business]] items",
            id="a list given as one string",
        ),
    ],
)
def test_a_bad_list_is_refused_naming_its_line(text: str, line: int, problem: str):
    error = refusal(text)

    assert str(error) == f"{SOURCE}, line {line}: {problem}"
    assert error.line == line


def test_a_toml_syntax_error_names_its_line():
    error = refusal('[lists]\ncounters = 8\n\n[[lists.business]]\ncode = "deposit\nzh = "存取款"\n')

    assert error.line == 5
    assert str(error).startswith(f"{SOURCE}, line 5: not valid TOML (")


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path):
    config = tmp_path / "gbk.toml"
    config.write_bytes('[lists]\n\n[[lists.business]]\nzh = "存取款"\n'.encode("gbk"))

    with pytest.raises(ConfigError) as refused:
        load_settings(config=str(config), environ={})

    assert str(refused.value) == f"{config}, line 4: the file is not UTF-8 text"


def test_a_bad_config_file_is_one_line_from_the_command_line(cli: Cli, tmp_path: Path):
    config = tmp_path / "terminal.toml"
    config.write_text('language = "en"\n\n[lists]\ncounters = 0\n', encoding="utf-8")

    run = cli("--config", config, "export --db", tmp_path / "branch.sqlite")

    assert run.error_line() == (
        f"lobby-tui: {config}, line 4: counters must be a whole number from 1 to 30"
    )


def test_a_config_file_with_a_broken_list_item_is_one_line_from_the_command_line(
    cli: Cli, tmp_path: Path
):
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_text('[[lists.topic]]\ncode = "fees"\nzh = "收费\n', encoding="utf-8")

    run = cli("export --db", tmp_path / "branch.sqlite")

    line = run.error_line()
    assert line.startswith(f"lobby-tui: {cli.config_file}, line 3: not valid TOML (")


def test_the_shipped_lists_name_roles_never_people():
    # A branch's hand-off list would otherwise offer managers who never worked there.
    lists = default_lists()

    assert [(m.code, m.zh, m.en) for m in lists.managers] == [
        ("wealth", "理财经理", "Wealth manager"),
        ("relationship", "客户经理", "Relationship manager"),
    ]
