"""The branch a head-office reviewer reads (issue 12), picked with one key in F7 and F8.

A head-office reviewer may read the branches granted to them (``Store.branches.readable``);
``b`` moves to the next of them, in code order, and the screen reads that branch again. The
choice is the signed-in actor's ``branch_id``, which the data layer checks against the grants
on every read (``access.read_branch_id``); the header names the branch read. Other staff read
their own branch only: the key is hidden for them, and pressed anyway it says why.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from textual.screen import Screen

from lobby_tui.domain.roles import Role
from lobby_tui.locale import N_, _

NOT_HEAD_OFFICE = N_("Only a head-office reviewer reads other branches.")


def may_pick_branch(screen: Screen) -> bool:
    actor = screen.app.session.actor
    return actor is not None and actor.role == Role.HEAD_OFFICE


def next_branch(screen: Screen) -> bool:
    """Read the next branch granted; False (and why, as a notice) when there is none to go to."""
    app = screen.app
    session = app.session
    if not may_pick_branch(screen):
        screen.notify(_(NOT_HEAD_OFFICE), severity="warning")
        return False
    branches = session.store.branches.readable(session.actor)
    ids = [branch.id for branch in branches]
    at = ids.index(session.actor.branch_id) if session.actor.branch_id in ids else -1
    chosen = branches[(at + 1) % len(branches)]
    # The header watches the session: it names the branch read as soon as this is set.
    app.session = replace(
        session,
        actor=replace(session.actor, branch_id=chosen.id),
        branch=chosen,
        zone=ZoneInfo(chosen.time_zone),
    )
    screen.notify(
        _("Reading {name} ({code}): {n} of {count}. b: next branch.").format(
            name=chosen.name, code=chosen.code, n=ids.index(chosen.id) + 1, count=len(ids)
        )
    )
    return True
