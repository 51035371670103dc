"""Keys typed ahead: waiting for a widget to finish the keys already queued for it.

Textual hands each key to the widget focused when the app reads it, and the widget handles it
later, in its own queue. A *priority* binding runs in the app, in key order, so it can move the
focus before the next key is read; when what it does depends on what was typed just before
(Enter after a search), it first waits here for the field to handle those keys.
"""

from __future__ import annotations

import asyncio

from textual.widget import Widget


async def queued_keys_handled(*widgets: Widget) -> None:
    """Wait until each of ``widgets`` has handled every message already queued for it.

    A widget whose queue is empty has nothing to wait for: a key's handler (Textual's Input,
    and our fields) runs to its end in the turn of the loop that takes the key from the queue.
    Not waiting then matters at rush hour: each wait is a turn of the loop, and the save after
    it waited for the screen's other work (1.4 ms of a Ctrl+S, issue 15)."""
    loop = asyncio.get_running_loop()
    pending = []
    for widget in widgets:
        if not widget.message_queue_size:
            continue
        done = loop.create_future()
        if widget.call_later(done.set_result, None):
            pending.append(done)
    if pending:
        await asyncio.gather(*pending)
