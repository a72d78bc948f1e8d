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
from .export import encode_many, encode_mp3
from .loudness import normalize


@dataclass(frozen=True)
class Mastered:
    duration_s: float
    lufs: float


def _normalized(audio: AudioSegment, settings: AudioSettings) -> tuple[np.ndarray, int, float]:
    seg = audio.set_channels(1).set_sample_width(2)
    rate = seg.frame_rate
    samples = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768.0
    samples, lufs = normalize(samples, rate, settings.lufs, settings.true_peak, settings.bitrate)
    return samples, rate, float(lufs)


def master_many(
    items: list[tuple[AudioSegment, Path, AudioSettings, dict[str, str]]],
) -> list[Mastered]:
    """:func:`master` for many short items (station announcements): the same loudness
    processing each, then one ffmpeg process per group of items with the same format."""
    done: list[Mastered] = []
    groups: dict[tuple[int, int, int], list[tuple[np.ndarray, Path, dict[str, str]]]] = {}
    for audio, target, settings, tags in items:
        samples, rate, lufs = _normalized(audio, settings)
        groups.setdefault((rate, settings.sample_rate, settings.bitrate), []).append(
            (samples, target, tags)
        )
        done.append(Mastered(round(len(samples) / rate, 3), round(lufs, 2)))
    for (rate, sample_rate, bitrate), group in groups.items():
        encode_many(group, rate, sample_rate=sample_rate, bitrate=bitrate)
    return done


def master(
    audio: AudioSegment, target: Path, settings: AudioSettings, tags: dict[str, str]
) -> Mastered:
    """Normalize ``audio`` to the station's loudness and encode it to ``target`` (atomic)."""
    samples, rate, lufs = _normalized(audio, settings)
    encode_mp3(
        samples,
        rate,
        target,
        sample_rate=settings.sample_rate,
        bitrate=settings.bitrate,
        tags=tags,
    )
    return Mastered(round(len(samples) / rate, 3), round(float(lufs), 2))
