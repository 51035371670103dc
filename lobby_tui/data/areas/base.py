"""What every area of the store shares: the store's database and its clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from lobby_tui.data.engine import Database


class Context(Protocol):
    """The store as its areas see it (data/store.py)."""

    db: Database
    clock: Callable[[], datetime]


class Area:
    """One area of the store; ``db`` and ``clock`` are read from the store each time, so a
    test that fixes the store's clock fixes it for every area."""

    def __init__(self, context: Context) -> None:
        self._context = context

    @property
    def db(self) -> Database:
        return self._context.db

    @property
    def clock(self) -> Callable[[], datetime]:
        """The store's "now" (docs/architecture.md)."""
        return self._context.clock
