"""Is this file audio, and of which kind? The check an uploaded recording passes first.

imageio-ffmpeg ships no ffprobe, so ffmpeg itself decodes the file's first audio stream
to nothing (``-f null``): a file it cannot open, or one with no audio stream (a photo, a
PDF, a Word file), fails here with a message an officer can act on, before anything is
saved. The container it reports decides the saved file's suffix (what the file is, not
what its name says); the last ``time=`` is the decoded length (a browser's recording
carries no duration in its header).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .ffmpeg import ffmpeg_exe

#: ffmpeg's container name (the first of its list) -> the suffix a recording is saved with
SUFFIXES: dict[str, str] = {
    "mp3": ".mp3",
    "wav": ".wav",
    "mov": ".m4a",  # "mov,mp4,m4a,3gp,3g2,mj2": phones' M4A
    "ogg": ".ogg",
    "amr": ".amr",
    "matroska": ".webm",  # "matroska,webm": what a browser records (Opus)
    "flac": ".flac",
    "aac": ".aac",
    "asf": ".wma",
}
FORMATS = "MP3, WAV, M4A, OGG, AMR"
#: decoding 50 MB of any of these takes a few seconds; a file that takes longer is refused
PROBE_TIMEOUT_S = 120
_INPUT = re.compile(r"^Input #0, ([^,\s]+)", re.M)
_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class Probe:
    container: str
    suffix: str
    seconds: float


def not_audio(shown_name: str, why: str) -> InputError:
    return InputError(
        f"Tệp «{shown_name}» không phải tệp âm thanh đọc được ({why})",
        where=shown_name,
        fix=f"chọn một tệp ghi âm ({FORMATS}); tệp thu trên điện thoại thường là M4A hoặc "
        "AMR; nếu tệp mở được trên máy tính mà vẫn báo lỗi, lưu lại thành MP3 rồi gửi",
    )


def probe(path: Path, shown_name: str) -> Probe:
    """What ``path`` holds; raises InputError naming ``shown_name`` when it is not audio
    ffmpeg decodes, is empty, or is of a kind the project does not air."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    cmd += ["-map", "0:a:0", "-vn", "-f", "null", "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise not_audio(shown_name, f"đọc quá {PROBE_TIMEOUT_S} giây chưa xong") from None
    log = proc.stderr.decode("utf-8", "replace")
    found = _INPUT.search(log)
    if proc.returncode != 0 or found is None:
        why = "không có tiếng" if found is not None else "không mở được"
        raise not_audio(shown_name, why)
    times = _TIME.findall(log)
    seconds = 0.0
    if times:
        h, m, s = times[-1]
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
    if seconds <= 0.0:
        raise not_audio(shown_name, "không có tiếng")
    container = found.group(1)
    suffix = SUFFIXES.get(container)
    if suffix is None:
        raise InputError(
            f"Tệp «{shown_name}» là âm thanh dạng {container}, chưa dùng làm bản ghi được",
            where=shown_name,
            fix=f"lưu lại thành MP3 (hoặc {FORMATS}) rồi gửi",
        )
    return Probe(container, suffix, seconds)
