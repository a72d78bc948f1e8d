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

Turning approval on approves nothing by itself: until someone approves them, the scripts
on disk are drafts and do not air. ``broadcast approve-existing`` (or the console's
confirmation form) records the scripts on disk that were never approved as approved by
the person who confirms (:func:`approve_existing`). Books written before 2026-12 hold a
*baseline* (approver "(có sẵn khi bật duyệt)", recorded silently at the first load):
those rows still load and count as approvals.

:func:`only_approved` is the one filter applied where a project is loaded for work
(build, plan, the daemon): an approved version airs, even when the file was edited since
(the approved bytes are kept, :mod:`broadcast.project.versions`); a script never approved
is left out of ``project.scripts`` with a warning.
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
from .versions import CONSOLE_DIR, version_of

if TYPE_CHECKING:
    from ..files.sources import YamlDoc
    from .scripts import Script

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


def approval_required(root: Path, doc: YamlDoc | None = None) -> bool:
    """``approval: required`` in ``schedules/stations.yaml`` (validated by load_project);
    ``doc``: that file already parsed (a province's is 2 MB: parsed once a page)."""
    from ..files.sources import load_yaml

    path = Path(root) / "schedules" / "stations.yaml"
    if doc is None and not path.is_file():
        return False
    data = (doc or load_yaml(path)).data
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

    def record_baseline(self, versions: dict[str, str]) -> int:
        """The baseline books written before 2026-12 hold (every script on disk approved
        silently at the first load, approver :data:`BASELINE_BY`); nothing calls this any
        more but tests that make such a book. A marker row is written even for an empty
        project."""
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


@dataclass(frozen=True)
class Existing:
    """A script on disk never approved: what ``approve-existing`` would approve."""

    script_id: str
    version: str
    title: str


def unapproved_existing(root: Path) -> list[Existing]:
    """The scripts on disk that load and have no approved version at all (drafts of an
    approved script are not listed: each new version is read and approved on its own)."""
    from ..files.confined import script_paths
    from .scripts import load_script

    root = Path(root).resolve()
    book = Approvals(console_db(root))
    approved = set(latest_approvals(book))
    out = []
    for path in script_paths(root):
        if path.stem in approved:
            continue
        try:
            script = load_script(path)
        except BroadcastError:
            continue  # a file with an error cannot be approved (check names it)
        out.append(Existing(path.stem, file_hash(path), script.meta.title))
    return out


def approve_existing(root: Path, by: str, scripts: list[Existing] | None = None) -> list[Approval]:
    """Record ``by``'s approval of every script on disk that was never approved (or of
    ``scripts``, the list ``by`` was shown and confirmed), keeping each version.

    The one way scripts written before approval was turned on become approved: asked
    for (CLI prompt, console confirmation), never done silently at load."""
    from .scripts import load_script
    from .versions import keep_script

    root = Path(root).resolve()
    book = Approvals(console_db(root))
    done = []
    for item in unapproved_existing(root) if scripts is None else scripts:
        path = root / "scripts" / f"{item.script_id}.md"
        if file_hash(path) != item.version:
            continue  # changed since it was shown: not what ``by`` confirmed
        keep_script(root, load_script(path))
        done.append(book.record(item.script_id, item.version, by))
    return done


#: The labels of a script's approval state, the same on every page and command.
LABEL_APPROVED = "đã duyệt"
LABEL_DRAFT = "bản nháp"
LABEL_PENDING = "bản nháp chờ duyệt"
LABEL_ERROR = "lỗi"
LABEL_FREE = "không cần duyệt"


@dataclass(frozen=True)
class Status:
    """A script's approval state: its label, and which approval covers what airs."""

    label: str
    #: the approval of the version on disk, or None
    current: Approval | None
    #: the approval of the version that airs (``current``, or an older kept one), or None
    airing: Approval | None
    required: bool

    @property
    def pending(self) -> bool:
        """The file on disk is a draft while an older approved version airs."""
        return self.airing is not None and self.current is None

    @property
    def airs(self) -> bool:
        if self.required:
            return self.airing is not None
        return self.label != LABEL_ERROR

    @property
    def css(self) -> str:
        return {
            LABEL_APPROVED: "ok",
            LABEL_PENDING: "draft",
            LABEL_DRAFT: "draft",
            LABEL_ERROR: "err",
        }.get(self.label, "")

    @property
    def note(self) -> str:
        """One sentence on what airs, for the script page and the list."""
        if self.label == LABEL_ERROR and self.airing is not None:
            return f"Tệp đang có lỗi: vẫn phát bản đã duyệt {self.airing.short}."
        if self.pending and self.airing is not None:
            return (
                f"Đang phát bản đã duyệt {self.airing.short}; bản trên đĩa là bản nháp chờ "
                "duyệt, chưa phát."
            )
        if self.label == LABEL_DRAFT:
            return "Chưa có bản nào được duyệt: chưa phát."
        return ""


def script_status(
    root: Path,
    script_id: str,
    version: str,
    approvals: list[Approval],
    required: bool,
    error: bool = False,
) -> Status:
    """The one rule every page and command labels a script by (``approvals`` newest
    first, :func:`latest_approvals`): what airs is what :func:`only_approved` airs."""
    from .versions import kept

    current = next((a for a in approvals if a.version == version), None) if version else None
    airing = current
    if airing is None and required:
        airing = next((a for a in approvals if kept(root, a.version) is not None), None)
    if error:
        label = LABEL_ERROR
    elif current is not None:
        label = LABEL_APPROVED
    elif not required:
        label = LABEL_FREE
    elif airing is not None:
        label = LABEL_PENDING
    else:
        label = LABEL_DRAFT
    return Status(label, current, airing if required or current else None, required)


def is_approved(book: Approvals, script_id: str, path: Path) -> Approval | None:
    return book.for_version(script_id, file_hash(path))


def latest_approvals(book: Approvals) -> dict[str, list[Approval]]:
    """Every script's approvals, newest first (one read of the book)."""
    out: dict[str, list[Approval]] = {}
    for a in reversed(book.all()):
        if a.script_id and a.version:
            out.setdefault(a.script_id, []).append(a)
    return out


def no_approval_hint(book_empty: bool) -> str:
    """How to get scripts approved, for ``check``, build, plan and the console."""
    if book_empty:
        return (
            f"Chưa kịch bản nào được duyệt từ khi bật duyệt ({SETTING_KEY}: {REQUIRED}). "
            f"Nếu các kịch bản hiện có đã được đọc và đồng ý, chạy '{APPROVE_EXISTING}' "
            "(hoặc trên bàn làm việc: trang Kịch bản, nút «Ghi các kịch bản hiện có là đã "
            "duyệt»); bài mới thì người có quyền duyệt mở 'broadcast serve' để duyệt"
        )
    return "Người có quyền duyệt mở 'broadcast serve' để duyệt"


APPROVE_EXISTING = "broadcast approve-existing"


def only_approved(
    root: Path, approval: str, scripts: dict[str, Script], broken: set[str] | None = None
) -> list[str]:
    """With ``approval: required``, make ``scripts`` what may air; the warnings.

    A script whose version on disk is approved airs as it is. One edited since (a
    draft) airs its newest approved version, loaded from the kept versions
    (:mod:`broadcast.project.versions`), and a warning says a draft waits; one never
    approved is left out. ``broken`` (id -> file of scripts that do not load) get their
    approved version back the same way (the loader names them). Every version seen here is kept.

    The one place approval is enforced: every command that makes or plays something
    loads the project through ``load_project(strict=False)``, which calls this with the
    approval setting parsed once with the schedule. Nothing here approves anything.
    """
    from .versions import keep_script, load_kept

    if approval != REQUIRED:
        return []
    book = Approvals(console_db(root))
    books = latest_approvals(book)
    warnings = []
    dropped = []
    for sid, s in sorted(scripts.items()):
        current = keep_script(root, s).version
        approvals = books.get(sid, [])
        kept_script = None
        chosen = next((a for a in approvals if a.version == current), None)
        if chosen is None:
            for a in approvals:  # the newest approved version that was kept
                kept_script = load_kept(root, sid, a.version)
                if kept_script is not None:
                    chosen = a
                    break
        if chosen is None:
            del scripts[sid]
            if approvals:  # approved once, edited since, and that version was never kept
                warnings.append(
                    f"Kịch bản '{sid}' đã sửa sau khi duyệt, và bản đã duyệt "
                    f"{approvals[0].short} không được lưu lại (duyệt trước khi chương trình "
                    "giữ các phiên bản): không phát cho đến khi bản mới được duyệt. "
                    f"{no_approval_hint(False)}."
                )
            else:
                dropped.append(sid)
            continue
        if kept_script is None:
            scripts[sid] = s.model_copy(update={"version": current})
            continue
        scripts[sid] = kept_script
        warnings.append(
            f"Kịch bản '{sid}' có bản sửa chưa được duyệt (phiên bản {current[:10]}): vẫn phát "
            f"bản đã duyệt {chosen.short} ({chosen.by} duyệt lúc {chosen.at}) cho đến khi bản "
            "mới được duyệt. Người có quyền duyệt mở 'broadcast serve' để đọc và duyệt."
        )
    for sid in sorted(broken or ()):
        for a in books.get(sid, []):
            kept_script = load_kept(root, sid, a.version)
            if kept_script is not None:
                scripts[sid] = kept_script
                warnings.append(
                    f"Kịch bản '{sid}' đang có lỗi trên đĩa: vẫn phát bản đã duyệt {a.short} "
                    f"({a.by} duyệt lúc {a.at}) cho đến khi tệp được sửa và bản mới được duyệt."
                )
                break
    if books:
        for sid in dropped:
            warnings.append(
                f"Kịch bản '{sid}' chưa được duyệt: không phát. {no_approval_hint(False)}."
            )
    elif dropped:  # approval just turned on: one line a script, the way out said once
        names = ", ".join(f"'{sid}'" for sid in dropped)
        warnings.append(f"Kịch bản {names} chưa được duyệt: không phát.")
        warnings.append(no_approval_hint(True) + ".")
    return warnings


def check_script_id(script_id: str) -> str:
    """A script id from a URL or form: the file name rule, never a path."""
    import re

    from .scripts import SCRIPT_ID
    from .validation import MAX_ID

    if not re.fullmatch(SCRIPT_ID, script_id or ""):
        raise InputError(
            f"Mã kịch bản '{(script_id or '')[:MAX_ID]}' không hợp lệ",
            where="mã kịch bản",
            fix="chỉ dùng chữ thường không dấu (a-z), số và dấu '-', không có '/' hay '..', "
            f"dài tối đa {MAX_ID} ký tự",
        )
    return script_id
