"""The pending-saves journal and sending a save again: a save lands exactly once, however many
times it is sent (a retry after a lost acknowledgement), and the journal survives a torn line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lobby_tui.data.pending import PendingSave, PendingSaves, send
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from tests.store_fixtures import (  # noqa: F401 (fixtures)
    CARD_COMPLAINT,
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)

PRESSED = datetime(2026, 12, 7, 2, 15, tzinfo=UTC)


def note_save(actor: Actor, text: str) -> PendingSave:
    return PendingSave.new(
        form="note",
        command="entry",
        kind=Kind.NOTE,
        actor=actor,
        values={"text": text, "occurred_at": PRESSED},
        fields={"text": text},
        at=PRESSED,
    )


def test_a_note_sent_twice_is_written_once(store: Store, lobby: Actor, db_path) -> None:
    save = note_save(lobby, "一次")

    first, second = send(store, save), send(store, save)

    assert first.id == second.id
    assert rows(db_path, "SELECT text FROM entry") == [("一次",)]


def test_a_complaint_sent_twice_is_registered_once(store: Store, lobby: Actor, db_path) -> None:
    values = {**CARD_COMPLAINT, "received_at": PRESSED}
    save = PendingSave.new(
        form="complaint",
        command="complaint",
        kind=Kind.COMPLAINT,
        actor=lobby,
        values=values,
        fields={},
        at=PRESSED,
    )

    first, second = send(store, save), send(store, save)

    assert first.case.number == second.case.number
    assert rows(db_path, "SELECT count(*) FROM complaint_case") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM entry") == [(1,)]


def test_the_journal_gives_back_what_waits_in_order_and_forgets_what_landed(
    tmp_path: Path, lobby: Actor
) -> None:
    journal = PendingSaves(tmp_path / "pending.jsonl")
    saves = [note_save(lobby, text) for text in ("一", "二", "三", "四")]
    for save in saves:
        journal.add(save)
    journal.done(saves[1].key)
    journal.returned(saves[2].key, "refused")
    with open(journal.path, "a", encoding="utf-8") as handle:
        handle.write('{"op": "save", "key": "torn')  # a power cut in the middle of a line

    waiting, returned = PendingSaves(journal.path).load()

    assert [save.fields["text"] for save in waiting] == ["一", "四"]
    assert waiting[0] == saves[0]
    assert waiting[0].values["occurred_at"] == PRESSED
    assert [(save.fields["text"], save.error) for save in returned] == [("三", "refused")]


def test_a_grown_journal_is_compacted_to_what_still_waits(tmp_path: Path, lobby: Actor) -> None:
    journal = PendingSaves(tmp_path / "pending.jsonl")
    kept = note_save(lobby, "留着")
    journal.add(kept)
    for number in range(300):
        landed = note_save(lobby, f"第{number}条 " + "长" * 100)
        journal.add(landed)
        journal.done(landed.key)

    journal.compact()

    assert journal.path.stat().st_size < 2000
    assert journal.load() == ([kept], [])
