"""Several branches in one database (issue 12): nothing of one branch reaches another
branch's staff, a head-office reviewer reads the branches granted and writes nothing, and the
command line works on the branch ``--branch`` names. On both engines."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from lobby_tui.data.export import complaint_rows, export_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, LogFilter, PermissionDenied, SignInRefused, StoreError
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401
from tests.store_fixtures import (
    ADMIN_NO,
    CARD_COMPLAINT,
    LOBBY_NO,
    LOBBY_PIN,
    REVIEWER_NO,
    REVIEWER_PIN,
    add_staff,
    db_path_fixture,  # noqa: F401
    store_fixture,  # noqa: F401
)

OTHER, HEAD = "SH0202", "HO"
OTHER_PIN, HEAD_NO, HEAD_PIN = "222222", "7001", "777777"
MINE, THEIRS = "甲行的记录", "乙行的秘密"


def add_branch(store: Store, code: str, name: str) -> int:
    info = store.branches.add(
        Actor.console(), code=code, name=name, admin_no=ADMIN_NO, admin_name="管理员", pin="999999"
    )
    return info.id


@pytest.fixture(name="two")
def two_branches(store: Store) -> dict[str, Actor]:
    """The first branch's lobby manager and reviewer, the same numbers in a second branch, each
    with a note, a complaint and a handover; a head-office reviewer granted the second only."""
    other_id = add_branch(store, OTHER, "张江支行")
    head_id = add_branch(store, HEAD, "分行")
    add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
    for staff_no, role in ((LOBBY_NO, Role.LOBBY), (REVIEWER_NO, Role.REVIEWER)):
        store.staff.add(Actor.console(other_id), staff_no, "乙行员工", role, OTHER_PIN)
    store.staff.add(Actor.console(head_id), HEAD_NO, "总行审阅", Role.HEAD_OFFICE, HEAD_PIN)
    store.branches.grant(Actor.console(head_id), HEAD_NO, [OTHER])
    actors = {
        "mine": store.staff.sign_in(f"SH0101/{LOBBY_NO}", LOBBY_PIN),
        "my_reviewer": store.staff.sign_in(f"SH0101/{REVIEWER_NO}", REVIEWER_PIN),
        "theirs": store.staff.sign_in(f"{OTHER}/{LOBBY_NO}", OTHER_PIN),
        "their_reviewer": store.staff.sign_in(f"{OTHER}/{REVIEWER_NO}", OTHER_PIN),
        "head": store.staff.sign_in(f"{HEAD}/{HEAD_NO}", HEAD_PIN),
    }
    for who, text in (("mine", MINE), ("theirs", THEIRS)):
        store.entries.add_note(actors[who], text)
        store.complaints.register(actors[who], **{**CARD_COMPLAINT, "facts": text})
        store.drafts.save(actors[who], "note", {"text": text})
    return actors


def everything_seen(store: Store, actor: Actor) -> str:
    """What ``actor`` can read of the day, through every read the screens make, as text."""
    today = date.today()
    reads = [
        store.entries.desk(actor),
        store.log.page(actor, LogFilter()),
        store.log.page(actor, LogFilter(text="秘密")),
        store.summary.day(actor, today),
        store.handoffs.open_items(actor),
        store.complaints.open_cases(actor),
        store.complaints.cases(actor),
        store.complaints.on_day(actor, today),
        store.checklists.of_day(actor, today),
        store.shifts.last_handover(actor),
        store.shifts.still_open(actor),
        store.complaints.handlers(actor),
    ]
    if actor.role != Role.HEAD_OFFICE:  # a head office writes nothing, not even a draft
        reads.append(store.drafts.load(actor))
    return repr(reads)


def test_a_staff_number_is_unique_in_its_branch_only(store: Store, two) -> None:
    with pytest.raises(ValidationError):
        store.staff.add(Actor.console(), LOBBY_NO, "重复", Role.LOBBY, LOBBY_PIN)
    # The same number in two branches: the number alone no longer says who is signing in.
    with pytest.raises(SignInRefused):
        store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
    assert two["mine"].branch_id != two["theirs"].branch_id


def test_nothing_of_one_branch_is_seen_by_the_other(store: Store, two) -> None:
    for reader, seen, unseen in (("mine", MINE, THEIRS), ("theirs", THEIRS, MINE)):
        for who in (reader, "my_reviewer" if reader == "mine" else "their_reviewer"):
            text = everything_seen(store, two[who])
            assert seen in text
            assert unseen not in text
    # The same number in both branches: the staff filter is the reader's branch's 1001.
    by_number = store.log.page(two["mine"], LogFilter(staff_no=LOBBY_NO))
    assert MINE in repr(by_number) and THEIRS not in repr(by_number)
    their_entries = store.log.page(two["their_reviewer"], LogFilter()).entries
    with pytest.raises(StoreError):
        store.entries.history(two["mine"], their_entries[0].id)


def test_staff_asking_for_another_branch_are_refused(store: Store, two) -> None:
    mine = two["mine"]
    asking = dataclasses.replace(mine, branch_id=two["theirs"].branch_id)
    with pytest.raises(PermissionDenied):
        store.log.page(asking, LogFilter())
    with pytest.raises(PermissionDenied):
        store.summary.day(asking, date.today())
    assert [b.code for b in store.branches.readable(mine)] == ["SH0101"]


def test_the_head_office_reads_the_branches_granted_and_writes_nothing(store: Store, two) -> None:
    head = two["head"]
    assert [b.code for b in store.branches.readable(head)] == [HEAD, OTHER]
    theirs = dataclasses.replace(head, branch_id=two["theirs"].branch_id)
    text = everything_seen(store, theirs)
    assert THEIRS in text and MINE not in text
    assert list(export_rows(store, theirs, None, None))
    assert list(complaint_rows(store, theirs))
    mine = dataclasses.replace(head, branch_id=two["mine"].branch_id)
    with pytest.raises(PermissionDenied):
        store.log.page(mine, LogFilter())
    with pytest.raises(PermissionDenied):
        list(export_rows(store, mine, None, None))
    for write in (
        lambda: store.entries.add_note(theirs, "总行不写"),
        lambda: store.complaints.register(theirs, **CARD_COMPLAINT),
        lambda: store.summary.sign_off(theirs, date.today()),
        lambda: store.shifts.hand_over(theirs, "总行不写"),
    ):
        with pytest.raises(PermissionDenied):
            write()
    store.branches.grant(Actor.console(head.branch_id), HEAD_NO, [], every_branch=True)
    assert [b.code for b in store.branches.readable(head)] == [HEAD, "SH0101", OTHER]
    assert MINE in repr(store.log.page(mine, LogFilter()))


def test_only_a_head_office_reviewer_is_granted_branches(store: Store, two) -> None:
    with pytest.raises(ValidationError):
        store.branches.grant(Actor.console(), REVIEWER_NO, [OTHER])
    with pytest.raises(PermissionDenied):
        store.branches.grant(two["my_reviewer"], HEAD_NO, [OTHER])
    with pytest.raises(PermissionDenied):
        store.branches.add(
            two["my_reviewer"], code="X1", name="x", admin_no="9", admin_name="x", pin="1"
        )


def test_case_numbers_are_counted_per_branch(store: Store, two) -> None:
    first = store.complaints.cases(two["mine"])
    second = store.complaints.cases(two["theirs"])
    assert [c.number for c in first] == [c.number for c in second]
    assert first[0].number.endswith("-001")


def test_the_command_line_works_on_the_branch_named(cli: Cli, db_path: Path | str) -> None:
    store = Store.open(str(db_path))
    store.setup(
        branch_code="SH0101",
        branch_name="陆家嘴支行",
        admin_no=ADMIN_NO,
        admin_name="张",
        pin="999999",
    )
    store.close()
    db = f"--db {db_path}" if isinstance(db_path, str) else None
    words = (db,) if db else ("--db", db_path)
    added = cli(
        *words,
        f"branch add {OTHER} --name 张江支行 --admin 9001 --admin-name 王 --pin-stdin",
        stdin="222222\n",
    )
    assert added.returncode == 0, added.stderr
    assert (
        cli(
            *words, "staff add 1001 --name 甲 --role lobby --pin-stdin", stdin="111111\n"
        ).returncode
        == 0
    )
    assert (
        cli(
            *words,
            f"staff add 1001 --name 乙 --role lobby --branch {OTHER} --pin-stdin",
            stdin="111111\n",
        ).returncode
        == 0
    )
    store = Store.open(str(db_path))
    store.entries.add_note(store.staff.sign_in("SH0101/1001", "111111"), MINE)
    store.entries.add_note(store.staff.sign_in(f"{OTHER}/1001", "111111"), THEIRS)
    store.close()
    for branch, seen, unseen in ((None, MINE, THEIRS), (OTHER, THEIRS, MINE)):
        option = f" --branch {branch}" if branch else ""
        exported = cli(*words, "export" + option)
        assert seen in exported.stdout and unseen not in exported.stdout, branch
        report = cli(*words, "report" + option).stdout
        assert f"({branch or 'SH0101'})" in report, report
        staff = cli(*words, "staff list" + option).stdout
        assert ("乙" in staff) == (branch == OTHER) and ("甲" in staff) == (branch is None)
    assert "No branch has this code" in cli(*words, "export --branch NOPE").stderr
    listed = cli(*words, "branch list").stdout
    assert "SH0101" in listed and OTHER in listed
