"""Where in a TOML file a section, an item or a key is written: the line an error names.

A search, not a second parser: it knows table headers and ``key =`` lines, which is how the
config file is written by hand; tomllib has already checked the syntax.
"""

from __future__ import annotations

import re

_ANY_HEADER = re.compile(r"^\s*\[")


def _dotted(path: tuple[str, ...]) -> str:
    return r"\s*\.\s*".join(rf"""["']?{re.escape(part)}["']?""" for part in path)


def _header(path: tuple[str, ...], *, array: bool) -> re.Pattern[str]:
    left, right = (r"\[\[", r"\]\]") if array else (r"\[", r"\]")
    return re.compile(rf"^\s*{left}\s*{_dotted(path)}\s*{right}")


def _key(path: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^\s*{_dotted(path)}\s*=")


class TomlLines:
    """The lines of a TOML text; ``path`` is a dotted key as a tuple, ``("lists", "business")``.

    An item of an inline array is blamed on the array's line.
    """

    def __init__(self, text: str) -> None:
        # Split on "\n" only, as TOML counts lines (str.splitlines also splits on U+2028 …).
        self.rows = text.split("\n")

    def _first(self, pattern: re.Pattern[str], rows: range) -> int | None:
        return next((n for n in rows if pattern.match(self.rows[n])), None)

    def _body(self, header: int | None) -> range:
        """The rows of the table whose header is row ``header`` (None: the top-level table)."""
        start = 0 if header is None else header + 1
        end = self._first(_ANY_HEADER, range(start, len(self.rows)))
        return range(start, len(self.rows) if end is None else end)

    def _headers(self, path: tuple[str, ...], *, array: bool) -> list[int]:
        pattern = _header(path, array=array)
        return [n for n, row in enumerate(self.rows) if pattern.match(row)]

    def section(self, path: tuple[str, ...]) -> int:
        """The line of ``path``'s first header or of its key, else of its parent's, else 1."""
        headers = self._headers(path, array=True) or self._headers(path, array=False)
        if headers:
            return headers[0] + 1
        for split in range(len(path) - 1, -1, -1):
            parent = path[:split]
            tables = self._headers(parent, array=False) if parent else [None]
            for table in tables:
                found = self._first(_key(path[split:]), self._body(table))
                if found is not None:
                    return found + 1
        return self.section(path[:-1]) if len(path) > 1 else 1

    def item(self, path: tuple[str, ...], index: int, key: str | None = None) -> int:
        """The line of item ``index`` of the array at ``path`` (its ``[[…]]`` header), or of the
        item's ``key`` when written; for an inline array, the array's line."""
        headers = self._headers(path, array=True)
        if index >= len(headers):
            return self.section(path)
        if key is not None:
            found = self._first(_key((key,)), self._body(headers[index]))
            if found is not None:
                return found + 1
        return headers[index] + 1
