"""The pending-saves queue: saves kept outside the database until they land (docs/faults.md).

Every save made in a form is appended here the moment staff press the save key, before the
database is tried: a killed process cannot take it. A save that then cannot be written (a held
lock, a full disk, a read-only file, a server out of reach) stays here, fsynced, and is sent
again in order until it lands; its unique key makes a second arrival find the first. The file is
one JSON record a line, append-only, in the user's state folder, one file per database:

- ``{"op": "save", "key", "form", "command", "kind", "actor", "values", "fields", "at"}``
- ``{"op": "done", "key"}``: the save landed (or was taken back into a form)
- ``{"op": "returned", "key", "error"}``: the database refused it for a reason retrying can't
  fix; it waits to go back into its form, for the staff member who typed it
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role

if TYPE_CHECKING:
    from lobby_tui.data.store import Store

try:  # one process at a time rewrites the file; not on every platform
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

COMPACT_AT_BYTES = 64 * 1024


@dataclass(frozen=True)
class PendingSave:
    """One save as staff made it: what to write, who wrote it, and what the form held."""

    key: str
    form: str
    command: str  # "entry" or "complaint"
    kind: str
    actor: Actor
    values: dict[str, Any]
    fields: dict[str, str]
    at: datetime
    error: str | None = field(default=None, compare=False)

    @classmethod
    def new(
        cls,
        *,
        form: str,
        command: str,
        kind: str,
        actor: Actor,
        values: dict[str, Any],
        fields: dict[str, str],
        at: datetime,
    ) -> PendingSave:
        return cls(str(uuid.uuid4()), form, command, kind, actor, values, fields, at)


def journal_path(state_dir: Path, database_url: str) -> Path:
    """The journal of one database: saves for another file never land in this one."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return state_dir / f"pending-saves-{digest}.jsonl"


class PendingSaves:
    """The journal file. Thread-safe; every method is quick (one small write, or a read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    # -- writing --------------------------------------------------------------------------

    def add(self, save: PendingSave) -> None:
        """Keep ``save`` before it is tried: written to the file (a killed process keeps it);
        made durable against a power cut by ``hold`` once it has to wait."""
        self._append({"op": "save", **_encode_save(save)}, sync=False)

    def hold(self) -> None:
        """A save has to wait: what the file holds is made durable (fsync)."""
        with self._lock, self._open() as fd:
            os.fsync(fd)

    def done(self, key: str) -> None:
        """``key`` landed, or went back into its form: it is not sent again."""
        # Not synced: a lost "done" means one more try, which the unique key makes harmless.
        self._append({"op": "done", "key": key}, sync=False)

    def returned(self, key: str, error: str) -> None:
        """The database refused ``key`` for good; it waits to go back into its form."""
        self._append({"op": "returned", "key": key, "error": error}, sync=True)

    # -- reading --------------------------------------------------------------------------

    def load(self) -> tuple[list[PendingSave], list[PendingSave]]:
        """The saves still to send, in the order they were made, and those returned."""
        with self._lock:
            return _live(self._records())

    def compact(self) -> None:
        """Rewrite the file with only what is still waiting (or nothing), atomically."""
        with self._lock:
            if not self.path.exists() or self.path.stat().st_size < COMPACT_AT_BYTES:
                return
        with self._lock, self._file_lock():
            waiting, returned = _live(self._records())
            lines = [
                json.dumps({"op": "save", **_encode_save(save)}, ensure_ascii=False)
                for save in waiting
            ]
            for save in returned:
                lines.append(json.dumps({"op": "save", **_encode_save(save)}, ensure_ascii=False))
                lines.append(json.dumps({"op": "returned", "key": save.key, "error": save.error}))
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)

    # -- the file -------------------------------------------------------------------------

    def _append(self, record: dict[str, Any], *, sync: bool) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        with self._lock, self._file_lock(), self._open() as fd:
            os.write(fd, line)  # one write of one line: whole or, after a power cut, torn
            if sync:
                os.fsync(fd)

    @contextmanager
    def _open(self) -> Iterator[int]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            yield fd
        finally:
            os.close(fd)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Another app on the same database and user appends or rewrites one at a time."""
        if fcntl is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _records(self) -> Iterator[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a power cut was never acknowledged as waiting
            if isinstance(record, dict):
                yield record


def _live(records: Iterator[dict[str, Any]]) -> tuple[list[PendingSave], list[PendingSave]]:
    """Replay the records: the saves still waiting, and those returned, in the order made."""
    saves: dict[str, PendingSave] = {}
    returned: dict[str, PendingSave] = {}
    for record in records:
        key, op = record.get("key"), record.get("op")
        if op == "save" and key not in returned:
            saves[key] = _decode_save(record)
        elif op == "returned" and key in saves:
            returned[key] = replace(saves.pop(key), error=record.get("error"))
        elif op == "done":
            saves.pop(key, None)
            returned.pop(key, None)
    return list(saves.values()), list(returned.values())


def send(store: Store, save: PendingSave) -> Any:
    """Write ``save`` to the database: once, whatever number of times it is sent."""
    if save.command == "complaint":
        return store.complaints.register(save.actor, save_key=save.key, **save.values)
    return store.entries.add(save.actor, Kind(save.kind), save_key=save.key, **save.values)


def _encode_save(save: PendingSave) -> dict[str, Any]:
    return {
        "key": save.key,
        "form": save.form,
        "command": save.command,
        "kind": save.kind,
        "actor": {**asdict(save.actor), "role": str(save.actor.role)},
        "values": {name: _encode_value(value) for name, value in save.values.items()},
        "fields": save.fields,
        "at": save.at.isoformat(),
    }


def _decode_save(record: dict[str, Any]) -> PendingSave:
    actor = dict(record["actor"])
    actor["role"] = Role(actor["role"])
    return PendingSave(
        key=record["key"],
        form=record["form"],
        command=record["command"],
        kind=record["kind"],
        actor=Actor(**actor),
        values={name: _decode_value(value) for name, value in record["values"].items()},
        fields=dict(record["fields"]),
        at=datetime.fromisoformat(record["at"]),
    )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"datetime"}:
        return datetime.fromisoformat(value["datetime"])
    return value
