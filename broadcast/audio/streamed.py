"""Mastering a bulletin whose pieces need not be in memory (issue 23): a recorded
bulletin's recording is a :class:`broadcast.audio.recording.Prepared` (int16 in a
temporary file, read a slice at a time); the chimes are short AudioSegments.

The same processing as :func:`broadcast.audio.master.master_pieces` (its chunking,
loudness statistics and gain plan; the same encoder), over int16 pieces given as anything
with ``len`` and slices, so a 50-minute recording is never whole. master.py is left as it
is: this is the hook a streamed source needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from pydub import AudioSegment

from ..vocabulary import AudioSettings
from .export import encode_pcm_stream, to_pcm16
from .loudness import BlockStats, padded_length
from .master import CHUNK_SUB_BLOCKS, Mastered, _chunks


class PCM(Protocol):
    def __len__(self) -> int: ...
    def __getitem__(self, key: slice) -> np.ndarray: ...


def as_pcm(piece: AudioSegment | PCM, rate: int) -> PCM:
    """An AudioSegment as mono int16 samples at ``rate``; anything else as it is."""
    if isinstance(piece, AudioSegment):
        seg = piece.set_channels(1).set_sample_width(2)
        seg = seg if seg.frame_rate == rate else seg.set_frame_rate(rate)
        return np.frombuffer(seg.raw_data, dtype="<i2")
    return piece


def master_streamed(
    pieces: Sequence[AudioSegment | PCM],
    rate: int,
    target: Path,
    settings: AudioSettings,
    tags: dict[str, str],
) -> Mastered:
    """:func:`~broadcast.audio.master.master_pieces` of int16 pieces at ``rate``."""
    pcm = [as_pcm(p, rate) for p in pieces]
    n = sum(len(p) for p in pcm)
    total = padded_length(n, rate)
    stats = BlockStats(rate)
    size = CHUNK_SUB_BLOCKS * stats.hop
    for chunk in _chunks(pcm, total, size):  # type: ignore[arg-type]
        stats.add(chunk)
    plan = stats.solve(settings.lufs, settings.true_peak, settings.bitrate)

    def encoded() -> Iterator[bytes]:
        start = 0
        for chunk in _chunks(pcm, total, size):  # type: ignore[arg-type]
            keep = min(len(chunk), n - start)
            if keep <= 0:
                break
            yield to_pcm16(plan.apply(chunk, start // stats.step)[:keep])
            start += len(chunk)

    encode_pcm_stream(
        encoded(),
        rate,
        target,
        sample_rate=settings.sample_rate,
        bitrate=settings.bitrate,
        tags=tags,
    )
    return Mastered(round(n / rate, 3), round(float(plan.lufs), 2))
