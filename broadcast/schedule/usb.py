"""Copy a day's running order to a USB stick or SD card for cheap players.

Hamlet loudspeaker amplifiers with a USB/SD slot play files in name (or copy) order and
read FAT file systems: names must be short, ASCII and unique. Layout (one folder level):

    DEST/20261125/001_nhac-hieu-dai.mp3
    DEST/20261125/002_canh-giac-cuoc-goi.mp3
    DEST/20261125/PLAYLIST.M3U      (same order, for players that read M3U)
    DEST/20261125/DANHSACH.TXT      (time and full title of each file, for the operator)

Files are copied in play order (some players use the FAT directory order), each one
atomically; a file already on the stick with the same content is left alone; our own
numbered files that are no longer in the day's order, and temp files an interrupted copy
left (FAT has no hidden files: a player would play ``.001_x.mp3.tmp.mp3``), are removed.
Day folders of earlier days that hold only our files are removed too (:func:`remove_past_days`):
a player that plays the whole stick would otherwise play yesterday's bulletins first.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import re
import shutil
import unicodedata
from functools import partial
from pathlib import Path

from .. import atomic
from ..errors import InputError

SLUG_LEN = 20
_NUMBERED = re.compile(r"^\d{3}_[a-z0-9-]*\.mp3$")
_TEMP = re.compile(r"^\..+\.tmp(\.[A-Za-z0-9]+)?$")
_DAY = re.compile(r"^\d{8}$")
_OURS = ("PLAYLIST.M3U", "DANHSACH.TXT")


def ascii_slug(text: str, limit: int = SLUG_LEN) -> str:
    """'Cảnh giác cuộc gọi lạ' -> 'canh-giac-cuoc-goi-la' (FAT-safe, no diacritics)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > limit:
        head = text[: limit + 1]
        text = head.rsplit("-", 1)[0] if "-" in head else text[:limit]
    return text or "ban-tin"


def _copy(src: Path, tmp: Path) -> None:
    shutil.copyfile(src, tmp)


def export_day(out_dir: Path, day: dt.date, station_id: str, dest: Path) -> list[Path]:
    """Copy the day's playlist of ``station_id`` into ``dest/YYYYMMDD/``; return the files."""
    source = Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.json"
    if not source.is_file():
        raise InputError(
            f"Chưa có danh sách phát ngày {day:%d/%m/%Y} của đài '{station_id}'",
            where=str(source),
            fix=f"chạy 'broadcast build --date {day.isoformat()}' trước",
        )
    doc = json.loads(source.read_text("utf-8"))
    folder = Path(dest) / f"{day:%Y%m%d}"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    listing = [f"Đài {doc['station']['name']} — ngày {day:%d/%m/%Y}", ""]
    for n, item in enumerate(doc["items"], 1):
        src = (source.parent / item["file"]).resolve()
        target = folder / f"{n:03d}_{ascii_slug(item['title'])}.mp3"
        if not (target.is_file() and filecmp.cmp(src, target, shallow=False)):
            atomic.write_with(target, partial(_copy, src))
        written.append(target)
        start = dt.datetime.fromisoformat(item["start"])
        listing.append(f"{target.name}\t{start:%H:%M:%S}\t{item['title']}")
    keep = {p.name for p in written}
    for old in folder.iterdir():
        if (_NUMBERED.match(old.name) and old.name not in keep) or _TEMP.match(old.name):
            old.unlink()
    atomic.write_text(folder / "PLAYLIST.M3U", "\r\n".join(p.name for p in written) + "\r\n")
    atomic.write_bytes(
        folder / "DANHSACH.TXT", ("\ufeff" + "\r\n".join(listing) + "\r\n").encode("utf-8")
    )
    return written


def _ours(path: Path) -> bool:
    return path.is_file() and bool(
        _NUMBERED.match(path.name) or _TEMP.match(path.name) or path.name in _OURS
    )


def remove_past_days(dest: Path, before: dt.date) -> tuple[list[Path], list[Path]]:
    """Remove ``dest/YYYYMMDD/`` folders of days before ``before`` that hold only files
    this export writes. Returns (removed, left): a folder with anything else is left."""
    removed: list[Path] = []
    left: list[Path] = []
    if not Path(dest).is_dir():
        return removed, left
    for folder in sorted(Path(dest).iterdir()):
        if not (folder.is_dir() and _DAY.match(folder.name)):
            continue
        try:
            day = dt.datetime.strptime(folder.name, "%Y%m%d").date()
        except ValueError:
            continue
        if day >= before:
            continue
        files = list(folder.iterdir())
        if not all(_ours(p) for p in files):
            left.append(folder)
            continue
        for p in files:
            p.unlink()
        folder.rmdir()
        removed.append(folder)
    return removed, left
