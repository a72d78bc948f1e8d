"""Console sessions kept on the server, so that logging out really ends one.

The browser holds only a random session id (``secrets.token_urlsafe``); what the session
knows (who is logged in, the CSRF token) is stored here, in the project's console SQLite
file beside the users. Only the SHA-256 of the id is stored: a copy of the database does
not give anyone a live cookie. Logging out deletes the row, so the same cookie no longer
works; a change of role or password, or removing the user, deletes every row of that user
(:meth:`Sessions.revoke_user`, called by :class:`accounts.Store`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..errors import BroadcastError
from .approval import console_connection

#: a logged-in session ends this long after the login, whatever the activity
SESSION_HOURS = 12
#: a visitor who has not logged in (a login form's CSRF token) is kept this long
ANONYMOUS_S = 2 * 3600
#: at most this many not-logged-in sessions are kept (a flood of login-page visits cannot
#: fill the disk); the oldest go first
MAX_ANONYMOUS = 5000


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def new_id() -> str:
    return secrets.token_urlsafe(32)


class Sessions:
    """The sessions table. Every call opens its own connection (the server's threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._conn() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, "
                    "user TEXT NOT NULL, data TEXT NOT NULL, created REAL NOT NULL, "
                    "expires REAL NOT NULL)"
                )
                db.execute("CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user)")
        except (OSError, sqlite3.Error) as exc:
            raise BroadcastError(
                f"Không mở được sổ phiên đăng nhập của bàn làm việc: {exc}",
                where=str(self.path),
                fix="cấp quyền ghi cho thư mục .broadcast/ trong thư mục dự án",
            ) from None

    def _conn(self) -> AbstractContextManager[sqlite3.Connection]:
        return console_connection(self.path)

    def load(self, session_id: str, now: float | None = None) -> dict[str, Any] | None:
        """The session's data, or None when the id is unknown, ended or expired."""
        now = time.time() if now is None else now
        with self._conn() as db:
            row = db.execute(
                "SELECT data FROM sessions WHERE key=? AND expires>?", (_key(session_id), now)
            ).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def save(self, session_id: str, data: dict[str, Any], now: float | None = None) -> float:
        """Store ``data`` under ``session_id``; the time it expires (kept from its start)."""
        now = time.time() if now is None else now
        user = str(data.get("user") or "")
        key = _key(session_id)
        with self._conn() as db:
            row = db.execute("SELECT created FROM sessions WHERE key=?", (key,)).fetchone()
            created = row[0] if row else now
            expires = created + (SESSION_HOURS * 3600 if user else ANONYMOUS_S)
            db.execute(
                "INSERT OR REPLACE INTO sessions (key, user, data, created, expires) "
                "VALUES (?,?,?,?,?)",
                (key, user, json.dumps(data), created, expires),
            )
            if row is None:
                self._prune(db, now)
        return expires

    def _prune(self, db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM sessions WHERE expires<=?", (now,))
        db.execute(
            "DELETE FROM sessions WHERE user='' AND key NOT IN (SELECT key FROM sessions "
            "WHERE user='' ORDER BY created DESC LIMIT ?)",
            (MAX_ANONYMOUS,),
        )

    def delete(self, session_id: str) -> None:
        with self._conn() as db:
            db.execute("DELETE FROM sessions WHERE key=?", (_key(session_id),))

    def revoke_user(self, name: str) -> int:
        """End every session of ``name``; how many there were."""
        with self._conn() as db:
            return db.execute("DELETE FROM sessions WHERE user=?", (name,)).rowcount

    def count(self, name: str) -> int:
        with self._conn() as db:
            return db.execute(
                "SELECT COUNT(*) FROM sessions WHERE user=? AND expires>?", (name, time.time())
            ).fetchone()[0]
