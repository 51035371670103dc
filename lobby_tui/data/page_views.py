"""The views of a page's rows (the log browser, its exports), built a column at a time.

A page is a hundred rows (an export batch a thousand), nearly all of them as first written:
nothing to replay, a status that follows from the kind, free text with no number to mask.
Built row by row, each of them costs a few Python statements and a masking check per text;
here each column passes one C-level ``map`` or ``zip``, the texts of the whole page are
checked for numbers in one pass (``masking.may_hold_numbers``), and only the rows that have
revisions or events to replay are built one by one, by ``entries.view_of_row``. The views are
the same, field by field, as ``view_of_row`` gives (tests/test_page_views.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from itertools import compress, count, repeat
from operator import is_not, or_, truth
from typing import Any

from sqlalchemy import Connection

from lobby_tui.data import entries
from lobby_tui.data.views import EntryView
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.masking import mask, may_hold_numbers

_KIND = entries.ROW_COLUMNS.index("kind")
_DUE = entries.ROW_COLUMNS.index("follow_up_due")
_RESOLVED = entries.ROW_COLUMNS.index("resolved")
_MASKED_AT = tuple(entries.ROW_COLUMNS.index(name) for name in entries.MASKED)
_MASKED_FROM, _MASKED_TO = _MASKED_AT[0], _MASKED_AT[-1] + 1
assert tuple(range(_MASKED_FROM, _MASKED_TO)) == _MASKED_AT, "the masked fields are side by side"
_FIELDS = len(entries.ROW_COLUMNS)
_STATUS = EntryView._fields.index("status")
assert EntryView._fields[_STATUS:] == ("status", "product_sold", "complaint_no")
# The status of an entry with nothing to replay, by kind (entries.status_of): a hand-off with no
# outcome yet is pending; an enquiry's follow-up is seen to below.
_STATUS_OF_KIND = {Kind.HANDOFF.value: "pending"}
# A view from a tuple of its fields, as NamedTuple._make does, without the length check.
_new_view = partial(tuple.__new__, EntryView)


def views_of(
    connection: Connection,
    columns: list[Sequence[Any]],
    revised_at: int,
    voided_at: int,
    number_at: int,
) -> list[EntryView]:
    """The entries of a page's rows in their latest revision, in the rows' order.

    The rows are given as ``columns``, one sequence of values for each: ``entries.ROW_COLUMNS``,
    then at ``revised_at`` and ``voided_at`` whether ``entry_current`` says the entry has
    revisions or is void, at ``number_at`` its complaint case's number. Only the revised or
    void entries have their revisions read, and only those whose events can change them
    (hand-offs, open follow-ups; any revised entry, whose latest values are not known yet)
    have their events read.
    """
    if not columns:
        return []
    ids, kinds, dues, resolved = columns[0], columns[_KIND], columns[_DUE], columns[_RESOLVED]
    size = len(ids)
    status: list[str | None] = list(map(_STATUS_OF_KIND.get, kinds))
    if dues.count(None) != size:  # a few enquiries ask for a follow-up
        for at in _where(map(is_not, dues, repeat(None))):
            if kinds[at] == Kind.ENQUIRY and not resolved[at]:
                status[at] = entries.OPEN_FOLLOW_UP  # entries.has_follow_up
    changed = list(compress(ids, map(or_, columns[revised_at], columns[voided_at])))
    # Where the rows whose events are read are: the views that may not be as written.
    if changed:
        replayed = set(changed)
        redone = _where(map(or_, map(truth, status), map(replayed.__contains__, ids)))
    else:
        redone = _where(status)
    revisions, events = entries.steps_of(connection, sorted(changed), [ids[at] for at in redone])

    texts = columns[_MASKED_FROM] + columns[_MASKED_FROM + 1] + columns[_MASKED_FROM + 2]
    found = may_hold_numbers(texts)
    shown = columns
    if found:
        masked = [list(columns[at]) for at in _MASKED_AT]
        for at in found:
            masked[at // size][at % size] = mask(texts[at])
        shown = [*columns[:_MASKED_FROM], *masked, *columns[_MASKED_TO:_FIELDS]]
    views = list(
        map(
            _new_view,
            zip(
                *shown[:_FIELDS],
                repeat(1, size),  # revision
                repeat(False, size),  # voided
                status,
                repeat(None, size),  # product_sold
                columns[number_at],
                strict=True,
            ),
        )
    )
    for at in redone if revisions or events else ():
        entry_id = ids[at]
        if entry_id in revisions:  # replayed from the row as first written
            row = [column[at] for column in columns[:_FIELDS]]
            views[at] = entries.view_of_row(
                row, revisions[entry_id], events.get(entry_id, []), columns[number_at][at]
            )
        elif entry_id in events:  # as written, but for what its events say (view_of_row)
            steps, sold = events[entry_id], None
            for step in steps:  # what the latest outcome that said so said
                if step.product_sold is not None:
                    sold = step.product_sold
            view = views[at]
            state = entries.status_of(kinds[at], dues[at], resolved[at], steps)
            views[at] = _new_view((*view[:_STATUS], state, sold, view[_STATUS + 2]))
    return views


def _where(flags: Iterable[Any]) -> list[int]:
    """The positions of the true ones among ``flags``."""
    return list(compress(count(), flags))
