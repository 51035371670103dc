"""PIN hashing: salted scrypt (memory-hard), compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

_N, _R, _P = 2**14, 8, 1  # 16 MiB of memory per hash: slow to brute-force, ~50 ms to check
_SCHEME = "scrypt"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """A self-describing hash of ``pin``: ``scrypt$n$r$p$salt$digest``."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``; the comparison takes the same time either way."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@cache
def dummy_hash() -> str:
    """Checked against when the staff number is unknown, so a wrong number costs as much as a
    wrong PIN; made on first use, not at import, to keep start-up quick."""
    return hash_pin("000000")
