"""Drafters' accounts and sessions: argon2 password hashes, random session tokens (only their SHA-256
is stored), a new token at every login (no fixation), and throttles (per client, per account, per known
browser) that slow guessing down without ever locking the owner out (see ``login``)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError
from app.services.throttle import Throttle, key_for

ROLES = ("drafter", "admin")
NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")
MIN_PASSWORD = 10
# Attempts per client address, and password checks per account (from browsers without its device cookie),
# per window. Five guesses per quarter hour per account is far too slow to guess a 10-character password.
CLIENT_LIMIT, CLIENT_WINDOW = 20, 600
ACCOUNT_LIMIT, ACCOUNT_WINDOW = 5, 900
SESSION_LIFETIME = timedelta(hours=12)
_hasher = PasswordHasher()
# Verifying against this when the name is unknown makes both refusals take the same time.
_DUMMY = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class UserInfo:
    """Who is logged in."""

    id: int
    name: str
    role: str


def create_user(db: Database, name: str, role: str, password: str, now: datetime | None = None) -> UserInfo:
    """Adds an account; ServiceError user_name_invalid, role_invalid, password_too_short, user_exists."""
    name = name.strip()
    if not NAME.match(name):
        raise ServiceError("user_name_invalid")
    if role not in ROLES:
        raise ServiceError("role_invalid")
    if len(password) < MIN_PASSWORD:
        raise ServiceError("password_too_short")
    with db.writing() as session:
        if session.scalar(select(models.User.id).where(models.User.name == name)) is not None:
            raise ServiceError("user_exists")
        user = models.User(
            name=name,
            role=role,
            password_hash=_hasher.hash(password),
            created_at=now or utcnow(),
            failed_logins=0,
        )
        session.add(user)
        session.flush()
        return UserInfo(user.id, user.name, user.role)


def token_hash(token: str) -> str:
    """What the session table keeps of a cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


def login(
    db: Database,
    name: str,
    password: str,
    now: datetime | None = None,
    *,
    throttle: Throttle | None = None,
    secret: bytes = b"",
    client: str = "",
    device: str | None = None,
) -> tuple[str, UserInfo]:
    """A fresh session token for a correct name and password.

    Before any password is checked, the attempt is counted (atomically, across processes, see
    app/services/throttle.py) against the client (``CLIENT_LIMIT``) and against the account
    (``ACCOUNT_LIMIT`` per ``ACCOUNT_WINDOW``): counted by the name typed, so that an unknown name is
    throttled exactly like a real one. A browser holding a device cookie of this account
    (``device``, see ``device_cookie``) is counted on its own instead of on the account, so guessing
    from elsewhere never locks the owner out. The password hash runs outside any transaction.

    ServiceError login_failed (the same answer, in the same time, for an unknown name and a wrong password)
    or login_throttled (with ``retry_after``: the same for every name).
    """
    now = now or utcnow()
    throttle = throttle or Throttle(db)
    name = name.strip()
    checks = [(key_for(secret, "login-client", client), CLIENT_LIMIT, CLIENT_WINDOW)]
    if device is not None and device_valid(secret, device, name):
        checks.append((key_for(secret, "login-device", device), ACCOUNT_LIMIT, ACCOUNT_WINDOW))
    else:
        checks.append((_account_key(secret, name), ACCOUNT_LIMIT, ACCOUNT_WINDOW))
    for key, limit, window in checks:
        verdict = throttle.hit(key, limit, window, now)
        if not verdict.allowed:
            raise ServiceError("login_throttled", retry_after=verdict.retry_after)
    with db.reading() as session:
        user = session.execute(
            select(models.User.id, models.User.name, models.User.role, models.User.password_hash).where(
                models.User.name == name
            )
        ).first()
    if user is None:
        _verify(_DUMMY, password)
        raise ServiceError("login_failed")
    if not _verify(user.password_hash, password):
        raise ServiceError("login_failed")
    # The attempts of the right password's owner no longer count against the account.
    throttle.reset(checks[1][0])
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(user.password_hash) else None
    token = secrets.token_urlsafe(32)
    with db.writing() as session:
        if rehashed is not None:
            session.execute(
                update(models.User).where(models.User.id == user.id).values(password_hash=rehashed)
            )
        session.add(
            models.UserSession(
                token_hash=token_hash(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
        session.execute(delete(models.UserSession).where(models.UserSession.expires_at < now))
    return token, UserInfo(user.id, user.name, user.role)


def _account_key(secret: bytes, name: str) -> str:
    return key_for(secret, "login-account", unicodedata.normalize("NFKC", name).casefold())


def device_cookie(secret: bytes, name: str) -> str:
    """A device cookie for the account ``name``, given at a successful login: a random id and a MAC over
    it and the name. The browser that holds it is throttled on its own (see ``login``)."""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_device_mac(secret, nonce, name)}"


def device_valid(secret: bytes, cookie: str, name: str) -> bool:
    """True when ``cookie`` is a device cookie this site gave for ``name``."""
    nonce, _, mac = (cookie or "").partition(".")
    return bool(nonce) and len(cookie) < 100 and hmac.compare_digest(mac, _device_mac(secret, nonce, name))


def _device_mac(secret: bytes, nonce: str, name: str) -> str:
    message = f"device:{nonce}:{unicodedata.normalize('NFKC', name).casefold()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _verify(hashed: str, password: str) -> bool:
    """Checks a password on the hasher thread (see ``_hasher_thread``); ServiceError login_throttled with a
    short wait when too many checks are already queued there."""
    global _queued
    with _QUEUE_LOCK:
        if _queued >= MAX_QUEUED:
            raise ServiceError("login_throttled", retry_after=5)
        _queued += 1
    try:
        return _HASHER.submit(_check, hashed, password).result()
    finally:
        with _QUEUE_LOCK:
            _queued -= 1


def _check(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _hasher_thread() -> None:
    # A lower priority (NICE) for this thread and the lane threads argon2 starts from it (Linux nice values
    # are per thread and inherited): a flood of logins then takes only the processor the comments leave.
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


# One password check at a time per process, at low priority: argon2 takes every core for a moment, and a
# flood of wrong passwords must not slow the comment writers down.
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-check", initializer=_hasher_thread)
_QUEUE_LOCK = threading.Lock()
_queued = 0
MAX_QUEUED = 4  # checks waiting for the hasher; more are asked to come back in 5 s
NICE = 10  # lower than the server's other threads, not so low that a busy machine starves logins


def session_user(db: Database, token: str | None, now: datetime | None = None) -> UserInfo | None:
    """The user of an unexpired session token, else None."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    with db.reading() as session:
        row = session.execute(
            select(models.User.id, models.User.name, models.User.role)
            .join(models.UserSession, models.UserSession.user_id == models.User.id)
            .where(
                models.UserSession.token_hash == token_hash(token),
                models.UserSession.expires_at > now,
                models.User.disabled_at.is_(None),
            )
        ).first()
    return UserInfo(*row) if row else None


def logout(db: Database, token: str | None) -> None:
    """Ends the session of ``token`` (nothing when there is none)."""
    if token:
        with db.writing() as session:
            session.execute(
                delete(models.UserSession).where(models.UserSession.token_hash == token_hash(token))
            )


def is_admin(user: UserInfo | None) -> bool:
    """Whether ``user`` may manage accounts, publish rounds and answers, and export personal data."""
    return user is not None and user.role == "admin"


def require_admin(user: UserInfo | None) -> None:
    """ServiceError forbidden unless ``user`` is an administrator."""
    if not is_admin(user):
        raise ServiceError("forbidden")


@dataclass(frozen=True)
class Account:
    """An account as the administrators' list shows it."""

    id: int
    name: str
    role: str
    created_at: datetime
    disabled_at: datetime | None
    locked_until: datetime | None
    sessions: int


def list_users(db: Database, now: datetime | None = None) -> list[Account]:
    """Every account by name, with its number of unexpired sessions."""
    now = now or utcnow()
    U, S = models.User, models.UserSession
    live = select(S.user_id, func.count().label("n")).where(S.expires_at > now).group_by(S.user_id).subquery()
    with db.reading() as session:
        rows = session.execute(
            select(U.id, U.name, U.role, U.created_at, U.disabled_at, U.locked_until, live.c.n)
            .outerjoin(live, live.c.user_id == U.id)
            .order_by(U.name)
        ).all()
    return [Account(*r[:6], r.n or 0) for r in rows]


def _account(session, name: str) -> models.User:
    user = session.scalar(select(models.User).where(models.User.name == name.strip()))
    if user is None:
        raise ServiceError("user_not_found")
    return user


# A disabled account's hash is kept behind this mark: argon2 cannot read it, so no password matches it
# (the login path needs no change), and enabling the account gives the old password back.
DISABLED_MARK = "!"


def set_disabled(db: Database, name: str, disabled: bool, now: datetime | None = None) -> UserInfo:
    """Disables (ending its sessions) or enables the account ``name``; ServiceError user_not_found."""
    with db.writing() as session:
        user = _account(session, name)
        if disabled and user.disabled_at is None:
            user.disabled_at = now or utcnow()
            user.password_hash = DISABLED_MARK + user.password_hash
            session.execute(delete(models.UserSession).where(models.UserSession.user_id == user.id))
        elif not disabled and user.disabled_at is not None:
            user.disabled_at = None
            user.password_hash = user.password_hash.removeprefix(DISABLED_MARK)
        return UserInfo(user.id, user.name, user.role)


def reset_password(db: Database, name: str, password: str) -> UserInfo:
    """Sets a new password for ``name``, unlocks it and ends its sessions. ServiceError
    password_too_short, user_not_found."""
    if len(password) < MIN_PASSWORD:
        raise ServiceError("password_too_short")
    hashed = _hasher.hash(password)  # outside the transaction: hashing takes ~0.1 s
    with db.writing() as session:
        user = _account(session, name)
        user.password_hash = (DISABLED_MARK if user.disabled_at else "") + hashed
        user.failed_logins = 0
        user.locked_until = None
        session.execute(delete(models.UserSession).where(models.UserSession.user_id == user.id))
        return UserInfo(user.id, user.name, user.role)


def end_sessions(db: Database, name: str) -> int:
    """Logs ``name`` out everywhere; returns how many sessions ended. ServiceError user_not_found."""
    with db.writing() as session:
        user = _account(session, name)
        ended = session.execute(delete(models.UserSession).where(models.UserSession.user_id == user.id))
        return ended.rowcount or 0
