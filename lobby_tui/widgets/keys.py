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
    """Wait until each of ``widgets`` has handled every message already queued for it."""
    loop = asyncio.get_running_loop()
    pending = []
    for widget in widgets:
        done = loop.create_future()
        if widget.call_later(done.set_result, None):
            pending.append(done)
    await asyncio.gather(*pending)
