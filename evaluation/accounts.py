"""Account rules: password policy, argon2id hashing, lockout and idle expiry."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from evaluation.errors import InputError
from evaluation.i18n import N_, Message, Text
from evaluation.permissions import ROLES

MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score: at least 10^8 guesses
MAX_CHECKED = 100  # characters the strength estimate looks at (its cost grows with length)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_EXPIRY = timedelta(hours=8)
LIFETIME = timedelta(hours=12)  # a session ends this long after sign-in, however busy
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,59}$")
# One message for every failed sign-in, so it never tells whether a username exists.
SIGN_IN_FAILED = N_(
    "Sign-in failed: the username or password is wrong, or the account is locked or disabled. "
    "After {attempts} failed attempts an account is locked for {minutes} minutes.",
    attempts=MAX_FAILED_LOGINS,
    minutes=int(LOCKOUT.total_seconds() // 60),
)

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters


def check_username(username: str) -> str:
    """A username of 2-60 letters, digits, `.`, `_`, `@` or `-`."""
    name = username.strip()
    if not USERNAME.match(name):
        raise InputError(
            N_(
                "username: expected 2-60 letters, digits, '.', '_', '@' or '-' starting with a "
                'letter or digit, got "{found}"',
                found=username,
            )
        )
    return name


def check_role(role: str, agency: str | None) -> None:
    """A known role; agency users name their agency, others none."""
    if role not in ROLES:
        raise InputError(
            N_('role: expected one of {roles}, got "{found}"', roles=", ".join(ROLES), found=role)
        )
    if role == "agency" and not agency:
        raise InputError(N_("agency: an agency user must be bound to an agency code"))
    if role != "agency" and agency:
        raise InputError(
            N_('agency: only agency users are bound to an agency, got "{found}"', found=agency)
        )


def normalised(password: str) -> str:
    """The password as compared and stored: Unicode NFKC (a full-width letter is the letter)."""
    return unicodedata.normalize("NFKC", password)


def check_password(password: str) -> None:
    """At least 12 visible characters and hard to guess: common, repetitive, keyboard and
    sequence passwords are refused (zxcvbn's estimate of at least 10^8 guesses)."""
    # Invisible characters (zero-width spaces, controls) are not counted.
    visible = "".join(c for c in normalised(password) if unicodedata.category(c)[0] != "C")
    if len(visible) < MIN_PASSWORD_LENGTH:
        raise InputError(
            N_(
                "password: expected at least {minimum} visible characters, got {found}",
                minimum=MIN_PASSWORD_LENGTH,
                found=len(visible),
            )
        )
    if len(set(visible)) == 1:
        raise InputError(N_("password: expected more than one distinct character"))
    strength = zxcvbn(visible[:MAX_CHECKED])
    if strength["score"] < MIN_STRENGTH:
        raise InputError(_too_easy(str(strength["feedback"].get("warning") or "")))


# zxcvbn's warnings (its own English words, lower case, without the full stop), in the reader's
# language; a warning not listed here is shown as zxcvbn wrote it.
ZXCVBN_WARNINGS: dict[str, Message] = {
    m.msgid: m
    for m in (
        N_("straight rows of keys are easy to guess"),
        N_("short keyboard patterns are easy to guess"),
        N_('repeats like "aaa" are easy to guess'),
        N_('repeats like "abcabcabc" are only slightly harder to guess than "abc"'),
        N_('sequences like "abc" or "6543" are easy to guess'),
        N_("recent years are easy to guess"),
        N_("dates are often easy to guess"),
        N_("this is a top-10 common password"),
        N_("this is a top-100 common password"),
        N_("this is a very common password"),
        N_("this is similar to a commonly used password"),
        N_("a word by itself is easy to guess"),
        N_("names and surnames by themselves are easy to guess"),
        N_("common names and surnames are easy to guess"),
    )
}


def _too_easy(warning: str) -> Message:
    """The refusal of a guessable password, with zxcvbn's reason in the reader's words."""
    said = warning.strip().rstrip(".").lower()
    reason: Text = ZXCVBN_WARNINGS.get(said, said) if said else N_("it follows a common pattern")
    return N_(
        "password: too easy to guess ({reason}); use a few unrelated words or a longer phrase",
        reason=reason,
    )


def hash_password(password: str) -> str:
    """The argon2id hash of a password (after checking the policy)."""
    check_password(password)
    return _HASHER.hash(normalised(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash (as normalised, or as typed for a hash
    stored before passwords were normalised)."""
    for candidate in dict.fromkeys((normalised(password), password)):
        try:
            if _HASHER.verify(stored_hash, candidate):
                return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return _HASHER.check_needs_rehash(stored_hash)


def new_token() -> tuple[str, str]:
    """A session token for the browser and its SHA-256, which is all the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether an account is locked at `now`."""
    return locked_until is not None and locked_until > now


def expired(started: datetime, last_seen: datetime, now: datetime) -> bool:
    """Whether a session has been idle too long, or has lasted its whole lifetime."""
    return now - last_seen > IDLE_EXPIRY or now - started > LIFETIME


def new_password() -> str:
    """A random 16-character password (demo accounts, resets)."""
    return secrets.token_urlsafe(12)
