"""Remove bulletins and jingles that no recent playlist needs any more.

Bulletins are content-addressed: editing a script, the lexicon or a station's voice makes
a new MP3 under a new name, and the old one stays, so ``OUT/bulletins`` grows with every
edit (about 1.5 MB a bulletin and station). ``broadcast cache prune --bulletins`` removes
an MP3 of ``OUT/bulletins/*/`` (shared bulletins in ``bulletins/shared/``, standalone
ones and yesterday's layout in ``bulletins/<station>/``), ``OUT/announcements/`` or
``OUT/jingles/`` (and its JSON sidecar) only when all three hold:

- no playlist dated ``keep_days`` ago or later (today's and future ones included) names
  it, in its ``.m3u8`` or its ``.json``;
- the emergency queue does not name it;
- the file itself is older than ``keep_days`` (a bulletin ``render`` just made is kept).

It runs under the output lock, so a build in progress never loses a file it has just
rendered. Older playlists still name the removed files: they are history (the as-run log
and the report do not need the audio); a later build of a day re-renders what it needs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..emergency.queue import queue_path
from ..errors import InputError
from ..playlists.running_order import RunningOrderError, read_running_order
from .lock import output_lock

log = logging.getLogger(__name__)


@dataclass
class BulletinPruneResult:
    removed: int = 0
    freed: int = 0
    kept: int = 0
    kept_bytes: int = 0
    #: running orders that could not be read (each logged; their .m3u8 still counted)
    unreadable: list[Path] = field(default_factory=list)


def _playlist_day(folder: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def referenced(out_dir: Path, since: dt.date, unreadable: list[Path] | None = None) -> set[Path]:
    """Every media file a playlist dated ``since`` or later, or the emergency queue, names.
    A running order that cannot be read is logged and appended to ``unreadable``."""
    out_dir = Path(out_dir).resolve()
    names: set[Path] = set()
    for folder in (out_dir / "playlists").glob("*"):
        day = _playlist_day(folder)
        if day is None or day < since or not folder.is_dir():
            continue
        for m3u in folder.glob("*.m3u8"):
            for line in m3u.read_text("utf-8", errors="replace").splitlines():
                if line.strip() and not line.startswith("#"):
                    names.add((folder / line.strip()).resolve())
        for order in folder.glob("*.json"):
            try:
                ro = read_running_order(order)
            except RunningOrderError as exc:
                # the .m3u8 beside it names the same files; still, the officer is told
                log.warning(
                    "%s\n  (vẫn giữ các tệp mà %s nêu)",
                    exc.message,
                    order.with_suffix(".m3u8").name,
                )
                if unreadable is not None:
                    unreadable.append(order)
                continue
            names.update(ro.media(i) for i in ro.items if i.file)
    queue = queue_path(out_dir)
    if queue.is_file():
        try:
            entries = json.loads(queue.read_text("utf-8")).get("queue", [])
        except ValueError:
            entries = None
        if entries is None:
            raise InputError(
                "Không đọc được hàng đợi khẩn cấp, nên không dọn bản tin",
                where=str(queue),
                fix="kiểm tra tệp này (hoặc xóa nếu không còn bản tin khẩn cấp nào) rồi chạy lại",
            )
        for entry in entries:
            names.update((out_dir / f).resolve() for f in entry.get("files", {}).values())
    return names


def prune_bulletins(
    out_dir: Path,
    keep_days: int,
    today: dt.date,
    dry_run: bool = False,
    now: float | None = None,
    lock_timeout: float = 60,
) -> BulletinPruneResult:
    """Remove bulletin and jingle MP3s (with their JSON) no playlist of the last
    ``keep_days`` days or later names and that are older than ``keep_days``."""
    out_dir = Path(out_dir).resolve()
    now = time.time() if now is None else now
    result = BulletinPruneResult()
    if not any((out_dir / d).is_dir() for d in ("bulletins", "announcements", "jingles")):
        return result
    with output_lock(out_dir, lock_timeout, doing=", nên chưa dọn bản tin"):
        keep = referenced(out_dir, today - dt.timedelta(days=keep_days), result.unreadable)
        media = [
            *out_dir.glob("bulletins/*/*.mp3"),
            *out_dir.glob("announcements/*.mp3"),
            *out_dir.glob("jingles/*.mp3"),
        ]
        for mp3 in sorted(media):
            if mp3.name.startswith("."):
                continue  # a temp file; build cleans those
            sidecar = mp3.with_suffix(".json")
            try:
                size = mp3.stat().st_size + (sidecar.stat().st_size if sidecar.exists() else 0)
                young = now - mp3.stat().st_mtime < keep_days * 86400
            except OSError:
                continue
            if mp3.resolve() in keep or young:
                result.kept += 1
                result.kept_bytes += size
                continue
            if not dry_run:
                # the MP3 first: a sidecar without its MP3 is never reused
                mp3.unlink(missing_ok=True)
                sidecar.unlink(missing_ok=True)
            result.removed += 1
            result.freed += size
    return result
