"""Console users, roles, login attempts and the audit trail, in the project's SQLite file.

Kept beside the approvals (``<root>/.broadcast/console.sqlite``) so one file holds who
may do what, who did what, and who approved what. Passwords are hashed with Argon2id
(argon2-cffi); the plain password is never stored or logged.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import BroadcastError, InputError
from .approval import console_connection, now_text
from .sessions import Sessions

ROLES = ("officer", "approver", "operator")
ROLE_LABELS = {
    "officer": "cán bộ văn hóa (soạn kịch bản)",
    "approver": "lãnh đạo xã (duyệt)",
    "operator": "kỹ thuật viên (làm lịch, khẩn cấp, xác nhận)",
}
#: the short Vietnamese name of a role, for tables and messages
ROLE_NAMES = {"officer": "cán bộ văn hóa", "approver": "lãnh đạo xã", "operator": "kỹ thuật viên"}
USER_NAME = r"^[a-z0-9][a-z0-9._-]{1,31}$"
MIN_PASSWORD = 10
#: the bundled list of passwords too common to allow (Vietnamese ones included)
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt"
#: wrong passwords allowed per account (from any address) within LOCKOUT_S before its
#: logins are refused
MAX_FAILURES = 5
#: wrong logins allowed from one address whatever the names (a guesser trying many users)
MAX_FAILURES_PER_ADDRESS = 20
LOCKOUT_S = 15 * 60

_HASHER = PasswordHasher()
# Checked against when the user does not exist, so the reply takes as long either way.
_DUMMY = _HASHER.hash("không-có-người-dùng-này")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created: str
    #: changes when the password does: a session made before a reset is no longer valid
    stamp: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class AuditEntry:
    at: str
    user: str
    action: str
    target: str
    detail: str


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def _weak_forms(password: str) -> set[str]:
    low = password.lower()
    # 'matkhau2024!', 'Password123', 'anhyeuem@@': a listed word with digits or signs added
    return {low, low.rstrip("0123456789!@#$%^&*.,_-+=?~ "), low.lstrip("0123456789!@#$%^&*.,_-")}


def check_password(password: str, name: str) -> str:
    """The console's password rule, the same for the CLI and the web form: at least
    MIN_PASSWORD characters, not a common password (bundled list, Vietnamese ones
    included), not the user name (or the name with a few characters added), not one
    character repeated. Raises InputError in words an officer understands."""
    fix = (
        f"dùng ít nhất {MIN_PASSWORD} ký tự, khó đoán: ví dụ ba bốn từ ghép lại "
        "'lua-chin-dong-xa', không dùng tên mình, ngày sinh hay '12345678'"
    )
    if len(password) < MIN_PASSWORD:
        raise InputError(f"Mật khẩu quá ngắn ({len(password)} ký tự)", where="mật khẩu", fix=fix)
    low = password.lower()
    plain = re.sub(r"[^a-z0-9]", "", name.lower())
    if name and (
        low == name.lower()
        or (len(name) >= 3 and (name.lower() in low or name.lower()[::-1] in low))
        or (len(plain) >= 3 and plain in re.sub(r"[^a-z0-9]", "", low))
    ):
        raise InputError("Mật khẩu không được chứa tên đăng nhập", where="mật khẩu", fix=fix)
    if len(set(password)) <= 2 or _weak_forms(password) & common_passwords():
        raise InputError(
            "Mật khẩu này quá phổ biến, kẻ gian đoán ra đầu tiên", where="mật khẩu", fix=fix
        )
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(
            f"Không có vai trò '{role}'",
            where="vai trò",
            fix="chọn một trong: "
            + "; ".join(f"{r} = {label}" for r, label in ROLE_LABELS.items()),
        )
    return role


class Store:
    """Every call opens its own connection: safe from the server's threads."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = Path(path)
        # Tests pass a cheap hasher; a hash records its own cost, so verify needs none.
        self.hasher = hasher or _HASHER
        self.sessions = Sessions(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._conn() as db:
                db.executescript(
                    """
                    CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL,
                        hash TEXT NOT NULL, created TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL,
                        user TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
                        detail TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS login_failures (id INTEGER PRIMARY KEY,
                        user TEXT NOT NULL, ip TEXT NOT NULL, at REAL NOT NULL);
                    """
                )
        except (OSError, sqlite3.Error) as exc:
            raise BroadcastError(
                f"Không mở được tệp người dùng của bàn làm việc: {exc}",
                where=str(self.path),
                fix="cấp quyền ghi cho thư mục .broadcast/ trong thư mục dự án",
            ) from None

    def _conn(self) -> AbstractContextManager[sqlite3.Connection]:
        return console_connection(self.path)

    # -- users -------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str, by: str = "(dòng lệnh)") -> User:
        if not re.fullmatch(USER_NAME, name or ""):
            raise InputError(
                f"Tên đăng nhập '{name}' không hợp lệ",
                where="tên đăng nhập",
                fix="2-32 ký tự: chữ thường không dấu, số, '.', '_' hoặc '-', ví dụ 'lan.vhxh'",
            )
        check_role(role)
        check_password(password, name)
        user = User(name, role, now_text())
        with self._conn() as db:
            if db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise InputError(
                    f"Đã có người dùng '{name}'",
                    where="tên đăng nhập",
                    fix="chọn tên khác",
                )
            db.execute(
                "INSERT INTO users (name, role, hash, created) VALUES (?,?,?,?)",
                (name, role, self.hasher.hash(password), user.created),
            )
        self.record(by, "thêm người dùng", name, f"vai trò {role}")
        return user

    def get(self, name: str) -> User | None:
        with self._conn() as db:
            row = db.execute(
                "SELECT name, role, created, hash FROM users WHERE name=?", (name,)
            ).fetchone()
        return User(row[0], row[1], row[2], stamp=_stamp(row[3])) if row else None

    def users(self) -> list[User]:
        with self._conn() as db:
            rows = db.execute("SELECT name, role, created FROM users ORDER BY name").fetchall()
        return [User(*r) for r in rows]

    def _keep_an_operator(self, name: str, doing: str) -> None:
        """Nobody may leave the console without an operator: only an operator builds,
        sends or cancels an emergency, and adds users back."""
        user = self.get(name)
        if user is None or user.role != "operator":
            return
        others = [u for u in self.users() if u.role == "operator" and u.name != name]
        if not others:
            raise InputError(
                f"Không thể {doing} '{name}': đây là kỹ thuật viên cuối cùng, "
                "không còn ai làm lịch, gửi khẩn cấp hay thêm người dùng",
                where="người dùng",
                fix="thêm hoặc đặt vai trò kỹ thuật viên cho một người khác trước",
            )

    def set_role(self, name: str, role: str, by: str = "(dòng lệnh)") -> None:
        check_role(role)
        if self.get(name) is None:
            raise InputError(
                f"Không có người dùng '{name}'",
                where="tên đăng nhập",
                fix="xem danh sách bằng 'broadcast user list'",
            )
        if role != "operator":
            self._keep_an_operator(name, "đổi vai trò của")
        with self._conn() as db:
            db.execute("UPDATE users SET role=? WHERE name=?", (role, name))
        # whoever holds the old role's session logs in again to get the new one
        self.sessions.revoke_user(name)
        self.record(by, "đổi vai trò", name, role)

    def remove_user(self, name: str, by: str = "(dòng lệnh)") -> None:
        """Take a user's access away (someone left the office); their past changes and
        approvals stay in the records under their name."""
        if self.get(name) is None:
            raise InputError(
                f"Không có người dùng '{name}'",
                where="tên đăng nhập",
                fix="xem danh sách bằng 'broadcast user list'",
            )
        self._keep_an_operator(name, "xóa")
        with self._conn() as db:
            db.execute("DELETE FROM users WHERE name=?", (name,))
        self.sessions.revoke_user(name)
        self.record(by, "xóa người dùng", name)

    def set_password(self, name: str, password: str, by: str = "(dòng lệnh)") -> None:
        if self.get(name) is None:
            raise InputError(
                f"Không có người dùng '{name}'",
                where="tên đăng nhập",
                fix="xem danh sách bằng 'broadcast user list'",
            )
        check_password(password, name)
        with self._conn() as db:
            db.execute("UPDATE users SET hash=? WHERE name=?", (self.hasher.hash(password), name))
            db.execute("DELETE FROM login_failures WHERE user=?", (name,))
        self.sessions.revoke_user(name)
        self.record(by, "đặt lại mật khẩu", name)

    def verify(self, name: str, password: str) -> User | None:
        with self._conn() as db:
            row = db.execute("SELECT hash FROM users WHERE name=?", (name,)).fetchone()
        try:
            _HASHER.verify(row[0] if row else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return self.get(name) if row else None

    # -- login attempts ------------------------------------------------------------------
    def failures(self, name: str, ip: str | None = None, now: float | None = None) -> int:
        """Wrong passwords for ``name`` within LOCKOUT_S, from ``ip`` or (None) from any
        address: the lockout counts the account, so a guesser who changes address (or
        claims another with X-Forwarded-For) gains nothing."""
        since = (now or time.time()) - LOCKOUT_S
        with self._conn() as db:
            if ip is None:
                return db.execute(
                    "SELECT COUNT(*) FROM login_failures WHERE user=? AND at>=?", (name, since)
                ).fetchone()[0]
            return db.execute(
                "SELECT COUNT(*) FROM login_failures WHERE user=? AND ip=? AND at>=?",
                (name, ip, since),
            ).fetchone()[0]

    def failures_from(self, ip: str, now: float | None = None) -> int:
        since = (now or time.time()) - LOCKOUT_S
        with self._conn() as db:
            return db.execute(
                "SELECT COUNT(*) FROM login_failures WHERE ip=? AND at>=?", (ip, since)
            ).fetchone()[0]

    def locked_out(self, name: str, ip: str) -> bool:
        return (
            self.failures(name) >= MAX_FAILURES
            or self.failures_from(ip) >= MAX_FAILURES_PER_ADDRESS
        )

    def note_failure(self, name: str, ip: str) -> None:
        with self._conn() as db:
            db.execute(
                "INSERT INTO login_failures (user, ip, at) VALUES (?,?,?)", (name, ip, time.time())
            )
            db.execute("DELETE FROM login_failures WHERE at < ?", (time.time() - 2 * LOCKOUT_S,))

    def clear_failures(self, name: str, ip: str) -> None:
        """After the right password: the account's count starts again (the address's
        count of other names stays)."""
        del ip
        with self._conn() as db:
            db.execute("DELETE FROM login_failures WHERE user=?", (name,))

    # -- audit ---------------------------------------------------------------------------
    def record(self, user: str, action: str, target: str = "", detail: str = "") -> None:
        with self._conn() as db:
            db.execute(
                "INSERT INTO audit (at, user, action, target, detail) VALUES (?,?,?,?,?)",
                (now_text(), user, action, target, detail),
            )

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        with self._conn() as db:
            rows = db.execute(
                "SELECT at, user, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(*r) for r in rows]
