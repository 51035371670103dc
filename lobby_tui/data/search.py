"""Text search over the duty log: the one module with SQL of a single database's dialect.

Each entry's current ticket, text and outcome, masked as shown (``entry_current.search_text``),
is what is searched. A query is split at whitespace into terms; an entry matches when every term
is a substring of its text, ignoring case.

- SQLite: two FTS5 tables hold the index, rowid = entry id. ``entry_trigram`` (trigram
  tokenizer, external content on ``entry_current``) serves terms of three characters or more.
  Trigrams cannot match shorter terms, and ``LIKE`` on an FTS5 table gives wrong answers for
  Chinese on SQLite 3.40, so ``entry_chars`` (unicode61, contentless) holds the text split into
  one token per character: a term of one or two characters is a phrase of adjacent tokens.
  Characters that unicode61 would drop (punctuation, spaces) are written as ``x<hex>`` tokens, so
  every character can be searched and ``存，款`` never matches ``存款``.
- PostgreSQL: ``ILIKE`` on ``entry_current.search_text``, with ``%``, ``_`` and ``\\`` escaped,
  which a trigram index (pg_trgm, migration 0009) serves for terms of three characters or more.
  A shorter term has no trigram: a GIN index of the set of each text's characters
  (``lobby_search_chars``, migration 0012) finds the entries holding all of its characters, and
  ``ILIKE`` keeps those where they are adjacent. Whether a page is found from those indexes (a
  rare term) or by walking the log's order index (a common one) is settled by a look at the log
  (``probe``), not by the server's estimate; the statement is still planned with its values each
  time: ``engine`` turns psycopg's prepared statements off.

The store keeps both indexes current in the transaction that writes or revises an entry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    Text,
    and_,
    bindparam,
    column,
    func,
    intersect,
    literal_column,
    select,
    table,
    text,
)

from lobby_tui.data.models import EntryCurrent
from lobby_tui.domain.masking import mask

TRIGRAM_TABLE = "entry_trigram"
CHARS_TABLE = "entry_chars"
SEARCH_TABLES = (TRIGRAM_TABLE, CHARS_TABLE)
SHORT_TERM = 2  # terms of at most this many characters use the per-character index
MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
# With at most this many matches, the matches are read and sorted (cheap); with more, the
# browser's ordered index is walked and each row checked against them, which stops after a page.
FEW_MATCHES = 5000

BULK_HASH_SIZE = 64 * 1024 * 1024
DEFAULT_HASH_SIZE = 1024 * 1024

_TRIGRAM = table(TRIGRAM_TABLE, column("rowid"))
_CHARS = table(CHARS_TABLE, column("rowid"))


def searchable_text(ticket: str | None, text_: str | None, outcome: str | None) -> str:
    """What search sees of an entry: its ticket, text and outcome, masked, one per line."""
    return f"{ticket or ''}\n{_masked(text_ or '')}\n{_masked(outcome or '')}"


# Logs repeat themselves ("Done", "已办结"): a bulk fill meets most texts many times.
_masked = lru_cache(maxsize=4096)(mask)


class _CharToken(dict[int, str]):
    """``str.translate`` table: a letter or digit stays itself, anything else becomes a hex
    token; each followed by a space. Filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        token = char if unicodedata.category(char)[0] in "LN" else f"x{code:x}"
        self[code] = f"{token} "
        return self[code]


_CHAR_TOKENS = _CharToken()


def char_tokens(value: str) -> str:
    """``value`` as the per-character index holds it: lower case, one token per character."""
    return " xa ".join(_line_tokens(line) for line in value.split("\n"))


@lru_cache(maxsize=4096)
def _line_tokens(line: str) -> str:
    return line.lower().translate(_CHAR_TOKENS).rstrip()


def search_terms(query: str) -> list[str]:
    """The terms of a query typed by staff: whitespace separates them."""
    return query[:MAX_QUERY_LENGTH].split()[:MAX_TERMS]


def fts_string(term: str) -> str:
    """``term`` as one FTS5 string: ``"``, ``*``, ``-``, ``NEAR`` and the rest mean nothing
    inside double quotes, where a double quote is written twice."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """``%term%`` for ``LIKE``/``ILIKE ... ESCAPE '\\'``, the term's own ``%``/``_`` literal."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def is_search_table(name: str) -> bool:
    """True for the FTS5 tables and their shadow tables, which the models do not describe."""
    return any(name == t or name.startswith(f"{t}_") for t in SEARCH_TABLES)


# -- queries ---------------------------------------------------------------------------------


# The names of a search's parameters: an FTS5 query for each index, or ``like_0``, ``like_1`` …
# and, for each term of one or two characters, ``short_0`` … (the term itself).
TRIGRAM_QUERY = "trigram_query"
CHARS_QUERY = "chars_query"
LIKE = "like_"
SHORT = "short_"
# PostgreSQL's function and index of each text's characters (migration 0012).
CHARS_FUNCTION = "lobby_search_chars"
CHARS_INDEX = "ix_entry_current_search_chars"


class TextMatch:
    """The terms of one search on this database: the values its condition is run with.

    The condition itself (``match_condition``) names only its parameters, so a statement that
    holds it can be built once and run with any terms of the same shape.
    """

    def __init__(self, dialect: str, terms: list[str]) -> None:
        self.dialect = dialect
        self.terms = terms

    @property
    def uses_fts(self) -> bool:
        return self.dialect == "sqlite"

    def values(self) -> dict[str, str]:
        """The condition's parameters, by name: an FTS5 query for each index it reads, or
        one ``ILIKE`` pattern for each term, and each short term for the index of characters."""
        if not self.uses_fts:
            found = {f"{LIKE}{i}": like_pattern(term) for i, term in enumerate(self.terms)}
            found.update(
                (f"{SHORT}{i}", term)
                for i, term in enumerate(self.terms)
                if len(term) <= SHORT_TERM
            )
            return found
        long = [term for term in self.terms if len(term) > SHORT_TERM]
        short = [term for term in self.terms if len(term) <= SHORT_TERM]
        found = {}
        if long:
            found[TRIGRAM_QUERY] = " AND ".join(fts_string(term) for term in long)
        if short:
            found[CHARS_QUERY] = " AND ".join(f'"{char_tokens(term)}"' for term in short)
        return found

    def few(self, connection: Connection) -> bool:
        """True when so few entries match that reading them all beats walking the log."""
        if not self.uses_fts:
            return False
        values = self.values()
        counted = _counts(tuple(sorted(values)))
        return connection.execute(counted, values).scalar_one() <= FEW_MATCHES


def match_condition(names: Iterable[str]) -> ColumnElement[bool] | None:
    """Entries whose text holds every term of a ``TextMatch`` whose ``values`` have these
    ``names``; None when none of them is one. Values are bound when the statement runs."""
    names = sorted(names)
    likes = [name for name in names if name.startswith(LIKE)]
    if likes:
        column_ = EntryCurrent.search_text
        # The same expression as the index's, so that the server can use it; the term's
        # characters are found by the same function, lower-cased as ILIKE compares them.
        chars = getattr(func, CHARS_FUNCTION)
        return and_(
            *(
                chars(column_).op("@>", is_comparison=True)(chars(bindparam(name, type_=Text)))
                for name in names
                if name.startswith(SHORT)
            ),
            *(column_.ilike(bindparam(name), escape="\\") for name in likes),
        )
    ids = _matching_ids(tuple(name for name in names if name in (TRIGRAM_QUERY, CHARS_QUERY)))
    return None if ids is None else EntryCurrent.entry_id.in_(ids)


def like_condition(names: Iterable[str], column_: Any) -> ColumnElement[bool]:
    """``column_`` holds every term of a PostgreSQL ``TextMatch`` whose ``values`` have these
    ``names``: its ``ILIKE`` patterns alone, the truth of a match, with no index in mind."""
    return and_(
        *(
            column_.ilike(bindparam(name), escape="\\")
            for name in sorted(names)
            if name.startswith(LIKE)
        )
    )


# PostgreSQL: how many of the log's entries a search looks at first (``probe``).
PROBE_ROWS = 5000
# The planner's settings for the statements of each way of finding a search's page.
_WALKING = ("enable_bitmapscan", "enable_seqscan")
_LOOKING_UP = ("enable_indexscan", "enable_indexonlyscan", "enable_seqscan")


def probe(
    connection: Connection, statements: tuple[Select, Select], values: dict[str, Any]
) -> bool:
    """Whether a search's page on PostgreSQL is found by walking the log's order index (True)
    or from the text indexes, its matches looked up and sorted (False).

    The server would choose by its estimate of how many entries the term matches, taken from
    a sample of the texts (its statistics). For a rare term the estimate is sometimes a
    hundred times too high: the server then walked most of the log for the 198 matches of
    A023, 380 ms on 1,000,000 entries, where the text index finds them in 1 ms. So the log is
    looked at instead (``statements``, log_pages._probe): when the next ``PROBE_ROWS`` entries
    from the page's key hold a page of matches, or the log ends before, walking it stops soon;
    when they hold fewer, the term is rare, and its matches are few enough to look up and
    sort. From 1 ms (a common term) to 6 ms (a rare one) on 1,000,000 entries."""
    matches, seen = statements
    values = {**values, "probe_rows": PROBE_ROWS}
    if connection.execute(matches, values).scalar_one() >= values["size"]:
        return True
    return connection.execute(seen, values).scalar_one() < PROBE_ROWS


@contextmanager
def planned(connection: Connection, *, walk: bool) -> Iterator[None]:
    """On PostgreSQL, the statements run inside are planned to find a page as ``probe``
    said: by walking an index in the log's order, or by bitmap scans of the text indexes,
    never by reading the whole table. The settings hold for this transaction only, and are
    put back as they were after."""
    names = _WALKING if walk else _LOOKING_UP
    connection.exec_driver_sql("; ".join(f"SET LOCAL {name} = off" for name in names))
    yield
    connection.exec_driver_sql("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in names))


def _matching_ids(names: tuple[str, ...]) -> Select | CompoundSelect | None:
    """The ids of the entries that the FTS5 queries ``names`` (bound when run) all match."""
    selects = [
        select(fts.c.rowid).where(literal_column(table_).op("MATCH")(bindparam(name)))
        for name, fts, table_ in (
            (TRIGRAM_QUERY, _TRIGRAM, TRIGRAM_TABLE),
            (CHARS_QUERY, _CHARS, CHARS_TABLE),
        )
        if name in names
    ]
    if not selects:
        return None
    return selects[0] if len(selects) == 1 else intersect(*selects)


@lru_cache(maxsize=8)
def _counts(names: tuple[str, ...]) -> Select:
    """How many entries the FTS5 queries ``names`` match, counted up to one past
    ``FEW_MATCHES``. Built once for each set of names."""
    capped = _matching_ids(names).limit(FEW_MATCHES + 1).subquery()
    return select(func.count()).select_from(capped)


def unindexed(element: Any) -> Any:
    """``element`` (a column of ``entry_current``) as SQLite's ``+column``, which no index
    serves: with few matches, the rows are looked up by id from the matches and sorted, rather
    than found by walking an index of the whole log."""
    return literal_column(f"+{element.table.name}.{element.name}", type_=element.type)


# -- keeping the index -----------------------------------------------------------------------


def create_tables(connection: Connection) -> None:
    """The FTS5 tables, on SQLite; nothing elsewhere."""
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {TRIGRAM_TABLE} USING fts5(search_text, "
        "content='entry_current', content_rowid='entry_id', tokenize='trigram')"
    )
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {CHARS_TABLE} USING fts5(chars, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )


def drop_tables(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in SEARCH_TABLES:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def index_text(connection: Connection, entry_id: int, old: str | None, new: str) -> None:
    """Make the search index hold ``new`` for the entry, which held ``old`` (None: nothing).

    Call after ``entry_current`` holds ``new``, in the same transaction.
    """
    if connection.dialect.name != "sqlite" or old == new:
        return
    if old is not None:
        _run(connection, "delete", entry_id, old)
    _run(connection, "insert", entry_id, new)


def _run(connection: Connection, action: str, entry_id: int, value: str) -> None:
    if action == "delete":
        # An external-content or contentless FTS5 table forgets a row when told its old values.
        statements = (
            f"INSERT INTO {TRIGRAM_TABLE}({TRIGRAM_TABLE}, rowid, search_text) "
            "VALUES ('delete', :id, :value)",
            f"INSERT INTO {CHARS_TABLE}({CHARS_TABLE}, rowid, chars) "
            "VALUES ('delete', :id, :chars)",
        )
    else:
        statements = (
            f"INSERT INTO {TRIGRAM_TABLE}(rowid, search_text) VALUES (:id, :value)",
            f"INSERT INTO {CHARS_TABLE}(rowid, chars) VALUES (:id, :chars)",
        )
    for statement in statements:
        connection.execute(
            text(statement), {"id": entry_id, "value": value, "chars": char_tokens(value)}
        )


def fill(connection: Connection) -> None:
    """Index every ``entry_current`` row, in bulk, into empty search tables (SQLite only).

    The per-character split is a Python function that SQLite calls per row; the trigram table
    reads ``entry_current`` itself.
    """
    if connection.dialect.name != "sqlite":
        return
    register_functions(connection, [("lobby_char_tokens", char_tokens)])
    # A bigger in-memory batch of terms before each write to the index: half the time for a
    # million entries. Set back afterwards, as everyday writes index one entry at a time.
    _hash_size(connection, BULK_HASH_SIZE)
    connection.exec_driver_sql(f"INSERT INTO {TRIGRAM_TABLE}({TRIGRAM_TABLE}) VALUES ('rebuild')")
    connection.exec_driver_sql(
        f"INSERT INTO {CHARS_TABLE}(rowid, chars) "
        "SELECT entry_id, lobby_char_tokens(search_text) FROM entry_current"
    )
    _hash_size(connection, DEFAULT_HASH_SIZE)
    # One segment per index: a bulk fill leaves several large ones, and FTS5 would merge them
    # later inside an everyday save, which then took seconds at the desk.
    for name in SEARCH_TABLES:
        connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('optimize')")


def _hash_size(connection: Connection, size: int) -> None:
    for name in SEARCH_TABLES:
        connection.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', {size})")


def register_functions(connection: Connection, functions: Iterable[tuple[str, Callable]]) -> None:
    """Python functions that bulk SQL on SQLite calls per row (search text, masking)."""
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        for name, function in functions:
            raw.create_function(name, function.__code__.co_argcount, function, deterministic=True)
