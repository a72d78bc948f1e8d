"""What frees disk space in an output folder, measured, for a "disk full" message.

"Ổ đĩa đầy" alone sends an officer to delete the wrong thing: ``cache prune --bulletins``
frees nothing when the speech cache holds the space. This module measures the two things
the tool can give back (the speech cache, and bulletins no playlist from today on needs)
and says which command frees how much, largest first.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

#: files whose presence marks a folder as a broadcast output folder
_MARKS = ("asrun.sqlite", ".broadcast.lock", "playlists", "bulletins", "cache")


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def folder_size(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def find_out_dir(target: Path) -> Path | None:
    """The output folder ``target`` lies in (the nearest parent that looks like one)."""
    for folder in Path(target).parents:
        if any((folder / mark).exists() for mark in _MARKS):
            return folder
    return None


def unneeded_bulletins_size(out_dir: Path, today: dt.date | None = None) -> int:
    """Bytes of bulletin/jingle MP3s (with their JSON) no playlist from today on names."""
    from .prune import referenced

    today = today or dt.date.today()
    try:
        keep = referenced(out_dir, today)
    except Exception:  # noqa: BLE001 - an unreadable queue: then nothing counts as free
        return 0
    total = 0
    for mp3 in [*out_dir.glob("bulletins/*/*.mp3"), *out_dir.glob("jingles/*.mp3")]:
        if mp3.name.startswith(".") or mp3.resolve() in keep:
            continue
        for f in (mp3, mp3.with_suffix(".json")):
            try:
                total += f.stat().st_size
            except OSError:
                pass
    return total


def free_space(folder: Path) -> int | None:
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def space_advice(target: Path) -> str:
    """What to do when writing ``target`` found the disk full, with measured sizes."""
    target = Path(target)
    free = free_space(target.parent)
    free_text = f"ổ còn trống {human_size(free)}" if free is not None else "ổ đã đầy"
    out_dir = find_out_dir(target)
    if out_dir is None:
        return (
            f"{free_text}; xóa bớt tệp không cần trên ổ chứa {target.parent}, hoặc ghi sang ổ khác"
        )
    speech = folder_size(out_dir / "cache" / "speech")
    bulletins = unneeded_bulletins_size(out_dir)
    half_mb = max(1, speech // 2 // 1024**2)
    choices = [
        (
            speech,
            f"bộ nhớ tiếng đang chiếm {human_size(speech)}, giữ một nửa: broadcast cache "
            f"prune --max-size {half_mb}MB --out {out_dir}",
        ),
        (
            bulletins,
            f"bản tin cũ không còn danh sách phát nào từ hôm nay dùng: {human_size(bulletins)}: "
            f"broadcast cache prune --bulletins --older-than 1d --out {out_dir}",
        ),
    ]
    choices = sorted((c for c in choices if c[0] > 0), key=lambda c: c[0], reverse=True)
    if not choices:
        return (
            f"{free_text}; bộ nhớ tiếng và bản tin cũ không chiếm gì đáng kể: xóa bớt tệp "
            f"khác trên ổ chứa {out_dir}, hoặc chọn --out trên ổ khác"
        )
    steps = "; ".join(text for size, text in choices)
    return f"{free_text}. Dọn chỗ (nhiều nhất trước) — {steps}; hoặc chọn --out trên ổ khác"
