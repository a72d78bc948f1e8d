"""The one reader of the JSON running order (``playlists/DAY/STATION.json``).

``broadcast build`` writes the running order (:mod:`broadcast.playlists.m3u8`); the
playout daemon, the as-run log, the preview page, the USB export and ``prune`` read it.
They all read it here, so the contract is written down once:

- **Schema versions.** A file without ``"schema"`` is schema 1 (before 2026-11); schema 2
  added ``at``, ``moved_from``, ``window`` on items and ``sessions``/``notes``. A newer
  schema is read as far as we understand it: keys are only ever added, never renamed.
- **File checks.** Items written since 2026-12 have ``size`` and ``sha256`` of their
  file (optional: older files have neither); the daemon checks them before it plays.
- **Planner notes** (``notes``) always have ``lost`` (bool) and ``rule`` (str) once read:
  files written before 2026-11-28 have neither and read as false and "".
- **Recordings** (issue 20): a bulletin that airs a recording has ``voice`` "recording"
  and ``source_audio`` (its file name); other items have neither and read as "".
- **Versions** (issue 18): a bulletin written since 2026-12 has ``version``, the hash of the
  script version that aired; older files read as "".
- **Shared airings** (2026-12): a bulletin that also meets other campaigns' requests names
  them in ``also`` (a list of ids); other items, and older files, read as ().
- **Tolerant.** Unknown keys are kept (``extra``), unknown item ``kind`` values are kept as
  they are (only ``"bulletin"`` counts as a bulletin; anything else is played but is not
  what a directive asks to air).
- **Never skipped silently.** A file that cannot be read raises :class:`RunningOrderError`
  naming the file, the item and the field, and what to do; :func:`read_day` returns those
  errors beside the orders it could read so each caller reports them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Schema versions this reader knows; a newer one is read as far as it can be.
KNOWN_SCHEMAS = (1, 2)
BULLETIN = "bulletin"
#: What officers read for each item kind (preview page, daemon's play lines, USB listing);
#: a kind not listed here is shown as it is.
KIND_LABELS = {
    "bulletin": "bản tin",
    "jingle": "nhạc hiệu",
    "announcement": "lời giới thiệu đài",
    "emergency": "bản tin khẩn cấp",
}
FIX = "chạy lại 'broadcast build --date {day}' để ghi lại tệp này (không sửa tay)"


def kind_label(kind: str) -> str:
    """The Vietnamese name of an item kind (``"announcement"`` -> "lời giới thiệu đài")."""
    return KIND_LABELS.get(kind, kind)


class RunningOrderError(InputError):
    """A running order file cannot be read (damaged, half-written by hand, wrong fields)."""


@dataclass(frozen=True)
class StationRef:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Item:
    """One entry of a running order, as it should play."""

    start: dt.datetime
    slot: str  # HH:MM, the session it belongs to
    end: dt.datetime
    duration_s: float
    file: str  # relative to the running order's folder, forward slashes
    title: str
    script: str
    source: str
    priority: str
    directive: str
    engine: str
    kind: str = BULLETIN
    at: str | None = None
    moved_from: str | None = None
    window: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: the file's size and SHA-256 when it was built (None in files written before)
    size: int | None = None
    sha256: str | None = None
    #: "recording" and the recording's file name for a recorded bulletin, "" otherwise
    voice: str = ""
    source_audio: str = ""
    #: the script version that airs (content hash, issue 18); "" in files written before
    version: str = ""
    #: other campaigns or one-offs this airing also meets (planner rule 8); () before 2026-12
    also: tuple[str, ...] = ()

    @property
    def is_bulletin(self) -> bool:
        return self.kind == BULLETIN

    @property
    def is_recording(self) -> bool:
        """A bulletin that airs a recording, not a synthesized voice (issue 20)."""
        return bool(self.source_audio)

    def as_dict(self) -> dict[str, Any]:
        """The item as the writer wrote it (with any keys this reader does not know)."""
        return {
            **self.extra,
            "start": self.start.isoformat(),
            "slot": self.slot,
            "end": self.end.isoformat(),
            "duration_s": self.duration_s,
            "file": self.file,
            "title": self.title,
            "script": self.script,
            "source": self.source,
            "priority": self.priority,
            "directive": self.directive,
            "engine": self.engine,
            "kind": self.kind,
            "at": self.at,
            "moved_from": self.moved_from,
            "window": self.window,
            **({"size": self.size} if self.size is not None else {}),
            **({"sha256": self.sha256} if self.sha256 is not None else {}),
            **({"voice": self.voice} if self.voice else {}),
            **({"source_audio": self.source_audio} if self.source_audio else {}),
            **({"version": self.version} if self.version else {}),
            **({"also": list(self.also)} if self.also else {}),
        }


@dataclass(frozen=True)
class RunningOrder:
    path: Path
    date: dt.date
    station: StationRef
    items: tuple[Item, ...]
    schema: int = 1
    timezone: str = "Asia/Ho_Chi_Minh"
    sessions: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[Mapping[str, Any], ...] = ()
    #: the commune's name when the day was built; "" in files written before (2026-12)
    commune: str = ""

    @property
    def folder(self) -> Path:
        return self.path.parent

    def media(self, item: Item) -> Path:
        """The file ``item`` plays, resolved from the running order's folder."""
        return (self.folder / item.file).resolve()

    def by_slot(self) -> dict[str, list[Item]]:
        """Items of each session, in play order, keyed by the session's HH:MM."""
        out: dict[str, list[Item]] = {}
        for item in self.items:
            out.setdefault(item.slot, []).append(item)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "station": {
                "id": self.station.id,
                "name": self.station.name,
                "kind": self.station.kind,
            },
            **({"commune": self.commune} if self.commune else {}),
            "timezone": self.timezone,
            "items": [i.as_dict() for i in self.items],
            "sessions": [dict(s) for s in self.sessions],
            "notes": [dict(n) for n in self.notes],
            "schema": self.schema,
        }


_ITEM_KEYS = {
    "start", "slot", "end", "duration_s", "file", "title", "script", "source", "priority",
    "directive", "engine", "kind", "at", "moved_from", "window", "size", "sha256",
    "voice", "source_audio", "version", "also",
}  # fmt: skip


def _also(value: object) -> tuple[str, ...]:
    """``also`` as written (a list of ids); anything else (a newer or hand-edited file) is
    read as none: it only adds a note to the report, never a figure."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)


class _Fields:
    """Typed field access that names the file and the field in its error."""

    def __init__(self, path: Path, day: str) -> None:
        self.path = path
        self.day = day

    def fail(self, where: str, what: str) -> RunningOrderError:
        return RunningOrderError(
            f"Không đọc được thứ tự phát {self.path.name}: {what}",
            where=f"{self.path}, {where}" if where else str(self.path),
            fix=FIX.format(day=self.day or "NGÀY"),
        )

    def text(self, raw: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if value is None:
            if default is not None:
                return default
            raise self.fail(where, f"thiếu trường '{key}'")
        if not isinstance(value, str):
            raise self.fail(where, f"trường '{key}' phải là chữ, đang là {value!r}")
        return value

    def optional(self, raw: Mapping[str, Any], key: str, where: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(where, f"trường '{key}' phải là chữ, đang là {value!r}")
        return value

    def when(self, raw: Mapping[str, Any], key: str, where: str) -> dt.datetime:
        value = self.text(raw, key, where)
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(where, f"'{key}' không phải ngày giờ ISO 8601: {value!r}") from None

    def size(self, raw: Mapping[str, Any], key: str, where: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(where, f"'{key}' phải là số byte không âm, đang là {value!r}")
        return value

    def seconds(self, raw: Mapping[str, Any], key: str, where: str) -> float:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail(where, f"'{key}' phải là số giây không âm, đang là {value!r}")
        return float(value)


def parse_running_order(doc: Any, path: Path) -> RunningOrder:
    """A :class:`RunningOrder` from the parsed JSON ``doc`` of ``path`` (pure)."""
    path = Path(path)
    f = _Fields(path, path.parent.name)
    if not isinstance(doc, dict):
        raise f.fail("", "tệp không phải một đối tượng JSON")
    schema = doc.get("schema", 1)
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise f.fail("schema", f"số phiên bản 'schema' không hợp lệ: {schema!r}")
    day_text = f.text(doc, "date", "date")
    f.day = day_text
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise f.fail("date", f"'date' không phải ngày YYYY-MM-DD: {day_text!r}") from None
    st = doc.get("station")
    if not isinstance(st, dict):
        raise f.fail("station", "thiếu 'station' (mã, tên, loại đài)")
    station = StationRef(
        id=f.text(st, "id", "station.id"),
        name=f.text(st, "name", "station.name", default=str(st.get("id", ""))),
        kind=f.text(st, "kind", "station.kind", default=""),
    )
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        raise f.fail("items", "thiếu danh sách 'items'")
    items = []
    for n, raw in enumerate(raw_items, 1):
        where = f"mục {n} (items[{n - 1}])"
        if not isinstance(raw, dict):
            raise f.fail(where, "mục không phải một đối tượng JSON")
        kind = f.text(raw, "kind", where, default=BULLETIN)
        bulletin = kind == BULLETIN
        items.append(
            Item(
                start=f.when(raw, "start", where),
                slot=f.text(raw, "slot", where),
                end=f.when(raw, "end", where),
                duration_s=f.seconds(raw, "duration_s", where),
                file=f.text(raw, "file", where),
                title=f.text(raw, "title", where, default=""),
                # jingles (and kinds added later) may leave out what only bulletins have
                script=f.text(raw, "script", where, default=None if bulletin else ""),
                source=f.text(raw, "source", where, default=None if bulletin else ""),
                priority=f.text(raw, "priority", where, default="normal" if bulletin else ""),
                directive=f.text(raw, "directive", where, default=""),
                engine=f.text(raw, "engine", where, default=""),
                kind=kind,
                at=f.optional(raw, "at", where),
                moved_from=f.optional(raw, "moved_from", where),
                window=f.optional(raw, "window", where),
                extra={k: v for k, v in raw.items() if k not in _ITEM_KEYS},
                size=f.size(raw, "size", where),
                sha256=f.optional(raw, "sha256", where),
                voice=f.text(raw, "voice", where, default=""),
                source_audio=f.text(raw, "source_audio", where, default=""),
                version=f.text(raw, "version", where, default=""),
                also=_also(raw.get("also")),
            )
        )
    sessions = doc.get("sessions") or []
    notes = doc.get("notes") or []
    if not isinstance(sessions, list) or not all(isinstance(s, dict) for s in sessions):
        raise f.fail("sessions", "'sessions' phải là danh sách các đối tượng")
    if not isinstance(notes, list) or not all(isinstance(s, dict) for s in notes):
        raise f.fail("notes", "'notes' phải là danh sách các đối tượng")
    notes = [_note(f, n, f"notes[{k}]") for k, n in enumerate(notes)]
    return RunningOrder(
        path=path,
        date=day,
        station=station,
        items=tuple(items),
        schema=schema,
        timezone=f.text(doc, "timezone", "timezone", default="Asia/Ho_Chi_Minh"),
        sessions=tuple(sessions),
        notes=tuple(notes),
        commune=f.text(doc, "commune", "commune", default=""),
    )


def _note(f: _Fields, raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A planner note with ``lost`` and ``rule`` checked, or defaulted for files written
    before they were added (false, "")."""
    lost = raw.get("lost", False)
    if not isinstance(lost, bool):
        raise f.fail(where, f"trường 'lost' phải là true hoặc false, đang là {lost!r}")
    return {**raw, "lost": lost, "rule": f.text(raw, "rule", where, default="")}


def read_running_order(path: Path) -> RunningOrder:
    """Read and check one running order; :class:`RunningOrderError` if it cannot be."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise RunningOrderError(
            f"Không thấy thứ tự phát {path.name}",
            where=str(path),
            fix=f"chạy 'broadcast build --date {path.parent.name}' trước",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Fields(path, path.parent.name).fail("", f"không mở được ({exc})") from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise _Fields(path, path.parent.name).fail("", f"JSON hỏng ({exc})") from None
    return parse_running_order(doc, path)


def read_day(out_dir: Path, day: dt.date) -> tuple[list[RunningOrder], list[RunningOrderError]]:
    """Every running order of ``day`` under ``out_dir/playlists/``, sorted by file name,
    and the errors of those that could not be read (for the caller to report)."""
    folder = Path(out_dir) / "playlists" / day.isoformat()
    orders: list[RunningOrder] = []
    errors: list[RunningOrderError] = []
    for path in sorted(folder.glob("*.json")):
        try:
            orders.append(read_running_order(path))
        except RunningOrderError as exc:
            errors.append(exc)
    return orders, errors
