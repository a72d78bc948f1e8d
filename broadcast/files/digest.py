"""Size and SHA-256 of a published file, and whether a file still matches them.

``build`` records both for every file a running order names (``size``, ``sha256`` on
each item); the playout daemon checks them before it plays, so a bulletin truncated,
overwritten or emptied after the build (a disk error, a bad copy) is never aired and
never logged as played. Hashes are memoized by (path, inode, size, mtime): a province's
running orders name the same few jingles thousands of times.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_MEMO: dict[tuple[str, int, int, int], str] = {}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha1_of(path: Path) -> str:
    """SHA-1 of the file played, as the as-run log records it ("" if unreadable): the
    name most playout software and ``sha1sum`` give a file (issue 18)."""
    h = hashlib.sha1(usedforsecurity=False)
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of ``path`` (OSError if it cannot be read)."""
    st = os.stat(path)
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    digest = _MEMO.get(key)
    if digest is None:
        if len(_MEMO) > 50_000:
            _MEMO.clear()
        digest = _MEMO[key] = sha256_of(path)
    return st.st_size, digest


def damage(path: Path, size: int | None, sha256: str | None, memo: bool = False) -> str | None:
    """Why ``path`` must not be played (Vietnamese), or None when it is sound.

    Without a recorded size and hash (running orders written before they were added)
    only a missing or empty file is caught. The hash is computed afresh: the point is to
    see what is on the disk now; with ``memo`` (a build deciding whether to reuse a file
    it names many times) it is memoized by (path, inode, size, mtime)."""
    try:
        actual = os.stat(path).st_size
    except FileNotFoundError:
        return "không thấy tệp"
    except OSError as exc:
        return f"không đọc được tệp ({exc.strerror})"
    if actual == 0:
        return "tệp rỗng (0 byte)"
    if size is not None and actual != size:
        return f"tệp dài {actual} byte, lúc làm là {size} byte (bị cắt hoặc ghi đè)"
    if sha256:
        try:
            now = file_digest(path)[1] if memo else sha256_of(path)
        except OSError as exc:
            return f"không đọc được tệp ({exc.strerror})"
        if now != sha256:
            return "nội dung tệp khác lúc làm (mã SHA-256 không khớp: tệp bị hỏng)"
    return None


def unsound(path: Path, size: int | None, sha256: str | None) -> str | None:
    """:func:`damage` for a build deciding whether to reuse a file (hash memoized)."""
    return damage(path, size, sha256, memo=True)


def stamp(path: Path) -> dict[str, int | str]:
    """``size`` and ``sha256`` for a sidecar ({} if the file cannot be read)."""
    try:
        size, sha = file_digest(path)
    except OSError:
        return {}
    return {"size": size, "sha256": sha}
