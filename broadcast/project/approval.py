"""Approval of scripts: who approved which version of a script, and when.

The commune is responsible for what its stations say, so a project can require that a
script is approved before it airs (``approval: required`` at the top of
``schedules/stations.yaml``; the default, ``off``, airs every script as before).

A *version* is the SHA-256 of the script file's bytes: editing a file in any way (in the
console or in Notepad) makes a new version, which is a draft until someone approves it.
A script that airs a recording (``recording:``, issue 20) hashes the recording's bytes too:
a new recording under the same name is a new version, approved like an edited text.
Records live in SQLite at ``<root>/.broadcast/console.sqlite`` (the console's users and
audit trail live in the same file), one row per approval, never rewritten.

When approval is first turned on, the scripts already on disk keep airing: the first
load with the setting records a *baseline* approval of every script loaded at that
moment (approver "(có sẵn khi bật duyệt)"). Later edits and new files are drafts.

:func:`only_approved` is the one filter applied where a project is loaded for work
(build, plan, the daemon): drafts are left out of ``project.scripts`` with a warning.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..errors import BroadcastError, InputError
from ..vocabulary import TIMEZONE
from .versions import version_of

if TYPE_CHECKING:
    from .scripts import Script

CONSOLE_DIR = ".broadcast"
CONSOLE_DB = "console.sqlite"
BASELINE_BY = "(có sẵn khi bật duyệt)"
SETTING_KEY = "approval"
REQUIRED = "required"


def console_db(root: Path) -> Path:
    """Where the console keeps users, audit trail and approvals for the project ``root``."""
    return Path(root).resolve() / CONSOLE_DIR / CONSOLE_DB


def content_hash(data: bytes, audio: bytes | None = None) -> str:
    """SHA-256 of a script's bytes; with ``audio``, of the script and its recording."""
    return version_of(data, audio)


def recording_bytes(path: Path, data: bytes) -> bytes | None:
    """The bytes of the recording the script at ``path`` names; None for a script that
    names none (or whose header is broken: it does not load, so it does not air)."""
    if b"recording:" not in data:
        return None
    from .scripts import load_script

    try:
        script = load_script(Path(path))
        return script.recording.read_bytes() if script.recording is not None else None
    except (BroadcastError, OSError):
        return None


def file_hash(path: Path) -> str:
    """The version of a script file (and of its recording); "" when the file does not exist."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return ""
    return content_hash(data, recording_bytes(path, data))


@contextmanager
def console_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """One transaction on the console's SQLite file (approvals, users, audit), in WAL mode
    so the console and a cron build read it at the same time."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            yield db


def now_text() -> str:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).isoformat(timespec="seconds")


def approval_required(root: Path) -> bool:
    """``approval: required`` in ``schedules/stations.yaml`` (validated by load_project)."""
    from ..files.sources import load_yaml

    path = Path(root) / "schedules" / "stations.yaml"
    if not path.is_file():
        return False
    data = load_yaml(path).data
    return isinstance(data, dict) and data.get(SETTING_KEY) == REQUIRED


@dataclass(frozen=True)
class Approval:
    script_id: str
    version: str  # content hash
    by: str
    at: str  # ISO time, Asia/Ho_Chi_Minh
    kind: str  # approved | baseline

    @property
    def short(self) -> str:
        return self.version[:10]


class SelfApprovalError(InputError):
    """The approver is the one who saved this version."""

    def __init__(self, script_id: str, by: str) -> None:
        super().__init__(
            f"'{by}' là người lưu phiên bản này của kịch bản '{script_id}': không tự duyệt "
            "được bài mình viết",
            where="duyệt kịch bản",
            fix="nhờ một người có quyền duyệt khác đọc và duyệt",
        )


class Approvals:
    """The approvals table. Every call opens its own connection (threads, processes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._conn() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS approvals (id INTEGER PRIMARY KEY, "
                    "script_id TEXT NOT NULL, version TEXT NOT NULL, by_user TEXT NOT NULL, "
                    "at TEXT NOT NULL, kind TEXT NOT NULL)"
                )
                db.execute(
                    "CREATE INDEX IF NOT EXISTS approvals_script ON approvals(script_id, version)"
                )
                # who saved each version (the console's saves): its author cannot approve it
                db.execute(
                    "CREATE TABLE IF NOT EXISTS authors (id INTEGER PRIMARY KEY, "
                    "script_id TEXT NOT NULL, version TEXT NOT NULL, by_user TEXT NOT NULL, "
                    "at TEXT NOT NULL)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise BroadcastError(
                f"Không mở được sổ duyệt kịch bản: {exc}",
                where=str(self.path),
                fix="cấp quyền ghi cho thư mục .broadcast/ trong thư mục dự án",
            ) from None

    def _conn(self) -> AbstractContextManager[sqlite3.Connection]:
        return console_connection(self.path)

    def record(self, script_id: str, version: str, by: str, kind: str = "approved") -> Approval:
        item = Approval(script_id, version, by, now_text(), kind)
        with self._conn() as db:
            db.execute(
                "INSERT INTO approvals (script_id, version, by_user, at, kind) VALUES (?,?,?,?,?)",
                (item.script_id, item.version, item.by, item.at, item.kind),
            )
        return item

    def record_author(self, script_id: str, version: str, by: str) -> None:
        """``by`` saved ``version`` of the script (the console calls this on every save)."""
        with self._conn() as db:
            db.execute(
                "INSERT INTO authors (script_id, version, by_user, at) VALUES (?,?,?,?)",
                (script_id, version, by, now_text()),
            )

    def author_of(self, script_id: str, version: str) -> str | None:
        """Who last saved this version, or None (written outside the console).

        Versions saved before the authors table existed are found in the audit trail,
        which recorded each save with the first 10 characters of its hash."""
        with self._conn() as db:
            row = db.execute(
                "SELECT by_user FROM authors WHERE script_id=? AND version=? "
                "ORDER BY id DESC LIMIT 1",
                (script_id, version),
            ).fetchone()
            if row is not None:
                return str(row[0])
            try:
                row = db.execute(
                    "SELECT user FROM audit WHERE target=? AND detail=? AND action IN "
                    "('tạo kịch bản', 'sửa kịch bản') ORDER BY id DESC LIMIT 1",
                    (script_id, version[:10]),
                ).fetchone()
            except sqlite3.OperationalError:  # no console users yet: no audit table
                return None
        return str(row[0]) if row else None

    def approve(self, script_id: str, version: str, by: str) -> Approval:
        """Record ``by``'s approval of ``version``, unless ``by`` wrote it: approval is by
        someone else, whatever their role (the one rule for the console and any command)."""
        if self.author_of(script_id, version) == by:
            raise SelfApprovalError(script_id, by)
        return self.record(script_id, version, by)

    def for_version(self, script_id: str, version: str) -> Approval | None:
        with self._conn() as db:
            row = db.execute(
                "SELECT script_id, version, by_user, at, kind FROM approvals "
                "WHERE script_id=? AND version=? ORDER BY id DESC LIMIT 1",
                (script_id, version),
            ).fetchone()
        return Approval(*row) if row else None

    def history(self, script_id: str) -> list[Approval]:
        with self._conn() as db:
            rows = db.execute(
                "SELECT script_id, version, by_user, at, kind FROM approvals "
                "WHERE script_id=? ORDER BY id DESC",
                (script_id,),
            ).fetchall()
        return [Approval(*r) for r in rows]

    def all(self) -> list[Approval]:
        with self._conn() as db:
            rows = db.execute(
                "SELECT script_id, version, by_user, at, kind FROM approvals ORDER BY id"
            ).fetchall()
        return [Approval(*r) for r in rows]

    def has_baseline(self) -> bool:
        with self._conn() as db:
            return (
                db.execute("SELECT 1 FROM approvals WHERE kind='baseline' LIMIT 1").fetchone()
                is not None
            )

    def record_baseline(self, versions: dict[str, str]) -> int:
        """Approve every (script, version) given, once: the scripts on disk when approval
        was turned on keep airing. A marker row is written even for an empty project."""
        at = now_text()
        rows = [(sid, v, BASELINE_BY, at, "baseline") for sid, v in sorted(versions.items())]
        with self._conn() as db:
            if db.execute("SELECT 1 FROM approvals WHERE kind='baseline' LIMIT 1").fetchone():
                return 0
            db.executemany(
                "INSERT INTO approvals (script_id, version, by_user, at, kind) VALUES (?,?,?,?,?)",
                rows or [("", "", BASELINE_BY, at, "baseline")],
            )
        return len(rows)


def ensure_baseline(root: Path, scripts: dict[str, Path]) -> None:
    """Record the baseline if approval is required and none exists yet."""
    if not approval_required(root):
        return
    book = Approvals(console_db(root))
    if not book.has_baseline():
        book.record_baseline({sid: file_hash(p) for sid, p in scripts.items()})


def is_approved(book: Approvals, script_id: str, path: Path) -> Approval | None:
    return book.for_version(script_id, file_hash(path))


def only_approved(root: Path, approval: str, scripts: dict[str, Script]) -> list[str]:
    """Leave drafts out of ``scripts`` when the project requires approval; the warnings.

    The one place approval is enforced: every command that makes or plays something
    loads the project through ``load_project(strict=False)``, which calls this with the
    approval setting parsed once with the schedule.
    """
    if approval != REQUIRED:
        return []
    book = Approvals(console_db(root))
    if not book.has_baseline():
        book.record_baseline({sid: file_hash(s.path) for sid, s in scripts.items()})
    drafts = [sid for sid, s in scripts.items() if book.for_version(sid, file_hash(s.path)) is None]
    warnings = []
    for sid in drafts:
        del scripts[sid]
        warnings.append(
            f"Kịch bản '{sid}' chưa được duyệt (hoặc đã sửa sau khi duyệt): không phát. "
            "Người có quyền duyệt mở 'broadcast serve' để duyệt."
        )
    return warnings


def check_script_id(script_id: str) -> str:
    """A script id from a URL or form: the file name rule, never a path."""
    import re

    from .scripts import SCRIPT_ID

    if not re.fullmatch(SCRIPT_ID, script_id or ""):
        raise InputError(
            f"Mã kịch bản '{script_id}' không hợp lệ",
            where="mã kịch bản",
            fix="chỉ dùng chữ thường không dấu (a-z), số và dấu '-', không có '/' hay '..'",
        )
    return script_id
