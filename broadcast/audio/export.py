"""MP3 export: float samples piped straight into ffmpeg, tags written, file published atomically.

Piping raw PCM avoids pydub's temporary WAV; ffmpeg resamples to the station's rate
(its resampler is better than audioop's) while encoding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import atomic
from .ffmpeg import run_ffmpeg


def to_pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def encode_mp3(
    samples: np.ndarray,
    rate: int,
    target: Path,
    *,
    sample_rate: int,
    bitrate: int,
    tags: dict[str, str],
) -> None:
    """Encode mono float samples at ``rate`` to an MP3 at ``target`` (atomic)."""
    meta: list[str] = []
    for key, value in tags.items():
        meta += ["-metadata", f"{key}={value}"]

    def write(tmp: Path) -> None:
        run_ffmpeg(
            [
                "-f",
                "s16le",
                "-ar",
                str(rate),
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-ar",
                str(sample_rate),
                "-ac",
                "1",
                "-b:a",
                f"{bitrate}k",
                "-id3v2_version",
                "3",
                "-write_xing",
                "1",
                *meta,
                "-f",
                "mp3",
                str(tmp),
            ],
            stdin=to_pcm16(samples),
        )

    atomic.write_with(Path(target), write)
