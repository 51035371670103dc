"""Staff roles and what each may do."""

from __future__ import annotations

from enum import StrEnum

from lobby_tui.locale import N_


class Role(StrEnum):
    LOBBY = "lobby"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    WRITE_ENTRY = "write_entry"
    READ_LOG = "read_log"
    REVIEW = "review"
    EXPORT = "export"
    MANAGE_STAFF = "manage_staff"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.LOBBY: frozenset({Permission.WRITE_ENTRY, Permission.READ_LOG}),
    Role.REVIEWER: frozenset(
        {Permission.WRITE_ENTRY, Permission.READ_LOG, Permission.REVIEW, Permission.EXPORT}
    ),
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role | str, permission: Permission) -> bool:
    """True when a staff member of ``role`` may do ``permission``."""
    return permission in _GRANTS[Role(role)]


ROLE_LABELS: dict[Role, str] = {
    Role.LOBBY: N_("lobby"),
    Role.REVIEWER: N_("reviewer"),
    Role.ADMIN: N_("admin"),
}
