"""Mastering a bulletin whose pieces need not be in memory (issue 23): a recorded
bulletin's recording is a :class:`broadcast.audio.recording.Prepared` (int16 in a
temporary file, read a slice at a time); the chimes are short AudioSegments.

The same processing as :func:`broadcast.audio.master.master_pieces` (one function,
:func:`~broadcast.audio.master.master_pcm`: its chunking, loudness statistics, gain plan
and encoder, in parts when long), over int16 pieces given as anything with ``len`` and
slices, so a 50-minute recording is never whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from pydub import AudioSegment

from ..vocabulary import AudioSettings
from .master import Mastered, master_pcm


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
    return master_pcm(pcm, rate, target, settings, tags)  # type: ignore[arg-type]
