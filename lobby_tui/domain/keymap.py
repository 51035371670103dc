"""The ids a ``[keymap]`` may remap, and the key names it may give them.

Every binding of the app has an id (README "Keys"); a test holds this table to the bindings the
screens declare. Plain Python: the config is checked before any screen is imported.
"""

from __future__ import annotations

import unicodedata

from lobby_tui.domain.complaint_steps import CASE_STEPS
from lobby_tui.locale import N_

BINDING_IDS = frozenset(
    {
        # global
        "help", "queue", "enquiry", "handoff", "complaint", "open_items", "log", "summary",
        "checklists", "desk", "lock", "quit", "staff",
        # quitting while saves wait
        "quit_anyway", "quit_stay",
        # forms and dialogs
        "save", "next_field", "tab_next", "tab_previous", "pick_next", "pick_previous",
        *(f"pick_{n}" for n in range(1, 10)),
        "cancel_change", "cancel_export", "cancel_sign_off", "cancel_step", "close_help",
        "close_help_f1",
        # desk, open items, an entry's history
        "note", "entry_history", "entry_revise", "entry_void", "handoff_accepted",
        "handoff_completed", "handoff_sold", "handoff_returned", "handoff_no_show",
        "follow_up_done", "complaint_list", "reveal", "detail_back", "detail_case",
        "outcome_correct", "reveal_cancel", *(f"reveal_{n}" for n in range(1, 10)),
        "handover_acknowledge",
        # checklists
        "check_ok", "check_problem", "check_enter", *(f"check_pick_{n}" for n in range(1, 4)),
        # complaints
        "complaints_status", "complaints_severity", "complaints_overdue", "complaints_mine",
        "complaints_open", "case_back",
        *(f"complaint_{step.action}" for step in CASE_STEPS),
        # day summary
        "summary_previous", "summary_next", "summary_today", "summary_pick_day",
        "summary_sign_off", "summary_scroll_up", "summary_scroll_down", "summary_branch",
        # log browser
        "log_search", "log_filters", "log_apply", "log_next", "log_previous", "log_export",
        "log_newest", "log_oldest", "log_history", "log_up", "log_down", "log_page_up",
        "log_page_down", "log_branch",
        # staff (admins)
        "staff_add", "staff_disable", "staff_reset_pin", "staff_unlock", "cancel_staff",
    }
)  # fmt: skip

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(
    {
        "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
        "pageup", "pagedown", "up", "down", "left", "right",
        *(f"f{n}" for n in range(1, 25)),
        # Textual's short names of some characters
        "slash", "backslash", "at", "minus", "plus", "underscore",
    }
)  # fmt: skip

UNKNOWN_BINDING = N_("[keymap]: no binding has the id {value}")
UNKNOWN_KEY = N_("[keymap]: {value} is not a key name (ctrl+n, f2, escape, …)")


def is_key(name: str) -> bool:
    """True for a key as a binding takes it: ``n``, ``ctrl+n``, ``f2``, ``question_mark``."""
    *modifiers, key = name.strip().lower().split("+")
    if not key or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    if len(key) == 1 or key in _NAMED_KEYS:
        return True
    try:  # a character by its Unicode name, as Textual names them: question_mark, full_stop
        unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return False
    return True


def keymap_problem(binding_id: str, keys: str) -> tuple[str, str] | None:
    """What is wrong with ``binding_id = "keys"`` in a ``[keymap]`` (a msgid and the value to
    put in it), or None. ``keys`` may list several keys, comma-separated."""
    if binding_id not in BINDING_IDS:
        return UNKNOWN_BINDING, binding_id
    for key in keys.split(","):
        if not is_key(key):
            return UNKNOWN_KEY, key.strip()
    return None
