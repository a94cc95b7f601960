"""Drafters' accounts and sessions: argon2 password hashes, random session tokens (only their SHA-256
is stored), a new token at every login (no fixation), and a lock after repeated failures."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError

ROLES = ("drafter", "admin")
NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")
MIN_PASSWORD = 10
MAX_FAILURES = 5  # failed logins in a row before the account is locked
LOCK = timedelta(minutes=15)
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


def login(db: Database, name: str, password: str, now: datetime | None = None) -> tuple[str, UserInfo]:
    """A fresh session token for a correct name and password. ServiceError login_failed (same answer for
    an unknown name and a wrong password) or login_locked (after MAX_FAILURES failures, for LOCK)."""
    now = now or utcnow()
    with db.writing() as session:
        user = session.scalar(select(models.User).where(models.User.name == name.strip()))
        if user is None:
            _verify(_DUMMY, password)
            raise ServiceError("login_failed")
        if user.locked_until is not None and user.locked_until > now:
            raise ServiceError("login_locked")
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.failed_logins = 0
                user.locked_until = now + LOCK
            failed = ServiceError("login_failed")
        else:
            failed = None
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            token = secrets.token_urlsafe(32)
            session.add(
                models.UserSession(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
            session.execute(delete(models.UserSession).where(models.UserSession.expires_at < now))
            info = UserInfo(user.id, user.name, user.role)
    # Raised after the commit so that the failure count is kept.
    if failed is not None:
        raise failed
    return token, info


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


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


class LoginThrottle:
    """Per-client limit on login attempts (in memory, per process): ``limit`` per ``window`` seconds."""

    def __init__(self, limit: int = 20, window: float = 600) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str, clock=time.monotonic) -> bool:
        """Records an attempt from ``client``; False when it is over the limit."""
        now = clock()
        seen = self._seen[client]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True
