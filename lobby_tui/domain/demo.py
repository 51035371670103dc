"""The demo database's accounts: public by design, listed on its sign-in screen."""

from __future__ import annotations

from lobby_tui.domain.roles import Role

# (staff number, role, PIN)
DEMO_ACCOUNTS: tuple[tuple[str, Role, str], ...] = (
    ("1001", Role.LOBBY, "111111"),
    ("2001", Role.REVIEWER, "222222"),
    ("9001", Role.ADMIN, "999999"),
)
DEMO_PINS = {staff_no: pin for staff_no, _role, pin in DEMO_ACCOUNTS}
