"""The terminal driver: Textual's own, but a pasted escape sequence stays inside its paste.

A terminal sends a paste between ``ESC [200~`` and ``ESC [201~`` (bracketed paste). Textual's
parser, meeting an ESC inside the paste, reads the characters after it as a key sequence and
sends them on as keys at once, ahead of the paste text before the ESC: pasting
``AB ESC[31mCD`` typed ``^[31mCD`` and then pasted ``AB``. Here each ESC inside a paste reaches
the parser as ``␛`` (the symbol the form stores for it anyway, domain/text.py), so the paste
arrives whole and in order.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterator

from textual._parser import ParseError
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

ESC = "\x1b"
ESC_SYMBOL = "␛"


class PasteGuard:
    """Rewrites terminal input chunk by chunk: an ESC between a paste's start and end marks
    becomes ``␛``; everything else passes unchanged, in order.

    Outside a paste nothing waits (a lone ESC is the Escape key): a start mark split between
    two reads is found by keeping the last characters read. Inside a paste a chunk that ends
    part-way through the end mark is held back until the rest arrives (a terminal sends a mark
    in one go, so it follows at once).
    """

    def __init__(self) -> None:
        self.pasting = False
        self._tail = ""  # outside a paste: the end of what was read, a start mark's beginning
        self._held = ""  # inside a paste: the beginning of an end mark, held back

    def __call__(self, data: str) -> str:
        out: list[str] = []
        while data:
            if not self.pasting:
                seen = self._tail + data
                at = seen.find(BRACKETED_PASTE_START)
                if at < 0:
                    out.append(data)
                    self._tail = seen[-(len(BRACKETED_PASTE_START) - 1) :]
                    break
                body_at = at + len(BRACKETED_PASTE_START) - len(self._tail)
                out.append(data[:body_at])
                data, self._tail, self.pasting = data[body_at:], "", True
                continue
            data, self._held = self._held + data, ""
            at = data.find(BRACKETED_PASTE_END)
            if at < 0:
                held = _partial_mark(data, BRACKETED_PASTE_END)
                out.append(data[: len(data) - held].replace(ESC, ESC_SYMBOL))
                self._held = data[len(data) - held :]
                break
            out += (data[:at].replace(ESC, ESC_SYMBOL), BRACKETED_PASTE_END)
            data, self.pasting = data[at + len(BRACKETED_PASTE_END) :], False
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held


def _partial_mark(data: str, mark: str) -> int:
    """The length of the longest end of ``data`` that begins ``mark``; 0 if none does."""
    for length in range(min(len(mark) - 1, len(data)), 0, -1):
        if data.endswith(mark[:length]):
            return length
    return 0


class GuardedParser(XTermParser):
    """Textual's parser, fed through a ``PasteGuard``."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self.guard = PasteGuard()

    def feed(self, data: str) -> Iterator[Message]:
        if data:
            guarded = self.guard(data)
            if guarded:  # all of it may be held back; an empty feed would end the input
                yield from super().feed(guarded)
            return
        held = self.guard.flush()  # the end of input: what was held back, then the end
        if held:
            yield from super().feed(held)
        yield from super().feed("")


class LobbyDriver(LinuxDriver):
    """``LinuxDriver`` reading its input through ``GuardedParser``."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = GuardedParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def read_and_dispatch(ready: list, final: bool = False) -> None:
            for number, (_key, mask) in enumerate(ready, 1):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(self.fileno, 4096), final=final and number == len(ready))
                    if not data:
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                read_and_dispatch(selector.select(0.1))
            selector.unregister(self.fileno)
            read_and_dispatch(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
