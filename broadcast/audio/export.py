"""MP3 export: float samples piped straight into ffmpeg, tags written, file published atomically.

Piping raw PCM avoids pydub's temporary WAV; ffmpeg resamples to the station's rate
(its resampler is better than audioop's) while encoding.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..files import atomic
from ..files.controls import tag_safe
from .ffmpeg import feed_ffmpeg, run_ffmpeg


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
    encode_pcm_stream(
        [to_pcm16(samples)], rate, target, sample_rate=sample_rate, bitrate=bitrate, tags=tags
    )


def encode_pcm_stream(
    chunks: Iterable[bytes],
    rate: int,
    target: Path,
    *,
    sample_rate: int,
    bitrate: int,
    tags: dict[str, str],
) -> None:
    """Encode mono 16-bit PCM at ``rate``, handed over a chunk at a time, to an MP3 at
    ``target`` (atomic): a 50-minute bulletin is never in memory whole."""
    meta = _metadata(tags)

    def write(tmp: Path) -> None:
        feed_ffmpeg(
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
            chunks,
        )

    atomic.write_with(Path(target), write)


def _metadata(tags: dict[str, str]) -> list[str]:
    meta: list[str] = []
    for key, value in tags.items():
        # one line, no control character: a NUL stops ffmpeg, a line break splits the tag
        meta += ["-metadata", f"{tag_safe(key)}={tag_safe(value)}"]
    return meta


def encode_pcm_parts(
    parts: Sequence[Iterable[bytes]],
    rate: int,
    target: Path,
    *,
    sample_rate: int,
    bitrate: int,
    tags: dict[str, str],
    quality: int | None = None,
) -> None:
    """:func:`encode_pcm_stream` of the parts' concatenation, one ffmpeg per part at once.

    LAME encodes on one core; a 50-minute bulletin took ~17 s here that way (issue 23).
    Each part is encoded on its own, the first (with the ID3 tags) into the published
    file's temp, the others (bare frames, no ID3) into scratch files beside it, which
    are then appended: MPEG audio frames stand alone, and a constant-bitrate file needs
    no Xing frame for its length. Each join adds the encoder's ~50 ms of delay and
    padding, so parts should be cut in a pause. ``quality`` is LAME's ``-q`` (0 best and
    slowest ... 9); None leaves ffmpeg's default."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    target = Path(target)
    q = ["-compression_level", str(quality)] if quality is not None else []
    with atomic.atomic_path(target) as first, ExitStack() as stack:
        files = [first] + [
            stack.enter_context(atomic.scratch_path(target, f"part{i}"))
            for i in range(1, len(parts))
        ]

        def encode(i: int) -> None:
            args = ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
            args += ["-ar", str(sample_rate), "-ac", "1", "-b:a", f"{bitrate}k", *q]
            args += ["-write_xing", "0", "-map_metadata", "-1"]
            # the first part carries the tags; the others are bare frames, appended
            args += ["-id3v2_version", "3", *_metadata(tags)] if i == 0 else ["-id3v2_version", "0"]
            feed_ffmpeg([*args, "-f", "mp3", str(files[i])], parts[i])

        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            for done in [pool.submit(encode, i) for i in range(len(parts))]:
                done.result()
        with open(first, "ab") as out:
            for part in files[1:]:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)


def encode_many(
    items: list[tuple[np.ndarray, Path, dict[str, str]]],
    rate: int,
    *,
    sample_rate: int,
    bitrate: int,
) -> None:
    """Encode several short mono signals at ``rate`` to MP3s with one ffmpeg process.

    Starting ffmpeg costs more than encoding a three-second announcement, and a province
    has one per station: the signals go down one pipe, back to back, and ffmpeg cuts them
    apart (``atrim`` on exact sample counts) into one output each. Each file is then
    published atomically, as :func:`encode_mp3` does. Same encoder, same settings.
    """
    if not items:
        return
    if len(items) == 1:
        samples, target, tags = items[0]
        encode_mp3(samples, rate, target, sample_rate=sample_rate, bitrate=bitrate, tags=tags)
        return
    from contextlib import ExitStack

    with ExitStack() as stack:
        temps = [stack.enter_context(atomic.atomic_path(Path(t))) for _, t, _ in items]
        n = len(items)
        parts = [f"[0:a]asplit={n}" + "".join(f"[s{i}]" for i in range(n))]
        pos = 0
        for i, (samples, _, _) in enumerate(items):
            end = pos + len(samples)
            parts.append(
                f"[s{i}]atrim=start_sample={pos}:end_sample={end},asetpts=PTS-STARTPTS[o{i}]"
            )
            pos = end
        args = ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
        args += ["-filter_complex", ";".join(parts)]
        for i, ((_, _, tags), tmp) in enumerate(zip(items, temps, strict=True)):
            args += ["-map", f"[o{i}]", "-ar", str(sample_rate), "-ac", "1"]
            args += ["-b:a", f"{bitrate}k", "-id3v2_version", "3", "-write_xing", "1"]
            for key, value in tags.items():
                args += ["-metadata", f"{key}={value}"]
            args += ["-f", "mp3", str(tmp)]
        run_ffmpeg(args, stdin=b"".join(to_pcm16(s) for s, _, _ in items))
