"""The progress of a long export, on the terminal of the person who started it.

Shown on standard error, and only when that is a terminal: a script that pipes or logs it
sees nothing but the export's own line. Rich is imported only then. The line is redrawn at most
four times a second, so that a million rows are not slowed down by their own progress.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")
REDRAW_EVERY_S = 0.25
# Rows between two looks at the clock: a look costs more than passing a row on.
CHECK_EVERY = 1024


@contextmanager
def shown_as_read(rows: Iterable[T], label: str, terminal: TextIO | None) -> Iterator[Iterator[T]]:
    """``rows`` as they are, counted on ``terminal`` as they are read (``label``: what they
    are, e.g. "entries"); with no terminal, just ``rows``. The line is gone at the end."""
    if terminal is None:
        yield iter(rows)
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.completed:,}"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(file=terminal),
        auto_refresh=False,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task(label, total=None)

    def counted() -> Iterator[T]:
        count = 0
        redraw_at = time.monotonic()
        for row in rows:
            yield row
            count += 1
            if not count % CHECK_EVERY and (now := time.monotonic()) >= redraw_at:
                progress.update(task, completed=count, refresh=True)
                redraw_at = now + REDRAW_EVERY_S
        progress.update(task, completed=count, refresh=True)

    with progress:
        yield counted()
