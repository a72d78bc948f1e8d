"""Output verified (issue 23): before a build reuses what is on disk, every file a
running order names is checked by the size and SHA-256 the running order records; a
damaged one (truncated, emptied, overwritten, deleted) and its sidecar are removed so the
build makes it again. A day already begun keeps its running order (a record), so the
remade file's new size and hash are written into it (only those two keys change).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from ..files import atomic, digest

log = logging.getLogger(__name__)


def _items(order: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(order.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    items = doc.get("items") if isinstance(doc, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _media(order: Path, item: dict[str, Any], out_dir: Path) -> Path | None:
    rel = item.get("file")
    if not isinstance(rel, str) or not rel or "\0" in rel:
        return None
    path = (order.parent / rel).resolve()
    try:
        path.relative_to(Path(out_dir).resolve())
    except ValueError:
        return None  # never touch a file outside the output folder
    return path


def remove_damaged(out_dir: Path, day: dt.date, stations: list[str]) -> dict[str, set[str]]:
    """Remove each damaged file the day's running orders name (and its sidecar); returns,
    for each station with a damaged file, every script its running order names (a kept
    day renders them again: the damaged ones are made, the others are reused)."""
    folder = Path(out_dir) / "playlists" / day.isoformat()
    found: dict[str, set[str]] = {}
    seen: set[Path] = set()
    for sid in stations:
        order = folder / f"{sid}.json"
        items = _items(order)
        for item in items:
            size, sha = item.get("size"), item.get("sha256")
            if not isinstance(size, int) or not isinstance(sha, str):
                continue  # a running order older than the digests: nothing to check by
            path = _media(order, item, out_dir)
            if path is None:
                continue
            why = "đã xoá ở trên" if path in seen else digest.unsound(path, size, sha)
            if why is None:
                continue
            found[sid] = {str(i["script"]) for i in items if i.get("script")}
            if path in seen:
                continue
            seen.add(path)
            log.warning(
                "Tệp %s hỏng (%s), danh sách phát %s ngày %s ghi tên nó: làm lại tệp này.",
                path,
                why,
                sid,
                day.strftime("%d/%m/%Y"),
            )
            for gone in (path, path.with_suffix(".json")):
                try:
                    gone.unlink()
                except FileNotFoundError:
                    pass
    return found


def restamp(order: Path, out_dir: Path) -> bool:
    """Write the size and SHA-256 of files remade since into a kept running order;
    returns whether it changed. A file still missing is said in the log."""
    try:
        text = order.read_text("utf-8")
        doc = json.loads(text)
    except (OSError, ValueError):
        return False
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return False
    changed = False
    for item in items:
        if not isinstance(item, dict) or "sha256" not in item:
            continue
        path = _media(order, item, out_dir)
        if path is None:
            continue
        now = digest.stamp(path)
        if not now:
            log.error(
                "Không làm lại được tệp %s của danh sách phát %s (kịch bản đã đổi hoặc "
                "không còn). Cách sửa: broadcast build --date %s --rebuild-past --reason "
                '"tệp hỏng"',
                path,
                order,
                doc.get("date", ""),
            )
            continue
        if now["size"] != item.get("size") or now["sha256"] != item.get("sha256"):
            item.update(now)
            changed = True
    if changed:
        # same layout as the build writes: one item a line
        head = {k: v for k, v in doc.items() if k not in ("items", "sessions", "notes", "schema")}
        parts = [json.dumps(head, ensure_ascii=False)[:-1]]
        for key in ("items", "sessions", "notes"):
            rows = doc.get(key) or []
            body = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in rows)
            parts.append(f' "{key}": [\n  {body}\n ]' if rows else f' "{key}": []')
        schema = json.dumps(doc.get("schema"))
        atomic.write_text(order, ",\n".join(parts) + f',\n "schema": {schema}\n}}\n')
    return changed


def order_damaged(m3u8: Path) -> str | None:
    """Why a kept day's playlist pair can no longer be kept (Vietnamese), or None: the
    running order unreadable, or the M3U8 missing or not naming the same files in the
    same order (truncated, emptied, overwritten)."""
    from ..playlists.running_order import RunningOrderError, read_running_order

    try:
        order = read_running_order(m3u8.with_suffix(".json"))
    except RunningOrderError as err:
        return err.what
    try:
        lines = m3u8.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"không đọc được {m3u8.name}"
    named = [line for line in lines if line and not line.startswith("#")]
    if not lines or lines[0] != "#EXTM3U" or named != [i.file for i in order.items]:
        return f"{m3u8.name} bị cắt, bị xoá nội dung hoặc ghi đè"
    return None
