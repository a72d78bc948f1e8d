"""The as-run log: what was planned and what actually went on air, in one SQLite file.

A commune must report, every 6 months and every year, how it carried out each directive
(Gia Lâm: "định kỳ 06 tháng, 01 năm báo cáo tình hình, kết quả thực hiện"). The report
figures come from this log, never from re-planning the schedule: the schedule may have
changed since, the log records what happened.

Two writers share the file: ``broadcast build`` (planned rows) and the playout daemon
(one row per play it starts). The log is in WAL mode with a busy timeout so both can
write at once; each write is one transaction with ``synchronous=FULL``, so a record that
was committed survives a crash or a power cut.

Schema changes are numbered migrations (``MIGRATIONS``); ``PRAGMA user_version`` holds the
number applied. A new column is a new entry at the end, never an edit of an old one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BroadcastError, InputError
from ..files import faults

FILENAME = "asrun.sqlite"
BUSY_TIMEOUT_S = 30.0

#: Results a play can have. played: the daemon aired it; failed: it tried and could not;
#: skipped: deliberately not aired; confirmed: an operator said the planned item aired
#: (``broadcast asrun confirm``); imported: from another player's log (``asrun import``).
RESULTS = ("played", "failed", "skipped", "confirmed", "imported")
#: Results that count as "aired" in the report.
AIRED = ("played", "confirmed", "imported")
#: The note of an item an operator marked as not aired (``mark_not_aired``); a later
#: confirmation of the day leaves such items alone.
NOT_AIRED_NOTE = "không phát (ghi tay)"

MIGRATIONS: list[str] = [
    # 1: planned items (from build) and plays (daemon, confirm, import).
    # Statements are split on ";", so none may appear inside a comment or string.
    """
    CREATE TABLE planned (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL,          -- YYYY-MM-DD, Asia/Ho_Chi_Minh
        station_id  TEXT NOT NULL,
        seq         INTEGER NOT NULL,       -- position in the running order
        slot        TEXT NOT NULL,          -- HH:MM
        start       TEXT NOT NULL,          -- ISO 8601 with offset
        end         TEXT NOT NULL,
        duration_s  REAL NOT NULL,
        script_id   TEXT NOT NULL,
        source      TEXT NOT NULL,          -- campaign or one-off id
        directive   TEXT NOT NULL,          -- label of the công văn
        priority    TEXT NOT NULL DEFAULT 'normal',
        title       TEXT NOT NULL DEFAULT '',
        file        TEXT NOT NULL DEFAULT '',
        engine      TEXT NOT NULL DEFAULT '',
        kind        TEXT NOT NULL DEFAULT 'bulletin',
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX planned_day_station ON planned (day, station_id);
    CREATE TABLE plays (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL,
        station_id  TEXT NOT NULL,
        slot        TEXT NOT NULL,
        script_id   TEXT NOT NULL,
        source      TEXT NOT NULL,
        directive   TEXT NOT NULL,
        file        TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL DEFAULT '',
        start       TEXT NOT NULL,
        end         TEXT,
        duration_s  REAL,                   -- end - start, NULL while a play runs
        result      TEXT NOT NULL CHECK (result IN
                        ('played', 'failed', 'skipped', 'confirmed', 'imported')),
        note        TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX plays_day_station ON plays (day, station_id);
    """,
    # 2: the record of the past. ``rebuilds``: who rewrote a day that had begun or aired
    # (``build --rebuild-past --reason``) and why; ``version`` (the hash of the script's
    # spoken content) and ``file_sha1`` (of the file played) on plays and planned rows.
    # Rows written before stay as they were, with '' in the new columns.
    """
    CREATE TABLE rebuilds (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL,
        station_id  TEXT NOT NULL,
        at          TEXT NOT NULL,
        by          TEXT NOT NULL,
        reason      TEXT NOT NULL
    );
    ALTER TABLE plays ADD COLUMN version TEXT NOT NULL DEFAULT '';
    ALTER TABLE plays ADD COLUMN file_sha1 TEXT NOT NULL DEFAULT '';
    ALTER TABLE planned ADD COLUMN version TEXT NOT NULL DEFAULT ''
    """,
]


class AsRunError(BroadcastError):
    """The as-run log cannot be opened or written."""


class AsRunDiskFullError(AsRunError):
    """The disk (or the folder's quota) is full: nothing could be written to the log."""


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's "database or disk is full" (SQLITE_FULL), or an OS ENOSPC / EDQUOT."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "disk is full" in str(exc) or "No space left" in str(exc)


def disk_full_error(path: Path, exc: BaseException, doing: str) -> AsRunDiskFullError:
    return AsRunDiskFullError(
        f"Ổ đĩa đầy: không {doing} vào nhật ký phát sóng (SQLite báo: {exc})",
        where=str(path),
        fix=f"giải phóng chỗ trống trên ổ chứa {Path(path).parent} (xóa bản tin cũ bằng "
        "'broadcast prune', dọn tệp tạm), rồi chạy lại; những gì đã ghi trước đó vẫn còn",
    )


class NewerLogError(AsRunError):
    """The log was made by a newer version of the program (not damage: never moved aside)."""


def asrun_path(out_dir: Path) -> Path:
    """Where the log lives: beside the playlists, ``OUT/asrun.sqlite``."""
    return Path(out_dir) / FILENAME


def _slot_text(slot: str | dt.time) -> str:
    if isinstance(slot, dt.time):
        return slot.strftime("%H:%M")
    return str(slot)[:5]


def _iso(value: dt.datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).isoformat()
    return value.isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Play:
    """One row of ``plays``."""

    id: int
    day: dt.date
    station_id: str
    slot: str
    script_id: str
    source: str
    directive: str
    file: str
    title: str
    start: dt.datetime
    end: dt.datetime | None
    duration_s: float | None
    result: str
    note: str
    #: the script version and the SHA-1 of the file played (issue 18); "" in old rows
    version: str = ""
    file_sha1: str = ""

    @property
    def aired(self) -> bool:
        return self.result in AIRED


@dataclass(frozen=True)
class Planned:
    """One row of ``planned``."""

    day: dt.date
    station_id: str
    seq: int
    slot: str
    start: dt.datetime
    end: dt.datetime
    duration_s: float
    script_id: str
    source: str
    directive: str
    priority: str
    title: str
    file: str
    #: who spoke it ("recording": a recorded bulletin, issue 20); "" in rows of old logs
    engine: str = ""
    #: the script version planned to air (issue 18); "" in rows written before
    version: str = ""


#: the longest reason an operator gives for an item that did not air, in characters
MAX_REASON = 500


class AsRunLog:
    """The as-run log file. Cheap to create; every call opens its own connection, so one
    object may be shared by threads, and many processes may open the same file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc):
                raise disk_full_error(self.path, exc, "mở được") from exc
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise AsRunError(
                    f"Không ghi được nhật ký phát sóng: thư mục {self.path.parent} chỉ đọc "
                    "hoặc không có quyền ghi",
                    where=str(self.path),
                    fix=f"cấp quyền ghi cho thư mục {self.path.parent} (và tệp "
                    f"{self.path.name}), hoặc chỉ --out sang thư mục ghi được; 'broadcast "
                    "report' và 'broadcast asrun show' vẫn đọc được ở đây",
                ) from exc
            raise AsRunError(
                f"Không mở được nhật ký phát sóng: {exc}",
                where=str(self.path),
                fix="kiểm tra quyền ghi thư mục; nếu tệp hỏng, đổi tên nó để tạo tệp mới",
            ) from exc

    # -- connection and transactions -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front so two
        writers queue on the busy timeout instead of failing half way. A full disk is
        an :class:`AsRunDiskFullError` that says so (never "database or disk is full")."""
        try:
            faults.hit("asrun.write")
            with closing(self._connect()) as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        except (sqlite3.OperationalError, OSError) as exc:
            if is_disk_full(exc):
                raise disk_full_error(self.path, exc, "ghi được") from exc
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as con:
            yield con

    def _migrate(self) -> None:
        with closing(self._connect()) as con:
            # WAL is a property of the file; switching needs a moment alone with it.
            for attempt in range(50):
                try:
                    con.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
        with self._write() as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise NewerLogError(
                    f"Nhật ký phát sóng do phiên bản mới hơn tạo (lược đồ {version})",
                    where=str(self.path),
                    fix="cập nhật chương trình broadcast lên bản mới nhất",
                )
            for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in sql.split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        with self._read() as con:
            return int(con.execute("PRAGMA user_version").fetchone()[0])

    # -- writes -----------------------------------------------------------------------

    def record_planned(self, day: dt.date, station_id: str, items: list[Mapping[str, Any]]) -> None:
        """Store a station's running order for a day (the ``items`` of the JSON running
        order). A rebuild of the same day replaces the earlier planned rows. Only
        bulletins are kept: jingles are not what a directive asks to air (the daemon does
        not log them either)."""
        now = _now()
        rows = []
        bulletins = [it for it in items if it.get("kind", "bulletin") == "bulletin"]
        for seq, it in enumerate(bulletins):
            rows.append(
                (
                    day.isoformat(),
                    station_id,
                    seq,
                    _slot_text(it["slot"]),
                    _iso(it["start"]),
                    _iso(it["end"]),
                    float(it["duration_s"]),
                    it["script"],
                    it["source"],
                    it["directive"],
                    it.get("priority", "normal"),
                    it.get("title", ""),
                    it.get("file", ""),
                    it.get("engine", ""),
                    it.get("kind", "bulletin"),
                    now,
                    it.get("version", ""),
                )
            )
        with self._write() as con:
            con.execute(
                "DELETE FROM planned WHERE day = ? AND station_id = ?",
                (day.isoformat(), station_id),
            )
            con.executemany(
                "INSERT INTO planned (day, station_id, seq, slot, start, end, duration_s, "
                "script_id, source, directive, priority, title, file, engine, kind, "
                "recorded_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )

    def record_running_order(self, json_path: Path) -> None:
        """:meth:`record_planned` from a JSON running order written by ``build``
        (:class:`~broadcast.playlists.running_order.RunningOrderError` if unreadable)."""
        from ..playlists.running_order import read_running_order

        order = read_running_order(Path(json_path))
        self.record_planned(order.date, order.station.id, [i.as_dict() for i in order.items])

    def record_play(
        self,
        *,
        station_id: str,
        day: dt.date,
        slot: str | dt.time,
        script_id: str,
        source: str,
        directive: str,
        file: str,
        title: str,
        start: dt.datetime,
        end: dt.datetime | None,
        result: str,
        note: str = "",
        version: str = "",
        file_sha1: str = "",
    ) -> int:
        """Record one play (or a failed / skipped one); returns its id for
        :meth:`finish_play`. ``end`` is None while the play is still running. ``version``
        is the script version of the item (running order), ``file_sha1`` the SHA-1 of
        the file played (issue 18)."""
        with self._write() as con:
            return self._insert_play(
                con,
                station_id=station_id,
                day=day,
                slot=slot,
                script_id=script_id,
                source=source,
                directive=directive,
                file=file,
                title=title,
                start=start,
                end=end,
                result=result,
                note=note,
                version=version,
                file_sha1=file_sha1,
            )

    @staticmethod
    def _insert_play(
        con: sqlite3.Connection,
        *,
        start: dt.datetime,
        end: dt.datetime | None,
        result: str,
        **play: Any,
    ) -> int:
        """Insert one play; the keywords are those of :meth:`record_play`."""
        if result not in RESULTS:
            raise InputError(
                f"Kết quả phát '{result}' không hợp lệ", fix=f"dùng một trong: {', '.join(RESULTS)}"
            )
        duration = None if end is None else round((end - start).total_seconds(), 3)
        cur = con.execute(
            "INSERT INTO plays (day, station_id, slot, script_id, source, directive, file, "
            "title, start, end, duration_s, result, note, recorded_at, version, file_sha1) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                play["day"].isoformat(),
                play["station_id"],
                _slot_text(play["slot"]),
                play["script_id"],
                play["source"],
                play["directive"],
                play["file"],
                play["title"],
                start.isoformat(),
                _iso(end),
                duration,
                result,
                play.get("note", ""),
                _now(),
                play.get("version", ""),
                play.get("file_sha1", ""),
            ),
        )
        return int(cur.lastrowid or 0)

    def finish_play(self, play_id: int, *, end: dt.datetime, result: str | None = None) -> None:
        """Set the end (and optionally the result) of a play started earlier."""
        if result is not None and result not in RESULTS:
            raise InputError(
                f"Kết quả phát '{result}' không hợp lệ", fix=f"dùng một trong: {', '.join(RESULTS)}"
            )
        with self._write() as con:
            row = con.execute("SELECT start FROM plays WHERE id = ?", (play_id,)).fetchone()
            if row is None:
                raise InputError(
                    f"Không có lượt phát số {play_id} trong nhật ký", where=str(self.path)
                )
            start = dt.datetime.fromisoformat(row["start"])
            con.execute(
                "UPDATE plays SET end = ?, duration_s = ?, result = COALESCE(?, result) "
                "WHERE id = ?",
                (end.isoformat(), round((end - start).total_seconds(), 3), result, play_id),
            )

    def confirm_day(self, day: dt.date, station_id: str) -> int:
        """An operator says the day's running order aired as planned (played with other
        software). Adds a ``confirmed`` play for every planned item that has no aired
        play yet; returns how many were added. Running it twice adds nothing."""
        with self._write() as con:
            planned = con.execute(
                "SELECT * FROM planned WHERE day = ? AND station_id = ? ORDER BY seq",
                (day.isoformat(), station_id),
            ).fetchall()
            if not planned:
                raise InputError(
                    f"Chưa có lịch đã lập cho đài '{station_id}' ngày {day:%d/%m/%Y}",
                    where=str(self.path),
                    fix="chạy 'broadcast build --date NGÀY' trước (build ghi lịch vào nhật "
                    "ký), hoặc nhập nhật ký phát bằng 'broadcast asrun import'",
                )
            aired = {
                (r["script_id"], r["start"])
                for r in con.execute(
                    f"SELECT script_id, start FROM plays WHERE day = ? AND station_id = ? "
                    f"AND (result IN ({','.join('?' * len(AIRED))}) OR note LIKE ?)",
                    (day.isoformat(), station_id, *AIRED, NOT_AIRED_NOTE + "%"),
                )
            }
            added = 0
            for p in planned:
                if (p["script_id"], p["start"]) in aired:
                    continue
                self._insert_play(
                    con,
                    station_id=station_id,
                    day=day,
                    slot=p["slot"],
                    script_id=p["script_id"],
                    source=p["source"],
                    directive=p["directive"],
                    file=p["file"],
                    title=p["title"],
                    start=dt.datetime.fromisoformat(p["start"]),
                    end=dt.datetime.fromisoformat(p["end"]),
                    result="confirmed",
                    note="xác nhận thủ công",
                    version=p["version"],
                )
                added += 1
            return added

    def mark_not_aired(self, day: dt.date, station_id: str, seq: int, reason: str, by: str) -> Play:
        """An operator says planned item ``seq`` of a station's day did not air, and why:
        a ``skipped`` play noted "không phát (ghi tay): REASON — BY". Confirming the day
        afterwards does not confirm it. An error if there is no such item, no reason, or
        the item already has a play that aired (the daemon's or a confirmation)."""
        reason = " ".join(reason.split())
        if not reason:
            raise InputError(
                "Cần ghi lý do không phát", where="lý do", fix="ví dụ: mất điện, loa hỏng"
            )
        if len(reason) > MAX_REASON:  # a note in the log and a cell of the report
            raise InputError(
                f"Lý do dài {len(reason)} ký tự, quá {MAX_REASON} ký tự",
                where="lý do",
                fix="ghi ngắn gọn, ví dụ: mất điện, loa hỏng",
            )
        with self._write() as con:
            p = con.execute(
                "SELECT * FROM planned WHERE day = ? AND station_id = ? AND seq = ?",
                (day.isoformat(), station_id, seq),
            ).fetchone()
            if p is None:
                raise InputError(
                    f"Không có bản tin số {seq + 1} trong lịch ngày {day:%d/%m/%Y} của đài "
                    f"'{station_id}'",
                    where=str(self.path),
                    fix="tải lại trang nhật ký rồi chọn lại",
                )
            done = con.execute(
                "SELECT result FROM plays WHERE day = ? AND station_id = ? AND script_id = ? "
                "AND start = ? AND (result IN (?,?,?) OR note LIKE ?)",
                (day.isoformat(), station_id, p["script_id"], p["start"], *AIRED,
                 NOT_AIRED_NOTE + "%"),
            ).fetchone()  # fmt: skip
            if done is not None:
                raise InputError(
                    f"Bản tin '{p['title'] or p['script_id']}' lúc "
                    f"{dt.datetime.fromisoformat(p['start']):%H:%M} đã có kết quả "
                    f"trong nhật ký",
                    where=str(self.path),
                    fix="nhật ký đã ghi thì không sửa; báo người phụ trách nếu ghi sai",
                )
            play_id = self._insert_play(
                con,
                station_id=station_id,
                day=day,
                slot=p["slot"],
                script_id=p["script_id"],
                source=p["source"],
                directive=p["directive"],
                file=p["file"],
                title=p["title"],
                start=dt.datetime.fromisoformat(p["start"]),
                end=None,
                result="skipped",
                note=f"{NOT_AIRED_NOTE}: {reason} — {by}",
            )
        return next(x for x in self.plays(day, day, station_id) if x.id == play_id)

    def import_plays(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
        """Insert already-validated plays in one transaction (all or nothing). A row equal
        to one already logged (station, start, script, result) is skipped, so importing
        the same file twice counts nothing twice. Returns (added, skipped)."""
        added = skipped = 0
        with self._write() as con:
            for row in rows:
                dup = con.execute(
                    "SELECT 1 FROM plays WHERE station_id = ? AND start = ? AND script_id = ? "
                    "AND result = ?",
                    (row["station_id"], row["start"].isoformat(), row["script_id"], row["result"]),
                ).fetchone()
                if dup:
                    skipped += 1
                    continue
                self._insert_play(con, **row)
                added += 1
        return added, skipped

    # -- queries ----------------------------------------------------------------------

    def _rows(
        self, table: str, start: dt.date, end: dt.date, station_id: str | None, order: str
    ) -> list[sqlite3.Row]:
        """Rows of ``table`` (our own constant names) with ``start <= day <= end``."""
        sql = f"SELECT * FROM {table} WHERE day BETWEEN ? AND ?"
        args: list[Any] = [start.isoformat(), end.isoformat()]
        if station_id:
            sql += " AND station_id = ?"
            args.append(station_id)
        with self._read() as con:
            return list(con.execute(f"{sql} ORDER BY {order}", args).fetchall())

    def record_rebuild(self, day: dt.date, station_id: str, by: str, reason: str) -> None:
        """Note that ``by`` rewrote ``station_id``'s running order of ``day``, a record."""
        with self._write() as con:
            con.execute(
                "INSERT INTO rebuilds (day, station_id, at, by, reason) VALUES (?, ?, ?, ?, ?)",
                (day.isoformat(), station_id, _now(), by, reason),
            )

    def rebuilds(self, start: dt.date, end: dt.date) -> list[dict[str, str]]:
        """The rewrites of past days between ``start`` and ``end``: day, station, when, who, why."""
        with self._read() as con:
            try:
                rows = con.execute(
                    "SELECT day, station_id, at, by, reason FROM rebuilds "
                    "WHERE day BETWEEN ? AND ? ORDER BY at, id",
                    (start.isoformat(), end.isoformat()),
                ).fetchall()
            except sqlite3.OperationalError:  # a log of schema 1, read only
                return []
        return [
            dict(zip(("day", "station_id", "at", "by", "reason"), r, strict=True)) for r in rows
        ]

    def has_plays(self, day: dt.date, station_id: str) -> bool:
        """Whether anything of ``station_id``'s ``day`` is in the log as played or tried."""
        return bool(self._rows("plays", day, day, station_id, order="id"))

    def plays(self, start: dt.date, end: dt.date, station_id: str | None = None) -> list[Play]:
        """Plays with ``start <= day <= end``, in time order."""
        rows = self._rows("plays", start, end, station_id, order="start, id")
        return [
            Play(
                id=r["id"],
                day=dt.date.fromisoformat(r["day"]),
                station_id=r["station_id"],
                slot=r["slot"],
                script_id=r["script_id"],
                source=r["source"],
                directive=r["directive"],
                file=r["file"],
                title=r["title"],
                start=dt.datetime.fromisoformat(r["start"]),
                end=dt.datetime.fromisoformat(r["end"]) if r["end"] else None,
                duration_s=r["duration_s"],
                result=r["result"],
                note=r["note"],
                version=r["version"] if "version" in r.keys() else "",
                file_sha1=r["file_sha1"] if "file_sha1" in r.keys() else "",
            )
            for r in rows
        ]

    def planned(self, start: dt.date, end: dt.date, station_id: str | None = None) -> list[Planned]:
        """Planned items with ``start <= day <= end``, in running order."""
        rows = self._rows("planned", start, end, station_id, order="day, station_id, seq")
        return [
            Planned(
                day=dt.date.fromisoformat(r["day"]),
                station_id=r["station_id"],
                seq=r["seq"],
                slot=r["slot"],
                start=dt.datetime.fromisoformat(r["start"]),
                end=dt.datetime.fromisoformat(r["end"]),
                duration_s=r["duration_s"],
                script_id=r["script_id"],
                source=r["source"],
                directive=r["directive"],
                priority=r["priority"],
                title=r["title"],
                file=r["file"],
                engine=r["engine"],
                version=r["version"] if "version" in r.keys() else "",
            )
            for r in rows
        ]

    def stations(self) -> list[str]:
        """Every station id that appears in the log."""
        with self._read() as con:
            rows = con.execute(
                "SELECT station_id FROM planned UNION SELECT station_id FROM plays ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    # -- repair -----------------------------------------------------------------------

    def merge_recovered(
        self, found: Mapping[str, Mapping[int, Mapping[str, Any]]]
    ) -> dict[str, int]:
        """Add rows recovered from a damaged log (``recover.recover``) in one transaction.

        A recovered play equal to one already here (station, start, script, result) is
        skipped, and so are planned rows of a (day, station) this log already has (a
        rebuild after the damage wrote fresher ones). Running it twice adds nothing.
        Returns counts: planned, plays, skipped."""
        counts = {"planned": 0, "plays": 0, "skipped": 0}
        with self._write() as con:
            have_days = {
                (r[0], r[1]) for r in con.execute("SELECT DISTINCT day, station_id FROM planned")
            }
            for table in ("planned", "plays"):
                columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
                for row in sorted(found.get(table, {}).values(), key=lambda r: r["id"]):
                    if table == "planned" and (row["day"], row["station_id"]) in have_days:
                        counts["skipped"] += 1
                        continue
                    if (
                        table == "plays"
                        and con.execute(
                            "SELECT 1 FROM plays WHERE station_id = ? AND start = ? "
                            "AND script_id = ? AND result = ?",
                            (row["station_id"], row["start"], row["script_id"], row["result"]),
                        ).fetchone()
                    ):
                        counts["skipped"] += 1
                        continue
                    names = [c for c in columns if c != "id" and c in row]
                    try:
                        con.execute(
                            f"INSERT INTO {table} ({', '.join(names)}) "
                            f"VALUES ({', '.join('?' * len(names))})",
                            [row[c] for c in names],
                        )
                    except sqlite3.IntegrityError:  # a NOT NULL / CHECK the row breaks
                        counts["skipped"] += 1
                        continue
                    counts[table] += 1
        return counts


DAMAGED_PREFIX = "asrun.damaged-"


def damage(path: Path) -> str | None:
    """Why the log file at ``path`` cannot be trusted, or None (also None if absent).

    A zero-byte file is damage, not an empty history: SQLite would open it as a new
    database and the report would say nothing ever aired."""
    path = Path(path)
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return "tệp rỗng (0 byte): mọi lượt phát đã ghi trước đây không còn trong tệp"
    rows: list[Any] = []
    # Read-only, so that checking never writes (a read-only share, another user's log);
    # immutable=1 where even that needs a write (a WAL log on read-only media).
    for mode in ("mode=ro", "immutable=1"):
        try:
            uri = f"{path.resolve().as_uri()}?{mode}"
            with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as con:
                rows = con.execute("PRAGMA quick_check").fetchall()
            break
        except sqlite3.OperationalError as exc:
            if "unable to open" in str(exc) or "readonly" in str(exc):
                continue  # cannot open it here: not damage (opening says why)
            return f"SQLite báo: {exc}"
        except sqlite3.DatabaseError as exc:
            return f"SQLite báo: {exc}"
    else:
        return None
    if [tuple(r) for r in rows] != [("ok",)]:
        return f"SQLite báo: {rows[0][0]}" + (
            f" (và {len(rows) - 1} lỗi khác)" if len(rows) > 1 else ""
        )
    return None


def move_aside(path: Path, when: dt.datetime | None = None) -> Path:
    """Rename a damaged log (and its -wal, which may hold committed rows) to
    ``asrun.damaged-YYYYMMDD-HHMMSS.sqlite`` beside it; returns the new name."""
    path = Path(path)
    when = when or dt.datetime.now().astimezone()
    aside = path.with_name(f"{DAMAGED_PREFIX}{when:%Y%m%d-%H%M%S}.sqlite")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{DAMAGED_PREFIX}{when:%Y%m%d-%H%M%S}-{n}.sqlite")
    path.replace(aside)
    wal = Path(f"{path}-wal")
    if wal.exists():
        wal.replace(f"{aside}-wal")
    Path(f"{path}-shm").unlink(missing_ok=True)  # an index of the -wal, rebuilt on open
    return aside


def damaged_logs(out_dir: Path) -> list[Path]:
    """Logs ``build`` moved aside, oldest first."""
    return sorted(Path(out_dir).glob(f"{DAMAGED_PREFIX}*.sqlite"))


def open_for_build(path: Path) -> AsRunLog:
    """The log ``build`` writes to. A damaged or zero-byte log does not stop the build:
    it is moved aside with the date in its name, a new log is started, and a warning
    names both files and the repair command."""
    import logging

    path = Path(path)
    why = damage(path)
    if why is None:
        try:
            return BuildAsRunLog(path)
        except NewerLogError:
            raise
        except AsRunDiskFullError as exc:  # not damage: never move a sound log aside
            _warn_full(exc)
            return _UnopenedLog(path)
        except AsRunError as exc:
            why = exc.what
    aside = move_aside(path)
    logging.getLogger(__name__).warning(
        "Nhật ký phát sóng %s bị hỏng (%s). Đã chuyển tệp hỏng sang %s và bắt đầu nhật ký "
        "mới %s; lịch hôm nay vẫn được làm. Chạy 'broadcast asrun repair' để chép mọi dòng "
        "còn đọc được từ tệp hỏng sang nhật ký mới.",
        path,
        why,
        aside,
        path,
    )
    return BuildAsRunLog(path)


def _warn_full(exc: AsRunDiskFullError) -> None:
    import logging

    logging.getLogger(__name__).warning(
        "%s; danh sách phát vẫn được làm, nhưng lịch của chúng chưa vào nhật ký. %s "
        "(rồi chạy lại 'broadcast build' để ghi lịch).",
        exc.what,
        (exc.fix or "").capitalize(),
    )


class BuildAsRunLog(AsRunLog):
    """The log as ``build`` writes it: a full disk is said in a warning and the build goes
    on (the playlists are what the stations need; the log catches up on the next build)."""

    def record_running_order(self, json_path: Path) -> None:
        try:
            super().record_running_order(json_path)
        except AsRunDiskFullError as exc:
            _warn_full(exc)


class _UnopenedLog(BuildAsRunLog):
    """A log that could not even be opened because the disk is full: reads nothing."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def planned(self, start: dt.date, end: dt.date, station_id: str | None = None) -> list[Planned]:
        return []

    def record_running_order(self, json_path: Path) -> None:
        pass  # said once, when it could not be opened

    def has_plays(self, day: dt.date, station_id: str) -> bool:
        return False

    def record_rebuild(self, day: dt.date, station_id: str, by: str, reason: str) -> None:
        pass


class ReadOnlyAsRunLog(AsRunLog):
    """The as-run log opened only to read (``report``, ``asrun show``).

    Reading must work where writing cannot: an output folder on a read-only share, a
    copy on a USB stick, a log owned by the daemon's user. The file is opened with
    SQLite's ``mode=ro`` (``immutable=1`` when even that needs a write, as on read-only
    media); nothing is created, migrated or switched to WAL.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            with self._read() as con:
                con.execute("PRAGMA user_version").fetchone()
        except sqlite3.DatabaseError:
            self._uri = self.path.resolve().as_uri() + "?immutable=1"
            try:
                with self._read() as con:
                    con.execute("PRAGMA user_version").fetchone()
            except sqlite3.DatabaseError as exc:
                raise AsRunError(
                    f"Không đọc được nhật ký phát sóng: {exc}",
                    where=str(self.path),
                    fix="kiểm tra quyền đọc tệp; nếu tệp hỏng, dùng bản sao lưu",
                ) from exc

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return con
