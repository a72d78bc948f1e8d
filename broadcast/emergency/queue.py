"""The emergency queue: bulletins ``broadcast emergency`` puts on air at once.

Level three of Circular 39/2020/TT-BTTTT (storms, fires, epidemics) cannot wait for a
campaign's slot. ``broadcast emergency`` renders the bulletin for the chosen stations and
appends it to ``OUT/emergency/queue.json``. Two readers:

- the daemon (``broadcast run``) watches the queue and plays each new entry on its
  stations as each station's ``policy`` says (``interrupt``: ``now`` or ``after_item``;
  ``after``: ``resume`` or ``drop``; entries without a policy: the ``now`` flag);
- ``broadcast build`` puts each entry at the head of the next session's playlist, for
  operators who load playlists by hand.

The queue is small JSON, rewritten atomically under its own lock (not the build lock:
an emergency must not wait for a long build).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..files import atomic
from ..schedule.planner import QueuedBulletin

QUEUE = Path("emergency") / "queue.json"
#: Entries older than this are left out of playlists and of the daemon's polls.
KEEP = dt.timedelta(days=2)


def queue_path(out_dir: Path) -> Path:
    return Path(out_dir) / QUEUE


def _lock(out_dir: Path) -> FileLock:
    path = queue_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path.with_suffix(".lock")), timeout=60)


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return []
    return list(data.get("queue", []))


def _from_raw(raw: dict[str, Any]) -> QueuedBulletin:
    return QueuedBulletin(
        id=raw["id"],
        created=dt.datetime.fromisoformat(raw["created"]),
        stations=tuple(raw["stations"]),
        script_id=raw["script"],
        title=raw["title"],
        directive=raw.get("directive", ""),
        files=dict(raw.get("files", {})),
        durations={k: float(v) for k, v in raw.get("durations", {}).items()},
        now=bool(raw.get("now", False)),
        policy={str(k): dict(v) for k, v in (raw.get("policy") or {}).items()},
    )


def load_queue(out_dir: Path, since: dt.datetime | None = None) -> list[QueuedBulletin]:
    """Queued bulletins (created after ``since`` if given), oldest first."""
    items = [_from_raw(r) for r in _read(queue_path(out_dir))]
    if since is not None:
        items = [q for q in items if q.created >= since]
    return sorted(items, key=lambda q: (q.created, q.id))


def queued_for(out_dir: Path, day: dt.date) -> list[QueuedBulletin]:
    """The bulletins that may still air on ``day``: those queued in the :data:`KEEP`
    before it began (Vietnam time), or since."""
    tz = dt.timezone(dt.timedelta(hours=7))
    return load_queue(out_dir, since=dt.datetime.combine(day, dt.time(0), tzinfo=tz) - KEEP)


def enqueue(out_dir: Path, entry: QueuedBulletin, cap: dict[str, str] | None = None) -> None:
    """Append ``entry`` (atomic rewrite); entries older than ``KEEP`` are pruned.

    ``cap`` ({"sender", "identifier"}) is the CAP alert the entry carries, so that a CAP
    ``Cancel`` can find and withdraw it (:func:`withdraw`)."""
    path = queue_path(out_dir)
    with _lock(out_dir):
        raw = [
            r
            for r in _read(path)
            if dt.datetime.fromisoformat(r["created"]) >= entry.created - KEEP
            and r["id"] != entry.id
        ]
        raw.append(
            {
                "id": entry.id,
                "created": entry.created.isoformat(),
                "stations": list(entry.stations),
                "script": entry.script_id,
                "title": entry.title,
                "directive": entry.directive,
                "files": entry.files,
                "durations": entry.durations,
                "now": entry.now,
                "policy": entry.policy,
                **({"cap": dict(cap)} if cap else {}),
            }
        )
        atomic.write_text(path, json.dumps({"queue": raw}, ensure_ascii=False, indent=1) + "\n")


def queued_alerts(out_dir: Path) -> set[tuple[str, str]]:
    """(sender, identifier) of the CAP alerts whose bulletins are in the queue."""
    return {
        (r["cap"].get("sender", ""), r["cap"].get("identifier", ""))
        for r in _read(queue_path(out_dir))
        if isinstance(r.get("cap"), dict)
    }


def withdraw(out_dir: Path, keys: list[tuple[str, str]]) -> list[QueuedBulletin]:
    """Remove the entries carrying one of the CAP alerts ``keys`` ((sender, identifier))
    from the queue (atomic rewrite); returns what was removed. A daemon that has not
    played an entry yet will not play it; one already aired stays in the as-run log."""
    path = queue_path(out_dir)
    wanted = set(keys)
    with _lock(out_dir):
        raw = _read(path)
        gone = [
            r
            for r in raw
            if (r.get("cap", {}).get("sender"), r.get("cap", {}).get("identifier")) in wanted
        ]
        if gone:
            keep = [r for r in raw if r not in gone]
            text = json.dumps({"queue": keep}, ensure_ascii=False, indent=1) + "\n"
            atomic.write_text(path, text)
    return [_from_raw(r) for r in gone]


def cancel(out_dir: Path, entry_id: str) -> QueuedBulletin | None:
    """Take the entry ``entry_id`` out of the queue (atomic rewrite); returns it, or None
    if it is not there (never queued, already pruned, cancelled before). A daemon that has
    not played it yet will not play it; where it already aired, the as-run log keeps it."""
    path = queue_path(out_dir)
    with _lock(out_dir):
        raw = _read(path)
        gone = [r for r in raw if r.get("id") == entry_id]
        if gone:
            keep = [r for r in raw if r.get("id") != entry_id]
            text = json.dumps({"queue": keep}, ensure_ascii=False, indent=1) + "\n"
            atomic.write_text(path, text)
    return _from_raw(gone[0]) if gone else None


def find(out_dir: Path, entry_id: str) -> QueuedBulletin | None:
    """The queued entry ``entry_id``, or None."""
    for raw in _read(queue_path(out_dir)):
        if raw.get("id") == entry_id:
            return _from_raw(raw)
    return None
