"""Mastering: mono audio in, a loudness-normalized MP3 on disk out. One path for every item.

Bulletins, station announcements and jingles all go samples -> loudness (with the
true-peak limiter) -> MP3 through this one function, so the three can never drift
apart in level or format, and each is measured from what was really encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from ..vocabulary import AudioSettings
from .export import encode_mp3
from .loudness import normalize


@dataclass(frozen=True)
class Mastered:
    duration_s: float
    lufs: float


def master(
    audio: AudioSegment, target: Path, settings: AudioSettings, tags: dict[str, str]
) -> Mastered:
    """Normalize ``audio`` to the station's loudness and encode it to ``target`` (atomic)."""
    seg = audio.set_channels(1).set_sample_width(2)
    rate = seg.frame_rate
    samples = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768.0
    samples, lufs = normalize(samples, rate, settings.lufs, settings.true_peak, settings.bitrate)
    encode_mp3(
        samples,
        rate,
        target,
        sample_rate=settings.sample_rate,
        bitrate=settings.bitrate,
        tags=tags,
    )
    return Mastered(round(len(samples) / rate, 3), round(float(lufs), 2))
