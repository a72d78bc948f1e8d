"""Mastering: mono audio in, a loudness-normalized MP3 on disk out. One path for every item.

Bulletins, station announcements and jingles all go samples -> loudness (with the
true-peak limiter) -> MP3 through this one function, so the three can never drift
apart in level or format, and each is measured from what was really encoded.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from ..vocabulary import AudioSettings
from .export import encode_many, encode_pcm_parts, encode_pcm_stream, to_pcm16
from .loudness import BlockStats, GainPlan, normalize, padded_length

#: a bulletin at least this long (seconds) is encoded in parts at once, one per core
PARTS_MIN_S = 600.0
#: how far (seconds) from an even split a part's cut may move to land in a pause
CUT_SEARCH_S = 20.0
#: LAME quality (``-q``) of a bulletin encoded in parts: 7 encodes ~1.5x faster than
#: the default 3 (FIELD-NOTES: 80 % of build time is the MP3 encode), inaudibly so for
#: speech at 128 kb/s through a loudspeaker; shorter bulletins keep the default.
LONG_QUALITY = 7
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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _parts_for(seconds: float) -> int:
    """How many parts a bulletin this long is encoded in: one per core once it is long."""
    if seconds < PARTS_MIN_S:
        return 1
    return max(1, min(_cores(), int(seconds // (PARTS_MIN_S / 2))))


def _window(pcm: Sequence[np.ndarray], a: int, b: int) -> np.ndarray:
    """Samples ``a`` to ``b`` of the pieces' concatenation (int16, a copy)."""
    out: list[np.ndarray] = []
    pos = 0
    for piece in pcm:
        lo, hi = max(a, pos), min(b, pos + len(piece))
        if lo < hi:
            out.append(piece[lo - pos : hi - pos])
        pos += len(piece)
        if pos >= b:
            break
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)


def _cuts(pcm: Sequence[np.ndarray], n: int, rate: int, step: int, parts: int) -> list[int]:
    """``0``, the cut points, ``n``: ``parts`` spans of about equal length, each cut in
    the longest pause within ``CUT_SEARCH_S`` of its ideal place (between readings or
    paragraphs, where a join cannot be heard), on a limiter-block boundary."""
    cuts = [0]
    win = max(step, (int(0.05 * rate) // step) * step)
    reach = int(CUT_SEARCH_S * rate)
    for k in range(1, parts):
        ideal = n * k // parts
        lo = max(cuts[-1] + win, ideal - reach)
        lo -= lo % step
        hi = min(n - win, ideal + reach)
        if hi - lo < win:
            continue
        near = _window(pcm, lo, hi).astype(np.float64)
        m = len(near) // win
        blocks = near[: m * win].reshape(m, win)
        energy = np.einsum("ij,ij->i", blocks, blocks) / win
        cuts.append(lo + _quietest(energy, (ideal - lo) // win) * win + win // 2 // step * step)
    cuts.append(n)
    return cuts


#: mean square (int16 scale) under which a 50 ms window counts as a pause: -50 dBFS
QUIET = (32768 * 10 ** (-50 / 20)) ** 2


def _quietest(energy: np.ndarray, ideal: int) -> int:
    """The window to cut at: the middle of a longest run of quiet windows (of those at
    least 80 % as long as the longest, the one nearest ``ideal``), else the quietest."""
    quiet = np.concatenate(([False], energy <= QUIET, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(quiet))
    starts, ends = edges[::2], edges[1::2]
    if not len(starts):
        return int(np.argmin(energy))
    middles = (starts + ends) // 2
    longest = (ends - starts) >= 0.8 * (ends - starts).max()
    return int(min(middles[longest], key=lambda mid: abs(int(mid) - ideal)))


def _processed(
    pcm: Sequence[np.ndarray], plan: GainPlan, a: int, b: int, size: int, step: int
) -> Iterator[bytes]:
    """Samples ``a`` (a block boundary) to ``b`` of the mastered signal, as 16-bit PCM a
    chunk at a time: exactly what the whole signal's chunks give there."""
    at = a
    while at < b:
        take = min(size, b - at)
        chunk = _window(pcm, at, at + take).astype(np.float64) / 32768.0
        pad = (-len(chunk)) % step
        if pad:
            chunk = np.concatenate((chunk, np.zeros(pad)))
        yield to_pcm16(plan.apply(chunk, at // step)[:take])
        at += take


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
    return master_pcm(pcm, rate, target, settings, tags)


def master_pcm(
    pcm: Sequence[np.ndarray],
    rate: int,
    target: Path,
    settings: AudioSettings,
    tags: dict[str, str],
) -> Mastered:
    """:func:`master_pieces` of mono int16 pieces at ``rate``: anything with ``len`` and
    slices will do (a recording read from a temporary file a slice at a time)."""
    n = sum(len(p) for p in pcm)
    total = padded_length(n, rate)
    stats = BlockStats(rate)
    size = CHUNK_SUB_BLOCKS * stats.hop
    for chunk in _chunks(pcm, total, size):
        stats.add(chunk)
    plan = stats.solve(settings.lufs, settings.true_peak, settings.bitrate)

    cuts = _cuts(pcm, n, rate, stats.step, _parts_for(n / rate))
    if len(cuts) > 2:
        spans = [_processed(pcm, plan, a, b, size, stats.step) for a, b in itertools.pairwise(cuts)]
        encode_pcm_parts(
            spans,
            rate,
            target,
            sample_rate=settings.sample_rate,
            bitrate=settings.bitrate,
            tags=tags,
            quality=LONG_QUALITY,
        )
        return Mastered(round(n / rate, 3), round(float(plan.lufs), 2))

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
