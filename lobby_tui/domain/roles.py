"""Staff roles and what each may do."""

from __future__ import annotations

from enum import StrEnum

from lobby_tui.locale import N_


class Role(StrEnum):
    LOBBY = "lobby"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    # Reads the branches granted to them (data/branches.py), writes nothing to any log.
    HEAD_OFFICE = "head_office"


class Permission(StrEnum):
    WRITE_ENTRY = "write_entry"
    READ_LOG = "read_log"
    REVIEW = "review"
    EXPORT = "export"
    MANAGE_STAFF = "manage_staff"
    VERIFY = "verify"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.LOBBY: frozenset({Permission.WRITE_ENTRY, Permission.READ_LOG}),
    Role.REVIEWER: frozenset(
        {
            Permission.WRITE_ENTRY,
            Permission.READ_LOG,
            Permission.REVIEW,
            Permission.EXPORT,
            Permission.VERIFY,
        }
    ),
    Role.ADMIN: frozenset(Permission),
    Role.HEAD_OFFICE: frozenset({Permission.READ_LOG, Permission.EXPORT, Permission.VERIFY}),
}


def allows(role: Role | str, permission: Permission) -> bool:
    """True when a staff member of ``role`` may do ``permission``."""
    return permission in _GRANTS[Role(role)]


# Why a key is refused, said when it is pressed; the store refuses the same with its own words.
_REFUSALS: dict[Permission, str] = {
    Permission.WRITE_ENTRY: N_("Your role does not allow this."),
    Permission.READ_LOG: N_("Your role does not allow this."),
    Permission.REVIEW: N_("Only reviewers can do this."),
    Permission.EXPORT: N_("Only reviewers and admins can export."),
    Permission.MANAGE_STAFF: N_("Only an admin can manage staff."),
    Permission.VERIFY: N_("Only reviewers can do this."),
}


def refusal(role: Role | str | None, permission: Permission) -> str | None:
    """Why a staff member of ``role`` may not do ``permission`` (a msgid), or None when they may."""
    if role is not None and allows(role, permission):
        return None
    return _REFUSALS[permission]


CHANGE_REFUSAL = N_("Only its author during the same shift, or a reviewer, can change this entry.")


def may_change_entry(role: Role | str, *, own_entry_this_shift: bool) -> bool:
    """True when a staff member of ``role`` may revise or void an entry: a reviewer any entry,
    anyone else only an entry of their own written during the shift they are still on."""
    return allows(role, Permission.REVIEW) or own_entry_this_shift


ROLE_LABELS: dict[Role, str] = {
    Role.LOBBY: N_("lobby"),
    Role.REVIEWER: N_("reviewer"),
    Role.ADMIN: N_("admin"),
    Role.HEAD_OFFICE: N_("head office"),
}
