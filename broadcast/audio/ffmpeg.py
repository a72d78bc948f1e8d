"""The ffmpeg binary from the PyPI package imageio-ffmpeg, handed to pydub once.

No apt-get: imageio-ffmpeg ships a static ffmpeg (without ffprobe), so MP3s are read
with ``codec="mp3"`` to skip pydub's probe.
"""

from __future__ import annotations

import functools
import io
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pydub import AudioSegment

from ..errors import AudioError


@functools.cache
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AudioError("Chưa cài ffmpeg", fix="chạy: pip install imageio-ffmpeg") from None
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    AudioSegment.converter = exe
    AudioSegment.ffmpeg = exe
    return exe


def run_ffmpeg(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly; raise AudioError with its last lines on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-y", *([] if stdin is not None else ["-nostdin"]), *args]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise AudioError("ffmpeg báo lỗi: " + " | ".join(tail))
    return proc


def feed_ffmpeg(args: list[str], chunks: Iterable[bytes]) -> None:
    """Run ffmpeg with ``chunks`` written to its standard input one after another, so
    a long signal never has to be in memory whole (issue 23); AudioError as
    :func:`run_ffmpeg`. Its messages go to a temporary file, not a pipe nobody reads
    while we write (a full pipe would stop both)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-y", *args]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        assert proc.stdin is not None
        try:
            for chunk in chunks:
                proc.stdin.write(chunk)
            proc.stdin.close()
        except BrokenPipeError:  # ffmpeg stopped early: its log says why
            pass
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        returncode = proc.wait()
        if returncode != 0:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise AudioError("ffmpeg báo lỗi: " + " | ".join(tail))


def decode_mp3(data: bytes, source: str, fix: str) -> AudioSegment:
    """Decode MP3 bytes an online engine returned into mono 16-bit audio.

    Raises EngineError naming ``source`` (who sent it) when the bytes are not audio.
    """
    from ..errors import EngineError

    ffmpeg_exe()
    try:
        seg = AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    except Exception as exc:  # pydub raises CouldntDecodeError and friends
        raise EngineError(
            f"Âm thanh {source} trả về không giải mã được ({exc.__class__.__name__})", fix=fix
        ) from None
    return seg.set_channels(1).set_sample_width(2)


def read_audio(path: Path) -> AudioSegment:
    """Read WAV or MP3 (or anything ffmpeg reads) without ffprobe."""
    ffmpeg_exe()
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "wav"
    try:
        if fmt == "wav":
            return AudioSegment.from_wav(path)
        return AudioSegment.from_file(path, format=fmt, codec="mp3" if fmt == "mp3" else None)
    except FileNotFoundError:
        raise AudioError(f"Không thấy tệp âm thanh {path}") from None
    except Exception as exc:  # pydub raises CouldntDecodeError and friends
        raise AudioError(
            f"Không đọc được tệp âm thanh {path}: {exc.__class__.__name__}",
            fix="dùng tệp WAV hoặc MP3 còn nguyên vẹn",
        ) from None
