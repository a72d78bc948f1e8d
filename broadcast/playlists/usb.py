"""Copy a day's running order to a USB stick or SD card for cheap players.

Hamlet loudspeaker amplifiers with a USB/SD slot play files in name (or copy) order and
read FAT file systems: names must be short, ASCII and unique. Layout (one folder level):

    DEST/20261125/001_nhac-hieu-dai.mp3
    DEST/20261125/002_canh-giac-cuoc-goi.mp3
    DEST/20261125/PLAYLIST.M3U      (same order, for players that read M3U)
    DEST/20261125/DANHSACH.TXT      (time and full title of each file, for the operator)

A changed day is copied in play order into a fresh folder that then replaces the old
one (some players use the FAT directory order, which is creation order); a day that has
not changed is not touched. Nothing is touched before every day asked for is known to be
built and whole (:func:`check_day`), and the fresh folder is read back and compared with
its sources (size and SHA-1) before it replaces the old one: a failed export leaves the
stick as it was. Temp files an interrupted copy of an older version left (FAT
has no hidden files: a player would play ``.001_x.mp3.tmp.mp3``) are removed.
Day folders of earlier days that hold only our files are removed too (:func:`remove_past_days`):
a player that plays the whole stick would otherwise play yesterday's bulletins first.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import os
import re
import shutil
import unicodedata
from pathlib import Path

from ..errors import InputError
from ..files.controls import one_line
from .running_order import read_running_order

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


def _unchanged(folder: Path, plan: list[tuple[Path, str]], texts: dict[str, bytes]) -> bool:
    """The stick already holds exactly this day: the same numbered files with the same
    bytes. (Their creation order is right too: every changed day is written afresh.)"""
    if not folder.is_dir():
        return False
    numbered = sorted(p.name for p in folder.iterdir() if _NUMBERED.match(p.name))
    if numbered != sorted(name for _, name in plan):
        return False
    if any(not filecmp.cmp(src, folder / name, shallow=False) for src, name in plan):
        return False
    return all((folder / n).is_file() and (folder / n).read_bytes() == b for n, b in texts.items())


def check_day(out_dir: Path, day: dt.date, station_id: str) -> None:
    """Refuse, before anything is copied, a day that is not built or whose files are gone."""
    source = Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.json"
    if not source.is_file():
        raise InputError(
            f"Chưa có danh sách phát ngày {day:%d/%m/%Y} của đài '{station_id}'; "
            "USB/thẻ nhớ chưa bị thay đổi",
            where=str(source),
            fix=f"chạy 'broadcast build --date {day.isoformat()}' trước",
        )
    order = read_running_order(source)
    for item in order.items:
        media = order.media(item)
        if not media.is_file() or media.stat().st_size == 0:
            raise InputError(
                f"Thiếu tệp '{item.title}' của ngày {day:%d/%m/%Y}; USB/thẻ nhớ chưa bị thay đổi",
                where=str(media),
                fix=f"chạy 'broadcast build --date {day.isoformat()}' để làm lại tệp",
            )


def _digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return path.stat().st_size, h.hexdigest()


def _verify(fresh: Path, plan: list[tuple[Path, str]], texts: dict[str, bytes]) -> None:
    """Every file of the fresh folder, read back from the stick, equals its source."""
    for src, name in plan:
        if _digest(fresh / name) != _digest(src):
            shutil.rmtree(fresh, ignore_errors=True)
            raise InputError(
                f"Tệp chép ra USB/thẻ nhớ không giống tệp gốc: {name}; ngày cũ trên thẻ "
                "được giữ nguyên",
                where=str(fresh / name),
                fix="thẻ nhớ có thể hỏng hoặc đầy: thử thẻ khác, rồi chạy lại lệnh",
            )
    for name, data in texts.items():
        if (fresh / name).read_bytes() != data:
            shutil.rmtree(fresh, ignore_errors=True)
            raise InputError(
                f"Tệp {name} chép ra USB/thẻ nhớ bị sai; ngày cũ trên thẻ được giữ nguyên",
                where=str(fresh / name),
                fix="thẻ nhớ có thể hỏng hoặc đầy: thử thẻ khác, rồi chạy lại lệnh",
            )


def export_day(out_dir: Path, day: dt.date, station_id: str, dest: Path) -> list[Path]:
    """Copy the day's playlist of ``station_id`` into ``dest/YYYYMMDD/``; return the files.

    Some players ignore names and play in FAT directory-entry order, which is the order
    files were created in. So a changed day is copied, in play order, into a fresh
    folder that then replaces the old one; a day that has not changed is left as it is.
    Files in the day folder that this export did not write are moved over, never lost.
    """
    check_day(out_dir, day, station_id)
    source = Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.json"
    order = read_running_order(source)
    folder = Path(dest) / f"{day:%Y%m%d}"
    plan: list[tuple[Path, str]] = []
    listing = [f"Đài {one_line(order.station.name)} — ngày {day:%d/%m/%Y}", ""]
    for n, item in enumerate(order.items, 1):
        name = f"{n:03d}_{ascii_slug(item.title)}.mp3"
        plan.append((order.media(item), name))
        listing.append(f"{name}\t{item.start:%H:%M:%S}\t{one_line(item.title)}")
    texts = {
        "PLAYLIST.M3U": ("\r\n".join(name for _, name in plan) + "\r\n").encode("utf-8"),
        "DANHSACH.TXT": ("\ufeff" + "\r\n".join(listing) + "\r\n").encode("utf-8"),
    }
    written = [folder / name for _, name in plan]
    if _unchanged(folder, plan, texts):
        for old in folder.iterdir():
            if _TEMP.match(old.name):
                old.unlink()
        return written
    fresh = Path(dest) / f"{folder.name}.new"
    shutil.rmtree(fresh, ignore_errors=True)  # left by an interrupted export
    fresh.mkdir(parents=True)
    for src, name in plan:
        shutil.copyfile(src, fresh / name)
    for name, data in texts.items():
        (fresh / name).write_bytes(data)
    _verify(fresh, plan, texts)
    if folder.is_dir():
        for other in folder.iterdir():
            if not _ours(other):
                os.replace(other, fresh / other.name)  # the operator's own files stay
        old = Path(dest) / f"{folder.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
        fresh.rename(folder)
        shutil.rmtree(old)
    else:
        fresh.rename(folder)
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
