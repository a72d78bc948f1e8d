"""Mastering: mono audio in, a loudness-normalized MP3 on disk out. One path for every item.

Bulletins, station announcements and jingles all go samples -> loudness (with the
true-peak limiter) -> MP3 through this one function, so the three can never drift
apart in level or format, and each is measured from what was really encoded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from ..vocabulary import AudioSettings
from .export import encode_many, encode_pcm_stream, to_pcm16
from .loudness import BlockStats, normalize, padded_length

#: sub-blocks (100 ms) per chunk of a streamed master: 30 s, ~5 MB of float samples
CHUNK_SUB_BLOCKS = 300


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


def _chunks(pcm: Sequence[np.ndarray], total: int, size: int) -> Iterator[np.ndarray]:
    """The int16 ``pcm`` pieces, one after another, as float chunks of ``size`` samples
    (the last shorter) zero-padded to ``total``: the concatenation, never made whole.
    The same buffer is reused: each chunk is valid until the next is asked for."""
    buf = np.zeros(size, dtype=np.float64)
    pos = 0  # in the current chunk
    done = 0  # samples yielded so far
    for piece in pcm:
        at = 0
        while at < len(piece):
            take = min(size - pos, len(piece) - at)
            buf[pos : pos + take] = piece[at : at + take]
            pos += take
            at += take
            if pos == size:
                buf /= 32768.0
                yield buf
                done += size
                pos = 0
    while done < total:
        take = min(size, total - done)
        buf[pos:take] = 0.0
        buf[:pos] /= 32768.0
        yield buf[:take]
        done += take
        pos = 0


def master_pieces(
    pieces: Sequence[AudioSegment], target: Path, settings: AudioSettings, tags: dict[str, str]
) -> Mastered:
    """:func:`master` of the pieces' concatenation, never held whole (issue 23).

    A bulletin is a few pieces (chimes, header, pauses, the body twice): the body is one
    array, named as many times as it is read, not copied. The loudness statistics are
    gathered a chunk at a time, the gain solved on them, and the chunks made again,
    processed and piped into ffmpeg, so memory stays at the pieces plus a few 30 s
    chunks; the samples that come out are exactly :func:`master`'s."""
    segs = [p.set_channels(1).set_sample_width(2) for p in pieces]
    rate = segs[0].frame_rate
    if any(seg.frame_rate != rate for seg in segs):
        raise ValueError("pieces at different sample rates")
    pcm = [np.frombuffer(seg.raw_data, dtype="<i2") for seg in segs]
    n = sum(len(p) for p in pcm)
    total = padded_length(n, rate)
    stats = BlockStats(rate)
    size = CHUNK_SUB_BLOCKS * stats.hop
    for chunk in _chunks(pcm, total, size):
        stats.add(chunk)
    plan = stats.solve(settings.lufs, settings.true_peak, settings.bitrate)

    def encoded() -> Iterator[bytes]:
        start = 0
        for chunk in _chunks(pcm, total, size):
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


def master(
    audio: AudioSegment, target: Path, settings: AudioSettings, tags: dict[str, str]
) -> Mastered:
    """Normalize ``audio`` to the station's loudness and encode it to ``target`` (atomic)."""
    return master_pieces([audio], target, settings, tags)
